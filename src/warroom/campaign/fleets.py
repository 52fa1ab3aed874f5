"""Fleets on the theater as struct-of-arrays: where each is (a world, or a lane between the
last world it passed and the next), and the route it follows, kept in flat buffers so that
one compiled pass moves every fleet to a time and lists the worlds each passed on the way
(where it may have met an enemy)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit

ON_LANE = -1  # a fleet's world while it travels a lane


@njit(cache=True, error_model="numpy")
def _advance(t, rw, rt, r0, r1, hop, world, out_f, out_w, out_t):
    """Move every fleet to time t along its route; write (fleet, world, time) for each
    world reached; return how many."""
    n = 0
    for f in range(hop.shape[0]):
        k = hop[f]
        while k < r1[f] and rt[k] <= t:
            world[f] = rw[k]
            if n < out_f.shape[0]:
                out_f[n], out_w[n], out_t[n] = f, rw[k], rt[k]
            n += 1
            k += 1
        hop[f] = k
        if r0[f] < k < r1[f]:
            world[f] = ON_LANE
    return n


class Fleets:
    """`n` fleets, each of a side, at a world (`world`; ON_LANE while travelling)."""

    def __init__(self, side: Sequence[int], world: Sequence[int]):
        self.side = np.asarray(side, np.int64)
        self.world = np.asarray(world, np.int64).copy()
        n = len(self.side)
        self.rw, self.rt = np.zeros(0, np.int64), np.zeros(0)  # every route, end to end
        self.r0, self.r1, self.hop = np.zeros(n, np.int64), np.zeros(n, np.int64), \
            np.zeros(n, np.int64)

    @property
    def n(self) -> int:
        return len(self.side)

    def send(self, f: int, path: Sequence[int], times: np.ndarray) -> None:
        """Fleet f follows `path` (its first world where it is), reaching each at `times`
        (`movement.schedule`)."""
        if len(path) != len(times) or not len(path):
            raise ValueError("a route needs one time per world, and at least one world")
        if self.world[f] != ON_LANE and path[0] != self.world[f]:
            raise ValueError(f"fleet {f} is at world {self.world[f]}, not {path[0]}")
        start = len(self.rw)
        self.rw = np.concatenate([self.rw, np.asarray(path, np.int64)])
        self.rt = np.concatenate([self.rt, np.asarray(times, float)])
        self.r0[f], self.r1[f], self.hop[f] = start, len(self.rw), start

    def advance(self, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Move every fleet to time t; the (fleet, world, time) of each world reached."""
        room = len(self.rw)
        out = (np.empty(room, np.int64), np.empty(room, np.int64), np.empty(room))
        k = _advance(t, self.rw, self.rt, self.r0, self.r1, self.hop, self.world, *out)
        return out[0][:k], out[1][:k], out[2][:k]

    def lanes(self, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each fleet: the lane it is on (from, to; both its world when it is at one)
        and how far along it (0 at a world)."""
        on = self.world == ON_LANE
        k = np.where(on, self.hop, 0)
        a = np.where(on, self.rw[np.maximum(k - 1, 0)] if len(self.rw) else 0, self.world)
        b = np.where(on, self.rw[np.minimum(k, max(len(self.rw) - 1, 0))]
                     if len(self.rw) else 0, self.world)
        frac = np.zeros(self.n)
        if on.any():
            t0, t1 = self.rt[k[on] - 1], self.rt[k[on]]
            frac[on] = (t - t0) / (t1 - t0)
        return a, b, frac
