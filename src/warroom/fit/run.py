"""What `warroom fit` and `warroom simulate-fit` compute, apart from how it is printed."""

from __future__ import annotations

import math
from pathlib import Path

from ..errors import UserError
from ..limits import over
from ..report.page import atomic_write
from .data import BattleRecord
from .jsonout import dumps
from .lsq import ALIASES, LAWS, SIDES, Fit, fit, fit_all

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


EXPONENT_MAX = 5.0  # |p|, |q| the fit searches; with strengths <= 1e12 no rate overflows


def check_area(area_fire_by: str | None, name: str) -> None:
    if area_fire_by is None:
        return
    if area_fire_by not in SIDES:
        raise UserError(f"--area-fire-by: expected blue or red, found {area_fire_by!r}")
    if name != "mixed":
        raise UserError(f"--area-fire-by goes with --law mixed only, not {name!r}")


def check_coefficients(law: str, coefs: dict[str, float | None]) -> None:
    """simulate-fit's numbers: finite, effectiveness >= 0 and bounded, exponents in the range
    the fit searches (so the integration cannot overflow); --p and --q with law exponents."""
    for option, v in coefs.items():
        if v is None:
            continue
        if option in ("--p", "--q"):
            if law != "exponents":
                raise UserError(f"{option} goes with --law exponents only, not {law!r}")
            if not (math.isfinite(v) and abs(v) <= EXPONENT_MAX):
                raise UserError(f"{option}: expected a number from -{EXPONENT_MAX:g} to "
                                f"{EXPONENT_MAX:g}, found {v}")
        elif not (math.isfinite(v) and v >= 0):
            raise UserError(f"{option}: expected a finite number >= 0, found {v}")
        elif msg := over("magnitude", v, option):
            raise UserError(msg)


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
        fits, best, skipped = fit_all(rec)
        out = {"laws": {k: f.to_json() for k, f in fits.items()}, "best": best}
        return fits, out | ({"skipped": skipped} if skipped else {})
    fits = {name: fit(rec, name, area_fire_by)}
    return fits, fits[name].to_json()


def write_fit(folder: Path, rec: BattleRecord, fits: dict[str, Fit], result: dict,
              time_unit: str) -> None:
    """fit.json and fit.png (data against every fitted trajectory) in `folder`."""
    from .plot import fit_figure

    folder.mkdir(parents=True, exist_ok=True)
    fit_figure(rec, fits, time_unit, folder / "fit.png")
    atomic_write(folder / "fit.json", (dumps(result, indent=2) + "\n").encode())
