"""What happens at scheduled times and when thresholds are crossed, shared by every solver.

All functions are numba-compiled and work on `WorldArrays` (w) and `BattleState` (s), so that the
stochastic solvers run a whole replication without returning to Python, and the ODE solver's
Python loop calls the very same code.
"""

from __future__ import annotations

from numba import njit

from ..events import END_BROKE, END_MUTUAL, END_TIME, EventKind
from ..world.compile import BP_RATIO, BP_STRENGTH, BP_TIME
from .state import ARRIVED, ENDED, LOST, N_EV, N_REC, NEXT_GRID, REASON, WINNER, WITHDRAWN

K_ARR = int(EventKind.reinforcement_arrived)
K_ARR_BEGAN = int(EventKind.reinforcement_began)
K_WD = int(EventKind.withdrawal)
K_WD_BEGAN = int(EventKind.withdrawal_began)
K_ENG_ON = int(EventKind.engagement_began)
K_ENG_OFF = int(EventKind.engagement_ended)
K_ANNIHILATED = int(EventKind.force_annihilated)
K_BREAKPOINT = int(EventKind.breakpoint_reached)
K_SIDE_BROKE = int(EventKind.side_broke)
K_END = int(EventKind.battle_ended)

EPS_T = 1e-12


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def strength(w, s, f):
    return w.x0[f] + s.led[ARRIVED, f] - s.led[WITHDRAWN, f] - s.led[LOST, f]


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def log(s, t, kind, subj, val):
    n = int(s.scal[N_EV])
    if n < s.ev_t.shape[0]:
        s.ev_t[n] = t
        s.ev_kind[n] = kind
        s.ev_subj[n] = subj
        s.ev_val[n] = val
        s.scal[N_EV] = n + 1


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def record(w, s, t):
    """Append the state at time t to the recording."""
    n = int(s.scal[N_REC])
    if n > 0 and s.rec_t[n - 1] == t:
        n -= 1  # the same instant again: keep the latest state
    s.rec_t[n] = t
    s.rec_led[n, :, :] = s.led
    s.scal[N_REC] = n + 1


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


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def newly_crossed(w, s):
    """Flag forces just annihilated and breakpoints just reached; return how many."""
    return crossed(w.x0, s.led, w.force_side, w.side_x0, s.force_alive, s.side_broken,
                   w.bp_side, w.bp_kind, w.bp_value, s.bp_done, s.bp_force, s.side_tot,
                   s.flag_f, s.flag_b)


# The body takes plain arrays: numba keeps reference counting out of the loops only then, which
# makes this (called once per simulated casualty) about 50 times faster than reading the arrays
# out of the namedtuples inside the loops.
@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def crossed(x0, led, force_side, side_x0, force_alive, side_broken, bp_side, bp_kind, bp_value,
            bp_done, bp_force, side_tot, flag_f, flag_b):
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
        if bp_done[b] or side_broken[side]:
            continue
        if bp_force[b]:  # a solver located the crossing itself (ODE event root)
            bp_force[b] = False
            flag_b[b] = True
            count += 1
            continue
        kind = bp_kind[b]
        if kind == BP_STRENGTH:
            flag_b[b] = side_tot[side] < bp_value[b] * side_x0[side]
        elif kind == BP_RATIO:
            enemies = 0.0
            for k in range(S):
                if k != side and not side_broken[k]:
                    enemies += side_tot[k]
            flag_b[b] = enemies > 0.0 and side_tot[side] < bp_value[b] * enemies
        if flag_b[b]:
            count += 1
    for k in range(S):
        if not side_broken[k] and side_tot[k] <= 0.0:
            count += 1
    return count


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def resolve(w, s, t):
    """Log what the current state has crossed; break sides; end the battle if one side is left."""
    newly_crossed(w, s)
    for f in range(w.x0.shape[0]):
        if s.flag_f[f]:
            s.force_alive[f] = False
            log(s, t, K_ANNIHILATED, f, 0.0)
        elif strength(w, s, f) > 0.0:
            s.force_alive[f] = True
    S = s.side_tot.shape[0]
    broke_now = s.side_broken.copy()
    for b in range(w.bp_side.shape[0]):
        if s.flag_b[b]:
            s.bp_done[b] = True
            log(s, t, K_BREAKPOINT, b, w.bp_value[b])
            side = w.bp_side[b]
            if not broke_now[side]:
                broke_now[side] = True
                log(s, t, K_SIDE_BROKE, side, b)
    for k in range(S):
        if not broke_now[k] and s.side_tot[k] <= 0.0:
            broke_now[k] = True
            log(s, t, K_SIDE_BROKE, k, -1.0)  # annihilated
    n_new = 0
    for k in range(S):
        if broke_now[k] and not s.side_broken[k]:
            n_new += 1
        s.side_broken[k] = broke_now[k]
    left = 0
    last = -1
    for k in range(S):
        if not s.side_broken[k]:
            left += 1
            last = k
    if left <= 1 and s.scal[ENDED] == 0.0:
        s.scal[ENDED] = 1.0
        s.scal[WINNER] = last
        s.scal[REASON] = END_BROKE if left == 1 else END_MUTUAL
        log(s, t, K_END, last, s.scal[REASON])
    return n_new


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def process_stop(w, s, t, last):
    """Apply everything scheduled at time t: one-off transfers, the opening and closing of
    engagements and of transfers spread over time, and breakpoints set at a time."""
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
        if on and not s.eng_on[e]:
            log(s, t, K_ENG_ON, e, 0.0)
        elif s.eng_on[e] and not on and not last:
            log(s, t, K_ENG_OFF, e, 0.0)
        s.eng_on[e] = on
    for b in range(w.bp_side.shape[0]):
        if (w.bp_kind[b] == BP_TIME and not s.bp_done[b] and not s.side_broken[w.bp_side[b]]
                and w.bp_value[b] <= t + EPS_T):
            s.flag_b[b] = True
            s.bp_done[b] = True
            log(s, t, K_BREAKPOINT, b, w.bp_value[b])
            s.side_broken[w.bp_side[b]] = True
            log(s, t, K_SIDE_BROKE, w.bp_side[b], b)
    resolve(w, s, t)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def finish(w, s, t):
    """Close the battle at time t (the clock ran out if no side broke), recording the end."""
    if s.scal[ENDED] == 0.0:
        s.scal[ENDED] = 1.0
        s.scal[WINNER] = -1
        s.scal[REASON] = END_TIME
        log(s, t, K_END, -1, END_TIME)
    record_grid_at(w, s, t)
    record(w, s, t)


@njit(cache=True, nogil=True, error_model="numpy")
def reset(w, s):
    """Return a used state to the start of a battle, so batches reuse its arrays."""
    _reset(w.x0, w.t0, s.led, s.scal, s.eng_on, s.tr_done, s.bp_done, s.side_broken,
           s.bp_force, s.force_alive)


@njit(cache=True, nogil=True, error_model="numpy")
def _reset(x0, t0, led, scal, eng_on, tr_done, bp_done, side_broken, bp_force, force_alive):
    led[:] = 0.0
    scal[:] = 0.0
    scal[0] = t0
    scal[WINNER] = -1.0
    eng_on[:] = False
    tr_done[:] = 0.0
    bp_done[:] = False
    side_broken[:] = False
    bp_force[:] = False
    for f in range(x0.shape[0]):
        force_alive[f] = x0[f] > 0.0
