"""Built-in terrain classes. Movement cost per mobility kind (foot, wheeled, tracked, hover, air):
1 is open ground, 2 half speed, inf impassable. Concealment scales detection by (1 - c); cover
scales the chance of being hit by (1 - c)."""

from __future__ import annotations

import math

MOBILITY = ("foot", "wheeled", "tracked", "hover", "air")
INF = math.inf

# id: (cost per mobility kind, concealment, cover)
BUILTIN: dict[str, tuple[tuple[float, ...], float, float]] = {
    "open": ((1.0, 1.0, 1.0, 1.0, 1.0), 0.0, 0.0),
    "road": ((0.9, 0.6, 0.8, 0.9, 1.0), 0.0, 0.0),
    "dune": ((1.6, 3.0, 1.8, 1.1, 1.0), 0.2, 0.2),
    "canyon": ((1.3, 1.6, 1.5, 1.2, 1.0), 0.5, 0.4),
    "cliff": ((6.0, INF, INF, INF, 1.0), 0.3, 0.5),
    "ridge": ((1.5, 2.0, 1.6, 1.4, 1.0), 0.2, 0.3),
    "urban": ((1.2, 1.5, 1.8, 1.5, 1.0), 0.6, 0.6),
    "water": ((INF, INF, INF, 1.0, 1.0), 0.0, 0.0),
}
