"""Supply along the theater: a side's worlds feed the fleets within `reach` travel time of
them over lanes it can use (a blockaded lane, one an enemy fleet sits on, carries nothing);
a fleet beyond fights at `1 - penalty` of its effectiveness (the core's fire and movement
modifiers), and at full strength again once its line is restored."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from ..theater import Theater


def supplied(theater: Theater, sources: np.ndarray, reach: float,
             open_lanes: np.ndarray | None = None) -> np.ndarray:
    """(N,) bool: the worlds within `reach` of one of `sources` (world indices) over the lanes
    that are open (`open_lanes`, one flag per CSR entry, both directions; None: all)."""
    supply = np.zeros(theater.n, bool)
    if not len(sources):
        return supply
    keep = np.ones(len(theater.dst), bool) if open_lanes is None else open_lanes
    # a lane of no time is still a lane: csgraph drops explicit zeros, so nudge them
    time = np.where(theater.time > 0, theater.time, 1e-300)[keep]
    src = np.repeat(np.arange(theater.n), np.diff(theater.ptr))[keep]
    g = csr_matrix((time, (src, theater.dst[keep])), shape=(theater.n, theater.n))
    dist = dijkstra(g, indices=np.asarray(sources, np.int64), min_only=True, limit=reach)
    supply[np.isfinite(dist)] = True
    return supply


def blockade(theater: Theater, lanes: list[tuple[int, int]]) -> np.ndarray:
    """The open-lanes flags with the given lanes (either direction) closed."""
    open_ = np.ones(len(theater.dst), bool)
    for a, b in lanes:
        for u, v in ((a, b), (b, a)):
            k = theater.lane(u, v)
            if k < 0:
                raise ValueError(f"no lane between worlds {a} and {b}")
            open_[k] = False
    return open_


def effectiveness(fleet_world: np.ndarray, supply: np.ndarray, penalty: float) -> np.ndarray:
    """Each fleet's multiplier: 1 where its world is supplied, 1 - penalty beyond (a fleet on
    a lane, world -1, counts as beyond)."""
    if not 0.0 <= penalty <= 1.0:
        raise ValueError(f"a supply penalty is a share, in [0, 1]; found {penalty}")
    at = np.asarray(fleet_world, np.int64)
    ok = (at >= 0) & supply[np.maximum(at, 0)]
    return np.where(ok, 1.0, 1.0 - penalty)
