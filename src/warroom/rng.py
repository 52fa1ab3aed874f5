"""The one RNG family: `numpy.random.Generator` (PCG64) from `SeedSequence`.

Replication i of an experiment with seed S is the i-th child of SeedSequence(S); each purpose
(attrition, movement, detection, ...) is a fixed-numbered child of that, so adding a purpose never
shifts the streams of the others, and replication i can be re-run alone. `warroom run --seed S` is
replication 0.
"""

from __future__ import annotations

import numpy as np

PURPOSES = {"attrition": 0, "movement": 1, "detection": 2, "morale": 3, "command": 4,
            "campaign": 5, "validation": 6,
            "deployment": 7, "targeting": 8}


def stream(seed: int, replication: int, purpose: str) -> np.random.Generator:
    ss = np.random.SeedSequence(seed, spawn_key=(replication, PURPOSES[purpose]))
    return np.random.Generator(np.random.PCG64(ss))
