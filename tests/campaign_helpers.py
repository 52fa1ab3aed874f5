"""Hand-made campaigns for the tests: a line of worlds a - b - c - d - e (and more lanes where
a test needs them), two sides, scripted orders."""

from __future__ import annotations

import copy

from warroom.core import engine_for
from warroom.scenario import validate
from warroom.simulate import compile_scenario

BASE = {
    "version": 1, "scale": "campaign", "name": "line", "seed": 3,
    "clock": {"end": 60, "step": 1},
    "theater": {"worlds": [{"id": w, "x": i} for i, w in enumerate("abcde")],
                "lanes": [["a", "b", 5], ["b", "c", 5], ["c", "d", 5], ["d", "e", 5]]},
    "ships": [{"id": "line", "rate": 0.1, "cripple": 0.5}],
    "sides": [
        {"id": "blue", "members": [{"id": "b1", "home": "a", "fleets": [
            {"id": "g", "count": 1, "at": "a", "ships": {"line": 50}}]}]},
        {"id": "red", "members": [{"id": "r1", "home": "e", "fleets": [
            {"id": "h", "count": 1, "at": "e", "ships": {"line": 40}}]}]}],
}


def campaign(**changes) -> dict:
    d = copy.deepcopy(BASE)
    d.update(copy.deepcopy(changes))
    return d


def started(d: dict, seed: int | None = None, replication: int = 0):
    """(world, engine, state) of the campaign at its start."""
    world, engine = compile_scenario(validate(d, "<campaign>"), seed)
    assert engine is engine_for("campaign") or engine.scale == "campaign"
    return world, engine, engine.reset(world, world.seed, replication)
