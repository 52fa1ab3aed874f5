"""Strategies: the campaign's controllers, each deciding every so often from its side's
observation (own fleets exact in `obs.extra`, the enemy only as the picture its reports and
sightings built, the pleas that reached headquarters, the enemy orders it read), never from
the engine's state. A new strategy is a `Periodic` with a `rule(t, obs)` returning orders
(docs/tutorial-campaign.md).

- `Raid`: groups strike the weakest enemy fleets believed alone at a world within reach and
  go back at the first sign of relief (an enemy order read that sends fleets there), when
  the target is gone, or after `dwell`; idle groups intercept enemy fleets on the move,
  as many as the column they travel in needs; only fleets with `fit` of their ships in
  action raid (the rest wait to be repaired, or with `docks` go to the nearest dock), and
  idle fleets too few to raid where they are regroup; hunters (`strike` false) only
  intercept.
- `Relieve`: detachments of a reserve answer pleas, then go back to the reserve's world.
- `Offensive`: when a share of the fleets the side went to war with is lost, concentrate at
  a rally world (those built since join it);
  when gathered, send task forces to conquer (or destroy) the enemy's worlds in a box, the
  nearest first; then put the wave's next box to the council with one task force (and,
  refused, again a month later).
- `RaidHomes`: task forces against the home worlds of an enemy side's members, the
  nearest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.engine import Observation
from ..core.orders import Order, OrderKind
from ..doctrine.rules import Periodic
from ..theater import Theater
from ..theater import paths_of as _paths
from .columns import columns, hunters

IDLE, RALLY = 0, 8  # the engine's modes a strategy reads (`engine.MODES`)
FLEET_MOVES = (OrderKind.move, OrderKind.rally, OrderKind.raid, OrderKind.conquer,
               OrderKind.destroy, OrderKind.home)


def _idle(obs: Observation, fleets: np.ndarray) -> np.ndarray:
    ex = obs.extra
    ok = ex["alive"][fleets] & (ex["mode"][fleets] == IDLE) & (ex["place"][fleets] >= 0)
    return fleets[ok]


def _believed(obs: Observation, horizon: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Enemy fleets believed at a world, heard of within `horizon`: (fleet, world, ships)."""
    pic = obs.picture
    ok = (pic.x >= 0) & (pic.t >= obs.t - horizon) & (pic.strength > 0)
    return pic.force[ok], pic.x[ok].astype(np.int64), pic.strength[ok]


class Raid(Periodic):
    def __init__(self, side: int, fleets: np.ndarray, theater: Theater, group: int,
                 odds: float, reach: float, dwell: float, ambush: bool, every: float,
                 fit: float = 0.0, strike: bool = True, docks: np.ndarray | None = None):
        """`docks`: where the side's crippled fleets go to be repaired (None: they wait
        where they are)."""
        super().__init__(side, every)
        self.fleets, self.group, self.odds, self.reach = fleets, group, odds, reach
        self.dwell, self.ambush, self.fit, self.strike = dwell, ambush, fit, strike
        self.docks = None if docks is None else np.asarray(docks) > 0
        self.news = 4 * every + 10  # how old a report of a fleet on a lane may be to hunt it
        self.paths = _paths(theater)
        self.raids: list[dict] = []  # {fleets, world, base, since}
        self.read = 0
        # per enemy fleet, sized at the first observation: the last world it was seen at,
        # and whether it was intercepted once (it is not hunted again)
        self.seen_at = np.zeros(0, np.int64)
        self.hunted = np.zeros(0, bool)

    def rule(self, t: float, obs: Observation) -> list[Order]:
        ex = obs.extra
        out: list[Order] = []
        news = obs.intercepts[self.read:]
        self.read = len(obs.intercepts)
        relief = {o.place for ts, o in news if o.kind in FLEET_MOVES}
        enemy, where, ships = _believed(obs, 4 * self.every + 30.0)
        strength = np.bincount(where, weights=ships, minlength=len(ex["owner"]))
        busy: set[int] = set()  # fleets out raiding
        taken = np.zeros(len(strength), bool)  # worlds a group is raiding or on its way to
        for r in list(self.raids):
            live = [f for f in r["fleets"] if ex["alive"][f]]
            there = [f for f in live if ex["place"][f] == r["world"]]
            if there and math.isnan(r["since"]):
                r["since"] = t
            done = not live or r["world"] in relief or (
                there and (strength[r["world"]] <= 0 or t - r["since"] >= self.dwell))
            if done:
                out += [Order(OrderKind.move, force=int(f), place=r["base"]) for f in live
                        if ex["place"][f] != r["base"]]
                self.raids.remove(r)
            else:
                busy |= set(live)
                taken[r["world"]] = True
        own = self.fleets
        whole = ex["ships"][own] >= self.fit * (ex["ships"][own] + ex["crippled"][own])
        fit = own[whole]
        idle = _idle(obs, fit)
        if busy:
            out_raiding = np.zeros(len(ex["alive"]), bool)
            out_raiding[list(busy)] = True
            idle = idle[~out_raiding[idle]]
        if self.docks is not None:
            out += self._to_docks(obs, own[~whole])
        by_world: dict[int, list[int]] = {}
        for f, w in zip(idle.tolist(), ex["place"][idle].tolist(), strict=True):
            by_world.setdefault(w, []).append(f)
        targets = np.flatnonzero(strength > 0) if self.strike else np.zeros(0, np.int64)
        for w, mine in by_world.items():
            while len(mine) >= self.group and len(targets):
                grp, mine = mine[:self.group], mine[self.group:]
                power = float(ex["ships"][grp].sum())
                dist = self.paths.tree(w)[0][targets]
                ok = (dist <= self.reach) & (power >= self.odds * strength[targets])
                ok &= ~taken[targets]
                if not ok.any():
                    mine = grp + mine
                    break
                goal = int(targets[ok][np.argmin(dist[ok])])
                taken[goal] = True
                self.raids.append({"fleets": grp, "world": goal, "since": math.nan,
                                   "base": self._refuge(obs, goal, w)})
                out += [Order(OrderKind.move, force=f, place=goal) for f in grp]
            by_world[w] = mine
        if self.ambush:
            out += self._ambush(obs, news, by_world)
        return out + self._regroup(by_world)

    def _to_docks(self, obs: Observation, unfit: np.ndarray) -> list[Order]:
        """Idle fleets below their fit share, away from the side's docks, go to the
        nearest one to be repaired."""
        ex = obs.extra
        assert self.docks is not None
        unfit = _idle(obs, unfit)
        if not len(unfit):
            return []
        docks = np.flatnonzero(self.docks & (ex["owner"] == self.side))
        unfit = unfit[~np.isin(ex["place"][unfit], docks)]
        if not len(docks) or not len(unfit):
            return []
        out: list[Order] = []
        for w in np.unique(ex["place"][unfit]).tolist():
            goal = self.paths.nearest(w, docks)
            if goal >= 0:
                out += [Order(OrderKind.move, force=int(f), place=goal)
                        for f in unfit[ex["place"][unfit] == w]]
        return out

    def _regroup(self, by_world: dict[int, list[int]]) -> list[Order]:
        """Idle fleets too few to raid where they are join the nearest world where enough
        of them are (or, where none is, the one where most are)."""
        few = {w: m for w, m in by_world.items() if 0 < len(m) < self.group}
        if not few:
            return []
        enough = [w for w, m in by_world.items() if len(m) >= self.group]
        if not enough:
            enough = [max(few, key=lambda w: (len(few[w]), -w))]
        out: list[Order] = []
        for w, mine in few.items():
            if w in enough:
                continue
            goal = self.paths.nearest(w, enough)
            if goal >= 0:
                out += [Order(OrderKind.move, force=f, place=goal) for f in mine]
        return out

    def _refuge(self, obs: Observation, goal: int, base: int) -> int:
        """Where a group falls back to from `goal`: the nearest world of its own side
        (gone before relief comes), or the world it set out from."""
        own = np.flatnonzero(obs.extra["owner"] == self.side)
        refuge = self.paths.nearest(goal, own[own != goal])
        return refuge if refuge >= 0 else base

    def _ambush(self, obs: Observation, news, by_world: dict[int, list[int]]) -> list[Order]:
        """Idle groups intercept enemy fleets whose orders were read or that were last
        reported on a lane."""
        pic = obs.picture
        F = len(obs.force_side)
        if len(self.seen_at) != F:
            self.seen_at = np.full(F, -1, np.int64)
            self.hunted = np.zeros(F, bool)
        at = pic.x >= 0
        self.seen_at[pic.force[at]] = pic.x[at].astype(np.int64)
        pools = [mine for mine in by_world.values() if len(mine) >= self.group]
        if not pools:
            return []
        # where each fleet on the move is going (the place of its order read, the last; -1
        # where it was only reported on a lane): fleets that set out from one world together
        # travel together, and the column is what is met (`columns`)
        read = {int(o.force): int(o.place) for _, o in news if o.kind in FLEET_MOVES}
        targets, need = columns(
            np.asarray(pic.force, np.int64), np.asarray(pic.x, float), np.asarray(pic.t, float),
            np.asarray(pic.strength, float), obs.t - self.news,
            np.fromiter(read.keys(), np.int64, len(read)),
            np.fromiter(read.values(), np.int64, len(read)), self.seen_at, self.hunted,
            len(obs.extra["owner"]), float(self.odds), np.empty(F, np.int64), np.empty(F),
            np.zeros(F, np.bool_))
        if not len(targets):
            return []
        # as many of a pool's idle fleets as it takes (a column needs more), from its front
        sizes = [len(mine) for mine in pools]
        fleet, target, used = hunters(
            targets, need, np.fromiter((f for mine in pools for f in mine), np.int64,
                                       sum(sizes)),
            np.asarray(obs.extra["ships"], float),
            np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64), self.group)
        for mine, n in zip(pools, used.tolist(), strict=True):
            del mine[:n]  # sent: the rest stay idle there (`_regroup`)
        self.hunted[target] = True
        return [Order(OrderKind.intercept, force=f, target=g)
                for f, g in zip(fleet.tolist(), target.tolist(), strict=True)]


class Relieve(Periodic):
    def __init__(self, side: int, reserve: np.ndarray, detachment: int, every: float):
        super().__init__(side, every)
        self.reserve, self.detachment = reserve, detachment
        self.heard = 0
        # the detachments out: a row of fleets each, and the world each was sent to
        self.out = np.zeros((0, detachment), np.int64)
        self.to = np.zeros(0, np.int64)
        self.base = -1
        self.where: np.ndarray | None = None  # where each own fleet was last (-1: never seen)

    def rule(self, t: float, obs: Observation) -> list[Order]:
        ex = obs.extra
        if self.base < 0:
            self.base = int(np.bincount(ex["place"][self.reserve][ex["place"][self.reserve] >= 0]
                                        ).argmax()) if (ex["place"][self.reserve] >= 0).any() \
                else -1
        place = ex["place"]
        if self.where is None:
            self.where = np.full(len(place), -1, np.int64)
        self.where = np.where(place >= 0, place, self.where)
        out: list[Order] = []
        enemy, where, _ = _believed(obs, 2 * self.every)
        # a detachment comes back once all of it that lives stands where it was sent and
        # no enemy is believed there (or once none of it lives)
        live = ex["alive"][self.out]
        there = (place[self.out] == self.to[:, None]) | ~live
        believed = np.zeros(len(ex["owner"]), bool)  # per world (isin sorts both each time)
        believed[where] = True
        back = ~live.any(axis=1) | (there.all(axis=1) & ~believed[self.to])
        out += [Order(OrderKind.move, force=f, place=self.base)
                for f in self.out[back[:, None] & live].tolist()]
        self.out, self.to = self.out[~back], self.to[~back]
        pleas = obs.pleas[self.heard:]
        self.heard = len(obs.pleas)
        going = set(self.to.tolist())
        idle = _idle(obs, self.reserve)
        free = idle[place[idle] == self.base].tolist()
        sent, to = [], []
        for f, _ in pleas:
            w = int(self.where[int(f)])  # where it called from, though it may be gone since
            if w < 0 or w in going or len(free) < self.detachment:
                continue
            grp, free = free[:self.detachment], free[self.detachment:]
            going.add(w)
            sent.append(grp)
            to.append(w)
            out += [Order(OrderKind.move, force=g, place=w) for g in grp]
        if sent:
            self.out = np.concatenate([self.out, np.array(sent, np.int64)])
            self.to = np.concatenate([self.to, np.array(to, np.int64)])
        return out


class Offensive(Periodic):
    def __init__(self, side: int, fleets: np.ndarray, theater: Theater, after: float,
                 rally: int, gathered: float, wait: float, first: tuple, then: tuple | None,
                 task_force: int, destroy: float, every: float):
        super().__init__(side, every)
        self.fleets, self.theater, self.after, self.rally = fleets, theater, after, rally
        self.gathered, self.wait, self.boxes = gathered, wait, [first, *([then] if then else [])]
        self.task_force, self.destroy = task_force, destroy
        self.paths = _paths(theater)
        self.phase, self.since, self.box = "watch", math.nan, 0
        self.seen = np.zeros(0, bool)  # (F,) the fleets it went to war with
        self.n_seen = 0
        self.called: set[int] = set()  # fleets sent to the rally point
        self.assigned = np.zeros(theater.n, np.int64)  # per world: task forces sent so far
        self.n_targets = 0
        self.tried = -math.inf

    def rule(self, t: float, obs: Observation) -> list[Order]:
        ex = obs.extra
        alive = self.fleets[ex["alive"][self.fleets]]
        if not self.n_seen:  # the fleets it went to war with (those built since not counted)
            self.seen = np.zeros(len(ex["alive"]), bool)
            self.seen[alive] = True
            self.n_seen = len(alive)
        if self.phase == "watch":
            lost = self.n_seen - int(np.count_nonzero(self.seen & ex["alive"]))
            if self.n_seen and lost >= self.after * self.n_seen:
                self.phase, self.since = "rally", t
                self.called = set(alive.tolist())
                return [Order(OrderKind.rally, force=int(f), place=self.rally) for f in alive]
            return []
        if self.phase == "rally":
            idle = _idle(obs, alive)
            late = [f for f in idle[ex["place"][idle] != self.rally].tolist()
                    if f not in self.called]
            if late:  # fleets built or freed since the call (each called once)
                self.called |= set(late)
                return [Order(OrderKind.rally, force=f, place=self.rally) for f in late]
            here = (ex["place"][alive] == self.rally).sum()
            if here >= self.gathered * len(alive) or t - self.since >= self.wait:
                self.phase = "attack"
            return []
        return self._attack(t, obs, alive)

    def _targets(self, obs: Observation) -> np.ndarray:
        x0, y0, x1, y1 = self.boxes[self.box]
        th, own = self.theater, obs.extra["owner"]
        inside = (th.x >= x0) & (th.x <= x1) & (th.y >= y0) & (th.y <= y1)
        foe = (own >= 0) & (own != self.side)
        w = np.flatnonzero(inside & foe)
        return w[np.argsort(self.paths.tree(self.rally)[0][w], kind="stable")]

    def _attack(self, t: float, obs: Observation, alive: np.ndarray) -> list[Order]:
        ex = obs.extra
        targets = self._open(self._targets(obs))
        if not len(targets) and self.box + 1 < len(self.boxes):
            self.box += 1
            self.assigned[:] = 0
            targets = self._open(self._targets(obs))
        waiting = alive[(ex["mode"][alive] == RALLY) & (ex["place"][alive] == self.rally)]
        free = _idle(obs, alive).tolist() + waiting.tolist()
        out: list[Order] = []
        # a world a task force is on its way to (or besieging) waits for the outcome
        going = ex["going"][alive]
        pending = np.zeros(len(ex["owner"]), bool)
        pending[going[going >= 0]] = True
        # a new wave is put to the council with its first task force (and, refused, put
        # again a month later); under way, it goes on
        probe = self.box > 0 and not pending[targets].any()
        if probe and t - self.tried < 30.0:
            return out
        self.tried = t if probe else self.tried
        for w in targets[~pending[targets]][:1 if probe else None]:
            # each task force sent against a world is twice the one before
            size = self.task_force * 2 ** int(self.assigned[w])
            if len(free) < size:
                break
            self.assigned[w] += 1
            k = self.n_targets
            self.n_targets += 1
            razes = math.floor((k + 1) * self.destroy) > math.floor(k * self.destroy)
            kind = OrderKind.destroy if razes else OrderKind.conquer
            grp, free = free[:size], free[size:]
            out += [Order(kind, force=f, place=int(w)) for f in grp]
        return out

    def _open(self, targets: np.ndarray) -> np.ndarray:
        """The targets not given up (after three task forces)."""
        return targets[self.assigned[targets] < 3]


class RaidHomes(Periodic):
    def __init__(self, side: int, fleets: np.ndarray, homes: np.ndarray, theater: Theater,
                 task_force: int, every: float):
        super().__init__(side, every)
        self.fleets, self.homes, self.task_force = fleets, homes, task_force
        self.paths = _paths(theater)
        self.sent: set[int] = set()

    def rule(self, t: float, obs: Observation) -> list[Order]:
        free = [int(f) for f in _idle(obs, self.fleets)]
        if len(free) < self.task_force:
            return []
        out: list[Order] = []
        own = obs.extra["owner"]
        here = int(obs.extra["place"][free[0]])
        # the nearest homes first: a power that cannot win strikes where it can reach
        dist = self.paths.tree(here)[0][self.homes]
        for h in self.homes[np.argsort(dist, kind="stable")]:
            if len(free) < self.task_force:
                break
            if int(h) in self.sent or own[h] == self.side or \
                    not np.isfinite(self.paths.tree(here)[0][h]):
                continue
            self.sent.add(int(h))
            grp, free = free[:self.task_force], free[self.task_force:]
            out += [Order(OrderKind.conquer, force=f, place=int(h)) for f in grp]
        return out


@dataclass(frozen=True)
class StrategySpec:
    """A compiled strategy: its kind and what its controller is built from (indices)."""

    kind: str
    side: int
    args: dict[str, Any] = field(default_factory=dict)

    def build(self) -> Periodic:
        cls = {"raid": Raid, "relieve": Relieve, "offensive": Offensive,
               "raid_homes": RaidHomes}[self.kind]
        return cls(self.side, **self.args)


def compile_strategies(sc, world, fleets_of, at) -> tuple[StrategySpec, ...]:
    out = []
    for st in sc.strategies:
        d = st.spec
        s = world.side_ids.index(d.side)
        mine = np.flatnonzero(world.fleet_side == s)
        if st.kind == "raid":
            fl = mine if d.members is None else np.flatnonzero(
                np.isin(world.fleet_member, [world.member_ids.index(m) for m in d.members]))
            args = dict(fleets=fl, theater=world.theater, group=d.group, odds=d.odds,
                        reach=d.reach, dwell=d.dwell, ambush=d.ambush, every=d.every,
                        fit=d.fit, strike=d.strike,
                        docks=world.world_dock if d.docks else None)
        elif st.kind == "relieve":
            args = dict(reserve=fleets_of(d.reserve), detachment=d.detachment, every=d.every)
        elif st.kind == "offensive":
            args = dict(fleets=mine, theater=world.theater, after=d.concentrate_after,
                        rally=at(d.rally), gathered=d.gathered, wait=d.wait,
                        first=tuple(d.first), then=tuple(d.then) if d.then else None,
                        task_force=d.task_force, destroy=d.destroy, every=d.every)
        else:
            e = world.side_ids.index(d.enemy)
            homes = world.member_home[world.member_side == e]
            args = dict(fleets=mine, homes=homes, theater=world.theater,
                        task_force=d.task_force, every=d.every)
        out.append(StrategySpec(st.kind, s, args))
    return tuple(out)
