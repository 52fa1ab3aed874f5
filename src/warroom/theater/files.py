"""A theater from files: a CSV of worlds (`id`, and `x`, `y` if known) and a CSV of lanes
(`from`, `to`, `time`). Every mistake is collected and reported with its file, line and
column name, as a scenario's are."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from ..errors import Problem, UserError, did_you_mean
from .graph import Theater, theater_from_tables


def _rows(path: Path, needed: tuple[str, ...], problems: list[Problem]) -> list[tuple[int, dict]]:
    try:
        with path.open(newline="") as f:
            reader = csv.DictReader(f)
            head = reader.fieldnames or []
            missing = [c for c in needed if c not in head]
            if missing:
                problems.append(Problem(str(path), 1, None, "", "expected the columns "
                                        f"{', '.join(needed)}; missing {', '.join(missing)}"))
                return []
            return [(reader.line_num, row) for row in reader]
    except OSError as e:
        problems.append(Problem(str(path), None, None, "", f"cannot read it ({e.strerror})"))
        return []


def _number(path: Path, line: int | None, col: str, text: str | None, problems: list[Problem],
            low: float | None = None) -> float | None:
    try:
        v = float(text or "")
    except ValueError:
        problems.append(Problem(str(path), line, None, col, f"expected a number, found "
                                f"{text!r}"))
        return None
    if not math.isfinite(v) or (low is not None and v < low):
        what = f"a number >= {low:g}" if low is not None else "a finite number"
        problems.append(Problem(str(path), line, None, col, f"expected {what}, found {v:g}"))
        return None
    return v


def theater_from_csv(worlds: str | Path, lanes: str | Path) -> Theater:
    """Read the two files; raise `UserError` listing every mistake, located."""
    wp, lp = Path(worlds), Path(lanes)
    problems: list[Problem] = []
    ids: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    rows = _rows(wp, ("id",), problems)
    has_xy = bool(rows) and "x" in rows[0][1] and "y" in rows[0][1]
    seen: dict[str, int] = {}
    for line, row in rows:
        w = (row.get("id") or "").strip()
        if not w:
            problems.append(Problem(str(wp), line, None, "id", "expected a world id"))
            continue
        if w in seen:
            problems.append(Problem(str(wp), line, None, "id", f"world '{w}' is listed "
                                    f"already (line {seen[w]})"))
            continue
        seen[w] = line
        ids.append(w)
        if has_xy:
            xs.append(_number(wp, line, "x", row.get("x"), problems) or 0.0)
            ys.append(_number(wp, line, "y", row.get("y"), problems) or 0.0)
    lanes_ok: list[tuple[str, str, float]] = []
    pairs: dict[tuple[str, str], int] = {}
    for line, row in _rows(lp, ("from", "to", "time"), problems):
        a, b = (row.get("from") or "").strip(), (row.get("to") or "").strip()
        bad = False
        for col, w in (("from", a), ("to", b)):
            if w not in seen:
                problems.append(Problem(str(lp), line, None, col, f"a lane to an unknown world "
                                        f"'{w}'{did_you_mean(w, ids)}"))
                bad = True
        t = _number(lp, line, "time", row.get("time"), problems, low=0.0)
        key = (min(a, b), max(a, b))
        if a == b and not bad:
            problems.append(Problem(str(lp), line, None, "to", f"a lane from '{a}' to itself"))
            bad = True
        elif key in pairs and not bad:
            problems.append(Problem(str(lp), line, None, "", f"the lane {a} - {b} is listed "
                                    f"already (line {pairs[key]})"))
            bad = True
        pairs.setdefault(key, line)
        if not bad and t is not None:
            lanes_ok.append((a, b, t))
    if problems:
        raise UserError(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the "
                        "theater files", problems)
    return theater_from_tables(ids, lanes_ok, xs if has_xy else None, ys if has_xy else None)


def theater_from_graphml(path: str | Path, time_key: str = "time") -> Theater:
    """Read a GraphML file: its nodes are the worlds (with `x` and `y` data if given), its
    edges the lanes, each with a `time` datum (`time_key`); mistakes are located by the
    file and the edge or node (`edge 3 (a - b)`)."""
    import xml.etree.ElementTree as ET

    p = Path(path)
    try:
        root = ET.parse(p).getroot()
    except (OSError, ET.ParseError) as e:
        raise UserError(f"{p}: not a readable GraphML file ({e})") from None
    ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(f"{ns}key")}
    problems: list[Problem] = []

    def data(el) -> dict[str, str]:
        return {keys.get(d.get("key"), d.get("key")) or "": (d.text or "").strip()
                for d in el.findall(f"{ns}data")}

    ids: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    for k, node in enumerate(root.iter(f"{ns}node")):
        d = data(node)
        ids.append(node.get("id") or f"#{k}")
        where = f"node {k} ({ids[-1]})"
        xs.append(_number(p, None, where + " x", d.get("x", "0"), problems) or 0.0)
        ys.append(_number(p, None, where + " y", d.get("y", "0"), problems) or 0.0)
    known = set(ids)
    lanes: list[tuple[str, str, float]] = []
    for k, edge in enumerate(root.iter(f"{ns}edge")):
        a, b = edge.get("source") or "", edge.get("target") or ""
        where = f"edge {k} ({a} - {b})"
        bad = False
        for w in (a, b):
            if w not in known:
                problems.append(Problem(str(p), None, None, where,
                                        f"a lane to an unknown world '{w}'"
                                        f"{did_you_mean(w, ids)}"))
                bad = True
        t = _number(p, None, where + " " + time_key, data(edge).get(time_key), problems,
                    low=0.0)
        if not bad and t is not None:
            lanes.append((a, b, t))
    if problems:
        raise UserError(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in "
                        f"{p}", problems)
    try:
        return theater_from_tables(ids, lanes, xs, ys)
    except ValueError as e:
        raise UserError(f"{p}: {e}") from None
