"""Bodart's battles 1620-1905 as compiled by Willard (../shared/data/bodart_willard_1080):
initial strength and casualties of each side, one file per period.

Side R is, in every row, the side that lost the smaller (or equal) share of its men; NOTE.md
calls the convention unverified (it is often the victor, not always), and a model of the ratio
of the sides' effectiveness inherits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UserError, did_you_mean

PERIODS = {"01": (1620, 1701), "02": (1702, 1792), "03": (1793, 1860), "04": (1861, 1905)}
COLUMNS = ("year", "R0", "Rc", "B0", "Bc")


@dataclass(frozen=True)
class Battles:
    """One period's battles: initial strengths and casualties of sides R and B."""

    period: str
    year: np.ndarray
    r0: np.ndarray
    rc: np.ndarray
    b0: np.ndarray
    bc: np.ndarray

    def __len__(self) -> int:
        return self.year.size


def check_period(period: str) -> None:
    if period not in PERIODS:
        spans = "; ".join(f"{k}: {a}-{b}" for k, (a, b) in PERIODS.items())
        raise UserError(f"--period: unknown period {period!r}"
                        f"{did_you_mean(period, list(PERIODS))}; expected some of "
                        f"{', '.join(PERIODS)} ({spans})")


def load(folder: str | Path, period: str) -> Battles:
    """The battles of one period, every row checked: 0 < casualties < strength."""
    check_period(period)
    path = Path(folder) / f"{period}.csv"
    if not path.is_file():
        raise UserError(f"{path}: not found; expected the Bodart-Willard folder with "
                        f"{', '.join(f'{k}.csv' for k in PERIODS)} (../shared/data/"
                        "bodart_willard_1080)")
    try:
        df = pd.read_csv(path, sep=";")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        raise UserError(f"{path}: not a readable ';'-separated table ({e})") from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise UserError(f"{path}:1: expected the columns {', '.join(COLUMNS)}; missing "
                        f"{', '.join(missing)}")
    values = {c: pd.to_numeric(df[c], errors="coerce").to_numpy(float) for c in COLUMNS}
    lo, hi = PERIODS[period]
    for i in range(len(df)):
        y, r0, rc, b0, bc = (values[c][i] for c in COLUMNS)
        if not all(np.isfinite(v) for v in (y, r0, rc, b0, bc)):
            raise UserError(f"{path}:{i + 2}: expected numbers in every column")
        if not (0 < rc < r0 and 0 < bc < b0):
            raise UserError(f"{path}:{i + 2}: expected 0 < casualties < strength for both "
                            f"sides, found R {rc:g} of {r0:g}, B {bc:g} of {b0:g}")
        if not lo <= y <= hi:
            raise UserError(f"{path}:{i + 2}: year {y:g} lies outside period {period} "
                            f"({lo}-{hi})")
    return Battles(period, values["year"], values["R0"], values["Rc"], values["B0"],
                   values["Bc"])
