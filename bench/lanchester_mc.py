"""Stochastic square-law Monte Carlo: warroom against ../shared/peers/lanchester_mc.py.

Both sides N0 = 1000, A's per-shooter kill rate 0.0105 and B's 0.0100 (the peer's constants), to
annihilation. warroom runs the scenario through its own solvers (exact CTMC; binomial tau-leap
with step 1) with a fresh Generator per replication; the peer runs vectorised over replications
with one Generator. Same process, same machine, timed back to back.

Usage: python bench/lanchester_mc.py [--reps 4000] [--workers 1 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

from warroom.aggregate.replicate import replicate
from warroom.scenario import validate
from warroom.world import compile_world

PEER = Path(__file__).resolve().parents[1].parent / "shared" / "peers" / "lanchester_mc.py"


def peer_module():
    if not PEER.exists():
        sys.exit(f"skipped: {PEER} not found (the peers folder must sit beside the repository)")
    spec = importlib.util.spec_from_file_location("lanchester_mc", PEER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def world(solver: str, n0: int, alpha: float, beta: float):
    step = 1.0 if solver == "tau_leap" else 1000.0
    return compile_world(validate({
        "version": 1, "name": "bench", "clock": {"end": 5000, "step": step},
        "sides": [{"id": "A", "forces": [{"id": "a", "strength": n0}]},
                  {"id": "B", "forces": [{"id": "b", "strength": n0}]}],
        "engagements": [{"id": "e", "law": "square", "solver": solver,
                         "fire": [{"shooter": "a", "target": "b", "rate": alpha},
                                  {"shooter": "b", "target": "a", "rate": beta}]}],
    }))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=4000)
    ap.add_argument("--n0", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3, help="timings per row; the best is kept")
    a = ap.parse_args()
    peer = peer_module()
    rows = []
    for ours, theirs in (("ctmc", "ctmc"), ("tau_leap", "binomial")):
        w = world(ours, a.n0, peer.ALPHA, peer.BETA)
        replicate(w, 4, 0)  # compile outside the timing
        fn = peer.ctmc if theirs == "ctmc" else peer.binomial
        peer_s = []
        for _ in range(a.repeat):  # best of `repeat` for both: the machine is shared and noisy
            t0 = time.perf_counter()
            A, B, T, _ = fn(a.n0, a.reps, np.random.default_rng(12345), 0.0)
            peer_s.append(time.perf_counter() - t0)
        peer_rate = a.reps / min(peer_s)
        for workers in a.workers:
            ours_s = []
            for _ in range(a.repeat):
                t0 = time.perf_counter()
                out = replicate(w, a.reps, 12345, workers)
                ours_s.append(time.perf_counter() - t0)
            rate = a.reps / min(ours_s)
            rows.append((ours, theirs, workers, rate, peer_rate, rate / peer_rate,
                         float((out["winner"] == 0).mean()), float(np.mean(A > B)),
                         float(out["end_time"].mean()), float(T.mean())))
    print("| warroom solver | peer method | workers | warroom reps/s | peer reps/s | ratio |"
          " P(A wins) warroom / peer | mean duration warroom / peer |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:,.0f} | {r[4]:,.0f} | {r[5]:.2f} |"
              f" {r[6]:.3f} / {r[7]:.3f} | {r[8]:.1f} / {r[9]:.1f} |")


if __name__ == "__main__":
    main()
