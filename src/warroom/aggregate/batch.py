"""Many replications of a stochastic battle in one compiled loop (the batch axis of an
experiment): each replication's outcome, the breakpoint that decided it, and each side's
strength on a fixed time grid, with the same numbers as one `simulate()` per replication."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..rng import stream
from ..rngfast import Slot, child_words, seed_slot
from ..world.compile import World
from .state import ARRIVED, DECIDING, LOST, N_REC, WITHDRAWN, new_state, world_arrays
from .stochastic import CTMC, TAU_LEAP, _outcome, run_stochastic


@njit(cache=True, nogil=True, error_model="numpy")
def _batch(w, s, gen, view, flags, layout, words, method, tau, n_sides, grid, final, lost,
           withdrawn, end_time, winner, reason, deciding, series):
    F = w.x0.shape[0]
    for r in range(words.shape[0]):
        seed_slot(view, words[r], layout)
        flags[0] = 0
        flags[1] = 0
        run_stochastic(w, s, gen, method, tau)
        n_rec = int(s.scal[N_REC])
        _outcome(w, s, r, final, end_time, winner, reason)
        for f in range(F):
            lost[r, f] = s.rec_led[n_rec - 1, LOST, f]
            withdrawn[r, f] = s.rec_led[n_rec - 1, WITHDRAWN, f]
        deciding[r] = int(s.scal[DECIDING])
        j = 0
        for g in range(grid.shape[0]):
            while j + 1 < n_rec and s.rec_t[j + 1] <= grid[g]:
                j += 1
            for side in range(n_sides):
                series[r, side, g] = 0.0
            for f in range(F):
                x = max(w.x0[f] + s.rec_led[j, ARRIVED, f] - s.rec_led[j, WITHDRAWN, f]
                        - s.rec_led[j, LOST, f], 0.0)
                series[r, w.force_side[f], g] += x


def batch_outcomes(world: World, seed: int, start: int, stop: int,
                   grid: np.ndarray) -> dict[str, np.ndarray]:
    """Replications start..stop-1 of a ctmc or tau_leap world."""
    n, F, S = stop - start, world.n_forces, len(world.side_ids)
    out = {"final": np.zeros((n, F)), "lost": np.zeros((n, F)),
           "withdrawn": np.zeros((n, F)), "end_time": np.zeros(n),
           "winner": np.zeros(n, np.int64), "reason": np.zeros(n, np.int64),
           "deciding": np.zeros(n, np.int64), "series": np.zeros((n, S, len(grid)))}
    slot = Slot()
    method = CTMC if world.solver == "ctmc" else TAU_LEAP
    _batch(world_arrays(world), new_state(world), slot.gen, slot.view, slot.flags, slot.layout,
           child_words(seed, start, stop, "attrition"), method, world.step, S, grid,
           out["final"], out["lost"], out["withdrawn"], out["end_time"], out["winner"],
           out["reason"], out["deciding"], out["series"])
    return out


class Alone:
    """One stochastic world fought alone from its start to its end, again and again with new
    strengths, kill rates and seeds (the campaign's battles of one shape): the same numbers as
    the aggregate engine run from its reset to its end with that seed, without building a
    world and a state each time."""

    def __init__(self, world: World):
        w = world_arrays(world)
        # its own copies of what each fight rewrites (the world's arrays stay as they were)
        self.w = w._replace(x0=w.x0.copy(), side_x0=w.side_x0.copy(), pair_k=w.pair_k.copy())
        self.s = new_state(world)
        self.method = CTMC if world.solver == "ctmc" else TAU_LEAP
        self.tau = world.step

    def fight(self, x0: np.ndarray, pair_k: np.ndarray, seed: int
              ) -> tuple[np.ndarray, np.ndarray]:
        """Each force's losses and which sides broke."""
        w, s = self.w, self.s
        w.x0[:] = x0
        w.side_x0[:] = np.bincount(w.force_side, weights=x0, minlength=len(w.side_x0))
        w.pair_k[:] = pair_k
        run_stochastic(w, s, stream(seed, 0, "attrition"), self.method, self.tau)
        return s.rec_led[int(s.scal[N_REC]) - 1, LOST].copy(), s.side_broken.copy()
