"""Detection: which enemies each side sees this tick (the seed of a later fog of war).

A side sees an enemy when one of its living sensors has it within range and in line of sight
and a detection roll succeeds: probability = the best such sensor's `detect` times
(1 - concealment of the enemy's terrain).
"""

from __future__ import annotations

from numba import njit, prange

from ..terrain.los import cell_of, visible


@njit(cache=True, error_model="numpy", parallel=True)
def detect(s, seen, spot, targets, x, y, etype, sensor_range, sensor_p, height, p_global,
           g_sensor, r_max, p_max, flat, elev, mcell, terrain, conceal, cell, gw, gh, start,
           order, u, force, f_detect):
    """Set seen[i] for every i in `targets` (living entities of other sides) as side s sees
    them, and spot[i] to the sensor that had the best chance (the one that reports it).
    `start`/`order` bucket side s's living sensors; p_global is the best detect of a sensor
    that covers the whole map (`g_sensor`, usable without a search on a flat map). A
    sensor's `detect` is scaled by its force's detection modifier `f_detect`."""
    n = targets.shape[0]
    for k in prange(n):
        i = targets[k]
        p = p_global if flat else 0.0
        who = g_sensor if flat else -1
        if p < p_max:
            cx0 = min(max(int((x[i] - r_max) / cell), 0), gw - 1)
            cx1 = min(max(int((x[i] + r_max) / cell), 0), gw - 1)
            cy0 = min(max(int((y[i] - r_max) / cell), 0), gh - 1)
            cy1 = min(max(int((y[i] + r_max) / cell), 0), gh - 1)
            for cy in range(cy0, cy1 + 1):
                for cx in range(cx0, cx1 + 1):
                    c = cy * gw + cx
                    for m in range(start[c], start[c + 1]):
                        j = order[m]
                        t = etype[j]
                        pj = sensor_p[t] * f_detect[force[j]]
                        if pj <= p:
                            continue
                        dx = x[j] - x[i]
                        dy = y[j] - y[i]
                        if dx * dx + dy * dy > sensor_range[t] * sensor_range[t]:
                            continue
                        if flat or visible(elev, mcell, x[j], y[j], height[t], x[i], y[i],
                                           height[etype[i]]):
                            p = pj
                            who = j
                    if p >= p_max:
                        break
                if p >= p_max:
                    break
        r, c = cell_of(elev, mcell, x[i], y[i])
        p *= 1.0 - conceal[terrain[r, c]]
        seen[i] = p >= 1.0 or u[k] < p
        spot[i] = who
