"""What a day does at the worlds, in compiled passes over the campaign's arrays: sieges
(worlds without defences or a guard of their owner's, held long enough, are taken or laid
waste) and repairs at friendly docks."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def sieges(live, where, mode, goal, fleet_side, besieges, destroy, idle, owner, wmember, wdef,
           razed, siege, dt, days):
    """A day `dt` of the sieges by the fleets whose mode `besieges` and that stand at their
    goal. A world besieged, with no defences, no fleet of its owner there and not laid
    waste, is held a day longer; held `days`, it falls to its lowest-numbered besieger's side
    (laid waste if that fleet's mode is `destroy`), and its besiegers go `idle`. Sieges not
    held this day start again (none at all: nothing changes). Returns, world by world in
    order, those that fell: (world, owner before, side, laid waste)."""
    F = where.shape[0]
    N = owner.shape[0]
    first = np.full(N, -1, np.int64)  # each besieged world's lowest-numbered besieger
    guarded = np.zeros(N, np.bool_)  # where the owner's own fleets stand
    any_siege = False
    for f in range(F):
        w = where[f]
        if not live[f] or w < 0:
            continue
        if fleet_side[f] == owner[w]:
            guarded[w] = True
        if besieges[mode[f]] and w == goal[f]:
            any_siege = True
            if first[w] < 0:
                first[w] = f
    fell = np.zeros((0, 4), np.int64)
    if not any_siege:
        return fell
    held = np.zeros(N, np.bool_)
    n = 0
    for w in range(N):
        if first[w] >= 0 and not (wdef[w] > 0 or guarded[w] or razed[w]):
            held[w] = True
            siege[w] += dt
            if not siege[w] + 1e-9 < days:
                n += 1
    fell = np.empty((n, 4), np.int64)
    k = 0
    for w in range(N):
        if not held[w] or siege[w] + 1e-9 < days:
            continue
        f = first[w]
        s = fleet_side[f]
        waste = mode[f] == destroy
        fell[k, 0], fell[k, 1], fell[k, 2], fell[k, 3] = w, owner[w], s, waste
        k += 1
        razed[w] = waste
        owner[w] = -1 if waste else s
        wmember[w] = -1
        siege[w] = 0.0
        for g in range(F):  # its besiegers stand down
            if live[g] and where[g] == w and besieges[mode[g]] and goal[g] == w:
                mode[g] = idle
    for w in range(N):
        if not held[w]:
            siege[w] = 0.0
    return fell


@njit(cache=True, error_model="numpy")
def repair(live, where, fleet_side, owner, dock, crippled, ships, arrived, dt):
    """A day `dt` at the docks: the crippled ships of the fleets at a world of their side
    with a dock are repaired, as many as its rate allows shared by their numbers."""
    F = where.shape[0]
    need = np.zeros(owner.shape[0])
    for f in range(F):
        w = where[f]
        if live[f] and crippled[f] > 0 and w >= 0 and owner[w] == fleet_side[f] \
                and dock[w] > 0:
            need[w] += crippled[f]
    for f in range(F):
        w = where[f]
        if live[f] and crippled[f] > 0 and w >= 0 and owner[w] == fleet_side[f] \
                and dock[w] > 0:
            share = dock[w] * dt / need[w]
            fixed = crippled[f] * (share if share < 1.0 else 1.0)
            crippled[f] -= fixed
            ships[f] += fixed
            arrived[f] += fixed


@njit(cache=True, error_model="numpy")
def holdings(live, where, mode, goal, fleet_side, besieges, destroy, idle, owner, wmember,
             wdef, razed, siege, dt, days, dock, crippled, ships, arrived):
    """A day at the worlds in one compiled call: the `sieges`, then the `repair`s at the
    docks of the owners they leave. Returns what fell (see `sieges`)."""
    fell = sieges(live, where, mode, goal, fleet_side, besieges, destroy, idle, owner,
                  wmember, wdef, razed, siege, dt, days)
    repair(live, where, fleet_side, owner, dock, crippled, ships, arrived, dt)
    return fell
