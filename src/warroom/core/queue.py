"""The order queue: items due at times, taken in (time, priority, sequence) order, as in
SimPy's event queue. Scripted doctrine, messages in transit and delayed orders wait here."""

from __future__ import annotations

import heapq
import itertools
import math
from typing import Generic, TypeVar

T = TypeVar("T")


class Queue(Generic[T]):
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, int, T]] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, t: float, item: T, priority: int = 0) -> None:
        """Schedule `item` at time t; among equal times, lower priority first, then in the
        order pushed. Items may be pushed while the battle runs."""
        if not math.isfinite(t):
            raise ValueError(f"an item must be due at a finite time, not {t}")
        heapq.heappush(self._heap, (t, priority, next(self._seq), item))

    def next_time(self) -> float:
        return self._heap[0][0] if self._heap else math.inf

    def pop_due(self, t: float) -> list[T]:
        """Every item due at or before t, in order."""
        out = []
        while self._heap and self._heap[0][0] <= t:
            out.append(heapq.heappop(self._heap)[3])
        return out
