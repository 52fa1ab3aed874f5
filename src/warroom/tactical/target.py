"""Target selection and movement goals: for each living entity, the nearest enemy its side sees
(the goal of an advance) and the target its weapons engage under its force's rule.

Rules: nearest; priority (listed roles and classes first, then nearest); weakest (fewest hit
points, then nearest); random (uniform among enemies in range); area (a random point in the box
around the enemies its side sees). With `spread` k > 1 a shooter picks at random among its k
best candidates, so that a hundred shooters do not all fire at one target.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..core.codes import AREA, NEAREST, PRIORITY, RANDOM, WEAKEST
from ..terrain.los import visible

CHUNKS = 256


@njit(cache=True, error_model="numpy", inline="always")
def _key(rule, e_force, t, tt, d2, rank, role, tclass, n_roles, hp):
    """Sort key of candidate entity t (of type tt): lower is preferred."""
    if rule == PRIORITY:
        r = min(rank[e_force, role[tt]], rank[e_force, n_roles + tclass[tt]])
        return float(r), d2
    if rule == WEAKEST:
        return hp[t], d2
    return 0.0, d2


@njit(cache=True, error_model="numpy", inline="always")
def _usable(e, q, o0, r, x, y, px, py, order, etype, t_height, flat, elev, mcell, known, s,
            sight):
    """The entity in slot q if it is within range r of e and in e's line of sight, and,
    beyond e's own sight, in the belief of e's side (`known[s]`), else -1; and its squared
    distance."""
    dd = (px[o0 + q] - x[e]) ** 2 + (py[o0 + q] - y[e]) ** 2
    if dd > r * r:
        return -1, dd
    t = order[o0 + q]
    if dd > sight[etype[e]] ** 2 and not known[s, t]:
        return -1, dd
    if not flat and not visible(elev, mcell, x[e], y[e], t_height[etype[e]], x[t], y[t],
                                t_height[etype[t]]):
        return -1, dd
    return t, dd


@njit(cache=True, error_model="numpy", parallel=True)
def select(live, x, y, hp, side, force, etype, f_rule, f_spread, f_rank, t_role, t_class,
           n_roles, t_height, wmax, flat, elev, mcell, cell, gw, gh, start, pt_off, order, px,
           py, box, u, nn, nn_d2, tgt, aim_x, aim_y, known, sight):
    """Fill, for each entity in `live`, tgt (chosen target or -1) and, for area fire, the aim
    point; nn (nearest seen enemy or -1) and nn_d2 (its squared distance) are given. A target
    beyond the shooter's own sensor range (`sight`, per type) must be one its side's
    headquarters believes in (`known`, (S, n)): fire beyond sight is called in by reports."""
    n = live.shape[0]
    for ch in prange(CHUNKS):
        best_a = np.empty(16)
        best_b = np.empty(16)
        best_t = np.empty(16, np.int64)
        for k in range(ch * n // CHUNKS, (ch + 1) * n // CHUNKS):
            e = live[k]
            s = side[e]
            f = force[e]
            o0 = pt_off[s]
            st = start[s]
            d2 = nn_d2[e]
            tgt[e] = -1
            aim_x[e] = np.nan
            aim_y[e] = np.nan
            r = wmax[etype[e]]
            if r <= 0.0 or nn[e] < 0:
                continue
            rule = f_rule[f]
            spread = f_spread[f]
            if rule == AREA:
                ax = box[s, 0] + u[2 * k] * (box[s, 2] - box[s, 0])
                ay = box[s, 1] + u[2 * k + 1] * (box[s, 3] - box[s, 1])
                if (ax - x[e]) ** 2 + (ay - y[e]) ** 2 <= r * r:
                    aim_x[e] = ax
                    aim_y[e] = ay
                continue
            if rule == NEAREST and spread == 1:
                t = nn[e]
                if d2 <= r * r and (d2 <= sight[etype[e]] ** 2 or known[s, t]) and (
                        flat or visible(elev, mcell, x[e], y[e], t_height[etype[e]], x[t],
                                        y[t], t_height[etype[t]])):
                    tgt[e] = t
                continue
            if d2 > r * r:
                continue
            # candidates within range, best `spread` kept by (key a, key b) in insertion order
            cx0 = min(max(int((x[e] - r) / cell), 0), gw - 1)
            cx1 = min(max(int((x[e] + r) / cell), 0), gw - 1)
            cy0 = min(max(int((y[e] - r) / cell), 0), gh - 1)
            cy1 = min(max(int((y[e] + r) / cell), 0), gh - 1)
            m = 0
            count = 0
            for cy in range(cy0, cy1 + 1):
                for cx in range(cx0, cx1 + 1):
                    c = cy * gw + cx
                    for q in range(st[c], st[c + 1]):
                        t, dd = _usable(e, q, o0, r, x, y, px, py, order, etype, t_height,
                                        flat, elev, mcell, known, s, sight)
                        if t < 0:
                            continue
                        count += 1
                        if rule == RANDOM:
                            continue
                        a, b = _key(rule, f, t, etype[t], dd, f_rank, t_role, t_class, n_roles, hp)
                        if m == spread and (a > best_a[m - 1] or (a == best_a[m - 1]
                                                                   and b >= best_b[m - 1])):
                            continue
                        p = m if m < spread else spread - 1
                        while p > 0 and (a < best_a[p - 1] or (a == best_a[p - 1]
                                                                and b < best_b[p - 1])):
                            best_a[p], best_b[p], best_t[p] = (best_a[p - 1], best_b[p - 1],
                                                               best_t[p - 1])
                            p -= 1
                        best_a[p], best_b[p], best_t[p] = a, b, t
                        if m < spread:
                            m += 1
            if count == 0:
                continue
            if rule == RANDOM:
                pick = min(int(u[2 * k] * count), count - 1)
                seen_n = 0
                for cy in range(cy0, cy1 + 1):
                    for cx in range(cx0, cx1 + 1):
                        c = cy * gw + cx
                        for q in range(st[c], st[c + 1]):
                            t, _ = _usable(e, q, o0, r, x, y, px, py, order, etype,
                                           t_height, flat, elev, mcell, known, s, sight)
                            if t < 0:
                                continue
                            if seen_n == pick:
                                tgt[e] = t
                            seen_n += 1
                continue
            tgt[e] = best_t[min(int(u[2 * k] * m), m - 1)]
