"""report.md and report.html of a run folder: figures, tables, events and a short narrative."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import UserError
from ..limits import check_out, over
from .figures import (
    command_figure,
    exchange_figure,
    fleets_figure,
    ledger_figure,
    morale_figure,
    strength_figure,
    theater_figure,
)
from .narrative import narrative
from .page import write_pages

FILES = ("timeseries.parquet", "events.parquet", "summary.json", "manifest.json")
COLUMNS = {"timeseries.parquet": ({"t", "strength", "lost", "withdrawn"}, {"side", "force"}),
           "events.parquet": ({"t"}, {"kind", "side", "message"}),
           "kills.parquet": ({"kills"}, {"side", "shooter_type", "target_type"}),
           "morale.parquet": ({"t", "members"}, {"force", "state"}),
           "cascade.parquet": ({"t", "members"}, {"force", "transition"}),
           "belief.parquet": ({"t", "staleness", "position_error", "strength_error"}, {"side"}),
           "messages.parquet": ({"sent", "done", "delay", "weight"}, {"side", "kind", "status"}),
           "worlds.parquet": ({"x", "y", "destroyed"}, {"world", "owner_at_start"}),
           "ownership.parquet": ({"t", "destroyed"}, {"world", "owner"}),
           "fleets.parquet": ({"t", "fleets", "fleets_lost"}, {"side", "member"})}
NUMBERS = ("initial", "arrived", "withdrawn", "lost", "final")


def load_run(run: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict, dict]:
    """The folder's tables and records, each checked for what the report reads: a damaged or
    foreign file is the user's to fix, so it gets a message naming it, not a traceback."""
    if not run.is_dir():
        raise UserError(f"{run}: no such run folder")
    missing = [f for f in FILES if not (run / f).exists()]
    if missing:
        raise UserError(f"{run}: not a warroom run folder (missing {', '.join(missing)})")
    ts, ev = table(run / "timeseries.parquet"), table(run / "events.parquet")
    summary = read_json(run / "summary.json", ("scenario", "solver", "time_unit", "winner",
                                           "end_time", "end_reason", "sides", "forces"))
    manifest = read_json(run / "manifest.json", ("seed", "scenario_hash", "warroom_version"))
    _check_summary(run / "summary.json", summary)
    return ts, ev, summary, manifest


def table(path: Path) -> pd.DataFrame:
    """A run folder's Parquet table, its text columns as str and its numbers checked numeric."""
    try:
        df = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError) as e:
        raise UserError(f"{path}: not a readable Parquet table ({e})") from None
    numbers, texts = COLUMNS[path.name]
    missing = sorted((numbers | texts) - set(df.columns))
    if missing:
        raise UserError(f"{path}: not a warroom table (no column {', '.join(missing)})")
    for col in sorted(numbers):
        if not pd.api.types.is_numeric_dtype(df[col]):
            raise UserError(f"{path}: column {col}: expected numbers, found {df[col].dtype}")
    for col in texts:
        df[col] = df[col].astype(str)
    return df


def read_json(path: Path, keys: tuple[str, ...]) -> dict:
    """A folder's JSON record, refused with its place when damaged or not warroom's."""
    if not path.is_file():
        raise UserError(f"{path}: missing (expected a warroom folder's file)")
    if msg := over("file_bytes", path.stat().st_size, "the file's size in bytes"):
        raise UserError(f"{path}: {msg}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise UserError(f"{path}:{e.lineno}:{e.colno}: not valid JSON ({e.msg})") from None
    except (UnicodeDecodeError, OSError) as e:
        raise UserError(f"{path}: cannot be read as a text file ({e})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a JSON object, found a {type(data).__name__}")
    missing = [k for k in keys if k not in data]
    if missing:
        raise UserError(f"{path}: not a warroom run's file (no {', '.join(missing)})")
    return data


def _check_summary(path: Path, s: dict) -> None:
    def number(v) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    bad = [] if number(s["end_time"]) else ["end_time"]
    for group in ("sides", "forces"):
        if not isinstance(s[group], dict):
            bad.append(group)
            continue
        for name, v in s[group].items():
            if not isinstance(v, dict) or not all(number(v.get(k)) for k in NUMBERS):
                bad.append(f"{group}.{name}")
    if bad:
        raise UserError(f"{path}: not a warroom run's summary: {', '.join(bad[:5])} "
                        f"{'is' if len(bad) == 1 else 'are'} not as a run writes "
                        f"(numbers {', '.join(NUMBERS)} for each side and force)")


def _loss_table(summary: dict) -> list[list[str]]:
    cols = shown_numbers(summary["sides"].values())
    rows = [["side", "force", *cols]]
    for force, v in summary["forces"].items():
        rows.append([str(v.get("side", "?")), str(force)] + [f"{v.get(k, 0):,.1f}" for k in cols])
    for side, v in summary["sides"].items():
        rows.append([f"**{side}**", "(all)"] + [f"{v.get(k, 0):,.1f}" for k in cols])
    return rows



def write_reports(run: Path) -> None:
    ts, ev, summary, manifest = load_run(run)
    check_out(run, "run folder")  # before the figures: an unwritable folder is known now
    unit = summary["time_unit"]
    figs = {"strength.png": strength_figure(ts, unit), "ledger.png": ledger_figure(ts, unit),
            "exchange.png": exchange_figure(ts, unit)}
    events = [["t", "event"]] + [[f"{r.t:g}", r.message] for r in ev.itertuples()]
    facts = [["", ""], *([k, str(v)] for k, v in (
        ("scenario", summary["scenario"]), ("seed", manifest["seed"]),
        ("solver", summary["solver"]), ("scenario hash", manifest["scenario_hash"]),
        ("warroom", manifest["warroom_version"])))]
    sections: list = [
        ("", "text", narrative(summary, ev)),
        ("Strength over time", "image", "strength.png"),
        ("Lost and withdrawn", "image", "ledger.png"),
        ("Exchange ratio", "image", "exchange.png"),
        ("Losses", "table", _loss_table(summary)),
    ]
    if (run / "kills.parquet").exists():  # a tactical battle: who killed what
        k = table(run / "kills.parquet")
        rows = [["side", "shooter type", "target type", "kills"]]
        rows += [[str(r.side), str(r.shooter_type), str(r.target_type), f"{r.kills:,.1f}"]
                 for r in k.sort_values("kills", ascending=False).itertuples()]
        sections.append(("Kills by shooter and target type", "table", rows))
    if (run / "morale.parquet").exists() and (run / "cascade.parquet").exists():
        m, c = table(run / "morale.parquet"), table(run / "cascade.parquet")
        figs["morale.png"] = morale_figure(m, c, unit)
        sections.append(("Morale and the cascade", "image", "morale.png"))
    if (run / "belief.parquet").exists() and (run / "messages.parquet").exists():
        b, msg = table(run / "belief.parquet"), table(run / "messages.parquet")
        figs["command.png"] = command_figure(b, msg, unit)
        sections.append(("Command: belief and messages", "image", "command.png"))
    if all((run / f"{n}.parquet").exists() for n in ("worlds", "ownership", "fleets")):
        # a campaign: the theater at its start, at each milestone and at its end
        times = [0.0, *sorted(v for k, v in summary.items() if k.startswith("t@")),
                 float(summary["end_time"])]
        figs["theater.png"] = theater_figure(table(run / "worlds.parquet"),
                                             table(run / "ownership.parquet"), times, unit)
        figs["fleets.png"] = fleets_figure(table(run / "fleets.parquet"), unit)
        sections += [("The theater by owner", "image", "theater.png"),
                     ("Fleets and fleets lost", "image", "fleets.png")]
    sections += [("Events", "table", events), ("Run", "table", facts)]
    write_pages(run, f"After-action report: {summary['scenario']}", sections, figs)


def shown_numbers(sides) -> tuple[str, ...]:
    """The ledger's columns, with `defected` where anyone went over (a run written before
    morale has none)."""
    if any(isinstance(v.get("defected"), int | float) and v["defected"] > 0 for v in sides):
        return (*NUMBERS[:-1], "defected", NUMBERS[-1])
    return NUMBERS
