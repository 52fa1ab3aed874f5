"""The cyclic garbage collector held off while a battle runs. A run allocates hundreds of
thousands of small objects (orders, events, observations) that are in no reference cycle,
and the collector would scan them, and everything else the process holds, again and again
(about 5% of a campaign's replication). Reference counting still frees them as they go;
as a battle ends, the young objects are collected once if there are enough of them to have
set the collector off, and every hundredth time all of them (its own pace: so that threads
running battles back to back, which may keep the hold for hours, leave no cycle behind).
Threads share the hold: the collector comes back when the last of them ends, and only if it
was on when the first began."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_held = 0
_was_on = False
_young = 0  # young collections made as battles ended


@contextmanager
def collector_held() -> Iterator[None]:
    global _held, _was_on, _young
    with _LOCK:
        if _held == 0:
            _was_on = gc.isenabled()
            gc.disable()
        _held += 1
    try:
        yield
    finally:
        with _LOCK:
            if _was_on and gc.get_count()[0] >= gc.get_threshold()[0]:
                _young += 1
                gc.collect(2 if _young % 100 == 0 else 1)
            _held -= 1
            if _held == 0 and _was_on:
                gc.enable()
