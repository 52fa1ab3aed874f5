"""Fire resolution: shots, hits, damage, area effects, kills and mobility kills.

All shooters fire on the state at the start of the tick (synchronous update): damage is summed
per target first and applied at once, so the order in which shooters are processed cannot change
the outcome. A kill is credited to the shooters that hit the target this tick, in proportion to
the damage each dealt.
"""

from __future__ import annotations

import math

from numba import njit

from ..terrain.los import cell_of, height_factor


@njit(cache=True, error_model="numpy", inline="always")
def _binomial(n, p, u):
    """Inverse-CDF draw of Binomial(n, p) from one uniform (n is a handful of shots)."""
    if p <= 0.0 or n == 0:
        return 0
    if p >= 1.0:
        return n
    q = 1.0 - p
    pk = q**n
    cdf = pk
    k = 0
    while u > cdf and k < n:
        pk *= (n - k) / (k + 1) * p / q
        k += 1
        cdf += pk
    return k


@njit(cache=True, error_model="numpy")
def shoot(shooters, tgt, aim_x, aim_y, x, y, alive, etype, suppressed, ammo, t_class,
          t_armour, t_suppression, w_range, w_rate, w_acc, w_radius, w_damage, dt, elev,
          mcell, terrain, cover, bonus, u, cell, gw, gh, start, order, rec_s, rec_t, rec_w,
          rec_d, shot_at, fired, force, f_fire, m_fire):
    """Fire every shooter; write one record (shooter, target, weapon slot, damage) per damage
    dealt. Returns the number of records, or -1 if the record arrays were too small. Each
    force's fire modifier `f_fire` scales its hit probability, and each shooter's own
    (morale) `m_fire` too."""
    n_rec = 0
    cap = rec_s.shape[0]
    n_slots = w_range.shape[1]
    for k in range(shooters.shape[0]):
        e = shooters[k]
        t = tgt[e]
        te = etype[e]
        if t >= 0:
            tx, ty = x[t], y[t]
        else:
            tx, ty = aim_x[e], aim_y[e]
        d = math.hypot(tx - x[e], ty - y[e])
        w = -1
        for s in range(n_slots):
            if w_range[te, s] < d or ammo[e, s] == 0 or w_range[te, s] == 0.0:
                continue
            if t >= 0 and w_damage[te, s, t_class[etype[t]]] <= 0.0:
                continue
            if t < 0 and w_radius[te, s] <= 0.0:
                continue
            w = s
            break
        if w < 0:
            continue
        expected = w_rate[te, w] * dt
        n_shots = int(expected)
        if u[2 * k] < expected - n_shots:
            n_shots += 1
        if ammo[e, w] >= 0:
            n_shots = min(n_shots, ammo[e, w])
            ammo[e, w] -= n_shots
        if n_shots == 0:
            continue
        fired[e] = True
        p = (w_acc[te, w] * height_factor(elev, mcell, bonus, x[e], y[e], tx, ty)
             * f_fire[force[e]] * m_fire[e])
        if suppressed[e]:
            p *= t_suppression[te]
        radius = w_radius[te, w]
        if radius <= 0.0:
            r, c = cell_of(elev, mcell, tx, ty)
            p *= 1.0 - cover[terrain[r, c]]
        hits = _binomial(n_shots, min(p, 1.0), u[2 * k + 1])
        if t >= 0:
            shot_at[t] = True
        if hits == 0:
            continue
        if radius <= 0.0:
            dmg = hits * max(w_damage[te, w, t_class[etype[t]]] - t_armour[etype[t]], 0.0)
            if dmg > 0.0:
                if n_rec == cap:
                    return -1
                rec_s[n_rec], rec_t[n_rec], rec_w[n_rec], rec_d[n_rec] = e, t, w, dmg
                n_rec += 1
            continue
        # area effect: every living entity within the radius of the impact, friend or foe
        cx0 = min(max(int((tx - radius) / cell), 0), gw - 1)
        cx1 = min(max(int((tx + radius) / cell), 0), gw - 1)
        cy0 = min(max(int((ty - radius) / cell), 0), gh - 1)
        cy1 = min(max(int((ty + radius) / cell), 0), gh - 1)
        for cy in range(cy0, cy1 + 1):
            for cx in range(cx0, cx1 + 1):
                c = cy * gw + cx
                for q in range(start[c], start[c + 1]):
                    v = order[q]
                    if not alive[v] or (x[v] - tx) ** 2 + (y[v] - ty) ** 2 > radius * radius:
                        continue
                    r, cc = cell_of(elev, mcell, x[v], y[v])
                    # cover shelters from blast and splinters: it scales the damage taken
                    dmg = (hits * max(w_damage[te, w, t_class[etype[v]]] - t_armour[etype[v]],
                                      0.0) * (1.0 - cover[terrain[r, cc]]))
                    shot_at[v] = True
                    if dmg > 0.0:
                        if n_rec == cap:
                            return -1
                        rec_s[n_rec], rec_t[n_rec], rec_w[n_rec], rec_d[n_rec] = e, v, w, dmg
                        n_rec += 1
    return n_rec


@njit(cache=True, error_model="numpy")
def apply_damage(n_rec, rec_s, rec_t, rec_w, rec_d, hp, alive, immobile, etype, side, t_class,
                 w_mkill, u, dmg, kills):
    """Subtract the tick's damage, kill, credit kills (kills[shooter side, shooter type,
    target type]) and roll mobility kills on hit targets that survive. Returns the number of
    mobility kills."""
    for k in range(n_rec):
        dmg[rec_t[k]] += rec_d[k]
    for k in range(n_rec):
        t = rec_t[k]
        if dmg[t] > 0.0 and alive[t]:
            hp[t] -= dmg[t]
            dmg[t] = -dmg[t]  # negative: applied, keeps the total for the credit below
    mk = 0
    for k in range(n_rec):
        t = rec_t[k]
        total = -dmg[t]
        if hp[t] <= 0.0:
            s = rec_s[k]
            kills[side[s], etype[s], etype[t]] += rec_d[k] / total
        elif not immobile[t]:
            p = w_mkill[etype[rec_s[k]], rec_w[k], t_class[etype[t]]]
            if p > 0.0 and u[k] < p:
                immobile[t] = True
                mk += 1
    for k in range(n_rec):
        t = rec_t[k]
        dmg[t] = 0.0
        if hp[t] <= 0.0:
            alive[t] = False
    return mk
