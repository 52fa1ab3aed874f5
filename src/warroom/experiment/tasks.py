"""One task of an experiment: a run of consecutive replications at one parameter point, in
whatever process or cluster worker the executor picked. A task is a pure function of its
arguments, so results never depend on where or in what order tasks ran."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..scenario import scenario_hash
from .summary import is_kept

GRID_POINTS = 101  # strength over time is kept on this many evenly spaced times per run


@lru_cache(maxsize=8)
def _scenario(text: str, base: str):
    from ..scenario import validate

    return validate(json.loads(text), "<experiment>", base=Path(base))


@lru_cache(maxsize=4)
def _compiled(text: str, base: str, seed: int):
    """The world every replication of a task shares, compiled once per process."""
    from ..simulate import compile_scenario

    return compile_scenario(_scenario(text, base), seed)


def worker_setup(pool: bool = True) -> None:
    """In a worker process: one numba thread, since replications already fill the cores; and
    Ctrl-C is left to the parent, which stops cleanly and says how to resume. A `pool`
    worker (not a Dask one, whose nanny looks after it) also dies with its parent."""
    import signal

    import numba

    numba.set_num_threads(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if pool:
        _die_with_parent()


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Exit when the process that started this one dies, even by SIGKILL, which gives it no
    chance to stop its pool (each worker holds a few hundred MB). On Linux the kernel sends
    SIGKILL (the parent-death signal); elsewhere a thread watches for being orphaned.

    The kernel sends the signal when the *thread* that started the worker ends; a
    ProcessPoolExecutor starts its workers in submit(), and experiment() submits from the
    thread that waits for the results, so that thread outlives the workers it needs."""
    import multiprocessing as mp
    import os
    import signal
    import sys

    parent = mp.parent_process()
    ppid = parent.pid if parent is not None and parent.pid else os.getppid()
    armed = False
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != ppid:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        import threading

        threading.Thread(target=_watch_parent, args=(ppid,), daemon=True,
                         name="warroom-watch-parent").start()


def _watch_parent(ppid: int) -> None:
    import os
    import time

    while os.getppid() == ppid:  # an orphan is adopted by another process
        time.sleep(0.5)
    os._exit(1)


def run_task(text: str, base: str, seed: int, point: int, start: int, stop: int,
             sides: tuple[str, ...], params: dict | None = None,
             forces: tuple[str, ...] = (), replays: int = 0, kept: str = ""
             ) -> tuple[pa.Table, pa.Table]:
    """Replications start..stop-1 of the scenario `text` (JSON, overrides applied): one row
    each, with the point's parameter values, and each side's strength on a fixed time grid.
    `forces` names the per-force columns of every point (a force an ablation removed has
    NaN there). Those below `replays` also keep their run folder in `kept` (p{point}-r{i})."""
    rows, series = _run_task(text, base, seed, point, start, stop, sides, forces)
    if start < replays:
        _keep_replays(text, base, seed, point, start, min(stop, replays), Path(kept))
    for path, value in (params or {}).items():
        if path == "__remove__":
            rows = rows.append_column("removed", pa.array([",".join(value)] * rows.num_rows,
                                                          pa.string()))
        elif isinstance(value, int | float):
            rows = rows.append_column(path, pa.array([float(value)] * rows.num_rows))
        else:
            rows = rows.append_column(path, pa.array([str(value)] * rows.num_rows))
    return rows, series


def _keep_replays(text: str, base: str, seed: int, point: int, start: int, stop: int,
                  kept: Path) -> None:
    """Run folders of replications start..stop-1 (the same battles as their rows), each
    written whole or not at all, replacing one a killed task left."""
    import time

    from ..results.rundir import write_run
    from ..simulate import battle

    sc = _scenario(text, base)
    world, engine = _compiled(text, base, seed)
    digest = scenario_hash(sc)
    kept.mkdir(parents=True, exist_ok=True)
    for i in range(start, stop):
        t = time.perf_counter()
        r = battle(engine, world, seed, i, digest)
        write_run(r, kept / f"p{point}-r{i}", scenario_path=None,
                  command=["replication", str(i), "of point", str(point)],
                  wall_time_s=time.perf_counter() - t, force=True)


def _run_task(text: str, base: str, seed: int, point: int, start: int, stop: int,
              sides: tuple[str, ...], forces: tuple[str, ...]) -> tuple[pa.Table, pa.Table]:
    from ..simulate import battle

    sc = _scenario(text, base)
    world, engine = _compiled(text, base, seed)
    digest = scenario_hash(sc)
    t0, t1 = float(sc.clock.start), float(sc.clock.end)
    grid = np.linspace(t0, t1, GRID_POINTS)
    batched = _batched(world, seed, point, start, stop, grid, sides, forces)
    if batched is not None:
        return batched
    rows: dict[str, list[Any]] = {k: [] for k in (
        "point", "replication", "seed", "winner", "end_reason", "deciding", "duration")}
    series = []
    ledgers = []
    facts: list[dict[str, float]] = []
    cols = LEDGER_COLUMNS + (("defected",) if getattr(world, "morale", None) else ())
    for i in range(start, stop):
        r = battle(engine, world, seed, i, digest)
        rows["point"].append(point)
        rows["replication"].append(i)
        rows["seed"].append(seed)
        rows["winner"].append(r.winner)
        rows["end_reason"].append(r.end_reason)
        rows["deciding"].append(r.deciding_breakpoint)
        rows["duration"].append(r.end_time - t0)
        facts.append({k: v for k, v in r.facts.items() if is_kept(k)})
        ledgers.append([[led[k] for k in cols] for led in r.final_ledger().values()])
        series.append(_on_grid(r, grid, sides))
    for k in dict.fromkeys(k for f in facts for k in f):  # one a replication lacks: NaN
        rows[k] = [f.get(k, math.nan) for f in facts]
    # the result's forces (a campaign's are its members, not its fleets)
    names = r.names if stop > start else None
    ids = names.force_ids if names is not None else world.force_ids
    of_side = np.asarray(names.force_side if names is not None else world.force_side)
    led = np.array(ledgers, float).reshape(len(ledgers), len(ids), len(cols))
    _ledger_columns(rows, sides, forces, ids, of_side, led, cols)
    strength = np.stack(series) if series else np.zeros((0, len(sides), GRID_POINTS))
    return _tables(rows, strength, point, start, stop, sides, grid)


def _tables(rows: dict[str, list[Any]], strength: np.ndarray, point: int, start: int, stop: int,
            sides: tuple[str, ...], grid: np.ndarray) -> tuple[pa.Table, pa.Table]:
    table = pa.table({
        "point": pa.array(rows.pop("point"), pa.int32()),
        "replication": pa.array(rows.pop("replication"), pa.int64()),
        "seed": pa.array(rows.pop("seed"), pa.int64()),
        **{k: pa.array(v, pa.string() if k in ("winner", "end_reason", "deciding")
                       else pa.float64()) for k, v in rows.items()}})
    n, S = stop - start, len(sides)
    ser = pa.table({
        "point": pa.array(np.full(n * S * GRID_POINTS, point, np.int32)),
        "replication": np.repeat(np.arange(start, stop), S * GRID_POINTS),
        "side": pa.array(np.tile(np.repeat(np.array(sides, dtype=object), GRID_POINTS), n)
                         .tolist(), pa.string()),
        "t": np.tile(grid, n * S),
        "strength": strength.reshape(-1)})
    return table, ser


LEDGER_COLUMNS = ("lost", "withdrawn", "final")



def _ledger_columns(rows: dict[str, list[Any]], sides: tuple[str, ...],
                    forces: tuple[str, ...], force_ids: tuple[str, ...], force_side: np.ndarray,
                    led: np.ndarray, cols: tuple[str, ...] = LEDGER_COLUMNS) -> None:
    """lost_, withdrawn_ and final_ columns (and defected_ with morale) per side and per
    force (ids are unique across sides and forces) from the (replication, force, column)
    ledgers."""
    for k, s in enumerate(sides):
        mine = force_side == k
        for j, what in enumerate(cols):
            rows[f"{what}_{s}"] = led[:, mine, j].sum(axis=1).tolist()
    for f in forces or force_ids:
        i = force_ids.index(f) if f in force_ids else -1
        for j, what in enumerate(cols):
            rows[f"{what}_{f}"] = (led[:, i, j] if i >= 0 else np.full(len(led), np.nan)).tolist()


def _batched(world, seed: int, point: int, start: int, stop: int, grid: np.ndarray,
             sides: tuple[str, ...], forces: tuple[str, ...]) -> tuple[pa.Table, pa.Table] | None:
    """The compiled batch loop, where the scenario allows it (a stochastic aggregate battle):
    the same numbers as one simulate() per replication, without a Python loop."""
    from ..aggregate.registry import STOCHASTIC
    from ..events import END_REASONS
    from ..rngfast import fast_streams_available
    from ..simulate import civilian_forces

    # the batch loop runs the battle alone: no mechanic, no controller, nobody moving
    alone = (getattr(world, "morale", None) is None and getattr(world, "command", None) is None
             and not getattr(world, "doctrine", ())
             and not bool((getattr(world, "eng_place", np.zeros(0)) >= 0).any()))
    if getattr(world, "solver", None) not in STOCHASTIC or not fast_streams_available() \
            or not alone:
        return None
    from ..aggregate.batch import batch_outcomes

    out = batch_outcomes(world, seed, start, stop, grid)
    n = stop - start
    rows: dict[str, list[Any]] = {
        "point": [point] * n, "replication": list(range(start, stop)), "seed": [seed] * n,
        "winner": [world.side_ids[k] if k >= 0 else None for k in out["winner"]],
        "end_reason": [END_REASONS[int(k)] for k in out["reason"]],
        "deciding": [None if k == -1 else "no strength left" if k < 0 else world.bp_ids[k]
                     for k in out["deciding"].tolist()],
        "duration": (out["end_time"] - world.t0).tolist()}
    led = np.stack([out["lost"], out["withdrawn"], out["final"]], axis=2)
    civil = civilian_forces(world)
    if civil.any():  # as `simulate.battle` reports it
        rows["civilians_harmed"] = led[:, civil, 0].sum(axis=1).tolist()
    _ledger_columns(rows, sides, forces, world.force_ids, world.force_side, led)
    return _tables(rows, out["series"], point, start, stop, sides, grid)


def _on_grid(r, grid: np.ndarray, sides: tuple[str, ...]) -> np.ndarray:
    """Each side's strength at the grid times (the last recorded value at or before each)."""
    import pyarrow.compute as pc  # here: importing it costs every warroom process 8 MiB

    ts = r.timeseries()
    t = ts.column("t").to_numpy()
    side = ts.column("side")
    x = ts.column("strength").to_numpy()
    times = np.unique(t)
    out = np.zeros((len(sides), len(grid)))
    at = np.clip(np.searchsorted(times, grid, side="right") - 1, 0, len(times) - 1)
    for k, s in enumerate(sides):
        m = pc.equal(side, s).to_numpy(zero_copy_only=False)
        per_t = np.bincount(np.searchsorted(times, t[m]), weights=x[m], minlength=len(times))
        out[k] = per_t[at]
    return out
