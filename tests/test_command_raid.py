"""Information asymmetry on the bundled raid scenario (scenarios/raid_relief.yaml), by Monte
Carlo with intervals: the leak pays against a slow hub and stops paying as the hub speeds up."""

from __future__ import annotations

import runpy

import pytest

Z = 2.576  # two-sided 99%


@pytest.fixture(scope="module")
def rows():
    sweep = runpy.run_path("docs/examples/raid_sweep.py")["sweep"]
    return sweep(60, workers=2)


@pytest.mark.slow
def test_the_leak_and_a_slow_hub_make_raids_pay(rows):
    slow = rows[0]
    assert slow["worth"] > Z * slow["se_worth"]
    assert slow["ratio_leak"] > 1.3 * slow["ratio_no_leak"]


@pytest.mark.slow
def test_the_leaks_worth_shrinks_as_the_hub_speeds_up(rows):
    worth = [r["worth"] for r in rows]
    assert worth == sorted(worth, reverse=True)
    gap = rows[0]["worth_boot"] - rows[-1]["worth_boot"]
    assert rows[0]["worth"] - rows[-1]["worth"] > Z * gap.std()
