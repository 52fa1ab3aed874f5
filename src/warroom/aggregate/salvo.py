"""Salvo solver: Hughes' exchanges at each engagement's salvo times (start + k * interval,
k >= 1). A salvo at the same instant as a scheduled arrival is fired before the arrival."""

from __future__ import annotations

import math

import numpy as np

from ..attrition.rates import pair_rates
from ..attrition.salvo import salvo_losses
from ..world.compile import World
from .schedule import (
    EPS_T,
    fighting_strengths,
    newly_crossed,
    prepare,
    record_grid_before,
    resolve,
)
from .state import ENDED, LOST, BattleState, T, WorldArrays


def salvo_times(world: World, eng_on: np.ndarray, a: float, b: float) -> dict[float, np.ndarray]:
    times: dict[float, np.ndarray] = {}
    for e in np.flatnonzero(eng_on):
        st, iv, end = world.eng_start[e], world.eng_interval[e], world.eng_end[e]
        k = max(1, math.floor((a - st) / iv + 1e-9) + 1)
        while (ts := st + k * iv) <= b + EPS_T and ts <= end + EPS_T:
            times.setdefault(round(ts, 12), np.zeros_like(eng_on))[e] = True
            k += 1
    return dict(sorted(times.items()))


def advance(world: World, w: WorldArrays, s: BattleState, b: float, until: float,
            cont: None) -> None:
    """Salvos from the state's time to b, or to `until` (salvo times do not depend on where a
    stretch began, so a pause needs no continuation). The fire modifier scales each shooter's
    share of its salvo, which is how `pair_rates` hands it to `salvo_losses`."""
    a = float(s.scal[T])
    end = min(b, until)
    x = np.zeros(world.n_forces)
    for ts, firing in salvo_times(world, s.eng_on, a, end).items():
        record_grid_before(w, s, ts)
        prepare(w, s)  # a side that broke at the last salvo no longer fires or is fired on
        fighting_strengths(w, s, x)
        pair_rates(x, firing, w.pair_eng, w.pair_group, w.pair_shooter, w.pair_target, s.keff,
                   w.pair_p, w.pair_q, s.alloc, s.share, s.rank, s.den, s.best, s.nbest, s.rbuf)
        s.led[LOST] += salvo_losses(
            x, world.force_side, world.pair_shooter, world.pair_target, s.rbuf,
            world.sv_offensive, world.sv_defensive, world.sv_staying,
            world.sv_scouting, world.sv_readiness, world.sv_alertness,
        )
        s.scal[T] = ts
        if newly_crossed(w, s, ts):
            resolve(w, s, ts)
            if s.scal[ENDED]:
                return None
    s.scal[T] = end
    return None
