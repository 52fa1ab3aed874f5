"""Builders of small tactical scenarios for the tests."""

from __future__ import annotations

import copy

import numpy as np

from warroom.scenario import validate
from warroom.tactical.engine import Battle
from warroom.tactical.world import compile_tactical


def soldier(id="soldier", *, weapons=None, speed=0.0, hp=1.0, sensor=None, **extra):
    t = {"id": id, "role": "infantry", "speed": speed, "hp": hp, "suppression": 1.0,
         "sensor": sensor or {"range": float("inf")}, "weapons": weapons or []}
    t.update(extra)
    return t


def scenario(types, blue, red, *, size=(100, 100), cell=1.0, end=100, step=1.0, **extra):
    data = {"version": 1, "scale": "tactical", "name": "t", "seed": 1,
            "clock": {"start": 0, "end": end, "step": step, "unit": "second"},
            "map": {"cell": cell, "width": size[0], "height": size[1]},
            "entity_types": types,
            "sides": [{"id": "blue", "forces": blue}, {"id": "red", "forces": red}],
            "output": {"snapshot_every": 0}}
    for k, v in extra.items():
        data[k] = v
    return validate(copy.deepcopy(data))


def final_alive(sc, seed, replication=0, ticks=None):
    """Entities alive per side after `ticks` (or the end), for one replication."""
    world = compile_tactical(sc, seed)
    eng = Battle(world, seed, replication, record=False)
    eng.run(ticks)
    return np.bincount(world.ent_side[eng.alive], minlength=2), eng


def run_dry(eng):
    """Run the engine to the end, checking after every tick that no one stands in water."""
    r = eng.w.raster
    water = r.class_ids.index("water")
    while eng.step():
        rows = np.minimum((eng.y / r.cell).astype(int), r.shape[0] - 1)
        cols = np.minimum((eng.x / r.cell).astype(int), r.shape[1] - 1)
        assert not (r.terrain[rows, cols] == water).any()  # nobody ever wades in
