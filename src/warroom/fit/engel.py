"""Engel's (1954) integral estimator, for records where one side is seen only at its endpoints.

Each side's effectiveness is its enemy's total losses over the integral of its own fire,
    blue_effectiveness = red losses / integral of B^q R^p dt,
and the side seen only at its endpoints is reconstructed by integrating the law with that
estimate (a fixed point when the law makes the integral depend on it). Intervals treat each total
of casualties as a Poisson count (losses +- 1.96 sqrt(losses)), the counting error of attrition.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import cumulative_trapezoid

from ..attrition.two_force import loss_rate
from ..errors import UserError
from .data import BattleRecord
from .lsq import ALIASES, LAWS, Fit, check_fittable, simulate_record

Z95 = 1.959963984540054


def engel(rec: BattleRecord, law: str) -> Fit:
    law = ALIASES.get(law, law)
    exps = LAWS.get(law)
    if not isinstance(exps, tuple):
        raise UserError(f"--method engel takes square, linear or log, not {law!r}")
    p, q = exps
    seen = {s: ~np.isnan(getattr(rec, s)) for s in ("blue", "red")}
    full = [s for s in seen if seen[s].all()]
    if not full:
        gap = {s: int(np.flatnonzero(~seen[s])[0]) for s in seen}  # each side's first gap
        raise UserError(f"{rec.at(min(gap.values()))}: --method engel needs one side observed at "
                        "every time (its integral of fire comes from that series); neither is "
                        f"(blue is first missing at {rec.at(gap['blue'])}, red at "
                        f"{rec.at(gap['red'])})")
    check_fittable(rec)
    for side in seen:
        if rec.total_losses(side) < 0:
            raise UserError(f"{rec.at(-1)}: {side}: the record's {side} losses total "
                            f"{rec.total_losses(side):g} (it ends stronger than it began with "
                            "its reinforcements); Engel's estimator needs losses >= 0: give "
                            f"{side}_reinforcements or {side}_losses, or use --method lsq")
    t = rec.t
    known = full[0]
    other = "red" if known == "blue" else "blue"
    X = getattr(rec, known)  # the fully observed side's strengths
    lost_other, lost_known = rec.total_losses(other), rec.total_losses(known)
    other_obs = getattr(rec, other)
    Y = np.interp(t, t[seen[other]], other_obs[seen[other]])  # first guess: straight line
    reinf_y = np.cumsum(getattr(rec, f"{other}_reinforcements"))

    def fire(target, shooter):  # the law's rate at unit effectiveness
        return loss_rate(target, shooter, 1.0, p, q)

    k_known = lost_other / max(np.trapezoid(fire(Y, X), t), 1e-300)
    for _ in range(200):  # fixed point: the other side's path depends on the estimate
        Y = np.maximum(other_obs[0] + reinf_y - k_known * cumulative_trapezoid(
            fire(Y, X), t, initial=0.0), 0.0)
        new = lost_other / max(np.trapezoid(fire(Y, X), t), 1e-300)
        if abs(new - k_known) <= 1e-12 * abs(new):
            break
        k_known = new
    k_other = lost_known / max(np.trapezoid(fire(X, Y), t), 1e-300)
    a, b = (k_known, k_other) if known == "blue" else (k_other, k_known)
    lost = {"blue": lost_known if known == "blue" else lost_other,
            "red": lost_other if known == "blue" else lost_known}
    intervals = {}
    for name, k, enemy_losses in (("blue_effectiveness", a, lost["red"]),
                                  ("red_effectiveness", b, lost["blue"])):
        rel = Z95 / np.sqrt(max(enemy_losses, 1e-300))
        intervals[name] = (float(k * max(1 - rel, 0.0)), float(k * (1 + rel)))
    B, R, _, _ = simulate_record(rec, a, b, p, q)
    rmse, r2 = {}, {}
    for side, sim in (("blue", B), ("red", R)):
        obs = getattr(rec, side)
        m = seen[side].copy()
        m[0] = False
        e = sim[m] - obs[m]
        rmse[side] = float(np.sqrt(np.mean(e**2))) if e.size else 0.0
        sst = float(((obs[m] - obs[m].mean()) ** 2).sum()) if e.size else 0.0
        r2[side] = 1.0 - float(e @ e) / sst if sst > 0 else float("nan")
    sse = sum(float(((sim - getattr(rec, s))[seen[s]][1:] ** 2).sum())
              for s, sim in (("blue", B), ("red", R)))
    # a side without losses gives its enemy an effectiveness of 0 and no interval at all
    unlosing = [s for s in ("blue", "red") if lost[s] <= 0]
    reason = (f"{' and '.join(unlosing)} took no losses: the enemy's effectiveness is 0 and "
              "the record cannot bound it" if unlosing else
              "Engel's estimator: two totals, always determined; intervals from Poisson counts")
    return Fit(law, "engel", float(a), float(b), None, None, intervals, rmse,
               {k: v for k, v in r2.items()}, "strength", not unlosing, reason,
               aic=float("nan"), bic=float("nan"), sse=sse,
               series={"t": t, "blue": B, "red": R})


__all__ = ["engel"]
