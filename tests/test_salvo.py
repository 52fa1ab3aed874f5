"""Hughes' salvo model against hand-worked exchanges."""

import numpy as np
import pytest

from warroom import simulate
from warroom.scenario import validate


def fleets(a, b, *, end=4, a_kw=None, b_kw=None):
    return validate({
        "version": 1, "name": "salvo", "clock": {"start": 0, "end": end, "step": 1,
                                                 "unit": "salvo"},
        "sides": [{"id": "A", "forces": [{"id": "a", "strength": a}]},
                  {"id": "B", "forces": [{"id": "b", "strength": b}]}],
        "engagements": [{"id": "x", "law": "salvo", "interval": 1,
                         "fleets": [{"force": "a", **a_kw}, {"force": "b", **b_kw}]}],
    })


def test_one_salvo_overwhelms_a_defence():
    # into B: 10 ships * 4 = 40 missiles, B intercepts 8 * 2 = 16: 24 hits / 2 = 12 > 8 ships
    # into A: 8 * 3 = 24, A intercepts 10 * 1 = 10: 14 hits / 3 = 4.667 ships
    r = simulate(fleets(10, 8, a_kw=dict(offensive=4, defensive=1, staying=3),
                        b_kw=dict(offensive=3, defensive=2, staying=2)))
    assert r.winner == "A" and r.end_time == 1.0
    assert r.strength[-1, 1] == 0.0
    assert r.strength[-1, 0] == pytest.approx(10 - 14 / 3, abs=1e-12)


def test_two_salvos_by_hand():
    # salvo 1: into B 6*1 - 5*0.5 = 3.5 hits -> B = 1.5;
    #          into A 5*1.5 - 6*1 = 1.5 hits / 2 -> A = 5.25
    # salvo 2: into B 5.25 - 0.75 = 4.5 hits -> B = 0; into A 2.25 - 5.25 < 0 -> no loss
    r = simulate(fleets(6, 5, a_kw=dict(offensive=1, defensive=1, staying=2),
                        b_kw=dict(offensive=1.5, defensive=0.5, staying=1)))
    np.testing.assert_allclose(r.times, [0, 1, 2])
    np.testing.assert_allclose(r.strength, [[6, 5], [5.25, 1.5], [5.25, 0.0]], atol=1e-12)
    assert r.winner == "A"


def test_scouting_and_readiness_scale_offence_and_alertness_scales_defence():
    # A's offence: 0.5 * 0.8 * 4 * 10 = 16 = B's alert defence 1 * 1 * 2 * 8: no hits on B
    # B's offence: 8 * 3 = 24; A's defence: alertness 0.5 * readiness 0.8 * 1 * 10 = 4: 20 / 4 = 5
    r = simulate(fleets(10, 8, end=1,
                        a_kw=dict(offensive=4, defensive=1, staying=4, scouting=0.5,
                                  readiness=0.8, alertness=0.5),
                        b_kw=dict(offensive=3, defensive=2, staying=2)))
    np.testing.assert_allclose(r.strength[-1], [5.0, 8.0], atol=1e-12)


def test_bundled_missile_fleets_scenario_by_hand():
    from warroom import load_scenario

    r = simulate(load_scenario("scenarios/missile_fleets.yaml"))
    # blue fires 8 * 1.0 * 0.9 * 2 = 14.4 at red, split 5:2 over cruisers and corvettes;
    # red's defence is alertness * readiness * defensive power * ships, summed over its types
    red_def = 1 * 0.9 * 1 * 5 + 1 * 1.0 * 0.5 * 2
    through = 14.4 - red_def
    cruisers_lost = through * 5 / 7 / 2
    corvettes_lost = through * 2 / 7 / 1
    red_off = 0.7 * 0.9 * 4 * 5 + 0.7 * 1.0 * 1 * 2
    blue_lost = (red_off - 1 * 0.9 * 1.5 * 8) / 1
    assert corvettes_lost > 2  # more hits than the corvettes can take: they are all lost
    np.testing.assert_allclose(r.strength[1], [8 - blue_lost, 5 - cruisers_lost, 0.0],
                               atol=1e-12)
