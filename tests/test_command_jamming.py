"""Jamming on a map (a zone, the enemy's jammer entities), the uncertainty of a belief as it
ages, and an aggregate side that cannot see the enemy's reserve."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import duel
from tactical_helpers import scenario, soldier
from warroom.command.belief import Belief
from warroom.core import run
from warroom.simulate import command_for, compile_scenario, simulate


def jammed(jamming, jammers=0):
    """Blue's five scouts report every second to headquarters; red may bring jammers."""
    types = [soldier("scout", sensor={"range": 300.0}), soldier("jammer")]
    blue = [{"id": "scouts", "type": "scout", "count": 5, "deploy": {"at": [50, 50], "radius": 5}}]
    red = [{"id": "far", "type": "scout", "count": 1, "deploy": {"at": [950, 50]}}]
    if jammers:
        red.append({"id": "jam", "type": "jammer", "count": jammers,
                    "deploy": {"at": [60, 40], "radius": 5}})
    net = [{"side": "blue", "headquarters": "hq", "nodes": [{"id": "hq", "kind": "headquarters"}],
            "links": [{"between": ["scouts", "hq"], "latency": 0.1}],
            "reports": {"every": 1.0}, "jamming": jamming}]
    return scenario(types, blue, red, size=(100, 10), cell=10.0, end=40, command=net)


def lost_share(sc) -> float:
    return simulate(sc).facts["messages_lost_share_blue"]


def test_a_jamming_zone_raises_loss_only_for_hops_that_start_inside_it():
    inside = lost_share(jammed([{"area": [0, 0, 200, 100], "loss": 0.9}]))
    outside = lost_share(jammed([{"area": [500, 0, 700, 100], "loss": 0.9}]))
    # each report has two hops (the radio, then the link) that start in the zone
    assert outside == 0.0 and 0.9 < inside <= 1.0


def test_jammer_entities_jam_only_within_their_radius():
    near = lost_share(jammed([{"by": "jammer", "radius": 100, "loss": 0.5}], jammers=2))
    far = lost_share(jammed([{"by": "jammer", "radius": 1, "loss": 0.5}], jammers=2))
    none = lost_share(jammed([{"by": "jammer", "radius": 100, "loss": 0.5}], jammers=0))
    # two hops, each lost with 1 - (1 - 0.5)^2 (two jammers): 1 - (1/4)^2 of reports
    assert none == 0.0 and far == 0.0
    n = simulate(jammed([{"by": "jammer", "radius": 100, "loss": 0.5}], jammers=2)).facts[
        "messages_blue"]
    expect = 1 - 0.25 ** 2
    assert abs(near - expect) < 4 * math.sqrt(expect * (1 - expect) / n)


def test_a_beliefs_uncertainty_grows_with_its_age():
    b = Belief(3)
    b.update(np.array([0, 2]), np.array([10.0, 4.0]), np.zeros(2), np.zeros(2), np.ones(2),
             np.zeros(2, np.int64), np.zeros(2, np.int64), np.array([2.0, 5.0]))
    pic = b.picture(12.0, tactical=True)
    assert pic.item.tolist() == [0, 2]
    np.testing.assert_allclose(pic.sigma, [2.0 * 2, 5.0 * 8])  # speed x age
    b.update(np.array([2]), np.array([3.0]), np.ones(1), np.ones(1), np.ones(1),
             np.zeros(1, np.int64), np.zeros(1, np.int64), np.ones(1))
    assert b.t[2] == 4.0  # an older report does not overwrite a newer one
    agg = Belief(1, noise=0.1, drift=0.05)
    agg.update(np.array([0]), np.array([0.0]), np.full(1, np.nan), np.full(1, np.nan),
               np.array([200.0]), np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1))
    assert agg.picture(2.0, tactical=False).sigma[0] == pytest.approx(200 * (0.1 + 0.05 * 2))


def test_an_aggregate_side_sees_only_the_enemies_it_meets():
    """Red's reserve is held back: blue's picture has red's front force, never the reserve."""
    sc = duel(100, 80, 0.01, 0.01, end=5, step=0.5, sides=[
        {"id": "blue", "forces": [{"id": "x", "strength": 100}]},
        {"id": "red", "forces": [{"id": "y", "strength": 80}, {"id": "r", "strength": 50}]}])
    world, engine = compile_scenario(sc)
    state = engine.reset(world, world.seed, 0)
    from warroom.core import Order, OrderKind

    engine.apply(world, state, Order(OrderKind.hold_back, force=2))
    engine.advance(world, state, 1.0)
    obs = engine.observe(world, state, 0)
    assert obs.picture.force.tolist() == [1]
    assert math.isnan(obs.strength[2]) and obs.strength[1] > 0


def test_perfect_and_networked_runs_both_finish_with_the_same_battle_when_nobody_decides():
    """With no controller, reports change nothing in an aggregate battle: the command layer
    only watches."""
    net = [{"side": "blue", "headquarters": "hq", "nodes": [{"id": "hq", "kind": "headquarters"}],
            "links": [{"between": ["x", "hq"], "latency": 0.3}], "reports": {"every": 0.5}}]
    plain, watched = duel(100, 80, 0.01, 0.012, end=5, step=0.5), \
        duel(100, 80, 0.01, 0.012, end=5, step=0.5, command=net)
    a, b = simulate(plain), simulate(watched)
    np.testing.assert_array_equal(a.strength, b.strength)
    world, engine = compile_scenario(watched)
    run(engine, world, (), world.seed, 0, command=command_for(world, world.seed, 0))


def test_messages_kept_are_a_systematic_sample_above_the_size_the_user_sets():
    net = [{"side": "blue", "headquarters": "hq", "nodes": [{"id": "hq", "kind": "headquarters"}],
            "links": [{"between": ["x", "hq"], "latency": 0.01}], "reports": {"every": 0.01},
            "keep_messages": 40}]
    r = simulate(duel(100, 80, 0.01, 0.012, end=5, step=0.5, command=net))
    kept = r.extras()["messages"].to_pandas()
    sent = r.facts["messages_blue"]
    assert sent > 400 and 20 <= len(kept) <= 40
    assert (kept.id % kept.weight == 0).all()  # every weight-th message by id
    assert abs(kept.weight.sum() - sent) <= kept.weight.iloc[0]
