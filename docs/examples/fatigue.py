"""A per-force mechanic in one file: fatigue lowers a force's fire effectiveness for as long as
it fights, at any scale. Run it with `warroom.simulate(scenario, systems=[Fatigue(...)])`."""

import math

import numpy as np

from warroom.core.codes import FIRE


class Fatigue:
    """Each fighting force's fire modifier decays by `rate` per unit of time (never below
    `floor`); `sides` limits it to some sides (all by default)."""

    priority = 10  # systems run in priority order, lowest first
    period = 1.0  # in the scenario's time unit

    def __init__(self, rate: float, floor: float = 0.2, sides: set[int] | None = None):
        self.rate, self.floor, self.sides = rate, floor, sides

    def update(self, t: float, dt: float, forces) -> None:
        tired = forces.fighting.copy()
        if self.sides is not None:
            tired &= np.isin(forces.force_side, list(self.sides))
        fire = forces.modifiers[FIRE]
        fire[tired] = np.maximum(fire[tired] * math.exp(-self.rate * dt), self.floor)
