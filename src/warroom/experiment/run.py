"""Run an experiment: replications x parameter points, as tasks on an executor, streamed to
shards, merged and summarised. Replication i of every point uses child i of the experiment's
SeedSequence (common random numbers across points), whatever ran it."""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import UserError
from ..limits import check_out, check_seed, over
from ..scenario import AnyScenario, scenario_hash, validate
from . import store
from .params import apply, get_value
from .summary import summarise
from .tasks import run_task


class Interrupted(Exception):
    """Ctrl-C, or the executor's workers or cluster lost: finished work is on disk;
    `--resume` continues."""


class _Lost(Exception):
    """The executor can run nothing more; the message says what went."""


@dataclass
class ExperimentResult:
    replications: pa.Table
    series: pa.Table
    summary: dict


def _missing(n: int, done: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The replication ranges of one point not yet done (from the ranges, not a mask of n,
    which for a large n would not fit in memory)."""
    gaps, at = [], 0
    for a, b in sorted(done):
        if a > at:
            gaps.append((at, min(a, n)))
        at = max(at, b)
    if at < n:
        gaps.append((at, n))
    return [(a, b) for a, b in gaps if a < b]


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



def _point_name(point: dict[str, Any]) -> str:
    """How the user asked for a point, to name it in a validation error."""
    parts = []
    if "__remove__" in point:
        parts.append(f"ablation without [{', '.join(map(str, point['__remove__']))}]")
    parts += [f"--set {k}={f'{v:.12g}' if isinstance(v, float) else v}"
              for k, v in point.items() if k != "__remove__"]
    return " ".join(parts) or "<scenario>"


def _check(n: int, points: list[dict[str, Any]], seed: int, out: Path | None) -> None:
    """Everything that can refuse the experiment, before anything is written."""
    if n < 1:
        raise UserError(f"-n: expected at least 1 replication, found {n}")
    check_seed(seed)
    for problem in (over("points_grid", len(points), "the number of parameter points"),
                    over("replications", n * len(points), "-n: the number of replications "
                         f"(n x points: {n:,} x {len(points):,})")):
        if problem:
            raise UserError(problem)
    if out is not None:
        check_out(out)


def _lost(e: BaseException, executor: Executor) -> str | None:
    """What went, when `e` says the executor's processes or cluster are gone (rather than a
    task failing); None otherwise."""
    from concurrent.futures import BrokenExecutor, CancelledError

    if isinstance(e, BrokenExecutor):
        return "a worker process died"
    if not type(executor).__module__.startswith("distributed"):
        return None
    try:
        from distributed import KilledWorker
    except ImportError:  # pragma: no cover - a Dask executor without distributed
        return None
    # a lost scheduler cancels every future; a lost connection is an OSError (CommClosedError
    # is one) or a timeout; a task whose workers keep dying is a KilledWorker
    if isinstance(e, CancelledError | OSError | TimeoutError | KilledWorker):
        return "the Dask cluster was lost"
    return None


def _guard(executor: Executor, call: Callable, *args: Any) -> Any:
    try:
        return call(*args)
    except Exception as e:
        why = _lost(e, executor)
        if why is None:
            raise
        raise _Lost(f"{why} ({type(e).__name__}{': ' + str(e) if str(e) else ''})") from e


def experiment(scenario: AnyScenario | dict, n: int, *, seed: int | None = None,
               executor: Executor | None = None, workers: int = 1, out: Path | None = None,
               points: list[dict[str, Any]] | None = None, resume: bool = False,
               base: Path | None = None, kind: str = "mc", labels: list[str] | None = None,
               progress: Callable[[int, int], None] | None = None,
               task_size: int | None = None,
               report: Callable[[str], None] | None = None,
               replays: int = 0) -> ExperimentResult:
    """Run `n` replications at each parameter point (dotted path -> value overrides) on
    `executor` (any concurrent.futures.Executor, a Dask client's included; None runs here).
    With `out`, results stream to Parquet shards there and `resume` continues a stopped run;
    `report` gets a line for each shard found unusable there (default: stderr); the first
    `replays` replications of each point keep their run folders in `out/replays`."""
    if isinstance(scenario, dict):
        data = scenario
        sc = validate(data, "<scenario>", base=base)
    else:
        sc = scenario
        data = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
        base = base or getattr(sc, "base_dir", None)
    seed = sc.seed if seed is None else seed
    points = points or [{}]
    _check(n, points, seed, out)
    # every row carries every parameter of the experiment: the scenario's own value where a
    # point leaves it as it is
    keys = list(dict.fromkeys(k for p in points for k in p))
    columns = [{k: p.get(k, [] if k == "__remove__" else get_value(data, k)) for k in keys}
               for p in points]
    texts = []
    for p in points:
        d = apply(data, p)
        validate(d, _point_name(p), base=base)
        texts.append(json.dumps(d))
    sides = tuple(s.id for s in sc.sides)
    forces = _force_ids(sc)  # the columns of every point
    morale = getattr(sc, "morale", None)
    if morale is not None:  # the defectors' sides and forces are the scenario's too
        sides += tuple(dict.fromkeys(d.new_side for d in morale.defection if d.new_side))
        forces += tuple(d.force_id for d in morale.defection)
    base_s = str(base or Path("."))
    manifest = {"kind": kind, "scenario": sc.name, "scenario_hash": scenario_hash(sc),
                "seed": seed, "n": n, "points": points, "labels": labels, "sides": list(sides),
                "scenario_data": data,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    folder = None
    if out is not None:
        folder = store.open_folder(out, manifest, resume, report or _stderr)
    total = n * len(points)
    results: list[tuple[pa.Table, pa.Table]] = []
    finished = 0

    def keep(k: int, a: int, b: int, res: tuple[pa.Table, pa.Table]) -> None:
        nonlocal finished
        finished += b - a
        if folder is not None:
            folder.keep((k, a, b), *res, finished)
        else:
            results.append(res)
        if progress:
            progress(finished, total)

    if replays and out is None:
        raise UserError("replays are kept in the experiment's folder: give it one (out)")
    kept = str(out / "replays") if replays and out is not None else ""

    def args(k: int, a: int, b: int) -> tuple:
        return texts[k], base_s, seed, k, a, b, sides, columns[k], forces, replays, kept

    merged = None
    for _ in range(3):  # a shard found damaged at the merge is recomputed, then merged again
        done = folder.done() if folder is not None else {}
        tasks = _tasks([(k, a, b) for k in range(len(points)) for a, b in _missing(
            n, done.get(k, []))], workers, task_size)
        finished = total - sum(b - a for _, a, b in tasks)
        if progress:
            progress(finished, total)
        try:
            _run(tasks, executor, args, keep)
        except (KeyboardInterrupt, _Lost) as e:
            if folder is not None:
                folder.mark("interrupted", finished)
            why = f"{e}; " if isinstance(e, _Lost) else ""
            saved = f"saved in {out}" if out is not None else "lost (no --out)"
            raise Interrupted(f"{why}{finished:,} of {total:,} replications are {saved}"
                              ) from None
        if folder is None or (merged := folder.merge()) is not None:
            break
    else:
        raise UserError(f"{out}: shards keep turning out damaged after they are written; "
                        "is the disk failing?")
    if merged is not None:
        rows, series = merged
    else:
        rows = pa.concat_tables([r for r, _ in results]).sort_by(
            [("point", "ascending"), ("replication", "ascending")])
        series = pa.concat_tables([s for _, s in results]).sort_by(
            [("point", "ascending"), ("replication", "ascending"), ("side", "ascending"),
             ("t", "ascending")])
    summary = summarise(rows, points, sides, manifest)
    if folder is not None:
        folder.mark("done", total)
        (folder.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return ExperimentResult(rows, series, summary)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _run(tasks: list[tuple[int, int, int]], executor: Executor | None,
         args: Callable[..., tuple], keep: Callable[..., None]) -> None:
    """Run the tasks here or on `executor`, handing each result to `keep` as it comes."""
    if executor is None:
        import numba

        threads = numba.get_num_threads()
        numba.set_num_threads(1)  # one worker is one core, as each process of a pool is
        try:
            for job in tasks:
                keep(*job, run_task(*args(*job)))
        finally:
            numba.set_num_threads(threads)
        return
    futures: dict[Future, tuple[int, int, int]] = {}
    try:
        for job in tasks:
            futures[_guard(executor, executor.submit, run_task, *args(*job))] = job
        for f in as_completed(futures):
            keep(*futures[f], _guard(executor, f.result))
    except BaseException:
        stop_now = getattr(executor, "stop_now", None)  # warroom's own pool: ended at once
        if stop_now is not None:
            stop_now()
        else:
            for f in futures:
                f.cancel()
        raise


def _force_ids(sc: AnyScenario) -> tuple[str, ...]:
    """The forces of a scenario's results (a campaign's are its members)."""
    from ..scenario.campaign import CampaignScenario

    if isinstance(sc, CampaignScenario):
        return tuple(m.id for s in sc.sides for m in s.members)
    return tuple(f.id for s in sc.sides for f in s.forces)
