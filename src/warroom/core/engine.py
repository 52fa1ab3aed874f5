"""The engine protocol every scale implements, the registry of engines by scale, and `run`,
the loop that advances an engine and lets each side's controller decide.

In the spirit of SimPy and Brax: an engine's state is one object, `advance` moves it forward
to a time (and can be called again to resume: pausing changes nothing), `observe` is what one
side can see, `apply` carries out an order. `run` advances to whichever comes first, the next
time a controller or a system asked to be woken or `until`, hands each due controller its
side's observation and applies the orders it returns; systems (per-force mechanics such as
fatigue) run in their explicit priority order at the same instants.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np

from .orders import Order

W = TypeVar("W")
S = TypeVar("S")
W_in = TypeVar("W_in", contravariant=True)


@dataclass(frozen=True, eq=False)
class Observation:
    """What side `side` knows at time t. Own forces are exact; enemy strengths are what this
    side's picture says (nan: unknown). `extra` holds scale-specific arrays (tactical: the
    enemy entities seen and where)."""

    t: float
    side: int
    force_side: np.ndarray  # (F,)
    strength: np.ndarray  # (F,)
    broken: np.ndarray  # (S,)
    ended: bool
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def own(self) -> np.ndarray:
        return np.flatnonzero(self.force_side == self.side)


@dataclass(frozen=True, eq=False)
class Forces:
    """Per-force state that mechanics read and change, the same at every scale: the ledger
    (arrived, withdrawn, lost), the modifiers (fire, movement, detection, obey) and which
    forces are fighting now. The arrays are the engine's own: writing them acts."""

    x0: np.ndarray
    ledger: np.ndarray  # (3, F)
    modifiers: np.ndarray  # (4, F)
    fighting: np.ndarray  # (F,) bool, read only
    force_side: np.ndarray

    @property
    def strength(self) -> np.ndarray:
        return self.x0 + self.ledger[0] - self.ledger[1] - self.ledger[2]


class Engine(Protocol[W_in, S]):
    scale: str

    def reset(self, world: W_in, seed: int, replication: int) -> S: ...
    def advance(self, world: W_in, state: S, until: float) -> None: ...
    def observe(self, world: W_in, state: S, side: int) -> Observation: ...
    def apply(self, world: W_in, state: S, order: Order) -> None: ...
    def time(self, state: S) -> float: ...
    def ended(self, state: S) -> bool: ...
    def forces(self, world: W_in, state: S) -> Forces: ...
    def n_sides(self, world: W_in) -> int: ...
    def log(self, world: W_in, state: S) -> tuple[np.ndarray, ...]:
        """The events logged so far, in logged order: (t, kind, subject, value) arrays."""
        ...


class Controller(Protocol):
    """Decides for one side: scripted doctrine, delayed command, an adaptive AI, an RL policy."""

    side: int

    def wake(self, t: float) -> float:
        """The next time (>= t) this controller wants to decide; inf: never again."""
        ...

    def decide(self, t: float, obs: Observation) -> list[Order]: ...


class System(Protocol):
    """A per-force mechanic `run` calls at the start and then every `period` (fatigue,
    morale, supply), before the controllers decide; `dt` is the time since its last call."""

    priority: int
    period: float

    def update(self, t: float, dt: float, forces: Forces) -> None: ...


ENGINES: dict[str, Callable[[], Engine[Any, Any]]] = {}


def register(scale: str) -> Callable[[type], type]:
    """Class decorator: the engine for worlds of `scale` (Brax's registry of environments)."""

    def add(cls: type) -> type:
        ENGINES[scale] = cls
        return cls

    return add


def engine_for(scale: str) -> Engine[Any, Any]:
    return ENGINES[scale]()


def run(engine: Engine[W, S], world: W, controllers: Sequence[Controller] = (),
        seed: int = 0, replication: int = 0, until: float = math.inf,
        systems: Sequence[System] = ()) -> S:
    """One battle from reset to `until` (or its end), with controllers and systems."""
    state = engine.reset(world, seed, replication)
    advance_with(engine, world, state, controllers, until, systems)
    return state


def advance_with(engine: Engine[W, S], world: W, state: S, controllers: Sequence[Controller],
                 until: float, systems: Sequence[System] = ()) -> None:
    """Advance `state` to `until` waking controllers and systems on the way."""
    t = engine.time(state)
    wakes = [c.wake(t) for c in controllers]
    ordered = sorted(systems, key=lambda s: s.priority)
    sys_next = [t] * len(ordered)  # every system runs at the start, then every period
    sys_last = [t] * len(ordered)
    while not engine.ended(state):
        t = engine.time(state)
        for k, sy in enumerate(ordered):
            if sys_next[k] <= t:
                sy.update(t, t - sys_last[k], engine.forces(world, state))
                sys_last[k] = t
                sys_next[k] = t + sy.period
        for k, c in enumerate(controllers):
            if wakes[k] <= t:
                for order in c.decide(t, engine.observe(world, state, c.side)):
                    engine.apply(world, state, order)
                wakes[k] = c.wake(math.nextafter(t, math.inf))
        if t >= until:
            return
        engine.advance(world, state, min([until, *wakes, *sys_next]))
