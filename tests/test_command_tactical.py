"""Command at the tactical scale: a commander is a node of the network, so killing him slows
his units' reaction to a new threat (docs/examples/decapitation.yaml)."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np

from warroom.scenario import validate
from warroom.scenario.load import plain
from warroom.scenario.yaml_file import read_yaml
from warroom.simulate import simulate

EXAMPLE = Path("docs/examples/decapitation.yaml")
THREAT = 60.0  # when red's assault group appears


def reactions(accuracy: float, n: int) -> tuple[np.ndarray, int]:
    """Seconds from the threat to the platoon's order to advance, per replication; and how
    many replications the captain died in."""
    d = plain(read_yaml(EXAMPLE))
    d["entity_types"][2]["weapons"][0]["accuracy"] = accuracy
    sc = validate(copy.deepcopy(d))
    out, dead = [], 0
    for i in range(n):
        r = simulate(sc, replication=i)
        given = [e.t for e in r.events if e.kind.name == "order_given" and e.subject == "platoon"]
        out.append(given[0] - THREAT if given else math.inf)
        dead += any(e.kind.name == "force_annihilated" and e.subject == "captain"
                    for e in r.events)
    return np.array(out), dead


def test_killing_the_commander_slows_the_reaction_to_a_new_threat():
    n = 20
    alive, dead_a = reactions(0.0, n)
    hunted, dead_h = reactions(0.3, n)
    assert dead_a == 0 and dead_h >= n - 3
    assert np.isfinite(alive).all() and np.isfinite(hunted).all()
    diff = hunted.mean() - alive.mean()
    se = math.sqrt(alive.var(ddof=1) / n + hunted.var(ddof=1) / n)
    assert diff > 3 * se
    # the successor takes over 120 s after the death (within the first 15 s), so reports
    # reach headquarters again from about t = 125 to 135: 65 s and more after the threat
    assert np.median(hunted) > 60 and np.median(alive) < 20


def test_a_dead_commanders_node_drops_what_reaches_it():
    sc = validate(plain(read_yaml(EXAMPLE)))
    r = simulate(sc)
    msgs = r.extras()["messages"].to_pandas()
    dropped = msgs[msgs.status == "dropped"]
    death = next(e.t for e in r.events if e.kind.name == "force_annihilated"
                 and e.subject == "captain")
    assert len(dropped) > 0
    assert dropped.done.min() >= death and dropped.done.max() < death + 120 + 1e-9


def fire_mission(command: bool):
    """A battery that sees 50 m and shoots 3 km, an observer who sees 2 km; red appears 1.5 km
    off at t = 10. The battery can only fire on what blue's headquarters believes in."""
    from tactical_helpers import scenario, soldier

    types = [soldier("observer", sensor={"range": 2000.0}),
             soldier("gun", role="artillery", sensor={"range": 50.0}, weapons=[
                 {"id": "shell", "range": 3000, "rate": 1, "accuracy": 0.5,
                  "damage": {"soft": 1}}]),
             soldier("target", sensor={"range": 10.0})]
    blue = [{"id": "eyes", "type": "observer", "count": 1, "deploy": {"at": [100, 50]}},
            {"id": "battery", "type": "gun", "count": 4, "deploy": {"at": [10, 50]}}]
    red = [{"id": "column", "type": "target", "count": 20, "arrive": 10,
            "deploy": {"at": [1600, 50], "radius": 5}},
           {"id": "far", "type": "target", "count": 1, "deploy": {"at": [2900, 90]}}]
    net = [{"side": "blue", "headquarters": "hq", "nodes": [{"id": "hq", "kind": "headquarters"}],
            "links": [{"between": ["eyes", "hq"], "latency": 6.0},
                      {"between": ["battery", "hq"], "latency": 0.0}],
            "reports": {"every": 1.0}}]
    return scenario(types, blue, red, size=(300, 10), cell=10.0, end=60,
                    **({"command": net} if command else {}))


def first_loss(sc) -> float:
    r = simulate(sc)
    lost = r.ledger[:, 2, 2]  # (time, arrived/withdrawn/lost, force): the column's losses
    assert (lost > 0).any()
    return float(r.times[np.argmax(lost > 0)])


def test_fire_beyond_sight_waits_for_the_report():
    direct, commanded = first_loss(fire_mission(False)), first_loss(fire_mission(True))
    # sighted in the tick that ends at 11, reported at the next report (t = 11), 6 s to
    # headquarters: the battery may fire from t = 17 on
    assert direct <= 13.0
    assert commanded >= direct + 6.0
