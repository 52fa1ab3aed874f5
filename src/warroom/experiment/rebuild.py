"""`warroom report` on an experiment folder: the report rebuilt from the folder's tables and
manifest (the summary is computed again from replications.parquet, not trusted from its file)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import UserError
from ..report.render import read_json
from .report import write_report
from .summary import summarise

KINDS = ("mc", "sweep", "ablate")
MANIFEST = ("kind", "scenario", "scenario_hash", "seed", "n", "points", "sides",
            "scenario_data")


def is_experiment(folder: Path) -> bool:
    return (folder / "replications.parquet").exists() and (folder / "manifest.json").exists()


def _table(path: Path, columns: list[str]) -> pa.Table:
    try:
        t = pq.read_table(path)
    except (pa.ArrowException, OSError) as e:
        raise UserError(f"{path}: not a readable Parquet table ({e})") from None
    missing = [c for c in columns if c not in t.column_names]
    if missing:
        raise UserError(f"{path}: not an experiment's table (no column {', '.join(missing)})")
    return t


def rebuild_report(folder: Path) -> None:
    manifest = read_json(folder / "manifest.json", MANIFEST)
    if manifest["kind"] not in KINDS or not isinstance(manifest["points"], list) or not all(
            isinstance(p, dict) for p in manifest["points"]) or not manifest["points"]:
        raise UserError(f"{folder / 'manifest.json'}: not an experiment's manifest (kind "
                        f"{manifest['kind']!r}, points as an experiment writes them expected)")
    sides = tuple(str(s) for s in manifest["sides"])
    rows = _table(folder / "replications.parquet",
                  ["point", "replication", "winner", "duration", "end_reason", "deciding",
                   *(f"{w}_{s}" for s in sides for w in ("lost", "withdrawn", "final"))])
    series = _table(folder / "series.parquet", ["point", "replication", "side", "t",
                                                 "strength"])
    try:
        summary = summarise(rows, manifest["points"], sides, manifest)
    except (TypeError, ValueError, KeyError) as e:
        raise UserError(f"{folder / 'replications.parquet'}: its values are not as an "
                        f"experiment writes them ({e})") from None
    clock = manifest["scenario_data"].get("clock", {}) if isinstance(
        manifest["scenario_data"], dict) else {}
    extra = _elements(folder) if manifest["kind"] == "ablate" else None
    write_report(folder, summary, rows, series, str(clock.get("unit", "day")), extra)


def _elements(folder: Path) -> list:
    from .ablate import table

    ab = read_json(folder / "ablation.json", ("side", "elements"))
    try:
        return [("Elements", "table", table(ab["elements"], str(ab["side"])))]
    except (TypeError, KeyError, ValueError) as e:
        raise UserError(f"{folder / 'ablation.json'}: not as `warroom ablate` writes it "
                        f"({e})") from None
