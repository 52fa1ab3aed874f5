"""Many replications of a stochastic battle in one compiled loop (the batch axis of an
experiment): each replication's outcome, the breakpoint that decided it, and each side's
strength on a fixed time grid, with the same numbers as one `simulate()` per replication."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..rng import PURPOSES
from ..rngfast import Slot, child_words, seed_slot, seed_words
from ..world.compile import World
from .state import ARRIVED, DECIDING, LOST, N_REC, WITHDRAWN, new_state, world_arrays
from .stochastic import CTMC, TAU_LEAP, _outcome, run_stochastic

ATTRITION = np.uint64(PURPOSES["attrition"])


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


@njit(cache=True, nogil=True, error_model="numpy")
def _each(ws, ss, orders, shape, starts, strength, rate, seeds, gen, view, flags, layout, method,
          tau, lost, broken, side_starts):
    """Battle b (forces starts[b]..starts[b+1]-1 of the arrays, in the order given) fought
    alone in the world of its shape, from its start to its end, with its seed's stream (that
    of `rng.stream(seed, 0, "attrition")`)."""
    entropy = np.empty(6, np.uint64)
    words = np.empty(4, np.uint64)
    for b in range(shape.shape[0]):
        k = shape[b]
        w, s, order = ws[k], ss[k], orders[k]
        lo = starts[b]
        n = order.shape[0]
        w.side_x0[:] = 0.0
        for i in range(n):  # the world lists forces side by side: its i-th is given as order[i]
            w.x0[i] = strength[lo + order[i]]
            w.side_x0[w.force_side[i]] += w.x0[i]
        for p in range(w.pair_k.shape[0]):
            w.pair_k[p] = rate[lo + order[w.pair_shooter[p]]]
        seed_words(seeds[b], np.uint64(0), ATTRITION, entropy, words)
        seed_slot(view, words, layout)
        flags[0] = 0
        flags[1] = 0
        run_stochastic(w, s, gen, method, tau)
        last = int(s.scal[N_REC]) - 1
        for i in range(n):
            lost[lo + order[i]] = s.rec_led[last, LOST, i]
        for j in range(s.side_broken.shape[0]):
            broken[side_starts[b] + j] = s.side_broken[j]


class Alone:
    """Stochastic worlds of many shapes, each fought alone from its start to its end, again
    and again with new strengths, kill rates and seeds (the campaign's battles, a step's in
    one compiled call): the same numbers as the aggregate engine run from its reset to its
    end with that seed, without building a world and a state each time."""

    def __init__(self, solver: str, tau: float):
        from numba import typed

        self.method = CTMC if solver == "ctmc" else TAU_LEAP
        self.tau = tau
        self.ws, self.ss, self.orders = typed.List(), typed.List(), typed.List()
        self.n_sides = np.zeros(0, np.int64)  # per shape (an array: `fight` indexes it)
        self.slot = Slot()

    def add(self, world: World, order: np.ndarray) -> int:
        """A shape's world (the compiled world's force i is the battle's force order[i]):
        its index for `fight`."""
        w = world_arrays(world)
        # its own copies of what each fight rewrites (the world's arrays stay as they were)
        self.ws.append(w._replace(x0=w.x0.copy(), side_x0=w.side_x0.copy(),
                                  pair_k=w.pair_k.copy()))
        self.ss.append(new_state(world))
        self.orders.append(np.ascontiguousarray(order, np.int64))
        self.n_sides = np.append(self.n_sides, len(world.side_ids))
        return len(self.n_sides) - 1

    def fight(self, shape: np.ndarray, starts: np.ndarray, strength: np.ndarray,
              rate: np.ndarray, seeds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Battles of these shapes, forces starts[b]..starts[b+1]-1 of strength and rate in
        battle b, seed seeds[b]: each force's losses, whether each side broke (battle b's
        sides from side_starts[b]) and side_starts."""
        side_starts = np.zeros(len(shape) + 1, np.int64)
        np.cumsum(self.n_sides[shape], out=side_starts[1:])
        lost = np.zeros(len(strength))
        broken = np.zeros(side_starts[-1], np.bool_)
        slot = self.slot
        _each(self.ws, self.ss, self.orders, np.asarray(shape, np.int64),
              np.asarray(starts, np.int64), np.ascontiguousarray(strength, np.float64),
              np.ascontiguousarray(rate, np.float64), np.asarray(seeds, np.uint64),
              slot.gen, slot.view, slot.flags, slot.layout, self.method, self.tau, lost,
              broken, side_starts)
        return lost, broken, side_starts
