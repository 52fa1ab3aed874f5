"""What happens at scheduled times and when thresholds are crossed, shared by every solver.

All functions are numba-compiled and work on `WorldArrays` (w) and `BattleState` (s), so that the
stochastic solvers run a whole replication without returning to Python, and the ODE solver's
Python loop calls the very same code.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..attrition.rates import effective_k
from ..core.codes import FIRE
from ..core.events import EventKind, log_event
from ..core.sides import EPS_T, crossed, fighting
from ..core.sides import finish as core_finish
from ..core.sides import resolve as core_resolve
from .state import (
    ARRIVED,
    DECIDING,
    ENDED,
    LOST,
    N_EV,
    N_REC,
    NEXT_GRID,
    NEXT_STOP,
    PENDING,
    REASON,
    WINNER,
    WITHDRAWN,
    T,
)

K_ARR = int(EventKind.reinforcement_arrived)
K_ARR_BEGAN = int(EventKind.reinforcement_began)
K_WD = int(EventKind.withdrawal)
K_WD_BEGAN = int(EventKind.withdrawal_began)
K_ENG_ON = int(EventKind.engagement_began)
K_ENG_OFF = int(EventKind.engagement_ended)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def strength(w, s, f):
    return w.x0[f] + s.led[ARRIVED, f] - s.led[WITHDRAWN, f] - s.led[LOST, f]


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def log(s, t, kind, subj, val):
    log_event(s.ev_t, s.ev_kind, s.ev_subj, s.ev_val, s.scal[N_EV:N_EV + 1], t, kind, subj, val)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def record(w, s, t):
    """Append the state at time t to the recording."""
    n = int(s.scal[N_REC])
    if n > 0 and s.rec_t[n - 1] == t:
        n -= 1  # the same instant again: keep the latest state
    s.rec_t[n] = t
    s.rec_led[n, :, :] = s.led
    s.scal[N_REC] = n + 1


@njit(cache=True, nogil=True, error_model="numpy")
def record_path(grid, scal, rec_t, rec_led, led, ts, ys, b):
    """Set the state to each column of ys in turn (the dense output at times ts) and record
    it where ts is the next grid time before b: one call for a whole step's grid times,
    which a fine recording step makes tens of thousands."""
    F = led.shape[1]
    for j in range(ts.shape[0]):
        t = ts[j]
        for r in range(3):
            for f in range(F):
                led[r, f] = ys[r * F + f, j]
        if t >= b - EPS_T:
            continue
        g = int(scal[NEXT_GRID])
        if g < grid.shape[0] and abs(grid[g] - t) <= EPS_T * max(1.0, abs(t)):
            n = int(scal[N_REC])
            if n > 0 and rec_t[n - 1] == grid[g]:
                n -= 1  # the same instant again: keep the latest state
            rec_t[n] = grid[g]
            rec_led[n, :, :] = led
            scal[N_REC] = n + 1
            scal[NEXT_GRID] = g + 1


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def record_grid_before(w, s, t):
    """Record the (unchanged) state at every grid time strictly before t not yet recorded."""
    g = int(s.scal[NEXT_GRID])
    if g < w.grid.shape[0] and w.grid[g] < t - EPS_T:
        _record_grid(w.grid, s.scal, s.rec_t, s.rec_led, s.led, t)


@njit(cache=True, nogil=True, error_model="numpy")
def _record_grid(grid, scal, rec_t, rec_led, led, t):
    g = int(scal[NEXT_GRID])
    while g < grid.shape[0] and grid[g] < t - EPS_T:
        n = int(scal[N_REC])
        rec_t[n] = grid[g]
        rec_led[n, :, :] = led
        scal[N_REC] = n + 1
        g += 1
    scal[NEXT_GRID] = g


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def record_grid_at(w, s, t):
    """Record the state at t if t is a grid time."""
    g = int(s.scal[NEXT_GRID])
    if g < w.grid.shape[0] and abs(w.grid[g] - t) <= EPS_T * max(1.0, abs(t)):
        record(w, s, w.grid[g])
        s.scal[NEXT_GRID] = g + 1


@njit(cache=True, nogil=True, error_model="numpy")
def prepare(w, s):
    """What a stretch of fire reads and only orders, mechanics and broken sides change: who
    fights, and each fire pair's coefficient times its shooter's fire modifier."""
    fighting(s.commit, s.side_broken, w.force_side, s.fights)
    effective_k(w.pair_k, w.pair_shooter, s.mod[FIRE], s.keff)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def fighting_strengths(w, s, x):
    """Strengths as the fire law sees them: 0 for a force that is not fighting."""
    for f in range(w.x0.shape[0]):
        x[f] = max(strength(w, s, f), 0.0) if s.fights[f] else 0.0
    return x


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def newly_crossed(w, s, t):
    """Flag forces just annihilated and breakpoints just reached; return how many."""
    return crossed(t, w.x0, s.led, w.force_side, s.side_ref, w.side_due, s.force_alive,
                   s.side_broken, w.bp_side, w.bp_kind, w.bp_value, s.bp_done, s.bp_force,
                   s.side_tot, s.flag_f, s.flag_b)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def resolve(w, s, t):
    """The core's rule: log what the state has crossed, break sides, end the battle."""
    return core_resolve(t, w.x0, s.led, w.force_side, s.side_ref, w.side_due, s.force_alive,
                        s.side_broken, w.bp_side, w.bp_kind, w.bp_value, s.bp_done,
                        s.bp_force, s.side_tot, s.flag_f, s.flag_b, s.ev_t, s.ev_kind,
                        s.ev_subj, s.ev_val, s.scal[N_EV:N_EV + 1], s.scal[ENDED:DECIDING + 1])


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def process_stop(w, s, t, last):
    """Apply everything scheduled at time t: one-off transfers, the opening and closing of
    engagements and of transfers spread over time; then the core's rule (time limits
    included)."""
    for i in range(w.tr_force.shape[0]):
        a, b, f = w.tr_from[i], w.tr_to[i], w.tr_force[i]
        if abs(a - t) > EPS_T * max(1.0, abs(t)):
            continue
        if a == b:
            amount = w.tr_amount[i]
            if w.tr_sign[i] > 0:
                s.led[ARRIVED, f] += amount
                log(s, t, K_ARR, i, amount)
            else:
                take = min(amount, max(strength(w, s, f), 0.0))
                s.led[WITHDRAWN, f] += take
                log(s, t, K_WD, i, take)
                if strength(w, s, f) <= 0.0:
                    s.force_alive[f] = False  # withdrawn, not annihilated
            s.tr_done[i] = amount
        else:
            log(s, t, K_ARR_BEGAN if w.tr_sign[i] > 0 else K_WD_BEGAN, i, w.tr_amount[i])
    for e in range(w.eng_start.shape[0]):
        on = w.eng_start[e] <= t + EPS_T and t < w.eng_end[e] - EPS_T
        if s.eng_set[e] >= 0:  # an order opened or closed it: that stands
            on = s.eng_set[e] == 1
        if on and not s.eng_on[e]:
            log(s, t, K_ENG_ON, e, 0.0)
        elif s.eng_on[e] and not on and not last:
            log(s, t, K_ENG_OFF, e, 0.0)
        s.eng_on[e] = on
    resolve(w, s, t)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def finish(w, s, t):
    """Close the battle at time t (the clock ran out if no side broke), recording the end."""
    core_finish(t, s.ev_t, s.ev_kind, s.ev_subj, s.ev_val, s.scal[N_EV:N_EV + 1],
                s.scal[ENDED:DECIDING + 1])
    record_grid_at(w, s, t)
    record(w, s, t)


ADVANCE, PAUSE, DONE = 0, 1, 2


@njit(cache=True, nogil=True, error_model="numpy")
def at_stops(w, s, until):
    """Process every scheduled stop the state has reached, then say what comes next: ADVANCE
    (fight on towards the next stop), PAUSE (the state is at `until`) or DONE (the battle is
    over and closed). Every solver's loop is this, around its own stretch of fighting."""
    n = w.stops.shape[0]
    while s.scal[ENDED] == 0.0:
        k = int(s.scal[NEXT_STOP])
        if k >= n:
            break
        if s.scal[T] >= w.stops[k]:
            t = w.stops[k]
            record_grid_before(w, s, t)
            s.scal[T] = t
            process_stop(w, s, t, k == n - 1)
            record_grid_at(w, s, t)
            s.scal[NEXT_STOP] = k + 1
            if k == n - 1:
                break
            continue
        return PAUSE if s.scal[T] >= until else ADVANCE
    finish(w, s, s.scal[T])
    return DONE


@njit(cache=True, nogil=True, error_model="numpy")
def reset(w, s):
    """Return a used state to the start of a battle, so batches reuse its arrays."""
    _reset(w.x0, w.t0, s.led, s.scal, s.eng_on, s.tr_done, s.bp_done, s.side_broken,
           s.bp_force, s.force_alive)
    s.mod[:] = 1.0
    s.commit[:] = True
    s.alloc[:] = w.pair_alloc
    s.share[:] = w.pair_share
    s.rank[:] = w.pair_rank
    s.eng_set[:] = -1
    s.side_ref[:] = w.side_x0


@njit(cache=True, nogil=True, error_model="numpy")
def _reset(x0, t0, led, scal, eng_on, tr_done, bp_done, side_broken, bp_force, force_alive):
    led[:] = 0.0
    scal[:] = 0.0
    scal[T] = t0
    scal[WINNER] = -1.0
    scal[REASON] = -1.0
    scal[DECIDING] = -1.0
    scal[PENDING] = np.nan
    eng_on[:] = False
    tr_done[:] = 0.0
    bp_done[:] = False
    side_broken[:] = False
    bp_force[:] = False
    for f in range(x0.shape[0]):
        force_alive[f] = x0[f] > 0.0
