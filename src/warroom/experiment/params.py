"""Scenario parameters named by dotted paths, and the value grids a sweep takes.

A path walks the scenario as written: mapping keys, list items by their `id` (or by index), with
two shortcuts: `forces.ID` finds a force in any side, `sides.ID`/`engagements.ID`/... pick by id.
Examples: `forces.blue_armor.strength`, `sides.red.breakpoints.red-morale.below`,
`engagements.field.fire.0.rate`, `entity_types.rifleman.speed`.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from ..errors import UserError, did_you_mean
from ..limits import over


def _children(node: Any) -> dict[str, Any]:
    if isinstance(node, dict):
        return {str(k): v for k, v in node.items()}
    if isinstance(node, list):
        out = {str(i): v for i, v in enumerate(node)}
        out.update({str(v["id"]): v for v in node if isinstance(v, dict) and "id" in v})
        return out
    return {}


def _resolve(data: dict, path: str) -> tuple[Any, str | int]:
    """The container holding the value at `path`, and its key there."""
    parts = path.split(".")
    if len(parts) < 2 and parts[0] not in data:
        raise UserError(f"--set {path}: no such field in the scenario"
                        f"{did_you_mean(parts[0], list(map(str, data)))}")
    node: Any = data
    if parts[0] == "forces" and "forces" not in data:  # shortcut into every side's forces
        node = [f for s in data.get("sides", []) for f in s.get("forces", [])]
        parts = parts[1:]
        walked = "forces"
    else:
        walked = ""
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        kids = _children(node)
        if part not in kids:
            where = walked or "the scenario"
            choices = [c for c in kids if not c.isdigit()] or list(kids)
            raise UserError(f"--set {path}: '{part}' is not in {where}"
                            f"{did_you_mean(part, choices)}; expected one of "
                            f"{', '.join(choices[:12]) or '(nothing)'}")
        if last:
            if isinstance(node, list):
                idx = next(i for i, v in enumerate(node) if str(i) == part or (
                    isinstance(v, dict) and str(v.get("id")) == part))
                return node, idx
            return node, next(k for k in node if str(k) == part)
        node = kids[part]
        walked = f"{walked}.{part}" if walked else part
    raise AssertionError("unreachable")


def get_value(data: dict, path: str) -> Any:
    node, key = _resolve(data, path)
    return node[key]


def apply(data: dict, values: dict[str, Any]) -> dict:
    """A copy of the scenario data with each path set to its value (and, under the key
    `__remove__`, the named elements left out: see `ablate.remove`)."""
    out = copy.deepcopy(data)
    if "__remove__" in values:
        from .ablate import remove

        out = remove(out, list(values["__remove__"]))
    for path, v in values.items():
        if path == "__remove__":
            continue
        node, key = _resolve(out, path)
        if isinstance(node[key], dict | list):
            raise UserError(f"--set {path}: names a whole section, expected a single value")
        node[key] = v
    return out


def parse_set(spec: str) -> tuple[str, list[float | str]]:
    """`path=a:b:n` (n evenly spaced points from a to b), `path=log:a:b:n` (log-spaced),
    `path=v1,v2,...` (a list) or `path=v` (one value)."""
    if "=" not in spec:
        raise UserError(f"--set {spec!r}: expected PATH=VALUES, e.g. "
                        "forces.blue.strength=1000:5000:9")
    path, text = (s.strip() for s in spec.split("=", 1))
    if not path or not text:
        raise UserError(f"--set {spec!r}: expected PATH=VALUES with both parts given")
    parts = text.split(":")
    if len(parts) in (3, 4) and (len(parts) == 3 or parts[0] == "log"):
        log = parts[0] == "log"
        a, b, n = parts[1:] if log else parts
        try:
            lo, hi, count = float(a), float(b), int(n)
        except ValueError:
            raise UserError(f"--set {spec!r}: a range is START:STOP:COUNT with numbers, e.g. "
                            "1000:5000:9 or log:10:1000:5") from None
        if count < 1:
            raise UserError(f"--set {spec!r}: the range has no points (count {count}); "
                            "expected a count of at least 1")
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise UserError(f"--set {spec!r}: expected finite ends, found {a} and {b}")
        msg = over("points_grid", count, "the number of points of the range")
        if msg:
            raise UserError(f"--set {spec!r}: {msg}")
        if log and (lo <= 0 or hi <= 0):
            raise UserError(f"--set {spec!r}: a log range needs positive ends")
        grid = (np.geomspace(lo, hi, count) if log else np.linspace(lo, hi, count)).tolist()
        return path, [_tidy(v) for v in grid]
    values = [_number(v.strip()) for v in text.split(",") if v.strip()]
    if not values:
        raise UserError(f"--set {spec!r}: the list has no values")
    bad = [v for v in values if isinstance(v, float) and not math.isfinite(v)]
    if bad:
        raise UserError(f"--set {spec!r}: expected finite numbers, found {bad[0]}")
    return path, values


def _number(text: str) -> float | str:
    try:
        v = float(text)
    except ValueError:
        return text
    return int(v) if v.is_integer() and "." not in text and "e" not in text.lower() else v


def _tidy(v: float) -> float:
    return float(f"{v:.12g}") if math.isfinite(v) else v


def grid(sets: list[tuple[str, list]]) -> list[dict[str, Any]]:
    """Every combination of the values, the first parameter varying slowest."""
    msg = over("points_grid", math.prod(len(v) for _, v in sets), "the number of points of "
               "the grid (the product of every --set's count)")
    if msg:
        raise UserError(f"--set: {msg}")
    points: list[dict[str, Any]] = [{}]
    for path, values in sets:
        points = [{**p, path: v} for p in points for v in values]
    return points


def differences(old: Any, new: Any, path: str = "") -> list[str]:
    """Where two scenarios differ, as `path: old -> new` in the dotted paths `--set` takes."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [d for k in dict.fromkeys([*old, *new])
                for d in differences(old.get(k, "(absent)"), new.get(k, "(absent)"),
                                     f"{path}.{k}" if path else str(k))]
    if isinstance(old, list) and isinstance(new, list):
        ids_old = [v.get("id") for v in old if isinstance(v, dict)]
        ids_new = [v.get("id") for v in new if isinstance(v, dict)]
        if len(ids_old) == len(old) and len(ids_new) == len(new) and None not in ids_old + ids_new:
            return differences(dict(zip(map(str, ids_old), old, strict=True)),
                               dict(zip(map(str, ids_new), new, strict=True)), path)
        if len(old) == len(new):
            return [d for i, (a, b) in enumerate(zip(old, new, strict=True))
                    for d in differences(a, b, f"{path}.{i}")]
    if old == new:
        return []
    return [f"{path}: {_short(old)} -> {_short(new)}"]


def _short(v: Any) -> str:
    text = v if isinstance(v, str) else repr(v)
    return text if len(text) <= 40 else text[:37] + "..."
