"""The unit of a record's times, and effectiveness reported per another: a kill rate is per
unit of time, so per hour it is the per-day figure over 24."""

from __future__ import annotations

from ..errors import UserError, did_you_mean

SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
RATES = ("blue_effectiveness", "red_effectiveness")


def time_unit(name: str, option: str) -> str:
    """A unit name (a plural accepted), or a UserError naming the option."""
    unit = name.strip().lower()
    unit = unit[:-1] if unit.endswith("s") and unit[:-1] in SECONDS else unit
    if unit not in SECONDS:
        raise UserError(f"{option}: unknown unit {name[:40]!r}{did_you_mean(unit, list(SECONDS))};"
                        f" expected one of {', '.join(SECONDS)}")
    return unit


def per(result: dict, unit: str, report: str) -> dict:
    """A fit's JSON with every effectiveness (and its interval) per `report` instead of per
    `unit`, the unit in which the record's times were read, and saying both."""
    factor = SECONDS[report] / SECONDS[unit]

    def one(fit: dict) -> dict:
        out = dict(fit)
        for k in RATES:
            if k in out:
                out[k] = out[k] * factor
        if "intervals" in out:
            out["intervals"] = {k: ([v * factor for v in iv] if k in RATES else iv)
                                for k, iv in out["intervals"].items()}
        return out

    if "laws" in result:
        result = {**result, "laws": {k: one(v) for k, v in result["laws"].items()}}
    else:
        result = one(result)
    return {**result, "time_unit": unit, "per": report}
