"""A battle record for fitting: strengths (observed at some times), reinforcements and losses.

CSV columns: `t` (required), `blue`, `red` (strength at t; blank where not observed), and
optionally `blue_reinforcements`, `red_reinforcements` (arriving during the step that ends at t)
and `blue_losses`, `red_losses` (casualties during that step). Every mistake names the file,
line and column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import Problem, UserError

COLUMNS = ("t", "blue", "red", "blue_reinforcements", "red_reinforcements", "blue_losses",
           "red_losses")


@dataclass(frozen=True)
class BattleRecord:
    t: np.ndarray
    blue: np.ndarray  # nan where not observed
    red: np.ndarray
    blue_reinforcements: np.ndarray  # zeros where the file has no such column
    red_reinforcements: np.ndarray
    blue_losses: np.ndarray | None  # None where the file has no such column
    red_losses: np.ndarray | None

    @property
    def has_losses(self) -> bool:
        return self.blue_losses is not None and self.red_losses is not None

    def total_losses(self, side: str) -> float:
        """The side's losses over the record: summed per-step losses where given, otherwise
        initial + reinforcements - last observed strength."""
        given = getattr(self, f"{side}_losses")
        if given is not None:
            return float(given[1:].sum())
        obs = getattr(self, side)
        last = int(np.flatnonzero(~np.isnan(obs))[-1])
        reinf = getattr(self, f"{side}_reinforcements")[1 : last + 1].sum()
        return float(obs[0] + reinf - obs[last])


def read_record(path: str | Path) -> BattleRecord:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a text (CSV) file") from None
    rows = [(i + 1, r) for i, r in enumerate(csv.reader(lines)) if r and not r[0].startswith("#")]
    if not rows:
        raise UserError(f"{path}: empty file, expected a header with a `t` column")
    head_line, header = rows[0]
    header = [h.strip() for h in header]
    problems: list[Problem] = []
    unknown = [h for h in header if h not in COLUMNS]
    for h in unknown:
        problems.append(Problem(str(path), head_line, header.index(h) + 1, h,
                                f"unknown column; expected some of: {', '.join(COLUMNS)}"))
    if "t" not in header:
        problems.append(Problem(str(path), head_line, 1, "t",
                                "missing column `t` (the time of each row)"))
    if problems:
        raise UserError(f"{path}: not a battle record", problems)
    data = {h: np.full(len(rows) - 1, np.nan) for h in header}
    for k, (line, row) in enumerate(rows[1:]):
        for c, h in enumerate(header):
            cell = row[c].strip() if c < len(row) else ""
            if cell == "":
                continue
            try:
                data[h][k] = float(cell)
            except ValueError:
                problems.append(Problem(str(path), line, c + 1, h,
                                        f"expected a number, found {cell!r}"))
    if problems:
        raise UserError(f"{path}: {len(problems)} bad cell(s)", problems)
    t = data["t"]
    lines_of = [line for line, _ in rows[1:]]
    if np.isnan(t).any():
        k = int(np.flatnonzero(np.isnan(t))[0])
        raise UserError(f"{path}:{lines_of[k]}: t: every row needs a time")
    if len(t) < 2:
        raise UserError(f"{path}: expected at least two rows of data, found {len(t)}")
    bad = np.flatnonzero(np.diff(t) <= 0)
    if bad.size:
        k = int(bad[0]) + 1
        raise UserError(f"{path}:{lines_of[k]}: t: times must increase, found {t[k]:g} after "
                        f"{t[k - 1]:g}")
    for side in ("blue", "red"):
        if side not in data or np.isnan(data[side]).all():
            raise UserError(f"{path}: column `{side}` is never observed; expected the {side} "
                            "strength at one time at least (e.g. the start)")
        if np.isnan(data[side][0]):
            raise UserError(f"{path}:{lines_of[0]}: {side}: the first row must give the initial "
                            f"{side} strength")
    zeros = np.zeros_like(t)

    def col(name):
        return np.nan_to_num(data[name]) if name in data else zeros

    losses = {s: (np.nan_to_num(data[f"{s}_losses"]) if f"{s}_losses" in data else None)
              for s in ("blue", "red")}
    return BattleRecord(t, data["blue"], data["red"], col("blue_reinforcements"),
                        col("red_reinforcements"), losses["blue"], losses["red"])
