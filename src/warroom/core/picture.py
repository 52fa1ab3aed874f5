"""What a side knows of its enemies: a `Picture`, one row per enemy item (a force at the
aggregate scale, an entity at the tactical) it has seen or heard of.

The engines give each side what its own sensors establish now (`Engine.sightings`); with a
command network, reports carry those rows to headquarters and the side's picture is what has
arrived there, older and less certain. A controller sees a picture only: its arrays are
copies, so nothing in it leads back to the engine's state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit


@dataclass(frozen=True, eq=False, slots=True)
class Picture:
    """Rows of enemy items. `item`: the force (aggregate) or entity (tactical) index;
    `force`: its force; `strength`: members it holds (an entity: 1); `x`, `y`: where it was
    (nan at the aggregate scale; at the campaign scale `x` is the world's index, -1 on a
    lane, and `y` is nan); `t`: when it was seen; `sigma`: how uncertain the row is
    now (metres of position at the tactical scale, members of strength at the aggregate;
    it grows with age); `source`: the own force (aggregate) or entity (tactical) that saw it.
    A decoy is a row like any other until the side sees through it; then it is gone."""

    item: np.ndarray
    force: np.ndarray
    strength: np.ndarray
    x: np.ndarray
    y: np.ndarray
    t: np.ndarray
    sigma: np.ndarray
    source: np.ndarray

    def __len__(self) -> int:
        return len(self.item)

    @staticmethod
    def empty() -> Picture:
        f, i = np.zeros(0), np.zeros(0, np.int64)
        return Picture(i, i.copy(), f, f.copy(), f.copy(), f.copy(), f.copy(), i.copy())

    def take(self, rows: np.ndarray | slice) -> Picture:
        """The picture of the given rows (a mask, indices or a slice), copied."""
        return Picture(*(np.array(getattr(self, k)[rows]) for k in FIELDS))

    def per_force(self, n_forces: int) -> np.ndarray:
        """(F,) believed strength of each force (nan: nothing heard of it)."""
        out = np.zeros(n_forces)  # NumPy's own: an array numba made holds its allocator
        _per_force(np.asarray(self.force, np.int64), np.asarray(self.strength, np.float64),
                   out, np.zeros(n_forces, np.bool_))
        return out


@njit(cache=True, error_model="numpy")
def _per_force(force, strength, total, heard):
    """Into total (zeros): the sum of each force's rows, in row order (nan: none)."""
    n = total.shape[0]
    for k in range(force.shape[0]):
        f = force[k]
        if f < 0 or f >= n:
            raise ValueError("a picture's row names a force outside the battle")
        total[f] += strength[k]
        heard[f] = True
    for f in range(n):
        if not heard[f]:
            total[f] = np.nan


FIELDS = ("item", "force", "strength", "x", "y", "t", "sigma", "source")
