"""The run folder: Parquet tables, summary, manifest and reports, written atomically.

Everything is written into a hidden sibling folder and renamed into place at the end, so an
interrupted run leaves no half-written file, and an existing run folder is never overwritten
unless the user asks (its old content is then swapped out, not deleted half-way).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .._version import __version__
from ..errors import UserError
from .result import Result

PARQUET = {"compression": "zstd", "use_dictionary": True, "write_statistics": True}


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, **PARQUET)


def write_json(obj, path: Path) -> None:
    path.write_text(json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n")


def prepare(out: Path, force: bool) -> Path:
    """Check `out` can be written and return a fresh staging folder beside it."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise UserError(f"{out}: already exists and is not empty; pass --force to replace it, "
                        "or choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.partial-*"):  # left by a killed run
        shutil.rmtree(stale, ignore_errors=True)
    stage = out.parent / f".{out.name}.partial-{os.getpid()}"
    stage.mkdir()
    return stage


def commit(stage: Path, out: Path) -> None:
    """Move the staged folder into place; an old folder is swapped out first, then removed."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
    os.replace(stage, out)
    if old is not None:
        shutil.rmtree(old) if old.is_dir() else old.unlink()


def write_run(result: Result, out: Path, *, scenario_path: str | None,
              command: list[str], wall_time_s: float, force: bool = False) -> Path:
    from ..report.render import write_reports

    stage = prepare(out, force)
    try:
        write_parquet(result.timeseries(), stage / "timeseries.parquet")
        write_parquet(result.events_table(), stage / "events.parquet")
        for name, table in result.extra_tables().items():
            write_parquet(table, stage / f"{name}.parquet")
        write_json(result.summary(), stage / "summary.json")
        write_json(
            {
                "warroom_version": __version__,
                "scenario": result.names.scenario,
                "scenario_file": scenario_path,
                "scenario_hash": result.scenario_hash,
                "seed": result.seed,
                "solver": result.names.solver,
                "command": command,
                "wall_time_s": round(wall_time_s, 6),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
            stage / "manifest.json",
        )
        write_reports(stage)
        commit(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return out
