"""The Python loop over scheduled stops, for solvers that advance in Python (ODE, closed form,
salvo). It mirrors `stochastic.advance_stochastic` step for step and calls the same schedule
code. A solver advances from the state's time towards the next stop `b`, pausing at `until`,
and returns its continuation: what it needs to resume the same integration (None once it
reached `b` or the battle ended)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..world.compile import World
from .schedule import finish, process_stop, record_grid_at, record_grid_before
from .state import ENDED, NEXT_STOP, BattleState, T, WorldArrays

Advance = Callable[[World, WorldArrays, BattleState, float, float, Any], Any]


def advance_python(world: World, w: WorldArrays, s: BattleState, advance: Advance,
                   until: float, cont: Any) -> Any:
    stops = world.stops
    n = len(stops)
    while not s.scal[ENDED]:
        k = int(s.scal[NEXT_STOP])
        if k >= n:
            break
        if s.scal[T] >= stops[k]:
            t = stops[k]
            record_grid_before(w, s, t)
            s.scal[T] = t
            process_stop(w, s, t, k == n - 1)
            record_grid_at(w, s, t)
            s.scal[NEXT_STOP] = k + 1
            cont = None
            if k == n - 1:
                break
            continue
        if s.scal[T] >= until:
            return cont
        cont = advance(world, w, s, float(stops[k]), until, cont)
        if not s.scal[ENDED] and s.scal[T] < stops[k]:
            return cont  # paused
    finish(w, s, s.scal[T])
    return None
