"""Typed battle events (the core's log, decoded at the edge)."""

from .core.codes import END_BROKE, END_MUTUAL, END_REASONS, END_TIME
from .core.events import PRIORITY, Event, EventKind

__all__ = ["END_BROKE", "END_MUTUAL", "END_REASONS", "END_TIME", "PRIORITY", "Event",
           "EventKind"]
