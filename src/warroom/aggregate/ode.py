"""Deterministic solver: the Lanchester ODEs integrated by scipy's DOP853, stepped here.

The integrated state is the ledger (arrived, withdrawn, lost per force); annihilation of a force
and every strength or force-ratio breakpoint are terminal events, found by root-finding on the
step's dense output (as `solve_ivp` does, with the same tolerances), after which the run
resumes with the dead force out of the fight. The stepping loop is ours, not `solve_ivp`'s, so
that a pause keeps the integrator: a step that runs past the pause is finished on resume, and
advancing in pieces gives the numbers of one advance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from scipy.integrate import DOP853
from scipy.optimize import brentq

from ..attrition.rates import pair_rates
from ..core.codes import BP_RATIO, BP_STRENGTH
from ..world.compile import World
from .schedule import EPS_T, prepare, record_path, resolve
from .state import ARRIVED, ENDED, LOST, WITHDRAWN, BattleState, T, WorldArrays

RTOL, ATOL = 1e-11, 1e-9
ROOT_TOL = 4 * np.finfo(float).eps  # solve_ivp's event tolerance


@dataclass
class Stretch:
    """One integration from a time to the next stop, with its events and recording times."""

    solver: Any
    events: list[Callable[[float, np.ndarray], float]]
    kinds: list[tuple[str, int]]
    g: list[float]
    t_eval: np.ndarray
    t_eval_i: int = 0
    step: Any = None  # the dense output of a step taken but not yet processed (a pause)
    rhs: Callable[..., np.ndarray] = field(default=lambda t, y: y)
    wd: np.ndarray = field(default_factory=lambda: np.zeros(0))


def advance(world: World, w: WorldArrays, s: BattleState, b: float, until: float,
            cont: Stretch | None) -> Stretch | None:
    t = float(s.scal[T])
    stalled = 0
    while not s.scal[ENDED]:
        st = cont if cont is not None else _start(world, w, s, t, b)
        cont = None
        t_next, paused = _run(world, w, s, st, b, until)
        if paused:
            return st
        if t_next >= b:
            return None
        # every event removes a force or a breakpoint from play, so the same instant can only
        # come back a few times; more means a bug, which must not hang a user's run
        stalled = stalled + 1 if t_next <= t else 0
        if stalled > world.n_forces + len(world.bp_ids) + 2:
            raise RuntimeError(f"ODE solver made no progress at t={t} (please report this)")
        t = t_next
    return None


def _transfer_rates(world: World, s: BattleState, t: float) -> tuple[np.ndarray, np.ndarray]:
    F = world.n_forces
    arr, wd = np.zeros(F), np.zeros(F)
    spread = (world.tr_from < world.tr_to) & (world.tr_from <= t + EPS_T) & (t < world.tr_to)
    for i in np.flatnonzero(spread):
        rate = world.tr_amount[i] / (world.tr_to[i] - world.tr_from[i])
        (arr if world.tr_sign[i] > 0 else wd)[world.tr_force[i]] += rate
    return arr, wd * s.force_alive


def _start(world: World, w: WorldArrays, s: BattleState, t: float, b: float) -> Stretch:
    F = world.n_forces
    x0 = world.x0
    arr, wd = _transfer_rates(world, s, t)
    eng_on = s.eng_on.copy()
    prepare(w, s)
    fights, keff = s.fights.copy(), s.keff.copy()
    alloc, share, rank = s.alloc.copy(), s.share.copy(), s.rank.copy()

    def xs(y):
        return x0 + y[:F] - y[F : 2 * F] - y[2 * F :]

    # A force alive in this stretch keeps a hair of strength past zero, so that the fire on
    # it does not stop dead inside a step: the rate stays continuous across its emptying
    # (found by the event below), which a step at large times could not otherwise straddle.
    tiny = np.finfo(float).tiny
    floor = np.where(s.force_alive, tiny, 0.0)
    dead = ~s.force_alive

    def rates(x):
        pair_rates(x, eng_on, w.pair_eng, w.pair_group, w.pair_shooter, w.pair_target, keff,
                   w.pair_p, w.pair_q, alloc, share, rank, s.den, s.best, s.nbest, s.rbuf)
        return np.bincount(w.pair_target, weights=s.rbuf, minlength=F)

    def rhs(_t, y):
        raw = xs(y)
        lost = rates(np.maximum(raw, floor) * fights)
        # An emptied force fed a trickle under fire stays at zero, the trickle dying as it
        # comes (the fire it would take if present, up to what arrives), instead of
        # flickering in and out of the fight at ever smaller steps. Its share is not taken
        # from the other targets: at most what arrives, against their whole.
        trickle = dead & (raw <= 0.0) & (arr > 0.0)
        if trickle.any():
            present = rates(np.where(trickle, tiny, np.maximum(raw, floor)) * fights)
            lost[trickle] = np.minimum(present[trickle], arr[trickle])
        return np.concatenate([arr, wd, lost])

    events, kinds = _events(world, s, xs)
    pts = world.grid[(world.grid > t + EPS_T) & (world.grid < b - EPS_T)]
    y0 = s.led.reshape(-1).copy()
    solver = DOP853(rhs, t, y0, b, rtol=RTOL, atol=ATOL)
    return Stretch(solver, events, kinds, [e(t, y0) for e in events], np.append(pts, b),
                   rhs=rhs, wd=wd)


def _run(world: World, w: WorldArrays, s: BattleState, st: Stretch, b: float,
         until: float) -> tuple[float, bool]:
    """Steps until the stretch ends at b or at a terminal event (returns that time), or until
    a step runs past `until` (returns until, True: the step waits in `st.step`)."""
    F = world.n_forces
    solver = st.solver
    while True:
        if st.step is None:
            solver.step()
            if solver.status == "failed":
                raise RuntimeError(f"ODE solver failed at t={solver.t} (please report this)")
            st.step = solver.dense_output()
        sol, t_old, t = st.step, solver.t_old, solver.t
        g_new = [e(t, solver.y) for e in st.events]
        active = [i for i, (g0, g1) in enumerate(zip(st.g, g_new, strict=True))
                  if g0 >= 0 and g1 <= 0]
        roots = sorted((brentq(lambda tt, e=st.events[i], sol=sol: e(tt, sol(tt)), t_old, t,
                               xtol=ROOT_TOL, rtol=ROOT_TOL), i) for i in active)
        end = roots[0][0] if roots else t
        if end > until:
            s.led[:] = _held(sol(until), world.x0).reshape(3, F)
            s.scal[T] = until
            return until, True
        st.step = None
        st.g = g_new
        i_new = int(np.searchsorted(st.t_eval, end, side="right"))
        if i_new > st.t_eval_i:
            ts = st.t_eval[st.t_eval_i:i_new]
            record_path(w.grid, s.scal, s.rec_t, s.rec_led, s.led, ts,
                        _held(sol(ts), world.x0), b)
        st.t_eval_i = i_new
        if roots:
            first, which = roots[0]
            s.led[:] = _held(sol(first), world.x0).reshape(3, F)
            kind, idx = st.kinds[which]
            if kind == "force":
                loss_rate = st.rhs(first, s.led.ravel())[2 * F + idx]
                _empty(s, float(world.x0[idx]), idx, st.wd[idx], loss_rate)
            else:
                s.bp_force[idx] = True
            s.scal[T] = first
            resolve(w, s, first)
            return first, False
        if solver.status == "finished":
            s.scal[T] = b
            return b, False


def settle(world: World, w: WorldArrays, s: BattleState, st: Stretch | None) -> None:
    """Before an order or a mechanic changes a paused battle: record the recording times the
    waiting step passed before the pause (the state at the pause is already set; a recording
    time at the pause itself shows the changed state)."""
    if st is None or st.step is None:
        return
    until = float(s.scal[T])
    F = world.n_forces
    i_new = int(np.searchsorted(st.t_eval, until, side="left"))
    pts = st.t_eval[st.t_eval_i:i_new]
    if len(pts):
        record_path(w.grid, s.scal, s.rec_t, s.rec_led, s.led, pts,
                    _held(st.step(pts), world.x0), np.inf)
        s.led[:] = _held(st.step(until), world.x0).reshape(3, F)


def _held(y: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """Integrated ledgers (arrived, withdrawn, lost per force; one column per time if 2-D)
    with no force below zero: a trickle that dies as it arrives is integrated with a
    tolerance, and its losses must not overdraw what arrived (the accounting identity)."""
    F = len(x0)
    y = np.array(y, float)
    a, wd, lost = y[:F], y[F:2 * F], y[2 * F:]
    base = x0 if y.ndim == 1 else x0[:, None]
    x = base + a - wd - lost
    # beyond round-off only: an emptied force is held a few ulps below zero (`_settle`)
    over = x < -8 * np.spacing(np.maximum(base + a, 1.0))
    y[2 * F:] = np.where(over, lost + x, lost)
    return y


def _empty(s: BattleState, x0: float, f: int, wd_rate: float, loss_rate: float) -> None:
    """Bring force f to zero, charging the last round-off to whatever emptied it."""
    committed = x0 + s.led[ARRIVED, f]
    if wd_rate > loss_rate:  # withdrawn, not annihilated
        s.led[WITHDRAWN, f] = committed - s.led[LOST, f]
        s.force_alive[f] = False
        _settle(s, x0, f, WITHDRAWN)
    else:
        s.led[LOST, f] = max(committed - s.led[WITHDRAWN, f], 0.0)
        s.led[WITHDRAWN, f] = committed - s.led[LOST, f]
        _settle(s, x0, f, LOST)


def _settle(s: BattleState, x0: float, f: int, row: int) -> None:
    """Nudge one ledger entry up by ulps until the derived strength is not above zero: a
    round-off residue of +1e-15 would otherwise revive the force at the same instant."""
    for _ in range(16):
        if x0 + s.led[ARRIVED, f] - s.led[WITHDRAWN, f] - s.led[LOST, f] <= 0.0:
            return
        s.led[row, f] = np.nextafter(s.led[row, f], np.inf)


def _force_left(_t, y, xs, f):
    return xs(y)[f]


def _above_strength(_t, y, xs, mine, level):
    return np.maximum(xs(y), 0)[mine].sum() - level


def _above_ratio(_t, y, xs, mine, others, v):
    return np.maximum(xs(y), 0)[mine].sum() - v * np.maximum(xs(y), 0)[others].sum()


def _events(world: World, s: BattleState, xs):
    """Terminal events (each falls through zero): a force emptied, a breakpoint reached."""
    events: list[Callable[[float, np.ndarray], float]] = []
    kinds: list[tuple[str, int]] = []
    side = world.force_side
    for f in np.flatnonzero(s.force_alive):
        events.append(partial(_force_left, xs=xs, f=f))
        kinds.append(("force", int(f)))
    for bi in range(len(world.bp_ids)):
        k, sd = world.bp_kind[bi], world.bp_side[bi]
        if s.bp_done[bi] or s.side_broken[sd] or k not in (BP_STRENGTH, BP_RATIO):
            continue
        v = world.bp_value[bi]
        if k == BP_STRENGTH:
            if s.side_ref[sd] <= 0.0:
                continue  # no reference yet (a side still to arrive): nothing to fall below
            events.append(partial(_above_strength, xs=xs, mine=side == sd,
                                  level=v * s.side_ref[sd]))
        else:
            events.append(partial(_above_ratio, xs=xs, mine=side == sd,
                                  others=(side != sd) & ~s.side_broken[side], v=v))
        kinds.append(("bp", bi))
    return events, kinds
