"""The aggregate engine: forces as numbers under an attrition law, one of five solvers, behind
the core's engine protocol (reset, advance to a time and pause, observe, apply an order)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.codes import (
    ALLOC_FIXED,
    ALLOC_PRIORITY,
    ALLOCATIONS,
    ARRIVED,
    LOST,
    OBEY,
    UNRANKED,
    WITHDRAWN,
)
from ..core.engine import Forces, Observation, book_defection, read_only, register
from ..core.events import EventKind
from ..core.orders import Order, OrderError, OrderKind
from ..core.picture import Picture
from ..core.sides import fighting
from ..results.result import Result
from ..rng import stream
from ..world.compile import World, alloc_code
from . import closed, ode, salvo
from .driver import Advance, advance_python
from .result import aggregate_result
from .schedule import log, record, record_grid_at, record_grid_before, resolve
from .state import (
    ENDED,
    N_EV,
    N_REC,
    NEXT_STOP,
    PENDING,
    BattleState,
    T,
    WorldArrays,
    event_room,
    new_state,
    reserve_events,
    world_arrays,
)
from .stochastic import CTMC, TAU_LEAP, advance_stochastic

PYTHON: dict[str, Advance] = {"ode": ode.advance, "closed_form": closed.advance,
                              "salvo": salvo.advance}
STOCHASTIC = {"ctmc": CTMC, "tau_leap": TAU_LEAP}
SOLVER_NAMES = (*PYTHON, *STOCHASTIC)
K_ORDER = int(EventKind.order_given)
K_REFUSED = int(EventKind.order_refused)
K_ENG_ON = int(EventKind.engagement_began)
K_ENG_OFF = int(EventKind.engagement_ended)
K_SURRENDERED = int(EventKind.surrendered)
K_SET_OUT = int(EventKind.set_out)
K_ARRIVED = int(EventKind.arrived)


@dataclass
class AggregateState:
    s: BattleState
    w: WorldArrays
    rng: np.random.Generator
    seed: int
    replication: int
    cont: Any = None  # the python solver's continuation inside the current stretch
    # where each force is (-1: on its way), where it set out from and when, where it is
    # going, and when it arrives
    place: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    depart: np.ndarray = field(default_factory=lambda: np.zeros(0))
    origin: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    dest: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    arrive: np.ndarray = field(default_factory=lambda: np.zeros(0))


@register("aggregate")
class AggregateEngine:
    scale = "aggregate"

    def reset(self, world: World, seed: int, replication: int) -> AggregateState:
        place = world.force_place.copy()
        st = AggregateState(new_state(world), world_arrays(world),
                            stream(seed, replication, "attrition"), seed, replication,
                            place=place, origin=place.copy(), dest=place.copy(),
                            arrive=np.full(world.n_forces, np.inf),
                            depart=np.full(world.n_forces, world.t0))
        on = _present(world, st)
        st.s.eng_set[world.eng_place >= 0] = on[world.eng_place >= 0]
        return st

    def advance(self, world: World, state: AggregateState, until: float) -> None:
        """To `until`, stopping where forces reach a place (engagements there open)."""
        while not self.ended(state) and (nxt := float(state.arrive.min(initial=np.inf))) <= until:
            self._advance(world, state, nxt)
            if self.time(state) >= nxt:
                _arrive(world, state)
        self._advance(world, state, until)

    def _advance(self, world: World, state: AggregateState, until: float) -> None:
        if self.ended(state):
            return
        state.s = reserve_events(state.s, event_room(world))
        if world.solver in STOCHASTIC:
            advance_stochastic(state.w, state.s, state.rng, STOCHASTIC[world.solver],
                               world.step, float(until))
        else:
            state.cont = advance_python(world, state.w, state.s, PYTHON[world.solver],
                                        float(until), state.cont)

    def time(self, state: AggregateState) -> float:
        return float(state.s.scal[T])

    def ended(self, state: AggregateState) -> bool:
        return bool(state.s.scal[ENDED])

    def n_sides(self, world: World) -> int:
        return world.n_sides

    def forces(self, world: World, state: AggregateState) -> Forces:
        s = state.s
        fights = fighting(s.commit, s.side_broken, world.force_side, np.zeros(world.n_forces, bool))
        return Forces(read_only(world.x0), read_only(s.led), s.mod, read_only(fights),
                      read_only(world.force_side), read_only(s.defected), s.transfers)

    def log(self, world: World, state: AggregateState) -> tuple[np.ndarray, ...]:
        s, n = state.s, int(state.s.scal[N_EV])
        return s.ev_t[:n], s.ev_kind[:n], s.ev_subj[:n], s.ev_val[:n]

    def observe(self, world: World, state: AggregateState, side: int) -> Observation:
        s = state.s
        x = np.maximum(world.x0 + s.led[0] - s.led[1] - s.led[2], 0.0)
        own = world.force_side == side
        obs = Observation(self.time(state), side, world.force_side.copy(),
                          np.where(own, x, np.nan), s.side_broken.copy(), self.ended(state),
                          extra={"committed": np.where(own, s.commit, False),
                                 "place": np.where(own, state.place, -1),
                                 "going": np.where(own & (state.place < 0), state.dest, -1)})
        return obs.believing(self.sightings(world, state, side), obs.order_t, obs.pleas)

    def sightings(self, world: World, state: AggregateState, side: int) -> Picture:
        """The enemy forces that this side's fighting forces meet in an open engagement
        (either shooting at them or shot by them), at their strength now; `source`: the own
        force that meets each (the first, by index)."""
        s, w = state.s, state.w
        fights = fighting(s.commit, s.side_broken, world.force_side,
                          np.zeros(world.n_forces, bool))
        on = s.eng_on[w.pair_eng] & fights[w.pair_shooter] & fights[w.pair_target]
        mine = world.force_side[w.pair_shooter] == side
        theirs = world.force_side[w.pair_target] == side
        enemy = np.concatenate([w.pair_target[on & mine & ~theirs],
                                w.pair_shooter[on & theirs & ~mine]])
        source = np.concatenate([w.pair_shooter[on & mine & ~theirs],
                                 w.pair_target[on & theirs & ~mine]])
        if not len(enemy):
            return Picture.empty()
        # one row per enemy force, seen by its lowest-numbered own force
        order = np.lexsort((source, enemy))
        enemy, source = enemy[order], source[order]
        first = np.r_[True, enemy[1:] != enemy[:-1]]
        enemy, source = enemy[first], source[first]
        x = np.maximum(world.x0[enemy] + s.led[0, enemy] - s.led[1, enemy] - s.led[2, enemy],
                       0.0)
        n = len(enemy)
        return Picture(enemy.astype(np.int64), enemy.astype(np.int64), x, np.full(n, np.nan),
                       np.full(n, np.nan), np.full(n, self.time(state)), np.zeros(n),
                       source.astype(np.int64))

    def settles(self, world: World, state: AggregateState, t: float) -> float:
        return t  # what arrives between two instants can change the battle at once

    def changed(self, world: World, state: AggregateState) -> None:
        """A mechanic changed the modifiers or asked for transfers: carry them out; what the
        solver drew or integrated ahead under the old state no longer holds."""
        _before_change(world, state)
        if state.s.transfers.any():
            state.s = reserve_events(state.s, event_room(world) + 2 * int(
                np.count_nonzero(state.s.transfers)))
            _transfer(world, state)
        _after_change(world, state)

    def apply(self, world: World, state: AggregateState, order: Order) -> None:
        _check(world, order)
        s = state.s = reserve_events(state.s, event_room(world) + 4 + len(world.eng_ids))
        t, f, kind = float(s.scal[T]), order.force, order.kind
        if kind not in (OrderKind.engage, OrderKind.disengage) and s.mod[OBEY, f] < 0.5:
            log(s, t, K_REFUSED, f, float(kind))
            return
        if kind is OrderKind.move and state.place[f] < 0 and state.dest[f] < 0:
            raise OrderError(f"move: {world.force_ids[f]} is at no place (places.start)")
        _before_change(world, state)
        if kind in (OrderKind.commit, OrderKind.hold_back):
            s.commit[f] = kind is OrderKind.commit
            log(s, t, K_ORDER, f, float(kind))
        elif kind in (OrderKind.engage, OrderKind.disengage):
            _switch(s, t, order.engagement, kind is OrderKind.engage)
        elif kind is OrderKind.move:
            log(s, t, K_ORDER, f, float(kind))
            if order.place in (state.place[f], state.dest[f]):  # there, or on its way there
                _after_change(world, state)
                return
            p = order.place
            if state.place[f] >= 0:
                state.origin[f], state.depart[f] = state.place[f], t
                state.arrive[f] = t + world.travel[state.place[f], p]
            else:  # turned on the way: back through where it set out, or on through its goal
                back = t - state.depart[f] + world.travel[state.origin[f], p]
                on = state.arrive[f] - t + world.travel[state.dest[f], p]
                state.arrive[f] = t + min(back, on)
            state.place[f], state.dest[f] = -1, p
            log(s, t, K_SET_OUT, f, float(order.place))
            _presence(world, state)
            if state.arrive[f] <= t:
                _after_change(world, state)
                _arrive(world, state)
                return
        elif kind is OrderKind.withdraw:
            have = max(float(world.x0[f] + s.led[0, f] - s.led[WITHDRAWN, f] - s.led[LOST, f]),
                       0.0)
            take = have if order.amount is None else min(float(order.amount), have)
            if world.solver in STOCHASTIC:
                take = float(np.floor(take))  # whole units
            s.led[WITHDRAWN, f] += take
            if take >= have:
                s.force_alive[f] = False  # withdrawn, not annihilated
            log(s, t, K_ORDER, f, float(kind))
            resolve(state.w, s, t)
        else:
            _allocate(world, s, f, order)
            log(s, t, K_ORDER, f, float(kind))
        _after_change(world, state)

    def result(self, world: World, state: AggregateState, scenario_hash: str = "") -> Result:
        return aggregate_result(world, state.s, state.seed, scenario_hash)


def _present(world: World, state: AggregateState) -> np.ndarray:
    """(E,) engagements at a place with every force of their fire there (so that no pair of
    an open engagement fires from elsewhere)."""
    w, place = state.w, state.place
    at = world.eng_place[w.pair_eng]
    away = (place[w.pair_shooter] != at) | (place[w.pair_target] != at)
    on = world.eng_place >= 0
    on[w.pair_eng[away]] = False
    return on


def _presence(world: World, state: AggregateState) -> None:
    """Open and close the engagements at places as forces come and go."""
    s, t = state.s, float(state.s.scal[T])
    on = _present(world, state)
    for e in np.flatnonzero(world.eng_place >= 0):
        _switch(s, t, int(e), bool(on[e]))


def _switch(s: BattleState, t: float, e: int, on: bool) -> None:
    """Engagement e open (or closed) from now on, whatever its schedule; logged if it
    changes."""
    s.eng_set[e] = int(on)
    if bool(s.eng_on[e]) != on:
        log(s, t, K_ENG_ON if on else K_ENG_OFF, e, 0.0)
    s.eng_on[e] = on


def _arrive(world: World, state: AggregateState) -> None:
    """Forces whose time has come reach their place."""
    t = float(state.s.scal[T])
    due = np.flatnonzero(state.arrive <= t)
    if not len(due):
        return
    state.s = reserve_events(state.s, event_room(world) + 2 * len(due) + len(world.eng_ids))
    _before_change(world, state)
    for f in due:
        state.place[f], state.arrive[f] = state.dest[f], np.inf
        log(state.s, t, K_ARRIVED, int(f), float(state.dest[f]))
    _presence(world, state)
    _after_change(world, state)


def _check(world: World, order: Order) -> None:
    """Refuse an order the engine cannot carry out, before anything changes."""
    kind, f = order.kind, order.force
    if kind in (OrderKind.engage, OrderKind.disengage):
        if not 0 <= order.engagement < len(world.eng_ids):
            raise OrderError(f"no engagement {order.engagement}")
        if world.eng_place[order.engagement] >= 0:
            raise OrderError(f"engagement {world.eng_ids[order.engagement]} is at a place: it "
                             "opens while its forces are there (move them)")
        return
    if kind not in (OrderKind.commit, OrderKind.hold_back, OrderKind.withdraw,
                    OrderKind.allocate, OrderKind.move):
        raise OrderError(f"an aggregate battle takes no '{kind.name}' order")
    if not 0 <= f < world.n_forces:
        raise OrderError(f"no force {f}")
    if kind is OrderKind.move and not 0 <= order.place < len(world.place_ids):
        raise OrderError(f"move: no place {order.place} (the scenario has "
                         f"{len(world.place_ids)} places)")
    if kind is OrderKind.withdraw and order.amount is not None and not (
            math.isfinite(order.amount) and order.amount >= 0):
        raise OrderError(f"withdraw: expected an amount >= 0, found {order.amount}")
    if kind is OrderKind.allocate:
        if order.rule not in ALLOCATIONS:
            raise OrderError(f"allocation rule '{order.rule}': expected one of "
                             + ", ".join(ALLOCATIONS))
        targets = set(world.pair_target[world.pair_shooter == f].tolist())
        stray = sorted(set(order.weights) - targets)
        if stray:
            raise OrderError(f"allocate: {world.force_ids[f]} does not fire at force(s) "
                             f"{stray}")
        if order.rule == "fixed" and not any(
                math.isfinite(v) and v > 0 for v in order.weights.values()):
            raise OrderError("allocate: a fixed allocation needs a share > 0 for at least one "
                             "target")
        if any(not math.isfinite(v) or v < 0 for v in order.weights.values()):
            raise OrderError("allocate: shares and ranks must be finite and >= 0")


def _before_change(world: World, state: AggregateState) -> None:
    """Record what happened before the change, with the state as it was."""
    s = state.s
    if isinstance(state.cont, ode.Stretch):
        ode.settle(world, state.w, s, state.cont)
    record_grid_before(state.w, s, s.scal[T])


def _after_change(world: World, state: AggregateState) -> None:
    """A drawn event time or an integration under way no longer holds; the recording time at
    this instant, if it is one, shows the changed state (a stop due now records it itself)."""
    s = state.s
    state.cont = None
    s.scal[PENDING] = math.nan
    k = int(s.scal[NEXT_STOP])
    if k >= len(world.stops) or world.stops[k] > s.scal[T]:
        record_grid_at(state.w, s, s.scal[T])
    n = int(s.scal[N_REC])
    if n and s.rec_t[n - 1] == s.scal[T]:  # recorded at this instant already: show the change
        record(state.w, s, s.scal[T])


def _transfer(world: World, state: AggregateState) -> None:
    """Move members as the systems asked (whole members under a stochastic solver), never
    more than a force has; defectors are withdrawn from one force and arrive at another."""
    s = state.s
    t, F = float(s.scal[T]), world.n_forces
    whole = world.solver in STOCHASTIC
    for i, j in zip(*np.nonzero(s.transfers), strict=True):
        have = max(float(world.x0[i] + s.led[ARRIVED, i] - s.led[WITHDRAWN, i]
                         - s.led[LOST, i]), 0.0)
        take = min(max(float(s.transfers[i, j]), 0.0), have)
        if whole:
            take = float(np.floor(take + 1e-9))
        if take <= 0.0:
            continue
        if j == F:
            s.led[LOST, i] += take
            log(s, t, K_SURRENDERED, int(i), take)
        else:
            book_defection(s.led, s.defected, world.force_leaves, int(i), int(j), take,
                           lambda kind, subj, val: log(s, t, kind, subj, val))
            if not world.force_leaves[j]:
                s.force_alive[j] = True
        if take >= have:
            s.force_alive[i] = False  # gone over or given up, not annihilated
    s.transfers[:] = 0.0
    resolve(state.w, s, t)


def _allocate(world: World, s: BattleState, f: int, order: Order) -> None:
    mine = np.flatnonzero(world.pair_shooter == f)
    per_group = np.bincount(world.pair_group[mine])
    for i in mine:
        if per_group[world.pair_group[i]] == 1:
            continue  # a single target takes all the fire whatever the rule
        tgt = int(world.pair_target[i])
        s.alloc[i] = alloc_code(str(order.rule), world.pair_p[i])
        if s.alloc[i] == ALLOC_PRIORITY:
            s.rank[i] = int(order.weights.get(tgt, UNRANKED))
        elif s.alloc[i] == ALLOC_FIXED:
            s.share[i] = float(order.weights.get(tgt, 0.0))


def solve(world: World, seed: int, replication: int = 0) -> BattleState:
    """One whole battle with no controller: the state at its end."""
    eng = AggregateEngine()
    st = eng.reset(world, seed, replication)
    eng.advance(world, st, math.inf)
    return st.s


__all__ = ["N_EV", "SOLVER_NAMES", "AggregateEngine", "AggregateState", "solve"]
