"""Which Lanchester law the historical battles favour: Approximate Bayesian Computation by
rejection, after Rubio-Campillo (2016, PLoS ONE 11(1): e0146491; code: xrubio/lanchester).

Each law's parameter is the ratio rho of side R's effectiveness to B's, drawn per battle from a
Gamma distribution of mean mu and standard deviation sigma (priors uniform). A draw simulates
every battle of the period (closed-form paths, `orbits.casualties`) and is accepted when it is
among the closest `tolerance` share of all draws of every law; a law's posterior probability is
its share of the accepted draws (equal prior odds), a Bayes factor the ratio of two shares.

Two distances: `paper`, the reference's sum over battles and sides of |simulated - recorded| /
recorded; and `summary` (default), the Euclidean distance between standardised summaries of the
whole period: intercept, slope and residual spread of log(Bc/Rc) against log(R0/B0) (the square
law ties the casualty ratio to the force ratio, the linear law does not) and of the ratio of
the sides' log survival shares (constant under the logarithmic law). The paper's fatigue law
divides both sides' rates by one factor of time, so its path, and every casualty, is the
logarithmic law's: it is not a separate model here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..attrition.laws import AIMED, AREA, LOGARITHMIC
from ..rng import stream
from .bodart import Battles
from .orbits import casualties

LAWS = {"linear": AREA, "square": AIMED, "logarithmic": LOGARITHMIC}
CHUNK = 2000  # draws simulated at once: CHUNK x battles floats per array


@dataclass(frozen=True)
class Prior:
    mu_max: float = 5.0
    sigma_max: float = 5.0


def summaries(r0, rc, b0, bc) -> np.ndarray:
    """The six summaries of a period (last axis), for casualty arrays of any leading shape."""
    x = np.log(r0 / b0)
    xs = x - x.mean()
    out = []
    # a simulated side may lose nothing or everything: both are kept finite
    share_b, share_r = (np.clip(c / s, 1e-12, 1 - 1e-12) for c, s in ((bc, b0), (rc, r0)))
    ys = (np.log(share_b * b0) - np.log(share_r * r0),
          np.log(np.log1p(-share_b) / np.log1p(-share_r)))
    for y in ys:
        slope = (y * xs).sum(-1) / (xs * xs).sum()
        icpt = y.mean(-1) - slope * x.mean()
        resid = y - (icpt[..., None] + slope[..., None] * x)
        out += [icpt, slope, resid.std(-1)]
    return np.stack(out, -1)


def paper_distance(b: Battles, cas_r: np.ndarray, cas_b: np.ndarray) -> np.ndarray:
    return (np.abs(cas_r - b.rc) / b.rc + np.abs(cas_b - b.bc) / b.bc).sum(-1)


def simulate_chunk(b: Battles, law: str, n: int, seed: int, chunk: int,
                   prior: Prior = Prior()) -> dict[str, np.ndarray]:
    """n draws of law `law`: their mu, sigma, paper distance and summaries. A pure function of
    its arguments (its own stream), so that chunks may run anywhere in any order."""
    rng = stream(seed, chunk * len(LAWS) + list(LAWS).index(law), "validation")
    mu = rng.uniform(0.0, prior.mu_max, n)
    sigma = rng.uniform(0.0, prior.sigma_max, n)
    mu_, sd_ = np.maximum(mu, 1e-9)[:, None], np.maximum(sigma, 1e-9)[:, None]
    rho = rng.gamma((mu_ / sd_) ** 2, sd_**2 / mu_, size=(n, len(b)))
    p, q = LAWS[law]
    cas_r, cas_b = casualties(b.r0, b.rc, b.b0, b.bc, rho, p, q)
    return {"mu": mu, "sigma": sigma, "paper": paper_distance(b, cas_r, cas_b),
            "summary": summaries(b.r0, cas_r, b.b0, cas_b)}


def select(draws: dict[str, dict[str, np.ndarray]], observed: np.ndarray, tolerance: float,
           distance: str) -> dict:
    """Accept the closest `tolerance` share of every law's draws together; per law: accepted
    count, posterior probability and the accepted (mu, sigma)."""
    if distance == "summary":
        allsum = np.concatenate([d["summary"] for d in draws.values()])
        mad = np.median(np.abs(allsum - np.median(allsum, 0)), 0)
        mad = np.where(mad > 0, mad, 1.0)
        dist = {law: np.sqrt((((d["summary"] - observed) / mad) ** 2).sum(-1))
                for law, d in draws.items()}
    else:
        dist = {law: d["paper"] for law, d in draws.items()}
    every = np.concatenate(list(dist.values()))
    keep = max(1, int(round(tolerance * every.size)))
    cut = np.partition(every, keep - 1)[keep - 1]
    ok = {law: dv <= cut for law, dv in dist.items()}
    total = sum(int(v.sum()) for v in ok.values())
    return {law: {"accepted": int(v.sum()), "probability": float(v.sum() / total),
                  "mu": draws[law]["mu"][v], "sigma": draws[law]["sigma"][v]}
            for law, v in ok.items()}
