"""The one typed event log: arrays inside kernels, `Event`s at the edge, ordered by
(time, priority, sequence) as in SimPy's queue."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numba import njit


class EventKind(IntEnum):
    reinforcement_arrived = 0
    reinforcement_began = 1
    withdrawal = 2
    withdrawal_began = 3
    engagement_began = 4
    engagement_ended = 5
    force_annihilated = 6
    breakpoint_reached = 7
    side_broke = 8
    battle_ended = 9
    contact = 10  # a side first sees an enemy
    mobility_kills = 11  # entities immobilised in a tick
    order_given = 12  # a controller's order took effect (subject: force; value: order kind)
    order_refused = 13  # a force that will not obey was given an order
    defected = 14  # members left a force for another side's (subject: force; value: members)
    joined = 15  # members came to a force by defection (subject: force; value: members)
    surrendered = 16  # members gave themselves up (subject: force; value: members)
    went_home = 17  # defectors left the fight as they came over (subject: force; value)
    set_out = 18  # a force left its place for another (subject: force; value: the place)
    arrived = 19  # a force reached a place (subject: force; value: the place)
    decoys_exposed = 20  # a side saw through decoys (subject: side; value: how many)
    shots_at_decoys = 21  # shooters of a side aimed at decoys in a tick (subject: side; value)
    battle = 22  # campaign: a battle was fought (subject: the world; value: ships lost)
    world_taken = 23  # campaign: a world changed hands (subject: world; value: the new side)
    world_destroyed = 24  # campaign: a world was laid waste (subject: world; value: its side)
    fleet_destroyed = 25  # campaign: a fleet was destroyed (subject: fleet; value: the world)
    turned_home = 26  # campaign: a member took its fleets home (subject: member; value: fleets)
    home_attacked = 27  # campaign: enemies at a member's home (subject: member; value: world)


# at one instant: troops move first, then engagements open or close, then the consequences
PRIORITY = np.array([0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2,
                     1, 3, 3, 2, 0, 1], dtype=np.int64)


@dataclass(frozen=True, order=True)
class Event:
    t: float
    priority: int
    seq: int
    kind: EventKind
    subject: str  # id of the force, side, engagement, transfer or breakpoint concerned
    side: str | None
    value: float
    message: str


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def log_event(ev_t, ev_kind, ev_subj, ev_val, count, t, kind, subj, val):
    """Append one event; `count` is a one-slot array holding how many are logged. Callers
    reserve room before each advance (`EventLog.reserve`), so nothing is dropped."""
    n = int(count[0])
    if n < ev_t.shape[0]:
        ev_t[n] = t
        ev_kind[n] = kind
        ev_subj[n] = subj
        ev_val[n] = val
        count[0] = n + 1


class EventLog:
    """Growable arrays of (t, kind, subject, value) events."""

    def __init__(self, capacity: int = 64):
        cap = max(int(capacity), 8)
        self.t = np.zeros(cap)
        self.kind = np.zeros(cap, np.int64)
        self.subj = np.zeros(cap, np.int64)
        self.val = np.zeros(cap)
        self.count = np.zeros(1)

    @property
    def n(self) -> int:
        return int(self.count[0])

    def arrays(self) -> tuple[np.ndarray, ...]:
        return self.t, self.kind, self.subj, self.val, self.count

    def reserve(self, room: int) -> None:
        """Make room for `room` more events (kernels cannot grow arrays)."""
        need = self.n + room
        if need <= len(self.t):
            return
        cap = max(need, 2 * len(self.t))
        for name in ("t", "kind", "subj", "val"):
            old = getattr(self, name)
            new = np.zeros(cap, old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def append(self, t: float, kind: int, subj: int, val: float) -> None:
        self.reserve(1)
        log_event(self.t, self.kind, self.subj, self.val, self.count, float(t), int(kind),
                  int(subj), float(val))

    def order(self) -> np.ndarray:
        """Indices of the logged events in (time, priority, sequence) order."""
        n = self.n
        kinds = self.kind[:n]
        return np.lexsort((np.arange(n), PRIORITY[kinds], self.t[:n]))


def ordered(t: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Indices of events (t, kind) in (time, priority, sequence) order."""
    return np.lexsort((np.arange(len(t)), PRIORITY[kind], t))
