"""The cyclic garbage collector held off while a battle runs. A run allocates hundreds of
thousands of small objects (orders, events, observations) that are in no reference cycle,
and the collector would scan them, and everything else the process holds, again and again
(about 5% of a campaign's replication). Reference counting still frees them as they go;
a cycle made meanwhile is collected once the collector is on again. Threads running battles
share the hold: the collector comes back when the last of them ends, and only if it was on
when the first began."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_held = 0
_was_on = False


@contextmanager
def collector_held() -> Iterator[None]:
    global _held, _was_on
    with _LOCK:
        if _held == 0:
            _was_on = gc.isenabled()
            gc.disable()
        _held += 1
    try:
        yield
    finally:
        with _LOCK:
            _held -= 1
            if _held == 0 and _was_on:
                gc.enable()
