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
