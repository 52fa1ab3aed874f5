"""Stochastic solvers: the exact continuous-time Markov chain (Gillespie) and binomial tau-leap.

Both count whole units. The CTMC removes one unit per event, choosing the fire pair in proportion
to its rate; between scheduled times the rates only change at events, so it is exact. Tau-leap
steps time by the clock step: each target force with n units under total loss rate r loses
Binomial(n, 1 - exp(-r/n * h)), which never exceeds n and converges to the ODE as forces grow.
A whole replication runs inside one numba call, with its own Generator.

`advance_stochastic` stops at any time and resumes with the same draws: the CTMC keeps the time
of its next event (already drawn) in the state, tau-leap pauses only between its steps (at the
first step boundary at or after the pause), so advancing in pieces is the battle of one
advance. An order given during a pause discards the drawn event time (the chain is memoryless,
so a fresh draw under the new rates is exact).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..attrition.rates import pair_rates
from .schedule import (
    ADVANCE,
    EPS_T,
    _record_grid,
    at_stops,
    crossed,
    fighting_strengths,
    newly_crossed,
    prepare,
    record_grid_before,
    reset,
    resolve,
    strength,
)
from .state import (
    ARRIVED,
    ENDED,
    LOST,
    N_REC,
    NEXT_GRID,
    NEXT_STOP,
    PAUSED,
    PENDING,
    REASON,
    WINNER,
    WITHDRAWN,
    T,
)

CTMC, TAU_LEAP = 0, 1


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _next_unit(w, s, t, b):
    """Time and index of the next single unit due from a transfer spread over time."""
    tn = b
    which = -1
    for i in range(w.tr_force.shape[0]):
        a, z, m = w.tr_from[i], w.tr_to[i], w.tr_amount[i]
        if a < z and a <= t + EPS_T and t < z and s.tr_done[i] < m:
            tu = a + (z - a) * ((s.tr_done[i] + 1.0) / m)
            if tu < tn:
                tn = tu
                which = i
    return tn, which


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _deliver(w, s, i):
    f = w.tr_force[i]
    if w.tr_sign[i] > 0:
        s.led[ARRIVED, f] += 1.0
    elif strength(w, s, f) >= 1.0:
        s.led[WITHDRAWN, f] += 1.0
        if strength(w, s, f) <= 0.0:
            s.force_alive[f] = False  # withdrawn, not annihilated
    s.tr_done[i] += 1.0


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _crossed(w, s, t):
    if newly_crossed(w, s, t) > 0:
        s.scal[T] = t
        resolve(w, s, t)
        prepare(w, s)
    return s.scal[ENDED] != 0.0


@njit(cache=True, nogil=True, error_model="numpy")
def _between(w, s, rng, method, t, tn, tau, x, until):
    """Stochastic attrition from t until tn, the end of the battle or a pause at `until`;
    True if it ended or paused (s.scal[PAUSED] tells which)."""
    while True:
        fighting_strengths(w, s, x)
        arrays = (x, w.x0, s.led, s.eng_on, w.pair_eng, w.pair_group, w.pair_shooter,
                  w.pair_target, s.keff, w.pair_p, w.pair_q, s.alloc, s.share, s.rank,
                  s.fights, s.den, s.best, s.nbest, s.rbuf, s.hz, w.force_side,
                  s.side_ref, w.side_due, s.force_alive, s.side_broken, w.bp_side, w.bp_kind,
                  w.bp_value, s.bp_done, s.bp_force, s.side_tot, s.flag_f, s.flag_b, w.grid,
                  s.scal, s.rec_t, s.rec_led)
        if method == CTMC:
            t, crossed_ = _gillespie(rng, t, tn, tau, until, *arrays)
        else:
            t, crossed_ = _binomial_steps(rng, t, tn, tau, until, *arrays)
        if s.scal[PAUSED] != 0.0:
            s.scal[T] = t
            return True
        if not crossed_:
            return False
        s.scal[T] = t
        resolve(w, s, t)
        prepare(w, s)  # a side may have broken: it no longer fights
        if s.scal[ENDED] != 0.0:
            return True


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _idle(t, tn, until, scal):
    """No fire: time runs on to tn, or to a pause at `until` before it."""
    if until < tn:
        scal[PAUSED] = 1.0
        return max(t, until)
    return t


# The event loop takes every array as an argument: numba then keeps reference counting out of
# the loop, which matters at one iteration per simulated casualty.
@njit(cache=True, nogil=True, error_model="numpy")
def _gillespie(rng, t, tn, tau, until, x, x0, led, eng_on, pair_eng, pair_group, shooter,
               target, k, p, q, alloc, share, rank, fights, den, best, nbest, rbuf, hz,
               force_side, side_ref, due, force_alive, side_broken, bp_side, bp_kind, bp_value,
               bp_done, bp_force, side_tot, flag_f, flag_b, grid, scal, rec_t, rec_led):
    """Gillespie events from t until the next would fall at or after tn, or at or after
    `until` (then the drawn time waits in scal[PENDING]). tau and hz are unused: the
    signature is shared with `_binomial_steps`. `x` holds the fighting strengths and `k`
    the fire pairs' effective coefficients (`prepare`)."""
    P = k.shape[0]
    lim = min(tn, until)
    total = pair_rates(x, eng_on, pair_eng, pair_group, shooter, target, k, p, q, alloc, share,
                       rank, den, best, nbest, rbuf)
    pending = scal[PENDING]  # an event time drawn before a pause
    scal[PENDING] = np.nan
    if total <= 0.0:  # nothing can happen (a drawn time no longer holds either)
        return _idle(t, tn, until, scal), False
    t_ev = pending if pending == pending else t + rng.standard_exponential() / total
    while True:
        if t_ev >= lim:
            if until < tn:
                scal[PENDING] = t_ev
                scal[PAUSED] = 1.0
                return max(t, until), False
            return t, False
        t = t_ev
        g = int(scal[NEXT_GRID])
        if g < grid.shape[0] and grid[g] < t - EPS_T:
            _record_grid(grid, scal, rec_t, rec_led, led, t)
        u = rng.random() * total
        acc = 0.0
        j = -1
        for i in range(P):
            if rbuf[i] > 0.0:
                j = i
                acc += rbuf[i]
                if u < acc:
                    break
        tj = target[j]
        led[LOST, tj] += 1.0
        x[tj] = max(x[tj] - 1.0, 0.0)  # only the target changed
        # without breakpoints only an annihilation can end anything: skip the full check
        if (bp_side.shape[0] > 0 or x[tj] <= 0.0) and crossed(
                t, x0, led, force_side, side_ref, due, force_alive, side_broken, bp_side,
                bp_kind, bp_value, bp_done, bp_force, side_tot, flag_f, flag_b) > 0:
            return t, True
        total = pair_rates(x, eng_on, pair_eng, pair_group, shooter, target, k, p, q, alloc,
                           share, rank, den, best, nbest, rbuf)
        if total <= 0.0:
            return _idle(t, tn, until, scal), False
        t_ev = t + rng.standard_exponential() / total


@njit(cache=True, nogil=True, error_model="numpy")
def _binomial_steps(rng, t, tn, tau, until, x, x0, led, eng_on, pair_eng, pair_group, shooter,
                    target, k, p, q, alloc, share, rank, fights, den, best, nbest, rbuf,
                    hz, force_side, side_ref, due, force_alive, side_broken, bp_side, bp_kind,
                    bp_value, bp_done, bp_force, side_tot, flag_f, flag_b, grid, scal, rec_t,
                    rec_led):
    """Binomial steps of at most tau from t to tn, landing on every grid time; a pause at
    `until` waits for the step under way to end."""
    F = x0.shape[0]
    while t < tn - EPS_T * max(1.0, abs(tn)):
        if t >= until:
            scal[PAUSED] = 1.0
            return t, False
        t_next = min(t + tau, tn)
        g = int(scal[NEXT_GRID])
        if g < grid.shape[0] and t + EPS_T < grid[g] < t_next:
            t_next = grid[g]
        h = t_next - t
        for f in range(F):
            x[f] = max(x0[f] + led[ARRIVED, f] - led[WITHDRAWN, f] - led[LOST, f], 0.0)
            if not fights[f]:
                x[f] = 0.0
            hz[f] = 0.0
        pair_rates(x, eng_on, pair_eng, pair_group, shooter, target, k, p, q, alloc, share,
                   rank, den, best, nbest, rbuf)
        for i in range(k.shape[0]):
            hz[target[i]] += rbuf[i]
        for f in range(F):
            if hz[f] > 0.0 and x[f] > 0.0:
                n = int(x[f] + 0.5)
                prob = -math.expm1(-hz[f] / x[f] * h)
                led[LOST, f] += rng.binomial(n, min(prob, 1.0))
        t = t_next
        g = int(scal[NEXT_GRID])
        if g < grid.shape[0] and grid[g] < t + EPS_T * max(1.0, abs(t)):
            _record_grid(grid, scal, rec_t, rec_led, led, t + 2 * EPS_T * max(1.0, abs(t)))
        if crossed(t, x0, led, force_side, side_ref, due, force_alive, side_broken, bp_side,
                   bp_kind, bp_value, bp_done, bp_force, side_tot, flag_f, flag_b) > 0:
            return t, True
    return tn, False


@njit(cache=True, nogil=True, error_model="numpy")
def _advance(w, s, rng, method, tau, a, b, x, until):
    """From a to the next stop b; False if it got there (neither ended nor paused)."""
    t = a
    while True:
        tn, which = _next_unit(w, s, t, b)
        if _between(w, s, rng, method, t, tn, tau, x, until):
            return True
        t = tn
        record_grid_before(w, s, t)
        s.scal[T] = t
        if which >= 0:
            _deliver(w, s, which)
            if _crossed(w, s, t):
                return True
        if t >= b:
            return False


@njit(cache=True, nogil=True, error_model="numpy")
def advance_stochastic(w, s, rng, method, tau, until):
    """Advance from the state's time to `until` (or the battle's end): scheduled stops, then
    stochastic attrition between them."""
    x = np.zeros(w.x0.shape[0])
    s.scal[PAUSED] = 0.0
    while at_stops(w, s, until) == ADVANCE:
        prepare(w, s)  # orders, mechanics and the stop may have changed who fights and how
        b = w.stops[int(s.scal[NEXT_STOP])]
        if _advance(w, s, rng, method, tau, s.scal[T], b, x, until) and (
                s.scal[PAUSED] != 0.0):
            s.scal[PAUSED] = 0.0
            return


@njit(cache=True, nogil=True, error_model="numpy")
def run_stochastic(w, s, rng, method, tau):
    """One whole replication. `s` may be a used state: it is reset first, so a batch reuses
    one per thread."""
    reset(w, s)
    advance_stochastic(w, s, rng, method, tau, np.inf)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _outcome(w, s, r, final, end_time, winner, reason):
    k = int(s.scal[N_REC]) - 1
    for f in range(w.x0.shape[0]):
        final[r, f] = max(w.x0[f] + s.rec_led[k, ARRIVED, f] - s.rec_led[k, WITHDRAWN, f]
                          - s.rec_led[k, LOST, f], 0.0)
    end_time[r] = s.rec_t[k]
    winner[r] = int(s.scal[WINNER])
    reason[r] = int(s.scal[REASON])
