"""A million-entity tactical battle of drones and ground units, on 2 cores: 250,000 attack drones
and 250,000 infantry against 400,000 infantry and 100,000 air-defence vehicles, on a flat
3.2 x 3.2 km map, 160 m apart, for 20 one-second ticks (or --ticks). Prints the wall time,
agent-steps per second, the peak memory of the process and who is left.

Usage: python bench/million.py [--ticks 20] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import math
import resource
import time

import numpy as np

from warroom.scenario import validate
from warroom.tactical.engine import Battle
from warroom.tactical.world import compile_tactical


def scenario(scale: float) -> dict:
    side = 3200.0 * math.sqrt(scale)
    n = {k: int(v * scale) for k, v in (("drones", 250_000), ("blue_inf", 250_000),
                                         ("red_inf", 400_000), ("aa", 100_000))}
    gun = {"id": "rifle", "range": 3, "rate": 1, "accuracy": 0.3, "damage": {"soft": 1}}
    return {
        "version": 1, "scale": "tactical", "name": "million", "seed": 1,
        "clock": {"end": 1000, "step": 1, "unit": "second"},
        "map": {"cell": side / 256, "width": 256, "height": 256},
        "entity_types": [
            {"id": "drone", "role": "drone", "class": "air", "mobility": "air", "speed": 8,
             "hp": 1, "height": 60, "sensor": {"range": math.inf},
             "weapons": [{"id": "bomblet", "range": 4, "rate": 0.5, "accuracy": 0.5,
                          "damage": {"soft": 1, "armoured": 0.5}}]},
            {"id": "rifleman", "role": "infantry", "speed": 1.2, "hp": 2,
             "sensor": {"range": math.inf}, "weapons": [gun]},
            {"id": "aa-vehicle", "role": "vehicle", "class": "armoured", "mobility": "tracked",
             "speed": 3, "hp": 4, "armour": 0.2, "sensor": {"range": math.inf},
             "weapons": [{"id": "flak", "range": 40, "rate": 2, "accuracy": 0.2,
                          "damage": {"air": 1}}]}],
        "sides": [
            {"id": "blue", "forces": [
                {"id": "swarm", "type": "drone", "count": n["drones"],
                 "deploy": {"area": [side * 0.3, 0, side * 0.45, side]}},
                {"id": "blue-infantry", "type": "rifleman", "count": n["blue_inf"],
                 "deploy": {"area": [0, 0, side * 0.45, side]}}]},
            {"id": "red", "forces": [
                {"id": "red-infantry", "type": "rifleman", "count": n["red_inf"],
                 "deploy": {"area": [side * 0.5, 0, side, side]}},
                {"id": "air-defence", "type": "aa-vehicle", "count": n["aa"],
                 "deploy": {"area": [side * 0.6, 0, side, side]},
                 "targeting": {"rule": "priority", "priority": ["drone"], "spread": 2}}]}],
        "output": {"snapshot_every": 0},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ticks", type=int, default=20)
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args()
    t0 = time.perf_counter()
    world = compile_tactical(validate(scenario(a.scale)))
    engine = Battle(world, record=False)
    t1 = time.perf_counter()
    run = engine.run(a.ticks)
    t2 = time.perf_counter()
    alive = np.bincount(world.ent_type[engine.alive], minlength=world.n_types).tolist()
    left = dict(zip(world.type_ids, alive, strict=True))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"entities={world.n:,} ticks={run.ticks} setup_s={t1 - t0:.1f} "
          f"step_loop_s={t2 - t1:.1f} agent_steps_per_s={run.agent_steps / (t2 - t1):,.0f} "
          f"peak_rss_mib={peak:.0f} alive_by_type={left}")


if __name__ == "__main__":
    main()
