"""Fitting laws to battle records (issue 5): the fitter, its intervals and its commands."""

import csv
from pathlib import Path

import numpy as np
import pytest

from warroom.errors import UserError
from warroom.fit.data import BattleRecord, read_record
from warroom.fit.lsq import fit, simulate_record
from warroom.scenario import validate

ARDENNES = Path(__file__).resolve().parents[2] / "shared/data/ardennes_wiper2000/ardennes_daily.csv"


def synthetic(a, b, p, q, noise, seed, n=31):
    t = np.arange(float(n))
    blank = np.full(n - 1, np.nan)
    rec0 = BattleRecord(t, np.r_[1000.0, blank], np.r_[800.0, blank], np.zeros(n), np.zeros(n),
                        None, None)
    B, R, lb, lr = simulate_record(rec0, a, b, p, q)
    rng = np.random.default_rng(seed)
    return BattleRecord(t, B, R, np.zeros(n), np.zeros(n), lb + rng.normal(0, noise, n),
                        lr + rng.normal(0, noise, n))


def test_square_law_coefficients_are_recovered_within_their_intervals():
    inside = 0
    for seed in range(10):
        f = fit(synthetic(0.02, 0.015, 0.0, 1.0, 1.0, seed), "square")
        lo_b, hi_b = f.intervals["blue_effectiveness"]
        lo_r, hi_r = f.intervals["red_effectiveness"]
        inside += (lo_b <= 0.02 <= hi_b) and (lo_r <= 0.015 <= hi_r)
        assert f.identifiable and f.r2_basis == "blue losses, red losses"
    assert inside >= 8  # 95% intervals on both: about 90% of trials hold both


def test_reinforcements_enter_the_integration():
    t = np.arange(6.0)
    reinf = np.array([0, 0, 500.0, 0, 0, 0])
    rec = BattleRecord(t, np.r_[1000.0, [np.nan] * 5], np.r_[800.0, [np.nan] * 5], reinf,
                       np.zeros(6), None, None)
    B, _, lb, _ = simulate_record(rec, 0.0, 0.0, 0.0, 1.0)
    np.testing.assert_allclose(B, [1000, 1000, 1500, 1500, 1500, 1500])


@pytest.mark.skipif(not ARDENNES.exists(), reason=f"{ARDENNES} not found: ../shared/data absent")
def test_ardennes_laws_fit_poorly_and_alike_and_exponents_are_not_identifiable(tmp_path):
    rec = read_record(_ardennes_csv(tmp_path))
    fits = {law: fit(rec, law) for law in ("square", "linear", "logarithmic")}
    for f in fits.values():
        assert f.r2_basis == "blue losses, red losses"
        assert f.r2["blue"] < 0.35 and f.r2["red"] < 0.35
    sse = [f.sse for f in fits.values()]
    assert max(sse) / min(sse) < 1.3
    free = fit(rec, "exponents")
    assert not free.identifiable and "exponents" in free.reason


@pytest.mark.parametrize("text,needle", [
    ("blue,red\n1,2\n", "missing column `t`"),
    ("t,blue,red\n0,10,x\n1,9,8\n", "expected a number, found 'x'"),
    ("t,blue,red\n0,10,10\n2,9,8\n1,8,7\n", "times must increase"),
    ("t,blue,red\n0,10,\n1,9,\n", "`red` is never observed"),
    ("t,blue,red,green\n0,10,10,1\n", "unknown column"),
])
def test_bad_records_get_one_clear_message(tmp_path, text, needle):
    p = tmp_path / "r.csv"
    p.write_text(text)
    with pytest.raises(UserError) as e:
        read_record(p)
    assert needle in str(e.value) and "r.csv" in str(e.value)


def _ardennes_csv(tmp_path):
    rows = list(csv.reader(ln for ln in ARDENNES.read_text().splitlines()
                           if not ln.startswith("#")))
    path = tmp_path / "ardennes.csv"
    with path.open("w") as fh:
        fh.write("t,blue,red,blue_losses,red_losses\n")
        for i, r in enumerate(rows[1:]):
            fh.write(f"{r[0]},{r[1]},{r[3]},{r[2] if i else ''},{r[4] if i else ''}\n")
    return path


@pytest.mark.skipif(not ARDENNES.exists(), reason=f"{ARDENNES} not found: ../shared/data absent")
def test_fit_and_simulate_fit_commands_print_one_json_object(tmp_path):
    import json

    from typer.testing import CliRunner

    from warroom.cli import app

    path = _ardennes_csv(tmp_path)
    runner = CliRunner()
    r = runner.invoke(app, ["fit", str(path), "--law", "all", "--json", "--out",
                            str(tmp_path / "f")])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert set(out["laws"]) == {"square", "linear", "logarithmic", "mixed", "exponents"}
    assert out["best"] in out["laws"] and out["laws"]["exponents"]["identifiable"] is False
    assert (tmp_path / "f" / "fit.png").exists()
    sq = out["laws"]["square"]
    r = runner.invoke(app, ["simulate-fit", str(path), "--law", "square", "--json",
                            "--blue-effectiveness", str(sq["blue_effectiveness"]),
                            "--red-effectiveness", str(sq["red_effectiveness"])])
    assert r.exit_code == 0, r.output
    sim = json.loads(r.output)
    assert sim["max_rel_error"]["overall"] < 0.05  # daily strengths track within 5%
    r = runner.invoke(app, ["fit", str(path), "--law", "quadratic"])
    assert r.exit_code == 2 and "--law" in r.output


# true coefficients (blue on red, red on blue) and extra engagement fields per law
TRUE = {"square": ((0.02, 0.015), {}), "linear": ((2.4e-5, 1.8e-5), {}),
        "logarithmic": ((0.03, 0.04), {}),
        "mixed": ((2.4e-5, 0.015), {"area_fire_by": "blue"}),
        "exponents": ((0.002, 0.0015), {"p": 0.6, "q": 0.9})}


def _engine_battle(law):
    """Strengths at t = 0..20 from the engine's aggregate ODE solver, blue reinforced by 150
    during day 5 and 100 during day 10 (spread over the step, as a daily record counts them)."""
    import warroom
    from helpers import duel

    (a, b), extra = TRUE[law]
    data = duel(1000, 800, a, b, law=law, end=20, step=1.0, engagement=extra).model_dump(
        exclude_none=True)
    data["sides"][0]["forces"][0]["reinforcements"] = [
        {"id": "r1", "start": 4, "end": 5, "amount": 150},
        {"id": "r2", "start": 9, "end": 10, "amount": 100}]
    ts = warroom.simulate(validate(data), seed=0).timeseries().to_pandas()
    by = {s: ts[ts.side == s].groupby("t")["strength"].last().to_numpy() for s in ("blue", "red")}
    return by["blue"], by["red"]


@pytest.fixture(scope="module")
def engine_battles():
    return {law: _engine_battle(law) for law in TRUE}


def _recovery_trial(law, truth, seed):
    """The engine's battle with noise of 5 on every strength; red observed only at its start
    and end, except for the four-parameter exponents law, which needs both series."""
    rng = np.random.default_rng(seed)
    B, R = truth
    n = len(B)
    t = np.arange(float(n))
    reinf = np.zeros(n)
    reinf[[5, 10]] = [150.0, 100.0]
    Bn, Rn = B + rng.normal(0, 5, n), R + rng.normal(0, 5, n)
    Bn[0], Rn[0] = 1000.0, 800.0
    if law != "exponents":
        Rn[1:-1] = np.nan
    f = fit(BattleRecord(t, Bn, Rn, reinf, np.zeros(n), None, None), law,
            TRUE[law][1].get("area_fire_by"))
    truths = dict(zip(("blue_effectiveness", "red_effectiveness"), TRUE[law][0], strict=True))
    truths.update(TRUE[law][1] if law == "exponents" else {})
    return [f.intervals[k][0] <= v <= f.intervals[k][1] for k, v in truths.items()]


def test_the_fitters_forward_model_is_the_engines_ode(engine_battles):
    for law, (B, R) in engine_battles.items():
        (a, b), extra = TRUE[law]
        n = len(B)
        reinf = np.zeros(n)
        reinf[[5, 10]] = [150.0, 100.0]
        blank = np.full(n - 1, np.nan)
        rec = BattleRecord(np.arange(float(n)), np.r_[1000.0, blank], np.r_[800.0, blank],
                           reinf, np.zeros(n), None, None)
        from warroom.fit.lsq import law_exponents

        ex = law_exponents(law, extra.get("area_fire_by")) or (extra["p"], extra["q"]) * 2
        Bf, Rf, _, _ = simulate_record(rec, a, b, ex[0], ex[1], (ex[2], ex[3]))
        # RK4 with 16 substeps a day against DOP853 at rtol 1e-10: agreement to 1e-6
        np.testing.assert_allclose(Bf, B, rtol=1e-6)
        np.testing.assert_allclose(Rf, R, rtol=1e-6)


@pytest.mark.parametrize("law", sorted(TRUE))
def test_fitter_recovers_coefficients_within_their_intervals(law, engine_battles):
    # each 95% interval should hold its true value in 95 of 100 trials; with 100 trials the
    # binomial standard deviation is 2.2 points, so at least 90 is the 2.3-sigma floor
    hits = np.array([_recovery_trial(law, engine_battles[law], seed) for seed in range(100)])
    assert (hits.sum(axis=0) >= 90).all(), hits.sum(axis=0)


def test_a_law_needing_more_data_than_the_file_has_is_refused(tmp_path):
    from typer.testing import CliRunner

    from warroom.cli import app

    p = tmp_path / "ends.csv"
    p.write_text("t,blue,red\n0,1000,800\n5,,\n10,700,300\n")
    r = CliRunner().invoke(app, ["fit", str(p), "--law", "exponents"])
    assert r.exit_code == 2
    assert "law 'exponents' has 4 parameters but the record gives only 2" in r.output
    assert "Traceback" not in r.output


def _iwo_jima_daily():
    """Iwo Jima simulated day by day: times, US strength, the garrison seen only at start and
    end, and the landings."""
    import warroom
    from warroom.scenario import validate

    data = warroom.load_scenario("scenarios/iwo_jima.yaml").model_dump(mode="json")
    data["clock"]["step"] = 1.0
    r = warroom.simulate(validate(data))
    t, n = r.times, len(r.times)
    garrison = np.full(n, np.nan)
    garrison[[0, -1]] = r.strength[[0, -1], 1]
    landings = np.zeros(n)
    landings[np.searchsorted(t, [2.0, 4.0])] = [6000, 13000]
    return t, r.strength[:, 0].copy(), garrison, landings


def test_engel_method_recovers_the_iwo_jima_coefficients_from_a_simulated_record():
    from warroom.fit.engel import engel

    t, us, garrison, landings = _iwo_jima_daily()
    rec = BattleRecord(t, us, garrison, landings, np.zeros(t.size), None, None)
    e = engel(rec, "square")
    # daily trapezoids and landings spread over their day: within 1% of Engel's own figures
    assert e.blue_effectiveness == pytest.approx(0.0106, rel=0.01)
    assert e.red_effectiveness == pytest.approx(0.0544, rel=0.01)
    lo, hi = e.intervals["blue_effectiveness"]
    assert lo < 0.0106 < hi


def test_mixed_law_finds_which_side_fires_area_fire_and_its_coefficients():
    from warroom.fit.lsq import law_exponents

    n = 21
    t = np.arange(float(n))
    blank = np.full(n - 1, np.nan)
    rec0 = BattleRecord(t, np.r_[300.0, blank], np.r_[1000.0, blank], np.zeros(n), np.zeros(n),
                        None, None)
    pb, qb, pr, qr = law_exponents("mixed", "red")  # blue hides: red fires area fire on it
    a, b = 0.05, 1e-4
    B, R, _, _ = simulate_record(rec0, a, b, pb, qb, (pr, qr))
    noise = np.random.default_rng(4).normal(0, 1.0, (2, n))
    rec = BattleRecord(t, B + noise[0], R + noise[1], np.zeros(n), np.zeros(n), None, None)
    f = fit(rec, "mixed")
    assert "area fire by red fits better" in f.reason
    assert f.blue_effectiveness == pytest.approx(a, rel=0.05)
    assert f.red_effectiveness == pytest.approx(b, rel=0.05)
    assert f.intervals["blue_effectiveness"][0] < a < f.intervals["blue_effectiveness"][1]


def _ctmc_record(tmp_path, seed):
    """A square-law battle drawn by warroom's own CTMC, written as a ragged record: blue's
    daily strength and losses, red's strength at the start and the end only, and a
    `red_losses` column nobody filled in."""
    from helpers import duel
    from warroom.simulate import simulate

    ts = simulate(duel(1000, 800, 0.02, 0.01, solver="ctmc", end=25, step=1),
                  seed=seed).timeseries().to_pandas()
    b, r = (ts[ts.side == s].sort_values("t") for s in ("blue", "red"))
    lost = np.r_[np.nan, np.diff(b.lost.to_numpy())]
    red = r.strength.to_numpy()
    last = len(red) - 1
    rows = ["t,blue,red,blue_losses,red_losses"] + [
        f"{t:g},{s:g},{f'{red[k]:g}' if k in (0, last) else ''},"
        f"{'' if k == 0 else f'{lost[k]:g}'},"
        for k, (t, s) in enumerate(zip(b.t, b.strength, strict=True))]
    path = tmp_path / f"ragged-{seed}.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_an_empty_losses_column_is_not_observed_and_every_observation_enters(tmp_path):
    # issue 12, defect 1: an empty red_losses column once read as zero losses, red's two
    # strengths were dropped, and blue's effectiveness came out at 1e-18. The acceptance asks
    # both true coefficients inside their 95% intervals in at least 90 of 100 seeded trials
    # (95% each, nearly independent: 0.95^2 ~ 0.90); weighting each observation by its counting
    # error is what makes them hold (this gives 95 of 100)
    both = 0
    for seed in range(100):
        f = fit(read_record(_ctmc_record(tmp_path, seed)), "square")
        lo_b, hi_b = f.intervals["blue_effectiveness"]
        lo_r, hi_r = f.intervals["red_effectiveness"]
        both += (lo_b <= 0.02 <= hi_b) and (lo_r <= 0.01 <= hi_r)
        assert f.r2_basis == "blue losses, red strength"
    assert both >= 90


def test_engel_fills_a_short_gap_in_the_known_side_and_says_what_it_moved():
    # issue 12, defect 2: the fully observed side lacking only its last row was refused
    from warroom.fit.engel import engel

    t, us, garrison, landings = _iwo_jima_daily()
    n = t.size
    whole = engel(BattleRecord(t, us, garrison, landings, np.zeros(n), None, None), "square")
    us[-1] = np.nan
    short = engel(BattleRecord(t, us, garrison, landings, np.zeros(n), None, None), "square")
    assert short.filled["side"] == "blue" and short.filled["times"] == [float(t[-1])]
    # one day of 36 extrapolated along the last day's trend: the estimates barely move
    assert short.blue_effectiveness == pytest.approx(whole.blue_effectiveness, rel=0.01)
    assert short.red_effectiveness == pytest.approx(whole.red_effectiveness, rel=0.01)
    assert "holding the last value instead moves" in short.reason
    assert 0 <= short.filled["moves"]["red_effectiveness"] < 0.05
    # a third of the series missing is refused, naming the first gap
    us[n // 2:] = np.nan
    with pytest.raises(UserError, match="leaves .* of the span to fill"):
        engel(BattleRecord(t, us, garrison, landings, np.zeros(n), None, None), "square")
