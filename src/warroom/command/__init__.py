"""Command and control: each side's network of headquarters, hubs, relays and forces; orders
and reports as messages that queue, travel, get lost, jammed or intercepted; and each side's
belief, the only picture of the enemy its controllers see. One mechanic for every scale: it
knows no engine, only the core's `Forces`, `Picture` and `Order`."""

from .belief import Belief
from .layer import CommandLayer, Reporting
from .network import Jam, Latency, Link, Network, Node, Tap, build

__all__ = ["Belief", "CommandLayer", "Jam", "Latency", "Link", "Network", "Node", "Reporting",
           "Tap", "build"]
