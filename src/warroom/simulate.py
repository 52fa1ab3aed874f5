"""`simulate`: the one entry point from a validated scenario to a `Result`."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .core import Controller, System, engine_for, run
from .results.result import Result
from .scenario import AnyScenario, TacticalScenario, scenario_hash
from .world import compile_world


def compile_scenario(scenario: AnyScenario, seed: int | None = None):
    """The compiled world of a scenario (what every replication shares) and its engine."""
    if isinstance(scenario, TacticalScenario):
        import warroom.tactical.engine  # noqa: F401  (registers the tactical engine)

        from .tactical.world import compile_tactical

        return compile_tactical(scenario, seed), engine_for("tactical")
    import warroom.aggregate.engine  # noqa: F401  (registers the aggregate engine)

    return compile_world(scenario, seed), engine_for("aggregate")


def simulate(scenario: AnyScenario, seed: int | None = None, replication: int = 0,
             controllers: Sequence[Controller] = (), systems: Sequence[System] = (),
             until: float = math.inf) -> Result:
    """Run one battle. `seed` defaults to the scenario's; replication i of an experiment with
    the same seed gives the same battle as `simulate(scenario, seed, replication=i)`.
    Controllers decide for their sides as it runs; systems (per-force mechanics) run in
    their priority order."""
    world, engine = compile_scenario(scenario, seed)
    state = run(engine, world, controllers, world.seed, replication, until, systems)
    return engine.result(world, state, scenario_hash(scenario))
