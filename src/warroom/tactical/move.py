"""Movement: each mobile entity steps towards its goal at its speed over the terrain it stands on.

Goals by order: hold (none); advance (the nearest enemy its side sees, else the force's `to`);
move (the force's `to`); withdraw (the next point of the force's route). An entity that fired
this tick stays put if its force halts to fire (a withdrawal never does). A step that would end
on impassable ground is not taken. Towards a fixed objective an entity walks down the
travel-cost field; an advance goes straight at the enemy until the ground blocks it, and from
then on its side and mobility kind walk down a field towards every enemy they see (refreshed
by the engine), so it goes round the lake instead of waiting at its shore. Positions are read
from (x, y) and written to (x_new, y_new), so every goal is where its entity stood at the start
of the tick.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from ..core.codes import ADVANCE, FLEE, HOLD, WITHDRAW
from ..terrain.los import cell_of


@njit(cache=True, error_model="numpy", parallel=True)
def move(live, x, y, x_new, y_new, etype, force, immobile, suppressed, fired, nn, f_order,
         f_to, f_halt, route_start, route_xy, waypoint, t_speed, t_mobility, t_suppression, dt,
         elev, mcell, terrain, cost, width, height, fields, f_field, route_field, side,
         adv_fields, adv_index, blocked, f_move, m_move, m_order):
    n = live.shape[0]
    for k in prange(n):
        e = live[k]
        f = force[e]
        order = f_order[f] if m_order[e] < 0 else m_order[e]  # a member's own (morale) first
        if order == HOLD or immobile[e]:
            continue
        if fired[e] and f_halt[f] and order != WITHDRAW and order != FLEE:
            continue
        fi = -1  # the travel-cost field towards a fixed objective, where the ground needs one
        fld = fields
        te = etype[e]
        r, c = cell_of(elev, mcell, x[e], y[e])
        here = cost[terrain[r, c], t_mobility[te]]
        step = t_speed[te] * f_move[f] * m_move[e] * dt / here
        if order == FLEE:  # straight away from the nearest enemy it sees, if it sees one
            if nn[e] < 0:
                continue
            ax, ay = x[e] - x[nn[e]], y[e] - y[nn[e]]
            a = math.hypot(ax, ay)
            if a == 0.0 or not step > 0.0:
                continue
            gx, gy = x[e] + ax / a * step, y[e] + ay / a * step
        elif order == ADVANCE and nn[e] >= 0:
            gx, gy = x[nn[e]], y[nn[e]]
            # once the ground has blocked this side's advance, a field towards every enemy it
            # sees leads round the obstacle
            fi = adv_index[side[e], t_mobility[te]]
            if fi >= 0:
                fld = adv_fields
        elif order != WITHDRAW:  # advance with no enemy in sight, or move
            if math.isnan(f_to[f, 0]):
                continue
            # the nearest point of the objective (a point is a box of no size)
            gx = min(max(x[e], f_to[f, 0]), f_to[f, 2])
            gy = min(max(y[e], f_to[f, 1]), f_to[f, 3])
            fi = f_field[f]
        else:
            w = route_start[f] + waypoint[e]
            if w >= route_start[f + 1]:
                continue
            gx, gy = route_xy[w, 0], route_xy[w, 1]
            fi = route_field[w]
        if suppressed[e]:
            step *= t_suppression[te]
        dx, dy = gx - x[e], gy - y[e]
        d = math.hypot(dx, dy)
        if d == 0.0 or step <= 0.0:
            if order == WITHDRAW and d == 0.0:
                waypoint[e] += 1
            continue
        f_step = min(step, d) / d
        nx = min(max(x[e] + dx * f_step, 0.0), width * (1.0 - 1e-12))
        ny = min(max(y[e] + dy * f_step, 0.0), height * (1.0 - 1e-12))
        r2, c2 = cell_of(elev, mcell, nx, ny)
        if fi >= 0 and (r2 != r or c2 != c) and math.isfinite(fld[fi, r, c]) and not (
                fld[fi, r2, c2] < fld[fi, r, c]):
            # the straight step makes no progress on the cost field (an obstacle, or a quicker
            # way round): step towards the neighbouring cell that is cheapest to the goal
            H, W = terrain.shape
            best = fld[fi, r, c]
            br, bc = -1, -1
            for dr in range(-1, 2):
                for dc in range(-1, 2):
                    rr, cc = r + dr, c + dc
                    if not (0 <= rr < H and 0 <= cc < W) or not fld[fi, rr, cc] < best:
                        continue
                    if dr != 0 and dc != 0 and not (math.isfinite(fld[fi, r, cc])
                                                    and math.isfinite(fld[fi, rr, c])):
                        continue  # no cutting the corner of impassable ground
                    best, br, bc = fld[fi, rr, cc], rr, cc
            if br >= 0:
                dx, dy = (bc + 0.5) * mcell - x[e], (br + 0.5) * mcell - y[e]
                d = math.hypot(dx, dy)
                f_step = min(step, d) / d
                nx = min(max(x[e] + dx * f_step, 0.0), width * (1.0 - 1e-12))
                ny = min(max(y[e] + dy * f_step, 0.0), height * (1.0 - 1e-12))
                r2, c2 = cell_of(elev, mcell, nx, ny)
        if math.isinf(cost[terrain[r2, c2], t_mobility[te]]):
            if order == ADVANCE and fi < 0:
                blocked[e] = True
            continue
        x_new[e], y_new[e] = nx, ny
        if order == WITHDRAW and math.hypot(gx - nx, gy - ny) == 0.0:
            waypoint[e] += 1


def start_waypoints(x: np.ndarray, y: np.ndarray, route: np.ndarray) -> np.ndarray:
    """Where entities at (x, y) join a withdrawal route: after the leg of the route nearest to
    each, so that a force withdraws from where it stands along what is left of the route,
    never back towards a first point it has already passed. Only one that stands before the
    route's start (beyond its first point, away from the rest) goes to that point first."""
    if len(route) < 2:
        return np.zeros(len(x), np.int64)
    a, b = route[:-1], route[1:]  # legs (L, 2)
    ab = b - a
    px = x[:, None] - a[None, :, 0]
    py = y[:, None] - a[None, :, 1]
    length2 = np.maximum((ab**2).sum(axis=1), 1e-300)
    u = (px * ab[:, 0] + py * ab[:, 1]) / length2
    uc = np.clip(u, 0.0, 1.0)
    d2 = (px - uc * ab[:, 0]) ** 2 + (py - uc * ab[:, 1]) ** 2
    leg = d2.argmin(axis=1)
    before = (leg == 0) & (u[np.arange(len(x)), leg] <= 0.0)
    return np.where(before, 0, leg + 1).astype(np.int64)
