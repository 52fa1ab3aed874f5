"""Validation data and statistics (issue 5, in progress)."""

from pathlib import Path

import pytest

from warroom.stats import wilson

CDB90 = Path(__file__).resolve().parents[2] / "shared/data/cdb90"


def test_wilson_interval_by_hand():
    # k = 8, n = 10, z = 1.96: centre (0.8 + 0.19208) / 1.38415 = 0.71674,
    # half-width 1.96 * sqrt(0.016 + 0.0096040) / 1.38415 = 0.22658 -> (0.4902, 0.9433)
    lo, hi = wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4)
    assert hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0
    assert wilson(0, 0) == (0.0, 1.0)


@pytest.mark.skipif(not CDB90.exists(), reason=f"{CDB90} not found: ../shared/data absent")
def test_cdb90_base_rates_come_from_the_raw_file():
    from warroom.validation.cdb90 import base_rates, load

    battles = load(CDB90)
    assert len(battles) == 660
    assert base_rates(battles) == {"attacker_won": 398, "draw": 43, "defender_won": 217,
                                   "unknown": 2}
    # missing counts are NaN, never the raw file's -1 marker
    assert (battles[["stra", "strd", "casa", "casd"]].min() >= 0).all()
