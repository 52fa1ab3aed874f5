"""Experiment throughput: replications per second of a bundled aggregate scenario (exact CTMC,
batched) and the bundled tactical scenario, on 1 worker (this process, one core) and 2 local
worker processes, and the overhead of one Dask task on a LocalCluster.

The pools are started and warmed (numba kernels loaded) before timing, so the figures are the
steady state of a long experiment; the start-up cost is printed separately.

Each round measures one worker and then two workers, back to back, so that both see the same
state of a shared machine; the speed-up is the median over --repeat rounds of each round's
ratio (its range is printed too), and the rates are the medians of the rounds' rates.

Usage: python bench/experiments.py [--agg-n 20000] [--tac-n 48] [--repeat 7]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

import warroom
from warroom.experiment import experiment
from warroom.experiment.tasks import worker_setup


def _noop(x: int) -> int:
    return x


def rate(sc, n: int, executor, workers: int) -> float:
    t0 = time.perf_counter()
    experiment(sc, n, seed=1, executor=executor, workers=workers)
    return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agg-n", type=int, default=20000)
    ap.add_argument("--tac-n", type=int, default=48)
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    cases = [("hill_defence (aggregate, ctmc)", warroom.load_scenario(
        "scenarios/hill_defence.yaml"), a.agg_n),
             ("ridge_road (tactical, 121 entities)", warroom.load_scenario(
                 "scenarios/ridge_road.yaml"), a.tac_n)]
    t0 = time.perf_counter()
    pool = ProcessPoolExecutor(2, mp_context=mp.get_context("spawn"), initializer=worker_setup)
    for _, sc, _ in cases:  # warm both workers and this process
        experiment(sc, 4, seed=99, executor=pool, workers=2, task_size=1)
        experiment(sc, 2, seed=99)
    start = time.perf_counter() - t0
    print("| scenario | 1 worker reps/s | 2 workers reps/s | speed-up, median (range) |")
    print("|---|---|---|---|")
    for name, sc, n in cases:
        ones, twos = [], []
        for _ in range(a.repeat):
            ones.append(rate(sc, n, None, 1))
            twos.append(rate(sc, n, pool, 2))
        ratios = [t / o for o, t in zip(ones, twos, strict=True)]
        print(f"| {name} | {statistics.median(ones):,.1f} | {statistics.median(twos):,.1f} | "
              f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) |")
    pool.shutdown()
    print(f"\nstarting and warming 2 spawned workers: {start:.1f} s")
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        ex = client.get_executor(pure=False)
        list(ex.map(_noop, range(20)))
        m = 400
        t0 = time.perf_counter()
        for f in [ex.submit(_noop, i) for i in range(m)]:
            f.result()
        dask = (time.perf_counter() - t0) / m
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as pool2:
        list(pool2.map(_noop, range(20)))
        t0 = time.perf_counter()
        for f in [pool2.submit(_noop, i) for i in range(m)]:
            f.result()
        local = (time.perf_counter() - t0) / m
    print(f"overhead per task (an empty task, {m} submitted at once): Dask LocalCluster "
          f"{dask * 1e3:.2f} ms, local process pool {local * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
