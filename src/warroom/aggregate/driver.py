"""The Python loop over scheduled stops, for solvers that advance in Python (ODE, closed form,
salvo). It mirrors `stochastic.run_stochastic` step for step and calls the same schedule code."""

from __future__ import annotations

from collections.abc import Callable

from ..world.compile import World
from .schedule import finish, process_stop, record_grid_at, record_grid_before
from .state import ENDED, BattleState, T, WorldArrays, new_state, world_arrays

Advance = Callable[[World, WorldArrays, BattleState, float, float], None]


def run_python(world: World, advance: Advance) -> BattleState:
    w, s = world_arrays(world), new_state(world)
    stops = world.stops
    for k, t in enumerate(stops):
        last = k == len(stops) - 1
        record_grid_before(w, s, t)
        s.scal[T] = t
        process_stop(w, s, t, last)
        record_grid_at(w, s, t)
        if s.scal[ENDED] or last:
            break
        advance(world, w, s, float(t), float(stops[k + 1]))
        if s.scal[ENDED]:
            break
    finish(w, s, s.scal[T])
    return s
