"""`warroom validate bodart`: which law the battles of each period favour, how decisively, and
with what Monte Carlo error; the draws run as seeded chunks on any executor and are accepted
together afterwards, so the answer does not depend on how many workers ran them."""

from __future__ import annotations

import itertools
import math
from concurrent.futures import Executor
from pathlib import Path

import numpy as np

from .bodart import PERIODS, Battles, load
from .orbits import casualties
from .selection import CHUNK, LAWS, Prior, select, simulate_chunk, summaries

DISTANCES = ("summary", "paper")


def _draws(b: Battles, n: int, seed: int, executor: Executor | None,
           prior: Prior) -> dict[str, dict[str, np.ndarray]]:
    jobs = [(law, c, min(CHUNK, n - c * CHUNK)) for law in LAWS
            for c in range(math.ceil(n / CHUNK))]
    if executor is None:
        parts = [simulate_chunk(b, law, size, seed, c, prior) for law, c, size in jobs]
    else:
        futures = [executor.submit(simulate_chunk, b, law, size, seed, c, prior)
                   for law, c, size in jobs]
        parts = [f.result() for f in futures]
    out = {}
    for law in LAWS:
        mine = [p for (lw, _, _), p in zip(jobs, parts, strict=True) if lw == law]
        out[law] = {k: np.concatenate([p[k] for p in mine]) for k in mine[0]}
    return out


def _bayes(counts: dict[str, int]) -> dict[str, dict[str, float | str]]:
    """Bayes factor of each law over each other: the ratio of accepted draws (equal prior
    odds); against a law with none accepted, a lower bound (as if it had one)."""
    out: dict[str, dict[str, float | str]] = {}
    for a, b in itertools.permutations(counts, 2):
        if counts[b] == 0:
            out.setdefault(a, {})[b] = f">= {counts[a]:g}" if counts[a] else "n/a"
        else:
            out.setdefault(a, {})[b] = counts[a] / counts[b]
    return out


def run_period(b: Battles, n: int, tolerance: float, distance: str, seed: int, repeats: int,
               executor: Executor | None, prior: Prior | None = None) -> dict:
    """Per law: posterior probability (mean and Monte Carlo sd over `repeats` seeds),
    accepted counts, Bayes factors and the posterior of (mu, sigma)."""
    prior = prior or Prior()
    observed = summaries(b.r0, b.rc, b.b0, b.bc)
    runs = [select(_draws(b, n, seed + r, executor, prior), observed, tolerance, distance)
            for r in range(repeats)]
    counts = {law: sum(run[law]["accepted"] for run in runs) for law in LAWS}
    laws = {}
    for law in LAWS:
        probs = np.array([run[law]["probability"] for run in runs])
        mu = np.concatenate([run[law]["mu"] for run in runs])
        sigma = np.concatenate([run[law]["sigma"] for run in runs])
        laws[law] = {
            "probability": float(probs.mean()),
            "probability_mc_sd": float(probs.std(ddof=1)) if repeats > 1 else None,
            "accepted": counts[law],
            "mu": _posterior(mu), "sigma": _posterior(sigma),
            "samples": {"mu": mu, "sigma": sigma},  # for the histograms, not the JSON
            "predicted": _predicted(b, law, mu, sigma, seed) if mu.size else None}
    best = max(laws, key=lambda k: laws[k]["probability"])
    return {"period": b.period, "years": list(PERIODS[b.period]), "battles": len(b),
            "best": best, "laws": laws, "bayes_factors": _bayes(counts),
            "accepted_total": sum(counts.values())}


def _posterior(x: np.ndarray) -> dict | None:
    if not x.size:
        return None
    lo, med, hi = np.percentile(x, [5, 50, 95])
    return {"median": float(med), "interval90": [float(lo), float(hi)]}


def _predicted(b: Battles, law: str, mu: np.ndarray, sigma: np.ndarray, seed: int) -> dict:
    """Casualties the accepted draws predict for each battle (median over draws), against the
    recorded ones: the figure of predicted against recorded."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(99,)))
    pick = rng.choice(mu.size, size=min(200, mu.size), replace=False)
    m, s = np.maximum(mu[pick], 1e-9)[:, None], np.maximum(sigma[pick], 1e-9)[:, None]
    rho = rng.gamma((m / s) ** 2, s**2 / m, size=(pick.size, len(b)))
    cas_r, cas_b = casualties(b.r0, b.rc, b.b0, b.bc, rho, *LAWS[law])
    return {"r": np.median(cas_r, 0).tolist(), "b": np.median(cas_b, 0).tolist()}


def run_bodart(folder: Path, periods: list[str], n: int, tolerance: float, distance: str,
               seed: int, repeats: int, executor: Executor | None,
               prior: Prior | None = None) -> dict:
    """Every period asked for, and the evidence over all of them: each period keeps its own
    parameters, so the periods' Bayes factors multiply (their log-evidence adds)."""
    prior = prior or Prior()
    battles = {p: load(folder, p) for p in periods}
    per_period = [run_period(battles[p], n, tolerance, distance, seed, repeats, executor,
                             prior) for p in periods]
    logs = {law: sum(math.log(max(per["laws"][law]["probability"], 1e-300))
                     for per in per_period) for law in LAWS}
    top = max(logs.values())
    weights = {law: math.exp(v - top) for law, v in logs.items()}
    overall = {law: w / sum(weights.values()) for law, w in weights.items()}
    return {"dataset": "Bodart-Willard", "source": str(folder), "distance": distance,
            "draws_per_law": n, "tolerance": tolerance, "repeats": repeats, "seed": seed,
            "prior": {"mu": [0.0, prior.mu_max], "sigma": [0.0, prior.sigma_max]},
            "periods": per_period, "overall": overall,
            "overall_best": max(overall, key=lambda k: overall[k])}
