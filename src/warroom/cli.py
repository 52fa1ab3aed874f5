"""The `warroom` command line (typer + rich).

A mistake in the user's input (`UserError`) prints a plain message and exits 2; nothing else is
caught, so a bug still shows its traceback.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .cli_base import app, fail, out_console, warn
from .errors import UserError
from .fit.jsonout import dumps
from .limits import check_out, check_seed

TimeUnitOpt = Annotated[str, typer.Option(
    help="Unit of the t column: second, minute, hour, day or week.")]
ScenarioArg = Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)]


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
        check_seed(seed)
        check_out(out or Path("runs"))  # before the work: a run must not be lost at the end
        sc = load_scenario(scenario)
        warn(sc)
        t0 = time.perf_counter()
        result = simulate(sc, seed=seed)
        wall = time.perf_counter() - t0
        folder = out or Path("runs") / f"{sc.name}-{time.strftime('%Y%m%d-%H%M%S')}"
        write_run(result, folder, scenario_path=str(scenario), command=["warroom", *sys.argv[1:]],
                  wall_time_s=wall, force=force)
    except UserError as e:
        fail(e)
    _print_summary(result.summary(), folder)


def _print_summary(s: dict, out: Path) -> None:
    unit = s["time_unit"]
    if s["end_reason"] == "side_broke":
        head = (f"[bold]{s['winner']}[/] wins at t = {s['end_time']:g} {unit}s "
                f"(decided by: {s['deciding_breakpoint']})")
    elif s["end_reason"] == "mutual":
        head = f"draw: every side broke at t = {s['end_time']:g} {unit}s"
    else:
        head = (f"no winner: more than one side was still in the field at the end of the "
                f"clock, t = {s['end_time']:g} {unit}s")
    out_console.print(f"{s['scenario']} (seed {s['seed']}, solver {s['solver']}): {head}")
    from .report.render import shown_numbers

    cols = shown_numbers(s["sides"].values())
    table = Table("side", *cols)
    for side, v in s["sides"].items():
        table.add_row(side, *(f"{v[k]:,.1f}" for k in cols))
    out_console.print(table)
    out_console.print(f"run folder: {out}  (report: {out / 'report.html'})")


@app.command()
def check(scenario: ScenarioArg) -> None:
    """Validate a scenario file and report every mistake (exit 0 valid, 2 invalid)."""
    from .scenario import TacticalScenario, load_scenario
    from .scenario.campaign import CampaignScenario

    try:
        sc = load_scenario(scenario)
    except UserError as e:
        fail(e)
    warn(sc)
    if isinstance(sc, CampaignScenario):
        n = sum(g.count for s in sc.sides for m in s.members for g in m.fleets)
        n_m = sum(len(s.members) for s in sc.sides)
        out_console.print(f"{scenario}: ok ({len(sc.sides)} sides, {n_m} members, {n:,} "
                          f"fleets, {len(sc.strategies)} strategies)")
        return
    n_forces = sum(len(s.forces) for s in sc.sides)
    if isinstance(sc, TacticalScenario):
        n = sum(f.count for s in sc.sides for f in s.forces)
        what = f"{len(sc.entity_types)} entity types, {n:,} entities"
    else:
        what = f"{len(sc.engagements)} engagements"
    out_console.print(f"{scenario}: ok ({len(sc.sides)} sides, {n_forces} forces, {what})")


@app.command()
def schema(
    scale: Annotated[str, typer.Option(help="aggregate, tactical or campaign.")] = "aggregate",
) -> None:
    """Print the scenario format's JSON Schema (for editors)."""
    from .scenario.campaign import CampaignScenario
    from .scenario.model import Scenario
    from .scenario.tactical import TacticalScenario

    models: dict[str, type[Scenario] | type[TacticalScenario] | type[CampaignScenario]] = {
        "aggregate": Scenario, "tactical": TacticalScenario, "campaign": CampaignScenario}
    if scale not in models:
        fail(UserError(f"--scale: expected 'aggregate', 'tactical' or 'campaign', found "
                       f"{scale!r}"))
    print(json.dumps(models[scale].model_json_schema(), indent=2))


@app.command()
def report(run_dir: Annotated[Path, typer.Argument(
        help="A run or experiment folder.")]) -> None:
    """Rebuild report.md and report.html of a run or experiment folder from its tables."""
    from .experiment.rebuild import is_experiment, rebuild_report
    from .report.render import write_reports

    try:
        if is_experiment(run_dir):
            rebuild_report(run_dir)
        else:
            write_reports(run_dir)
    except UserError as e:
        fail(e)
    out_console.print(f"wrote {run_dir / 'report.md'} and {run_dir / 'report.html'}")


LawOpt = Annotated[str, typer.Option(
    help="square, linear, log, mixed, exponents, or all (fit only).")]
AreaOpt = Annotated[str | None, typer.Option(
    help="With --law mixed: the side whose fire is area fire (fit tries both if omitted).")]


@app.command("fit")
def fit_cmd(
    data: Annotated[Path, typer.Argument(help="Battle record (CSV: t, blue, red, ...).")],
    law: LawOpt = "square",
    time_unit: TimeUnitOpt = "day",
    report_per: Annotated[str | None, typer.Option(
        help="Report effectiveness per this unit (default: per --time-unit).")] = None,
    method: Annotated[str, typer.Option(
        help="lsq (least squares on trajectories) or engel (Engel's integral estimator).")
    ] = "lsq",
    out: Annotated[Path | None, typer.Option(help="Folder for fit.json and fit.png.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object only.")] = False,
    area_fire_by: AreaOpt = None,
) -> None:
    """Fit an attrition law to a battle record: coefficients, intervals, fit, identifiability."""
    from .fit.data import read_record
    from .fit.run import check_area, check_method, fit_record, law_name, write_fit
    from .fit.units import per
    from .fit.units import time_unit as time_unit_of

    try:
        check_method(method)
        name = law_name(law, allow_all=True)
        check_area(area_fire_by, name)
        unit = time_unit_of(time_unit, "--time-unit")
        shown = time_unit_of(report_per, "--report-per") if report_per else unit
        folder = out or Path("runs") / f"fit-{data.stem}-{time.strftime('%Y%m%d-%H%M%S')}"
        check_out(folder)
        rec = read_record(data)
        fits, result = fit_record(rec, name, method, area_fire_by)
    except UserError as e:
        fail(e)
    result = per(result, unit, shown)
    write_fit(folder, rec, fits, result, unit)
    if as_json:
        print(dumps(result))
        return
    # two narrow tables rather than one that a terminal of 80 columns would cut short
    table = Table("law", f"blue effectiveness per {shown} (95%)",
                  f"red effectiveness per {shown} (95%)")
    quality = Table("law", "p, q", "R2 blue", "R2 red", "BIC", "identifiable")
    for lw, f in fits.items():
        js = result["laws"][lw] if "laws" in result else result
        iv = js["intervals"]
        table.add_row(lw, *(f"{_g(js[k])} ({_g(iv[k][0])} to {_g(iv[k][1])})"
                            for k in ("blue_effectiveness", "red_effectiveness")))
        quality.add_row(lw, "" if f.p is None else f"{f.p:.3g}, {f.q:.3g}",
                        *("n/a" if math.isnan(f.r2[k]) else f"{f.r2[k]:.3f}"
                          for k in ("blue", "red")), f"{f.bic:.1f}",
                        "yes" if f.identifiable else "no")
    out_console.print(table)
    out_console.print(quality)
    for lw, f in fits.items():
        if not f.identifiable:
            out_console.print(f"{lw}: not identifiable: {f.reason}")
    for lw, why in result.get("skipped", {}).items():
        out_console.print(f"{lw}: not fitted: {why}")
    if "best" in result:
        out_console.print(f"best law: {result['best']} (the lowest BIC among the identifiable "
                          "fits)")
    basis = next(iter(fits.values())).r2_basis
    out_console.print(f"R2 measured on {basis}; wrote {folder / 'fit.json'} and "
                      f"{folder / 'fit.png'}")


def _g(x: float) -> str:
    """Three significant figures, with a short exponent: 3.37e-5."""
    return re.sub(r"e([+-])0*(\d)", lambda m: f"e{m[1].replace('+', '')}{m[2]}", f"{x:.3g}")


@app.command("simulate-fit")
def simulate_fit(
    data: Annotated[Path, typer.Argument(help="Battle record (CSV).")],
    blue_effectiveness: Annotated[float, typer.Option(help="Blue units' kill rate on red.")],
    red_effectiveness: Annotated[float, typer.Option(help="Red units' kill rate on blue.")],
    law: LawOpt = "square",
    p: Annotated[float | None, typer.Option(help="Target exponent (law exponents).")] = None,
    q: Annotated[float | None, typer.Option(help="Shooter exponent (law exponents).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object only.")] = False,
    area_fire_by: AreaOpt = None,
    time_unit: TimeUnitOpt = "day",
    per_unit: Annotated[str | None, typer.Option(
        "--per", help="The unit the effectiveness values are per (default: --time-unit).")
    ] = None,
) -> None:
    """Run given coefficients against a battle record; print the per-step relative error."""
    from .fit.data import read_record
    from .fit.lsq import forward
    from .fit.run import check_area, check_coefficients, law_name
    from .fit.units import SECONDS
    from .fit.units import time_unit as time_unit_of

    try:
        unit = time_unit_of(time_unit, "--time-unit")
        given = time_unit_of(per_unit, "--per") if per_unit else unit
        to_record = SECONDS[unit] / SECONDS[given]  # per `given` -> per the record's unit
        name = law_name(law, allow_all=False)
        check_area(area_fire_by, name)
        check_coefficients(name, {"--blue-effectiveness": blue_effectiveness,
                                  "--red-effectiveness": red_effectiveness, "--p": p, "--q": q})
        result = forward(read_record(data), name, blue_effectiveness * to_record,
                         red_effectiveness * to_record, p, q, area_fire_by)
    except UserError as e:
        fail(e)
    result = {**result, "time_unit": unit, "coefficients_per": given}
    if as_json:
        print(dumps(result))
        return
    for k in ("blue", "red", "overall"):
        out_console.print(f"{k}: max relative error {result['max_rel_error'][k]:.4f}, "
                          f"mean {result['mean_rel_error'][k]:.4f}")
    out_console.print(f"final blue {result['final_blue']:,.1f}, final red "
                      f"{result['final_red']:,.1f}")
    out_console.print(f"relative error = {result['rel_error_basis']}")


def main() -> None:
    app()


from . import cli_experiment, cli_room, cli_validate  # noqa: E402,F401  (register their commands)
