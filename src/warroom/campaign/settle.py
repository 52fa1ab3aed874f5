"""What a step's battles leave, in one compiled pass over the campaign's arrays: losses
cripple or destroy ships, a fleet below its share is destroyed, a world's defences are worn
down, and the rows of the battle table and the events are written, battle by battle."""

from __future__ import annotations

import numpy as np
from numba import njit

from .fleets import stop


@njit(cache=True, error_model="numpy")
def settle(fleets, rows, row_side, row_code, gun_owner, gun_code, n_of, first_row, starts,
           u_of, v_of, lost, broken, side_starts, ships, crippled, lost_ledger,
           destroyed_ships, cripple, fleet_ships, destroyed_below, wdef, gone, live, where,
           length, hop, routed, mode, lost_by_mode, fleet_side, fleet_member, member_lost,
           came, battle_kind, destroyed_kind):
    """Battles p of `n_of[p]` of `fleets` in turn at world u_of[p] (the lane to v_of[p] where
    they differ), their rows of (battle, side) starting at `rows` (the first of each battle
    `first_row`), `lost` by each of their forces (from `starts[p]`: its fleets, then the
    defences of `gun_owner[p]` where >= 0, of code `gun_code[p]`) and which sides `broken`
    (from `side_starts[p]`, by code). A fleet loses no more than it has, a `cripple` share of
    its losses crippled; one left with fewer than `destroyed_below` of its ships is destroyed
    (it stops, and counts as lost to its member and by what it was doing). Returns the
    battle table's rows, (world, to, side, fleets, dead, broke) and (brought, lost), the
    defences' after each battle's fleets; the events, (kind, subject) and value, each
    battle's fleets destroyed before the battle; and the fleets of a broken side standing
    at a world other than the one they came from (they go back)."""
    P = n_of.shape[0]
    R = rows.shape[0]
    m = fleets.shape[0]
    n_guns = 0
    for p in range(P):
        if gun_owner[p] >= 0:
            n_guns += 1
    table = np.zeros((R + n_guns, 6), np.int64)
    tally = np.zeros((R + n_guns, 2))
    kinds = np.empty((m + P, 2), np.int64)
    values = np.empty(m + P)
    fled = np.empty(m, np.int64)
    k = 0  # table rows
    e = 0  # events
    n_fled = 0
    at = 0  # the battle's first fleet
    for p in range(P):
        w, to, s0 = u_of[p], v_of[p], side_starts[p]
        r1 = first_row[p + 1] if p + 1 < P else R
        for r in range(first_row[p], r1):
            end = rows[r + 1] if r + 1 < R else m
            brought = 0.0
            lost_by = 0.0
            dead = 0
            for i in range(rows[r], end):
                f = fleets[i]
                had = ships[f]
                lf = min(lost[starts[p] + i - at], had)
                crip = lf * cripple[f]
                ships[f] = had - lf
                crippled[f] += crip
                lost_ledger[f] += lf
                destroyed_ships[f] += lf - crip
                brought += had
                lost_by += lf
                if ships[f] < destroyed_below * fleet_ships[f]:
                    dead += 1
                    lost_ledger[f] += ships[f]
                    destroyed_ships[f] += ships[f] + crippled[f]
                    ships[f] = 0.0
                    crippled[f] = 0.0
                    gone[f] = True
                    live[f] = False
                    stop(where, length, hop, routed, f)
                    lost_by_mode[fleet_side[f], mode[f]] += 1
                    member_lost[fleet_member[f]] += 1
                    kinds[e, 0], kinds[e, 1], values[e] = destroyed_kind, f, w
                    e += 1
                elif broken[s0 + row_code[r]] and where[f] >= 0 and came[f] != w:
                    fled[n_fled] = f
                    n_fled += 1
            table[k, 0], table[k, 1], table[k, 2] = w, to, row_side[r]
            table[k, 3], table[k, 4], table[k, 5] = end - rows[r], dead, broken[s0 + row_code[r]]
            tally[k, 0], tally[k, 1] = brought, lost_by
            k += 1
        n = n_of[p]
        total = 0.0
        for j in range(starts[p], starts[p + 1]):
            total += lost[j]
        if gun_owner[p] >= 0:
            lg = lost[starts[p] + n]
            wdef[w] = max(wdef[w] - lg, 0.0)
            table[k, 0], table[k, 1], table[k, 2] = w, to, gun_owner[p]
            table[k, 5] = broken[s0 + gun_code[p]]
            tally[k, 0], tally[k, 1] = wdef[w] + lg, lg
            k += 1
        kinds[e, 0], kinds[e, 1], values[e] = battle_kind, w, total
        e += 1
        at += n
    return table, tally, kinds[:e], values[:e], fled[:n_fled]
