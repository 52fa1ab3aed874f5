"""Every bundled scenario runs, and tells the story it was written for."""

from pathlib import Path

import pytest

from warroom import load_scenario, simulate

SCENARIOS = sorted(Path("scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_bundled_scenario_runs(path):
    r = simulate(load_scenario(path))
    assert r.end_time > 0 and len(r.events) >= 2
    assert r.events[-1].kind.name == "battle_ended"


def test_iwo_jima_garrison_is_annihilated_around_day_36():
    r = simulate(load_scenario("scenarios/iwo_jima.yaml"))
    assert r.winner == "us" and r.deciding_breakpoint == "no strength left"
    assert 34 < r.end_time < 36.5  # Engel: organised resistance ended on day 36
    assert 50_000 < r.side_summary()["us"]["final"] < 56_000


def test_hill_defence_usually_breaks_despite_reinforcements():
    sc = load_scenario("scenarios/hill_defence.yaml")
    wins = [simulate(sc, seed=s).winner for s in range(60)]
    assert wins.count("attack") > 40  # the defence breaks in most but not all runs
    assert wins.count("defence") > 0
