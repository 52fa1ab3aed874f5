"""A battle where hostile fleets meet, resolved by the aggregate engine: the fleets present
(and a world's defences, as one more force of its owner) become the forces of one aggregate
scenario, every fleet fires at every enemy fleet with its kill rate under the campaign's law
and solver, a side that falls below its `breaks` share of its strength leaves, and the
battle lasts at most `days`. The campaign feeds the losses back into its fleets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..results.result import Result


@dataclass(frozen=True)
class Rules:
    law: str = "square"
    solver: str = "ctmc"
    days: float = 3.0  # the longest a battle lasts
    step: float = 0.25  # its recording step
    breaks: float = 0.5  # a side leaves below this share of what it brought


@dataclass(frozen=True)
class Present:
    """A fleet (or a world's defences) in the battle: its id, side, strength and kill rate
    (enemy ships removed per ship per day, split over the enemy fleets by their strength)."""

    id: str
    side: str
    strength: float
    rate: float


def battle_data(name: str, present: Sequence[Present], rules: Rules = Rules()) -> dict:
    """The aggregate scenario of one battle (plain data, as a scenario file would give)."""
    sides = list(dict.fromkeys(p.side for p in present))
    if len(sides) < 2:
        raise ValueError(f"battle {name}: a battle needs two sides, found {sides}")
    fire = [{"shooter": a.id, "target": b.id, "rate": a.rate}
            for a in present for b in present if a.side != b.side and a.rate > 0]
    return {
        "version": 1, "name": name, "seed": 0,
        "clock": {"start": 0, "end": rules.days, "step": rules.step, "unit": "day"},
        "sides": [{"id": s, "forces": [{"id": p.id, "strength": p.strength}
                                       for p in present if p.side == s],
                   "breakpoints": [{"kind": "strength", "below": rules.breaks}]}
                  for s in sides],
        "engagements": [{"id": "battle", "law": rules.law, "solver": rules.solver,
                         "fire": fire}],
    }


def resolve(name: str, present: Sequence[Present], seed: int, rules: Rules = Rules()
            ) -> tuple[np.ndarray, Result]:
    """Fight it out: each one's losses (in the order given) and the aggregate `Result`
    (the same numbers as `simulate` of `battle_data` with this seed)."""
    from ..scenario import validate
    from ..simulate import simulate

    r = simulate(validate(battle_data(name, present, rules), f"<battle {name}>"), seed=seed)
    led = r.final_ledger()
    return np.array([led[p.id]["lost"] for p in present], float), r
