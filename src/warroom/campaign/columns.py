"""The enemy columns a raiding side can hunt, in one compiled pass (its idle groups ask every
day): each enemy fleet believed on the move, the column it travels in, and the strength an
interception needs to meet that column."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..core.picture import _per_force


@njit(cache=True, error_model="numpy")
def columns(force, x, t, strength, since, read_fleet, read_world, seen_at, hunted,
            n_worlds, odds, goal, total, heard):
    """Enemy fleets on the move: reported on a lane since `since` (picture rows force, x,
    t, strength), or whose order to go to `read_world[k]` was read (the last read wins).
    A column is the fleets last seen at one world going one way (the world of an order
    read; -1 when only reported on a lane); its strength is the sum of its fleets' believed
    ships, in fleet order (infinite where one's is unknown). Returns the fleets not hunted
    yet, in increasing order, and `odds` times their column's strength. goal, total and
    heard: room of one per fleet."""
    F = goal.shape[0]
    goal[:] = -2
    total[:] = 0.0
    heard[:] = False
    _per_force(force, strength, total, heard)  # believed ships per fleet (nan: unknown)
    for k in range(force.shape[0]):
        if x[k] < 0 and t[k] >= since:
            goal[force[k]] = -1
    for j in range(read_fleet.shape[0]):
        goal[read_fleet[j]] = read_world[j]
    n = 0
    for f in range(F):
        if goal[f] > -2:
            n += 1
    moving = np.empty(n, np.int64)
    key = np.empty(n, np.int64)
    n = 0
    for f in range(F):
        if goal[f] > -2:
            moving[n] = f
            key[n] = seen_at[f] * (n_worlds + 2) + goal[f] + 2
            n += 1
    order = np.argsort(key, kind="mergesort")  # stable: a column's fleets in fleet order
    column = np.empty(n)
    lo = 0
    while lo < n:
        hi = lo
        s = 0.0
        while hi < n and key[order[hi]] == key[order[lo]]:
            v = total[moving[order[hi]]]
            s += np.inf if np.isnan(v) else v
            hi += 1
        for j in range(lo, hi):
            column[order[j]] = s
        lo = hi
    m = 0
    for i in range(n):
        if not hunted[moving[i]]:
            m += 1
    targets = np.empty(m, np.int64)
    need = np.empty(m)
    m = 0
    for i in range(n):
        if not hunted[moving[i]]:
            targets[m] = moving[i]
            need[m] = odds * column[i]
            m += 1
    return targets, need
