"""The experiment commands: `warroom mc`, `warroom sweep`, `warroom ablate` and `warroom query`."""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from .cli_base import app, fail, out_console, warn
from .errors import UserError
from .limits import LIMITS, check_out, check_seed

WorkersOpt = Annotated[int | None, typer.Option(
    help="Local worker processes (default: all cores).")]
ClusterOpt = Annotated[str | None, typer.Option(
    help="Run on Dask: a scheduler address tcp://HOST:8786, or 'local' for a LocalCluster.")]
OutOpt = Annotated[Path | None, typer.Option(
    help="Experiment folder (default runs/KIND-NAME-TIME/).")]
ResumeOpt = Annotated[bool, typer.Option(help="Continue the experiment in --out.")]
ForceOpt = Annotated[bool, typer.Option(help="Replace what --out holds (kept aside until the "
                                        "new experiment is done).")]
SeedOpt = Annotated[int | None, typer.Option(help="Seed (default: the scenario's).")]
ReplaysOpt = Annotated[int, typer.Option(
    help="Keep the run folders of the first K replications of each point (replays/ in the "
         "folder), for the war room.", min=0, max=100)]


def _read(scenario: Path):
    """The scenario file as written (ruamel's tree, which keeps line numbers for errors)."""
    from .scenario.load import read_yaml

    return read_yaml(scenario)


CLUSTER = re.compile(r"^(local|(tcp|tls|inproc|ucx)://[^\s/]+(:\d{1,5})?/?|[\w.-]+:\d{1,5})$")


def check_options(workers: int | None, cluster: str | None, seed: int | None,
                  out: Path | None) -> None:
    """The experiment options every command takes, refused before any work."""
    if workers is not None and not 1 <= workers <= 4096:
        raise UserError(f"--workers: expected a number from 1 to 4096, found {workers}")
    if cluster is not None and not CLUSTER.match(cluster):
        raise UserError(f"--cluster: expected 'local' or a scheduler address such as "
                        f"tcp://HOST:8786, found {cluster!r}")
    check_seed(seed)
    if out is not None:
        check_out(out)


def _run(kind: str, scenario: Path, raw, n: int, seed: int | None, workers: int | None,
         cluster: str | None, out: Path | None, resume: bool, points: list[dict],
         command: list[str], force: bool = False, replays: int = 0):
    from .experiment.executors import executor_for
    from .experiment.run import Interrupted, experiment
    from .scenario import validate
    from .scenario.load import plain

    check_options(workers, cluster, seed, out)
    if force and resume:
        raise UserError("--force replaces the folder and --resume continues it: give one")
    workers = workers or os.cpu_count() or 1
    data = plain(raw)
    sc = validate(raw, str(scenario), base=scenario.parent)
    warn(sc)
    folder = out or Path("runs") / f"{kind}-{sc.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    columns = (TextColumn(f"{kind} {sc.name}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    # the bar appears with the first count, so that an error found before any work (a
    # changed scenario, an unreachable cluster) is not printed under an empty bar
    bar = Progress(*columns, console=out_console, transient=False)
    task = bar.add_task(kind, total=None)

    def live(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total)

    progress = live if out_console.is_terminal else _lines(f"{kind} {sc.name}")

    aside = _set_aside(folder) if force else None
    try:
        with executor_for(workers, cluster) as ex:
            result = experiment(data, n, seed=seed, executor=ex, workers=workers,
                                out=folder, points=points, resume=resume,
                                base=scenario.parent, kind=kind, progress=progress,
                                replays=replays)
    except BaseException as e:
        if bar.live.is_started:
            bar.stop()
        _put_back(aside, folder)
        if isinstance(e, Interrupted):
            again = " ".join(_without(command, ["--resume", "--force"], "--out"))
            print(f"interrupted: {e}. Resume with:\n  {again} --resume --out {folder}",
                  file=sys.stderr)
            raise typer.Exit(130) from None
        raise
    finally:
        if bar.live.is_started:
            bar.stop()
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return result, folder, sc


def _set_aside(folder: Path) -> Path | None:
    """--force: move what the folder holds beside it, so that the new experiment starts empty
    and the old one is lost only once the new one is done."""
    if not folder.exists():
        return None
    aside = folder.parent / f".{folder.name}.replaced-{os.getpid()}"
    os.replace(folder, aside)
    return aside


def _put_back(aside: Path | None, folder: Path) -> None:
    """The new experiment stopped: the old folder returns if nothing new was written, else it
    stays aside and the user is told where."""
    if aside is None:
        return
    if not folder.exists():
        os.replace(aside, folder)
    else:
        print(f"note: the folder --force replaced is kept at {aside}", file=sys.stderr)


def _lines(label: str, every: float = 5.0):
    """Progress for a log file (no terminal, so no live bar): a line on stderr at the start,
    every `every` seconds or tenth of the work, and at the end."""
    t0 = time.monotonic()
    last = [-every, -1]  # time of the last line, tenth it reported

    def progress(done: int, total: int) -> None:
        now = time.monotonic() - t0
        tenth = done * 10 // total if total else 0
        if done == total or now - last[0] >= every or tenth > last[1]:
            print(f"{label}: {done:,} of {total:,} replications, {now:,.0f} s", file=sys.stderr,
                  flush=True)
            last[:] = [now, tenth]

    return progress


def _without(command: list[str], flags: list[str], option: str) -> list[str]:
    """The command line less some flags and an option with its value (re-added by the
    hint)."""
    out, skip = [], False
    for a in command:
        if skip:
            skip = False
        elif a == option:
            skip = True
        elif a not in flags and not a.startswith(option + "="):
            out.append(a)
    return out


def _finish(result, folder: Path, sc, extra: list | None = None) -> None:
    from .experiment.report import write_report

    write_report(folder, result.summary, result.replications, result.series,
                 sc.clock.unit.value, extra or [])
    if extra is None:
        _print_summary(result.summary, [s.id for s in sc.sides], sc.clock.unit.value)
    out_console.print(f"wrote {folder}/replications.parquet, summary.json and report.html")


def _print_summary(summary: dict, sides: list[str], unit: str) -> None:
    points = summary["points"]
    if summary.get("deterministic"):
        out_console.print("[yellow]note:[/] every replication gave the same battle (the "
                          "solver is deterministic), so the intervals below say nothing about "
                          "chance; use a stochastic solver (ctmc, tau_leap) for the odds, or "
                          "`warroom sweep` to vary the inputs")
    if len(points) == 1:
        p = points[0]
        table = Table("side", "P(wins) (95% interval)", "losses mean", "median", "p5", "p95")
        for s in sides:
            w, v = p["wins"][s], p["losses"][s]
            table.add_row(s, f"{w['p']:.3f} ({w['low']:.3f}-{w['high']:.3f})",
                          f"{v['mean']:,.1f}", f"{v['median']:,.1f}", f"{v['p5']:,.1f}",
                          f"{v['p95']:,.1f}")
        out_console.print(table)
        d = p["duration"]
        out_console.print(f"duration ({unit}): median {d['median']:,.2f}, 5-95% "
                          f"{d['p5']:,.2f}-{d['p95']:,.2f}; ended by: "
                          + ", ".join(f"{k} {v}" for k, v in p["deciding"].items()))
        facts = {k: v for k, v in p.get("facts", {}).items() if v["n"]}
        if facts:
            out_console.print("; ".join(f"{k} {v['mean']:,.3g} ({v['p5']:,.3g}-{v['p95']:,.3g})"
                                        for k, v in facts.items()))
        return
    keys = list(points[0]["parameters"])
    table = Table(*keys, *[f"P({s} wins)" for s in sides],
                  *[f"{s} losses (mean)" for s in sides])
    for p in points:
        table.add_row(*[f"{p['parameters'][k]:g}" if isinstance(p["parameters"][k], float)
                        else str(p["parameters"][k]) for k in keys],
                      *[f"{p['wins'][s]['p']:.3f} ({p['wins'][s]['low']:.2f}-"
                        f"{p['wins'][s]['high']:.2f})" for s in sides],
                      *[f"{p['losses'][s]['mean']:,.1f}" for s in sides])
    out_console.print(table)


@app.command()
def mc(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    n: Annotated[int, typer.Option("-n", help="Replications.")] = 1000,
    seed: SeedOpt = None, workers: WorkersOpt = None, cluster: ClusterOpt = None,
    out: OutOpt = None, resume: ResumeOpt = False, force: ForceOpt = False,
    replays: ReplaysOpt = 0,
) -> None:
    """Monte Carlo: win probabilities with 95% intervals, losses, duration, how battles end."""
    try:
        _finish(*_run("mc", scenario, _read(scenario), n, seed, workers, cluster, out, resume, [{}],
                      ["warroom", *sys.argv[1:]], force, replays))
    except UserError as e:
        fail(e)


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    set_: Annotated[list[str], typer.Option(
        "--set", help="PATH=START:STOP:COUNT, PATH=log:START:STOP:COUNT or PATH=V1,V2,...")],
    n: Annotated[int, typer.Option("-n", help="Replications per point.")] = 200,
    seed: SeedOpt = None, workers: WorkersOpt = None, cluster: ClusterOpt = None,
    out: OutOpt = None, resume: ResumeOpt = False, force: ForceOpt = False,
    replays: ReplaysOpt = 0,
) -> None:
    """A grid over scenario parameters, n replications per point."""
    from .experiment.params import get_value, grid, parse_set
    from .scenario.load import plain

    try:
        check_options(workers, cluster, seed, out)
        sets = [parse_set(s) for s in set_]
        raw = _read(scenario)
        data = plain(raw)
        for path, _ in sets:
            get_value(data, path)  # a path that does not exist fails before any work
        _finish(*_run("sweep", scenario, raw, n, seed, workers, cluster, out, resume, grid(sets),
                      ["warroom", *sys.argv[1:]], force, replays))
    except UserError as e:
        fail(e)


@app.command()
def ablate(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    n: Annotated[int, typer.Option("-n", help="Replications per combination.")] = 200,
    side: Annotated[str | None, typer.Option(
        help="Whose win probability to explain (default: the first side).")] = None,
    max_size: Annotated[int, typer.Option(
        help="Remove up to this many elements at once (when not all combinations).")] = 2,
    exact_max: Annotated[int, typer.Option(
        help="Exact Shapley values (every combination) up to this many elements.")] = 6,
    orders: Annotated[int, typer.Option(
        help="Random orders for sampled Shapley values beyond --exact-max.")] = 100,
    only: Annotated[str | None, typer.Option(
        "--only", help="Ablate only these elements (ID,ID,...); the others stay.")] = None,
    exclude: Annotated[str | None, typer.Option(
        "--except", help="Leave these elements (ID,ID,...) in every combination.")] = None,
    seed: SeedOpt = None, workers: WorkersOpt = None, cluster: ClusterOpt = None,
    out: OutOpt = None, resume: ResumeOpt = False, force: ForceOpt = False,
    replays: ReplaysOpt = 0,
) -> None:
    """Switch off each element with an id, alone and in combination: effects and Shapley values."""
    from .experiment.ablate import credit, prepare
    from .experiment.ablate import table as elements_table
    from .scenario.load import plain

    try:
        check_options(workers, cluster, seed, out)
        raw = _read(scenario)
        ab = prepare(plain(raw), side, max_size, exact_max, orders, seed, _ids(only),
                     _ids(exclude))
        result, folder, sc = _run("ablate", scenario, raw, n, seed, workers, cluster, out, resume,
                                  ab.points, ["warroom", *sys.argv[1:]], force, replays)
    except UserError as e:
        fail(e)
    rows = credit(ab, result.replications, folder)
    table = elements_table(rows, ab.side)
    shown = Table(*table[0])
    for line in table[1:]:
        shown.add_row(*line)
    out_console.print(shown)
    out_console.print(f"± half-widths of 95% intervals. Shapley values: "
                      f"{rows[0]['shapley_method']}; they add up to P({ab.side} wins) with every "
                      "element minus with none")
    _finish(result, folder, sc, [("Elements", "table", table)])


def _ids(text: str | None) -> list[str] | None:
    return None if text is None else [t.strip() for t in text.split(",") if t.strip()]


@app.command()
def query(
    run_dir: Annotated[Path, typer.Argument(help="An experiment or run folder.")],
    sql: Annotated[str, typer.Argument(help="SQL over its tables, e.g. SELECT winner, "
                                       "count(*) FROM replications GROUP BY winner")],
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
) -> None:
    """DuckDB SQL over the folder's Parquet files (each is a table named after its file);
    read-only and confined to those tables."""
    from .results.query import run_query

    try:
        cols, rows, more = run_query(run_dir, sql)
    except UserError as e:
        fail(e)
    if more:
        print(f"query: showing the first {len(rows):,} rows; add a LIMIT, or "
              f"{LIMITS['query_rows'].hint()}", file=sys.stderr)
    if as_csv:
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
        return
    table = Table(*cols)
    for r in rows:
        table.add_row(*[f"{v:.6g}" if isinstance(v, float) else str(v) for v in r])
    out_console.print(table)
