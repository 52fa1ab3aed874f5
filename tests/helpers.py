"""Small builders for scenarios in tests."""

from __future__ import annotations

import copy

from warroom.aggregate.registry import SOLVERS
from warroom.rng import stream
from warroom.scenario import validate
from warroom.world import compile_world


def duel(x0, y0, a, b, *, law="square", solver="ode", end=10.0, step=0.1, **extra):
    """Two sides of one force each: x (side blue) and y (side red); a = x on y, b = y on x."""
    eng = {"id": "duel", "law": law, "solver": solver,
           "fire": [{"shooter": "x", "target": "y", "rate": a},
                    {"shooter": "y", "target": "x", "rate": b}]}
    eng.update(extra.pop("engagement", {}))
    data = {
        "version": 1, "name": "duel", "seed": 1,
        "clock": {"start": 0, "end": end, "step": step, "unit": "day"},
        "sides": [{"id": "blue", "forces": [{"id": "x", "strength": x0}]},
                  {"id": "red", "forces": [{"id": "y", "strength": y0}]}],
        "engagements": [eng],
    }
    data.update(extra)
    return validate(copy.deepcopy(data))


def replicate(scenario, n, seed=0):
    """Final state of n replications: (strength[n, F], end_time[n], winner index[n])."""
    import numpy as np

    world = compile_world(scenario, seed)
    finals, ends = [], []
    for i in range(n):
        s = SOLVERS[world.solver](world, stream(seed, i, "attrition"))
        k = int(s.scal[4]) - 1
        led = s.rec_led[k]
        finals.append(world.x0 + led[0] - led[1] - led[2])
        ends.append(s.rec_t[k])
    return np.array(finals), np.array(ends)
