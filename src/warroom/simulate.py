"""`simulate`: the one entry point from a validated scenario to a `Result`."""

from __future__ import annotations

from .aggregate.registry import SOLVERS
from .results.result import Result
from .rng import stream
from .scenario import AnyScenario, TacticalScenario, scenario_hash
from .tactical.result import TacticalResult
from .world import compile_world


def simulate(scenario: AnyScenario, seed: int | None = None,
             replication: int = 0) -> Result | TacticalResult:
    """Run one battle. `seed` defaults to the scenario's; replication i of an experiment with
    the same seed gives the same battle as `simulate(scenario, seed, replication=i)`."""
    if isinstance(scenario, TacticalScenario):
        from .tactical.engine import Engine
        from .tactical.world import compile_tactical

        tw = compile_tactical(scenario, seed, replication=replication)
        run = Engine(tw, replication=replication).run()
        return TacticalResult(run, scenario_hash(scenario))
    world = compile_world(scenario, seed)
    rng = stream(world.seed, replication, "attrition")
    state = SOLVERS[world.solver](world, rng)
    return Result(world, state, world.seed, scenario_hash(scenario))
