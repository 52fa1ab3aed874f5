"""Three doctrines: answer pleas with a reserve (`Relieve`), strike and slip away before
relief comes (`Raid`), and send forces against the first enemy believed (`Respond`). Each
decides every `every` units of time from what its side knows."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..core.engine import Observation
from ..core.orders import Order, OrderKind


class Periodic:
    """Wakes at the start and then every `every`."""

    def __init__(self, side: int, every: float):
        if not every > 0:
            raise ValueError(f"a doctrine decides every so often: every > 0, found {every}")
        self.side, self.every = side, every
        self.last = -math.inf

    def wake(self, t: float) -> float:
        if self.last == -math.inf:
            return t
        return max(t, self.last + self.every)

    def decide(self, t: float, obs: Observation) -> list[Order]:
        self.last = t
        return self.rule(t, obs)

    def rule(self, t: float, obs: Observation) -> list[Order]:
        raise NotImplementedError


class Relieve(Periodic):
    """Send `reserve` to the place of the newest plea from one of the forces it `answers`
    (aggregate places; own forces' places are exact). An order once sent is not sent again
    for the same place: if it is lost, the next plea elsewhere, or from there after the
    reserve has moved, sends a new one."""

    def __init__(self, side: int, reserve: int, answers: Sequence[int], every: float):
        super().__init__(side, every)
        self.reserve, self.answers = reserve, set(answers)
        self.heard = -math.inf  # the newest plea acted on
        self.sent = -1  # the place of the last order sent (it may still be on its way)

    def rule(self, t: float, obs: Observation) -> list[Order]:
        mine = [(ts, int(f)) for f, ts in obs.pleas if int(f) in self.answers and ts > self.heard]
        if not mine:
            return []
        ts, f = max(mine)
        self.heard = ts
        place = int(obs.extra["place"][f])
        here = int(obs.extra["place"][self.reserve])
        going = int(obs.extra["going"][self.reserve])
        if place < 0 or place in (here, going, self.sent):
            return []
        self.sent = place
        return [Order(OrderKind.move, force=self.reserve, place=place)]


class Raid(Periodic):
    """Strike each of `targets` (force, place) in turn; leave a target for the next one when
    it is destroyed, after `dwell`, or at the first sign of relief: an enemy order read that
    sends a force to the raider's place (a leak), or an enemy other than the target met
    there (sight)."""

    def __init__(self, side: int, raider: int, targets: Sequence[tuple[int, int]],
                 every: float, dwell: float = math.inf):
        super().__init__(side, every)
        self.raider, self.targets, self.dwell = raider, list(targets), dwell
        self.k = 0
        self.since = math.nan  # when the raider reached its current target
        self.read = 0  # intercepts already weighed
        self.gone: set[int] = set()

    def rule(self, t: float, obs: Observation) -> list[Order]:
        here = int(obs.extra["place"][self.raider])
        if here < 0 or not self.targets:
            return []  # on its way
        force, place = self.targets[self.k]
        if here != place:
            self.since = math.nan
            return [Order(OrderKind.move, force=self.raider, place=place)]
        if math.isnan(self.since):
            self.since = t
        news = obs.intercepts[self.read:]
        self.read = len(obs.intercepts)
        relief = any(o.kind is OrderKind.move and o.place == here and ts >= self.since - 1e-12
                     for ts, o in news)
        pic = obs.picture
        met = pic.force[(pic.source == self.raider) & (pic.t >= t - 1e-9)]
        others = set(met.tolist()) - {f for f, _ in self.targets}
        left = pic.strength[(pic.force == force) & (pic.t >= t - 1e-9)]
        if len(left) and float(left.sum()) <= 0.0:
            self.gone.add(force)
        if not (relief or others or force in self.gone or t - self.since >= self.dwell):
            return []
        alive = [k for k, (f, _) in enumerate(self.targets) if f not in self.gone]
        if not alive:
            return []
        later = [k for k in alive if k > self.k] or alive
        self.k = later[0]
        self.since = math.nan
        nxt = self.targets[self.k][1]
        if nxt == here:
            return []
        return [Order(OrderKind.move, force=self.raider, place=nxt)]


class Respond(Periodic):
    """At the first enemy its side believes in (of the forces `to`, if any are given), order
    `forces` to carry out `order` (one of the forces' orders, e.g. advance)."""

    def __init__(self, side: int, forces: Sequence[int], order: OrderKind, every: float,
                 to: Sequence[int] = ()):
        super().__init__(side, every)
        self.forces, self.order, self.to = list(forces), order, set(to)
        self.done = False

    def rule(self, t: float, obs: Observation) -> list[Order]:
        heard = obs.picture.force
        if self.done or not len(heard) or (self.to and not self.to & set(heard.tolist())):
            return []
        self.done = True
        return [Order(self.order, force=f) for f in self.forces]

