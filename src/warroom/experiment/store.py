"""An experiment's folder: a manifest, Parquet shards written as tasks finish, and the merged
tables. A shard appears under its final name only when complete (written aside, then renamed),
so after a crash the shards present are exactly the finished work."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .._version import __version__
from ..errors import UserError
from .params import differences

SHARD = re.compile(r"^p(\d+)-r(\d+)-(\d+)\.rows\.parquet$")
COMPARED = ("scenario_hash", "seed", "n", "points")


def _atomic_json(obj: dict, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(obj, indent=2) + "\n")
    os.replace(tmp, path)


def open_folder(out: Path, manifest: dict, resume: bool) -> None:
    """Create the folder for a new experiment, or check that `--resume` continues this one."""
    path = out / "manifest.json"
    if path.exists():
        if not resume:
            raise UserError(f"{out}: already holds an experiment; pass --resume to continue it, "
                            "or choose another --out")
        old = json.loads(path.read_text())
        changed = [k for k in COMPARED if old.get(k) != manifest.get(k)]
        if changed:
            what = {"scenario_hash": "the scenario", "seed": "the seed",
                    "n": "the number of replications", "points": "the parameter grid"}
            detail = [f"{what[k]} ({old.get(k)} -> {manifest.get(k)})" if k in ("seed", "n")
                      else what[k] for k in changed]
            if "scenario_hash" in changed and "scenario_data" in old:
                diffs = differences(old["scenario_data"], manifest["scenario_data"])
                if diffs:
                    more = f"; and {len(diffs) - 5} more" if len(diffs) > 5 else ""
                    detail[changed.index("scenario_hash")] = (
                        f"the scenario ({'; '.join(diffs[:5])}{more})")
            raise UserError(f"{out}: cannot resume: {', '.join(detail)} changed since the "
                            "experiment started; rerun without --resume into a new --out")
        return
    if resume:
        raise UserError(f"{out}: nothing to resume (no manifest.json); run without --resume")
    if out.exists() and any(out.iterdir()):
        raise UserError(f"{out}: already exists and is not empty; choose another --out")
    (out / "shards").mkdir(parents=True, exist_ok=True)
    _atomic_json({**manifest, "warroom_version": __version__, "status": "running"}, path)


def mark(out: Path, status: str, done: int | None = None) -> None:
    """Record the experiment's status (running, interrupted, done) and how many replications
    are finished (the shards present are the authority; this is for people reading it)."""
    path = out / "manifest.json"
    m = json.loads(path.read_text())
    m["status"] = status
    if done is not None:
        m["replications_done"] = done
    _atomic_json(m, path)


def done_ranges(out: Path) -> dict[int, list[tuple[int, int]]]:
    """Finished (start, stop) replication ranges per point."""
    found: dict[int, list[tuple[int, int]]] = {}
    for f in (out / "shards").glob("*.rows.parquet"):
        m = SHARD.match(f.name)
        if m:
            found.setdefault(int(m.group(1)), []).append((int(m.group(2)), int(m.group(3))))
    return found


def write_shard(out: Path, point: int, start: int, stop: int, rows: pa.Table,
                series: pa.Table) -> None:
    stem = out / "shards" / f"p{point:05d}-r{start:09d}-{stop:09d}"
    for table, suffix in ((series, "series"), (rows, "rows")):  # rows last: they mark done
        final = stem.with_name(f"{stem.name}.{suffix}.parquet")
        tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, final)


def merge(out: Path) -> tuple[pa.Table, pa.Table]:
    """All shards, sorted by point and replication, as replications.parquet and series.parquet."""
    rows, series = [], []
    for f in sorted((out / "shards").glob("*.rows.parquet")):
        if SHARD.match(f.name):
            rows.append(pq.read_table(f))
            series.append(pq.read_table(f.with_name(f.name.replace(".rows.", ".series."))))
    table = pa.concat_tables(rows).sort_by([("point", "ascending"),
                                            ("replication", "ascending")])
    ser = pa.concat_tables(series).sort_by([("point", "ascending"),
                                            ("replication", "ascending"),
                                            ("side", "ascending"), ("t", "ascending")])
    for t, name in ((table, "replications.parquet"), (ser, "series.parquet")):
        tmp = out / f".{name}.tmp-{os.getpid()}"
        pq.write_table(t, tmp, compression="zstd")
        os.replace(tmp, out / name)
    return table, ser
