"""Deterministic solver: the Lanchester ODEs integrated by scipy's `solve_ivp` (DOP853).

The integrated state is the ledger (arrived, withdrawn, lost per force); annihilation of a force
and every strength or force-ratio breakpoint are terminal events, located by solve_ivp's root
finder, after which the run resumes with the dead force out of the fight.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from ..attrition.rates import pair_rates
from ..world.compile import BP_RATIO, BP_STRENGTH, World
from .schedule import EPS_T, record_grid_at, resolve
from .state import ARRIVED, ENDED, LOST, WITHDRAWN, BattleState, T, WorldArrays

RTOL, ATOL = 1e-11, 1e-9


def advance(world: World, w: WorldArrays, s: BattleState, a: float, b: float) -> None:
    t = a
    stalled = 0
    while t < b and not s.scal[ENDED]:
        t_next = _segment(world, w, s, t, b)
        # every event removes a force or a breakpoint from play, so the same instant can only
        # come back a few times; more means a bug, which must not hang a user's run
        stalled = stalled + 1 if t_next <= t else 0
        if stalled > world.n_forces + len(world.bp_ids) + 2:
            raise RuntimeError(f"ODE solver made no progress at t={t} (please report this)")
        t = t_next


def _transfer_rates(world: World, s: BattleState, t: float) -> tuple[np.ndarray, np.ndarray]:
    F = world.n_forces
    arr, wd = np.zeros(F), np.zeros(F)
    spread = (world.tr_from < world.tr_to) & (world.tr_from <= t + EPS_T) & (t < world.tr_to)
    for i in np.flatnonzero(spread):
        rate = world.tr_amount[i] / (world.tr_to[i] - world.tr_from[i])
        (arr if world.tr_sign[i] > 0 else wd)[world.tr_force[i]] += rate
    return arr, wd * s.force_alive


def _segment(world: World, w: WorldArrays, s: BattleState, t: float, b: float) -> float:
    F = world.n_forces
    x0 = world.x0
    arr, wd = _transfer_rates(world, s, t)
    eng_on = s.eng_on.copy()

    def xs(y):
        return x0 + y[:F] - y[F : 2 * F] - y[2 * F :]

    def rhs(_t, y):
        x = np.maximum(xs(y), 0.0)
        pair_rates(x, eng_on, w.pair_eng, w.pair_group, w.pair_shooter, w.pair_target, w.pair_k,
                   w.pair_p, w.pair_q, w.pair_alloc, w.pair_share, w.pair_rank, s.den, s.best,
                   s.nbest, s.rbuf)
        lost = np.bincount(w.pair_target, weights=s.rbuf, minlength=F)
        return np.concatenate([arr, wd, lost])

    events, kinds = _events(world, s, xs)
    pts = world.grid[(world.grid > t + EPS_T) & (world.grid < b - EPS_T)]
    y0 = s.led.reshape(-1).copy()
    sol = solve_ivp(rhs, (t, b), y0, method="DOP853", rtol=RTOL, atol=ATOL,
                    t_eval=np.append(pts, b), events=events or None)
    ys = np.asarray(sol.y, dtype=float).reshape(len(y0), -1)  # a list when no point was reached
    for ti, yi in zip(sol.t, ys.T, strict=True):
        if ti < b - EPS_T:
            s.led[:] = yi.reshape(3, F)
            record_grid_at(w, s, ti)
    if sol.status != 1:
        s.led[:] = ys[:, -1].reshape(3, F)
        s.scal[T] = b
        return b
    first = min(float(te[0]) for te in sol.t_events if len(te))
    fired = [i for i, te in enumerate(sol.t_events) if len(te) and te[0] == first]
    s.led[:] = sol.y_events[fired[0]][0].reshape(3, F)
    for i in fired:
        kind, idx = kinds[i]
        if kind == "force":
            loss_rate = rhs(first, s.led.ravel())[2 * F + idx]
            _empty(s, float(x0[idx]), idx, wd[idx], loss_rate)
        else:
            s.bp_force[idx] = True
    s.scal[T] = first
    resolve(w, s, first)
    return first


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


def _events(world: World, s: BattleState, xs):
    events, kinds = [], []

    def terminal(fn):
        fn.terminal, fn.direction = True, -1
        events.append(fn)

    side = world.force_side
    for f in np.flatnonzero(s.force_alive):
        terminal(lambda _t, y, f=f: xs(y)[f])
        kinds.append(("force", int(f)))
    for bi in range(len(world.bp_ids)):
        k, sd = world.bp_kind[bi], world.bp_side[bi]
        if s.bp_done[bi] or s.side_broken[sd] or k not in (BP_STRENGTH, BP_RATIO):
            continue
        v = world.bp_value[bi]
        if k == BP_STRENGTH:
            x0s = world.side_x0[sd]
            terminal(lambda _t, y, sd=sd, v=v, x0s=x0s:
                     np.maximum(xs(y), 0)[side == sd].sum() - v * x0s)
        else:
            others = (side != sd) & ~s.side_broken[side]
            terminal(lambda _t, y, sd=sd, v=v, o=others:
                     np.maximum(xs(y), 0)[side == sd].sum() - v * np.maximum(xs(y), 0)[o].sum())
        kinds.append(("bp", bi))
    return events, kinds
