"""report.md and report.html of a run folder: figures, tables, events and a short narrative."""

from __future__ import annotations

import base64
import html
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ..errors import UserError
from .figures import exchange_figure, strength_figure
from .narrative import narrative

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


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


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


def _md_table(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def _html_table(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c.strip('*'))}</td>" for c in r) + "</tr>"
        for r in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_reports(run: Path) -> None:
    ts, ev, summary, manifest = load_run(run)
    unit = summary["time_unit"]
    figs = {"strength.png": strength_figure(ts, unit), "exchange.png": exchange_figure(ts, unit)}
    for name, png in figs.items():
        _atomic(run / name, png)
    story = narrative(summary, ev)
    losses = _loss_table(summary)
    events = [["t", "event"]] + [[f"{r.t:g}", r.message] for r in ev.itertuples()]
    facts = [["scenario", summary["scenario"]], ["seed", str(manifest["seed"])],
             ["solver", summary["solver"]], ["scenario hash", manifest["scenario_hash"]],
             ["warroom", manifest["warroom_version"]]]
    title = f"After-action report: {summary['scenario']}"
    md = "\n\n".join([
        f"# {title}", story,
        "## Strength over time", "![strength over time](strength.png)",
        "## Exchange ratio", "![exchange ratio](exchange.png)",
        "## Losses", _md_table(losses),
        "## Events", _md_table(events),
        "## Run", _md_table([["", ""]] + facts),
    ]) + "\n"
    _atomic(run / "report.md", md.encode())
    img = {k: base64.b64encode(v).decode() for k, v in figs.items()}
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222}} table{{border-collapse:collapse;margin:1rem 0}} td,th{{border:1px solid #ccc;
padding:.25rem .6rem;text-align:right}} td:first-child,th:first-child{{text-align:left}}
img{{max-width:100%}} .story{{font-size:1.05rem;line-height:1.5}}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p class="story">{html.escape(story)}</p>
<h2>Strength over time</h2>
<img alt="strength over time" src="data:image/png;base64,{img['strength.png']}">
<h2>Exchange ratio</h2><img alt="exchange ratio" src="data:image/png;base64,{img['exchange.png']}">
<h2>Losses</h2>{_html_table(losses)}
<h2>Events</h2>{_html_table(events)}
<h2>Run</h2>{_html_table([["", ""]] + facts)}
</body></html>
"""
    _atomic(run / "report.html", page.encode())
