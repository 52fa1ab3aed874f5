"""Run an experiment: replications x parameter points, as tasks on an executor, streamed to
shards, merged and summarised. Replication i of every point uses child i of the experiment's
SeedSequence (common random numbers across points), whatever ran it."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import UserError
from ..scenario import AnyScenario, scenario_hash, validate
from . import store
from .params import apply, get_value
from .summary import summarise
from .tasks import run_task


class Interrupted(Exception):
    """Ctrl-C: finished work is on disk; `--resume` continues."""


@dataclass
class ExperimentResult:
    replications: pa.Table
    series: pa.Table
    summary: dict


def _missing(n: int, done: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The replication ranges of one point not yet done."""
    missing = np.ones(n + 1, bool)
    missing[n] = False  # a sentinel that closes the last run
    for a, b in done:
        missing[a:min(b, n)] = False
    edges = np.flatnonzero(np.diff(np.r_[False, missing].astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _tasks(gaps: list[tuple[int, int, int]], workers: int,
           size: int | None = None) -> list[tuple[int, int, int]]:
    """Cut (point, start, stop) gaps into tasks. Without a fixed `size`, tasks shrink as the
    work left shrinks (OpenMP's guided schedule): few large tasks while there is much to do,
    single replications at the end, so that uneven battles do not leave a worker idle."""
    left = sum(b - a for _, a, b in gaps)
    w = max(1, workers)
    floor = min(250, max(1, left // (w * 64)))
    tasks = []
    for k, a, b in gaps:
        while a < b:
            step = size or min(250, max(floor, math.ceil(left / (4 * w))))
            e = min(a + step, b)
            tasks.append((k, a, e))
            left -= e - a
            a = e
    return tasks


def experiment(scenario: AnyScenario | dict, n: int, *, seed: int | None = None,
               executor: Executor | None = None, workers: int = 1, out: Path | None = None,
               points: list[dict[str, Any]] | None = None, resume: bool = False,
               base: Path | None = None, kind: str = "mc", labels: list[str] | None = None,
               progress: Callable[[int, int], None] | None = None,
               task_size: int | None = None) -> ExperimentResult:
    """Run `n` replications at each parameter point (dotted path -> value overrides) on
    `executor` (any concurrent.futures.Executor, a Dask client's included; None runs here).
    With `out`, results stream to Parquet shards there and `resume` continues a stopped run."""
    if n < 1:
        raise UserError(f"-n: expected at least 1 replication, found {n}")
    if isinstance(scenario, dict):
        data = scenario
        sc = validate(data, "<scenario>", base=base)
    else:
        sc = scenario
        data = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
        base = base or getattr(sc, "base_dir", None)
    seed = sc.seed if seed is None else seed
    points = points or [{}]
    # every row carries every parameter of the experiment: the scenario's own value where a
    # point leaves it as it is
    keys = list(dict.fromkeys(k for p in points for k in p))
    columns = [{k: p.get(k, [] if k == "__remove__" else get_value(data, k)) for k in keys}
               for p in points]
    texts = []
    for p in points:
        d = apply(data, p)
        validate(d, f"<scenario with {p}>" if p else "<scenario>", base=base)
        texts.append(json.dumps(d))
    sides = tuple(s.id for s in sc.sides)
    forces = tuple(f.id for s in sc.sides for f in s.forces)  # the columns of every point
    base_s = str(base or Path("."))
    manifest = {"kind": kind, "scenario": sc.name, "scenario_hash": scenario_hash(sc),
                "seed": seed, "n": n, "points": points, "labels": labels, "sides": list(sides),
                "scenario_data": data,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    done: dict[int, list[tuple[int, int]]] = {}
    if out is not None:
        store.open_folder(out, manifest, resume)
        done = store.done_ranges(out)
    tasks = _tasks([(k, a, b) for k in range(len(points)) for a, b in _missing(
        n, done.get(k, []))], workers, task_size)
    total = n * len(points)
    finished = total - sum(b - a for _, a, b in tasks)
    if progress:
        progress(finished, total)
    results: list[tuple[pa.Table, pa.Table]] = []

    def keep(k: int, a: int, b: int, res: tuple[pa.Table, pa.Table]) -> None:
        nonlocal finished
        finished += b - a
        if out is not None:
            store.write_shard(out, k, a, b, *res)
            store.mark(out, "running", finished)
        else:
            results.append(res)
        if progress:
            progress(finished, total)

    try:
        if executor is None:
            import numba

            threads = numba.get_num_threads()
            numba.set_num_threads(1)  # one worker is one core, as each process of a pool is
            try:
                for k, a, b in tasks:
                    keep(k, a, b, run_task(texts[k], base_s, seed, k, a, b, sides,
                                           columns[k], forces))
            finally:
                numba.set_num_threads(threads)
        else:
            futures: dict[Future, tuple[int, int, int]] = {
                executor.submit(run_task, texts[k], base_s, seed, k, a, b, sides,
                                columns[k], forces): (k, a, b)
                for k, a, b in tasks}
            try:
                for f in as_completed(futures):
                    keep(*futures[f], f.result())
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
    except KeyboardInterrupt:
        if out is not None:
            store.mark(out, "interrupted", finished)
        raise Interrupted(f"{finished:,} of {total:,} replications are saved in {out}") from None
    if out is not None:
        rows, series = store.merge(out)
    else:
        rows = pa.concat_tables([r for r, _ in results]).sort_by(
            [("point", "ascending"), ("replication", "ascending")])
        series = pa.concat_tables([s for _, s in results]).sort_by(
            [("point", "ascending"), ("replication", "ascending"), ("side", "ascending"),
             ("t", "ascending")])
    summary = summarise(rows, points, sides, manifest)
    if out is not None:
        store.mark(out, "done", total)
        (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return ExperimentResult(rows, series, summary)
