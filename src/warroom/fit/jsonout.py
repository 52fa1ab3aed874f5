"""JSON that every reader accepts: a quantity that is not a finite number (an R^2 of one point,
an unbounded interval, a diverged trajectory) becomes null, never the NaN or Infinity that
Python's json writes by default and strict parsers refuse.

Lives here because the fit commands need it first; `warroom validate` uses it as well.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def finite(obj: Any) -> Any:
    """`obj` with numpy values made plain and every non-finite float made None."""
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [finite(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def dumps(obj: Any, **kw: Any) -> str:
    return json.dumps(finite(obj), allow_nan=False, **kw)
