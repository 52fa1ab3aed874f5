"""The peers' combat model "front" (../shared/peers/README.md) as a warroom tactical scenario.

N entities, half per side, on a square of side sqrt(N) metres (density 1); side 0 starts in the
left half, side 1 in the right half. Every tick each entity takes the nearest living enemy
(sensors see the whole map); within 2 m it fires once (hit probability 0.3, one damage, 3 hit
points), otherwise it moves min(0.5 m, distance) towards it. Synchronous update, as the NumPy
reference does. Used by `bench/front.py` and by the test that compares outcomes with the peer.
"""

from __future__ import annotations

import math


def front_scenario(n: int, seed: int = 12345, steps: int = 20) -> dict:
    side = math.sqrt(n)
    cells = 64
    return {
        "version": 1, "scale": "tactical", "name": f"front-{n}", "seed": seed,
        "description": "The peers' benchmark model 'front' (../shared/peers/README.md).",
        "clock": {"start": 0, "end": steps, "step": 1, "unit": "second"},
        "map": {"cell": side / cells, "width": cells, "height": cells},
        "entity_types": [{
            "id": "trooper", "role": "infantry", "speed": 0.5, "hp": 3, "suppression": 1.0,
            "sensor": {"range": math.inf},
            "weapons": [{"id": "gun", "range": 2, "rate": 1, "accuracy": 0.3,
                         "damage": {"soft": 1}}]}],
        "sides": [
            {"id": "left", "forces": [{"id": "left-troops", "type": "trooper", "count": n // 2,
                                        "deploy": {"area": [0, 0, side / 2, side]}}]},
            {"id": "right", "forces": [{"id": "right-troops", "type": "trooper",
                                         "count": n - n // 2,
                                         "deploy": {"area": [side / 2, 0, side, side]}}]}],
        "output": {"snapshot_every": 0},
    }
