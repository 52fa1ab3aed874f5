"""The fleets at the end of their routes this step, in one compiled pass (every step asks):
the raiders at their goal, who turn back, and those whose order ends where they stand."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def arrivals(live, hop, length, world, mode, goal, raid, stands, stand):
    """Fleets alive at a world with their route done: into stand, those whose mode `stands`
    marks (they stand there); returned, in order, those in mode `raid` at their goal."""
    n = 0
    for f in range(live.shape[0]):
        done = live[f] and hop[f] >= length[f] and world[f] >= 0
        stand[f] = done and stands[mode[f]]
        if done and mode[f] == raid and world[f] == goal[f]:
            n += 1
    out = np.empty(n, np.int64)
    n = 0
    for f in range(live.shape[0]):
        if live[f] and hop[f] >= length[f] and world[f] >= 0 and mode[f] == raid \
                and world[f] == goal[f]:
            out[n] = f
            n += 1
    return out
