"""What drives the morale rule besides losses and contagion, filled by both engines: leaders
lost (declared leaders at the aggregate scale, officers and commanders on the map, and a
superior's leaders down the chain of command), isolation (every linked force gone; on the
map, nobody of one's side within the radius), rest (a period without losses) and victory
(the enemy's loss rate)."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from warroom.core import run
from warroom.scenario import validate
from warroom.simulate import compile_scenario, mechanics


def duel(morale: dict, *, a: float = 0.001, b: float = 0.001, end: float = 10.0,
         extra_forces: list | None = None, fire: list | None = None) -> dict:
    """fa (side a, 1000) against fb (side b, 1000), square law, ODE."""
    return {"version": 1, "name": "inputs", "seed": 1,
            "clock": {"start": 0, "end": end, "step": 0.5, "unit": "day"},
            "sides": [{"id": "a", "forces": [{"id": "fa", "strength": 1000},
                                              *(extra_forces or [])]},
                      {"id": "b", "forces": [{"id": "fb", "strength": 1000}]}],
            "engagements": [{"id": "e", "law": "square", "fire": [
                {"shooter": "fa", "target": "fb", "rate": a},
                {"shooter": "fb", "target": "fa", "rate": b}]}] + (
                # a second engagement: fire that no allocation shares with the first
                [{"id": "e2", "law": "square", "fire": fire}] if fire else []),
            "morale": morale}


def play(d: dict):
    world, engine = compile_scenario(validate(copy.deepcopy(d)))
    own = mechanics(world, world.seed, 0)
    run(engine, world, (), world.seed, 0, systems=own)
    m = own[0]
    return world, m, m.tables(world.force_ids)["morale"].to_pandas()


def members(table, force: str, state: str):
    t = table[(table.force == force) & (table.state == state)]
    return t.t.to_numpy(), t.members.to_numpy()


def test_leaders_fall_in_proportion_to_losses_and_their_loss_shakes():
    spec = {"period": 0.5, "forces": ["fa"], "leaders": {"fa": 50},
            "transitions": [{"id": "leaderless", "from": "steady", "to": "shaken",
                             "leader": 0.01}]}
    world, m, table = play(duel(spec))
    held = m.n[:, world.force_ids.index("fa")].sum()
    # without other outflows the product of (1 - lost / held) over updates is held / x0
    assert m.leaders_left[0] == pytest.approx(50 * held / 1000, rel=1e-9)
    _, shaken = members(table, "fa", "shaken")
    assert shaken[-1] > 0
    spec["leaders"] = {}
    _, _, table = play(duel(spec))
    assert members(table, "fa", "shaken")[1].max() == 0


def test_a_superiors_leaders_lost_are_felt_down_the_chain_of_command():
    # hq (one leader, strength 1) falls at once to fb's fire; fa, its subordinate, then
    # feels one leader lost: steady decays as exp(-w t) from the first update after
    w = 0.2
    spec = {"period": 0.5, "forces": ["fa"], "leaders": {"hq": 1},
            "network": {"kind": "force", "parents": {"fa": "hq"}},
            "transitions": [{"id": "leaderless", "from": "steady", "to": "shaken",
                             "leader": w}]}
    d = duel(spec, a=0.0, b=0.0, extra_forces=[{"id": "hq", "strength": 1}],
             fire=[{"shooter": "fb", "target": "hq", "rate": 10.0}])
    world, m, table = play(d)
    t, steady = members(table, "fa", "steady")
    assert steady[0] == 1000  # the first update sees what hq lost in the first period
    # and from then on, one leader lost: exp(-w dt) per period
    ratio = steady[1:] / steady[:-1]
    assert ratio == pytest.approx(np.exp(-w * 0.5), rel=1e-9)
    spec["network"]["parents"] = {}
    _, _, table = play(d)
    assert members(table, "fa", "shaken")[1].max() == 0


def test_a_force_whose_linked_forces_are_all_gone_is_isolated():
    r = 0.3
    spec = {"period": 0.5, "forces": ["fa"],
            "network": {"kind": "edges", "edges": [["fa", "flank"]]},
            "transitions": [{"id": "alone", "from": "steady", "to": "shaken",
                             "isolated": r}]}
    d = duel(spec, a=0.0, b=0.0, extra_forces=[{"id": "flank", "strength": 5}],
             fire=[{"shooter": "fb", "target": "flank", "rate": 10.0}])
    _, _, table = play(d)
    t, steady = members(table, "fa", "steady")
    # flank is gone within the first period: from the first update on, fa is alone
    assert (steady[1:] < steady[:-1]).all()
    assert steady[-1] == pytest.approx(1000 * math.exp(-r * (t[-1] - t[0])), rel=1e-9)
    # a force with no links is never isolated
    spec["network"] = {"kind": "force"}
    _, _, table = play(d)
    assert members(table, "fa", "shaken")[1].max() == 0


def test_rest_and_victory_restore_the_shaken():
    # shaken by a revelation, fa recovers at rate `rest` once its engagement (and its
    # losses) stop at t = 4, or at `victory` x the enemy's loss rate while it wins
    base = {"period": 0.5, "forces": ["fa"],
            "shocks": [{"id": "news", "kind": "revelation", "at": 0, "until": 2,
                        "forces": ["fa"], "hazard": {"shock": 1.0}}],
            "transitions": [{"id": "shock", "from": "steady", "to": "shaken"},
                            {"id": "recover", "from": "shaken", "to": "steady"}]}

    def shaken_at_end(weights: dict, a: float, b: float) -> float:
        spec = copy.deepcopy(base)
        spec["transitions"][1].update(weights)
        d = duel(spec, a=a, b=b)
        d["engagements"][0]["end"] = 4.0
        _, _, table = play(d)
        return float(members(table, "fa", "shaken")[1][-1])

    still = shaken_at_end({}, 0.001, 0.001)
    assert still > 500
    rested = shaken_at_end({"rest": 0.5}, 0.001, 0.001)
    # losing until t = 4, resting from then: the updates from 4.5 to the last at 9.5 each
    # see a period without losses, and move members over it: exp(-0.5 (9.5 - 4))
    assert rested == pytest.approx(still * math.exp(-0.5 * 5.5), rel=1e-9)
    won = shaken_at_end({"victory": 200.0}, 0.01, 0.0)
    lost = shaken_at_end({"victory": 200.0}, 0.0, 0.001)
    # while the enemy loses nothing there is no victory to restore anyone
    assert won < 0.5 * still and lost == pytest.approx(shaken_at_end({}, 0.0, 0.001),
                                                       rel=1e-9)


def tactical_chain() -> dict:
    soldier = {"id": "soldier", "role": "infantry", "speed": 0, "hp": 1,
               "sensor": {"range": 5}, "weapons": []}
    officer = dict(soldier, id="officer", role="officer")
    sniper = {"id": "sniper", "role": "infantry", "speed": 0, "hp": 5, "sensor": {"range": 400},
              "weapons": [{"id": "rifle", "range": 400, "rate": 1, "accuracy": 0.5,
                           "damage": {"soft": 1}}]}
    return {"version": 1, "scale": "tactical", "name": "chain", "seed": 2,
            "clock": {"start": 0, "end": 30, "step": 1, "unit": "second"},
            "map": {"cell": 4, "width": 50, "height": 50},
            "entity_types": [soldier, officer, sniper],
            "sides": [{"id": "a", "forces": [
                {"id": "squads", "type": "soldier", "count": 200,
                 "deploy": {"area": [10, 10, 60, 60]}},
                {"id": "officers", "type": "officer", "count": 4,
                 "deploy": {"area": [150, 150, 160, 160]}}]},
                {"id": "b", "forces": [
                    {"id": "snipers", "type": "sniper", "count": 2,
                     "deploy": {"area": [180, 180, 190, 190]},
                     "targeting": {"rule": "priority", "priority": ["officer"]}}]}],
            "morale": {"period": 2, "forces": ["squads"],
                       "network": {"kind": "force", "parents": {"squads": "officers"}},
                       "transitions": [{"id": "leaderless", "from": "steady",
                                        "to": "shaken", "leader": 0.05}]}}


def test_on_the_map_officers_are_leaders_and_their_deaths_shake_their_subordinates():
    d = tactical_chain()
    world, m, table = play(d)
    killed = m.counts  # per update: members of each force by state
    t, shaken = members(table, "squads", "shaken")
    assert shaken[-1] > 0
    # nobody is shaken before the first officer falls (the snipers need a tick or more)
    first = int(np.argmax(shaken > 0))
    assert first >= 1 and killed
    d["sides"][0]["forces"][1]["type"] = "soldier"  # the same men, but not officers
    _, _, table = play(d)
    assert members(table, "squads", "shaken")[1].max() == 0


def test_on_the_map_a_member_with_nobody_of_its_side_within_the_radius_is_isolated():
    d = tactical_chain()
    d["entity_types"][2]["weapons"] = []  # nobody is shot: only isolation shakes
    d["sides"][0]["forces"][1]["count"] = 1
    d["sides"][0]["forces"][1]["type"] = "soldier"
    d["morale"] = {"period": 2, "forces": ["squads", "officers"],
                   "network": {"kind": "proximity", "radius": 15},
                   "transitions": [{"id": "alone", "from": "steady", "to": "shaken",
                                    "isolated": 5.0}]}
    world, m, table = play(d)
    # the lone soldier far from the squads is shaken at once; the crowd never is
    assert members(table, "officers", "shaken")[1][1] == 1
    assert members(table, "squads", "shaken")[1].max() == 0


@pytest.mark.parametrize("model", ["erdos_renyi", "watts_strogatz", "barabasi_albert"])
def test_a_generated_graph_carries_refusal_between_entities_and_is_drawn_per_replication(
        model):
    from warroom.morale.graph import as_graph

    d = tactical_chain()
    d["entity_types"][2]["weapons"] = []
    d["morale"] = {"period": 2, "forces": ["squads"],
                   "network": {"kind": "random", "model": model, "degree": 6},
                   "transitions": [{"id": "refusal", "from": "steady", "to": "refusing",
                                    "kind": "fractional", "watch": "refusing",
                                    "threshold": {"mean": 0.15}},
                                   {"id": "first", "from": "steady", "to": "refusing"}],
                   "shocks": [{"id": "spark", "kind": "revelation", "at": 0, "until": 3,
                               "forces": ["squads"], "hazard": {"first": 0.01}}]}
    world, engine = compile_scenario(validate(copy.deepcopy(d)))
    runs = []
    for rep in (0, 1):
        own = mechanics(world, world.seed, rep)
        run(engine, world, (), world.seed, rep, systems=own)
        runs.append(own[0])
    a, b = runs
    assert a.links is not None and b.links is not None
    assert not np.array_equal(a.links[1], b.links[1])  # a graph of its own per replication
    g = as_graph(np.column_stack(a.links), world.n)
    assert abs(g.degree.mean() - 6) <= 1.0
    # refusal spreads beyond the spark along the graph's links
    spark = sum(n for t, _, k, n in a.moves if k == 1)
    assert a.facts()["cascade_size"] > spark
    # the same seed and replication draw the same graph
    own = mechanics(world, world.seed, 0)
    run(engine, world, (), world.seed, 0, systems=own)
    assert np.array_equal(own[0].links[1], a.links[1])


def test_a_generated_graph_over_forces_links_them_at_the_aggregate_scale():
    spec = {"period": 0.5, "forces": ["fa", "f2", "f3"],
            "network": {"kind": "random", "model": "erdos_renyi", "degree": 2},
            "transitions": [{"id": "alone", "from": "steady", "to": "shaken",
                             "isolated": 1.0}]}
    d = duel(spec, extra_forces=[{"id": "f2", "strength": 10}, {"id": "f3", "strength": 10}])
    world, m, _ = play(d)
    has = [world.force_ids.index(f) for f in ("fa", "f2", "f3")]
    links = m.network[np.ix_(has, has)]
    assert (links == 1.0).all()  # degree n - 1: every pair linked
    bad = copy.deepcopy(d)
    bad["morale"]["network"]["degree"] = 5
    from warroom.errors import ScenarioError

    with pytest.raises(ScenarioError, match="mean degree below the 3 forces"):
        validate(bad)
