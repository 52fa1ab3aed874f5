"""The size bounds every field of a scenario shares: how large a number and how long a text
may be (the limits of `warroom.limits`, read when a file is validated)."""

from __future__ import annotations

import math
from typing import Any

from ..limits import LIMITS, SEED_MAX, limit

LONG_TEXT = {"description", "sources", "rows", "file"}  # prose, inline maps and paths


def bounded(value: Any, field: str) -> Any:
    """`value` unchanged, or a ValueError saying which bound it breaks."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and field == "seed":
        if value > SEED_MAX:
            raise ValueError(f"expected a seed from 0 to 2**63 - 1, found {value}")
    elif isinstance(value, int | float):
        if math.isfinite(value) and abs(value) > limit("magnitude"):
            raise ValueError(f"the number {value:.6g} is too large; "
                             f"{LIMITS['magnitude'].hint()}")
    elif isinstance(value, str):
        name = "string" if field in LONG_TEXT else "id"
        if len(value) > limit(name):
            raise ValueError(f"the text has {len(value):,} characters; {LIMITS[name].hint()}")
    elif isinstance(value, list | tuple):
        for v in value:
            bounded(v, field)
    elif isinstance(value, dict):
        for k, v in value.items():
            bounded(k, "")
            bounded(v, field)
    return value


def clock_steps(clock, step: float | None = None) -> float:
    """How many steps of `step` (the clock's by default) the clock spans."""
    return (clock.end - clock.start) / (step or clock.step)
