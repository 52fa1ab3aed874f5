"""Threshold cascades on a graph, for studies of how refusal and defection spread: who turns
and in which round, vectorised over CSR arrays (a frontier sweep touches each edge at most
once, so a million nodes take a fraction of a second).

Rules (round r + 1 counts the neighbours turned by round r):
- `fractional` (Watts 2002): a node turns once at least phi of its neighbours have; a node
  without neighbours never turns unless seeded.
- `absolute` (Granovetter 1978): a node turns once at least theta of its neighbours have.
- `exposure` (independent cascade): a node turned in round r exposes each neighbour not yet
  turned once, turning it with probability p (the neighbour's susceptibility).
A node whose threshold is met with no neighbour turned (phi = 0 with neighbours, theta = 0)
turns in round 0 with the seeds: Granovetter's instigator needs no seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from ..rng import stream
from .graph import Graph, GraphError, as_graph

RULES = ("fractional", "absolute", "exposure")


@dataclass(frozen=True, eq=False)
class Cascade:
    """Who turned (`turned`) and in which round (`step`, -1: never; 0: seeds and instigators)."""

    step: np.ndarray  # (n,) int64

    @property
    def turned(self) -> np.ndarray:
        return self.step >= 0

    @property
    def size(self) -> int:
        return int(np.count_nonzero(self.step >= 0))

    @property
    def fraction(self) -> float:
        return self.size / self.step.shape[0] if self.step.shape[0] else 0.0

    @property
    def rounds(self) -> int:
        """The last round in which anyone turned (0: nobody beyond the seeds)."""
        return int(self.step.max()) if self.size else 0

    def sizes(self) -> np.ndarray:
        """How many had turned by the end of each round 0..rounds."""
        return np.cumsum(np.bincount(self.step[self.step >= 0], minlength=self.rounds + 1))


@njit(cache=True, nogil=True)
def _frontier(step, frontier):
    hi = 0
    for v in range(step.shape[0]):
        if step[v] == 0:
            frontier[hi] = v
            hi += 1
    return hi


@njit(cache=True, nogil=True)
def _sweep_threshold(indptr, indices, rem, step, frontier, max_rounds):
    """Rounds of turning from the nodes at step 0. rem[v]: how many more of v's neighbours
    must turn (<= 0: turned), so each edge costs one read and write of one small array."""
    lo, hi = 0, _frontier(step, frontier)
    r = 0
    while lo < hi and r < max_rounds:
        end = hi
        for q in range(lo, end):
            u = frontier[q]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                left = rem[v]
                if left > 0:
                    left -= 1
                    rem[v] = left
                    if left == 0:
                        step[v] = r + 1
                        frontier[hi] = v
                        hi += 1
        lo = end
        r += 1
    return hi


@njit(cache=True, nogil=True)
def _sweep_exposure(indptr, indices, chance, draws, step, frontier, max_rounds):
    """Rounds of exposure: a node turned in round r turns each neighbour not yet turned
    with the neighbour's chance, one uniform per CSR entry (each entry is tried once)."""
    lo, hi = 0, _frontier(step, frontier)
    r = 0
    while lo < hi and r < max_rounds:
        end = hi
        for q in range(lo, end):
            u = frontier[q]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if step[v] < 0 and draws[e] < chance[v]:
                    step[v] = r + 1
                    frontier[hi] = v
                    hi += 1
        lo = end
        r += 1
    return hi


def _per_node(name: str, value: Any, n: int, lo: float, hi: float, whole: bool) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if a.ndim == 0:
        a = np.full(n, float(a))
    if a.shape != (n,):
        raise GraphError(f"{name} must be one number or one per node ({n}), not shape {a.shape}")
    bad = ~np.isfinite(a) | (a < lo) | (a > hi) | ((a != np.round(a)) if whole else False)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        kind = "a whole number" if whole else "a number"
        raise GraphError(f"{name} of node {i} is {float(a[i])!r}: expected {kind} in "
                         f"[{lo:g}, {hi:g}]")
    return a


def _seed_mask(seeds: Any, n: int) -> np.ndarray:
    s = np.asarray(seeds)
    if s.dtype == bool:
        if s.shape != (n,):
            raise GraphError(f"a seed mask needs one flag per node ({n}), not shape {s.shape}")
        return s.copy()
    s = s.reshape(-1)
    if s.size and (not np.issubdtype(s.dtype, np.integer) or s.min() < 0 or s.max() >= n):
        raise GraphError(f"seeds must be node indices in 0..{n - 1}")
    mask = np.zeros(n, bool)
    mask[s.astype(np.int64)] = True
    return mask


def threshold_cascade(graph: Any, thresholds: Any = 0.0, seeds: Any = (), rule: str = "fractional",
                      seed: int | np.random.Generator = 0, max_rounds: int | None = None,
                      n: int | None = None) -> Cascade:
    """Run a cascade to its end (or for `max_rounds`). `graph`: a Graph, a SciPy sparse
    adjacency, a networkx graph on 0..n-1 or an (E, 2) edge list with `n`. `thresholds`: phi
    in [0, 1] (fractional), theta whole >= 0 (absolute) or p in [0, 1] (exposure), one
    number or one per node. `seeds`: node indices or a mask, turned at round 0. `seed`: the
    exposure rule's draws (an int is `SeedSequence(seed)`'s morale stream)."""
    if rule not in RULES:
        raise GraphError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    g: Graph = as_graph(graph, n)
    nn = g.n
    rounds = np.iinfo(np.int64).max if max_rounds is None else int(max_rounds)
    if rounds < 0:
        raise GraphError(f"max_rounds must be >= 0, not {max_rounds}")
    step = np.where(_seed_mask(seeds, nn), 0, -1).astype(np.int64)
    deg = g.degree
    frontier = np.empty(nn, np.int64)
    if rule == "exposure":
        chance = _per_node("p", thresholds, nn, 0.0, 1.0, whole=False)
        rng = seed if isinstance(seed, np.random.Generator) else stream(int(seed), 0, "morale")
        draws = np.asarray(rng.random(int(g.indices.shape[0])), float)
        _sweep_exposure(g.indptr, g.indices, chance, draws, step, frontier, rounds)
        return Cascade(step)
    whole = rule == "absolute"
    th = _per_node("theta" if whole else "phi", thresholds, nn, 0.0, np.inf if whole else 1.0,
                   whole)
    # count >= phi * degree holds for a whole count exactly when count >= ceil(phi * degree);
    # a need above the degree can never be met (degree + 1 stands for it)
    need = th if whole else np.where(deg > 0, np.ceil(th * deg), np.inf)
    need = np.minimum(need, deg + 1.0)
    step[(need <= 0) & (step < 0)] = 0  # instigators
    rem = np.where(step >= 0, 0, need)
    # the smallest integer type that holds every need: the array every edge touches at
    # random then stays in cache (a million nodes of degree < 127 in 1 MiB)
    top = float(rem.max(initial=0))
    rem = rem.astype(np.int8 if top < 127 else np.int16 if top < 32767 else np.int32)
    _sweep_threshold(g.indptr, g.indices, rem, step, frontier, rounds)
    return Cascade(step)
