"""report.md and report.html of a run folder: figures, tables, events and a short narrative."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ..errors import UserError
from .figures import exchange_figure, ledger_figure, strength_figure
from .narrative import narrative
from .page import write_pages

FILES = ("timeseries.parquet", "events.parquet", "summary.json", "manifest.json")


def load_run(run: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    if not run.is_dir():
        raise UserError(f"{run}: no such run folder")
    missing = [f for f in FILES if not (run / f).exists()]
    if missing:
        raise UserError(f"{run}: not a warroom run folder (missing {', '.join(missing)})")
    ts = pq.read_table(run / "timeseries.parquet").to_pandas()
    for col in ("side", "force"):
        ts[col] = ts[col].astype(str)
    ev = pq.read_table(run / "events.parquet").to_pandas()
    summary = json.loads((run / "summary.json").read_text())
    manifest = json.loads((run / "manifest.json").read_text())
    return ts, ev, summary, manifest


def _loss_table(summary: dict) -> list[list[str]]:
    rows = [["side", "force", "initial", "arrived", "withdrawn", "lost", "final"]]
    for force, v in summary["forces"].items():
        rows.append([v["side"], force] + [f"{v[k]:,.1f}" for k in
                                           ("initial", "arrived", "withdrawn", "lost", "final")])
    for side, v in summary["sides"].items():
        rows.append([f"**{side}**", "(all)"] + [f"{v[k]:,.1f}" for k in
                                                 ("initial", "arrived", "withdrawn", "lost",
                                                  "final")])
    return rows


def write_reports(run: Path) -> None:
    ts, ev, summary, manifest = load_run(run)
    unit = summary["time_unit"]
    figs = {"strength.png": strength_figure(ts, unit), "ledger.png": ledger_figure(ts, unit),
            "exchange.png": exchange_figure(ts, unit)}
    events = [["t", "event"]] + [[f"{r.t:g}", r.message] for r in ev.itertuples()]
    facts = [["", ""], ["scenario", summary["scenario"]], ["seed", str(manifest["seed"])],
             ["solver", summary["solver"]], ["scenario hash", manifest["scenario_hash"]],
             ["warroom", manifest["warroom_version"]]]
    sections: list = [
        ("", "text", narrative(summary, ev)),
        ("Strength over time", "image", "strength.png"),
        ("Lost and withdrawn", "image", "ledger.png"),
        ("Exchange ratio", "image", "exchange.png"),
        ("Losses", "table", _loss_table(summary)),
    ]
    if (run / "kills.parquet").exists():  # a tactical battle: who killed what
        k = pq.read_table(run / "kills.parquet").to_pandas()
        rows = [["side", "shooter type", "target type", "kills"]]
        rows += [[str(r.side), str(r.shooter_type), str(r.target_type), f"{r.kills:,.1f}"]
                 for r in k.sort_values("kills", ascending=False).itertuples()]
        sections.append(("Kills by shooter and target type", "table", rows))
    sections += [("Events", "table", events), ("Run", "table", facts)]
    write_pages(run, f"After-action report: {summary['scenario']}", sections, figs)
