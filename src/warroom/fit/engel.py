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


GAP_SHARE = 0.25  # most of a record's span the filled stretches of the series may cover


def engel(rec: BattleRecord, law: str) -> Fit:
    law = ALIASES.get(law, law)
    exps = LAWS.get(law)
    if not isinstance(exps, tuple):
        raise UserError(f"--method engel takes square, linear or log, not {law!r}")
    p, q = exps
    seen = {s: ~np.isnan(getattr(rec, s)) for s in ("blue", "red")}
    check_fittable(rec)
    for side in seen:
        if rec.total_losses(side) < 0:
            raise UserError(f"{rec.at(-1)}: {side}: the record's {side} losses total "
                            f"{rec.total_losses(side):g} (it ends stronger than it began with "
                            "its reinforcements); Engel's estimator needs losses >= 0: give "
                            f"{side}_reinforcements or {side}_losses, or use --method lsq")
    t = rec.t
    # the series the integral of fire comes from: the side seen most often, its short gaps
    # filled (the other side is reconstructed from the law, seen or not)
    known = max(("blue", "red"), key=lambda s: (int(seen[s].sum()), s == "blue"))
    share = _gap_share(t, seen[known])
    if share > GAP_SHARE:
        gap = {s: int(np.flatnonzero(~seen[s])[0]) for s in seen}  # each side's first gap
        raise UserError(
            f"{rec.at(min(gap.values()))}: --method engel needs one side observed through most "
            f"of the battle (its integral of fire comes from that series); the best, {known}, "
            f"leaves {share:.0%} of the span to fill, over {GAP_SHARE:.0%} (blue is first "
            f"missing at {rec.at(gap['blue'])}, red at {rec.at(gap['red'])}); use --method lsq")
    a, b, _ = _estimate(rec, known, _filled(t, getattr(rec, known), "linear"), p, q)
    filled: dict | None = None
    if not seen[known].all():
        a2, b2, _ = _estimate(rec, known, _filled(t, getattr(rec, known), "hold"), p, q)
        moves = {"blue_effectiveness": float(abs(a2 - a) / a) if a else 0.0,
                 "red_effectiveness": float(abs(b2 - b) / b) if b else 0.0}
        filled = {"side": known, "times": [float(x) for x in t[~seen[known]]],
                  "method": "linear between observations, the trend of the last two beyond",
                  "moves": moves}
    other = "red" if known == "blue" else "blue"
    lost = {known: known_losses(rec, known, _filled(t, getattr(rec, known), "linear")),
            other: rec.total_losses(other)}
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
    if filled:
        moves = filled["moves"]
        reason += (f"; {known}'s strength filled at {len(filled['times'])} time(s) (linear, "
                   "the last trend beyond the last observation); holding the last value "
                   f"instead moves the estimates by {moves['blue_effectiveness']:.1%} (blue) "
                   f"and {moves['red_effectiveness']:.1%} (red)")
    return Fit(law, "engel", float(a), float(b), None, None, intervals, rmse,
               {k: v for k, v in r2.items()}, "strength", not unlosing, reason,
               aic=float("nan"), bic=float("nan"), sse=sse,
               series={"t": t, "blue": B, "red": R}, filled=filled)


def known_losses(rec: BattleRecord, side: str, X: np.ndarray) -> float:
    """The side's losses over the whole record: its counted losses where every step's are
    given, else from its (filled) series: initial + reinforcements - final."""
    given = getattr(rec, f"{side}_losses")
    if given is not None and not np.isnan(given[1:]).any():
        return float(given[1:].sum())
    return float(X[0] + getattr(rec, f"{side}_reinforcements")[1:].sum() - X[-1])


def _gap_share(t: np.ndarray, seen: np.ndarray) -> float:
    """The share of the record's span in steps with an unobserved end (what filling decides)."""
    dt = np.diff(t)
    return float(dt[~(seen[:-1] & seen[1:])].sum() / (t[-1] - t[0]))


def _filled(t: np.ndarray, x: np.ndarray, how: str) -> np.ndarray:
    """The series with its gaps filled: linearly between observations and by the trend of the
    last two beyond the last one ('linear'), or each gap at the last value seen ('hold')."""
    ok = ~np.isnan(x)
    if ok.all():
        return x
    if how == "hold":
        idx = np.maximum.accumulate(np.where(ok, np.arange(x.size), 0))
        return x[idx]
    out = np.interp(t, t[ok], x[ok])
    last = np.flatnonzero(ok)
    if last.size >= 2 and last[-1] < x.size - 1:
        i, j = last[-2], last[-1]
        slope = (x[j] - x[i]) / (t[j] - t[i])
        out[j + 1:] = x[j] + slope * (t[j + 1:] - t[j])
    return np.maximum(out, 0.0)


def _estimate(rec: BattleRecord, known: str, X: np.ndarray, p: float,
              q: float) -> tuple[float, float, np.ndarray]:
    """Blue's and red's effectiveness from the known side's series X, and the other side's
    path reconstructed from the law (a fixed point when the law makes the integral depend on
    the estimate)."""
    t = rec.t
    other = "red" if known == "blue" else "blue"
    lost_other, lost_known = rec.total_losses(other), known_losses(rec, known, X)
    other_obs = getattr(rec, other)
    seen_other = ~np.isnan(other_obs)
    Y = np.interp(t, t[seen_other], other_obs[seen_other])  # first guess: straight line
    reinf_y = np.cumsum(getattr(rec, f"{other}_reinforcements"))
    # the other side's losses are known up to its last observation: its fire integral too
    upto = slice(0, int(np.flatnonzero(seen_other)[-1]) + 1)

    def fire(target, shooter):  # the law's rate at unit effectiveness
        return loss_rate(target, shooter, 1.0, p, q)

    def on_other(Y):
        return max(np.trapezoid(fire(Y, X)[upto], t[upto]), 1e-300)

    k_known = lost_other / on_other(Y)
    for _ in range(200):
        Y = np.maximum(other_obs[0] + reinf_y - k_known * cumulative_trapezoid(
            fire(Y, X), t, initial=0.0), 0.0)
        new = lost_other / on_other(Y)
        if abs(new - k_known) <= 1e-12 * abs(new):
            break
        k_known = new
    k_other = lost_known / max(np.trapezoid(fire(X, Y), t), 1e-300)
    a, b = (k_known, k_other) if known == "blue" else (k_other, k_known)
    return float(a), float(b), Y


__all__ = ["engel"]
