"""What compiling a tactical world once per experiment saves: replications per second of the
bundled ridge_road on its own 20 m raster and on the same ground at a finer cell (the map's
extent kept, more cells), where building the raster and the travel-cost fields towards the
fixed objectives costs more than a battle. Uses only the public API, so it runs against any
warroom on PYTHONPATH (compare two trees: PYTHONPATH=<tree>/src python bench/static_world.py).

Usage: python bench/static_world.py [--n 6] [--cells 20 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import time

import warroom
from warroom.experiment import experiment
from warroom.scenario import validate


def at_cell(data: dict, cell: float) -> dict:
    d = copy.deepcopy(data)
    m = d["map"]
    width_m, height_m = m["cell"] * m["width"], m["cell"] * m["height"]
    m["cell"], m["width"], m["height"] = cell, round(width_m / cell), round(height_m / cell)
    return d


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--cells", type=float, nargs="+", default=[20.0, 5.0])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    base = warroom.load_scenario("scenarios/ridge_road.yaml").model_dump(
        mode="json", by_alias=True, exclude_none=True)
    for cell in a.cells:
        sc = validate(at_cell(base, cell), "ridge_road.yaml")
        experiment(sc, 1, seed=1)  # compiled kernels loaded
        best = min(_timed(sc, a.n) for _ in range(a.repeat))
        print(f"cell={cell:g} reps_per_s={a.n / best:.3f}")


def _timed(sc, n: int) -> float:
    t = time.perf_counter()
    experiment(sc, n, seed=1)
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
