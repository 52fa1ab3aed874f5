"""Loss rates of every (shooter, target) fire pair: the one place the Lanchester family lives.

rate = k * m * w * S**q * T**p, where m is the shooter's fire modifier, S the shooter force's
strength, T the target's, (p, q) the law's exponents (square: 0, 1; linear: 1, 1; logarithmic:
1, 0; Helmbold/Bracken: free) and w the share of the shooter's fire that the allocation rule
sends to this target. With one force per side w = 1 and the textbook laws come back exactly.
Compiled with numba because the stochastic solvers call it once per simulated casualty.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..core.codes import ALLOC_FIXED, ALLOC_NONE, ALLOC_PRIORITY, ALLOC_PROPORTIONAL
from .two_force import rate


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def pair_rates(x, eng_on, pair_eng, pair_group, shooter, target, k, p, q, alloc, share, rank,
               den, best, nbest, out):
    """Fill `out` with each pair's loss rate (targets removed per unit time) at strengths `x`.

    `k` is each pair's coefficient times its shooter's fire modifier (`effective_k`). Forces
    that are not fighting (held back, or on a broken side) come in with strength 0.

    `den`, `best` and `nbest` are scratch arrays with one slot per fire group, passed in so that
    the hot loop allocates nothing. Returns the total rate.
    """
    n = shooter.shape[0]
    split = False  # does any pair share its shooter's fire with another target?
    for i in range(n):
        if alloc[i] != ALLOC_NONE:
            split = True
            break
    if split:
        for g in range(den.shape[0]):
            den[g] = 0.0
            best[g] = 1 << 62
            nbest[g] = 0
        for i in range(n):
            t = target[i]
            if not eng_on[pair_eng[i]] or x[t] <= 0.0:
                continue
            g = pair_group[i]
            a = alloc[i]
            if a == ALLOC_PROPORTIONAL:
                den[g] += x[t]
            elif a == ALLOC_FIXED:
                den[g] += share[i]
            elif a == ALLOC_PRIORITY:
                if rank[i] < best[g]:
                    best[g] = rank[i]
                    nbest[g] = 1
                elif rank[i] == best[g]:
                    nbest[g] += 1
    total = 0.0
    for i in range(n):
        out[i] = 0.0
        s = shooter[i]
        t = target[i]
        if not eng_on[pair_eng[i]] or x[t] <= 0.0 or x[s] <= 0.0:
            continue
        a = alloc[i]
        w = 1.0
        if a == ALLOC_PROPORTIONAL:
            w = x[t] / den[pair_group[i]]
        elif a == ALLOC_FIXED:
            w = share[i] / den[pair_group[i]]
        elif a == ALLOC_PRIORITY:
            g = pair_group[i]
            w = 1.0 / nbest[g] if rank[i] == best[g] else 0.0
        r = rate(x[t], x[s], k[i] * w, p[i], q[i])
        out[i] = r
        total += r
    return total


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def effective_k(k, shooter, fire, out):
    """Each pair's coefficient times its shooter's fire modifier, once per stretch of
    constant modifiers, so the per-casualty loop pays nothing for them."""
    for i in range(k.shape[0]):
        out[i] = k[i] * fire[shooter[i]]
    return out


def scratch(world) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scratch arrays for `pair_rates` sized for `world`."""
    n_groups = int(world.pair_group.max()) + 1 if world.pair_group.size else 0
    return (
        np.zeros(n_groups),
        np.zeros(n_groups, dtype=np.int64),
        np.zeros(n_groups, dtype=np.int64),
        np.zeros(world.pair_k.shape[0]),
    )


def rates_at(world, x: np.ndarray, eng_on: np.ndarray,
             fire: np.ndarray | None = None) -> np.ndarray:
    """Per-pair loss rates at strengths `x` (convenience for tests and reports)."""
    den, best, nbest, out = scratch(world)
    k = world.pair_k if fire is None else world.pair_k * fire[world.pair_shooter]
    pair_rates(np.maximum(x, 0.0), eng_on, world.pair_eng, world.pair_group, world.pair_shooter,
               world.pair_target, k, world.pair_p, world.pair_q, world.pair_alloc,
               world.pair_share, world.pair_rank, den, best, nbest, out)
    return out
