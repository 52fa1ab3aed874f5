"""Closed-form solver: the analytic trajectories of the two-force square, linear and logarithmic
laws, with annihilation and breakpoint times found by root-finding on those formulas. The
trajectory is anchored where its stretch began; a pause keeps the anchor, so resuming follows
the same formula."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq

from ..attrition.closed_form import STATES
from ..core.codes import ARRIVED, BP_RATIO, BP_STRENGTH, WITHDRAWN
from ..world.compile import World
from .schedule import EPS_T, prepare, record_grid_at, resolve
from .state import LOST, BattleState, T, WorldArrays

SCAN = 4096


def coefficients(world: World) -> tuple[int, int, float, float]:
    """(X force, Y force, a = X's effectiveness on Y, b = Y's effectiveness on X)."""
    ix = int(np.flatnonzero(world.force_side == 0)[0])
    iy = int(np.flatnonzero(world.force_side == 1)[0])
    a = float(world.pair_k[world.pair_shooter == ix].sum())
    b = float(world.pair_k[world.pair_shooter == iy].sum())
    return ix, iy, a, b


@dataclass
class Stretch:
    at: Callable[[Any], Any]  # t -> (x, y)
    te: float  # where the stretch ends (the stop, or the first root)
    fired: list[int]
    bp_of: list[int | None]


def _stretch(world: World, w: WorldArrays, s: BattleState, a: float, b: float) -> Stretch:
    ix, iy, _, _ = coefficients(world)
    prepare(w, s)
    both = s.fights[ix] and s.fights[iy]
    ka = float(s.keff[world.pair_shooter == ix].sum()) if both else 0.0
    kb = float(s.keff[world.pair_shooter == iy].sum()) if both else 0.0
    state = STATES[world.eng_law[0]]
    xa = _present(world, s, ix) - s.led[LOST, ix]
    ya = _present(world, s, iy) - s.led[LOST, iy]

    def at(t):
        return state(np.asarray(t, dtype=float) - a, xa, ya, ka, kb)

    conds: list[Callable[[Any], Any]] = [lambda t: at(t)[0], lambda t: at(t)[1]]
    bp_of: list[int | None] = [None, None]
    for bi in range(len(world.bp_ids)):
        k, sd, v = world.bp_kind[bi], world.bp_side[bi], world.bp_value[bi]
        if s.bp_done[bi] or k not in (BP_STRENGTH, BP_RATIO) or (
                k == BP_STRENGTH and s.side_ref[sd] <= 0.0):
            continue
        own = 0 if sd == 0 else 1
        conds.append(_strength_gap(at, own, v * s.side_ref[sd]) if k == BP_STRENGTH
                     else _ratio_gap(at, own, v))
        bp_of.append(bi)
    ts = np.linspace(a, b, SCAN + 1)
    te, fired = b, []
    for ci, g in enumerate(conds):
        vals = g(ts)
        below = np.flatnonzero(vals[1:] <= 0)
        if below.size:
            j = below[0] + 1
            root = brentq(g, ts[j - 1], ts[j], xtol=1e-14, rtol=1e-15)
            if root < te - EPS_T:
                te, fired = root, [ci]
            elif abs(root - te) <= EPS_T:
                fired.append(ci)
    return Stretch(at, te, fired, bp_of)


def advance(world: World, w: WorldArrays, s: BattleState, b: float, until: float,
            cont: Stretch | None) -> Stretch | None:
    ix, iy, _, _ = coefficients(world)
    a = float(s.scal[T])
    st = cont if cont is not None else _stretch(world, w, s, a, b)
    # recording times from the pause on (those already recorded are skipped), strictly before
    # a pause: the state there may yet change
    g = world.grid
    pts = g[(g > a - EPS_T) & (g < st.te - EPS_T) & ((g < until) | (until >= st.te))]
    for ti in pts:
        _set(world, s, ix, iy, *st.at(ti))
        record_grid_at(w, s, ti)
    if until < st.te:
        _set(world, s, ix, iy, *st.at(until))
        s.scal[T] = until
        return st
    x_end, y_end = st.at(st.te)
    _set(world, s, ix, iy, max(float(x_end), 0.0), max(float(y_end), 0.0))
    for ci in st.fired:
        if ci < 2:  # annihilation: make the zero exact
            f = ix if ci == 0 else iy
            s.led[LOST, f] = _present(world, s, f)
        else:
            s.bp_force[st.bp_of[ci]] = True
    s.scal[T] = st.te
    if st.fired:
        resolve(w, s, st.te)
    return None


def _strength_gap(at, own: int, level: float) -> Callable[[Any], Any]:
    return lambda t: at(t)[own] - level


def _ratio_gap(at, own: int, ratio: float) -> Callable[[Any], Any]:
    return lambda t: at(t)[own] - ratio * at(t)[1 - own]


def _present(world: World, s: BattleState, f: int) -> float:
    """What force f has before this stretch's losses: initial, arrived, less withdrawn."""
    return float(world.x0[f] + s.led[ARRIVED, f] - s.led[WITHDRAWN, f])


def _set(world, s, ix, iy, x, y):
    """Charge the trajectory's losses since the stretch began to the ledger (an order may
    have withdrawn part of a force: that is not a loss)."""
    s.led[LOST, ix] = _present(world, s, ix) - x
    s.led[LOST, iy] = _present(world, s, iy) - y
