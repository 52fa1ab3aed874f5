"""The core every scale shares: codes, the event log, side state and the breakpoint rule,
orders, the engine protocol and `run`. It imports nothing else of warroom."""

from .controllers import Scripted
from .engine import (
    ENGINES,
    Command,
    Controller,
    Direct,
    Engine,
    Forces,
    Members,
    Observation,
    System,
    Systems,
    advance_with,
    engine_for,
    register,
    run,
)
from .orders import Order, OrderError, OrderKind
from .picture import Picture
from .queue import Queue

__all__ = ["ENGINES", "Command", "Controller", "Direct", "Engine", "Forces", "Members",
           "Observation", "Order", "OrderError", "OrderKind", "Picture", "Queue", "Scripted",
           "System", "Systems", "advance_with", "engine_for", "register", "run"]
