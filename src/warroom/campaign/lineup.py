"""Who fights whom in a step's battles: the fleets of each battle side by side, the sides'
codes in the aggregate battle (an alliance is one side; a world's defences fight last, for
its owner) and each force's strength and kill rate, worked out for all of a step's battles
in one compiled pass (a step meets a few battles, a war tens of thousands)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def _code(labels, n, lab):
    """The code of label `lab` among the n first of `labels`, added if new; (code, n)."""
    for j in range(n):
        if labels[j] == lab:
            return j, n
    labels[n] = lab
    return n, n + 1


@njit(cache=True, error_model="numpy")
def lineup(fleets, sizes, u, v, fleet_side, label, hostile, owner, wdef, ships, rate, fire_mod,
           supply, world_rate):
    """Battles b of fleets (`sizes[b]` of them in turn) at world u[b] (u == v) or on the lane
    u[b] - v[b]. Each battle's fleets are ordered by side (stably); a battle is fought where
    at least two labels (alliances) meet, counting the defences of a world whose owner is
    hostile to a side there. Returns, over the battles fought: the fleets in order, the
    first fleet of each (battle, side) row with its side and code, per battle its index b,
    its defences' owner (-1: none) and their code, its fleets and its first row; and the
    forces of the aggregate battles (the fleets, then the defences): their starts per
    battle, codes, strengths, kill rates and which are fleets."""
    B = sizes.shape[0]
    S = hostile.shape[0]
    n_all = fleets.shape[0]
    fl = np.empty(n_all, np.int64)
    row_at = np.empty(n_all, np.int64)
    row_side = np.empty(n_all, np.int64)
    row_code = np.empty(n_all, np.int64)
    bat = np.empty(B, np.int64)
    bat_o = np.empty(B, np.int64)
    bat_gcode = np.empty(B, np.int64)
    bat_n = np.empty(B, np.int64)
    bat_r0 = np.empty(B, np.int64)
    labels = np.empty(S + 1, np.int64)
    m = 0  # fleets placed
    R = 0  # rows
    P = 0  # battles fought
    lo = 0
    for b in range(B):
        hi = lo + sizes[b]
        m0, r0 = m, R
        for s in range(S):  # side by side, each side's fleets in the order given
            first = True
            for k in range(lo, hi):
                f = fleets[k]
                if fleet_side[f] == s:
                    if first:
                        row_at[R], row_side[R] = m, s
                        R += 1
                        first = False
                    fl[m] = f
                    m += 1
        w = u[b]
        o = owner[w]
        guns = False
        if u[b] == v[b] and o >= 0 and wdef[w] > 0:
            for r in range(r0, R):
                if hostile[o, row_side[r]]:
                    guns = True
                    break
        n = 0
        for r in range(r0, R):
            row_code[r], n = _code(labels, n, label[row_side[r]])
        gcode = -1
        if guns:
            gcode, n = _code(labels, n, label[o])
        if n < 2:  # not fought: its rows and fleets are taken back
            m, R = m0, r0
        else:
            bat[P], bat_o[P], bat_gcode[P] = b, o if guns else -1, gcode
            bat_n[P], bat_r0[P] = m - m0, r0
            P += 1
        lo = hi
    T = m
    for p in range(P):
        if bat_o[p] >= 0:
            T += 1
    starts = np.zeros(P + 1, np.int64)
    code = np.empty(T, np.int64)
    strength = np.empty(T)
    fire = np.empty(T)
    is_fleet = np.ones(T, np.bool_)
    at = 0
    for p in range(P):
        first_fleet = row_at[bat_r0[p]]
        last_row = bat_r0[p + 1] if p + 1 < P else R
        for r in range(bat_r0[p], last_row):
            end = row_at[r + 1] if r + 1 < R else m
            for i in range(row_at[r], end):
                f = fl[i]
                code[at + i - first_fleet] = row_code[r]
                strength[at + i - first_fleet] = ships[f]
                fire[at + i - first_fleet] = rate[f] * fire_mod[f] * supply[f]
        at += bat_n[p]
        if bat_o[p] >= 0:
            w = u[bat[p]]
            code[at], strength[at], fire[at], is_fleet[at] = bat_gcode[p], wdef[w], \
                world_rate[w], False
            at += 1
        starts[p + 1] = at
    return (fl[:m], row_at[:R], row_side[:R], row_code[:R], bat[:P], bat_o[:P],
            bat_gcode[:P], bat_n[:P], bat_r0[:P], starts, code, strength, fire, is_fleet)


@njit(cache=True, error_model="numpy")
def meetings(live, where, ships, fleet_side, owner, wdef, hostile, foes, member_home,
             member_side, n_worlds):
    """Where a step's battles are: the worlds (in order) where two sides hostile to each
    other (a pair of `foes`) have fleets with ships, or where a world's defences face a side
    hostile to its owner; the fleets there, world by world (each world's in fleet order),
    and how many at each; and which members have a fleet hostile to them at their home.
    The first value is False, with empty arrays and no threat, when no fleet with ships
    stands at a world."""
    F = where.shape[0]
    S = hostile.shape[0]
    present = np.zeros((n_worlds, S), np.bool_)
    occupied = np.zeros(n_worlds, np.bool_)
    n_there = 0
    for f in range(F):
        w = where[f]
        if live[f] and w >= 0 and ships[f] > 0:
            present[w, fleet_side[f]] = True
            occupied[w] = True
            n_there += 1
    M = member_home.shape[0]
    threat = np.zeros(M, np.bool_)
    if n_there == 0:
        return False, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), \
            threat
    hit = np.zeros(n_worlds, np.bool_)
    n_hit = 0
    for w in range(n_worlds):
        if not occupied[w]:
            continue
        fights = False
        for p in range(foes.shape[0]):
            if present[w, foes[p, 0]] and present[w, foes[p, 1]]:
                fights = True
                break
        o = owner[w]
        if not fights and wdef[w] > 0 and o >= 0:
            for s in range(S):
                if present[w, s] and hostile[o, s]:
                    fights = True
                    break
        if fights:
            hit[w] = True
            n_hit += 1
    for m in range(M):
        h = member_home[m]
        if occupied[h]:
            for s in range(S):
                if present[h, s] and hostile[member_side[m], s]:
                    threat[m] = True
                    break
    worlds = np.empty(n_hit, np.int64)
    slot = np.full(n_worlds, -1, np.int64)  # a hit world's place among them
    k = 0
    for w in range(n_worlds):
        if hit[w]:
            worlds[k] = w
            slot[w] = k
            k += 1
    sizes = np.zeros(n_hit, np.int64)
    for f in range(F):
        w = where[f]
        if live[f] and w >= 0 and ships[f] > 0 and hit[w]:
            sizes[slot[w]] += 1
    first = np.zeros(n_hit, np.int64)
    for i in range(1, n_hit):
        first[i] = first[i - 1] + sizes[i - 1]
    fleets = np.empty(first[n_hit - 1] + sizes[n_hit - 1] if n_hit else 0, np.int64)
    for f in range(F):
        w = where[f]
        if live[f] and w >= 0 and ships[f] > 0 and hit[w]:
            fleets[first[slot[w]]] = f
            first[slot[w]] += 1
    return True, worlds, fleets, sizes, threat


@njit(cache=True, error_model="numpy")
def waylaid(pass_fleet, pass_world, live, where, mode, fleet_side, hostile, intercept,
            n_worlds):
    """Fleets that passed worlds this step (pass_fleet[k] passed pass_world[k]) and are on a
    lane still, where hostile interceptors (mode `intercept`, at a world) wait: world by
    world in order, the passing fleets there (in fleet order) and the interceptors hostile
    to the first of them (in fleet order). A fleet that passed two such worlds meets the
    second's interceptors after the first's: a battle joins the batch before it only while
    their passing fleets differ. Returns the fleets of the battles in turn, how many each,
    its world and its batch (0, 1, ...)."""
    F = where.shape[0]
    S = hostile.shape[0]
    waits = np.zeros(F, np.bool_)
    at = np.zeros((n_worlds, S), np.bool_)
    n_wait = 0
    for f in range(F):
        if live[f] and mode[f] == intercept and where[f] >= 0:
            waits[f] = True
            at[where[f], fleet_side[f]] = True
            n_wait += 1
    empty = np.zeros(0, np.int64)
    if n_wait == 0:
        return empty, empty, empty, empty
    K = pass_fleet.shape[0]
    met = np.zeros(K, np.bool_)
    hit = np.zeros(n_worlds, np.bool_)
    for k in range(K):
        f, w = pass_fleet[k], pass_world[k]
        if not (live[f] and where[f] < 0):
            continue
        for s in range(S):
            if at[w, s] and hostile[fleet_side[f], s]:
                met[k] = True
                hit[w] = True
                break
    # room: every passing fleet and every interceptor once per world they meet at
    n_hit = 0
    for w in range(n_worlds):
        if hit[w]:
            n_hit += 1
    out = np.empty(K + n_hit * n_wait, np.int64)
    sizes = np.empty(n_hit, np.int64)
    worlds = np.empty(n_hit, np.int64)
    batch = np.empty(n_hit, np.int64)
    mark = np.zeros(F, np.bool_)  # a fleet among this world's passing fleets
    used = np.zeros(F, np.bool_)  # a fleet among the passing fleets of the batch so far
    in_batch = np.empty(K, np.int64)
    n_used = 0
    b = 0
    m = 0
    j = 0
    for w in range(n_worlds):
        if not hit[w]:
            continue
        lo = m
        clash = False
        for f in range(F):  # this world's passing fleets, in fleet order, once each
            mark[f] = False
        for k in range(K):
            if met[k] and pass_world[k] == w:
                mark[pass_fleet[k]] = True
        first = -1
        for f in range(F):
            if mark[f]:
                if first < 0:
                    first = f
                out[m] = f
                m += 1
                if used[f]:
                    clash = True
        if clash:  # the batch so far is fought first
            b += 1
            for i in range(n_used):
                used[in_batch[i]] = False
            n_used = 0
        for i in range(lo, m):
            used[out[i]] = True
            in_batch[n_used] = out[i]
            n_used += 1
        for g in range(F):
            if waits[g] and where[g] == w and hostile[fleet_side[first], fleet_side[g]]:
                out[m] = g
                m += 1
        sizes[j], worlds[j], batch[j] = m - lo, w, b
        j += 1
    return out[:m], sizes, worlds, batch
