"""Morale as a core System over forces: each force's strength split into morale compartments
that follow its ledger, move by the rule's mean field (expected flows under a deterministic
solver, multinomial draws under a stochastic one), act through the force's modifiers, and
send defectors and the surrendered away through the engine's transfers.

The same `Spec` drives the per-member form at the tactical scale; only where members live
differs, not the rule (`rule.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from scipy.special import ndtr

from ..core.codes import ARRIVED, FIRE, LOST, MOVEMENT, OBEY, WITHDRAWN
from ..core.engine import Forces
from ..results.result import dict_column
from .graph import Graph, barabasi_albert, erdos_renyi, watts_strogatz
from .rule import (
    ABSOLUTE,
    DEFECTED,
    FRACTIONAL,
    INPUTS,
    REFUSING,
    ROUTING,
    SHAKEN,
    STATES,
    STEADY,
    SURRENDERED,
    Transitions,
    apply_flows,
    flows,
)

C = len(STATES)
LIVE = np.array([s not in (SURRENDERED, DEFECTED) for s in range(C)])
# default effect of each state on (fire, movement); surrendered and defected have left
EFFECTS = np.array([[1.0, 1.0], [0.6, 0.6], [0.1, 0.0], [0.1, 1.0], [0.0, 0.0], [0.0, 0.0]])


@dataclass(frozen=True, eq=False)
class Shock:
    """Extra hazard on some transitions of some forces from t_from until t_to; or, when
    `witnessed`, per civilian harmed per unit time that a member sees (within `radius` at a
    scale of positions; None: all harm)."""

    id: str
    t_from: float
    t_to: float
    transitions: np.ndarray  # (T,) hazard added per unit time
    forces: np.ndarray  # (F,) bool
    witnessed: bool = False
    radius: float | None = None


@dataclass(frozen=True, eq=False)
class Spec:
    """The compiled morale mechanic of one world."""

    period: float
    tr: Transitions
    forces: np.ndarray  # (F,) bool: forces with morale
    network: np.ndarray  # (F, F) weights of each force's neighbours (itself included)
    defect_to: np.ndarray  # (F,) the force defectors of each force join (-1: none)
    effects: np.ndarray = field(default_factory=lambda: EFFECTS.copy())  # (C, 2)
    threshold: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # (T, 2) mean, sd
    shocks: tuple[Shock, ...] = ()
    obey_below: float = 0.5  # a force obeys while its refusing and routing share is below
    parent: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # (F,) -1: root
    leaders: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (F,) aggregate leaders
    civil: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # (F,) civilians
    random: tuple[str, float, float, float] | None = None  # model, degree, rewire, weight

    def per_force(self, a: np.ndarray, fill, F: int) -> np.ndarray:
        """An optional per-force array of this spec, or `fill` for each of F forces."""
        return a if a.shape[0] == F else np.full(F, fill, dtype=a.dtype)


def generated(random: tuple[str, float, float, float], n: int, rng: np.random.Generator
              ) -> Graph:
    """The graph a `random` network draws over n nodes, for one replication."""
    model, degree, rewire, _ = random
    if model == "erdos_renyi":
        return erdos_renyi(n, min(degree, max(n - 1, 0)), rng)
    if model == "watts_strogatz":
        k = min(2 * max(int(round(degree / 2)), 1), n - 1 - (n - 1) % 2)
        return watts_strogatz(n, max(k, 0), rewire, rng)
    return barabasi_albert(n, min(max(int(round(degree / 2)), 1), max(n - 1, 1)), rng)


def _normal_cdf(x: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    smooth = ndtr((x - mean) / np.where(sd > 0, sd, 1.0))
    return np.where(sd > 0, smooth, (x >= mean).astype(float))


class Morale:
    """One replication's morale over forces (a core System)."""

    priority = 50  # after mechanics that change what a force can do (fatigue, supply)

    def __init__(self, spec: Spec, stochastic: bool, rng: np.random.Generator):
        self.spec, self.stochastic, self.rng = spec, stochastic, rng
        self.period = spec.period
        self.network = spec.network  # (F, F), with this replication's graph if drawn
        self.n: np.ndarray | None = None  # (C, F) members per compartment
        self.last: np.ndarray | None = None  # the ledger at the last update
        self.sent = np.zeros(0)  # members this system sent away at the last update
        self.gave_up = np.zeros(0)  # of them, the surrendered (counted lost by the engine)
        self.factor = np.ones((2, 0))  # the (fire, movement) factors it last applied
        self.peak = np.zeros((0, 0))  # (T, F) highest neighbour share seen (thresholds)
        self.fighting_since = np.zeros(0)
        self.hunted = np.zeros(0)  # loss rate of each defectors' force
        self.victory = np.zeros(0)  # each force's enemies' loss rate
        self.harm = 0.0  # civilians harmed per unit time since the last update
        self.leaders_left = np.zeros(0)  # aggregate: leaders not yet lost, per force
        self.times: list[float] = []
        self.counts: list[np.ndarray] = []
        self.moves: list[tuple[float, int, int, float]] = []  # t, force, transition, members

    def update(self, t: float, dt: float, forces: Forces) -> None:
        F = forces.x0.shape[0]
        if forces.transfers.shape != (F, F + 1):
            raise TypeError("this engine cannot move members between forces (morale)")
        led = np.asarray(forces.ledger)
        x = np.maximum(np.asarray(forces.strength), 0.0)
        if self.n is None:
            self._start(t, x, F)
            loss = np.zeros(F)
        else:
            loss = self._follow(led, x, dt, forces.force_side)
        assert self.n is not None
        self.last = led.copy()
        self.fighting_since = np.where(forces.fighting, np.minimum(self.fighting_since, t),
                                       np.inf)
        if dt > 0:
            self._move(t, dt, loss, x, forces, F)
        self._act(forces)
        self.times.append(t)
        self.counts.append(self.n.copy())

    def _start(self, t: float, x: np.ndarray, F: int) -> None:
        self.n = np.zeros((C, F))
        self.n[STEADY] = np.where(self.spec.forces, x, 0.0)
        self.sent = np.zeros(F)
        self.gave_up = np.zeros(F)
        self.factor = np.ones((2, F))
        self.peak = np.zeros((self.spec.tr.n, F))
        self.fighting_since = np.full(F, np.inf)
        self.hunted = np.zeros(F)
        self.victory = np.zeros(F)
        self.leaders_left = np.minimum(self.spec.per_force(self.spec.leaders, 0.0, F), x)
        if self.spec.random is not None:  # a graph over the forces with morale
            has = np.flatnonzero(self.spec.forces)
            e = generated(self.spec.random, has.size, self.rng).edges()
            self.network = self.spec.network.copy()
            self.network[has[e[:, 0]], has[e[:, 1]]] = self.spec.random[3]
            self.network[has[e[:, 1]], has[e[:, 0]]] = self.spec.random[3]

    def _follow(self, led: np.ndarray, x: np.ndarray, dt: float, force_side: np.ndarray
                ) -> np.ndarray:
        """Compartments after what the battle did since the last update: arrivals are
        steady, losses and departures fall on the compartments in proportion (drawn without
        replacement under a stochastic solver). Returns each force's loss rate."""
        assert self.n is not None and self.last is not None
        d = led - self.last
        gone = np.maximum(d[WITHDRAWN] + d[LOST] - self.sent, 0.0)
        live = self.n * LIVE[:, None]
        held = live.sum(axis=0)
        for f in np.flatnonzero(self.spec.forces & (gone > 0)):
            take = min(gone[f], held[f])
            if take <= 0:
                continue
            if self.stochastic:
                part = self.rng.multivariate_hypergeometric(
                    np.round(live[:, f]).astype(np.int64), int(round(take)))
            else:
                part = live[:, f] * (take / held[f])
            self.n[:, f] -= part
        self.n[STEADY] += np.where(self.spec.forces, np.maximum(d[ARRIVED], 0.0), 0.0)
        self.n = np.maximum(self.n, 0.0)
        before = np.maximum(held, 1e-300)
        lost = np.maximum(d[LOST] - self.gave_up, 0.0)
        self._leaders_lost(lost, held)
        self._hunted(d, x, dt)
        self._witness(d, x, dt, force_side)
        return np.where(self.spec.forces, lost / before / max(dt, 1e-300), 0.0)

    def _leaders_lost(self, lost: np.ndarray, held: np.ndarray) -> None:
        """Leaders fall among a force's losses like any member: in proportion (drawn
        without replacement under a stochastic solver)."""
        for f in np.flatnonzero((self.leaders_left > 0) & (lost > 0)):
            if self.stochastic:
                good = int(round(self.leaders_left[f]))
                bad = max(int(round(held[f])) - good, 0)
                self.leaders_left[f] -= self.rng.hypergeometric(
                    good, bad, min(int(round(lost[f])), good + bad)) if good + bad > 0 else 0
            else:
                self.leaders_left[f] *= max(1.0 - lost[f] / max(held[f], 1e-300), 0.0)

    def _witness(self, d: np.ndarray, x: np.ndarray, dt: float, force_side: np.ndarray
                 ) -> None:
        """What every force sees of the war since the last update: civilians harmed per unit
        time, and its enemies' loss rate (the share of the other belligerent sides'
        strength they lost, per unit time)."""
        civil = self.spec.per_force(self.spec.civil, False, x.shape[0])
        self.harm = float(d[LOST][civil].sum()) / max(dt, 1e-300)
        S = int(force_side.max()) + 1 if force_side.size else 0
        fighting = ~civil
        lost = np.bincount(force_side[fighting], weights=d[LOST][fighting], minlength=S)
        had = np.bincount(force_side[fighting], weights=(x + d[LOST])[fighting], minlength=S)
        rate = np.divide(lost.sum() - lost, had.sum() - had, out=np.zeros(S),
                         where=had.sum() - had > 0) / max(dt, 1e-300)
        self.victory = rate[force_side]

    def _hunted(self, d: np.ndarray, x: np.ndarray, dt: float) -> None:
        """The defectors' forces have no morale of their own by default: their loss rate,
        from their strength, is what the forces they left see of their hunting."""
        had = np.maximum(np.maximum(x + d[LOST] + d[WITHDRAWN] - d[ARRIVED], x), 1.0)
        hunted = np.isin(np.arange(x.shape[0]), self.spec.defect_to)
        self.hunted = np.where(hunted, d[LOST] / had / max(dt, 1e-300), 0.0)

    def _inputs(self, t: float, dt: float, loss: np.ndarray, x: np.ndarray,
                leaders_lost: np.ndarray, harm: np.ndarray | None
                ) -> tuple[np.ndarray, np.ndarray | None]:
        """Per force: the rule's inputs (len(INPUTS), F) and the shocks active now (T, F),
        None when none is. x: each force's strength; leaders_lost: its own leaders lost
        (its subordinates count them too); harm: civilians harmed per unit time that it
        sees (None: what this system saw, all harm)."""
        sp = self.spec
        F = x.shape[0]
        inputs = np.zeros((len(INPUTS), F))
        inputs[INPUTS.index("loss")] = loss
        parent = sp.per_force(sp.parent, -1, F)
        # a force loses its own leaders and those of its superior in the chain of command
        inputs[INPUTS.index("leader")] = leaders_lost + np.where(
            parent >= 0, leaders_lost[np.maximum(parent, 0)], 0.0)
        links = self.network * (1.0 - np.eye(F))
        inputs[INPUTS.index("isolated")] = ((links.sum(axis=1) > 0)
                                            & (links @ np.maximum(x, 0.0) <= 0)).astype(float)
        inputs[INPUTS.index("fatigue")] = np.where(np.isfinite(self.fighting_since),
                                                   t - self.fighting_since, 0.0)
        to = sp.defect_to
        inputs[INPUTS.index("suppression")] = np.where(to >= 0, self.hunted[np.maximum(to, 0)],
                                                       0.0)
        inputs[INPUTS.index("rest")] = (loss <= 0).astype(float)
        inputs[INPUTS.index("victory")] = self.victory
        shock = np.zeros((sp.tr.n, F))
        active = False
        seen = np.full(F, self.harm) if harm is None else harm
        for s in sp.shocks:
            if s.witnessed:
                if seen.any():
                    shock += s.transitions[:, None] * (s.forces * seen)[None, :]
                    active = True
            elif s.t_from <= t < s.t_to or (s.t_from == s.t_to and t - dt < s.t_from <= t):
                shock += s.transitions[:, None] * s.forces[None, :]
                active = True
        return inputs, shock if active else None

    def _move(self, t: float, dt: float, loss: np.ndarray, x: np.ndarray, forces: Forces,
              F: int) -> None:
        sp, tr = self.spec, self.spec.tr
        assert self.n is not None
        live = self.n * LIVE[:, None]
        near = live @ self.network.T  # (C, F) members of each state among each force's own
        total = near.sum(axis=0)
        share = np.where(total > 0, near / np.where(total > 0, total, 1.0), 0.0)
        lost_leaders = sp.per_force(sp.leaders, 0.0, F) - self.leaders_left
        inputs, shock = self._inputs(t, dt, loss, x, np.maximum(lost_leaders, 0.0), None)
        met = self._met(share, near, F)
        f = flows(tr, self.n, inputs, shock, share, dt,
                  self.rng if self.stochastic else None, met)
        f *= sp.forces[None, :]
        self.n = apply_flows(tr, self.n, f)
        for k, g in zip(*np.nonzero(f > 0), strict=True):
            self.moves.append((t, int(g), int(k), float(f[k, g])))
        self.sent = np.zeros(F)
        self.gave_up = np.zeros(F)
        for state, col in ((DEFECTED, None), (SURRENDERED, F)):
            out = self.n[state].copy()
            for g in np.flatnonzero(out > 0):
                dst = F if col is not None else int(sp.defect_to[g])
                if dst < 0:
                    continue
                forces.transfers[g, dst] += out[g]
                self.sent[g] += out[g]
                if dst == F:
                    self.gave_up[g] += out[g]
                self.n[state, g] = 0.0

    def _met(self, share: np.ndarray, near: np.ndarray, F: int) -> np.ndarray | None:
        """Per threshold transition, the share of its source compartment whose threshold
        the force's neighbourhood has newly reached (normal thresholds, mean field)."""
        tr = self.spec.tr
        thr = np.flatnonzero((tr.kind == FRACTIONAL) | (tr.kind == ABSOLUTE))
        if thr.size == 0:
            return None
        out = np.zeros((tr.n, F))
        for k in thr:
            level = share[tr.watch[k]] if tr.kind[k] == FRACTIONAL else near[tr.watch[k]]
            mean, sd = self.spec.threshold[k]
            was = _normal_cdf(self.peak[k], mean, sd)
            now = _normal_cdf(np.maximum(level, self.peak[k]), mean, sd)
            out[k] = np.where(was < 1.0, (now - was) / np.maximum(1.0 - was, 1e-300), 0.0)
            self.peak[k] = np.maximum(self.peak[k], level)
        return out

    def _act(self, forces: Forces) -> None:
        """Each morale force fights and moves as the mean of its members' states."""
        sp = self.spec
        assert self.n is not None
        live = self.n * LIVE[:, None]
        held = live.sum(axis=0)
        factor = np.where(held > 0, (sp.effects[:, :2].T @ live) / np.maximum(held, 1e-300),
                          1.0)
        factor = np.where(sp.forces[None, :], factor, 1.0)
        mods = forces.modifiers
        for row, k in ((FIRE, 0), (MOVEMENT, 1)):
            # other systems' contributions stay: only this system's own factor is replaced
            keep = self.factor[k] > 0
            mods[row] = np.where(keep, mods[row] / np.where(keep, self.factor[k], 1.0), 1.0) \
                * factor[k]
        self.factor = factor
        out_of_hand = (live[REFUSING] + live[ROUTING]) / np.maximum(held, 1e-300)
        mods[OBEY] = np.where(sp.forces, (out_of_hand < sp.obey_below).astype(float), mods[OBEY])

    def tables(self, force_ids: tuple[str, ...], side_ids: tuple[str, ...] = ()
               ) -> dict[str, pa.Table]:
        """morale: members per (time, force, state) of the forces with morale; cascade: who
        moved when, by which transition (the mean field's flows, or draws)."""
        has = np.flatnonzero(self.spec.forces)
        T = len(self.times)
        counts = np.array(self.counts).reshape(T, C, -1)[:, :, has] if T else np.zeros(
            (0, C, has.size))
        ids = tuple(dict.fromkeys(self.spec.tr.ids))  # a transition from two states: one id
        of_row = np.array([ids.index(i) for i in self.spec.tr.ids], np.int64)
        mv: list = list(zip(*self.moves, strict=True)) if self.moves else [(), (), (), ()]
        return {
            "morale": pa.table({
                "t": np.repeat(np.array(self.times, float), C * has.size),
                "force": dict_column(np.tile(has, T * C), force_ids),
                "state": dict_column(np.tile(np.repeat(np.arange(C), has.size), T), STATES),
                "members": counts.reshape(-1)}),
            "cascade": pa.table({
                "t": pa.array(mv[0], pa.float64()),
                "force": dict_column(np.array(mv[1], np.int64), force_ids),
                "transition": dict_column(of_row[np.array(mv[2], np.int64)], ids),
                "from": dict_column(self.spec.tr.src[np.array(mv[2], np.int64)], STATES),
                "to": dict_column(self.spec.tr.dst[np.array(mv[2], np.int64)], STATES),
                "members": pa.array(mv[3], pa.float64())}),
        }

    def facts(self, side_ids: tuple[str, ...] = ()) -> dict[str, float]:
        """cascade_size: members who came to refuse or defect; time_to_collapse: when the
        loyal (steady or shaken) members of the forces with morale first fell below half of
        what they started with (nan: never)."""
        tr = self.spec.tr
        turned = (np.isin(tr.dst, (REFUSING, DEFECTED)) & ~np.isin(tr.src, (REFUSING,)))
        size = sum(m for _, _, k, m in self.moves if turned[k])
        collapse = math.nan
        if self.counts:
            loyal = np.array([(c[STEADY] + c[SHAKEN])[self.spec.forces].sum()
                              for c in self.counts])
            below = np.flatnonzero(loyal < 0.5 * loyal[0]) if loyal[0] > 0 else np.zeros(0)
            if len(below):
                collapse = float(self.times[int(below[0])])
        return {"cascade_size": float(size), "time_to_collapse": collapse}
