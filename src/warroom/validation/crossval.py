"""k-fold cross-validation of outcome models: held-out accuracy and casualty-ratio error."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..rng import stream
from ..stats import wilson
from .models import Data, Model


@dataclass
class Score:
    model: str
    describe: str
    n: int
    correct: int
    accuracy: float
    interval: tuple[float, float]
    n_cas: int
    cas_mae_log10: float  # mean |log10(predicted CR / observed CR)| over held-out battles
    cas_mae_interval: tuple[float, float]
    laws: dict[str, int]  # which law the folds chose (Lanchester models)

    def to_json(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def folds(n: int, k: int, seed: int) -> list[np.ndarray]:
    """k folds of a seeded permutation; fold sizes differ by at most one."""
    perm = stream(seed, 0, "validation").permutation(n)
    return [np.sort(f) for f in np.array_split(perm, k)]


def cross_validate(d: Data, models: list[Model], k: int, seed: int
                   ) -> tuple[list[Score], dict[str, np.ndarray]]:
    """Scores per model and each model's held-out predicted log CR (for plots)."""
    parts = folds(len(d.lfr), k, seed)
    scores, preds = [], {}
    for m in models:
        won = np.zeros(len(d.lfr), np.int8)
        lcr = np.zeros(len(d.lfr))
        laws: dict[str, int] = {}
        for test in parts:
            train = np.setdiff1d(np.arange(len(d.lfr)), test)
            m.fit(d.take(train))
            won[test], lcr[test] = m.predict(d.take(test))
            if hasattr(m, "law"):
                laws[m.law] = laws.get(m.law, 0) + 1
        correct = int((won == d.won).sum())
        known = ~np.isnan(d.lcr)
        err = np.abs(lcr[known] - d.lcr[known]) / math.log(10)
        half = 1.959963984540054 * err.std(ddof=1) / math.sqrt(len(err))
        scores.append(Score(m.name, m.describe, len(won), correct, correct / len(won),
                            wilson(correct, len(won)), len(err), float(err.mean()),
                            (float(err.mean() - half), float(err.mean() + half)), laws))
        preds[m.name] = lcr
    return scores, preds
