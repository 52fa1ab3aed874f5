"""`simulate`: the one entry point from a validated scenario to a `Result`."""

from __future__ import annotations

from .aggregate.registry import SOLVERS
from .results.result import Result
from .rng import stream
from .scenario import Scenario, scenario_hash
from .world import compile_world


def simulate(scenario: Scenario, seed: int | None = None, replication: int = 0) -> Result:
    """Run one battle. `seed` defaults to the scenario's; replication i of an experiment with
    the same seed gives the same battle as `simulate(scenario, seed, replication=i)`."""
    world = compile_world(scenario, seed)
    rng = stream(world.seed, replication, "attrition")
    state = SOLVERS[world.solver](world, rng)
    return Result(world, state, world.seed, scenario_hash(scenario))
