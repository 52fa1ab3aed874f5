"""Typed battle events, ordered deterministically by (time, priority, sequence) as in SimPy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


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
    contact = 10  # a side first sees an enemy (tactical)
    mobility_kills = 11  # entities immobilised in a tick (tactical)


# at one instant: troops move first, then engagements open or close, then the consequences
PRIORITY = np.array([0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 1, 2], dtype=np.int64)

END_TIME, END_BROKE, END_MUTUAL = 0, 1, 2
END_REASONS = {END_TIME: "time", END_BROKE: "side_broke", END_MUTUAL: "mutual"}


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
