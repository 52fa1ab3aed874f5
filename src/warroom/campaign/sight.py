"""What a side observes in a campaign, in compiled passes: the hostile fleets at the worlds
where it has a fleet or that it holds (space between worlds is too vast to watch), and its
own fleets exactly."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..core.picture import _per_force


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


@njit(cache=True, error_model="numpy")
def own_state(pic_force, pic_strength, own, live, where, goal, mode, ships, crippled, supply,
              strength, heard, o_place, o_going, o_mode, o_ships, o_crippled, o_supply):
    """Into strength (zeros; heard: falses of the same size): the believed strength of each
    force from the picture's rows (`core.picture._per_force`), each own fleet's ships over
    it (0 once gone); into the o_ arrays: the side's live fleets' place, goal, mode, ships,
    crippled ships and supply (the rest: place -2, goal and mode -1, the others nan). One
    pass for what an observation shows: a compiled call costs more in a war, whose Python
    work between two calls has the caches, than most of its loops."""
    _per_force(pic_force, pic_strength, strength, heard)
    for f in range(where.shape[0]):
        mine = own[f] and live[f]
        if own[f]:
            strength[f] = ships[f] if mine else 0.0
        if mine:
            o_place[f], o_going[f], o_mode[f] = where[f], goal[f], mode[f]
            o_ships[f], o_crippled[f], o_supply[f] = ships[f], crippled[f], supply[f]
        else:
            o_place[f], o_going[f], o_mode[f] = -2, -1, -1
            o_ships[f], o_crippled[f], o_supply[f] = np.nan, np.nan, np.nan
