"""Fleets in transit: when a fleet on a route reaches each world, and where an enemy can
meet it (where every fleet is at a time: `fleets.Fleets`).

A fleet that sets out at t0 along a route (worlds joined by lanes) reaches each world at t0
plus the sum of the lanes before it, and is `(t - arrival at u) / lane time` of the way along
the lane (u, v) it is on. An interceptor setting out now from its world goes the quickest way;
it meets the fleet at a world on the route it reaches first, or on a lane it enters from the
far end while the fleet is still on it (the two close at the same speed, so they meet half
way between the fleet's position and the interceptor's entry); it never catches a fleet from
behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from ..theater import Theater


def schedule(theater: Theater, path: Sequence[int], t0: float) -> np.ndarray:
    """The time the fleet reaches each world of `path` (t0 at the first)."""
    lanes = [theater.lane(u, v) for u, v in zip(path[:-1], path[1:], strict=True)]
    if any(k < 0 for k in lanes):
        bad = next(k for k, lane in enumerate(lanes) if lane < 0)
        raise ValueError(f"no lane between worlds {path[bad]} and {path[bad + 1]}")
    return t0 + np.concatenate([[0.0], np.cumsum(theater.time[lanes])])


@dataclass(frozen=True)
class Meeting:
    t: float
    u: int  # the lane u -> v (u == v: at world u)
    v: int
    fraction: float


def interception(theater: Theater, path: Sequence[int], times: np.ndarray, start: int,
                 now: float, dist: np.ndarray | None = None) -> Meeting | None:
    """The earliest place an interceptor setting out from world `start` at `now` can meet
    the fleet on its way (None: nowhere in time); `dist`: the travel times from `start` to
    every world, if known (`theater.Paths.tree(start)`)."""
    if dist is None:
        dist = dijkstra(theater.matrix(), indices=start)
    reach = now + dist[np.asarray(path, np.int64)]  # when it can be at each world of the route
    best: Meeting | None = None
    for k in range(len(path)):
        u, a_u = path[k], times[k]
        if a_u >= now and reach[k] <= a_u and (best is None or a_u < best.t):
            best = Meeting(float(a_u), u, u, 0.0)  # waiting at a world on the route
        if k + 1 == len(path):
            break
        v, a_v = path[k + 1], times[k + 1]
        s = reach[k + 1]  # entering the lane from its far end
        if s <= a_v and s > a_u - (a_v - a_u):
            tm = 0.5 * (a_u + (a_v - a_u) + s)
            if tm >= now and (best is None or tm < best.t):
                best = Meeting(float(tm), u, v, float((tm - a_u) / (a_v - a_u)))
    return best
