"""The loop over scheduled stops for solvers that advance in Python (ODE, closed form, salvo):
the same `at_stops` as `stochastic.advance_stochastic`, around a Python stretch. A solver
advances from the state's time towards the next stop `b`, pausing at `until`, and returns its
continuation: what it needs to resume the same integration (None once it reached `b` or the
battle ended)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..world.compile import World
from .schedule import ADVANCE, PAUSE, at_stops
from .state import ENDED, NEXT_STOP, BattleState, T, WorldArrays

Advance = Callable[[World, WorldArrays, BattleState, float, float, Any], Any]


def advance_python(world: World, w: WorldArrays, s: BattleState, advance: Advance,
                   until: float, cont: Any) -> Any:
    while (code := at_stops(w, s, until)) == ADVANCE:
        b = float(world.stops[int(s.scal[NEXT_STOP])])
        cont = advance(world, w, s, b, until, cont)
        if not s.scal[ENDED] and s.scal[T] < b:
            return cont  # paused inside the stretch
    return cont if code == PAUSE else None
