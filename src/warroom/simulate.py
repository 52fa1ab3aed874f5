"""`simulate`: the one entry point from a validated scenario to a `Result`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from .core import Controller, System, engine_for, run
from .core.collector import collector_held
from .results.result import Result
from .rng import stream
from .scenario import AnyScenario, TacticalScenario, scenario_hash
from .scenario.campaign import CampaignScenario
from .world import compile_world


def compile_scenario(scenario: AnyScenario, seed: int | None = None):
    """The compiled world of a scenario (what every replication shares) and its engine."""
    if isinstance(scenario, TacticalScenario):
        import warroom.tactical.engine  # noqa: F401  (registers the tactical engine)

        from .tactical.world import compile_tactical

        return compile_tactical(scenario, seed), engine_for("tactical")
    if isinstance(scenario, CampaignScenario):
        import warroom.campaign.engine  # noqa: F401  (registers the campaign engine)

        from .campaign.world import compile_campaign

        return compile_campaign(scenario, seed), engine_for("campaign")
    import warroom.aggregate.engine  # noqa: F401  (registers the aggregate engine)

    return compile_world(scenario, seed), engine_for("aggregate")


def simulate(scenario: AnyScenario, seed: int | None = None, replication: int = 0,
             controllers: Sequence[Controller] = (), systems: Sequence[System] = (),
             until: float = math.inf) -> Result:
    """Run one battle. `seed` defaults to the scenario's; replication i of an experiment with
    the same seed gives the same battle as `simulate(scenario, seed, replication=i)`.
    Controllers decide for their sides as it runs; systems (per-force mechanics) run in
    their priority order, with those the scenario declares (morale)."""
    world, engine = compile_scenario(scenario, seed)
    return battle(engine, world, world.seed, replication, scenario_hash(scenario), controllers,
                  systems, until)


def mechanics(world, seed: int, replication: int) -> list[System]:
    """The systems a compiled world declares, each with its own stream of the replication."""
    spec = getattr(world, "morale", None)
    if spec is None:
        return []
    if getattr(world, "solver", "") == "tactical":  # members are entities
        from .morale.members import MembersMorale

        return [MembersMorale(spec, stream(seed, replication, "morale"),
                              getattr(world, "morale_radius", None))]
    from .morale.system import Morale

    return [Morale(spec, getattr(world, "solver", "") in ("ctmc", "tau_leap"),
                   stream(seed, replication, "morale"))]


def command_for(world, seed: int, replication: int):
    """The command layer a compiled world declares (None: perfect command), with the
    replication's own `command` stream."""
    spec = getattr(world, "command", None)
    if spec is None:
        return None
    from .command import CommandLayer

    return CommandLayer(
        spec.net, spec.reporting, stream(seed, replication, "command"),
        np.asarray(world.force_side, np.int64), spec.n_items is not None,
        n_items=spec.n_items, item_speed=spec.item_speed, t0=world.t0, sample=spec.sample,
        jammers=spec.jammers)


def civilian_forces(world) -> np.ndarray:
    """(F,) the forces of civilian sides: harm to civilians is what they lost (killed; at
    the tactical scale evacuees who got away are withdrawn, not harmed)."""
    civil = getattr(world, "side_civil", None)
    if civil is None or not civil.any():
        return np.zeros(world.n_forces, bool)
    return civil[world.force_side]


def battle(engine, world, seed: int, replication: int, digest: str = "",
           controllers: Sequence[Controller] = (), systems: Sequence[System] = (),
           until: float = math.inf) -> Result:
    """One replication of a compiled world with its declared mechanics, as a `Result` with
    their tables (morale, cascade) and facts (the garbage collector waiting meanwhile, as
    it does while a battle runs: its events are tens of thousands of small objects)."""
    with collector_held():
        return _battle(engine, world, seed, replication, digest, controllers, systems, until)


def _battle(engine, world, seed: int, replication: int, digest: str,
            controllers: Sequence[Controller], systems: Sequence[System],
            until: float) -> Result:
    own: list[Any] = mechanics(world, seed, replication)
    cmd = command_for(world, seed, replication)
    from .world.doctrine import controllers as doctrine

    every = [*doctrine(getattr(world, "doctrine", ())), *controllers]
    state = run(engine, world, every, seed, replication, until, [*own, *systems], cmd)
    r = engine.result(world, state, digest)
    civil = civilian_forces(world)
    if civil.any():
        r = replace(r, facts={**r.facts,
                              "civilians_harmed": float(r.ledger[-1][2][civil].sum())})
    tabled = [*own, *([cmd] if cmd is not None else [])]
    if not tabled:
        return r
    base = r.extras

    def extras() -> dict:
        out = dict(base())
        for m in tabled:
            out.update(m.tables(world.force_ids, world.side_ids))
        return out

    facts = dict(r.facts)
    for m in tabled:
        facts.update(m.facts(world.side_ids))
    return replace(r, extras=extras, facts=facts)
