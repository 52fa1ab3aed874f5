"""Side state and the one breakpoint and end-of-battle rule, for every scale.

A side is judged on its forces' ledgers: strength = initial + arrived - withdrawn - lost per
force. A side *waits* while it has no strength and more is still due to arrive (`side_due`: the
last time anything of it arrives); a waiting side is not judged, so a relief force that comes
later does not break before it arrives. A *latent* side (due = inf: defectors-to-be) waits for
as long as it is empty and, while empty, does not keep the battle going. A broken side stops
fighting (the engines no longer let it shoot or be shot at) and the battle ends once at most
one side is unbroken; the breakpoint that decided it is the one that broke the last side to
break. Breakpoints: strength below a fraction of the side's reference strength `side_ref` (its
initial strength; for a side that starts empty, its strength when it is first judged with any),
force ratio below a value against the unbroken enemies, and time. A *civilian* side (due =
`CIVIL`, nan) is a population: never judged, never the enemy a ratio counts, never in the
battle's count; fire can still harm it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .codes import (
    ARRIVED,
    BP_RATIO,
    BP_STRENGTH,
    BP_TIME,
    DECIDED_BY_ANNIHILATION,
    DECIDED_BY_NONE,
    END_BROKE,
    END_MUTUAL,
    END_TIME,
    FIRE,
    LOST,
    OBEY,
    WITHDRAWN,
)
from .events import EventKind, log_event

K_ANNIHILATED = int(EventKind.force_annihilated)
K_BREAKPOINT = int(EventKind.breakpoint_reached)
K_SIDE_BROKE = int(EventKind.side_broke)
K_END = int(EventKind.battle_ended)

# slots of a verdict array
ENDED, WINNER, REASON, DECIDING = 0, 1, 2, 3
EPS_T = 1e-12
CIVIL = np.nan  # the `due` of a civilian side


def new_verdict() -> np.ndarray:
    return np.array([0.0, -1.0, -1.0, -1.0])


def new_modifiers(n_forces: int) -> np.ndarray:
    """(4, F): fire, movement and detection multipliers and the will-obey flag, all 1."""
    return np.ones((OBEY + 1, n_forces))


def side_due(force_side: np.ndarray, force_from: np.ndarray, n_sides: int) -> np.ndarray:
    """Per side, the last time any of its strength is still to arrive (-inf: none)."""
    due = np.full(n_sides, -np.inf)
    np.maximum.at(due, force_side, force_from)
    return due


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def crossed(t, x0, led, force_side, side_ref, due, force_alive, side_broken, bp_side, bp_kind,
            bp_value, bp_done, bp_force, side_tot, flag_f, flag_b):
    """Flag forces just emptied and breakpoints just reached; return how many things the
    state has crossed (0: nothing to resolve). Plain arrays, so numba keeps reference
    counting out of the callers' per-casualty loops."""
    S = side_tot.shape[0]
    for k in range(S):
        side_tot[k] = 0.0
    count = 0
    for f in range(x0.shape[0]):
        x = x0[f] + led[ARRIVED, f] - led[WITHDRAWN, f] - led[LOST, f]
        side_tot[force_side[f]] += max(x, 0.0)
        flag_f[f] = force_alive[f] and x <= 0.0
        if flag_f[f]:
            count += 1
    for b in range(bp_side.shape[0]):
        flag_b[b] = False
        side = bp_side[b]
        kind = bp_kind[b]
        # time limits are judged by `resolve` alone: they fall on the engines' stops and ticks
        if bp_done[b] or side_broken[side] or kind == BP_TIME:
            continue
        if side_tot[side] <= 0.0 and t < due[side]:
            bp_force[b] = False  # waiting to arrive: not judged
        elif bp_force[b]:  # a solver located the crossing itself (an ODE event root)
            bp_force[b] = False
            flag_b[b] = True
        elif kind == BP_STRENGTH:
            flag_b[b] = side_tot[side] < bp_value[b] * side_ref[side]
        elif kind == BP_RATIO:
            enemies = 0.0
            for k in range(S):
                if k != side and not side_broken[k] and not np.isnan(due[k]):
                    enemies += side_tot[k]
            flag_b[b] = enemies > 0.0 and side_tot[side] < bp_value[b] * enemies
        if flag_b[b]:
            count += 1
    for k in range(S):
        if not side_broken[k] and side_tot[k] <= 0.0 and t >= due[k]:
            count += 1
    return count


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _break(t, b, side, broke_now, bp_value, ev_t, ev_kind, ev_subj, ev_val, count):
    """Log breakpoint b reached; break its side unless it broke already. Returns whether it
    broke the side now."""
    log_event(ev_t, ev_kind, ev_subj, ev_val, count, t, K_BREAKPOINT, b, bp_value[b])
    if broke_now[side]:
        return False
    broke_now[side] = True
    log_event(ev_t, ev_kind, ev_subj, ev_val, count, t, K_SIDE_BROKE, side, b)
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def resolve(t, x0, led, force_side, side_ref, due, force_alive, side_broken, bp_side, bp_kind,
            bp_value, bp_done, bp_force, side_tot, flag_f, flag_b, ev_t, ev_kind, ev_subj,
            ev_val, count, verdict):
    """Log what the state has crossed at time t, break sides, and end the battle once at most
    one side is unbroken. Returns how many sides broke now."""
    crossed(t, x0, led, force_side, side_ref, due, force_alive, side_broken, bp_side, bp_kind,
            bp_value, bp_done, bp_force, side_tot, flag_f, flag_b)
    for b in range(bp_side.shape[0]):
        if (bp_kind[b] == BP_TIME and not bp_done[b] and not side_broken[bp_side[b]]
                and bp_value[b] <= t + EPS_T * max(1.0, abs(t))):
            flag_b[b] = True
    for k in range(side_tot.shape[0]):
        if side_ref[k] <= 0.0:  # a side that started empty is measured from its arrival
            side_ref[k] = side_tot[k]
    for f in range(x0.shape[0]):
        if flag_f[f]:
            force_alive[f] = False
            log_event(ev_t, ev_kind, ev_subj, ev_val, count, t, K_ANNIHILATED, f, 0.0)
        elif x0[f] + led[ARRIVED, f] - led[WITHDRAWN, f] - led[LOST, f] > 0.0:
            force_alive[f] = True
    S = side_tot.shape[0]
    broke_now = side_broken.copy()
    decided = DECIDED_BY_NONE  # what broke the first side to break at this instant
    # a time limit is reached before anything else at its instant
    for b in range(bp_side.shape[0]):
        if flag_b[b] and bp_kind[b] == BP_TIME:
            bp_done[b] = True
            if _break(t, b, bp_side[b], broke_now, bp_value, ev_t, ev_kind, ev_subj, ev_val,
                      count) and decided == DECIDED_BY_NONE:
                decided = b
    timed_out = broke_now.copy()  # sides that reached a time limit are not judged further
    for b in range(bp_side.shape[0]):
        if flag_b[b] and bp_kind[b] != BP_TIME:
            if timed_out[bp_side[b]]:
                flag_b[b] = False
                continue
            bp_done[b] = True
            if _break(t, b, bp_side[b], broke_now, bp_value, ev_t, ev_kind, ev_subj, ev_val,
                      count) and decided == DECIDED_BY_NONE:
                decided = b
    for k in range(S):
        if not broke_now[k] and side_tot[k] <= 0.0 and t >= due[k]:
            broke_now[k] = True
            log_event(ev_t, ev_kind, ev_subj, ev_val, count, t, K_SIDE_BROKE, k, -1.0)
            if decided == DECIDED_BY_NONE:
                decided = DECIDED_BY_ANNIHILATION
    n_new = 0
    for k in range(S):
        if broke_now[k] and not side_broken[k]:
            n_new += 1
        side_broken[k] = broke_now[k]
    left = 0
    last = -1
    for k in range(S):
        # a latent side (due = inf: it exists once members join it, as defectors do) is not
        # in the battle while it holds nothing
        if not side_broken[k] and not (side_tot[k] <= 0.0 and due[k] == np.inf) and not \
                np.isnan(due[k]):
            left += 1
            last = k
    if left <= 1 and verdict[ENDED] == 0.0:
        verdict[ENDED] = 1.0
        verdict[WINNER] = last
        verdict[REASON] = END_BROKE if left == 1 else END_MUTUAL
        verdict[DECIDING] = decided
        log_event(ev_t, ev_kind, ev_subj, ev_val, count, t, K_END, last, verdict[REASON])
    return n_new


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def finish(t, ev_t, ev_kind, ev_subj, ev_val, count, verdict):
    """The clock ran out: end the battle at t with no side broken, unless it ended before."""
    if verdict[ENDED] == 0.0:
        verdict[ENDED] = 1.0
        verdict[WINNER] = -1
        verdict[REASON] = END_TIME
        log_event(ev_t, ev_kind, ev_subj, ev_val, count, t, K_END, -1, END_TIME)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def fighting(committed, side_broken, force_side, out):
    """Forces that shoot and can be shot at: committed, on an unbroken side."""
    for f in range(out.shape[0]):
        out[f] = committed[f] and not side_broken[force_side[f]]
    return out


__all__ = ["CIVIL", "DECIDING", "ENDED", "EPS_T", "FIRE", "REASON", "WINNER", "crossed", "finish",
           "fighting", "new_modifiers", "new_verdict", "resolve", "side_due"]
