"""Beliefs and the observation's wall: a controller sees its side's picture, never the battle
(checked by type, at both scales), a picture built from reports is older than the truth, and
decoys are believed until exposed."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from campaign_helpers import campaign
from helpers import duel
from tactical_helpers import scenario, soldier
from warroom.core import Observation, Order, OrderKind, run
from warroom.core.testing import check_observation
from warroom.scenario import load_scenario, validate
from warroom.simulate import command_for, compile_scenario

WAR = Path(__file__).resolve().parents[1] / "scenarios" / "crumbled_dreams.yaml"

NET = [{"side": "blue", "headquarters": "hq", "nodes": [{"id": "hq", "kind": "headquarters"}],
        "links": [{"between": ["x", "hq"], "latency": 0.5}], "reports": {"every": 0.25}}]


def far_apart(command=None):
    """Blue sees 600 m; red stands 900 m away, then one red force comes within sight."""
    types = [soldier(sensor={"range": 600.0}, weapons=[
        {"id": "gun", "range": 50, "rate": 1, "accuracy": 0.5, "damage": {"soft": 1}}])]
    blue = [{"id": "x", "type": "soldier", "count": 5, "deploy": {"at": [50, 50], "radius": 5}}]
    red = [{"id": "far", "type": "soldier", "count": 5,
            "deploy": {"at": [950, 50], "radius": 5}},
           {"id": "near", "type": "soldier", "count": 5, "arrive": 10,
            "deploy": {"at": [450, 50], "radius": 5}}]
    extra = {"command": command} if command else {}
    return scenario(types, blue, red, size=(100, 10), cell=10.0, end=30, **extra)


@pytest.mark.parametrize("make", [
    lambda: duel(100, 80, 0.01, 0.01, end=5, step=0.5),
    lambda: duel(100, 80, 0.01, 0.01, end=5, step=0.5, command=NET),
    lambda: far_apart(),
    lambda: far_apart([{"side": "blue", "headquarters": "hq",
                        "nodes": [{"id": "hq", "kind": "headquarters"}],
                        "links": [{"between": ["x", "hq"], "latency": 2.0}],
                        "reports": {"every": 1.0}}]),
    lambda: validate(campaign(), "<campaign>"),
    lambda: load_scenario(WAR),
], ids=["aggregate", "aggregate-command", "tactical", "tactical-command", "campaign",
        "campaign-command"])
def test_no_observation_leads_back_to_the_battle(make):
    sc = make()
    world, engine = compile_scenario(sc)
    check_observation(engine, world, command=command_for(world, world.seed, 0))


class Spy:
    """A controller that tries every way it has to find where red is."""

    side = 0

    def __init__(self):
        self.found: list[float] = []

    def wake(self, t: float) -> float:
        return math.floor(t) + 1.0 if t > 0 else 0.0

    def decide(self, t: float, obs: Observation) -> list[Order]:
        with pytest.raises(AttributeError):
            obs.__dict__  # noqa: B018  (slots: no back door)
        self.found += obs.picture.x.tolist()
        for v in obs.extra.values():
            self.found += np.asarray(v, float).ravel().tolist()
        return []


def test_a_controller_cannot_find_enemies_its_side_has_not_seen():
    world, engine = compile_scenario(far_apart())
    spy = Spy()
    run(engine, world, [spy], world.seed, 0, until=8.0)
    assert spy.found == []  # red is out of sight until 'near' arrives at t = 10
    spy = Spy()
    run(engine, world, [spy], world.seed, 0, until=12.0)
    assert spy.found and all(400 < x < 500 for x in spy.found)  # only 'near', never 'far'


def test_a_reported_picture_is_the_truth_some_time_ago():
    """With 2 s of latency to headquarters, blue's picture of 'near' appears 2 s after its
    sensors first see it (in the tick after it arrives at t = 10, which ends at 11), and its
    rows are that old."""
    sc = far_apart([{"side": "blue", "headquarters": "hq",
                     "nodes": [{"id": "hq", "kind": "headquarters"}],
                     "links": [{"between": ["x", "hq"], "latency": 2.0}],
                     "reports": {"every": 1.0}}])
    world, engine = compile_scenario(sc)

    class Watch(Spy):
        def decide(self, t, obs):
            if len(obs.picture):
                self.found.append((t, float(obs.picture.t.max()), float(obs.picture.sigma.max())))
            return []

    w = Watch()
    run(engine, world, [w], world.seed, 0, until=20.0, command=command_for(world, 0, 0))
    first_t, seen_at, _ = w.found[0]
    assert seen_at == 11.0 and first_t == 13.0
    assert all(t - s >= 2.0 for t, s, _ in w.found)
    assert all(sig == 0.0 for _, _, sig in w.found)  # they stand still: no doubt grows


def test_orders_through_a_network_take_its_latency_and_show_their_age():
    sc = duel(100, 80, 0.0, 0.0, end=10, step=0.5, command=[
        {"side": "blue", "headquarters": "hq", "nodes": [{"id": "hq", "kind": "headquarters"}],
         "links": [{"between": ["x", "hq"], "latency": 1.5}]}])
    world, engine = compile_scenario(sc)

    class Give:
        side = 0

        def __init__(self):
            self.ages = []

        def wake(self, t):
            return 1.0 if t <= 1.0 else (5.0 if t <= 5.0 else math.inf)

        def decide(self, t, obs):
            self.ages.append((t, float(obs.order_t[0])))
            return [Order(OrderKind.hold_back, force=0)] if t == 1.0 else []

    g = Give()
    state = run(engine, world, [g], world.seed, 0, command=command_for(world, 0, 0))
    ev = engine.result(world, state).events
    given = [e.t for e in ev if e.kind.name == "order_given"]
    assert given == [2.5]
    assert math.isnan(g.ages[0][1]) and g.ages[1] == (5.0, 1.0)  # issued at 1, known at 5


@pytest.mark.parametrize("leak", ["view", "object"])
def test_the_wall_check_catches_an_engine_that_leaks(monkeypatch, leak):
    from dataclasses import replace

    from warroom.tactical.engine import TacticalEngine

    honest = TacticalEngine.observe

    def leaky(self, world, state, side):
        obs = honest(self, world, state, side)
        extra = {"x": state.x[:3]} if leak == "view" else {"state": state}
        return replace(obs, extra=extra)

    monkeypatch.setattr(TacticalEngine, "observe", leaky)
    world, engine = compile_scenario(far_apart())
    with pytest.raises(AssertionError, match="shares memory|holds a"):
        check_observation(engine, world)


def decoy_scenario(discriminates=False):
    """Blue's riflemen advance on three holograms 300 m away and fire on them until they
    come within 80 m of them and see through; red's one real soldier hides far off."""
    rifle = {"id": "rifle", "range": 400, "rate": 1, "accuracy": 0.5, "damage": {"soft": 1}}
    types = [soldier("rifleman", speed=5.0, weapons=[rifle],
                     sensor={"range": 500.0, "discriminates": discriminates}),
             soldier("hologram", decoy={"exposed_within": 80.0}),
             soldier("hider", sensor={"range": 10.0})]
    blue = [{"id": "riflemen", "type": "rifleman", "count": 4,
             "deploy": {"at": [50, 50], "radius": 2},
             "orders": {"kind": "move", "to": [350, 50], "halt_to_fire": False}}]
    red = [{"id": "ghosts", "type": "hologram", "count": 3,
            "deploy": {"at": [350, 50], "radius": 5}},
           {"id": "real", "type": "hider", "count": 1, "deploy": {"at": [1900, 90]}}]
    return scenario(types, blue, red, size=(200, 10), cell=10.0, end=90)


def test_a_force_shown_only_decoys_fires_on_them_until_it_sees_through():
    from warroom.simulate import simulate

    r = simulate(decoy_scenario())
    exposed = [e.t for e in r.events if e.kind.name == "decoys_exposed"]
    shots = [(e.t, e.value) for e in r.events if e.kind.name == "shots_at_decoys"]
    assert exposed, "the riflemen never saw through the holograms"
    before = sum(v for t, v in shots if t < exposed[-1])
    after = sum(v for t, v in shots if t > exposed[-1])
    # they walk 5 m/s from 300 m to 80 m: about 44 s of four riflemen firing
    assert before >= 4 * 30 and after == 0
    led = r.final_ledger()
    assert led["ghosts"]["lost"] == 0 and led["ghosts"]["final"] == 0  # no strength, no harm
    assert r.winner is None  # decoys kept nobody in the field, the hider did


def test_a_sensor_that_discriminates_is_not_fooled():
    from warroom.simulate import simulate

    r = simulate(decoy_scenario(discriminates=True))
    assert not [e for e in r.events if e.kind.name == "shots_at_decoys"]
    assert [e for e in r.events if e.kind.name == "decoys_exposed"][0].t == 0.0


def test_advancing_in_pieces_with_a_command_network_changes_nothing():
    """The raid scenario with drawn latencies everywhere, in one advance and in five pieces
    (the same controllers, systems and command layer throughout): the same battle."""
    from pathlib import Path

    from warroom.core import Systems, advance_with
    from warroom.scenario import validate
    from warroom.scenario.load import plain
    from warroom.scenario.yaml_file import read_yaml
    from warroom.world.doctrine import controllers

    d = plain(read_yaml(Path("scenarios/raid_relief.yaml")))
    for link in d["command"][0]["links"]:
        link["latency"] = {"exponential": 0.05}
    world, engine = compile_scenario(validate(d))

    def battle(cuts):
        st = engine.reset(world, 5, 0)
        cmd, ctl, sy = command_for(world, 5, 0), controllers(world.doctrine), Systems(())
        for until in [*cuts, math.inf]:
            advance_with(engine, world, st, ctl, until, sy, cmd)
        return [a.copy() for a in engine.log(world, st)], cmd.record.count.copy()

    one, pieces = battle([]), battle([3.3, 7.1, 12.9, 20.05])
    for a, b in zip(one[0], pieces[0], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(one[1], pieces[1])
