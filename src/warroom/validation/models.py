"""Outcome models for historical battles, each fitted on training folds only.

Every model predicts two things from pre-battle features: whether the attacker wins, and the
casualty ratio CR = attacker casualties / defender casualties (as its logarithm).

Lanchester link: with attrition dA/dt = -d D^e ..., the exchange is CR = lambda (D/A)^e with
e = 1 (square law), 0 (linear), -1 (logarithmic), and lambda the defender's effectiveness relative
to the attacker's. The attacker wins when the defender loses the larger fraction of its force:
CASD/D > CASA/A, i.e. log lambda < (1 + e) log(A/D) (Helmbold's advantage parameter). For the
square law that is a A^2 > d D^2, the state equation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LAWS = {"square": 1.0, "linear": 0.0, "log": -1.0}


@dataclass
class Data:
    lfr: np.ndarray  # log force ratio, attacker over defender
    x: np.ndarray  # posture, terrain, advantage codes (n, k)
    won: np.ndarray  # 1 if the attacker won
    lcr: np.ndarray  # log casualty ratio; NaN where a count is missing

    def take(self, idx: np.ndarray) -> Data:
        return Data(self.lfr[idx], self.x[idx], self.won[idx], self.lcr[idx])


def _best_threshold(score: np.ndarray, won: np.ndarray) -> float:
    """The cut c maximising the accuracy of 'attacker wins iff score > c' (ties: lowest c)."""
    order = np.argsort(score, kind="stable")
    s, w = score[order], won[order]
    # predicting "loses" for the first j battles and "wins" for the rest
    correct = (1 - w).cumsum() - w.cumsum() + w.sum()
    correct = np.concatenate([[w.sum()], correct])
    cuts = np.concatenate([[s[0] - 1.0], s])
    distinct = np.concatenate([s[1:] != s[:-1], [True]])
    ok = np.concatenate([[True], distinct])
    j = int(np.argmax(np.where(ok, correct, -1)))
    if j == 0 or j == len(s):
        return float(cuts[j])
    return float((s[j - 1] + s[j]) / 2)


def _ridge(a: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    """Least squares with an L2 penalty on every column but the first (the intercept)."""
    pen = np.full(a.shape[1], alpha)
    pen[0] = 0.0
    return np.linalg.solve(a.T @ a + np.diag(pen), a.T @ y)


def _logistic(a: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    """L2-penalised logistic regression by Newton's method (the penalised likelihood is convex)."""
    beta = np.zeros(a.shape[1])
    pen = np.full(a.shape[1], alpha)
    pen[0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(a @ beta)))
        grad = a.T @ (p - y) + pen * beta
        hess = (a * (p * (1 - p))[:, None]).T @ a + np.diag(pen)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


class Model:
    name = ""
    describe = ""

    def fit(self, d: Data) -> Model:
        raise NotImplementedError

    def predict(self, d: Data) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


@dataclass
class AttackerWins(Model):
    name = "attacker wins"
    describe = "always predicts an attacker win; casualty ratio = training median"
    lcr0: float = 0.0

    def fit(self, d: Data) -> AttackerWins:
        self.lcr0 = float(np.nanmedian(d.lcr))
        return self

    def predict(self, d: Data) -> tuple[np.ndarray, np.ndarray]:
        return np.ones(len(d.lfr), np.int8), np.full(len(d.lfr), self.lcr0)


@dataclass
class ForceRatio(Model):
    name = "force ratio"
    describe = ("attacker wins iff A/D exceeds a cut fitted on the training folds; "
                "log CR linear in log(A/D)")
    cut: float = 0.0
    coef: np.ndarray = field(default_factory=lambda: np.zeros(2))

    def fit(self, d: Data) -> ForceRatio:
        self.cut = _best_threshold(d.lfr, d.won)
        k = ~np.isnan(d.lcr)
        self.coef = np.linalg.lstsq(np.column_stack([np.ones(k.sum()), d.lfr[k]]), d.lcr[k],
                                    rcond=None)[0]
        return self

    def predict(self, d: Data) -> tuple[np.ndarray, np.ndarray]:
        return (d.lfr > self.cut).astype(np.int8), self.coef[0] + self.coef[1] * d.lfr


@dataclass
class Lanchester(Model):
    """One relative effectiveness lambda; the law (square, linear, log) chosen on training folds.

    With `multipliers`, log lambda is linear in posture, terrain and the advantage codes, fitted
    by ridge least squares on the training folds' casualty ratios.
    """

    multipliers: bool = False
    alpha: float = 1.0
    law: str = "square"
    beta: np.ndarray = field(default_factory=lambda: np.zeros(1))

    @property
    def name(self) -> str:  # type: ignore[override]
        return "Lanchester + multipliers" if self.multipliers else "Lanchester"

    @property
    def describe(self) -> str:  # type: ignore[override]
        if self.multipliers:
            return ("CR = lambda (D/A)^e with log lambda linear in posture, terrain and "
                    "advantage codes; winner by fraction lost")
        return "CR = lambda (D/A)^e, one lambda; winner by fraction lost"

    def _a(self, d: Data) -> np.ndarray:
        one = np.ones((len(d.lfr), 1))
        return np.hstack([one, d.x]) if self.multipliers else one

    def fit(self, d: Data) -> Lanchester:
        k = ~np.isnan(d.lcr)
        a = self._a(d)[k]
        best = np.inf
        for law, e in LAWS.items():
            y = d.lcr[k] + e * d.lfr[k]
            beta = _ridge(a, y, self.alpha)
            err = float(np.mean(np.abs(a @ beta - y)))
            if err < best:
                best, self.law, self.beta = err, law, beta
        return self

    def predict(self, d: Data) -> tuple[np.ndarray, np.ndarray]:
        e = LAWS[self.law]
        log_lambda = self._a(d) @ self.beta
        return (log_lambda < (1 + e) * d.lfr).astype(np.int8), log_lambda - e * d.lfr


@dataclass
class Logistic(Model):
    name = "logistic regression"
    describe = ("P(attacker wins) logistic in log(A/D), posture, terrain, advantage codes; "
                "log CR by ridge regression on the same features")
    alpha: float = 1.0
    mean: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sd: np.ndarray = field(default_factory=lambda: np.ones(0))
    win: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cas: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def _a(self, d: Data) -> np.ndarray:
        z = (np.column_stack([d.lfr, d.x]) - self.mean) / self.sd
        return np.hstack([np.ones((len(d.lfr), 1)), z])

    def fit(self, d: Data) -> Logistic:
        raw = np.column_stack([d.lfr, d.x])
        self.mean, self.sd = raw.mean(axis=0), raw.std(axis=0)
        self.sd[self.sd == 0] = 1.0
        a = self._a(d)
        self.win = _logistic(a, d.won.astype(float), self.alpha)
        k = ~np.isnan(d.lcr)
        self.cas = _ridge(a[k], d.lcr[k], self.alpha)
        return self

    def predict(self, d: Data) -> tuple[np.ndarray, np.ndarray]:
        a = self._a(d)
        return (a @ self.win > 0).astype(np.int8), a @ self.cas


def all_models() -> list[Model]:
    return [AttackerWins(), ForceRatio(), Lanchester(), Lanchester(multipliers=True), Logistic()]
