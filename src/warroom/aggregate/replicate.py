"""Many replications of one world: replication i uses stream(seed, i), so results do not depend
on how replications are split over threads. Stochastic solvers release the GIL, so threads give
real parallelism; each thread reuses one battle state."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..rng import stream
from ..rngfast import fast_streams_available
from ..world.compile import World
from .batch import batch_outcomes
from .engine import solve
from .registry import STOCHASTIC
from .state import new_state, world_arrays
from .stochastic import CTMC, TAU_LEAP, _outcome, run_stochastic


def replicate(world: World, n: int, seed: int, workers: int = 1) -> dict[str, np.ndarray]:
    """Final strengths (n, F), end times, winners (side index or -1) and end reasons."""
    F = world.n_forces
    out = {"final": np.zeros((n, F)), "end_time": np.zeros(n),
           "winner": np.zeros(n, np.int64), "reason": np.zeros(n, np.int64)}
    chunks = np.array_split(np.arange(n), max(1, min(n, workers * 4)))
    run = _stochastic_chunk if world.solver in STOCHASTIC else _python_chunk
    if workers <= 1:
        for c in chunks:
            run(world, seed, c, out)
    else:
        with ThreadPoolExecutor(workers) as ex:
            list(ex.map(lambda c: run(world, seed, c, out), chunks))
    return out


def _store(world, s, i, out):
    _outcome(world_arrays(world), s, i, out["final"], out["end_time"], out["winner"],
             out["reason"])


def _stochastic_chunk(world, seed, idx, out):
    a, b = int(idx[0]), int(idx[-1]) + 1
    if fast_streams_available():  # the experiment's compiled batch loop, with no time grid
        got = batch_outcomes(world, seed, a, b, np.zeros(0))
        for k in ("final", "end_time", "winner", "reason"):
            out[k][a:b] = got[k]
        return
    w, s = world_arrays(world), new_state(world)
    method = CTMC if world.solver == "ctmc" else TAU_LEAP
    for i in idx:  # fallback where rngfast's self-test fails: one Generator per replication
        run_stochastic(w, s, stream(seed, int(i), "attrition"), method, world.step)
        _store(world, s, i, out)


def _python_chunk(world, seed, idx, out):
    for i in idx:
        s = solve(world, seed, int(i))
        _store(world, s, i, out)
