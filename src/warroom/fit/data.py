"""A battle record for fitting: strengths (observed at some times), reinforcements and losses.

CSV columns: `t` (required), `blue`, `red` (strength at t; blank where not observed), and
optionally `blue_reinforcements`, `red_reinforcements` (arriving during the step that ends at t)
and `blue_losses`, `red_losses` (casualties during that step). Every mistake names the file,
line and column; every value is finite, bounded and (but times) >= 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import Problem, UserError
from ..limits import over
from .rows import at, read_rows, show

COLUMNS = ("t", "blue", "red", "blue_reinforcements", "red_reinforcements", "blue_losses",
           "red_losses")


@dataclass(frozen=True)
class BattleRecord:
    t: np.ndarray
    blue: np.ndarray  # nan where not observed
    red: np.ndarray
    blue_reinforcements: np.ndarray  # zeros where the file has no such column
    red_reinforcements: np.ndarray
    blue_losses: np.ndarray | None  # nan where not counted; None: never counted (or no column)
    red_losses: np.ndarray | None
    file: str = "<record>"
    lines: tuple[int, ...] = ()  # the file's line of each row, for messages about the content

    def at(self, k: int = 0) -> str:
        """'file:line' of row k (-1: the last), to begin a message about the record's content."""
        return f"{self.file}:{self.lines[k]}" if self.lines else self.file

    @property
    def has_losses(self) -> bool:
        return self.blue_losses is not None and self.red_losses is not None

    def total_losses(self, side: str) -> float:
        """The side's losses over the record: summed per-step losses where every step's are
        given, otherwise initial + reinforcements - last observed strength."""
        given = getattr(self, f"{side}_losses")
        if given is not None and not np.isnan(given[1:]).any():
            return float(given[1:].sum())
        obs = getattr(self, side)
        last = int(np.flatnonzero(~np.isnan(obs))[-1])
        reinf = getattr(self, f"{side}_reinforcements")[1 : last + 1].sum()
        return float(obs[0] + reinf - obs[last])


MIN_SPAN = 1e-9  # time units a record must span: its rates (1/time) then stay far from overflow
MIN_STEP = 1e-9  # shortest step, as a fraction of the span: steps differ by 9 orders at most
SHOWN = 10  # bad cells listed in one message (the count says how many there are)


def read_record(path: str | Path) -> BattleRecord:
    path = Path(path)
    rows = read_rows(path, "a battle record (CSV)")
    if not rows:
        raise at(path, 1, None, "", "empty file, expected a header with a `t` column")
    head_line, header = rows[0]
    header = [h.strip() for h in header]
    problems = _header_problems(str(path), head_line, header)
    if problems:
        raise UserError(f"{path}: not a battle record", problems)
    if len(rows) < 3:
        raise at(path, rows[-1][0], None, "", f"expected at least two rows of data, found "
                 f"{len(rows) - 1}")
    data = {h: np.full(len(rows) - 1, np.nan) for h in header}
    for k, (line, row) in enumerate(rows[1:]):
        if any(c.strip() for c in row[len(header):]):
            problems.append(Problem(str(path), line, len(header) + 1, "",
                                    f"{len(row)} cells, but the header names {len(header)}"))
        for c, h in enumerate(header):
            cell = row[c].strip() if c < len(row) else ""
            if cell:
                value, why = _number(cell, h)
                if why:
                    problems.append(Problem(str(path), line, c + 1, h, why))
                data[h][k] = value
    if problems:
        first = f"; the first {SHOWN}" if len(problems) > SHOWN else ""
        raise UserError(f"{path}: {len(problems)} bad cell(s){first}", problems[:SHOWN])
    lines_of = [line for line, _ in rows[1:]]
    _check_times(path, data["t"], lines_of, header.index("t") + 1)
    for side in ("blue", "red"):
        if side not in data or np.isnan(data[side]).all():
            raise at(path, head_line, None, side, f"column `{side}` is never observed; expected "
                     f"the {side} strength at one time at least (e.g. the start)")
        if np.isnan(data[side][0]):
            raise at(path, lines_of[0], header.index(side) + 1, side,
                     f"the first row must give the initial {side} strength")
    zeros = np.zeros_like(data["t"])

    def col(name):
        return np.nan_to_num(data[name]) if name in data else zeros

    # a blank loss cell is "not counted", never 0; a column blank throughout is no column
    losses = {s: (data[f"{s}_losses"] if f"{s}_losses" in data
                  and not np.isnan(data[f"{s}_losses"][1:]).all() else None)
              for s in ("blue", "red")}
    return BattleRecord(data["t"], data["blue"], data["red"], col("blue_reinforcements"),
                        col("red_reinforcements"), losses["blue"], losses["red"], str(path),
                        tuple(lines_of))


def _header_problems(file: str, line: int, header: list[str]) -> list[Problem]:
    problems = []
    for c, h in enumerate(header):
        if h not in COLUMNS:
            problems.append(Problem(file, line, c + 1, h, "unknown column; expected some of: "
                                    + ", ".join(COLUMNS) if h else "a column without a name"))
        elif h in header[:c]:
            problems.append(Problem(file, line, c + 1, h, "the column is named twice"))
    if "t" not in header:
        problems.append(Problem(file, line, 1, "t", "missing column `t` (the time of each row)"))
    return problems


def _number(cell: str, column: str) -> tuple[float, str | None]:
    """The cell's value, and why it is refused (None if it is not): every value is finite and
    bounded, so the integration cannot overflow; only a time may be negative."""
    try:
        v = float(cell)
    except ValueError:
        return np.nan, f"expected a number, found {show(cell)}"
    if not math.isfinite(v):
        return np.nan, f"expected a finite number, found {show(cell)}"
    msg = over("magnitude", abs(v), "the number")
    if msg:
        return np.nan, msg
    if v < 0 and column != "t":
        return np.nan, f"expected a number >= 0 (a strength or a count), found {show(cell)}"
    return v, None


def _check_times(path: Path, t: np.ndarray, lines_of: list[int], col: int) -> None:
    if np.isnan(t).any():
        k = int(np.flatnonzero(np.isnan(t))[0])
        raise at(path, lines_of[k], col, "t", "every row needs a time")
    steps = np.diff(t)
    bad = np.flatnonzero(steps <= 0)
    if bad.size:
        k = int(bad[0]) + 1
        raise at(path, lines_of[k], col, "t", f"times must increase, found {t[k]:g} after "
                 f"{t[k - 1]:g}")
    span = float(t[-1] - t[0])
    if span < MIN_SPAN:
        raise at(path, lines_of[-1], col, "t", f"the record spans {span:g} time units from "
                 f"its first row; expected at least {MIN_SPAN:g} (give times in a smaller unit)")
    bad = np.flatnonzero(steps < MIN_STEP * span)
    if bad.size:
        k = int(bad[0]) + 1
        raise at(path, lines_of[k], col, "t", f"{t[k]:.17g} is only {steps[k - 1]:g} after "
                 f"{t[k - 1]:.17g}; steps must be at least {MIN_STEP:g} of the record's span "
                 f"({span:g})")
