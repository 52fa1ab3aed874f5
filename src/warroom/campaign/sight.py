"""What a side sees of the enemy in a campaign: the hostile fleets at the worlds where it has
a fleet or that it holds (space between worlds is too vast to watch), in one compiled pass."""

from __future__ import annotations

from numba import njit


@njit(cache=True, error_model="numpy")
def sighted(live, where, fleet_side, foe, owner, side, watcher, out):
    """Into watcher (all -1): the side's lowest-numbered fleet at each world; into out: the
    fleets `foe` marks at a world the side watches or holds, in order. Returns how many."""
    for f in range(where.shape[0]):
        w = where[f]
        if live[f] and w >= 0 and fleet_side[f] == side and watcher[w] < 0:
            watcher[w] = f
    n = 0
    for f in range(where.shape[0]):
        w = where[f]
        if live[f] and w >= 0 and foe[f] and (watcher[w] >= 0 or owner[w] == side):
            out[n] = f
            n += 1
    return n
