"""Civilians at both scales: a side that is a population, not a belligerent. Fire harms it
(aggregate: fire pairs beside the shooter's aimed fire; tactical: blasts that reach it), the
harm is its losses and the `civilians_harmed` fact, it never breaks, never wins and does not
keep a battle going; soldiers who see the harm take the civilian_harm shock; defectors can
protect the civilians; civilians can be evacuated."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest

import warroom
from warroom.scenario import validate
from warroom.scenario.yaml_file import read_yaml
from warroom.simulate import compile_scenario

COLLATERAL = "docs/examples/collateral.yaml"
TOWN = "docs/examples/shelled_town.yaml"


def town_between(a: float, b: float, harm: float, *, people: float = 1e6, end: float = 50.0,
                 **extra) -> dict:
    """Forces fa (side a) and fb (side b) in a square-law duel at rates a and b; fa also
    harms the town's people at `harm` per member per unit time."""
    d = {"version": 1, "name": "town", "seed": 1,
         "clock": {"start": 0, "end": end, "step": 0.5, "unit": "day"},
         "sides": [{"id": "a", "forces": [{"id": "fa", "strength": 100}]},
                   {"id": "b", "forces": [{"id": "fb", "strength": 100}]},
                   {"id": "town", "civilian": True,
                    "forces": [{"id": "people", "strength": people}]}],
         "engagements": [{"id": "e", "law": "square", "fire": [
             {"shooter": "fa", "target": "fb", "rate": a},
             {"shooter": "fb", "target": "fa", "rate": b},
             {"shooter": "fa", "target": "people", "rate": harm}]}]}
    d.update(extra)
    return d


def test_fire_on_civilians_is_harm_beside_the_shooters_aimed_fire():
    # equal square-law forces at rate a: each is 100 exp(-a t); the town loses
    # the integral of k x_a dt = k 100 (1 - exp(-a T)) / a, and the duel is as without it
    a, k, T = 0.01, 0.5, 50.0
    r = warroom.simulate(validate(town_between(a, a, k)))
    led = r.final_ledger()
    assert led["people"]["lost"] == pytest.approx(k * 100 * -math.expm1(-a * T) / a, rel=1e-6)
    assert led["fb"]["lost"] == pytest.approx(100 * -math.expm1(-a * T), rel=1e-6)
    assert r.facts["civilians_harmed"] == led["people"]["lost"]
    assert r.summary()["sides"]["town"]["lost"] == led["people"]["lost"]


def test_civilians_neither_keep_a_battle_going_nor_win_nor_count_as_an_enemy():
    # b is wiped out: the battle ends though the town still stands, and a wins
    d = town_between(0.05, 0.0, 0.1, end=200.0)
    d["sides"][1]["forces"][0]["strength"] = 10
    r = warroom.simulate(validate(d))
    s = r.summary()
    assert s["winner"] == "a" and s["end_reason"] == "side_broke" and r.end_time < 200
    assert r.final_ledger()["people"]["final"] > 0
    # a ratio breakpoint counts belligerent enemies only: 100 against 100 and a town of a
    # million is a ratio of 1, not 1e-4
    d = town_between(0.0, 0.0, 0.0, end=5.0)
    d["sides"][0]["breakpoints"] = [{"kind": "force_ratio", "below": 0.5}]
    assert warroom.simulate(validate(d)).summary()["end_reason"] == "time"
    # and in the two-sided battle of the mc's compiled batch path, the same
    d = town_between(0.05, 0.0, 0.1, end=200.0)
    d["sides"][1]["forces"][0]["strength"] = 10
    d["engagements"][0]["solver"] = "tau_leap"
    assert warroom.simulate(validate(d)).summary()["winner"] == "a"


def test_soldiers_who_see_the_harm_refuse_at_its_rate():
    # nobody fights; fa harms the town at k x_a = 50 a day; fb sees it and refuses at w per
    # civilian harmed: by the last update at t, steady = exp(-w 50 t) of fb (each update
    # sees the harm of the period before and moves members over that period)
    w, T = 0.002, 10.0
    d = town_between(0.0, 0.0, 0.5, end=T)
    d["morale"] = {"period": 0.5, "forces": ["fb"], "transitions": [
        {"id": "refusal", "from": "steady", "to": "refusing"}],
        "shocks": [{"id": "seen", "kind": "civilian_harm", "forces": ["fb"],
                    "hazard": {"refusal": w}}]}
    r = warroom.simulate(validate(d))
    m = r.extra_tables()["morale"].to_pandas()
    t = m.t.max()
    last = m[(m.t == t) & (m.force == "fb")].set_index("state").members
    assert T - 0.5 <= t <= T
    assert last["steady"] == pytest.approx(100 * math.exp(-w * 50 * t), rel=1e-9)
    assert last["refusing"] == pytest.approx(100 * -math.expm1(-w * 50 * t), rel=1e-9)
    # a shock that nobody can see: nobody moves
    d["engagements"][0]["fire"][2]["rate"] = 0.0
    m = warroom.simulate(validate(d)).extra_tables()["morale"].to_pandas()
    assert m[m.state == "refusing"].members.max() == 0


def test_defectors_who_protect_civilians_fire_on_the_harmers_only():
    world, _ = compile_scenario(validate(read_yaml(Path(COLLATERAL))))
    ids = world.force_ids
    mine = world.pair_shooter == ids.index("defenders")
    assert [ids[t] for t in world.pair_target[mine]] == ["guns"]
    r = warroom.simulate(validate(read_yaml(Path(COLLATERAL))))
    led = r.final_ledger()
    assert led["defenders"]["arrived"] > 0 and led["guns"]["lost"] > 0
    assert r.facts["civilians_harmed"] == led["people"]["lost"] > 0
    # without the harm they see, nobody turns, and the town loses more
    d = read_yaml(Path(COLLATERAL))
    d["morale"]["shocks"] = []
    quiet = warroom.simulate(validate(d))
    assert quiet.final_ledger()["defenders"]["arrived"] == 0
    assert quiet.facts["civilians_harmed"] > r.facts["civilians_harmed"]


def tactical(**changes) -> dict:
    d = read_yaml(Path(TOWN))
    for path, value in changes.items():
        node = d
        keys = path.split(".")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[keys[-1]] = value
    return d


def test_only_blasts_harm_civilians_on_the_map_and_the_harm_is_counted():
    r = warroom.simulate(validate(tactical()))
    led = r.final_ledger()
    assert led["people"]["lost"] > 0
    assert r.facts["civilians_harmed"] == led["people"]["lost"]
    # aimed rifles never pick a civilian: without the shells nobody in the town is harmed
    d = tactical()
    d["sides"][0]["forces"] = [f for f in d["sides"][0]["forces"] if f["id"] != "guns"]
    d["morale"]["forces"] = ["line"]
    quiet = warroom.simulate(validate(d))
    assert quiet.final_ledger()["people"]["lost"] == 0 == quiet.facts["civilians_harmed"]
    assert quiet.final_ledger()["fighters"]["lost"] > 0  # the fight itself went on


def test_evacuees_who_get_away_are_withdrawn_not_harmed():
    d = tactical()
    people = d["sides"][2]["forces"][0]
    people["orders"] = {"kind": "withdraw", "route": [[230, 120], [239, 120]], "leave": True}
    r = warroom.simulate(validate(d))
    led = r.final_ledger()["people"]
    assert led["withdrawn"] > 0
    assert led["withdrawn"] + led["lost"] + led["final"] == led["initial"]
    assert r.facts["civilians_harmed"] == led["lost"]
    assert led["lost"] < warroom.simulate(validate(tactical())).final_ledger()["people"]["lost"]


def test_soldiers_who_see_the_harm_within_the_radius_are_the_ones_who_turn():
    from warroom.core import run
    from warroom.simulate import mechanics

    def turned(radius: float | None):
        d = tactical()
        if radius is None:
            d["morale"]["shocks"][0].pop("radius")
        else:
            d["morale"]["shocks"][0]["radius"] = radius
        world, engine = compile_scenario(validate(d))
        own = mechanics(world, world.seed, 0)
        state = run(engine, world, (), world.seed, 0, systems=own)
        return world, state, own

    world, state, own = turned(1.0)  # closer than any soldier stands to the town
    assert own[0].facts()["cascade_size"] == 0
    world, state, own = turned(None)  # all harm is seen
    everyone = own[0].facts()["cascade_size"]
    world, state, own = turned(60.0)
    near = own[0].facts()["cascade_size"]
    assert 0 < near < everyone
    line = world.force_ids.index("line")
    x = world.raster.extent[0]
    assert x > 0 and line >= 0


BAD = [
    ("aggregate", ("sides", 2, "breakpoints"), [{"kind": "strength", "below": 0.5}],
     "sides[2].breakpoints", "never breaks"),
    ("aggregate", ("engagements", 0, "fire", 3, "shooter"), "people",
     "engagements[0].fire[3].shooter", "civilians do not fire"),
    ("aggregate", ("morale", "defection", 0, "new_side"), None, "morale.defection[0]", None),
    ("aggregate", ("morale", "shocks", 0, "kind"), "revelation", "morale.shocks[0]",
     "happens at a time"),
    ("aggregate", ("morale", "shocks", 0, "radius"), 5, "morale.shocks[0].radius",
     "needs entities on a map"),
    ("aggregate", ("morale", "leaders"), {"gunz": 3}, "morale.leaders.gunz",
     "unknown force 'gunz'"),
    ("aggregate", ("morale", "network", "channels"), {"radio": ["guns", "infantri"]},
     "morale.network.channels.radio[1]", "unknown force 'infantri'"),
    ("tactical", ("morale", "leaders"), {"line": 3}, "morale.leaders.line",
     "officer or commander"),
    ("tactical", ("sides", 2, "breakpoints"), [{"kind": "strength", "below": 0.5}],
     "sides[2].breakpoints", "never breaks"),
]


@pytest.mark.parametrize(("scale", "where", "value", "path", "needle"), BAD)
def test_bad_civilian_entries_get_one_located_message_and_exit_2(tmp_path, scale, where,
                                                                 value, path, needle):
    from helpers import refused, set_at

    d = read_yaml(Path(COLLATERAL if scale == "aggregate" else TOWN))
    if value is None:  # defectors sent to join the town
        entry = d["morale"]["defection"][0]
        entry.pop("new_side")
        entry["join"] = "town"
        needle = "is civilian"
    else:
        set_at(d, where, value)
    refused(tmp_path, d, path, needle)


def test_salvo_fire_on_civilians_is_refused():
    from warroom.errors import ScenarioError

    d = copy.deepcopy(read_yaml(Path("scenarios/missile_fleets.yaml")))
    first = d["sides"][0]["forces"][0]["id"]
    d["sides"].append({"id": "port", "civilian": True,
                       "forces": [{"id": "dockers", "strength": 100}]})
    d["engagements"][0]["fire"] = [{"shooter": first, "target": "dockers"}]
    with pytest.raises(ScenarioError, match="salvo fire is aimed at fleets"):
        validate(d)


def test_the_mc_reports_the_harm_the_same_on_both_paths(tmp_path):
    import pyarrow.parquet as pq

    from helpers import invoke

    d = town_between(0.01, 0.01, 0.05, end=20.0, people=5000)
    d["engagements"][0]["solver"] = "tau_leap"
    from ruamel.yaml import YAML

    f = tmp_path / "town.yaml"
    YAML().dump(d, f)
    r = invoke("mc", f, "-n", "4", "--out", tmp_path / "mc")
    assert r.exit_code == 0, r.output
    t = pq.read_table(tmp_path / "mc" / "replications.parquet").to_pandas()
    assert np.array_equal(t.civilians_harmed, t.lost_town)
    one = warroom.simulate(validate(d), seed=int(t.seed[0]), replication=int(t.replication[1]))
    assert one.facts["civilians_harmed"] == t.civilians_harmed[1]
