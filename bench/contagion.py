"""Threshold cascades: `warroom.morale.threshold_cascade` against the peer's networkx loop
(`../shared/peers/contagion_peer.py`) on the same graph and seeds, in one process.

The graph is the peer's: `networkx.fast_gnp_random_graph(N, Z / (N - 1), seed=12345)`, seed
nodes `default_rng(12345).choice(N, K)`, threshold PHI for every node (Watts's fractional
rule). warroom takes the graph as CSR arrays (converted once, not timed, as the peer's graph
building is not timed); both cascades are timed alone, warroom's on one core after a warm-up
call, each the best of --repeat. The answers must agree node for node.

Usage: python bench/contagion.py [--n 1000000] [--z 10] [--phi 0.1] [--k 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

PEER = Path(__file__).resolve().parents[1].parent / "shared" / "peers" / "contagion_peer.py"


def _peer():
    spec = importlib.util.spec_from_file_location("contagion_peer", PEER)
    if spec is None or spec.loader is None or not PEER.exists():
        sys.exit(f"the peer is not there: {PEER}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def best_of(repeat: int, fn):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--z", type=float, default=10.0)
    ap.add_argument("--phi", type=float, default=0.1)
    ap.add_argument("--k", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    import networkx as nx
    import numpy as np

    from warroom.morale import as_graph, threshold_cascade

    peer = _peer()
    t0 = time.perf_counter()
    g = nx.fast_gnp_random_graph(a.n, a.z / (a.n - 1), seed=12345)
    seeds = [int(s) for s in np.random.default_rng(12345).choice(a.n, size=a.k, replace=False)]
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    csr = as_graph(g)
    convert = time.perf_counter() - t0
    threshold_cascade(as_graph(nx.path_graph(4)), a.phi, [0])  # load the compiled kernel
    ours_s, ours = best_of(a.repeat, lambda: threshold_cascade(csr, a.phi, seeds))
    peer_s, theirs = best_of(max(1, a.repeat), lambda: peer.cascade_networkx(g, a.phi, seeds))
    same = bool(np.array_equal(ours.turned, theirs))
    print(f"| {a.n:,} | {a.z:g} | {a.phi:g} | {a.k} | {csr.n_edges:,} | {ours_s:.3f} | "
          f"{peer_s:.3f} | {peer_s / ours_s:.1f} | {ours.fraction:.6f} / {theirs.mean():.6f} | "
          f"{'yes' if same else 'NO'} | {ours.rounds} |")
    print(f"# graph build (networkx) {build:.1f} s, to CSR {convert:.1f} s", file=sys.stderr)
    if not same:
        sys.exit("the cascades differ")


if __name__ == "__main__":
    main()
