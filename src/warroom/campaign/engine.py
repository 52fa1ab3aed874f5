"""The campaign engine: fleets of sides' members on a theater of worlds, advanced step by step
(a day), behind the core's engine protocol like the aggregate and tactical engines (reset,
advance to a time and pause, observe, apply an order).

Each step, in this order: fleets due enter (a member builds one only while its will holds
and its home is its own); scripted orders fall due; fleets move along their routes;
interceptions on lanes are fought; at every world where hostile fleets (or a world's
defences) meet, the battle is fought by the aggregate engine (`battle.Battles`), losses
cripple or destroy ships, a fleet below its share is destroyed, a broken side goes back
whence it came; raiders turn back; a member whose home is attacked may take its fleets home
against orders; sieges progress and worlds are taken or laid waste; docks repair; supply
lines are worked out; members' will is updated. Orders are checked against the council.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from ..core.engine import Forces, Observation, read_only, register
from ..core.events import EventKind
from ..core.orders import Order, OrderError, OrderKind
from ..core.picture import Picture
from ..rng import stream
from ..theater import Paths, paths_of
from . import alliance
from .arrivals import arrivals
from .battle import Battles, battles_for
from .fleets import ON_LANE, Fleets
from .holdings import holdings
from .lineup import lineup, meetings, waylaid
from .movement import interception
from .settle import settle
from .sight import own_state, sighted
from .supply import supplied
from .world import LEAVE, CampaignWorld

IDLE, MOVE, RAID, CONQUER, DESTROY, HOME, LEAVING, INTERCEPT, RALLY, RETREAT = range(10)
MODES = ("idle", "move", "raid", "conquer", "destroy", "home", "leaving", "intercept", "rally",
         "retreat")
GOAL_OF = {OrderKind.move: MOVE, OrderKind.raid: RAID, OrderKind.conquer: CONQUER,
           OrderKind.destroy: DESTROY, OrderKind.rally: RALLY}
OFFENSIVE = frozenset((OrderKind.raid, OrderKind.conquer, OrderKind.destroy))
ORDERS = frozenset((*GOAL_OF, OrderKind.home, OrderKind.intercept, OrderKind.hold))
STANDS = np.isin(np.arange(len(MODES)), (MOVE, HOME, LEAVING, RETREAT, INTERCEPT))  # on arrival
BESIEGES = np.isin(np.arange(len(MODES)), (CONQUER, DESTROY))
FIRE = 0
ARRIVED, WITHDRAWN, LOST = range(3)
RECORD_EVERY = 7.0  # days between the rows of the per-member series
K = EventKind
GIVEN, REFUSED = int(K.order_given), int(K.order_refused)  # tens of thousands a war


@dataclass
class CampaignState:
    t: float
    rng: np.random.Generator
    fleets: Fleets
    ships: np.ndarray
    crippled: np.ndarray
    entered: np.ndarray
    gone: np.ndarray  # destroyed, or never built
    mode: np.ndarray
    goal: np.ndarray
    came: np.ndarray
    owner: np.ndarray
    wmember: np.ndarray
    wdef: np.ndarray
    razed: np.ndarray
    siege: np.ndarray
    ledger: np.ndarray  # (3, F) ships: arrived (and repaired), withdrawn, out of action
    destroyed_ships: np.ndarray  # (F,)
    modifiers: np.ndarray
    supply: np.ndarray  # (F,) effectiveness from supply
    next_supply: np.ndarray  # (S,)
    member_lost: np.ndarray  # fleets destroyed, per member
    member_fielded: np.ndarray  # fleets that entered, per member
    threatened: np.ndarray  # (M,) bool
    will: np.ndarray  # (M,)
    lost_by_mode: np.ndarray  # (S, modes) fleets destroyed, by what they were doing
    ambushes: list = field(default_factory=list)  # (t, interceptor, target, u, v, length)
    waits: list = field(default_factory=list)  # (until, interceptor): its target comes to it
    next_order: int = 0
    steps: int = 0  # steps done: the state is that of time t0 + steps x step (or t_end)
    ended: bool = False
    ev: list = field(default_factory=list)  # (t, kind, subject, value)
    battles: list = field(default_factory=list)
    owner_log: list = field(default_factory=list)  # (t, world, was, is, razed, by)
    series: list = field(default_factory=list)  # (t, fleets, ships, lost, ledger) per member
    positions: list = field(default_factory=list)  # (t, fleets alive, x, y) at each record
    next_record: float = 0.0
    at_milestone: dict = field(default_factory=dict)
    paths: Paths = field(default=None)  # type: ignore[assignment]
    battles_of: Battles = field(default=None)  # type: ignore[assignment]
    # entered and not gone, kept as they change (read many times a step, changed rarely)
    live: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    seen: dict = field(default_factory=dict)  # (side, t) -> its sightings this step
    # (world, target, its route's count, t) -> where an interceptor from there meets it
    meets: dict = field(default_factory=dict)
    verdicts: tuple = field(default_factory=lambda: (None, {}))  # (will, side -> refuses)
    place: tuple = (-1, None)  # (steps, where each fleet is then: `CampaignEngine.forces`)

    @property
    def alive(self) -> np.ndarray:
        """(F,) bool: fleets entered and not gone (a read-only view of `live`)."""
        return read_only(self.live)

    def lives(self, f: int) -> bool:
        """Whether fleet f is alive."""
        return bool(self.live[f])


@register("campaign")
class CampaignEngine:
    scale = "campaign"

    def reset(self, world: CampaignWorld, seed: int, replication: int) -> CampaignState:
        F, S, M = world.n_forces, world.n_sides, len(world.member_ids)
        st = CampaignState(
            world.t0, stream(seed, replication, "campaign"),
            Fleets(world.fleet_side, world.fleet_world), np.zeros(F), np.zeros(F),
            np.zeros(F, bool), np.zeros(F, bool), np.zeros(F, np.int8),
            np.full(F, -1, np.int64), world.fleet_world.copy(), world.world_owner.copy(),
            world.world_member.copy(), world.world_def.copy(), np.zeros(world.theater.n, bool),
            np.zeros(world.theater.n), np.zeros((3, F)), np.zeros(F), np.ones((4, F)),
            np.ones(F), np.where(np.isfinite(world.supply[:, 0]), world.t0, np.inf),
            np.zeros(M), np.zeros(M), np.zeros(M, bool), np.ones(M),
            np.zeros((S, len(MODES))), next_record=world.t0)
        st.live = np.zeros(F, bool)
        st.paths = paths_of(world.theater)
        st.battles_of = battles_for(world.rules)
        self._enter(world, st)
        self._supply(world, st)
        self._record(world, st)
        return st

    # the protocol

    def advance(self, world: CampaignWorld, state: CampaignState, until: float) -> None:
        end = min(until, world.t_end)
        last = math.ceil((world.t_end - world.t0) / world.step - 1e-9)
        while not state.ended and state.steps < last:
            g = _grid(world, state.steps + 1)
            if g > end:
                break
            state.steps += 1
            self._step(world, state, g)
        # between steps only the clock moves: advancing in pieces is one advance
        state.t = max(state.t, end)
        if state.t >= world.t_end and not state.ended:
            state.ended = True
            self._record(world, state)
            state.ev.append((state.t, int(K.battle_ended), -1, 0.0))

    def time(self, state: CampaignState) -> float:
        return state.t

    def ended(self, state: CampaignState) -> bool:
        return state.ended

    def n_sides(self, world: CampaignWorld) -> int:
        return world.n_sides

    def forces(self, world: CampaignWorld, state: CampaignState) -> Forces:
        # fleets move, enter and are destroyed only within a step: where they are stands
        # between steps, and the command layer and mechanics ask several times a step
        steps, place = state.place
        if steps != state.steps:
            place = read_only(np.where(state.live, state.fleets.world, -1).astype(float))
            state.place = (state.steps, place)
        return Forces(world.fleet_x0, state.ledger, state.modifiers, read_only(state.live),
                      world.fleet_side, place=place)

    def settles(self, world: CampaignWorld, state: CampaignState, t: float) -> float:
        """The next step at or after t: between steps nothing an order or a report brings
        can change the war, so the command layer is heard once a step."""
        if not math.isfinite(t) or t <= state.t:
            return t
        k = max(state.steps, math.ceil((t - world.t0) / world.step - 1e-9))
        # never before t: a message due a hair after a step is heard at the next one
        # (heard at the step itself, it would not yet be due, and the run would stand still)
        return _grid(world, k) if _grid(world, k) >= t else _grid(world, k + 1)

    def changed(self, world: CampaignWorld, state: CampaignState) -> None:
        pass  # nothing is drawn or integrated ahead: the next step reads the modifiers

    def log(self, world: CampaignWorld, state: CampaignState) -> tuple[np.ndarray, ...]:
        ev = state.ev
        return (np.array([e[0] for e in ev], float), np.array([e[1] for e in ev], np.int64),
                np.array([e[2] for e in ev], np.int64), np.array([e[3] for e in ev], float))

    def sightings(self, world: CampaignWorld, state: CampaignState, side: int) -> Picture:
        """Enemy fleets at worlds where the side has a fleet or that it holds (space between
        worlds is too vast to watch); a row's source is an own fleet there (-1: the world).
        Orders change none of it: a step's sightings are worked out once per side."""
        kept = state.seen.get((side, state.t))
        if kept is None:
            kept = state.seen[(side, state.t)] = self._sightings(world, state, side)
        return kept.take(slice(None))

    def _sightings(self, world: CampaignWorld, state: CampaignState, side: int) -> Picture:
        where = state.fleets.world
        watcher = np.full(world.theater.n, -1, np.int64)
        foe = np.empty(world.n_forces, np.int64)
        n = sighted(state.live, where, world.fleet_side, world.fleet_foe[side], state.owner,
                    side, watcher, foe)
        foe = foe[:n]
        return Picture(foe, foe.copy(), state.ships[foe],
                       where[foe].astype(float), np.full(n, np.nan), np.full(n, state.t),
                       np.zeros(n), watcher[where[foe]])

    def observe(self, world: CampaignWorld, state: CampaignState, side: int) -> Observation:
        own = world.fleet_own[side]
        pic = self.sightings(world, state, side)
        F = world.n_forces
        strength = np.zeros(F)  # own fleets are never in the picture
        place, going, mode = np.empty(F, np.int64), np.empty(F, np.int64), \
            np.empty(F, state.mode.dtype)
        ships, crippled, supply = np.empty(F), np.empty(F), np.empty(F)
        own_state(pic.force, pic.strength, own, state.live, state.fleets.world, state.goal,
                  state.mode, state.ships, state.crippled, state.supply, strength,
                  np.zeros(F, np.bool_), place, going, mode, ships, crippled, supply)
        member_mine = world.member_side == side
        extra = {"place": place, "going": going, "mode": mode, "ships": ships,
                 "crippled": crippled, "supply": supply,
                 "member": world.fleet_member.copy(), "alive": own & state.live,
                 "will": np.where(member_mine, state.will, np.nan),
                 "owner": state.owner.copy(), "defences": state.wdef.copy()}
        broken = np.zeros(world.n_sides, bool)
        return Observation(state.t, side, world.fleet_side.copy(), strength, broken,
                           state.ended, pic, extra=extra)

    def apply(self, world: CampaignWorld, state: CampaignState, order: Order) -> None:
        f = order.force
        if not 0 <= f < world.n_forces:
            raise OrderError(f"no fleet {f}: the campaign has {world.n_forces}")
        if order.kind not in ORDERS:
            raise OrderError(f"a fleet cannot be ordered to {order.kind.name}")
        if not state.lives(f):
            return
        kind = order.kind
        if state.mode[f] == LEAVING or (kind in OFFENSIVE and self._refuses(
                world, state, int(world.fleet_side[f]))):
            state.ev.append((state.t, REFUSED, f, float(kind)))
            return
        state.ev.append((state.t, GIVEN, f, float(kind)))
        if kind is OrderKind.hold:
            state.fleets.stop(f)
            state.mode[f], state.goal[f] = IDLE, -1
        elif kind is OrderKind.home:
            self._go(world, state, f, int(world.member_home[world.fleet_member[f]]), HOME)
        elif kind is OrderKind.intercept:
            self._intercept(world, state, f, order.target)
        else:
            self._go(world, state, f, order.place, GOAL_OF[kind])

    def _refuses(self, world: CampaignWorld, state: CampaignState, side: int) -> bool:
        """The council's answer to an offensive of `side`, asked once per side while the
        members' will stands (orders come in the tens of thousands, the will once a step; a
        new will is a new array, never one changed in place)."""
        will, told = state.verdicts
        if will is not state.will:
            told = {}
            state.verdicts = (state.will, told)
        no = told.get(side)
        if no is None:
            no = told[side] = alliance.refuses(world.council, world.side_alliance,
                                               world.member_side, state.will, side)
        return no

    def result(self, world: CampaignWorld, state: CampaignState, scenario_hash: str = ""):
        from .result import campaign_result

        return campaign_result(world, state, scenario_hash)

    # movement

    def _go(self, world: CampaignWorld, state: CampaignState, f: int, goal: int,
            mode: int) -> bool:
        """Send fleet f to `goal` the quickest way (from the world ahead if it is on a
        lane); False where no lane leads there."""
        if not 0 <= goal < world.theater.n:
            raise OrderError(f"no world {goal}: the theater has {world.theater.n}")
        start, t_start = state.fleets.heading(f)
        here = state.fleets.world[f] != ON_LANE
        path, times = state.paths.way(start, goal, state.t if here else t_start)
        if not len(path):
            return False
        if here:
            state.came[f] = start
        state.fleets.send(f, path, times)
        state.mode[f], state.goal[f] = mode, goal
        return True

    def _intercept(self, world: CampaignWorld, state: CampaignState, f: int, target: int):
        """Send f where it meets `target` on its way, if it can get there in time."""
        fl = state.fleets
        if not (0 <= target < world.n_forces and state.lives(target)) \
                or fl.world[f] == ON_LANE or fl.hop[target] >= fl.length[target]:
            return
        here, n = int(fl.world[f]), int(fl.length[target])
        # a group sent together asks the same: the answer stands while its route does
        key = (here, target, int(fl.routed[target]), state.t)
        meet = state.meets.get(key, self)
        if meet is self:
            k0 = int(fl.hop[target]) - 1
            meet = state.meets[key] = interception(
                world.theater, fl.rw[target, k0:n].tolist(), fl.rt[target, k0:n], here,
                state.t, state.paths.tree(here)[0])
        if meet is None:
            return
        if meet.u == meet.v or meet.fraction <= 0:
            self._go(world, state, f, meet.u, INTERCEPT)  # wait for it there
            return
        if self._go(world, state, f, meet.v, INTERCEPT):
            state.ambushes.append((meet.t, f, target, meet.u, meet.v, n))

    def _enter(self, world: CampaignWorld, state: CampaignState) -> None:
        due = ~state.entered & ~state.gone & (world.fleet_arrive <= state.t)
        if not due.any():
            return
        built = due & world.fleet_built
        if built.any():
            m = world.fleet_member[built]
            home = world.member_home[m]
            ok = (state.will[m] >= world.will[m, 4]) & (state.owner[home] == world.member_side[m])
            idx = np.flatnonzero(built)
            state.gone[idx[~ok]] = True  # never built
            due &= ~state.gone
        idx = np.flatnonzero(due)
        state.entered[idx] = True
        state.live[idx] = True
        state.ships[idx] = world.fleet_ships[idx]
        late = idx[world.fleet_arrive[idx] > world.t0]
        state.ledger[ARRIVED, late] += world.fleet_ships[late]
        np.add.at(state.member_fielded, world.fleet_member[idx], 1.0)

    # one step

    def _step(self, world: CampaignWorld, st: CampaignState, t1: float) -> None:
        st.seen.clear()
        st.meets.clear()
        self._scripted(world, st)
        dt = t1 - _grid(world, st.steps - 1)
        st.t = t1
        self._enter(world, st)
        passed = st.fleets.advance(t1)
        self._ambushes(world, st)
        self._waylaid(world, st, passed)
        self._battles(world, st)
        self._arrivals(world, st)
        self._holdings(world, st, dt)
        self._supply(world, st)
        # a new array: the council's answers are kept for the will they were given
        st.will = alliance.will(world.will, st.member_lost, st.member_fielded, st.threatened,
                                alliance.years(st.t, world.t0))
        self._record(world, st)

    def _scripted(self, world: CampaignWorld, st: CampaignState) -> None:
        """The scenario's orders due by now, given as the step starts."""
        while st.next_order < len(world.orders) and world.orders[st.next_order][0] <= st.t:
            t_o, fleets, do, w = world.orders[st.next_order]
            st.next_order += 1
            kind = OrderKind.hold if do == "hold" else OrderKind[do]
            for f in fleets:
                self.apply(world, st, Order(kind, force=int(f), place=int(w), issued=t_o))

    def _arrivals(self, world: CampaignWorld, st: CampaignState) -> None:
        """Fleets at the end of their routes: raiders turn back, the rest stand."""
        fl = st.fleets
        stand = np.empty(world.n_forces, bool)  # found before the raiders turn back
        raid = arrivals(st.live, fl.hop, fl.length, fl.world, st.mode, st.goal, RAID, STANDS,
                        stand)
        for f in raid.tolist():
            back = int(st.came[f])
            if back == st.fleets.world[f] or not self._go(world, st, int(f), back, RETREAT):
                st.mode[f] = IDLE
        # interceptors wait for their target (on the lane, then where the lane leads it)
        st.waits = [w for w in st.waits if w[0] >= st.t]
        stand[[a[1] for a in st.ambushes] + [w[1] for w in st.waits]] = False
        st.mode[stand] = IDLE

    def _ambushes(self, world: CampaignWorld, st: CampaignState) -> None:
        """Interceptions on lanes falling due: the target, if still on the lane it was to
        be met on, and the fleets of its side on that lane with it (its column), against
        the interceptors that reached the lane's far end."""
        due = [a for a in st.ambushes if a[0] <= st.t]
        st.ambushes = [a for a in st.ambushes if a[0] > st.t]
        by_target: dict[int, list] = {}
        for a in due:
            by_target.setdefault(a[2], []).append(a)
        fl = st.fleets
        for target, group in by_target.items():
            _, _, _, u, v, n = group[0]
            k = int(fl.hop[target])
            on_it = (st.lives(target) and fl.world[target] == ON_LANE and fl.length[target] == n
                     and fl.rw[target, k - 1] == u and fl.rw[target, k] == v)
            hunters = [a[1] for a in group if st.lives(a[1]) and fl.world[a[1]] == v]
            if on_it and hunters:
                a, b, _ = fl.lanes(st.t)
                column = np.flatnonzero(st.live & (fl.world == ON_LANE) & (a == u) & (b == v)
                                        & (world.fleet_side == world.fleet_side[target]))
                self._fight(world, st, np.array([*column, *hunters], np.int64), u, v)
                if st.lives(target) and fl.world[target] == ON_LANE:
                    # it goes on to v, where they stand: they wait for it there
                    st.waits += [(float(fl.rt[target, k]), h) for h in hunters if st.lives(h)]

    def _waylaid(self, world: CampaignWorld, st: CampaignState, passed) -> None:
        """Fleets that passed, this step, a world where hostile interceptors wait for them:
        fought there (those that stopped at it meet them in `_battles`), batch by batch
        (`lineup.waylaid`)."""
        if not len(passed[0]):
            return
        fleets, sizes, worlds, batch = waylaid(
            passed[0], passed[1], st.live, st.fleets.world, st.mode, world.fleet_side,
            world.hostile, INTERCEPT, world.theater.n)
        if not len(sizes):
            return
        starts = np.concatenate([[0], np.cumsum(sizes)])
        cut = np.flatnonzero(np.diff(batch)) + 1
        for j0, j1 in zip([0, *cut.tolist()], [*cut.tolist(), len(sizes)], strict=True):
            u = worlds[j0:j1]
            self._fight_arrays(world, st, fleets[starts[j0]:starts[j1]], sizes[j0:j1], u, u)

    def _battles(self, world: CampaignWorld, st: CampaignState) -> None:
        there, hit, fleets, sizes, threat = meetings(
            st.live, st.fleets.world, st.ships, world.fleet_side, st.owner, st.wdef,
            world.hostile, world.foe_pairs, world.member_home, world.member_side,
            world.theater.n)
        if not there:
            return
        self._homes_attacked(world, st, threat)
        if len(hit):
            self._fight_arrays(world, st, fleets, sizes, hit, hit)

    def _fight(self, world: CampaignWorld, st: CampaignState, fleets: np.ndarray, u: int,
               v: int) -> None:
        """One battle of these fleets at world u (u == v) or on the lane u - v."""
        self._fight_all(world, st, [(fleets, u, v)])

    def _fight_all(self, world: CampaignWorld, st: CampaignState, meetings: list) -> None:
        """Battles of (fleets, u, v), each at world u (u == v) or on the lane u - v, no fleet
        in two: fought in one call, each with its own seed, and settled in the order given."""
        if not meetings:
            return
        self._fight_arrays(world, st, np.concatenate([m[0] for m in meetings]),
                           np.array([len(m[0]) for m in meetings], np.int64),
                           np.array([m[1] for m in meetings], np.int64),
                           np.array([m[2] for m in meetings], np.int64))

    def _fight_arrays(self, world: CampaignWorld, st: CampaignState, fleets: np.ndarray,
                      sizes: np.ndarray, u: np.ndarray, v: np.ndarray) -> None:
        """`_fight_all` of battles b of `sizes[b]` of the fleets in turn, at u[b] - v[b]."""
        wdef = st.wdef
        # side by side: battles of the same numbers on each side share one compiled shape
        (fleets, rows, row_side, row_code, battle_of, gun_owner, gun_code, n_of, first_row,
         starts, code, strength, fire, is_fleet) = lineup(
            np.asarray(fleets, np.int64), sizes, u, v, world.fleet_side, world.label_code,
            world.hostile, st.owner, wdef, st.ships, world.fleet_rate, st.modifiers[FIRE],
            st.supply, world.world_rate)
        if not len(battle_of):
            return
        seeds = st.rng.integers(2**63, size=len(battle_of))
        lost, broken, side_starts = st.battles_of.fight_many(code, strength, fire, starts, seeds)
        table, tally, kinds, values, fled = settle(
            fleets, rows, row_side, row_code, gun_owner, gun_code, n_of, first_row, starts,
            u[battle_of], v[battle_of], lost, broken, side_starts, st.ships, st.crippled,
            st.ledger[LOST], st.destroyed_ships, world.fleet_cripple, world.fleet_ships,
            world.destroyed_below, wdef, st.gone, st.live, st.fleets.world, st.fleets.length,
            st.fleets.hop, st.fleets.routed, st.mode, st.lost_by_mode, world.fleet_side,
            world.fleet_member, st.member_lost, st.came, int(K.battle), int(K.fleet_destroyed))
        w, to, side, count, dead, broke = table.T.tolist()
        brought, lost_by = tally.T.tolist()
        st.battles.extend(zip(repeat(st.t, len(w)), w, to, side, count, brought, lost_by, dead,
                              map(bool, broke), strict=True))
        kind, subject = kinds.T.tolist()
        st.ev.extend(zip(repeat(st.t, len(kind)), kind, subject, values.tolist(), strict=True))
        # a broken side goes back whence it came (those that stand where they came from stay)
        for f in fled.tolist():
            self._go(world, st, f, int(st.came[f]), RETREAT)

    def _homes_attacked(self, world: CampaignWorld, st: CampaignState,
                        foes: np.ndarray) -> None:
        """Members whose home has hostile fleets at it (`foes`): threatened; at the start of
        each threat, a member takes its fleets home with its probability `leave`."""
        home = world.member_home
        new = foes & ~st.threatened
        st.threatened = foes
        for m in np.flatnonzero(new):
            st.ev.append((st.t, int(K.home_attacked), int(m), float(home[m])))
            if st.rng.random() < world.will[m, LEAVE]:
                mine = np.flatnonzero(st.live & (world.fleet_member == m)
                                      & (st.fleets.world != home[m]))
                for f in mine:
                    self._go(world, st, int(f), int(home[m]), LEAVING)
                st.ev.append((st.t, int(K.turned_home), int(m), float(len(mine))))

    def _holdings(self, world: CampaignWorld, st: CampaignState, dt: float) -> None:
        """The day's sieges, then its repairs at friendly docks."""
        fell = holdings(st.live, st.fleets.world, st.mode, st.goal, world.fleet_side, BESIEGES,
                        DESTROY, IDLE, st.owner, st.wmember, st.wdef, st.razed, st.siege, dt,
                        world.siege, world.world_dock, st.crippled, st.ships,
                        st.ledger[ARRIVED])
        for w, o, s, waste in fell.tolist():
            kind = K.world_destroyed if waste else K.world_taken
            st.ev.append((st.t, int(kind), w, float(s)))
            st.owner_log.append((st.t, w, o, -1 if waste else s, bool(waste), s))

    def _supply(self, world: CampaignWorld, st: CampaignState) -> None:
        due = np.flatnonzero(st.next_supply <= st.t)
        if not len(due):
            return
        th = world.theater
        where = st.fleets.world
        a, _, _ = st.fleets.lanes(st.t)
        at = np.where(where >= 0, where, a)
        alive = st.live
        for s in due:
            reach, penalty, every = world.supply[s]
            st.next_supply[s] += every
            foe = alive & (where >= 0) & world.fleet_foe[s]
            friend = alive & (where >= 0) & ~world.fleet_foe[s]
            held = np.zeros(th.n, bool)
            held[where[foe]] = True
            held[where[friend]] = False
            src = np.repeat(np.arange(th.n), np.diff(th.ptr))
            open_ = ~held[src] & ~held[th.dst]
            sources = np.flatnonzero((st.owner == s) & ~held)
            ok = supplied(th, sources, reach, open_)
            mine = world.fleet_side == s
            st.supply[mine] = np.where(ok[at[mine]], 1.0, 1.0 - penalty)

    def _record(self, world: CampaignWorld, st: CampaignState) -> None:
        if st.t < st.next_record and not st.ended:
            return
        while st.next_record <= st.t:
            st.next_record += RECORD_EVERY
        M = len(world.member_ids)
        m = world.fleet_member
        alive = st.live
        st.series.append((st.t, np.bincount(m[alive], minlength=M),
                          np.bincount(m, weights=np.where(alive, st.ships, 0.0), minlength=M),
                          st.member_lost.copy(), _per_member(world, st.ledger)))
        # where each fleet is (on a lane: as far along it as it has come), for the war room
        f = np.flatnonzero(alive)
        a, b, frac = st.fleets.lanes(st.t)
        th = world.theater
        x = th.x[a[f]] + frac[f] * (th.x[b[f]] - th.x[a[f]])
        y = th.y[a[f]] + frac[f] * (th.y[b[f]] - th.y[a[f]])
        st.positions.append((st.t, f, x.astype(np.float32), y.astype(np.float32)))
        for name, t in world.milestones:
            if name not in st.at_milestone and st.t >= t:
                st.at_milestone[name] = {**_tally(world, st), "t": st.t}


def _grid(world: CampaignWorld, k: int) -> float:
    """The time of step k (the last one ends at t_end)."""
    return min(world.t0 + k * world.step, world.t_end) if k >= 0 else world.t0


def _per_member(world: CampaignWorld, ledger: np.ndarray) -> np.ndarray:
    out = np.zeros((3, len(world.member_ids)))
    for k in range(3):
        out[k] = np.bincount(world.fleet_member, weights=ledger[k],
                             minlength=len(world.member_ids))
    return out


def _tally(world: CampaignWorld, st: CampaignState) -> dict[str, float]:
    """What the results count at a milestone (and at the end)."""
    out: dict[str, float] = {}
    for s, sid in enumerate(world.side_ids):
        mine = world.fleet_side == s
        out[f"fleets:{sid}"] = float((st.live & mine).sum())
        out[f"fleets_lost:{sid}"] = float((st.gone & st.entered & mine).sum())
        out[f"worlds:{sid}"] = float((st.owner == s).sum())
    for g, gid in enumerate(world.group_ids):
        out[f"fleets:{gid}"] = float((st.live & (world.fleet_group == g)).sum())
    taken = np.zeros(world.n_sides)
    razed = np.zeros(world.n_sides)
    for _, _, _, _, was_razed, by in st.owner_log:
        (razed if was_razed else taken)[by] += 1
    for s, sid in enumerate(world.side_ids):
        out[f"worlds_taken:{sid}"] = float(taken[s])
        out[f"worlds_destroyed:{sid}"] = float(razed[s])
        for k, mode in enumerate(MODES):  # every one, so that replications share columns
            out[f"fleets_lost_{mode}:{sid}"] = float(st.lost_by_mode[s, k])
    out["battles"] = float(sum(1 for e in st.ev if e[1] == int(K.battle)))
    return out
