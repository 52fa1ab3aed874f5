"""Solvers by name, as the scenario's `solver:` field names them (a Brax-style registry)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..world.compile import World
from . import closed, ode, salvo
from .driver import run_python
from .state import BattleState, new_state, world_arrays
from .stochastic import CTMC, TAU_LEAP, run_stochastic

Solver = Callable[[World, np.random.Generator], BattleState]


def _stochastic(method: int) -> Solver:
    def solve(world: World, rng: np.random.Generator) -> BattleState:
        s = new_state(world)
        run_stochastic(world_arrays(world), s, rng, method, world.step)
        return s

    return solve


def _python(advance) -> Solver:
    return lambda world, rng: run_python(world, advance)


SOLVERS: dict[str, Solver] = {
    "ode": _python(ode.advance),
    "closed_form": _python(closed.advance),
    "salvo": _python(salvo.advance),
    "ctmc": _stochastic(CTMC),
    "tau_leap": _stochastic(TAU_LEAP),
}
STOCHASTIC = {"ctmc", "tau_leap"}
