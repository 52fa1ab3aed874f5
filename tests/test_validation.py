"""Outcome models on historical battles (issue 5): statistics, models and `warroom validate`."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from helpers import invoke
from warroom.stats import wilson
from warroom.validation.crossval import folds
from warroom.validation.models import Data, Lanchester, Logistic, _best_threshold

DATA = Path(__file__).resolve().parents[2] / "shared/data"
CDB90 = DATA / "cdb90"
needs_cdb90 = pytest.mark.skipif(not CDB90.exists(),
                                 reason=f"{CDB90} not found: ../shared/data absent")


def test_wilson_interval_by_hand():
    # k = 8, n = 10, z = 1.96: centre (0.8 + 0.19208) / 1.38415 = 0.71674,
    # half-width 1.96 * sqrt(0.016 + 0.0096040) / 1.38415 = 0.22658 -> (0.4902, 0.9433)
    lo, hi = wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4)
    assert hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0
    assert wilson(0, 0) == (0.0, 1.0)


def test_best_threshold_by_hand():
    score = np.array([-2.0, -1.0, 0.5, 1.0, 3.0])
    won = np.array([0, 0, 1, 0, 1])
    # cuts between -1 and 0.5 give 4/5 correct, as does a cut between 1 and 3; the lowest wins
    assert _best_threshold(score, won) == pytest.approx(-0.25)
    # all wins: a cut below every score predicts them all
    assert _best_threshold(score, np.ones(5, int)) < -2.0


def _lanchester_data(law_e: float, log_lambda: np.ndarray, rng) -> Data:
    lfr = rng.normal(0.3, 0.6, len(log_lambda))
    lcr = log_lambda - law_e * lfr
    won = (log_lambda < (1 + law_e) * lfr).astype(np.int8)
    return Data(lfr, np.zeros((len(lfr), 0)), won, lcr)


def test_lanchester_recovers_square_law_and_lambda():
    rng = np.random.default_rng(5)
    d = _lanchester_data(1.0, np.full(400, math.log(1.8)), rng)
    m = Lanchester().fit(d)
    assert m.law == "square"
    assert math.exp(m.beta[0]) == pytest.approx(1.8, rel=1e-9)
    won, lcr = m.predict(d)
    # exact data: the state equation a A^2 > d D^2 decides every battle
    assert (won == d.won).all()
    np.testing.assert_allclose(lcr, d.lcr, atol=1e-9)


def test_lanchester_multipliers_recover_a_posture_effect():
    rng = np.random.default_rng(6)
    fortified = (rng.random(600) < 0.4).astype(float)
    d = _lanchester_data(0.0, 0.2 + 0.9 * fortified, rng)
    d.x = fortified[:, None]
    m = Lanchester(multipliers=True, alpha=0.0).fit(d)
    assert m.law == "linear"
    np.testing.assert_allclose(m.beta, [0.2, 0.9], atol=1e-9)


def test_logistic_regression_matches_the_known_slope():
    # P(win) = sigmoid(1.5 x): the MLE is consistent; with n = 20000 its SE is about 0.025
    rng = np.random.default_rng(7)
    x = rng.normal(size=20000)
    won = (rng.random(20000) < 1 / (1 + np.exp(-1.5 * x))).astype(np.int8)
    d = Data(x, np.zeros((20000, 0)), won, x.copy())
    m = Logistic(alpha=0.0).fit(d)
    slope = m.win[1] / m.sd[0]
    assert slope == pytest.approx(1.5, abs=4 * 0.025)


def test_folds_partition_every_battle_once_and_are_seeded():
    parts = folds(657, 10, 1990)
    assert sorted(len(p) for p in parts) == [65] * 3 + [66] * 7
    assert np.array_equal(np.sort(np.concatenate(parts)), np.arange(657))
    assert all(np.array_equal(a, b) for a, b in zip(parts, folds(657, 10, 1990), strict=True))
    assert not np.array_equal(parts[0], folds(657, 10, 1991)[0])


@needs_cdb90
def test_cdb90_base_rates_come_from_the_raw_file():
    from warroom.validation.cdb90 import base_rates, load

    battles = load(CDB90)
    assert len(battles) == 660
    assert base_rates(battles) == {"attacker_won": 398, "draw": 43, "defender_won": 217,
                                   "unknown": 2}
    # missing counts are NaN, never the raw file's -1 marker
    assert (battles[["stra", "strd", "casa", "casd"]].min() >= 0).all()


@needs_cdb90
def test_validate_cdb90_table_and_verdict(tmp_path):
    r = invoke("validate", "cdb90", "--data", DATA, "--out", tmp_path, "--json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)
    assert res["base_rates"] == {"attacker_won": 398, "draw": 43, "defender_won": 217,
                                 "unknown": 2}
    models = {m["model"]: m for m in res["models"]}
    assert list(models) == ["attacker wins", "force ratio", "Lanchester",
                            "Lanchester + multipliers", "logistic regression"]
    base = models["attacker wins"]
    # one battle lacks a strength: 397 of the 657 usable battles are attacker wins
    assert (base["n"], base["correct"]) == (657, 397)
    # the codes carry information the force ratio lacks: both feature models clear the baseline
    for name in ("Lanchester + multipliers", "logistic regression"):
        assert models[name]["interval"][0] > base["accuracy"]
        assert models[name]["cas_mae_log10"] < base["cas_mae_log10"]
    assert set(res["beats_baseline"]) >= {"Lanchester + multipliers", "logistic regression"}
    for f in ("report.md", "report.html", "accuracy.png", "casualties.png", "validation.json"):
        assert (tmp_path / f).stat().st_size > 0
    assert "beat 'attacker wins'" in (tmp_path / "report.md").read_text()


def test_validate_bad_input(tmp_path):
    r = invoke("validate", "cdb91", "--data", tmp_path)
    assert r.exit_code == 2 and "expected one of cdb90" in r.output
    r = invoke("validate", "cdb90", "--data", tmp_path)
    assert r.exit_code == 2 and "CDB90-patched.csv: not found" in r.output
    r = invoke("validate", "cdb90", "--data", tmp_path, "--folds", "1")
    assert r.exit_code == 2 and "--folds" in r.output
