"""Least-squares fit of a Lanchester law to a battle record, integrating the law with its
reinforcements step by step (not a regression on differences).

    dB/dt = -red_effectiveness  * R^q * B^p + blue reinforcements
    dR/dt = -blue_effectiveness * B^q * R^p + red reinforcements

with (p, q) fixed by the law or fitted ("exponents"). Where the record has per-step losses the
residuals are those losses (as the literature's R^2 is); otherwise the observed strengths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit
from scipy.optimize import least_squares
from scipy.stats import f as f_dist

from ..attrition.laws import AIMED, AREA, LOGARITHMIC
from ..attrition.two_force import loss_rate, rates
from ..errors import UserError
from ..limits import LIMITS, limit
from .data import BattleRecord

LAWS: dict[str, tuple[float, float] | str | None] = {
    "square": AIMED, "linear": AREA, "logarithmic": LOGARITHMIC, "exponents": None,
    "mixed": "mixed"}
ALIASES = {"log": "logarithmic"}
SIDES = ("blue", "red")


def law_exponents(law: str, area_fire_by: str | None) -> tuple[float, float, float, float] | None:
    """(p, q) of blue's losses then of red's, or None where they are fitted (exponents).
    Mixed (Deitchman): the side named fires area fire, so its enemy's losses follow the linear
    law and its own the square law."""
    spec = LAWS[law]
    if spec is None:
        return None
    if spec == "mixed":
        if area_fire_by not in SIDES:
            raise UserError("law 'mixed' needs --area-fire-by: the side whose fire is area fire "
                            "(blue or red)")
        return (*AIMED, *AREA) if area_fire_by == "blue" else (*AREA, *AIMED)
    assert isinstance(spec, tuple)
    p, q = spec
    return (p, q, p, q)
SUBSTEPS = 16
# an interval's end to 0.01% (in log space for an effectiveness): far inside its own
# uncertainty, and each tenfold tightening costs the profile fits more evaluations
PROFILE_TOL = 1e-4


@dataclass
class Fit:
    law: str
    method: str
    blue_effectiveness: float
    red_effectiveness: float
    p: float | None
    q: float | None
    intervals: dict[str, tuple[float, float]]
    rmse: dict[str, float]
    r2: dict[str, float]
    r2_basis: str
    identifiable: bool
    reason: str
    aic: float
    bic: float
    sse: float
    series: dict[str, np.ndarray] = field(repr=False)
    filled: dict | None = None  # Engel's: where the series was filled, how, what it moved

    def to_json(self) -> dict:
        """Plain JSON values; a quantity the data cannot give (R^2 of one point) is null."""
        out = {"law": self.law, "method": self.method,
               "blue_effectiveness": self.blue_effectiveness,
               "red_effectiveness": self.red_effectiveness}
        if self.p is not None:
            out |= {"p": self.p, "q": self.q}
        return out | {"intervals": {k: list(v) for k, v in self.intervals.items()},
                      "rmse": self.rmse, "r2": {k: _finite(v) for k, v in self.r2.items()},
                      "r2_basis": self.r2_basis,
                      "identifiable": self.identifiable, "reason": self.reason,
                      "aic": _finite(self.aic), "bic": _finite(self.bic)} | (
                          {"filled": self.filled} if self.filled else {})


def _finite(v: float) -> float | None:
    return v if np.isfinite(v) else None


def simulate_record(rec: BattleRecord, a: float, b: float, p: float, q: float,
                    red: tuple[float, float] | None = None):
    """Strengths at the record's times and losses per step under the law (a: blue's
    effectiveness on red, b: red's on blue; (p, q) the exponents of blue's losses, and of red's
    unless `red` gives others)."""
    pr, qr = red if red is not None else (p, q)
    return _integrate(rec.t, float(rec.blue[0]), float(rec.red[0]), rec.blue_reinforcements,
                      rec.red_reinforcements, float(a), float(b), float(p), float(q),
                      float(pr), float(qr))


@njit(cache=True, error_model="numpy")
def _integrate(t, b0, r0, reinf_b, reinf_r, a, b, p, q, pr, qr):
    n = t.shape[0]
    B, R = np.empty(n), np.empty(n)
    lb, lr = np.zeros(n), np.zeros(n)
    B[0], R[0] = b0, r0
    for k in range(1, n):
        dt = t[k] - t[k - 1]
        rb, rr = reinf_b[k] / dt, reinf_r[k] / dt
        h = dt / SUBSTEPS
        x, z, cb, cr = B[k - 1], R[k - 1], 0.0, 0.0
        for _ in range(SUBSTEPS):  # classical RK4: data steps are short against the dynamics
            l1b, l1r = rates(x, z, a, b, p, q, pr, qr)
            l2b, l2r = rates(x + h / 2 * (rb - l1b), z + h / 2 * (rr - l1r), a, b, p, q, pr, qr)
            l3b, l3r = rates(x + h / 2 * (rb - l2b), z + h / 2 * (rr - l2r), a, b, p, q, pr, qr)
            l4b, l4r = rates(x + h * (rb - l3b), z + h * (rr - l3r), a, b, p, q, pr, qr)
            db = (l1b + 2 * l2b + 2 * l3b + l4b) / 6
            dr = (l1r + 2 * l2r + 2 * l3r + l4r) / 6
            x += h * (rb - db)
            z += h * (rr - dr)
            cb += h * db
            cr += h * dr
        B[k], R[k] = max(x, 0.0), max(z, 0.0)
        lb[k], lr[k] = cb, cr
    return B, R, lb, lr


def _observed(rec: BattleRecord) -> dict[tuple[str, str], np.ndarray]:
    """Every observation after the start that tells the fit something, per (side, kind):
    a side's per-step losses where counted, and its strength where observed and not already
    implied by losses counted at every step up to it (which would count the same deaths
    twice). nan where not observed."""
    out = {}
    for side in SIDES:
        strength = getattr(rec, side)[1:].copy()
        losses = getattr(rec, f"{side}_losses")
        if losses is not None:
            counted = losses[1:]
            out[(side, "losses")] = counted
            implied = np.cumsum(np.isnan(counted)) == 0  # every step up to it counted
            strength[implied] = np.nan
        out[(side, "strength")] = strength
    return {k: v for k, v in out.items() if not np.isnan(v).all()}


def _counting_scale(rec: BattleRecord, pred: dict, mask: dict) -> dict:
    """Each observation's counting error, as Engel's intervals take it: attrition is a count,
    so the deaths in a step vary about as much as their square root, and a strength at t by
    the square root of every death before t. Weighting by it keeps a strength seen once at the
    end (the sum of a whole battle's deaths) from posing as precise as one day's losses. Taken
    at a fit's prediction, not at the observations: weights from observed counts favour the
    low ones and bias the fit down."""
    out = {}
    for (side, kind), v in pred.items():
        if kind == "losses":
            var = v
        else:
            arrived = getattr(rec, side)[0] + np.cumsum(getattr(rec, f"{side}_reinforcements")
                                                        [1:])
            var = arrived - v  # the deaths (and departures) before each time
        out[(side, kind)] = np.sqrt(np.maximum(np.nan_to_num(var), 1.0))[mask[(side, kind)]]
    return out


def _r2_kind(obs: dict, side: str) -> str:
    """What a side's R^2 is measured on: its losses where counted (as the literature), else
    its strengths."""
    return "losses" if (side, "losses") in obs else "strength"


class Budget:
    """The model steps (record rows x integrations) a command may spend on its fits, which
    share it: a rugged record can send a search, or the profile intervals, wandering for
    minutes, and the user is better served by a bounded answer that says it is one."""

    def __init__(self, steps: float | None = None):
        self.left = limit("fit_steps") if steps is None else steps
        self.spent_out = False

    def shares(self, n: int):
        """n budgets in turn, each a fair share of what the earlier ones left; what each
        spends is taken from this one."""
        for k in range(n):
            part = Budget(max(self.left, 0.0) / (n - k))
            start = part.left
            yield part
            self.left -= start - max(part.left, 0.0)

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            self.spent_out = True
            raise _OutOfBudget


class _OutOfBudget(Exception):
    pass


def fit(rec: BattleRecord, law: str, area_fire_by: str | None = None,
        budget: Budget | None = None) -> Fit:
    """Fit `law`; for 'mixed' without `area_fire_by`, both orientations, keeping the better."""
    law = ALIASES.get(law, law)
    budget = budget or Budget()
    if LAWS[law] == "mixed" and area_fire_by is None:
        fits = [_fit(rec, law, law_exponents(law, side), part)
                for side, part in zip(SIDES, budget.shares(2), strict=True)]
        best = min(range(2), key=lambda i: fits[i].sse)
        f = fits[best]
        f.reason += f"; area fire by {SIDES[best]} fits better than by {SIDES[1 - best]}"
        return f
    return _fit(rec, law, law_exponents(law, area_fire_by), budget)


class TooFewData(UserError):
    """The record has fewer observations than the law has parameters."""


def check_fittable(rec: BattleRecord) -> None:
    """Refuse a record where a side is never there: nothing in it measures that side's fire,
    and the other side's losses (if any) have no cause the law can give."""
    for side in SIDES:
        if rec_strength(rec, side) <= 0:
            raise UserError(f"{rec.at(0)}: {side}: no strength at any time (0 at the start, "
                            "no reinforcements): there is no battle to fit; the law needs both "
                            "sides present")


def rec_strength(rec: BattleRecord, side: str) -> float:
    """The most the side ever has: its initial strength plus every reinforcement."""
    return float(getattr(rec, side)[0] + getattr(rec, f"{side}_reinforcements")[1:].sum())


def _fit(rec: BattleRecord, law: str, fixed: tuple[float, float, float, float] | None,
         budget: Budget) -> Fit:
    check_fittable(rec)
    obs = _observed(rec)
    basis = ", ".join(f"{side} {_r2_kind(obs, side)}" for side in SIDES)
    n_obs = sum(int((~np.isnan(v)).sum()) for v in obs.values())
    n_par = 2 if fixed is not None else 4
    if n_obs <= n_par:
        raise TooFewData(
            f"{rec.at(-1)}: law '{law}' has {n_par} parameters but the record gives only "
            f"{n_obs} observed values after the start; it needs more than {n_par} "
            "(observe more times, or give per-step losses)")
    mask = {s: ~np.isnan(v) for s, v in obs.items()}
    # first one scale for every observation (it only conditions the solver); then each its
    # counting error at that first fit's prediction
    both = np.concatenate([v[~np.isnan(v)] for v in obs.values()])
    flat = max(float(np.std(both)), float(np.abs(both).mean()) * 1e-6, 1e-12)
    scale = {key: np.full(int(m.sum()), flat) for key, m in mask.items()}

    def unpack(theta):
        a, b = np.exp(theta[0]), np.exp(theta[1])
        exps = (theta[2], theta[3], theta[2], theta[3]) if fixed is None else fixed
        return a, b, exps

    def run(theta):
        a, b, (p, q, pr, qr) = unpack(theta)
        return simulate_record(rec, a, b, p, q, (pr, qr))

    def predicted(theta):
        B, R, lb, lr = run(theta)
        every = {("blue", "losses"): lb[1:], ("red", "losses"): lr[1:],
                 ("blue", "strength"): B[1:], ("red", "strength"): R[1:]}
        return {k: every[k] for k in obs}

    best: list = [np.inf, None]  # the best point seen, should the budget stop the search

    def residuals(theta):
        budget.spend(rec.t.size)
        with np.errstate(over="ignore", invalid="ignore"):
            pr = predicted(theta)
        r = np.concatenate([(pr[key][mask[key]] - obs[key][mask[key]]) / scale[key]
                            for key in obs])
        r = np.where(np.isfinite(r), r, 1e150)  # a diverging trial point: just very bad
        if float(r @ r) < best[0]:
            best[:] = [float(r @ r), np.array(theta, float)]
        return r

    # bounds of e^+-50 about Engel's estimate, not about 1: the scale of an effectiveness comes
    # with the record's units (a linear law's on strengths of 1e6 is below e^-50)
    with np.errstate(divide="ignore"):
        theta0 = np.clip(np.log(_engel_guess(rec, *((fixed or AIMED * 2)[:2]))), -650, 650)
    lo, hi = list(theta0 - 50), list(theta0 + 50)
    if fixed is None:
        theta0 = np.append(theta0, [0.0, 1.0])
        lo, hi = lo + [-5, -5], hi + [5, 5]
    stopped = False
    try:
        sol = least_squares(residuals, theta0, bounds=(lo, hi), x_scale="jac", method="trf")
        scale = _counting_scale(rec, predicted(sol.x), mask)
        best[0] = np.inf  # the best point is now measured with the new weights
        sol = least_squares(residuals, sol.x, bounds=(lo, hi), x_scale="jac", method="trf")
        x_hat, J = sol.x, sol.jac
    except _OutOfBudget:
        if best[1] is None:
            raise UserError(f"{rec.at(0)}: law '{law}': the fit's budget ran out before the "
                            f"first evaluation; {LIMITS['fit_steps'].hint()}") from None
        stopped, x_hat = True, best[1]
        J = _jacobian(lambda th: _unbudgeted(residuals, budget, th), x_hat)
    fun = _unbudgeted(residuals, budget, x_hat)
    n, k = fun.size, x_hat.size
    sse_scaled = float(fun @ fun)
    a, b, exps = unpack(x_hat)
    pr = predicted(x_hat)
    rmse, r2, sse = {}, {}, 0.0
    for key in obs:
        e = pr[key][mask[key]] - obs[key][mask[key]]
        sse += float(e @ e)
    for s in SIDES:
        key = (s, _r2_kind(obs, s))
        if key not in obs:  # seen only at the start
            rmse[s], r2[s] = float("nan"), float("nan")
            continue
        e = pr[key][mask[key]] - obs[key][mask[key]]
        o = obs[key][mask[key]]
        rmse[s] = float(np.sqrt(np.mean(e**2)))
        sst = float(((o - o.mean()) ** 2).sum())
        r2[s] = 1.0 - float(e @ e) / sst if sst > 0 else float("nan")
    jtj = J.T @ J
    cond = float(np.linalg.cond(jtj))
    s2 = sse_scaled / max(n - k, 1)
    try:
        cov = np.linalg.inv(jtj) * s2
        sd = np.sqrt(np.maximum(np.diag(cov), 0.0))
    except np.linalg.LinAlgError:
        sd = np.full(k, np.inf)
    names = ["blue_effectiveness", "red_effectiveness", "p", "q"][:k]
    # profile-likelihood intervals: linearised ones are too narrow where a side is seen only at
    # its endpoints; the F threshold is the exact one for a linear model with unknown variance
    thr = sse_scaled * (1.0 + float(f_dist.ppf(0.95, 1, max(n - k, 1))) / max(n - k, 1))
    intervals, linearised = {}, []
    for i, name in enumerate(names):
        step = float(sd[i]) if np.isfinite(sd[i]) and sd[i] > 0 else 0.1
        ends = []
        for sgn in (-1.0, 1.0):
            try:
                if stopped:
                    raise _OutOfBudget
                ends.append(_profile_bound(residuals, x_hat, i, thr, sgn, step, lo[i], hi[i]))
            except _OutOfBudget:  # the linearised end, within the search's bounds
                half = 1.959963984540054 * float(sd[i]) if np.isfinite(sd[i]) else np.inf
                ends.append(float(np.clip(x_hat[i] + sgn * half, lo[i], hi[i])))
                linearised.append(name)
        lo_, hi_ = ends
        intervals[name] = (float(np.exp(lo_)), float(np.exp(hi_))) if i < 2 else \
            (float(lo_), float(hi_))
    identifiable, reason = _verdict(cond, sd, k)
    if stopped:
        identifiable, reason = False, (
            "the search stopped when the fit's budget ran out, before it converged; "
            f"{LIMITS['fit_steps'].hint()}")
    elif linearised:
        reason += (f"; the budget ran out during the profile intervals, so those of "
                   f"{', '.join(dict.fromkeys(linearised))} are linearised ("
                   f"{LIMITS['fit_steps'].hint()})")
    B_fit, R_fit, _, _ = run(x_hat)
    return Fit(law, "lsq", float(a), float(b), None if fixed else float(exps[0]),
               None if fixed else float(exps[1]), intervals, rmse, r2, basis, identifiable, reason,
               aic=float(n * np.log(sse_scaled / n) + 2 * k),
               bic=float(n * np.log(sse_scaled / n) + k * np.log(n)),
               sse=sse, series={"t": rec.t, "blue": B_fit, "red": R_fit})


def _unbudgeted(residuals, budget: Budget, theta) -> np.ndarray:
    """The residuals at a point, not counted against the budget (the answer's own)."""
    left, out = budget.left, budget.spent_out
    budget.left = np.inf
    try:
        return residuals(theta)
    finally:
        budget.left, budget.spent_out = left, out


def _jacobian(f, x: np.ndarray) -> np.ndarray:
    """Forward differences (as least_squares' 2-point scheme) at the point the search reached."""
    f0 = f(x)
    J = np.empty((f0.size, x.size))
    for j in range(x.size):
        h = 1.4901161193847656e-08 * max(1.0, abs(float(x[j])))
        xj = x.copy()
        xj[j] += h
        J[:, j] = (f(xj) - f0) / h
    return J


def _profile_bound(residuals, x_hat, i, thr, sgn, step, lo_i, hi_i) -> float:
    """Where the profiled sum of squares of parameter i crosses `thr`, on the side `sgn`
    (the parameter's bound if it never does: the data do not limit it there)."""
    others = [j for j in range(len(x_hat)) if j != i]

    def profile(c, y0):
        def inner(y):
            x = x_hat.copy()
            x[i] = c
            x[others] = y
            return residuals(x)

        sol = least_squares(inner, y0, method="lm", xtol=PROFILE_TOL, ftol=PROFILE_TOL)
        return float(sol.fun @ sol.fun) - thr, sol.x

    edge = lo_i if sgn < 0 else hi_i
    inside, y_in = x_hat[i], x_hat[others]
    c = inside + sgn * step
    for _ in range(40):
        if (c - edge) * sgn >= 0:
            return edge
        g, y = profile(c, y_in)
        if g > 0:
            break
        inside, y_in = c, y  # walk out, warm-starting each inner fit from the last
        c += sgn * step
        step *= 1.6
    else:
        return edge
    outside = c
    for _ in range(30):  # bisect, always warm-starting from the inside end
        mid = (inside + outside) / 2
        g, y = profile(mid, y_in)
        if g > 0:
            outside = mid
        else:
            inside, y_in = mid, y
        if abs(outside - inside) < PROFILE_TOL:
            break
    return (inside + outside) / 2


def _verdict(cond: float, sd: np.ndarray, k: int) -> tuple[bool, str]:
    if not np.all(np.isfinite(sd)):
        return False, "the information matrix is singular: the data cannot separate the parameters"
    if cond > 1e10:
        return False, (f"the information matrix is ill-conditioned (condition number {cond:.1e}):"
                       " the data cannot separate the parameters")
    if k > 2 and (sd[2] > 1.0 or sd[3] > 1.0):
        return False, (f"the exponents are not pinned down (standard errors p: {sd[2]:.2g}, "
                       f"q: {sd[3]:.2g}); the profile likelihood is flat along them")
    if np.any(sd[:2] > 2.0):
        return False, "an effectiveness is uncertain by more than a factor of 50 at 95%"
    return True, f"well determined (condition number {cond:.1e})"


def _engel_guess(rec: BattleRecord, p: float, q: float) -> np.ndarray:
    """Engel's estimate (total losses over the integral of the enemy's fire) as a start."""
    t = rec.t

    def filled(v):
        ok = ~np.isnan(v)
        return np.interp(t, t[ok], v[ok])

    B, R = filled(rec.blue), filled(rec.red)
    lost_b, lost_r = rec.total_losses("blue"), rec.total_losses("red")
    fire_on_r = np.trapezoid(loss_rate(R, B, 1.0, p, q), t)
    fire_on_b = np.trapezoid(loss_rate(B, R, 1.0, p, q), t)
    a = max(lost_r, 1e-9) / max(fire_on_r, 1e-300)
    b = max(lost_b, 1e-9) / max(fire_on_b, 1e-300)
    return np.array([a, b])


def fit_all(rec: BattleRecord) -> tuple[dict[str, Fit], str, dict[str, str]]:
    """Every law the record has data enough for, the one with the lowest BIC among the
    identifiable fits, and why any law was left out (exponents needs twice the data)."""
    fits: dict[str, Fit] = {}
    skipped: dict[str, str] = {}
    errors: list[TooFewData] = []
    for law, budget in zip(LAWS, Budget().shares(len(LAWS)), strict=True):
        try:
            fits[law] = fit(rec, law, budget=budget)
        except TooFewData as e:
            skipped[law] = str(e)
            errors.append(e)
    if not fits:
        raise errors[0]
    ok = {k: f for k, f in fits.items() if f.identifiable} or fits
    return fits, min(ok, key=lambda k: ok[k].bic), skipped


def forward(rec: BattleRecord, law: str, a: float, b: float, p: float | None = None,
            q: float | None = None, area_fire_by: str | None = None) -> dict:
    """Run given coefficients against the record: the error at each observed strength,
    relative to the side's peak observed strength."""
    law = ALIASES.get(law, law)
    fixed = law_exponents(law, area_fire_by)
    if fixed is None:
        if p is None or q is None:
            raise UserError("law 'exponents' needs --p and --q")
        fixed = (p, q, p, q)
    check_fittable(rec)
    B, R, _, _ = simulate_record(rec, a, b, fixed[0], fixed[1], (fixed[2], fixed[3]))
    out: dict = {}
    errs, points = [], {}
    for side, sim, obs in (("blue", B, rec.blue), ("red", R, rec.red)):
        m = ~np.isnan(obs)
        m[0] = False  # the start is given, not predicted
        # against the side's peak strength, not the strength at that time: a side annihilated
        # at the end has 0 there, against which a relative error is undefined
        peak = float(np.nanmax(obs))
        rel = np.abs(sim[m] - obs[m]) / peak
        errs.append(rel)
        out[side] = {"max": float(rel.max()) if rel.size else 0.0,
                     "mean": float(rel.mean()) if rel.size else 0.0}
        per = np.full(obs.size, np.nan)
        per[m] = rel
        points[side] = [None if np.isnan(v) else float(v) for v in per]
    allrel = np.concatenate(errs)
    out["overall"] = {"max": float(allrel.max()) if allrel.size else 0.0,
                      "mean": float(allrel.mean()) if allrel.size else 0.0}
    return {"max_rel_error": {k: v["max"] for k, v in out.items()},
            "mean_rel_error": {k: v["mean"] for k, v in out.items()},
            "rel_error_basis": "|simulated - observed| / the side's peak observed strength",
            "rel_error": {"t": rec.t.tolist(), **points},
            "final_blue": float(B[-1]), "final_red": float(R[-1]),
            "series": {"t": rec.t.tolist(), "blue": B.tolist(), "red": R.tolist()}}
