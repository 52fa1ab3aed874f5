"""The campaign engine on hand-made theaters: travel, interception on a lane, a battle that is
the aggregate engine's, supply cut and restored, members who turn home, a council."""

from __future__ import annotations

import math

import numpy as np

from campaign_helpers import campaign, started
from warroom.campaign.battle import Present, resolve
from warroom.campaign.fleets import ON_LANE
from warroom.core import run
from warroom.core.events import EventKind
from warroom.core.orders import Order, OrderKind
from warroom.rng import stream
from warroom.scenario import validate
from warroom.simulate import simulate


def test_a_fleet_ordered_along_a_path_arrives_at_the_sum_of_its_lanes_times():
    world, eng, st = started(campaign(orders=[{"at": 0, "fleets": "g", "do": "move",
                                               "world": "d"}]))
    eng.advance(world, st, 14.0)
    assert st.fleets.world[0] == ON_LANE
    eng.advance(world, st, 15.0)  # 5 + 5 + 5 days
    assert st.fleets.world[0] == 3



def test_a_raider_turns_back_at_its_goal_and_stands_only_when_it_is_back():
    from warroom.campaign.engine import IDLE, RETREAT

    world, eng, st = started(campaign(orders=[{"at": 0, "fleets": "g", "do": "raid",
                                               "world": "c"}]))
    eng.advance(world, st, 10.0)  # at c (10 days): it turns back for a, whence it came
    assert st.fleets.world[0] == 2 and st.mode[0] == RETREAT
    eng.advance(world, st, 11.0)
    assert st.fleets.world[0] == ON_LANE and st.mode[0] == RETREAT  # not idle on its way
    eng.advance(world, st, 20.0)
    assert st.fleets.world[0] == 0 and st.mode[0] == IDLE

def _intercept(e_to_c: float):
    """Red sets out from e for a; blue waits at world x, joined to c by a lane of e_to_c."""
    d = campaign(orders=[{"at": 0, "fleets": "h", "do": "move", "world": "a"}])
    d["theater"]["worlds"].append({"id": "x", "x": 2, "y": 1})
    d["theater"]["lanes"].append(["x", "c", e_to_c])
    d["sides"][0]["members"][0]["fleets"][0]["at"] = "x"
    world, eng, st = started(d)
    eng.advance(world, st, 1.0)
    eng.apply(world, st, Order(OrderKind.intercept, force=0, target=1))
    eng.advance(world, st, 30.0)
    return eng.result(world, st).extra_tables()["battles"].to_pylist()


def test_an_interceptor_meets_a_fleet_on_a_lane_only_where_it_can_reach_it_in_time():
    # red reaches d at 5 and c at 10; from x, blue enters the lane c - d from c at 1 + 1
    # and meets red half way between: (5 + (5 + 2)) / 2 = 6 (after the step, at day 6)
    rows = _intercept(1.0)
    assert rows and min(r["t"] for r in rows) == 6.0
    assert {(r["world"], r["lane_to"]) for r in rows if r["t"] == 6.0} == {("d", "c")}
    # red goes on along the lane to c, where blue waits for it: met again as it passes (day
    # 10), though c is not where red stops
    assert {(r["t"], r["world"], r["lane_to"]) for r in rows if r["t"] > 6.0} == {
        (10.0, "c", "c")}
    # a lane of 30 days: red has passed c long before blue could get there
    assert _intercept(30.0) == []


def test_an_interceptor_meets_the_whole_column_on_the_lane():
    # two red fleets set out together: blue, sized for the column, meets both on d - c
    d = campaign(orders=[{"at": 0, "fleets": "h", "do": "move", "world": "a"}])
    d["theater"]["worlds"].append({"id": "x", "x": 2, "y": 1})
    d["theater"]["lanes"].append(["x", "c", 1.0])
    d["sides"][0]["members"][0]["fleets"][0]["at"] = "x"
    d["sides"][1]["members"][0]["fleets"][0]["count"] = 2
    world, eng, st = started(d)
    eng.advance(world, st, 1.0)
    eng.apply(world, st, Order(OrderKind.intercept, force=0, target=1))
    eng.advance(world, st, 30.0)
    rows = eng.result(world, st).extra_tables()["battles"].to_pylist()
    first = [r for r in rows if r["t"] == 6.0]
    assert {(r["world"], r["lane_to"]) for r in first} == {("d", "c")}
    assert {r["side"]: r["fleets"] for r in first} == {"blue": 1, "red": 2}


def test_an_interceptor_meets_the_route_its_target_has_now_not_the_one_it_had_this_morning():
    # two blue fleets at x; the first is sent against red's route to a (met on d - c at 6);
    # red is then turned to stop at d (there at 5), which the second cannot reach in time
    d = campaign(orders=[{"at": 0, "fleets": "h", "do": "move", "world": "a"}])
    d["theater"]["worlds"].append({"id": "x", "x": 2, "y": 1})
    d["theater"]["lanes"].append(["x", "c", 1.0])
    d["sides"][0]["members"][0]["fleets"][0].update(at="x", count=2)
    world, eng, st = started(d)
    at = {w: k for k, w in enumerate(world.theater.ids)}
    eng.advance(world, st, 1.0)
    eng.apply(world, st, Order(OrderKind.intercept, force=0, target=2))
    eng.apply(world, st, Order(OrderKind.move, force=2, place=at["d"]))
    eng.apply(world, st, Order(OrderKind.intercept, force=1, target=2))
    assert st.goal[0] == at["c"] and [a[1] for a in st.ambushes] == [0]  # it enters d - c at c
    assert st.goal[1] == -1  # not sent: nowhere on red's new way in time


def test_a_battle_at_a_world_is_the_aggregate_engines_for_the_same_forces_and_seed():
    d = campaign(regions=[{"owner": "red", "worlds": ["d"],
                           "defences": {"strength": 20, "rate": 0.05}}],
                 orders=[{"at": 0, "fleets": "g", "do": "conquer", "world": "d"},
                         {"at": 0, "fleets": "h", "do": "move", "world": "d"}])
    world, eng, st = started(d)
    eng.advance(world, st, 15.0)  # both there at day 15: the first battle
    rows = eng.result(world, st).extra_tables()["battles"].to_pylist()
    seed = int(stream(world.seed, 0, "campaign").integers(2**63))
    present = [Present("g", "blue", 50.0, 0.1), Present("h", "red", 40.0, 0.1),
               Present("defences", "red", 20.0, 0.05)]
    lost, _ = resolve("d", present, seed, world.rules)
    by = {(r["side"], r["fleets"]): r["lost"] for r in rows}
    assert by[("blue", 1)] == lost[0] and by[("red", 1)] == lost[1] and by[("red", 0)] == lost[2]
    assert st.ships[0] == 50.0 - lost[0] and math.isclose(st.crippled[0], 0.5 * lost[0])


def test_cutting_a_supply_line_lowers_the_fleets_beyond_it_and_restoring_it_restores_them():
    d = campaign(regions=[{"owner": "blue", "worlds": ["a"]}],
                 orders=[{"at": 0, "fleets": "g", "do": "move", "world": "c"},
                         {"at": 0, "fleets": "h", "do": "move", "world": "b"},
                         {"at": 30, "fleets": "h", "do": "move", "world": "e"}])
    d["sides"][0]["supply"] = {"reach": 12, "penalty": 0.4, "every": 1}
    d["sides"][1]["members"][0]["fleets"][0]["at"] = "e"
    d["theater"]["lanes"] = [["a", "b", 5], ["b", "c", 5], ["c", "d", 5], ["d", "e", 1]]
    world, eng, st = started(d)
    # blue reaches c at 10, red b at 11 (after blue passed): from then b is red's
    eng.advance(world, st, 10.0)
    assert eng.observe(world, st, 0).extra["supply"][0] == 1.0
    eng.advance(world, st, 12.0)
    assert math.isclose(eng.observe(world, st, 0).extra["supply"][0], 0.6)
    eng.advance(world, st, 60.0)  # red left b at 30: the line is open again
    assert eng.observe(world, st, 0).extra["supply"][0] == 1.0


def _home_raid(leave: float) -> dict:
    """Red's fleet attacks blue's home a while blue's fleet is away at d."""
    return campaign(
        clock={"end": 30, "step": 1},
        regions=[{"owner": "blue", "worlds": ["a"], "defences": {"strength": 5, "rate": 0.01}}],
        orders=[{"at": 0, "fleets": "h", "do": "conquer", "world": "a"}],
        sides=[{"id": "blue", "members": [{"id": "b1", "home": "a", "will": {"leave": leave},
                                           "fleets": [{"id": "g", "at": "d",
                                                       "ships": {"line": 50}}]}]},
               {"id": "red", "members": [{"id": "r1", "home": "e", "fleets": [
                   {"id": "h", "at": "c", "ships": {"line": 40}}]}]}])


def test_a_member_whose_home_is_attacked_turns_home_with_its_probability():
    sc = validate(_home_raid(0.3), "<home>")
    n = 300
    left = 0
    for i in range(n):
        r = simulate(sc, seed=11, replication=i)
        kinds = [e.kind for e in r.events]
        assert EventKind.home_attacked in kinds
        left += EventKind.turned_home in kinds
    # binomial: p = 0.3, n = 300; 99.9% two-sided, z = 3.29
    half = 3.29 * math.sqrt(0.3 * 0.7 / n)
    assert abs(left / n - 0.3) < half, left


def test_a_member_that_turns_home_refuses_orders_on_its_way():
    world, eng, st = started(_home_raid(1.0))
    eng.advance(world, st, 11.0)  # red reaches a at 10
    assert st.mode[0] == 6  # leaving
    eng.apply(world, st, Order(OrderKind.move, force=0, place=4))
    assert st.goal[0] == 0
    assert any(e[1] == int(EventKind.order_refused) for e in st.ev)


def test_a_council_refuses_an_offensive_when_the_members_mean_will_is_below_its_threshold():
    d = campaign(clock={"end": 500, "step": 1},
                 alliances=[{"id": "league", "sides": ["blue"], "council": {"threshold": 0.6}}],
                 orders=[{"at": 100, "fleets": "g", "do": "conquer", "world": "b"},
                         {"at": 400, "fleets": "g", "do": "conquer", "world": "c"}])
    d["sides"][0]["members"][0]["will"] = {"weariness": 0.5}  # will = 1 - 0.5 x years
    world, eng, st = started(d)
    eng.advance(world, st, 101.0)
    assert st.will[0] > 0.6 and st.goal[0] == 1  # accepted
    eng.advance(world, st, 401.0)
    assert st.will[0] < 0.6 and st.goal[0] == 1  # refused: still where it was sent
    refused = [e for e in st.ev if e[1] == int(EventKind.order_refused)]
    assert [e[0] for e in refused] == [400.0]


def test_the_same_seed_gives_the_same_campaign():
    d = campaign(orders=[{"at": 0, "fleets": "g", "do": "conquer", "world": "e"}],
                 regions=[{"owner": "red", "worlds": ["e"], "defences": {"strength": 20,
                                                                         "rate": 0.05}}])
    sc = validate(d, "<c>")
    a, b = simulate(sc, seed=5, replication=2), simulate(sc, seed=5, replication=2)
    assert a.facts == b.facts
    assert np.array_equal(a.ledger, b.ledger)
    world, eng, _ = started(d)
    whole = run(eng, world, seed=5, replication=2)
    pieces = eng.reset(world, 5, 2)
    for t in (7.5, 20.0, 33.3, 60.0):
        eng.advance(world, pieces, t)
    assert np.array_equal(whole.ships, pieces.ships) and whole.battles == pieces.battles


def test_the_command_layer_is_heard_at_the_first_step_not_before_its_message():
    # a message due a hair after a step is heard at the next step (heard at the step
    # itself it would not be due yet, and the run would stand still)
    world, eng, st = started(campaign())
    eng.advance(world, st, 5.0)
    assert eng.settles(world, st, 5.0) == 5.0
    assert eng.settles(world, st, 5.0 + 1e-10) == 6.0
    assert eng.settles(world, st, 5.5) == 6.0 and eng.settles(world, st, 6.0) == 6.0


def test_a_result_keeps_the_events_of_its_time_and_builds_them_only_when_read():
    d = campaign(orders=[{"at": 0, "fleets": "g", "do": "move", "world": "d"},
                         {"at": 0, "fleets": "h", "do": "move", "world": "a"}])
    world, eng, st = started(d)
    _, _, other = started(d)
    eng.advance(world, st, 6.0)
    eng.advance(world, other, 6.0)
    r = eng.result(world, st)
    assert "events" not in r.__dict__  # an experiment's replication never reads them
    eng.advance(world, st, 40.0)  # the war goes on: the result stays that of day 6
    want = eng.result(world, other).events
    assert [repr(e) for e in r.events] == [repr(e) for e in want] and len(want) == 2
    assert len(eng.result(world, st).events) > 2  # the battle of day 10 and what followed
    assert r.defected.shape == (len(r.times), len(world.member_ids)) and not r.defected.any()


def test_the_forces_place_is_where_each_fleet_is_after_each_step():
    world, eng, st = started(campaign(orders=[{"at": 0, "fleets": "g", "do": "move",
                                               "world": "b"}]))
    assert eng.forces(world, st).place.tolist() == [0.0, 4.0]
    eng.advance(world, st, 2.0)
    assert eng.forces(world, st).place.tolist() == [-1.0, 4.0]  # on the lane a - b
    eng.advance(world, st, 5.0)
    place = eng.forces(world, st).place
    assert place.tolist() == [1.0, 4.0] and not place.flags.writeable
