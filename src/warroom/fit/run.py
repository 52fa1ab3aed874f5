"""What `warroom fit` and `warroom simulate-fit` compute, apart from how it is printed."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import UserError
from .data import BattleRecord
from .lsq import ALIASES, LAWS, Fit, fit, fit_all

METHODS = ("lsq", "engel")


def law_name(law: str, allow_all: bool) -> str:
    """The law's canonical name; 'all' (every law) only where `allow_all`."""
    name = ALIASES.get(law, law)
    if allow_all and name not in LAWS and name != "all":
        raise UserError(f"--law: expected one of square, linear, log, mixed, exponents, "
                        f"all; found {law!r}")
    if not allow_all and name not in LAWS:
        raise UserError(f"--law: expected square, linear, log, mixed or exponents, found "
                        f"{law!r}")
    return name


def check_method(method: str) -> None:
    if method not in METHODS:
        raise UserError(f"--method: expected 'lsq' or 'engel', found {method!r}")


def fit_record(rec: BattleRecord, name: str, method: str = "lsq",
               area_fire_by: str | None = None) -> tuple[dict[str, Fit], dict]:
    """The fits by law and their JSON: one law's object, or for 'all' every law's and the best."""
    if method == "engel":
        from .engel import engel

        if name == "all":
            raise UserError("--method engel fits one law at a time; name it with --law")
        fits = {name: engel(rec, name)}
        return fits, fits[name].to_json()
    if name == "all":
        fits, best = fit_all(rec)
        return fits, {"laws": {k: f.to_json() for k, f in fits.items()}, "best": best}
    fits = {name: fit(rec, name, area_fire_by)}
    return fits, fits[name].to_json()


def write_fit(folder: Path, rec: BattleRecord, fits: dict[str, Fit], result: dict,
              time_unit: str) -> None:
    """fit.json and fit.png (data against every fitted trajectory) in `folder`."""
    from .plot import fit_figure

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fit.json").write_text(json.dumps(result, indent=2) + "\n")
    fit_figure(rec, fits, time_unit, folder / "fit.png")
