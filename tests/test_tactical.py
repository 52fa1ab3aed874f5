"""The tactical engine: line of sight, terrain, mobility kills, determinism, the bundled
scenario, the run folder, the peers' model, and bad input."""

import math
import sys
from pathlib import Path

import numba
import numpy as np
import pyarrow.parquet as pq
import pytest

import warroom
from helpers import invoke
from tactical_helpers import final_alive, run_dry, scenario, soldier
from warroom.scenario import validate
from warroom.tactical.engine import Battle
from warroom.tactical.world import compile_tactical
from warroom.terrain.los import visible

PEERS = Path(__file__).resolve().parents[2] / "shared/peers"
RIDGE = Path("scenarios/ridge_road.yaml")


# ---- line of sight on hand-made maps ---------------------------------------------------------
def test_a_ridge_blocks_the_line_of_sight():
    elev = np.zeros((1, 20))
    elev[0, 10] = 30.0  # a ridge 30 m high across the middle, cells of 10 m
    assert not visible(elev, 10.0, 15.0, 5.0, 2.0, 185.0, 5.0, 2.0)
    assert visible(elev, 10.0, 15.0, 5.0, 2.0, 85.0, 5.0, 2.0)  # both on the near side
    assert visible(elev, 10.0, 15.0, 5.0, 100.0, 185.0, 5.0, 2.0)  # a drone sees over it
    assert visible(np.zeros((1, 20)), 10.0, 15.0, 5.0, 2.0, 185.0, 5.0, 2.0)  # no ridge


def test_a_canyon_hides_what_is_in_it():
    elev = np.zeros((1, 30))
    elev[0, 20:23] = -25.0  # a canyon 30 m wide and 25 m deep
    floor = 215.0
    assert not visible(elev, 10.0, 15.0, 5.0, 2.0, floor, 5.0, 2.0)  # from across the plain
    assert visible(elev, 10.0, 205.0, 5.0, 2.0, floor, 5.0, 2.0)  # from the rim, looking down
    assert visible(elev, 10.0, 15.0, 5.0, 400.0, floor, 5.0, 2.0)  # from high above


def _ridge_duel(ridge: bool):
    gun = {"id": "rifle", "range": 1000, "rate": 0.5, "accuracy": 0.5, "damage": {"soft": 1}}
    rows = [[0.0] * 20 for _ in range(4)]
    if ridge:
        for r in rows:
            r[10] = 40.0
    types = [soldier(weapons=[gun])]
    blue = [{"id": "b", "type": "soldier", "count": 10, "deploy": {"area": [0, 0, 30, 40]},
             "orders": {"kind": "hold"}}]
    red = [{"id": "r", "type": "soldier", "count": 10, "deploy": {"area": [170, 0, 200, 40]},
            "orders": {"kind": "hold"}}]
    sc = scenario(types, blue, red, size=(20, 4), cell=10.0,
                  map={"cell": 10.0, "elevation": {"rows": rows}})
    return final_alive(sc, 3, ticks=30)[0]


def test_no_fire_crosses_a_ridge_that_blocks_sight():
    assert _ridge_duel(ridge=True).tolist() == [10, 10]
    assert _ridge_duel(ridge=False).sum() < 20


# ---- terrain changes outcomes in the expected direction --------------------------------------
def _assault(ground: str, reps: int = 24):
    """Riflemen cross 200 m of `ground` towards defenders with longer-ranged weapons."""
    far = {"id": "long", "range": 200, "rate": 0.05, "accuracy": 0.2, "damage": {"soft": 1}}
    near = {"id": "short", "range": 40, "rate": 0.3, "accuracy": 0.3, "damage": {"soft": 1}}
    types = [soldier("attacker", weapons=[near], speed=2.0, sensor={"range": 1000,
                                                                    "detect": 0.5}),
             soldier("defender", weapons=[far], sensor={"range": 1000})]
    classes = [{"id": "mud", "cost": {"foot": 3.0}}]
    features = [{"terrain": ground, "area": [30, 0, 230, 60]}]
    blue = [{"id": "b", "type": "attacker", "count": 30, "deploy": {"area": [0, 0, 25, 60]},
             "orders": {"kind": "advance", "to": [250, 30]}}]
    red = [{"id": "r", "type": "defender", "count": 15, "deploy": {"area": [238, 5, 258, 55]},
            "orders": {"kind": "hold"}}]
    sc = scenario(types, blue, red, size=(52, 12), cell=5.0, end=400,
                  map={"cell": 5.0, "width": 52, "height": 12, "features": features},
                  terrain_classes=classes)
    out = np.array([final_alive(sc, 11, rep)[0] for rep in range(reps)], float)
    return out.mean(axis=0), out.std(axis=0, ddof=1) / math.sqrt(reps)


def test_slow_ground_costs_the_attacker_more():
    # foot soldiers cross mud at a third of their speed: longer under the defenders' fire
    mean_dune, se_dune = _assault("mud")
    mean_open, se_o = _assault("open")
    assert mean_dune[0] < mean_open[0] - 3 * math.hypot(se_dune[0], se_o[0])


def _firefight(conceal: bool, reps: int = 24):
    """Two lines of 20 riflemen 150 m apart exchange fire for 60 s; blue's scouts are poor
    (detection 0.05 per enemy per second), red sees everything."""
    gun = {"id": "rifle", "range": 300, "rate": 0.1, "accuracy": 0.2, "damage": {"soft": 1}}
    types = [soldier("scout", weapons=[gun], sensor={"range": 1000, "detect": 0.05}),
             soldier("sentry", weapons=[gun])]
    features = [{"terrain": "thicket", "area": [170, 0, 200, 60]}] if conceal else []
    blue = [{"id": "b", "type": "scout", "count": 20, "deploy": {"area": [0, 0, 30, 60]},
             "orders": {"kind": "hold"}}]
    red = [{"id": "r", "type": "sentry", "count": 20, "deploy": {"area": [172, 2, 198, 58]},
            "orders": {"kind": "hold"}}]
    sc = scenario(types, blue, red, size=(40, 12), cell=5.0, end=60,
                  map={"cell": 5.0, "width": 40, "height": 12, "features": features},
                  terrain_classes=[{"id": "thicket", "concealment": 0.8}])
    out = np.array([final_alive(sc, 5, rep)[0] for rep in range(reps)], float)
    return out.mean(axis=0), out.std(axis=0, ddof=1) / math.sqrt(reps)


def test_concealment_protects_the_defenders():
    # blue sees a red rifleman with p = 0.05 per second in the open, 0.05 * (1 - 0.8) in the
    # thicket: with 20 of them it has someone to shoot at 64% of the time, against 18%
    mean_hidden, se_h = _firefight(conceal=True)
    mean_seen, se_s = _firefight(conceal=False)
    assert mean_hidden[1] > mean_seen[1] + 3 * math.hypot(se_h[1], se_s[1])


# ---- the bundled scenario: priorities, mobility kills, determinism ---------------------------
def test_ridge_road_run_folder_with_mobility_kills(tmp_path):
    r = invoke("run", RIDGE, "--out", tmp_path / "run")
    assert r.exit_code == 0, r.output
    run = tmp_path / "run"
    for f in ("timeseries", "events", "by_type", "kills", "snapshots"):
        assert (run / f"{f}.parquet").exists()
    snaps = pq.read_table(run / "snapshots.parquet").to_pandas()
    events = pq.read_table(run / "events.parquet").to_pandas()
    assert (events["kind"] == "mobility_kills").any()
    stuck = snaps[snaps["status"] % 2 == 0]  # immobilised (2, or 4 when also suppressed)
    assert len(stuck)
    for ent, rows in stuck.groupby("entity"):
        first = rows["t"].min()
        later = snaps[(snaps["entity"] == ent) & (snaps["t"] >= first)]
        assert later["x"].nunique() == 1 and later["y"].nunique() == 1, ent
    kills = pq.read_table(run / "kills.parquet").to_pandas()
    # the missile teams' priority is hover tanks: every tank killed by them is a tank
    at = kills[kills["shooter_type"] == "at-team"]
    assert at.set_index("target_type")["kills"].get("hover-tank", 0) > 0
    html = (run / "report.html").read_text()
    assert "ridge-road" in html and "data:image/png;base64" in html


def test_same_seed_same_battle_whatever_the_number_of_threads():
    sc = warroom.load_scenario(RIDGE)
    runs = []
    for threads in (1, 2):
        numba.set_num_threads(threads)
        try:
            eng = Battle(compile_tactical(sc), record=False)
            eng.run()
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        runs.append(eng)
    a, b = runs
    assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
    assert np.array_equal(a.hp, b.hp) and np.array_equal(a.kills, b.kills)
    other = Battle(compile_tactical(sc, seed=23), record=False)
    other.run()
    assert not np.array_equal(a.hp, other.hp)


# ---- the peers' model -----------------------------------------------------------------------
@pytest.mark.skipif(not (PEERS / "numpy_combat.py").exists(),
                    reason=f"{PEERS} not found: ../shared/peers absent")
def test_front_model_matches_the_numpy_reference():
    """Same rules, so the same survivors within sampling error: 8 seeds each at N = 10,000, 20
    steps; the means per side must agree within 4 standard errors of their difference."""
    sys.path.insert(0, str(PEERS))
    try:
        import numpy_combat
    finally:
        sys.path.remove(str(PEERS))
    from warroom.tactical.front import front_scenario

    ours, ref = [], []
    for s in range(8):
        world = compile_tactical(validate(front_scenario(10_000, seed=100 + s)))
        eng = Battle(world, record=False)
        eng.run(20)
        ours.append(np.bincount(world.ent_side[eng.alive], minlength=2))
        ref.append(numpy_combat.run(10_000, 20, 100 + s)[2])
    ours, ref = np.array(ours, float), np.array(ref, float)
    se = np.sqrt(ours.var(axis=0, ddof=1) / 8 + ref.var(axis=0, ddof=1) / 8)
    assert (np.abs(ours.mean(axis=0) - ref.mean(axis=0)) < 4 * se).all()
    assert 4300 < ours.mean() < 4700  # the README's "about 4,480 per side left"


# ---- bad input ------------------------------------------------------------------------------
BAD = [
    ("deploy: {area: [0, 0, 40, 100]}", "deploy: {area: [0, 0, 4000, 100]}",
     "is off the map"),
    ("type: soldier, count: 5", "type: soldiers, count: 5", "unknown entity type 'soldiers'"),
    ("role: infantry", "role: infantri", "unknown role 'infantri'"),
    ("range: 100", "range: -100", "expected greater than 0, found -100"),
    ("elevation: {flat: 0}", "elevation: {file: nowhere.npy}", "does not exist"),
    ("deploy: {area: [0, 0, 40, 100]}}", "deploy: {area: [0, 0, 40, 100]}, "
     "orders: {kind: hold, leave: true}}", "`leave` ends a withdrawal route; orders 'hold'"),
]

BASE = """version: 1
scale: tactical
name: bad
clock: {end: 10, step: 1, unit: second}
map:
  cell: 10
  width: 20
  height: 10
  elevation: {flat: 0}
entity_types:
  - id: soldier
    role: infantry
    speed: 1
    weapons:
      - {id: gun, range: 100, rate: 1, accuracy: 0.5, damage: {soft: 1}}
sides:
  - id: blue
    forces:
      - {id: b, type: soldier, count: 5, deploy: {area: [0, 0, 40, 100]}}
  - id: red
    forces:
      - {id: r, type: soldier, count: 5, deploy: {area: [150, 0, 190, 100]}}
"""


@pytest.mark.parametrize("old,new,needle", BAD, ids=["off-map", "type", "role", "range",
                                                     "map-file", "leave"])
def test_bad_tactical_input_gets_one_clear_message(tmp_path, old, new, needle):
    assert old in BASE
    p = tmp_path / "bad.yaml"
    p.write_text(BASE.replace(old, new, 1))
    r = invoke("check", p)
    assert r.exit_code == 2, r.output
    assert needle in r.output and "bad.yaml:" in r.output


def test_a_map_file_of_the_wrong_shape_is_refused(tmp_path):
    np.save(tmp_path / "hills.npy", np.zeros((7, 3)))
    p = tmp_path / "bad.yaml"
    p.write_text(BASE.replace("elevation: {flat: 0}", "elevation: {file: hills.npy}"))
    r = invoke("check", p)
    assert r.exit_code == 2
    assert "expected 10 rows x 20 columns (map height x width), found 7 x 3" in r.output
    np.save(tmp_path / "hills.npy", np.zeros((10, 20)))
    assert invoke("check", p).exit_code == 0


def test_the_good_base_runs(tmp_path):
    p = tmp_path / "ok.yaml"
    p.write_text(BASE)
    r = invoke("run", p, "--out", tmp_path / "run")
    assert r.exit_code == 0, r.output


# ---- orders and movement ---------------------------------------------------------------------
def test_orders_move_to_an_area_withdraw_along_a_route_and_go_round_water():
    types = [soldier("walker", speed=2.0, sensor={"range": 1.0}),
             soldier("jeep", speed=5.0, mobility="wheeled", sensor={"range": 1.0})]
    blue = [{"id": "movers", "type": "walker", "count": 20, "deploy": {"area": [0, 0, 20, 20]},
             "orders": {"kind": "move", "area": [150, 150, 190, 190]}},
            {"id": "runners", "type": "walker", "count": 5, "deploy": {"at": [100, 10]},
             "orders": {"kind": "withdraw", "route": [[60, 60], [10, 190]]}},
            {"id": "jeeps", "type": "jeep", "count": 5, "deploy": {"at": [10, 100]},
             "orders": {"kind": "move", "to": [190, 100]}}]
    red = [{"id": "far", "type": "walker", "count": 1, "deploy": {"at": [195, 5]},
            "orders": {"kind": "hold"}}]
    # a lake across the straight roads of the movers (a diagonal) and the jeeps (west to east)
    sc = scenario(types, blue, red, size=(40, 40), cell=5.0, end=200,
                  map={"cell": 5.0, "width": 40, "height": 40,
                       "features": [{"terrain": "water", "area": [80, 60, 120, 120]}]})
    eng = Battle(compile_tactical(sc, 2), 2, record=False)
    w = eng.w
    run_dry(eng)
    movers = w.ent_force == w.force_ids.index("movers")
    assert ((eng.x[movers] >= 150) & (eng.x[movers] <= 190) & (eng.y[movers] >= 150)
            & (eng.y[movers] <= 190)).all()
    runners = w.ent_force == w.force_ids.index("runners")
    np.testing.assert_allclose(eng.x[runners], 10.0)
    np.testing.assert_allclose(eng.y[runners], 190.0)
    jeeps = w.ent_force == w.force_ids.index("jeeps")
    np.testing.assert_allclose(eng.x[jeeps], 190.0)  # round the lake, not stuck at its shore
    np.testing.assert_allclose(eng.y[jeeps], 100.0)


def test_a_withdrawal_that_leaves_the_field_counts_as_withdrawn_not_lost():
    gun = {"id": "gun", "range": 60, "rate": 0.5, "accuracy": 0.3, "damage": {"soft": 1}}
    types = [soldier(speed=2.0, weapons=[gun])]
    blue = [{"id": "rearguard", "type": "soldier", "count": 10,
             "deploy": {"area": [80, 40, 100, 60]},
             "orders": {"kind": "withdraw", "route": [[0, 50]], "leave": True}}]
    red = [{"id": "pursuit", "type": "soldier", "count": 10,
            "deploy": {"area": [120, 40, 140, 60]}, "orders": {"kind": "advance"}}]
    sc = scenario(types, blue, red, size=(40, 20), cell=5.0, end=200)
    res = warroom.simulate(sc, seed=3)
    led = res.final_ledger()["rearguard"]
    assert led["withdrawn"] > 0 and led["final"] == 0
    assert led["initial"] - led["withdrawn"] - led["lost"] == led["final"]
    # every one of them either fell or got away, and the pursuit never hit a man who had left
    events = [e for e in res.events if e.kind.name == "withdrawal"]
    assert sum(e.value for e in events) == led["withdrawn"]
    ts = res.timeseries().to_pandas()
    last = ts[ts.force == "rearguard"].iloc[-1]
    assert (last.withdrawn, last.lost, last.strength) == (led["withdrawn"], led["lost"], 0)
    assert res.winner == "red" and res.deciding_breakpoint == "no strength left"


def test_an_advance_goes_round_a_lake_to_reach_the_enemy():
    knife = {"id": "knife", "range": 5, "rate": 1, "accuracy": 1, "damage": {"soft": 1}}
    types = [soldier("walker", speed=2.0, weapons=[knife]), soldier("sentry")]
    blue = [{"id": "raiders", "type": "walker", "count": 5, "deploy": {"area": [5, 90, 15, 110]},
             "orders": {"kind": "advance"}}]
    red = [{"id": "guard", "type": "sentry", "count": 1, "deploy": {"at": [190, 100]},
            "orders": {"kind": "hold"}}]
    # the lake stands across the straight line from the raiders to the guard
    sc = scenario(types, blue, red, size=(40, 40), cell=5.0, end=400,
                  map={"cell": 5.0, "width": 40, "height": 40,
                       "features": [{"terrain": "water", "area": [80, 40, 120, 160]}]})
    eng = Battle(compile_tactical(sc, 2), 2, record=False)
    run_dry(eng)
    # the shortest way round is about 300 m; at 2 m/s the knife reaches the guard in minutes
    assert eng.w.side_ids[eng.winner] == "blue" and eng.t < 300
    assert eng.alive[eng.w.ent_side == 0].all()


def test_the_high_ground_helps_the_shooter():
    from warroom.terrain.los import height_factor

    elev = np.array([[30.0, 20.0, 0.0]])  # cells of 10 m: a hill falling to the plain
    assert height_factor(elev, 10.0, 0.2, 5.0, 5.0, 25.0, 5.0) == pytest.approx(1.2)  # +30 m
    assert height_factor(elev, 10.0, 0.2, 15.0, 5.0, 25.0, 5.0) == pytest.approx(1.2)  # +20 m
    assert height_factor(elev, 10.0, 0.2, 5.0, 5.0, 15.0, 5.0) == pytest.approx(1.1)  # +10 m
    assert height_factor(elev, 10.0, 0.2, 25.0, 5.0, 5.0, 5.0) == 1.0  # firing uphill


def test_a_force_that_arrives_later_joins_the_battle_then():
    gun = {"id": "rifle", "range": 1000, "rate": 0.05, "accuracy": 0.5, "damage": {"soft": 1}}
    types = [soldier(weapons=[gun])]
    blue = [{"id": "b", "type": "soldier", "count": 10, "deploy": {"area": [0, 0, 20, 100]},
             "orders": {"kind": "hold"}},
            {"id": "b-relief", "type": "soldier", "count": 30, "arrive": 40,
             "deploy": {"area": [0, 0, 20, 100]}, "orders": {"kind": "hold"}}]
    red = [{"id": "r", "type": "soldier", "count": 25, "deploy": {"area": [80, 0, 100, 100]},
            "orders": {"kind": "hold"}}]
    sc = scenario(types, blue, red, end=120)
    res = warroom.simulate(sc, seed=4)
    ts = res.timeseries().to_pandas()
    relief = ts[ts.force == "b-relief"]
    assert (relief[relief.t < 40].strength == 0).all()  # not there, and nobody can hit it
    assert relief[relief.t == 41].strength.iloc[0] > 0 and relief.arrived.max() == 30
    led = res.final_ledger()["b-relief"]
    assert led["initial"] == 0 and led["arrived"] == 30
    assert led["initial"] + led["arrived"] - led["lost"] == led["final"]
    ev = res.events_table().to_pandas()
    assert ((ev.kind == "reinforcement_arrived") & (ev.t == 40)).any()
    # without the relief, red wins; with it, blue does
    alone = warroom.simulate(scenario(types, blue[:1], red, end=120), seed=4)
    assert alone.winner == "red" and res.winner == "blue"
