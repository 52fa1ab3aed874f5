"""Shapley values of scenario elements: how much each contributes to a side's win probability,
averaged over every order in which the elements could be added.

v(S) is the value (win probability) with only the elements of S present. Exact values need
v at all 2^n subsets; for larger sets, marginal contributions along random orders give an
unbiased estimate with a standard error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import combinations

import numpy as np

Coalition = frozenset[str]


def subsets(players: list[str]) -> list[Coalition]:
    return [frozenset(c) for k in range(len(players) + 1) for c in combinations(players, k)]


def shapley_exact(v: Callable[[Coalition], np.ndarray | float],
                  players: list[str]) -> dict[str, np.ndarray | float]:
    """phi_i = sum over S without i of |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S)).
    v may return an array (one value per replication): phi then comes per replication too."""
    n = len(players)
    out: dict[str, np.ndarray | float] = {}
    for i in players:
        others = [p for p in players if p != i]
        total: np.ndarray | float = 0.0
        for k in range(n):
            w = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
            for c in combinations(others, k):
                s = frozenset(c)
                total = total + w * (v(s | {i}) - v(s))
        out[i] = total
    return out


def shapley_sampled(v: Callable[[Coalition], float], players: list[str], orders: int,
                    rng: np.random.Generator) -> dict[str, tuple[float, float]]:
    """(estimate, standard error) per player from `orders` random orders of the players."""
    contrib: dict[str, list[float]] = {p: [] for p in players}
    for _ in range(orders):
        s: Coalition = frozenset()
        before = v(s)
        for k in rng.permutation(len(players)):
            p = players[int(k)]
            s = s | {p}
            after = v(s)
            contrib[p].append(after - before)
            before = after
    return {p: (float(np.mean(c)), float(np.std(c, ddof=1) / math.sqrt(len(c)))
                if len(c) > 1 else float("nan")) for p, c in contrib.items()}


def orders_needed(players: list[str], orders: int, rng: np.random.Generator) -> list[Coalition]:
    """The coalitions that `orders` random orders visit (to evaluate them all up front)."""
    seen: set[Coalition] = {frozenset()}
    for _ in range(orders):
        s: Coalition = frozenset()
        for k in rng.permutation(len(players)):
            s = s | {players[int(k)]}
            seen.add(s)
    return sorted(seen, key=lambda c: (len(c), sorted(c)))
