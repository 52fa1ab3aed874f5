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
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

import numpy as np

from .codes import ARRIVED, WITHDRAWN
from .collector import collector_held
from .events import EventKind
from .orders import Order, issued_at
from .picture import Picture

W = TypeVar("W")
S = TypeVar("S")
W_in = TypeVar("W_in", contravariant=True)


@dataclass(frozen=True, eq=False, slots=True)
class Observation:
    """What side `side` knows at time t, and nothing else: it holds copies, never the
    engine's arrays, so a controller cannot reach the battle through it. Own forces are
    exact (`strength`, `order_t`: when the last order each received was issued, nan: none);
    of the enemy only the `picture` (what this side's sensors see now, or with a command
    network what reports have brought to its headquarters) and `strength`, the picture's
    sum per force (nan: nothing heard of it); `broken`: which sides have broken off (known to
    all: a side that leaves the field is seen to). `pleas`: (force, time) rows of own forces
    that called for help and were heard; `intercepts`: enemy orders this side read (a tap on
    the enemy's network) and when. `extra`: scale-specific arrays of own forces."""

    t: float
    side: int
    force_side: np.ndarray  # (F,)
    strength: np.ndarray  # (F,)
    broken: np.ndarray  # (S,)
    ended: bool
    picture: Picture = field(default_factory=Picture.empty)
    order_t: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (F,)
    pleas: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # (P, 2)
    intercepts: tuple[tuple[float, Order], ...] = ()  # (when read, the enemy's order)
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def own(self) -> np.ndarray:
        return np.flatnonzero(self.force_side == self.side)

    def believing(self, picture: Picture, order_t: np.ndarray, pleas: np.ndarray,
                  intercepts: tuple[tuple[float, Order], ...] | None = None) -> Observation:
        """This observation with another picture of the enemy (a command network's), and
        the enemy orders read (None: as they were)."""
        own = self.force_side == self.side
        strength = picture.per_force(len(self.strength))
        strength[own] = self.strength[own]
        return replace(self, strength=strength, picture=picture, order_t=order_t,
                       pleas=pleas, intercepts=self.intercepts if intercepts is None
                       else intercepts)


@dataclass(frozen=True, eq=False)
class Members:
    """Per-member state for mechanics that act on individuals (tactical entities), the same
    role `Forces` plays per force. Read only: each member's force, side, whether it is in the
    battle, where it is, its hit points (`hp`: at or below 0, killed) and whether it leads its
    force (`leader`: officers and commanders). The engine's own, writing them acts: `morale`
    (a state code of `warroom.morale.rule.STATES`), the fire and movement multipliers `fire`
    and `movement` (1: as the force), `order` (-1: the force's orders; a manoeuvre code of
    `core.codes` otherwise, FLEE included) and `defect` (members to move to `defect_to`, their
    force's defectors; the engine carries it out, logs it and clears the flag), and `known`
    ((S, M): the members each side's headquarters believes in; a command layer writes it, and
    fire beyond a shooter's own sight takes only those; all True: perfect information)."""

    force: np.ndarray  # (M,) int64
    side: np.ndarray  # (M,) int64
    alive: np.ndarray  # (M,) bool
    x: np.ndarray
    y: np.ndarray
    morale: np.ndarray  # (M,) int8
    fire: np.ndarray  # (M,) float
    movement: np.ndarray  # (M,) float
    order: np.ndarray  # (M,) int64
    defect: np.ndarray  # (M,) bool
    hp: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (M,) read only
    leader: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # (M,) read only
    known: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))  # (S, M)


@dataclass(frozen=True, eq=False)
class Forces:
    """Per-force state that mechanics read and change, the same at every scale: the ledger
    (arrived, withdrawn, lost), which forces are fighting now and how many of each changed
    sides (`defected`, counted within withdrawn), read only; the modifiers (fire, movement,
    detection, obey) and `transfers`, the engine's own arrays: writing them acts.

    transfers[i, j] asks the engine to move that many members of force i to force j (a
    defection: withdrawn from i, arrived at j, `defected` of i), or, in the last column
    (j = F), to take them out of the fight as surrendered (lost); the engine carries out
    what the force has, logs it and zeroes the request. `place`: where each force is, where
    the scale has places a report names (campaign: its world; -1 on a lane)."""

    x0: np.ndarray
    ledger: np.ndarray  # (3, F)
    modifiers: np.ndarray  # (4, F)
    fighting: np.ndarray  # (F,) bool, read only
    force_side: np.ndarray
    defected: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (F,), read only
    transfers: np.ndarray = field(default_factory=lambda: np.zeros((0, 1)))  # (F, F + 1)
    members: Members | None = None  # at a scale of individuals
    place: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (F,) campaign: world

    @property
    def strength(self) -> np.ndarray:
        return self.x0 + self.ledger[0] - self.ledger[1] - self.ledger[2]


def book_defection(led: np.ndarray, defected: np.ndarray, leaves: np.ndarray, i: int, j: int,
                   n: float, log: Callable[[int, int, float], None]) -> None:
    """The books of n members of force i going over to force j (`Forces.transfers`), the
    same at every scale: withdrawn from i and counted `defected` there, arrived at j, and
    withdrawn again from j where its members go home as they come (`leaves[j]`);
    `log(kind, subject, value)` records the events."""
    led[WITHDRAWN, i] += n
    led[ARRIVED, j] += n
    defected[i] += n
    log(int(EventKind.defected), i, n)
    log(int(EventKind.joined), j, n)
    if leaves[j]:
        led[WITHDRAWN, j] += n
        log(int(EventKind.went_home), j, n)


def read_only(a: np.ndarray) -> np.ndarray:
    """A view of an engine's array that a mechanic or a controller cannot write through."""
    v = a.view()
    v.flags.writeable = False
    return v


class Engine(Protocol[W_in, S]):
    scale: str

    def reset(self, world: W_in, seed: int, replication: int) -> S: ...
    def advance(self, world: W_in, state: S, until: float) -> None: ...
    def observe(self, world: W_in, state: S, side: int) -> Observation:
        """Own forces exactly and, as the picture, this side's `sightings` now."""
        ...
    def sightings(self, world: W_in, state: S, side: int) -> Picture:
        """What side `side`'s own sensors establish now (the rows its forces would report),
        each row's `source` the own force or entity that saw it."""
        ...
    def apply(self, world: W_in, state: S, order: Order) -> None: ...
    def settles(self, world: W_in, state: S, t: float) -> float:
        """The first time >= t at which what the command layer delivers can change the
        battle: t itself for an engine of continuous time, the next step for one that only
        changes in steps (a campaign's days), so the layer is heard once a step."""
        ...
    def changed(self, world: W_in, state: S) -> None:
        """Systems changed the modifiers or asked for transfers: carry the transfers out and
        drop whatever was drawn or integrated ahead."""
        ...
    def time(self, state: S) -> float: ...
    def ended(self, state: S) -> bool: ...
    def forces(self, world: W_in, state: S) -> Forces: ...
    def n_sides(self, world: W_in) -> int: ...
    def log(self, world: W_in, state: S) -> tuple[np.ndarray, ...]:
        """The events logged so far, in logged order: (t, kind, subject, value) arrays."""
        ...

    def result(self, world: W_in, state: S, scenario_hash: str = "") -> Any:
        """The battle so far as a `warroom.Result` (built outside the core, at the edge)."""
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


class Systems:
    """Systems in their explicit order (priority, then as listed), with their schedule: each
    runs when the battle starts and then every `period`. The schedule lives here, so a battle
    advanced in pieces (several `advance_with` calls) runs its systems when one call would."""

    def __init__(self, systems: Sequence[System] = ()):
        self.items = sorted(systems, key=lambda s: s.priority)
        self.next: list[float] | None = None
        self.last: list[float] = []

    def next_time(self) -> float:
        """When a system is next due: at once if they have not started, never if none."""
        if not self.items:
            return math.inf
        return min(self.next) if self.next is not None else -math.inf

    def run_due(self, t: float, forces: Forces) -> bool:
        """Run the systems due at t; True if they changed a modifier."""
        if self.next is None:
            self.next, self.last = [t] * len(self.items), [t] * len(self.items)
        due = [k for k, tk in enumerate(self.next) if tk <= t]
        if not due:
            return False
        before = forces.modifiers.copy()
        for k in due:
            self.items[k].update(t, t - self.last[k], forces)
            self.last[k] = t
            self.next[k] = t + self.items[k].period
        asked = bool(forces.transfers.any()) or (
            forces.members is not None and bool(forces.members.defect.any()))
        return asked or not np.array_equal(before, forces.modifiers)


class Command(Protocol):
    """How orders and reports travel (`warroom.command`): orders a controller gives are
    sent, and carried out when they arrive; what the sides see is reported, and what has
    arrived is each side's picture."""

    def next_time(self) -> float:
        """When something is next due (a delivery, a report); after `step(t)`, later than t."""
        ...

    def step(self, t: float, sightings: Callable[[int], Picture], forces: Forces,
             horizon: float = math.inf) -> list[Order]:
        """Deliver what is due by t, send the reports due at t; the orders that arrived.
        `horizon`: nothing else is sent before then (no controller or system is due), so
        what travels until then can be worked out ahead."""
        ...

    def send(self, t: float, side: int, orders: Sequence[Order]) -> list[Order]:
        """Orders given at t: those to carry out at once (a side without a network)."""
        ...

    def observe(self, obs: Observation) -> Observation: ...


class Direct:
    """Perfect command: orders take effect as they are given and a side's picture is what its
    sensors see now. The default where a scenario declares no command network."""

    def __init__(self, n_forces: int):
        self.order_t = np.full(n_forces, np.nan)

    def next_time(self) -> float:
        return math.inf

    def step(self, t: float, sightings: Callable[[int], Picture], forces: Forces,
             horizon: float = math.inf) -> list[Order]:
        return []

    def send(self, t: float, side: int, orders: Sequence[Order]) -> list[Order]:
        out = [issued_at(o, t) for o in orders]
        for o in out:
            if 0 <= o.force < len(self.order_t):
                self.order_t[o.force] = o.issued
        return out

    def observe(self, obs: Observation) -> Observation:
        return replace(obs, order_t=np.where(obs.force_side == obs.side, self.order_t, np.nan))


def run(engine: Engine[W, S], world: W, controllers: Sequence[Controller] = (),
        seed: int = 0, replication: int = 0, until: float = math.inf,
        systems: Sequence[System] | Systems = (), command: Command | None = None) -> S:
    """One battle from reset to `until` (or its end), with controllers and systems."""
    state = engine.reset(world, seed, replication)
    advance_with(engine, world, state, controllers, until, systems, command)
    return state


def advance_with(engine: Engine[W, S], world: W, state: S, controllers: Sequence[Controller],
                 until: float, systems: Sequence[System] | Systems = (),
                 command: Command | None = None) -> None:
    """Advance `state` to `until` waking controllers, systems and the command network on the
    way. Give the same `Systems` and `command` to every call when advancing in pieces. The
    engine hears of a change only when the systems changed a modifier or asked for a
    transfer, so a system that changes nothing leaves the battle as it was. The cyclic
    garbage collector waits meanwhile (`collector`)."""
    with collector_held():
        _advance_with(engine, world, state, controllers, until, systems, command)


def _advance_with(engine: Engine[W, S], world: W, state: S, controllers: Sequence[Controller],
                  until: float, systems: Sequence[System] | Systems,
                  command: Command | None) -> None:
    sched = systems if isinstance(systems, Systems) else Systems(systems)
    cmd = command if command is not None else Direct(engine.forces(world, state).x0.shape[0])
    t = engine.time(state)
    wakes = [c.wake(t) for c in controllers]

    def seen(side: int) -> Picture:
        return engine.sightings(world, state, side)

    while not engine.ended(state):
        t = engine.time(state)
        if sched.next_time() <= t and sched.run_due(t, engine.forces(world, state)):
            engine.changed(world, state)
        if engine.settles(world, state, cmd.next_time()) <= t:
            horizon = min([until, *wakes, sched.next_time()])
            for order in cmd.step(t, seen, engine.forces(world, state), horizon):
                engine.apply(world, state, order)
        # controllers of one side due at once share its observation while no order
        # given in between was carried out (what they see is the same)
        seen_by: dict[int, Observation] = {}
        for k, c in enumerate(controllers):
            if wakes[k] <= t:
                obs = seen_by.get(c.side)
                if obs is None:
                    obs = seen_by[c.side] = cmd.observe(engine.observe(world, state, c.side))
                for order in cmd.send(t, c.side, c.decide(t, obs)):
                    engine.apply(world, state, order)
                    seen_by.clear()
                wakes[k] = c.wake(math.nextafter(t, math.inf))
        if t >= until:
            return
        heard = cmd.next_time()
        if math.isfinite(heard):
            heard = engine.settles(world, state, heard)
        engine.advance(world, state, min([until, *wakes, sched.next_time(), heard]))
