"""The `warroom` command line (typer + rich).

A mistake in the user's input (`UserError`) prints a plain message and exits 2; nothing else is
caught, so a bug still shows its traceback.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .errors import UserError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Simulate wars: run, check and report scenarios.",
)
out_console = Console()

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)]


def _fail(e: UserError) -> None:
    print(f"error: {e}", file=sys.stderr)
    raise typer.Exit(2)


@app.command()
def run(
    scenario: ScenarioArg,
    seed: Annotated[int | None, typer.Option(help="Seed (default: the scenario's).")] = None,
    out: Annotated[Path | None, typer.Option(help="Run folder (default runs/NAME-TIME/).")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing run folder.")] = False,
) -> None:
    """Run a scenario once, print a summary and write a run folder with a report."""
    from .results.rundir import write_run
    from .scenario import load_scenario
    from .simulate import simulate

    try:
        if seed is not None and seed < 0:
            raise UserError(f"--seed: expected a whole number >= 0, found {seed}")
        sc = load_scenario(scenario)
        t0 = time.perf_counter()
        result = simulate(sc, seed=seed)
        wall = time.perf_counter() - t0
        folder = out or Path("runs") / f"{sc.name}-{time.strftime('%Y%m%d-%H%M%S')}"
        write_run(result, folder, scenario_path=str(scenario), command=["warroom", *sys.argv[1:]],
                  wall_time_s=wall, force=force)
    except UserError as e:
        _fail(e)
    _print_summary(result.summary(), folder)


def _print_summary(s: dict, out: Path) -> None:
    unit = s["time_unit"]
    if s["end_reason"] == "side_broke":
        head = (f"[bold]{s['winner']}[/] wins at t = {s['end_time']:g} {unit}s "
                f"(decided by: {s['deciding_breakpoint']})")
    elif s["end_reason"] == "mutual":
        head = f"draw: every side broke at t = {s['end_time']:g} {unit}s"
    else:
        head = f"no side broke by the end of the clock, t = {s['end_time']:g} {unit}s"
    out_console.print(f"{s['scenario']} (seed {s['seed']}, solver {s['solver']}): {head}")
    table = Table("side", "initial", "arrived", "withdrawn", "lost", "final")
    for side, v in s["sides"].items():
        table.add_row(side, *(f"{v[k]:,.1f}" for k in ("initial", "arrived", "withdrawn",
                                                         "lost", "final")))
    out_console.print(table)
    out_console.print(f"run folder: {out}  (report: {out / 'report.html'})")


@app.command()
def check(scenario: ScenarioArg) -> None:
    """Validate a scenario file and report every mistake (exit 0 valid, 2 invalid)."""
    from .scenario import load_scenario

    try:
        sc = load_scenario(scenario)
    except UserError as e:
        _fail(e)
    n_forces = sum(len(s.forces) for s in sc.sides)
    out_console.print(f"{scenario}: ok ({len(sc.sides)} sides, {n_forces} forces, "
                      f"{len(sc.engagements)} engagements)")


@app.command()
def schema() -> None:
    """Print the scenario format's JSON Schema (for editors)."""
    from .scenario.model import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))


@app.command()
def report(run_dir: Annotated[Path, typer.Argument(help="A run folder.")]) -> None:
    """Rebuild report.md and report.html of a run folder from its tables."""
    from .report.render import write_reports

    try:
        write_reports(run_dir)
    except UserError as e:
        _fail(e)
    out_console.print(f"wrote {run_dir / 'report.md'} and {run_dir / 'report.html'}")


def main() -> None:
    app()
