"""Morale at the tactical scale: entities one by one under the one rule of
`warroom.morale.rule`, defection that moves entities between forces and sides without losing
anyone from the books, what the states do on the map (routing members flee, refusing members
hold and fire less), the section's errors, and the cross-scale check: in a well-mixed force
the members' mean converges on the aggregate scale's compartments as 1/sqrt(N)."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import warroom
from warroom.core import Systems, advance_with, run
from warroom.core.codes import FLEE, HOLD
from warroom.core.testing import check_engine
from warroom.morale.rule import REFUSING, ROUTING
from warroom.scenario import validate
from warroom.scenario.yaml_file import read_yaml
from warroom.simulate import battle, compile_scenario, mechanics

EXAMPLE = "docs/examples/tactical_mutiny.yaml"


def example() -> dict:
    return read_yaml(Path(EXAMPLE))


def play(d: dict, seed: int | None = None, replication: int = 0):
    """The compiled world, the final state and its result, with the declared mechanics."""
    world, engine = compile_scenario(validate(copy.deepcopy(d)))
    seed = world.seed if seed is None else seed
    own = mechanics(world, seed, replication)
    state = run(engine, world, (), seed, replication, systems=own)
    return world, state, engine.result(world, state), own


def books(world, state, r, own) -> None:
    """Per force initial + arrived - withdrawn - lost - defected = final, no entry negative,
    and the entities on the field per force are its final strength; every defector arrives;
    every member who came to surrender or defect was taken out or moved at once."""
    led = r.final_ledger()
    on_field = np.bincount(state.ent_force[state.alive], minlength=world.n_forces)
    for i, (f, v) in enumerate(led.items()):
        assert v["initial"] + v["arrived"] - v["withdrawn"] - v["lost"] - v["defected"] == \
            pytest.approx(v["final"]), f
        assert min(v[k] for k in ("arrived", "withdrawn", "lost", "defected", "final")) >= 0, f
        assert on_field[i] == v["final"], f
    total = sum(v["initial"] + v["arrived"] for v in led.values())
    out = sum(v["lost"] + v["withdrawn"] + v["defected"] + v["final"] for v in led.values())
    assert out == pytest.approx(total)
    ev = {k: sum(e.value for e in r.events if e.kind.name == k)
          for k in ("defected", "joined", "surrendered", "went_home")}
    assert ev["defected"] == ev["joined"] == sum(v["defected"] for v in led.values())
    cascade = r_tables(own, world)["cascade"].to_pandas()
    by = cascade.groupby("to", observed=True).members.sum()
    assert by.get("defected", 0.0) == ev["defected"]
    assert by.get("surrendered", 0.0) == ev["surrendered"]
    # sides and forces follow the entities: nobody stands on a side its force is not on
    alive = state.alive
    assert (world.force_side[state.ent_force[alive]] == state.ent_side[alive]).all()
    # the time series keeps the books at every record, not only at the end
    ts = r.timeseries().to_pandas()
    assert (ts[["arrived", "withdrawn", "lost", "defected", "strength"]] >= 0).all().all()


def r_tables(own, world) -> dict:
    out: dict = {}
    for m in own:
        out.update(m.tables(world.force_ids))
    return out


def test_the_example_splits_the_garrison_and_keeps_every_entity_in_the_books():
    world, state, r, own = play(example())
    books(world, state, r, own)
    led = r.final_ledger()
    assert led["squads"]["defected"] + led["guards"]["defected"] > 10
    assert led["mutineers"]["arrived"] == led["squads"]["defected"] + led["guards"]["defected"]
    facts = own[0].facts()
    assert facts["cascade_size"] > 10
    cascade = r_tables(own, world)["cascade"].to_pandas()
    # nobody refuses before the order: exposure needs a first refuser
    assert cascade[cascade.transition == "refusal"].t.min() >= 10
    # the morale table holds each force's members at every update
    morale = r_tables(own, world)["morale"].to_pandas()
    assert set(morale.force.unique()) == {"squads", "guards", "militia"}
    assert (morale.groupby(["t"], observed=True).members.sum() <= 160).all()
    # the run's result carries the tables and facts, as at the aggregate scale
    res = warroom.simulate(validate(example()))
    assert {"morale", "cascade", "by_type", "snapshots"} <= set(res.extra_tables())
    assert res.facts["cascade_size"] == facts["cascade_size"]


def test_a_tactical_world_with_morale_conforms_and_pauses_cleanly():
    world, engine = compile_scenario(validate(example()))
    check_engine(engine, world)  # the engine alone: reset, pieces, ledger, observations
    # with its morale: advancing in pieces gives the battle of one advance
    logs = []
    for cuts in ([], [7.0, 20.5, 33.0]):
        state = engine.reset(world, 5, 1)
        sched = Systems(mechanics(world, 5, 1))
        for until in [*cuts, math.inf]:
            advance_with(engine, world, state, [], until, sched)
        logs.append((engine.log(world, state), state.ent_force.copy(), state.x.copy()))
    for a, b in zip(logs[0][0], logs[1][0], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(logs[0][1], logs[1][1])
    np.testing.assert_array_equal(logs[0][2], logs[1][2])


def test_a_system_on_the_ticks_runs_at_every_tick_though_the_times_do_not_add_up():
    # 0.2 is not a binary fraction: the system's next time (t + 0.2) and the tick's
    # (t0 + k * 0.2) part by a rounding error, which must neither skip an update nor stall
    d = mixed_tactical(10)
    d.pop("morale")
    world, engine = compile_scenario(validate(d))

    class Every:
        priority, period = 0, DT

        def __init__(self):
            self.times: list[float] = []

        def update(self, t, dt, forces):
            self.times.append(t)

    s = Every()
    state = run(engine, world, (), 1, 0, systems=[s])
    assert state.tick == round(END / DT) and len(s.times) == state.tick
    assert np.allclose(np.diff(s.times), DT)


def test_members_are_views_the_engine_reads():
    world, engine = compile_scenario(validate(example()))
    state = engine.reset(world, 1, 0)
    m = engine.forces(world, state).members
    assert m is not None and m.force.shape == (world.n,)
    for name in ("force", "side", "alive", "x", "y"):
        assert not getattr(m, name).flags.writeable, name
    m.order[:5] = HOLD  # the engine's own arrays: writing them acts
    assert (state.m_order[:5] == HOLD).all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), squads=st.integers(5, 60), beta=st.floats(0, 1),
       mutiny=st.floats(0, 0.5), surrender=st.floats(0, 0.5),
       goal=st.sampled_from(["fight", "go_home"]),
       network=st.sampled_from(["proximity", "force", "side"]))
def test_defections_and_surrenders_conserve_the_books(seed, squads, beta, mutiny, surrender,
                                                      goal, network):
    d = example()
    d["seed"] = seed
    d["clock"]["end"] = 40
    d["sides"][0]["forces"][0]["count"] = squads
    m = d["morale"]
    m["network"] = {"kind": "proximity", "radius": 15} if network == "proximity" else {
        "kind": network}
    rows = {t["id"]: t for t in m["transitions"]}
    rows["refusal"]["beta"] = beta
    rows["mutiny"]["base"] = mutiny
    rows["give-up"]["base"] = surrender
    rows["flight"]["base"] = 0.1
    m["defection"][0]["goal"] = goal
    world, state, r, own = play(d)
    books(world, state, r, own)
    led = r.final_ledger()
    if goal == "go_home":
        assert led["mutineers"]["final"] == 0
        assert led["mutineers"]["withdrawn"] == led["mutineers"]["arrived"]
        assert not state.alive[state.ent_force == world.force_ids.index("mutineers")].any()


def _only(transitions: list[dict], forces: list[str]) -> dict:
    return {"period": 1, "forces": forces, "transitions": transitions}


def test_routing_members_run_from_the_enemy_they_see():
    d = example()
    d["morale"] = _only([{"id": "panic", "from": "steady", "to": "routing", "base": 100.0}],
                        ["squads"])
    d["sides"][0]["forces"][1]["count"] = 1
    d["sides"][1]["forces"][0]["orders"] = {"kind": "hold"}
    world, engine = compile_scenario(validate(d))
    state = engine.reset(world, 2, 0)
    sched = Systems(mechanics(world, 2, 0))
    advance_with(engine, world, state, [], 1.0, sched)  # everyone of squads routs at t = 1
    squads = np.flatnonzero(state.alive & (state.ent_force == 0))
    assert (state.morale[squads] == ROUTING).all() and (state.m_order[squads] == FLEE).all()
    militia = state.ent_force == world.force_ids.index("militia")
    x0, y0 = state.x.copy(), state.y.copy()
    advance_with(engine, world, state, [], 6.0, sched)
    run_ = squads[state.alive[squads]]
    W, H = world.raster.extent
    assert ((state.x[run_] >= 0) & (state.x[run_] < W) & (state.y[run_] >= 0)
            & (state.y[run_] < H)).all()
    enemy = np.flatnonzero(militia & state.alive)

    def nearest(x, y):
        return np.sqrt((x[:, None] - state.x[enemy][None, :]) ** 2
                       + (y[:, None] - state.y[enemy][None, :]) ** 2).min(axis=1)

    # further from the enemy than they were, and west: the militia comes from the east
    assert (nearest(state.x[run_], state.y[run_]) > nearest(x0[run_], y0[run_])).mean() > 0.9
    assert (state.x[run_] < x0[run_]).mean() > 0.9
    moved = np.hypot(state.x[run_] - x0[run_], state.y[run_] - y0[run_])
    assert moved.max() <= 5 * 1.5 + 1e-9  # at its speed, five ticks
    # without morale, the same force under hold orders stays where it stood
    calm = validate(d).model_copy(update={"morale": None})
    w2, e2 = compile_scenario(calm)
    s2 = e2.reset(w2, 2, 0)
    e2.advance(w2, s2, 6.0)
    still = np.flatnonzero(s2.alive & (s2.ent_force == 0))
    np.testing.assert_array_equal(s2.x[still], e2.reset(w2, 2, 0).x[still])


def test_refusing_members_hold_and_fire_less():
    d = example()
    d["sides"][0]["forces"][0]["orders"] = {"kind": "advance", "halt_to_fire": False}
    d["sides"][1]["forces"][0]["orders"] = {"kind": "hold"}
    d["sides"][0]["forces"][0]["deploy"] = {"area": [100, 80, 120, 120]}  # in range at once
    d["morale"] = _only([{"id": "no", "from": "steady", "to": "refusing", "base": 100.0}],
                        ["squads"])
    lost = []
    for morale in (True, False):
        sc = validate(copy.deepcopy(d))
        if not morale:
            sc = sc.model_copy(update={"morale": None})
        world, engine = compile_scenario(sc)
        state = engine.reset(world, 4, 0)
        sched = Systems(mechanics(world, 4, 0))
        advance_with(engine, world, state, [], 1.0, sched)
        squads = np.flatnonzero(state.alive & (state.ent_force == 0))
        x1 = state.x[squads].copy()
        advance_with(engine, world, state, [], 21.0, sched)
        keep = squads[state.alive[squads]]
        if morale:
            assert (state.morale[keep] == REFUSING).all()
            assert (state.m_order[keep] == HOLD).all() and np.allclose(state.m_fire[keep], 0.1)
            assert np.array_equal(state.x[keep], x1[state.alive[squads]])  # they hold
        else:
            assert not np.array_equal(state.x[keep], x1[state.alive[squads]])  # they advance
        militia = world.force_ids.index("militia")
        lost.append(float(state.led[2, militia]))
    # hit chances x 0.1: the militia loses far fewer (expected a tenth; a third is far off)
    assert lost[1] >= 10 and lost[0] <= lost[1] / 3, lost


def test_a_latent_side_of_defectors_neither_breaks_nor_holds_up_the_end():
    d = example()
    d["morale"]["shocks"] = []  # nobody refuses, so nobody defects
    d["morale"]["forces"] = ["squads", "guards"]  # and the rising stands and fights
    d["sides"][1]["forces"][0]["count"] = 10  # and the garrison makes short work of it
    d["entity_types"][0]["weapons"][0]["accuracy"] = 0.5
    world, state, r, own = play(d)
    books(world, state, r, own)
    assert r.winner == "garrison" and r.end_time < 60
    assert not [e for e in r.events if e.subject in ("mutineers", "turncoats")]
    # before anyone joins them, the mutineers' side is not broken, in the example either
    world, state, r, own = play(example())
    first = min(e.t for e in r.events if e.kind.name == "joined" and e.subject == "mutineers")
    assert not [e for e in r.events if e.kind.name == "side_broke"
                and e.subject == "mutineers" and e.t <= first]


def test_same_seed_same_battle():
    a = warroom.simulate(validate(example()), seed=9, replication=2)
    b = warroom.simulate(validate(example()), seed=9, replication=2)
    for name in ("cascade", "morale", "snapshots"):
        assert a.extra_tables()[name].equals(b.extra_tables()[name]), name
    assert a.final_ledger() == b.final_ledger() and a.events == b.events
    c = warroom.simulate(validate(example()), seed=10, replication=2)
    assert not c.extra_tables()["cascade"].equals(a.extra_tables()["cascade"])


BAD = [
    ("tactical", ("morale", "network"), {"kind": "proximity"}, "morale.network.radius",
     "network kind 'proximity' takes a `radius`"),
    ("tactical", ("morale", "network"), {"kind": "force", "radius": 3},
     "morale.network.radius", "network kind 'proximity' takes a `radius`"),
    ("tactical", ("morale", "forces"), ["squads", "gaurds"], "morale.forces[1]",
     "unknown force 'gaurds' (did you mean 'guards'?)"),
    ("tactical", ("morale", "defection", 0), {"forces": ["squads", "guards"], "join": "risng"},
     "morale.defection[0].join", "unknown side 'risng' (did you mean 'rising'?)"),
    ("aggregate", ("morale", "network"), {"kind": "proximity", "radius": 3},
     "morale.network.kind", "needs entities on a map"),
]


@pytest.mark.parametrize(("scale", "where", "value", "path", "needle"), BAD)
def test_bad_morale_sections_get_one_located_message_and_exit_2(tmp_path, scale, where, value,
                                                                path, needle):
    from helpers import refused, set_at

    d = example() if scale == "tactical" else read_yaml(Path("docs/examples/mutiny.yaml"))
    refused(tmp_path, set_at(d, where, value), path, needle)


# -- the cross-scale check ------------------------------------------------------------------

DT, END, BETA = 0.2, 6.0, 1.0
MIXED = {"period": DT, "forces": ["troops"], "network": {"kind": "force"},
         "transitions": [{"id": "refusal", "from": "steady", "to": "refusing",
                          "kind": "exposure", "beta": BETA}],
         # a spark: a little hazard at first, so that exposure has refusers to spread from
         "shocks": [{"id": "spark", "kind": "revelation", "at": 0, "until": 0.6,
                     "forces": ["troops"], "hazard": {"refusal": 0.1}}]}


def mixed_tactical(n: int) -> dict:
    """n entities that neither move nor fight, far from one enemy they never see."""
    idle = {"id": "idle", "role": "infantry", "speed": 0, "hp": 1, "sensor": {"range": 1},
            "weapons": []}
    return {"version": 1, "scale": "tactical", "name": "mixed", "seed": 1,
            "clock": {"start": 0, "end": END, "step": DT, "unit": "second"},
            "map": {"cell": 10, "width": 100, "height": 10}, "entity_types": [idle],
            "sides": [{"id": "garrison", "forces": [{"id": "troops", "type": "idle",
                                                      "count": n, "orders": {"kind": "hold"},
                                                      "deploy": {"area": [0, 0, 100, 100]}}]},
                      {"id": "far", "forces": [{"id": "enemy", "type": "idle", "count": 1,
                                                 "orders": {"kind": "hold"},
                                                 "deploy": {"at": [950, 50]}}]}],
            "output": {"snapshot_every": 0}, "morale": copy.deepcopy(MIXED)}


def mixed_aggregate(n: int) -> dict:
    return {"version": 1, "name": "mixed", "seed": 1,
            "clock": {"start": 0, "end": END, "step": DT, "unit": "second"},
            "sides": [{"id": "garrison", "forces": [{"id": "troops", "strength": n}]},
                      {"id": "far", "forces": [{"id": "enemy", "strength": 1}]}],
            "engagements": [{"id": "none", "law": "square", "solver": "ode", "fire": [
                {"shooter": "troops", "target": "enemy", "rate": 0.0},
                {"shooter": "enemy", "target": "troops", "rate": 0.0}]}],
            "morale": copy.deepcopy(MIXED)}


def refusing_share(r) -> np.ndarray:
    """The troops' refusing share at each morale update."""
    m = r.extra_tables()["morale"].to_pandas()
    m = m[m.force == "troops"]
    held = m.groupby("t").members.sum()
    refusing = m[m.state == "refusing"].set_index("t").members
    return (refusing / held).to_numpy()


def test_members_converge_on_the_compartments_as_one_over_root_n():
    # The aggregate scale's compartments under the ODE are the mean field of the rule: the
    # discrete logistic at the period's steps. The tactical members, one uniform each per
    # update, fluctuate about it by O(1/sqrt(N)) (binomial draws, amplified along the
    # logistic), so sixteen times the members give a quarter of the RMS error: the ratio of
    # the RMS errors at N = 200 and 3,200 is about sqrt(16) = 4.
    # Tolerance, from the replications themselves: the RMS is the root of the mean over R
    # replications of each one's mean squared error m_r, so by the delta method its log has
    # variance var(m_r) / (4 R mean(m_r)^2); a replication's errors at successive updates are
    # one fluctuation carried along (an early or late spark), so m_r varies far more than a
    # chi-square would and this, not 1/sqrt(2R), is the honest spread (about 0.12 per size at
    # R = 60). The log of the ratio then lies within 3 standard deviations of log 4, widened
    # by 0.1 for the O(1/N) bias of the members (a member is not its own neighbour, share
    # R/(N-1) against R/N, and the mean of a nonlinear path): 1/200 against fluctuations of
    # 0.07 at N = 200, a few percent of the ratio.
    reps = 60
    mf = refusing_share(warroom.simulate(validate(mixed_aggregate(200))))
    assert mf[-1] > 0.8 and mf[0] == 0.0
    # the compartments do not depend on the force's size (the rule is in shares)
    assert np.allclose(refusing_share(warroom.simulate(validate(mixed_aggregate(3200)))), mf)
    rms, var_log = {}, {}
    for n in (200, 3200):
        world, engine = compile_scenario(validate(mixed_tactical(n)))
        paths = np.array([refusing_share(battle(engine, world, 11, i)) for i in range(reps)])
        assert paths.shape[1] == mf.shape[0], (paths.shape, mf.shape)
        err = paths - mf[None, :]
        ms = np.mean(err**2, axis=1)  # each replication's mean squared error
        rms[n] = float(np.sqrt(ms.mean()))
        var_log[n] = float(ms.var(ddof=1) / (4 * reps * ms.mean() ** 2))
        # and the replications' mean sits on the mean field within its standard error
        se = err.std(axis=0, ddof=1) / np.sqrt(reps)
        assert np.all(np.abs(err.mean(axis=0)) <= 4.5 * se + 2.0 / n), n
    sd = float(np.sqrt(var_log[200] + var_log[3200]))
    assert sd < 0.25, var_log  # enough replications for the check to mean something
    assert abs(np.log(rms[200] / rms[3200]) - np.log(4.0)) <= 3 * sd + 0.1, (rms, sd)
