"""Invariants of the tactical tick loop on random small battles (property tests): whatever the
types, orders, targeting rules and ground, every tick keeps the books straight."""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.scenario import validate
from warroom.tactical.engine import Battle
from warroom.tactical.world import compile_tactical
from warroom.terrain.classes import MOBILITY

CELL, W, H = 10.0, 30, 24  # a 300 m x 240 m map
PASSABLE = ["open", "road", "dune", "urban", "ridge", "canyon"]


def box(draw):
    x0, y0 = draw(st.integers(0, 240)), draw(st.integers(0, 180))
    return [x0, y0, x0 + draw(st.integers(5, 60)), y0 + draw(st.integers(5, 60))]


@st.composite
def weapon(draw, k):
    w = {"id": f"w{k}", "range": draw(st.sampled_from([40, 120, 400])),
         "rate": draw(st.sampled_from([0.2, 1.0, 3.0])),
         "accuracy": draw(st.sampled_from([0.1, 0.5, 1.0])),
         "damage": {"soft": draw(st.sampled_from([0.5, 1, 2])),
                    "armoured": draw(st.sampled_from([0, 1, 3]))}}
    if draw(st.booleans()):
        w["radius"] = draw(st.sampled_from([5, 25]))
    if draw(st.booleans()):
        w["ammo"] = draw(st.integers(0, 4))
    if draw(st.booleans()):
        w["mobility_kill"] = {"armoured": draw(st.sampled_from([0.3, 1.0]))}
    return w


@st.composite
def entity_type(draw, k):
    return {"id": f"type{k}", "role": draw(st.sampled_from(["infantry", "vehicle", "drone"])),
            "class": draw(st.sampled_from(["soft", "armoured"])),
            "mobility": draw(st.sampled_from(MOBILITY)),
            "speed": draw(st.sampled_from([0, 1.5, 8])),
            "hp": draw(st.sampled_from([1, 2.5])), "armour": draw(st.sampled_from([0, 0.5])),
            "sensor": {"range": draw(st.sampled_from([80, 250, math.inf])),
                       "detect": draw(st.sampled_from([0.3, 1.0]))},
            "weapons": [draw(weapon(i)) for i in range(draw(st.integers(0, 2)))]}


@st.composite
def force(draw, side, k, n_types):
    f = {"id": f"{side}{k}", "type": f"type{draw(st.integers(0, n_types - 1))}",
         "count": draw(st.integers(1, 12)), "deploy": {"area": box(draw)}}
    if draw(st.booleans()):
        f["arrive"] = draw(st.sampled_from([3, 10]))
    kind = draw(st.sampled_from(["hold", "advance", "move", "withdraw"]))
    f["orders"] = {"kind": kind}
    if kind in ("advance", "move"):
        f["orders"]["to"] = [draw(st.integers(0, 300)), draw(st.integers(0, 240))]
    if kind == "withdraw":
        f["orders"]["route"] = [[draw(st.integers(0, 300)), draw(st.integers(0, 240))]
                                for _ in range(draw(st.integers(1, 2)))]
        f["orders"]["leave"] = draw(st.booleans())
    rule = draw(st.sampled_from(["nearest", "priority", "weakest", "random", "area"]))
    f["targeting"] = {"rule": rule, "spread": draw(st.integers(1, 3))}
    if rule == "priority":
        f["targeting"]["priority"] = ["vehicle", "infantry"]
    return f


@st.composite
def battles(draw):
    n_types = draw(st.integers(1, 3))
    terrain = ({"fill": "open"} if draw(st.booleans()) else
               {"bands": [{"terrain": draw(st.sampled_from(PASSABLE)), "up_to": 0.5},
                          {"terrain": draw(st.sampled_from(PASSABLE + ["water"])),
                           "up_to": 1.0}]})
    elevation = ({"flat": 0.0} if draw(st.booleans()) else
                 {"generate": {"seed": draw(st.integers(0, 9)), "scale": 100},
                  "relief": draw(st.sampled_from([5, 40]))})
    data = {"version": 1, "scale": "tactical", "name": "prop", "seed": draw(st.integers(0, 99)),
            "clock": {"start": 0, "end": 40, "step": 1, "unit": "second"},
            "map": {"cell": CELL, "width": W, "height": H, "elevation": elevation,
                    "terrain": terrain},
            "entity_types": [draw(entity_type(k)) for k in range(n_types)],
            "sides": [{"id": s, "forces": [draw(force(s, k, n_types))
                                           for k in range(draw(st.integers(1, 2)))]}
                      for s in ("blue", "red")],
            "output": {"snapshot_every": 0}}
    return validate(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(battles())
def test_every_tick_keeps_the_books(sc):
    w = compile_tactical(sc, sc.seed)
    eng = Battle(w, record=True)
    r = w.raster
    fastest = (w.type_speed * w.dt / r.cost[np.unique(r.terrain)][:, w.type_mobility].min(
        axis=0))[w.ent_type]
    W_, H_ = r.extent
    while True:
        x, y, hp, alive = eng.x.copy(), eng.y.copy(), eng.hp.copy(), eng.alive.copy()
        pending, immobile, ammo = eng.pending.copy(), eng.immobile.copy(), eng.ammo.copy()
        going = eng.step()
        new_alive = eng.alive & ~alive
        assert (new_alive <= pending).all()  # only a waiting force comes to life
        assert (eng.hp <= hp).all() and (eng.immobile >= immobile).all()
        unlimited = ammo < 0  # -1: a weapon without an ammo limit
        assert (eng.ammo[unlimited] == -1).all()
        assert (eng.ammo[~unlimited] <= ammo[~unlimited]).all()
        assert (eng.ammo[~unlimited] >= 0).all()
        assert (eng.alive == (eng.hp > 0) & ~eng.pending & ~eng.gone).all()
        moved = np.hypot(eng.x - x, eng.y - y)
        # the dead, the immobilised and those still waiting stay put (a force moves in the
        # tick it arrives; one killed this tick has made its simultaneous move)
        still = (~alive & ~(pending & ~eng.pending)) | immobile
        assert (moved[still] == 0).all()
        assert (moved <= fastest * (1 + 1e-9) + 1e-9).all()
        assert ((eng.x >= 0) & (eng.x <= W_) & (eng.y >= 0) & (eng.y <= H_)).all()
        went = moved > 0
        rows = np.clip((eng.y[went] / r.cell).astype(int), 0, r.shape[0] - 1)
        cols = np.clip((eng.x[went] / r.cell).astype(int), 0, r.shape[1] - 1)
        assert np.isfinite(r.cost[r.terrain[rows, cols], w.type_mobility[w.ent_type[went]]]).all()
        if not going:
            break
    deaths = int((~eng.alive & ~eng.pending & ~eng.gone).sum())
    # every death is credited to shooters' types (shared in proportion to damage dealt)
    assert abs(eng.kills.sum() - deaths) < 1e-9 * max(deaths, 1)
    assert deaths + eng.alive.sum() + eng.pending.sum() + eng.gone.sum() == w.n
    run = eng.run()
    assert run.ticks == eng.tick and eng.tick <= 40
    last = np.array(run.rec.alive[-1])
    assert (last == np.bincount(w.ent_force[eng.alive], minlength=w.n_forces)).all()
    again = Battle(compile_tactical(sc, sc.seed), record=False)
    again.run()
    assert np.array_equal(again.x, eng.x) and np.array_equal(again.hp, eng.hp)
