"""Compile a scenario's `morale:` section: the defectors' forces and sides it adds to the
world, their fire, and the morale mechanic's `Spec` (indices only)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..morale.rule import transitions
from ..morale.system import EFFECTS, Shock, Spec
from ..scenario.morale import STATE_NAMES, Morale


@dataclass
class Additions:
    """What the morale section adds to the world's forces and sides."""

    side_ids: list[str] = field(default_factory=list)  # new sides, after the declared ones
    forces: list[tuple[str, str, bool]] = field(default_factory=list)  # (id, side, leaves)
    # (shooter, target, rate): defectors against former comrades and back
    fire: list[tuple[str, str, float]] = field(default_factory=list)


def additions(m: Morale | None, side_forces: dict[str, list[str]],
              harmers: set[str] | frozenset[str] = frozenset()) -> Additions:
    """`harmers`: the forces whose fire harms civilians (the targets of defectors who
    protect them)."""
    out = Additions()
    if m is None:
        return out
    for d in m.defection:
        if d.new_side is not None and d.new_side not in out.side_ids:
            out.side_ids.append(d.new_side)
        out.forces.append((d.force_id, d.side, d.goal == "go_home"))
        if d.goal != "go_home":
            for f in d.forces:
                if d.goal == "protect_civilians" and f not in harmers:
                    continue
                if d.fire > 0:
                    out.fire.append((d.force_id, f, d.fire))
            for f in d.suppressed_by or d.forces:
                if d.suppression > 0:
                    out.fire.append((f, d.force_id, d.suppression))
    return out


def spec(m: Morale, force_ids: list[str], force_side: np.ndarray, side_ids: list[str],
         declared: int, side_civil: np.ndarray | None = None,
         no_morale: np.ndarray | None = None) -> Spec:
    """The mechanic over the world's F forces (the first `declared` are the scenario's);
    `side_civil`: which sides are civilian (by default no force of theirs has morale);
    `no_morale`: forces that never have any (decoys)."""
    F = len(force_ids)
    index = {f: i for i, f in enumerate(force_ids)}
    civil = (np.zeros(F, bool) if side_civil is None or not side_civil.any()
             else side_civil[force_side])
    has = np.zeros(F, bool)
    has[[index[f] for f in m.forces] if m.forces else
        [f for f in range(declared) if not civil[f]]] = True
    if no_morale is not None:
        has &= ~no_morale
    rows, thresholds = [], []
    for t in m.transitions:
        for src in t.sources:
            rows.append({"id": t.id, "from": src, "to": t.to, "kind": t.kind.value,
                         "base": t.base, "loss": t.loss, "leader": t.leader,
                         "isolated": t.isolated, "fatigue": t.fatigue,
                         "suppression": t.suppression, "rest": t.rest,
                         "victory": t.victory, "beta": t.beta,
                         "watch": t.watch})
            th = t.threshold
            thresholds.append((th.mean, th.sd) if th is not None else (0.0, 0.0))
    tr = transitions(rows)
    effects = EFFECTS.copy()
    for name, e in m.effects.items():
        effects[STATE_NAMES.index(name)] = (e.fire, e.movement)
    defect_to = np.full(F, -1, np.int64)
    for d in m.defection:
        for f in d.forces:
            defect_to[index[f]] = index[d.force_id]
    shocks = []
    for s in m.shocks:
        reach = np.zeros(F, bool)
        reach[[index[f] for f in s.forces]] = True
        for side in s.sides:
            reach |= force_side == side_ids.index(side)
        add = np.array([s.hazard.get(str(r["id"]), 0.0) for r in rows])
        if s.witnessed:
            shocks.append(Shock(s.id, -np.inf, np.inf, add, reach, True, s.radius))
        else:
            assert s.at is not None
            shocks.append(Shock(s.id, s.at, np.inf if s.until is None else s.until, add,
                                reach))
    parent = np.full(F, -1, np.int64)
    for child, sup in m.network.parents.items():
        parent[index[child]] = index[sup]
    leaders = np.zeros(F)
    for f, n in m.leaders.items():
        leaders[index[f]] = n
    return Spec(period=m.period, tr=tr, forces=has, network=_network(m, index, force_side, F),
                defect_to=defect_to, effects=effects, threshold=np.array(thresholds, float),
                shocks=tuple(shocks), obey_below=m.obey_below, parent=parent,
                leaders=leaders, civil=civil,
                random=None if m.network.kind != "random" else (
                    str(m.network.model), float(m.network.degree or 0.0), m.network.rewire,
                    m.network.weight))


def _network(m: Morale, index: dict[str, int], force_side: np.ndarray, F: int) -> np.ndarray:
    net, w = m.network, m.network.weight
    a = np.zeros((F, F))
    if net.kind == "side":
        a = w * (force_side[:, None] == force_side[None, :]).astype(float)
    pairs = [(index[x], index[y]) for x, y in net.edges]
    if net.kind == "command":
        pairs += [(index[c], index[p]) for c, p in net.parents.items()]
    for members in net.channels.values():  # a channel links every pair on it
        on = [index[f] for f in members]
        pairs += [(i, j) for i in on for j in on if i < j]
    for i, j in pairs:
        a[i, j] = a[j, i] = w
    np.fill_diagonal(a, 1.0)
    return a
