"""Stochastic solvers: the exact continuous-time Markov chain (Gillespie) and binomial tau-leap.

Both count whole units. The CTMC removes one unit per event, choosing the fire pair in proportion
to its rate; between scheduled times the rates only change at events, so it is exact. Tau-leap
steps time by the clock step: each target force with n units under total loss rate r loses
Binomial(n, 1 - exp(-r/n * h)), which never exceeds n and converges to the ODE as forces grow.
A whole replication runs inside one numba call, with its own Generator.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..attrition.rates import pair_rates
from .schedule import (
    EPS_T,
    finish,
    newly_crossed,
    process_stop,
    record_grid_at,
    record_grid_before,
    resolve,
    strength,
    strengths,
)
from .state import ARRIVED, ENDED, LOST, NEXT_GRID, T, WITHDRAWN

CTMC, TAU_LEAP = 0, 1


@njit(cache=True, nogil=True)
def _rates(w, s, x):
    return pair_rates(x, s.eng_on, w.pair_eng, w.pair_group, w.pair_shooter, w.pair_target,
                      w.pair_k, w.pair_p, w.pair_q, w.pair_alloc, w.pair_share, w.pair_rank,
                      s.den, s.best, s.nbest, s.rbuf)


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
def _deliver(w, s, i):
    f = w.tr_force[i]
    if w.tr_sign[i] > 0:
        s.led[ARRIVED, f] += 1.0
    elif strength(w, s, f) >= 1.0:
        s.led[WITHDRAWN, f] += 1.0
        if strength(w, s, f) <= 0.0:
            s.force_alive[f] = False  # withdrawn, not annihilated
    s.tr_done[i] += 1.0


@njit(cache=True, nogil=True)
def _crossed(w, s, t):
    if newly_crossed(w, s) > 0:
        s.scal[T] = t
        resolve(w, s, t)
    return s.scal[ENDED] != 0.0


@njit(cache=True, nogil=True)
def _ctmc(w, s, rng, t, tn, x):
    """Gillespie events from t until the next would fall at or after tn, or the battle ends."""
    P = w.pair_k.shape[0]
    while True:
        strengths(w, s, x)
        total = _rates(w, s, x)
        if total <= 0.0:
            return t, False
        t_ev = t + rng.exponential(1.0) / total
        if t_ev >= tn:
            return t, False
        t = t_ev
        record_grid_before(w, s, t)
        u = rng.random() * total
        acc = 0.0
        j = -1
        for i in range(P):
            if s.rbuf[i] > 0.0:
                j = i
                acc += s.rbuf[i]
                if u < acc:
                    break
        s.led[LOST, w.pair_target[j]] += 1.0
        if _crossed(w, s, t):
            return t, True


@njit(cache=True, nogil=True)
def _tau_leap(w, s, rng, t, tn, tau, x):
    """Binomial steps of at most tau from t to tn, landing on every grid time."""
    while t < tn - EPS_T * max(1.0, abs(tn)):
        t_next = min(t + tau, tn)
        g = int(s.scal[NEXT_GRID])
        if g < w.grid.shape[0] and t + EPS_T < w.grid[g] < t_next:
            t_next = w.grid[g]
        h = t_next - t
        strengths(w, s, x)
        _rates(w, s, x)
        for f in range(x.shape[0]):
            s.hz[f] = 0.0
        for i in range(w.pair_k.shape[0]):
            s.hz[w.pair_target[i]] += s.rbuf[i]
        for f in range(x.shape[0]):
            if s.hz[f] > 0.0 and x[f] > 0.0:
                n = int(x[f] + 0.5)
                p = -math.expm1(-s.hz[f] / x[f] * h)
                s.led[LOST, f] += rng.binomial(n, min(p, 1.0))
        t = t_next
        record_grid_at(w, s, t)
        if _crossed(w, s, t):
            return t, True
    return tn, False


@njit(cache=True, nogil=True)
def _advance(w, s, rng, method, tau, a, b, x):
    t = a
    while True:
        tn, which = _next_unit(w, s, t, b)
        if method == CTMC:
            t, ended = _ctmc(w, s, rng, t, tn, x)
        else:
            t, ended = _tau_leap(w, s, rng, t, tn, tau, x)
        if ended:
            return
        t = tn
        record_grid_before(w, s, t)
        s.scal[T] = t
        if which >= 0:
            _deliver(w, s, which)
            if _crossed(w, s, t):
                return
        if t >= b:
            return


@njit(cache=True, nogil=True)
def run_stochastic(w, s, rng, method, tau):
    """One whole replication: scheduled stops, then stochastic attrition between them."""
    x = np.zeros(w.x0.shape[0])
    n = w.stops.shape[0]
    for k in range(n):
        t = w.stops[k]
        last = k == n - 1
        record_grid_before(w, s, t)
        s.scal[T] = t
        process_stop(w, s, t, last)
        record_grid_at(w, s, t)
        if s.scal[ENDED] != 0.0 or last:
            break
        _advance(w, s, rng, method, tau, t, w.stops[k + 1], x)
        if s.scal[ENDED] != 0.0:
            break
    finish(w, s, s.scal[T])
