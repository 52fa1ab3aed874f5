"""Controllers that need no engine: a script of timed orders (doctrine written in advance)."""

from __future__ import annotations

from collections.abc import Iterable

from .engine import Observation
from .orders import Order
from .queue import Queue


class Scripted:
    """Gives each order at its time, in the order listed for equal times."""

    def __init__(self, side: int, orders: Iterable[tuple[float, Order]]):
        self.side = side
        self.queue: Queue[Order] = Queue()
        for t, order in orders:
            self.queue.push(float(t), order)

    def wake(self, t: float) -> float:
        return self.queue.next_time()

    def decide(self, t: float, obs: Observation) -> list[Order]:
        return self.queue.pop_due(t)
