"""Decoding the core's event log into `Event`s with messages, the same for every scale; an
engine's decoder adds only the kinds its scale has of its own and its words for a few."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.codes import END_REASONS
from ..core.events import PRIORITY, Event, EventKind
from ..core.orders import OrderKind
from .result import Names

K = EventKind
KINDS = {int(k): k for k in EventKind}
Special = Callable[[EventKind, int, float], tuple[str, str | None, str] | None]


@dataclass(frozen=True)
class Words:
    """How a scale says a few things: 'is annihilated' or 'is wiped out'."""

    wiped_out: str
    strength_below: str  # formatted with the fraction, e.g. "strength below {:.0%} of initial"
    nothing_left: str


def decode(names: Names, bp_kind: np.ndarray, words: Words, special: Special,
           log: tuple[np.ndarray, ...]) -> list[Event]:
    """Events of the log (t, kind, subject, value) in (time, priority, sequence) order."""
    t, kind, subj, val = log
    order = np.lexsort((np.arange(len(t)), PRIORITY[kind], t))
    out = []
    broke: list[str] = []
    # as Python numbers, once (a campaign logs tens of thousands of events)
    rows = zip(np.asarray(t, float)[order].tolist(), kind[order].tolist(),
               np.asarray(subj, np.int64)[order].tolist(), np.asarray(val, float)[order].tolist(),
               PRIORITY[kind[order]].tolist(), strict=True)
    for seq, (ti, ki, s, v, pri) in enumerate(rows):
        k = KINDS[ki]
        subject, side, message = special(k, s, v) or _common(names, bp_kind, words, k, s, v)
        if k is K.side_broke:
            broke.append(subject)
        elif k is K.battle_ended and broke and END_REASONS[int(v)] == "time":
            # three or more sides: some broke, more than one is still in the field
            message = (f"the battle ends at the clock's end with {', '.join(broke)} broken and "
                       "more than one side still in the field")
        out.append(Event(ti, pri, seq, k, subject, side, v, message))
    return out


def _common(n: Names, bp_kind: np.ndarray, words: Words, kind: EventKind, subj: int,
            val: float) -> tuple[str, str | None, str]:
    if kind in (K.force_annihilated, K.order_given, K.order_refused):
        subject, side = n.force_ids[subj], n.side_ids[n.force_side[subj]]
        if kind is K.force_annihilated:
            return subject, side, f"{subject} ({side}) {words.wiped_out}"
        verb = "is ordered to" if kind is K.order_given else "refuses the order to"
        return subject, side, (f"{subject} ({side}) {verb} "
                               f"{OrderKind(int(val)).name.replace('_', ' ')}")
    if kind in (K.defected, K.joined, K.surrendered, K.went_home):
        subject, side = n.force_ids[subj], n.side_ids[n.force_side[subj]]
        verb = {K.defected: "leave", K.joined: "join", K.surrendered: "surrender from",
                K.went_home: "go home from"}[kind]
        return subject, side, f"{val:g} {verb} {subject} ({side})"
    if kind is K.breakpoint_reached:
        subject = n.bp_ids[subj]
        side = n.side_ids[n.bp_side[subj]]
        what = {0: words.strength_below.format(val), 1: f"force ratio below {val:g}",
                2: f"time limit t={val:g}"}[int(bp_kind[subj])]
        return subject, side, f"{side} reaches breakpoint {subject}: {what}"
    if kind is K.side_broke:
        side = n.side_ids[subj]
        why = words.nothing_left if val < 0 else f"breakpoint {n.bp_ids[int(val)]}"
        return side, side, f"{side} breaks ({why})"
    if kind is K.battle_ended:
        subject = n.side_ids[subj] if subj >= 0 else ""
        message = {"time": "the battle ends at the clock's end with no side broken",
                   "side_broke": f"the battle ends: {subject} wins",
                   "mutual": "the battle ends with every side broken: a draw"}[
            END_REASONS[int(val)]]
        return subject, subject or None, message
    raise ValueError(f"no decoder for event kind {kind.name}")

