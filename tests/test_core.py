"""The core every scale shares: pause and resume, orders at run time, per-force modifiers,
the conformance suite on every engine, and the one breakpoint rule with three and late sides."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import warroom
from helpers import duel
from tactical_helpers import scenario as tactical
from tactical_helpers import soldier
from warroom.core import ENGINES, Order, OrderKind, Scripted, run
from warroom.core.codes import FIRE
from warroom.core.testing import check_engine
from warroom.scenario import validate
from warroom.simulate import compile_scenario

RIDGE = "scenarios/ridge_road.yaml"


def _tables(result):
    tabs = {"timeseries": result.timeseries(), "events": result.events_table(),
            **result.extra_tables()}
    return {k: v.to_pydict() for k, v in tabs.items()}


def _in_pieces(sc, pieces, seed=5, replication=2):
    world, engine = compile_scenario(sc, seed)
    st = engine.reset(world, seed, replication)
    for until in [*np.linspace(world.t0, world.t_end, pieces + 1)[1:-1], math.inf]:
        engine.advance(world, st, float(until))
    return _tables(engine.result(world, st))


def _aggregate(solver):
    if solver == "salvo":
        return warroom.load_scenario("scenarios/missile_fleets.yaml")
    if solver == "closed_form":
        return duel(1000, 800, 0.02, 0.03, law="square", solver="closed_form", end=60,
                    sides=[{"id": "blue", "forces": [{"id": "x", "strength": 1000}],
                            "breakpoints": [{"kind": "strength", "below": 0.3}]},
                           {"id": "red", "forces": [{"id": "y", "strength": 800}]}])
    data = warroom.load_scenario("scenarios/hill_defence.yaml").model_dump(
        mode="json", by_alias=True, exclude_none=True)
    data["engagements"][0]["solver"] = solver
    return validate(data)


@pytest.mark.parametrize("solver", ["ode", "closed_form", "salvo", "ctmc", "tau_leap"])
def test_advancing_in_pieces_is_one_advance(solver):
    sc = _aggregate(solver)
    one = _in_pieces(sc, 1)
    assert one["events"]["kind"][-1] == "battle_ended"
    for pieces in (2, 7):
        assert _in_pieces(sc, pieces) == one, f"{pieces} pieces changed the {solver} battle"


def test_a_tactical_battle_in_pieces_is_one_advance():
    sc = warroom.load_scenario(RIDGE)
    one = _in_pieces(sc, 1, seed=22, replication=0)
    for pieces in (2, 7):
        assert _in_pieces(sc, pieces, seed=22, replication=0) == one


def _small_tactical():
    gun = {"id": "gun", "range": 80, "rate": 0.5, "accuracy": 0.3, "damage": {"soft": 1}}
    types = [soldier(speed=2.0, weapons=[gun])]
    blue = [{"id": "line", "type": "soldier", "count": 12, "deploy": {"area": [20, 40, 40, 60]},
             "orders": {"kind": "hold"}}]
    red = [{"id": "assault", "type": "soldier", "count": 12,
            "deploy": {"area": [140, 40, 160, 60]}, "orders": {"kind": "advance"}}]
    return tactical(types, blue, red, size=(40, 20), cell=5.0, end=120)


def test_every_registered_engine_conforms():
    import warroom.aggregate.engine  # noqa: F401  (each engine registers itself)
    import warroom.campaign.engine  # noqa: F401
    import warroom.tactical.engine  # noqa: F401
    from campaign_helpers import campaign

    war = campaign(orders=[{"at": 0, "fleets": "g", "do": "conquer", "world": "e"}],
                   regions=[{"owner": "red", "worlds": ["e"],
                             "defences": {"strength": 20, "rate": 0.05}}])
    worlds = {"aggregate": [_aggregate(s) for s in ("ode", "ctmc", "tau_leap", "salvo")],
              "tactical": [_small_tactical()], "campaign": [validate(war, "<war>")]}
    assert set(ENGINES) == set(worlds)
    for scale, scenarios in worlds.items():
        for sc in scenarios:
            world, engine = compile_scenario(sc)
            assert engine.scale == scale
            check_engine(engine, world)


# ---- orders at run time -----------------------------------------------------------------
def _reserve_battle():
    """Blue's line (400) faces red (600) while blue's reserve (300) waits behind it. Square
    law: held back, the line is destroyed and blue (300 < 350) breaks; committed at once,
    700 v 600 leaves blue near 470 when red falls below 300 and breaks."""
    data = {"version": 1, "name": "reserve", "seed": 1,
            "clock": {"start": 0, "end": 40, "step": 0.5, "unit": "hour"},
            "sides": [{"id": "blue", "forces": [{"id": "line", "strength": 400},
                                                {"id": "reserve", "strength": 300}],
                       "breakpoints": [{"kind": "strength", "below": 0.5}]},
                      {"id": "red", "forces": [{"id": "attack", "strength": 600}],
                       "breakpoints": [{"kind": "strength", "below": 0.5}]}],
            "engagements": [{"id": "field", "law": "square", "solver": "ctmc",
                             "fire": [{"shooter": "line", "target": "attack", "rate": 0.05},
                                      {"shooter": "reserve", "target": "attack", "rate": 0.05},
                                      {"shooter": "attack", "target": "line", "rate": 0.05},
                                      {"shooter": "attack", "target": "reserve",
                                       "rate": 0.05}]}]}
    return validate(data)


def _reserve_runs(commit_at, n=40):
    sc = _reserve_battle()
    world, engine = compile_scenario(sc)
    reserve = world.force_ids.index("reserve")
    out = []
    for i in range(n):
        orders = [(0.0, Order(OrderKind.hold_back, force=reserve))]
        if commit_at is not None:
            orders.append((commit_at, Order(OrderKind.commit, force=reserve)))
        st = run(engine, world, [Scripted(0, orders)], seed=7, replication=i)
        out.append(engine.result(world, st))
    return out, reserve


def test_a_reserve_committed_at_t_fights_from_t_and_turns_the_battle():
    committed, reserve = _reserve_runs(1.0)
    held, _ = _reserve_runs(None)
    for r in committed:
        ts = r.timeseries().to_pandas()
        mine = ts[ts.force == "reserve"]
        assert (mine[mine.t <= 1.0].lost == 0).all()  # not before T
        assert mine.lost.iloc[-1] > 0  # and from T it fights
        given = [e for e in r.events if e.kind.name == "order_given"]
        assert [e.t for e in given] == [0.0, 1.0]
    for r in held:
        assert r.final_ledger()["reserve"]["lost"] == 0
    p_commit = np.mean([r.winner == "blue" for r in committed])
    p_held = np.mean([r.winner == "blue" for r in held])
    lost_c = np.array([r.side_summary()["red"]["lost"] for r in committed])
    lost_h = np.array([r.side_summary()["red"]["lost"] for r in held])
    se = math.sqrt(lost_c.var(ddof=1) / len(lost_c) + lost_h.var(ddof=1) / len(lost_h))
    assert lost_c.mean() - lost_h.mean() > 3 * max(se, 1e-9)
    assert p_commit > 0.9 and p_held == 0.0


def _held_then_advance(advance_at):
    gun = {"id": "gun", "range": 30, "rate": 1.0, "accuracy": 0.5, "damage": {"soft": 1}}
    rifle = {"id": "rifle", "range": 30, "rate": 0.5, "accuracy": 0.3, "damage": {"soft": 1}}
    types = [soldier(speed=2.0, weapons=[gun]), soldier("post", weapons=[rifle])]
    blue = [{"id": "raid", "type": "soldier", "count": 8, "deploy": {"area": [10, 40, 20, 60]},
             "orders": {"kind": "hold"}}]
    red = [{"id": "posts", "type": "post", "count": 20, "deploy": {"area": [170, 40, 190, 60]},
            "orders": {"kind": "hold"}}]
    sc = tactical(types, blue, red, size=(40, 20), cell=5.0, end=150)
    world, engine = compile_scenario(sc)
    orders = [] if advance_at is None else [(advance_at, Order(OrderKind.advance, force=0))]
    return world, engine, orders


def test_a_held_force_told_to_advance_moves_from_t_and_wins():
    world, engine, orders = _held_then_advance(20.0)
    st = engine.reset(world, 3, 0)
    x_start = st.x.copy()
    ctl = Scripted(0, orders)
    from warroom.core import advance_with

    advance_with(engine, world, st, [ctl], 20.0)
    assert st.t == 20.0 and np.array_equal(st.x, x_start)  # not before T
    advance_with(engine, world, st, [ctl], 21.0)
    raid = world.ent_force == 0
    assert (st.x[raid] > x_start[raid]).all()  # from T on
    kills = []
    for advance_at in (20.0, None):
        world, engine, orders = _held_then_advance(advance_at)
        k = [engine.result(world, run(engine, world, [Scripted(0, orders)], 3, i))
             .side_summary()["red"]["lost"] for i in range(12)]
        kills.append(np.array(k))
    se = math.sqrt(kills[0].var(ddof=1) / 12 + kills[1].var(ddof=1) / 12)
    assert kills[1].sum() == 0  # out of range, holding, nobody is hit
    assert kills[0].mean() > 3 * max(se, 1e-9)


def test_a_withdrawal_starts_from_where_the_force_stands():
    """The route's first point lies towards the enemy: the force must not drive to it."""
    gun = {"id": "gun", "range": 20, "rate": 0.5, "accuracy": 0.3, "damage": {"soft": 1}}
    types = [soldier(speed=2.0, weapons=[gun])]
    blue = [{"id": "main", "type": "soldier", "count": 6, "deploy": {"area": [95, 45, 105, 55]},
             "orders": {"kind": "withdraw", "route": [[150, 50], [100, 50], [10, 50]]}}]
    red = [{"id": "attack", "type": "soldier", "count": 6,
            "deploy": {"area": [180, 45, 190, 55]}, "orders": {"kind": "hold"}}]
    sc = tactical(types, blue, red, size=(40, 20), cell=5.0, end=10)
    world, engine = compile_scenario(sc)
    st = engine.reset(world, 1, 0)
    x0 = st.x.copy()
    engine.advance(world, st, 10.0)
    assert (st.x[world.ent_force == 0] < x0[world.ent_force == 0]).all()  # west, away


# ---- modifiers ---------------------------------------------------------------------------
def test_halving_fire_halves_the_kill_rate_exactly_under_the_ode():
    from warroom.attrition.rates import rates_at

    sc = duel(1000, 800, 0.02, 0.03, end=20)
    world, _ = compile_scenario(sc)
    x = np.array([900.0, 700.0])
    full = rates_at(world, x, np.ones(1, bool))
    half = rates_at(world, x, np.ones(1, bool), fire=np.array([0.5, 1.0]))
    assert half[0] == full[0] / 2 and half[1] == full[1]
    # a whole battle with x's modifier at one half is the battle with x's rate halved
    halved = warroom.simulate(sc, systems=[_Start(0)])
    slower = warroom.simulate(duel(1000, 800, 0.01, 0.03, end=20))
    assert halved.timeseries().equals(slower.timeseries())


class _Start:
    """Sets a force's fire modifier to one half before the first advance."""

    priority = 0
    period = math.inf

    def __init__(self, force):
        self.force = force

    def update(self, t, dt, forces):
        forces.modifiers[FIRE, self.force] = 0.5


def test_halving_fire_halves_a_tactical_kill_rate():
    """One rifleman against a crowd it cannot run out of: one shot a second, every hit kills,
    so kills in 200 s are Binomial(200, p); with p = 0.6 and p = 0.3 over 10 replications the
    means differ from 120 and 60 by at most 4 standard errors (sqrt(200 p (1-p) / 10))."""
    gun = {"id": "gun", "range": 500, "rate": 1.0, "accuracy": 0.6, "damage": {"soft": 1}}
    types = [soldier(weapons=[gun]), soldier("dummy")]
    blue = [{"id": "rifle", "type": "soldier", "count": 1, "deploy": {"at": [10, 50]},
             "orders": {"kind": "hold"}}]
    red = [{"id": "crowd", "type": "dummy", "count": 600, "deploy": {"area": [60, 10, 90, 90]},
            "orders": {"kind": "hold"}}]
    sc = tactical(types, blue, red, end=200)
    means = []
    for systems in ((), (_Start(0),)):
        kills = [warroom.simulate(sc, seed=4, replication=i, systems=systems)
                 .side_summary()["red"]["lost"] for i in range(10)]
        means.append(np.mean(kills))
    for m, p in zip(means, (0.6, 0.3), strict=True):
        assert abs(m - 200 * p) < 4 * math.sqrt(200 * p * (1 - p) / 10)


# ---- three sides and late sides ----------------------------------------------------------
def _three_sides(third_breaks_at=5.0, third_strength=500, arrives=None):
    forces_c = {"id": "c", "strength": third_strength}
    if arrives is not None:
        forces_c["reinforcements"] = [{"at": arrives, "amount": 500}]
    def engagement(u, v):
        return {"id": u + v, "law": "linear", "solver": "ode",
                "fire": [{"shooter": u, "target": v, "rate": 0.00005},
                         {"shooter": v, "target": u, "rate": 0.00005}]}

    spent = [{"kind": "strength", "below": 0.3}]
    sides = [{"id": "alpha", "forces": [{"id": "a", "strength": 1000}], "breakpoints": spent},
             {"id": "beta", "forces": [{"id": "b", "strength": 800}], "breakpoints": spent},
             {"id": "gamma", "forces": [forces_c],
              "breakpoints": ([{"id": "gamma-quits", "kind": "time", "at": third_breaks_at}]
                              if third_breaks_at is not None else [])}]
    data = {"version": 1, "name": "three", "seed": 1,
            "clock": {"start": 0, "end": 60, "step": 0.5, "unit": "day"},
            "sides": sides,
            "engagements": [engagement("a", "b"), engagement("a", "c"), engagement("b", "c")]}
    return validate(copy.deepcopy(data))


def test_a_side_that_broke_stops_losing_and_the_others_fight_on():
    r = warroom.simulate(_three_sides())
    ts = r.timeseries().to_pandas()
    gamma = ts[ts.force == "c"]
    at_break = gamma[gamma.t == 5.0].lost.iloc[0]
    assert at_break > 0 and (gamma[gamma.t >= 5.0].lost == at_break).all()
    beta_after = ts[(ts.force == "b") & (ts.t > 5.0)].lost
    assert beta_after.iloc[-1] > beta_after.iloc[0]  # alpha and beta fight on
    assert r.winner == "alpha" and r.end_reason == "side_broke"
    assert r.end_time > 5.0
    assert [e.subject for e in r.events if e.kind.name == "side_broke"] == ["gamma", "beta"]


def test_a_side_that_starts_empty_does_not_break_before_it_arrives():
    r = warroom.simulate(_three_sides(third_breaks_at=None, third_strength=0, arrives=10.0))
    broke = {e.subject: e.t for e in r.events if e.kind.name == "side_broke"}
    assert "gamma" not in broke or broke["gamma"] > 10.0
    ts = r.timeseries().to_pandas()
    assert ts[(ts.force == "c") & (ts.t > 10.0)].lost.max() > 0  # it arrived and fought


def _tactical_three(late=False):
    gun = {"id": "gun", "range": 300, "rate": 0.5, "accuracy": 0.2, "damage": {"soft": 1}}
    types = [soldier(weapons=[gun])]
    sides = [{"id": "blue", "forces": [{"id": "b", "type": "soldier", "count": 30,
                                        "deploy": {"area": [10, 10, 40, 40]},
                                        "orders": {"kind": "hold"}}]},
             {"id": "red", "forces": [{"id": "r", "type": "soldier", "count": 20,
                                       "deploy": {"area": [160, 10, 190, 40]},
                                       "orders": {"kind": "hold"}}]},
             {"id": "green", "forces": [{"id": "g", "type": "soldier", "count": 20,
                                         "deploy": {"area": [80, 160, 120, 190]},
                                         "orders": {"kind": "hold"},
                                         **({"arrive": 30.0} if late else {})}],
              "breakpoints": [] if late else [{"id": "green-quits", "kind": "time", "at": 10}]}]
    data = tactical(types, sides[0]["forces"], sides[1]["forces"], size=(40, 40), cell=5.0,
                    end=400).model_dump(
        mode="json", by_alias=True, exclude_none=True)
    data["sides"] = sides
    return validate(data)


def test_a_tactical_side_that_broke_stops_losing():
    r = warroom.simulate(_tactical_three(), seed=2)
    ts = r.timeseries().to_pandas()
    green = ts[ts.force == "g"]
    at_break = green[green.t == 10.0].lost.iloc[0]
    assert (green[green.t >= 10.0].lost == at_break).all()
    assert r.winner == "blue" and r.end_time > 10.0
    assert [e.subject for e in r.events if e.kind.name == "side_broke"][0] == "green"


def test_a_late_tactical_side_does_not_break_before_it_arrives():
    r = warroom.simulate(_tactical_three(late=True), seed=2)
    broke = {e.subject: e.t for e in r.events if e.kind.name == "side_broke"}
    assert broke.get("green", math.inf) > 30.0
    arrived = [e.t for e in r.events if e.kind.name == "reinforcement_arrived"]
    assert arrived and arrived[0] == pytest.approx(30.0)


def test_the_order_queue_takes_items_by_time_priority_then_sequence():
    from warroom.core import Queue

    q: Queue[str] = Queue()
    for t, item, prio in [(2.0, "c", 0), (1.0, "b", 1), (1.0, "a", 0), (1.0, "a2", 0)]:
        q.push(t, item, prio)
    assert q.next_time() == 1.0
    assert q.pop_due(1.0) == ["a", "a2", "b"] and q.pop_due(1.5) == []
    q.push(1.5, "pushed while running")
    assert q.pop_due(5.0) == ["pushed while running", "c"] and q.next_time() == math.inf
    with pytest.raises(ValueError):
        q.push(math.nan, "never")


# ---- changes during a pause: orders and mechanics --------------------------------------
class _CeaseFire:
    """From t = 5 on, every force's fire modifier is 0: nobody hits anyone any more."""

    priority, period = 0, 5.0

    def update(self, t, dt, forces):
        if t >= 5.0:
            forces.modifiers[FIRE] = 0.0


@pytest.mark.parametrize("solver", ["ode", "closed_form", "salvo", "ctmc", "tau_leap"])
def test_a_mechanic_that_stops_all_fire_stops_all_losses(solver):
    sc = _aggregate(solver)
    world, engine = compile_scenario(sc)
    if world.t_end <= 5.0:
        sc = duel(1000, 800, 0.02, 0.03, solver=solver, end=30, step=1.0,
                  **({"engagement": {"law": "salvo"}} if solver == "salvo" else {}))
        world, engine = compile_scenario(sc)
    from warroom.core import Systems, advance_with

    states = []
    for pieces in (1, 3):
        st = engine.reset(world, 1, 0)
        systems = Systems([_CeaseFire()])
        for until in [*np.linspace(world.t0, world.t_end, pieces + 1)[1:-1], math.inf]:
            advance_with(engine, world, st, [], float(until), systems)
        states.append(engine.result(world, st))
    r = states[0]
    ts = r.timeseries().to_pandas()
    after = ts[ts.t >= 5.0].groupby("force").lost
    assert (after.max() == after.min()).all(), "losses went on after the cease-fire"
    assert r.timeseries().equals(states[1].timeseries())


@pytest.mark.parametrize("solver", ["ode", "closed_form", "ctmc", "tau_leap"])
def test_an_order_is_recorded_from_its_time_not_before(solver):
    sc = duel(1000, 800, 0.002, 0.003, solver=solver, end=20, step=1.0)
    world, engine = compile_scenario(sc)
    orders = [(5.5, Order(OrderKind.withdraw, force=0, amount=100.0))]
    r = engine.result(world, run(engine, world, [Scripted(0, orders)], 1, 0))
    ts = r.timeseries().to_pandas()
    x = ts[ts.force == "x"]
    assert (x[x.t < 5.5].withdrawn == 0).all() and x.withdrawn.iloc[-1] == 100.0
    given = [e.t for e in r.events if e.kind.name == "order_given"]
    assert given == [5.5] if solver != "tau_leap" else given == [6.0]  # its next step


def test_a_withdrawal_under_the_closed_form_takes_the_men_out_of_the_fight():
    """Square law: y's losses follow x's numbers, so withdrawing half of x halves them; the
    closed form must agree with the ODE after the order as before it."""
    finals = {}
    for solver in ("ode", "closed_form"):
        sc = duel(1000, 800, 0.002, 0.003, solver=solver, end=3, step=0.5)
        world, engine = compile_scenario(sc)
        orders = [(1.0, Order(OrderKind.withdraw, force=0, amount=500.0))]
        r = engine.result(world, run(engine, world, [Scripted(0, orders)], 1, 0))
        finals[solver] = r.final_ledger()
    for f in ("x", "y"):
        for k in ("lost", "withdrawn", "final"):
            assert finals["closed_form"][f][k] == pytest.approx(finals["ode"][f][k], rel=1e-7)


def test_orders_that_cannot_be_carried_out_are_refused_before_anything_changes():
    from warroom.core import OrderError

    sc = _reserve_battle()
    world, engine = compile_scenario(sc)
    st = engine.reset(world, 1, 0)
    before = st.s.led.copy()
    attack = world.force_ids.index("attack")
    line = world.force_ids.index("line")
    for bad in (Order(OrderKind.withdraw, force=line, amount=-5.0),
                Order(OrderKind.withdraw, force=line, amount=math.inf),
                Order(OrderKind.allocate, force=attack, rule="fixed"),
                Order(OrderKind.allocate, force=attack, rule="fixed", weights={attack: 1.0}),
                Order(OrderKind.allocate, force=attack, rule="sideways"),
                Order(OrderKind.advance, force=line),
                Order(OrderKind.commit, force=99)):
        with pytest.raises(OrderError):
            engine.apply(world, st, bad)
    assert np.array_equal(st.s.led, before) and engine.log(world, st)[0].size == 0
    engine.apply(world, st, Order(OrderKind.withdraw, force=line, amount=10.5))
    assert st.s.led[1, line] == 10.0  # a stochastic battle withdraws whole men


def test_repeated_tactical_orders_reuse_the_travel_cost_fields():
    sc = warroom.load_scenario(RIDGE)
    world, engine = compile_scenario(sc)
    st = engine.reset(world, 22, 0)
    engine.advance(world, st, 10.0)
    for _ in range(5):
        engine.apply(world, st, Order(OrderKind.move, force=0, to=(600.0, 500.0)))
    once = len(st.orders.fields)
    engine.apply(world, st, Order(OrderKind.move, force=0, to=(600.0, 500.0)))
    assert len(st.orders.fields) == once
    from warroom.core import OrderError

    rank = st.orders.rank.copy()
    with pytest.raises(OrderError):
        engine.apply(world, st, Order(OrderKind.target, force=0, priority=("infantry", "ufo")))
    assert np.array_equal(st.orders.rank, rank)  # refused before anything changed


def test_the_deciding_breakpoint_is_the_one_that_ended_the_battle():
    r = warroom.simulate(_three_sides())
    assert r.deciding_breakpoint == "beta-strength-1"  # gamma's time limit came first


def test_a_late_force_does_not_count_in_its_side_strength_before_it_arrives():
    """A side of 20 present and 20 due at t = 50 with a breakpoint below 0.6: with no fire it
    must not break; the reference is what the side has at the start, at both scales."""
    types = [soldier()]
    blue = [{"id": "here", "type": "soldier", "count": 20, "deploy": {"area": [10, 10, 30, 30]},
             "orders": {"kind": "hold"}},
            {"id": "later", "type": "soldier", "count": 20, "arrive": 50.0,
             "deploy": {"area": [10, 10, 30, 30]}, "orders": {"kind": "hold"}}]
    red = [{"id": "r", "type": "soldier", "count": 5, "deploy": {"area": [60, 60, 80, 80]},
            "orders": {"kind": "hold"}}]
    sc = tactical(types, blue, red, end=80,
                  sides=[{"id": "blue", "forces": blue,
                          "breakpoints": [{"kind": "strength", "below": 0.6}]},
                         {"id": "red", "forces": red}])
    r = warroom.simulate(sc)
    assert r.end_reason == "time" and r.winner is None


def test_an_empty_side_with_a_strength_breakpoint_does_not_stall_the_ode():
    """Found by the property test: a side that starts empty, a reinforcement of nothing, and a
    strength breakpoint (a reference of 0: nothing to fall below)."""
    data = {"version": 1, "name": "prop", "seed": 0,
            "clock": {"start": 0, "end": 6, "step": 0.5, "unit": "day"},
            "sides": [{"id": "blue", "forces": [{"id": "b", "strength": 1}]},
                      {"id": "red", "forces": [{"id": "r", "strength": 0, "reinforcements": [
                          {"start": 0, "end": 0.5, "amount": 0}]}],
                       "breakpoints": [{"kind": "strength", "below": 0.2}]}],
            "engagements": [{"id": "e", "law": "square", "solver": "ode",
                             "fire": [{"shooter": "b", "target": "r", "rate": 0},
                                      {"shooter": "r", "target": "b", "rate": 0}]}]}
    r = warroom.simulate(validate(data))
    assert r.winner == "blue" and r.end_time == pytest.approx(0.5)  # red never arrives


class _Watch:
    """A controller that notes whether the garbage collector runs while it decides."""

    side = 0

    def __init__(self, fail: bool = False):
        self.seen: list[bool] = []
        self.fail = fail

    def wake(self, t: float) -> float:
        return t if not self.seen else math.inf

    def decide(self, t, obs):
        import gc

        self.seen.append(gc.isenabled())
        if self.fail:
            raise RuntimeError("a controller that fails")
        return []


def test_the_garbage_collector_waits_while_a_battle_runs_and_comes_back_after():
    import gc

    world, engine = compile_scenario(duel(100, 80, 0.01, 0.01, end=5, step=0.5))
    watch = _Watch()
    assert gc.isenabled()
    run(engine, world, [watch])
    assert watch.seen == [False] and gc.isenabled()
    failing = _Watch(fail=True)
    with pytest.raises(RuntimeError, match="fails"):
        run(engine, world, [failing])
    assert failing.seen == [False] and gc.isenabled()
    gc.disable()  # a caller's own choice stands
    try:
        run(engine, world, [_Watch()])
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Cycle:
    pass


def test_a_cycle_made_while_a_battle_runs_is_collected_as_it_ends():
    import weakref

    world, engine = compile_scenario(duel(100, 80, 0.01, 0.01, end=5, step=0.5))
    made = []

    class Maker(_Watch):
        def decide(self, t, obs):
            self.seen.append(True)
            a, b = _Cycle(), _Cycle()
            a.other, b.other = b, a  # a cycle: reference counting alone never frees it
            made.append(weakref.ref(a))
            self.keep = [[k] for k in range(5000)]  # enough young objects to set it off
            return []

    from warroom.core.collector import collector_held

    maker = Maker()
    with collector_held():  # another thread's battle holds the collector all along
        run(engine, world, [maker])
        del maker
        assert made and made[0]() is None
