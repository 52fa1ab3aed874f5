"""`warroom validate`: models checked against historical battles (CDB90: outcome models by
cross-validation; Bodart: which Lanchester law the battles favour, by ABC)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .cli_base import app, fail, out_console
from .errors import UserError, did_you_mean
from .fit.jsonout import dumps
from .limits import check_out, check_seed

DATASETS = {"cdb90": "cdb90", "bodart": "bodart_willard_1080"}


def data_root(data: Path | None) -> Path:
    """--data, else $WARROOM_DATA, else ../shared/data beside the working folder or the repo."""
    if data is not None:
        if not data.is_dir():
            raise UserError(f"--data {data}: not a folder (expected the folder holding "
                            f"{', '.join(f'{v}/' for v in DATASETS.values())})")
        return data
    if os.environ.get("WARROOM_DATA"):
        env = Path(os.environ["WARROOM_DATA"])
        if not env.is_dir():
            raise UserError(f"WARROOM_DATA={env}: not a folder")
        return env
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        cand = base.parent / "shared" / "data"
        if cand.is_dir():
            return cand
    raise UserError("no data folder: pass --data DIR (the folder holding cdb90/) or set "
                    "WARROOM_DATA; the project looks for ../shared/data by default")


@app.command()
def validate(
    dataset: Annotated[str, typer.Argument(help="Which data set: cdb90 or bodart.")],
    data: Annotated[Path | None, typer.Option(
        help="Folder holding the data sets (default ../shared/data).")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the report.")] = None,
    folds: Annotated[int, typer.Option(help="cdb90: cross-validation folds.")] = 10,
    seed: Annotated[int | None, typer.Option(
        help="Seed (cdb90: of the folds, default 1990; bodart: of the draws, default 1080).")
    ] = None,
    period: Annotated[str | None, typer.Option(
        help="bodart: periods, e.g. 01,03 (default all: 01 1620-1701, 02 1702-1792, "
        "03 1793-1860, 04 1861-1905).")] = None,
    draws: Annotated[int, typer.Option(help="bodart: ABC draws per law and period.")] = 50_000,
    tolerance: Annotated[float, typer.Option(
        help="bodart: share of all draws accepted.")] = 0.005,
    distance: Annotated[str, typer.Option(help="bodart: summary or paper.")] = "summary",
    repeats: Annotated[int, typer.Option(
        help="bodart: repeats with other seeds, for the Monte Carlo error.")] = 3,
    workers: Annotated[int, typer.Option(help="bodart: local worker processes.")] = 1,
    prior_max: Annotated[float, typer.Option(
        help="bodart: upper end of the uniform priors of mu and sigma (the paper's: 5).")
    ] = 5.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object only.")] = False,
) -> None:
    """Check models against historical battles; table, plots and a verdict."""
    try:
        if dataset not in DATASETS:
            raise UserError(f"dataset: expected one of {', '.join(DATASETS)}, found "
                            f"{dataset!r}{did_you_mean(dataset, list(DATASETS))}")
        check_seed(seed)
        folder = out or Path("runs") / f"validate-{dataset}-{time.strftime('%Y%m%d-%H%M%S')}"
        check_out(folder)  # before the minutes of computing, not after them
        root = data_root(data) / DATASETS[dataset]
        if dataset == "cdb90":
            _cdb90(root, folder, folds, 1990 if seed is None else seed, as_json)
        else:
            _bodart(root, folder, period, draws, tolerance, distance, repeats, workers,
                    1080 if seed is None else seed, prior_max, as_json)
    except UserError as e:
        fail(e)


def _cdb90(root: Path, folder: Path, folds: int, seed: int, as_json: bool) -> None:
    from .validation.report import run_cdb90, write_cdb90

    if folds < 2:
        raise UserError(f"--folds: expected at least 2, found {folds}")
    result, d, preds = run_cdb90(root, folds, seed)
    write_cdb90(result, d, preds, folder)
    if as_json:
        print(dumps(result))
        return
    table = Table("model", "accuracy (95%)", "CR error, log10", "law chosen")
    for s in result["models"]:
        table.add_row(s["model"], f"{s['accuracy']:.3f} ({s['interval'][0]:.3f}-"
                      f"{s['interval'][1]:.3f})", f"{s['cas_mae_log10']:.3f}",
                      ", ".join(f"{k} {n}" for k, n in s["laws"].items()) or "-")
    out_console.print(table)
    out_console.print(result["verdict"])
    _wrote(folder)


def _bodart(root: Path, folder: Path, period: str | None, draws: int, tolerance: float,
            distance: str, repeats: int, workers: int, seed: int, prior_max: float,
            as_json: bool) -> None:
    from .experiment.executors import executor_for
    from .validation.bodart import PERIODS, check_period
    from .validation.lawselect import DISTANCES, run_bodart
    from .validation.lawselect_report import to_json, verdict, write_bodart
    from .validation.selection import LAWS, Prior

    periods = list(PERIODS) if period is None else [p.strip() for p in period.split(",")]
    for p in periods:  # all refused before any is computed
        check_period(p)
    if distance not in DISTANCES:
        raise UserError(f"--distance: expected {' or '.join(DISTANCES)}, found {distance!r}")
    if not 100 <= draws <= 10_000_000:
        raise UserError(f"--draws: expected 100 to 10,000,000 per law and period, found "
                        f"{draws:,}")
    if not 0 < tolerance <= 0.5 or tolerance * draws * len(LAWS) < 1:
        raise UserError(f"--tolerance: expected a share in (0, 0.5] that accepts at least one "
                        f"draw, found {tolerance:g}")
    if not 1 <= repeats <= 100:
        raise UserError(f"--repeats: expected 1 to 100, found {repeats}")
    if not 1 <= workers <= 4096:
        raise UserError(f"--workers: expected 1 to 4096, found {workers}")
    if not 0.1 <= prior_max <= 1000:
        raise UserError(f"--prior-max: expected 0.1 to 1000, found {prior_max:g}")
    with executor_for(workers, None) as ex:
        result = run_bodart(root, periods, draws, tolerance, distance, seed, repeats, ex,
                            Prior(prior_max, prior_max))
    write_bodart(result, root, folder)
    if as_json:
        print(dumps(to_json(result)))
        return
    table = Table("period", *[f"P({law})" for law in LAWS], "best")
    for per in result["periods"]:
        table.add_row(per["period"], *(f"{per['laws'][law]['probability']:.3f}" for law in LAWS),
                      per["best"])
    out_console.print(table)
    out_console.print(verdict(result))
    _wrote(folder)


def _wrote(folder: Path) -> None:
    out_console.print(f"wrote {folder / 'report.html'}, {folder / 'report.md'} and "
                      f"{folder / 'validation.json'}")
