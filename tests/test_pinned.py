"""Every bundled scenario gives, seed for seed, the battle it gave before the core was shared
by both scales: the same winner, end time, ledger and table contents. The pinned values in
data/pinned.json were written by `python tests/pinned.py` at the commit before the redesign
(ad871cc); the tactical time series' new `hp` column is left out of its digest. Iwo Jima's
three were written again when the ODE's rate became continuous across a force's emptying
(the end time moved by 2e-8 days, towards the solution at a thousand times tighter tolerance:
the error at the default tolerance went from 2e-8 to 1e-11)."""

import json
from pathlib import Path

from pinned import outcomes

PINNED = json.loads((Path(__file__).parent / "data" / "pinned.json").read_text())


def test_bundled_scenarios_give_the_pinned_battles():
    now = outcomes()
    assert sorted(now) == sorted(PINNED)
    changed = [f"{key}: {field}" for key, was in PINNED.items() for field, value in was.items()
               if now[key][field] != value]
    assert not changed, "changed: " + ", ".join(changed)


def test_no_pinned_scenario_has_a_decoy():
    import warroom

    r = warroom.simulate(warroom.load_scenario("scenarios/ridge_road.yaml"))
    assert not any(r.extra_tables()["snapshots"]["decoy"].to_pylist())
