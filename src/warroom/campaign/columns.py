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


@njit(cache=True, error_model="numpy")
def hunters(targets, need, fleets, ships, starts, group):
    """Groups sent to meet the columns, target by target in turn: the first pool (pool i:
    idle fleets fleets[starts[i]:starts[i+1]] at one world, with their ships) whose fleets
    add up to the target's `need` sends as many of them as it takes, at least `group`, from
    its front; a target no pool can meet is left. Returns each fleet sent and its target,
    in the order sent, and how many each pool sent."""
    P = starts.shape[0] - 1
    head = starts[:-1].copy()
    sent_fleet = np.empty(fleets.shape[0], np.int64)
    sent_target = np.empty(fleets.shape[0], np.int64)
    n = 0
    for j in range(targets.shape[0]):
        needed = need[j]
        for i in range(P):
            lo, hi = head[i], starts[i + 1]
            if lo == hi:
                continue
            # the first of the pool's fleets whose ships, added up in turn, reach `needed`
            s, k = 0.0, lo
            while k < hi:
                s += ships[fleets[k]]
                if s >= needed:
                    break
                k += 1
            if k == hi:
                continue
            take = max(k - lo + 1, group)
            if take > hi - lo:
                continue
            for q in range(lo, lo + take):
                sent_fleet[n] = fleets[q]
                sent_target[n] = targets[j]
                n += 1
            head[i] = lo + take
            break
    return sent_fleet[:n], sent_target[:n], head - starts[:-1]
