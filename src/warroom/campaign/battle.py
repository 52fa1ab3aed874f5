"""A battle where hostile fleets meet, resolved by the aggregate engine: the fleets present
(and a world's defences, as one more force of its owner) become the forces of one aggregate
scenario, every fleet fires at every enemy fleet with its kill rate under the campaign's law
and solver, a side that falls below its `breaks` share of its strength leaves, and the
battle lasts at most `days`. The campaign feeds the losses back into its fleets."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..results.result import Result

if TYPE_CHECKING:
    from ..aggregate.batch import Alone

LOST = 2  # the ledger's row of losses
SHAPES = 2048  # shapes a thread keeps compiled (a war meets a few hundred; an experiment more)


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
    (the same numbers as `simulate` of `battle_data` with this seed: the aggregate engine
    run from its reset to its end)."""
    import warroom.aggregate.engine  # noqa: F401  (registers the aggregate engine)

    from ..core.engine import engine_for, run
    from ..scenario import Scenario, scenario_hash, validate
    from ..world import compile_world

    sc = validate(battle_data(name, present, rules), f"<battle {name}>")
    assert isinstance(sc, Scenario)
    world, engine = compile_world(sc, seed), engine_for("aggregate")
    r = engine.result(world, run(engine, world, seed=seed), scenario_hash(sc))
    led = r.final_ledger()
    return np.array([led[p.id]["lost"] for p in present], float), r


class Battles:
    """Resolves battles fast and exactly as `resolve` does: the aggregate world of each shape
    of battle (how many on each side, who fires) is validated and compiled once per process,
    and each battle of that shape replaces only its strengths and rates before the aggregate
    engine fights it with the battle's seed (a stochastic solver's battles, many at once, in
    the aggregate package's compiled loop)."""

    def __init__(self, rules: Rules = Rules()):
        self.rules = rules
        import warroom.aggregate.engine  # noqa: F401  (registers the aggregate engine)

        from ..core.engine import engine_for

        self.engine = engine_for("aggregate")
        self.alone: Alone | None = None  # the compiled loop of the stochastic shapes met
        self.shape_of: dict[bytes, int] = {}  # a shape's index in it

    def fight(self, present: Sequence[Present], seed: int) -> tuple[np.ndarray, np.ndarray]:
        """Each one's losses (in the order given), and which sides (in order of first
        appearance) broke."""
        sides = list(dict.fromkeys(p.side for p in present))
        return self.fight_arrays(np.array([sides.index(p.side) for p in present]),
                                 np.array([p.strength for p in present], float),
                                 np.array([p.rate for p in present], float), seed)

    def fight_arrays(self, side: np.ndarray, strength: np.ndarray, rate: np.ndarray,
                     seed: int) -> tuple[np.ndarray, np.ndarray]:
        """`fight` of forces given as arrays: each one's side (0, 1, ... in order of first
        appearance), strength and kill rate."""
        lost, broken, _ = self.fight_many(side, strength, rate, np.array([0, len(side)]),
                                          np.array([seed], np.uint64))
        return lost, broken

    def fight_many(self, side: np.ndarray, strength: np.ndarray, rate: np.ndarray,
                   starts: np.ndarray, seeds: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Battles b = 0, 1, ... of forces starts[b]..starts[b+1]-1 of the arrays, each with
        its seed: each force's losses, whether each side broke (battle b's sides from
        side_starts[b]) and side_starts."""
        from dataclasses import replace

        # the order given is kept (it is the order of the pairs of fire, hence of the draws)
        bounds = list(zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True))
        cells = _cells(side, rate)
        keys = [cells[a:b].tobytes() for a, b in bounds]
        if _fast(self.rules.solver):
            from ..aggregate.batch import Alone

            if self.alone is None or len(self.shape_of) + len(keys) > SHAPES:
                self.alone, self.shape_of = Alone(self.rules.solver, self.rules.step), {}
            alone = self.alone
            ids = np.empty(len(keys), np.int64)
            for k, key in enumerate(keys):
                i = self.shape_of.get(key)
                if i is None:
                    i = self.shape_of[key] = alone.add(*_shape(self.rules, key))
                ids[k] = i
            return alone.fight(ids, starts, strength, rate, seeds)
        lost = np.empty(len(side))
        broken = []
        for (a, b), key, seed in zip(bounds, keys, seeds.tolist(), strict=True):
            w, order = _shape(self.rules, key)
            w = replace(w, x0=strength[a:b][order], pair_k=rate[a:b][order][w.pair_shooter])
            st = self.engine.reset(w, seed, 0)
            self.engine.advance(w, st, w.t_end)
            lost[a + order] = st.s.led[LOST]
            broken.append(st.s.side_broken.copy())
        side_starts = np.cumsum([0] + [len(x) for x in broken])
        return lost, np.concatenate(broken), side_starts


_LOCAL = threading.local()


def battles_for(rules: Rules) -> Battles:
    """This thread's `Battles` under these rules: its compiled shapes outlive a replication
    (each battle starts from its shape's reset, so none depends on those fought before it);
    one per thread, as each fight rewrites its shape's arrays."""
    mine = _LOCAL.__dict__.setdefault("battles", {})
    if rules not in mine:
        mine[rules] = Battles(rules)
    return mine[rules]


def shape_key(side, fires) -> bytes:
    """The shape of a battle whose force k is of side `side[k]` (0, 1, ... in order of first
    appearance) and fires or not (`fires[k]`)."""
    return _cells(np.asarray(side), np.asarray(fires, float)).tobytes()


def _cells(side: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Each force's cell of a shape's key: its side, and whether it fires."""
    return side.astype(np.int64) * 2 + (rate > 0)


@lru_cache(maxsize=2048)
def _shape(rules: Rules, key: bytes):
    """The compiled aggregate world of one shape of battle (`shape_key`): force k of its
    side, firing or not, unit strengths and rates."""
    from ..scenario import Scenario, validate
    from ..world import compile_world

    cells = np.frombuffer(key, np.int64).tolist()
    unit = [Present(f"p{k}", f"s{c // 2}", 1.0, float(c % 2)) for k, c in enumerate(cells)]
    sc = validate(battle_data("battle", unit, rules), "<battle>", trusted=True)
    assert isinstance(sc, Scenario)
    w = compile_world(sc, 0)
    # the compiled world lists forces side by side: `order[i]`, the one given as its force i
    return w, np.array([int(f[1:]) for f in w.force_ids])


def _fast(solver: str) -> bool:
    """Whether a battle can be fought by the aggregate package's compiled loop (`Alone`)."""
    from ..aggregate.registry import STOCHASTIC
    from ..rngfast import fast_streams_available

    return solver in STOCHASTIC and fast_streams_available()
