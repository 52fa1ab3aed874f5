"""Fleets on the theater as struct-of-arrays: where each is (a world, or a lane between the
last world it passed and the next), and the route it follows, one row of a route table per
fleet (as long as the longest route given so far), so that one compiled pass moves every
fleet to a time and lists the worlds each reached on the way, and a new route overwrites a
row without copying the others."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit

ON_LANE = -1  # a fleet's world while it travels a lane


@njit(cache=True)
def stop(world, length, hop, routed, f):
    """Fleet f stays where it is (one on a lane goes on to the world it is heading for)."""
    if world[f] == ON_LANE:
        length[f] = hop[f] + 1
    else:
        length[f] = 0
        hop[f] = 0
    routed[f] += 1


@njit(cache=True, error_model="numpy")
def _advance(t, rw, rt, length, hop, world, out_f, out_w, out_t):
    """Move every fleet to time t along its route; write (fleet, world, time) for each
    world reached; return how many."""
    n = 0
    for f in range(hop.shape[0]):
        k = hop[f]
        while k < length[f] and rt[f, k] <= t:
            world[f] = rw[f, k]
            if n < out_f.shape[0]:
                out_f[n], out_w[n], out_t[n] = f, rw[f, k], rt[f, k]
            n += 1
            k += 1
        hop[f] = k
        if 0 < k < length[f]:
            world[f] = ON_LANE
    return n


@njit(cache=True, error_model="numpy")
def _lanes(t, rw, rt, hop, world, a, b, frac):
    """Into a, b, frac (a and b: each fleet's world, frac: 0), for the fleets on a lane:
    the worlds it is between and how far along it is at t."""
    last = max(rw.shape[1] - 1, 1)
    for f in range(world.shape[0]):
        if world[f] != ON_LANE:
            continue
        k = min(max(hop[f], 1), last)
        a[f], b[f] = rw[f, k - 1], rw[f, min(k, rw.shape[1] - 1)]
        t0, t1 = rt[f, k - 1], rt[f, k]
        frac[f] = (t - t0) / (t1 - t0 if t1 > t0 else 1.0)


class Fleets:
    """`n` fleets, each of a side, at a world (`world`; ON_LANE while travelling)."""

    def __init__(self, side: Sequence[int] | np.ndarray, world: Sequence[int] | np.ndarray,
                 width: int = 8):
        self.side = np.asarray(side, np.int64)
        self.world = np.asarray(world, np.int64).copy()
        n = len(self.side)
        self.rw = np.zeros((n, width), np.int64)
        self.rt = np.zeros((n, width))
        self.length = np.zeros(n, np.int64)  # worlds on each route (0: none)
        self.hop = np.zeros(n, np.int64)  # the next world of the route to reach
        self.routed = np.zeros(n, np.int64)  # how many times each was given a new route

    @property
    def n(self) -> int:
        return len(self.side)

    def send(self, f: int, path: Sequence[int] | np.ndarray, times: np.ndarray) -> None:
        """Fleet f follows `path` (its first world where it is, or the world it is heading
        for on a lane, whose time is kept), reaching each at `times` (`movement.schedule`)."""
        if len(path) != len(times) or not len(path):
            raise ValueError("a route needs one time per world, and at least one world")
        if self.world[f] != ON_LANE and path[0] != self.world[f]:
            raise ValueError(f"fleet {f} is at world {self.world[f]}, not {path[0]}")
        path_a, times_a = np.asarray(path, np.int64), np.asarray(times, float)
        if self.world[f] == ON_LANE:  # keep the lane it is on: the world it left first
            j = int(self.hop[f])
            if path_a[0] != self.rw[f, j]:
                raise ValueError(f"fleet {f} is heading for world {self.rw[f, j]}, not "
                                 f"{path_a[0]}")
            path_a = np.concatenate([[self.rw[f, j - 1]], path_a])
            times_a = np.concatenate([[self.rt[f, j - 1]], [self.rt[f, j]], times_a[1:]])
        k = len(path_a)
        if k > self.rw.shape[1]:
            grow = max(k, 2 * self.rw.shape[1])
            self.rw = np.pad(self.rw, ((0, 0), (0, grow - self.rw.shape[1])))
            self.rt = np.pad(self.rt, ((0, 0), (0, grow - self.rt.shape[1])))
        self.rw[f, :k] = path_a
        self.rt[f, :k] = times_a
        self.length[f] = k
        self.hop[f] = 1  # the first world is behind it (or where it is)
        self.routed[f] += 1

    def stop(self, f: int) -> None:
        """Fleet f stays where it is (`stop`)."""
        stop(self.world, self.length, self.hop, self.routed, f)

    def heading(self, f: int) -> tuple[int, float]:
        """Where fleet f is, or the next world it reaches on its lane, and when."""
        if self.world[f] != ON_LANE:
            return int(self.world[f]), -np.inf
        k = int(self.hop[f])
        return int(self.rw[f, k]), float(self.rt[f, k])

    def advance(self, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Move every fleet to time t; the (fleet, world, time) of each world reached."""
        room = int(self.length.sum())
        out = (np.empty(room, np.int64), np.empty(room, np.int64), np.empty(room))
        k = _advance(t, self.rw, self.rt, self.length, self.hop, self.world, *out)
        return out[0][:k], out[1][:k], out[2][:k]

    def lanes(self, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each fleet: the lane it is on (from, to; both its world when it is at one)
        and how far along it (0 at a world)."""
        a, b, frac = self.world.copy(), self.world.copy(), np.zeros(self.n)
        _lanes(t, self.rw, self.rt, self.hop, self.world, a, b, frac)
        return a, b, frac

    def ended(self) -> np.ndarray:
        """(n,) bool: fleets at the end of their route (or with none)."""
        return self.hop >= self.length
