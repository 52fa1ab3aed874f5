"""Controllers that need no engine: a script of timed orders (doctrine written in advance)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .engine import Observation
from .orders import Order


class Scripted:
    """Gives each order at its time, in the order listed for equal times."""

    def __init__(self, side: int, orders: Iterable[tuple[float, Order]]):
        self.side = side
        self.orders = sorted(orders, key=lambda to: to[0])
        self.next = 0

    def wake(self, t: float) -> float:
        return self.orders[self.next][0] if self.next < len(self.orders) else math.inf

    def decide(self, t: float, obs: Observation) -> list[Order]:
        due = []
        while self.next < len(self.orders) and self.orders[self.next][0] <= t:
            due.append(self.orders[self.next][1])
            self.next += 1
        return due
