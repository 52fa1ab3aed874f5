"""Morale member by member: a core System over the individuals an engine exposes as
`Forces.members` (tactical entities). Each update it counts every member's neighbours by state
(entities of its side within a radius, or the members of the forces its force's network
links), evaluates the one rule of `rule.py` per member (`rates`, `met`, `step_members`, with
one uniform each from the replication's `morale` stream), and writes what the states do:
fire and movement multipliers, a member's own manoeuvre (hold when refusing, flee when
routing), the defectors to move and the surrendered to take out (the engine carries both out
and keeps the books), and each force's will to obey.

The compartments of `system.Morale` are this system's mean field: the same `Spec`, the same
rule, the same tables and facts; only where members live differs.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..core.codes import FLEE, HOLD, LOST, OBEY
from ..core.engine import Forces
from .rule import (
    ABSOLUTE,
    DEFECTED,
    FRACTIONAL,
    INPUTS,
    REFUSING,
    ROUTING,
    STATES,
    SURRENDERED,
    met,
    rates,
    step_members,
)
from .system import LIVE, Morale, Spec, generated

C = len(STATES)


SPLIT = 2  # cells of side radius / SPLIT: fewer members to test than cells of the radius


@njit(cache=True, error_model="numpy", parallel=True)
def _near_counts(ks, xs, ys, ss, qs, order, gw, span, radius, start, out):
    """out[order[p], s]: the members within `radius` of the member at sorted position p in
    state s, itself left out, for each p with qs[p]. Members are sorted by their cell's key
    ks = (side * rows + row) * gw + column, with their positions xs, ys and states ss in
    that order; a member's neighbours lie within `span` cells each way, and the cells of a
    row are consecutive keys: 2 span + 1 runs of the sorted keys, read contiguously.
    `start`: where each key's run begins (a dense table, when the cells are few enough), or
    empty: found by binary search."""
    r2 = radius * radius
    for p in prange(ks.shape[0]):
        if not qs[p]:
            continue
        i = order[p]
        kk = ks[p]
        xi, yi = xs[p], ys[p]
        for dr in range(-span, span + 1):
            k0 = kk + dr * gw - span
            if start.shape[0] > 0:
                lo, hi = start[k0], start[k0 + 2 * span + 1]
            else:
                lo = np.searchsorted(ks, k0, side="left")
                hi = np.searchsorted(ks, k0 + 2 * span, side="right")
            for q in range(lo, hi):
                if q != p and (xs[q] - xi) ** 2 + (ys[q] - yi) ** 2 <= r2:
                    out[i, ss[q]] += 1.0


def proximity_counts(x: np.ndarray, y: np.ndarray, side: np.ndarray, state: np.ndarray,
                     query: np.ndarray, radius: float) -> np.ndarray:
    """(M, C): how many members of each state stand within `radius` of each member where
    `query` (bool, M) on its side (members 0..M-1 at x, y; a member is not its own
    neighbour; rows of the others are 0)."""
    M = x.shape[0]
    out = np.zeros((M, C))
    if M == 0 or not query.any():
        return out
    cell = radius / SPLIT
    k = SPLIT  # spare cells each side: a row's runs never wrap into the next row or side
    cx = np.floor((x - x.min()) / cell).astype(np.int64) + k
    cy = np.floor((y - y.min()) / cell).astype(np.int64) + k
    gw = int(cx.max()) + k + 1
    rows = int(cy.max()) + k + 1
    key = (side.astype(np.int64) * rows + cy) * gw + cx
    order = np.argsort(key)
    ks = key[order]
    cells = int(ks[-1]) + k * gw + k + 1
    # a table of where each cell's run starts, unless the map has far more cells than members
    start = (np.searchsorted(ks, np.arange(cells + 1)) if cells <= 16 * M + 4096
             else np.zeros(0, np.int64))
    _near_counts(ks, x[order], y[order], state[order].astype(np.int64), query[order], order,
                 np.int64(gw), np.int64(k), float(radius), start.astype(np.int64), out)
    return out


class MembersMorale(Morale):
    """One replication's morale over the members of forces (a core System). `radius`: the
    proximity network (members of one side within it see each other); None: the force-level
    `spec.network`, each member seeing the members of its own and its linked forces."""

    priority = 50  # after mechanics that change what a force can do (fatigue, supply)

    def __init__(self, spec: Spec, rng: np.random.Generator, radius: float | None = None):
        super().__init__(spec, True, rng)
        # a hair short of the period: an engine of ticks stops at the first tick within its
        # tolerance of the time asked, so the next update must not fall a rounding error
        # after that tick (the core's schedule compares times exactly)
        self.period = spec.period * (1.0 - 1e-9)
        self.radius = radius
        self.thresholds: np.ndarray | None = None  # (T, members) each one's phi or theta
        self.held = np.zeros(0)  # members per force after the last update's departures
        self.hp_last: np.ndarray | None = None  # hit points at the last update (harm seen)
        self.links: tuple[np.ndarray, np.ndarray] | None = None  # a drawn graph's (i, j)

    def update(self, t: float, dt: float, forces: Forces) -> None:
        m = forces.members
        if m is None:
            raise TypeError("this engine has no members (Forces.members): use "
                            "warroom.morale.system.Morale for forces")
        sp = self.spec
        F = forces.x0.shape[0]
        led = np.asarray(forces.ledger)
        x = np.maximum(np.asarray(forces.strength), 0.0)
        if self.last is None:
            self._begin(F, m.force.shape[0])
            loss = np.zeros(F)
        else:
            loss = self._losses(led, x, dt, forces.force_side)
        self.sent, self.gave_up = np.zeros(F), np.zeros(F)
        self.last = led.copy()
        self.fighting_since = np.where(forces.fighting, np.minimum(self.fighting_since, t),
                                       np.inf)
        idx = np.flatnonzero(m.alive)
        force = m.force[idx]
        state = m.morale[idx].astype(np.int64)
        has = sp.forces[force]
        harmed = self._harmed(m, F)
        if dt > 0 and has.any():
            state = self._step(t, dt, loss, x, forces, idx, force, state, has, harmed)
        self._effects(t, forces, idx, force, state, has, F)

    def _begin(self, F: int, n: int) -> None:
        tr = self.spec.tr
        self.sent = np.zeros(F)
        self.gave_up = np.zeros(F)
        self.fighting_since = np.full(F, np.inf)
        self.hunted = np.zeros(F)
        self.victory = np.zeros(F)
        self.held = np.zeros(F)
        self.hp_last = None
        self.links = None
        thr = np.flatnonzero((tr.kind == FRACTIONAL) | (tr.kind == ABSOLUTE))
        self.thresholds = np.zeros((tr.n, n))
        for k in thr:  # drawn once per member and threshold transition, in entity order
            mean, sd = self.spec.threshold[k]
            self.thresholds[k] = np.maximum(self.rng.normal(mean, sd, n), 0.0)
        if self.spec.random is not None:  # a graph over every entity, drawn after them
            g = generated(self.spec.random, n, self.rng)
            self.links = (np.repeat(np.arange(n), g.degree), g.indices.astype(np.int64))

    def _harmed(self, m, F: int) -> np.ndarray:
        """Civilian members whose hit points fell since the last update (wounded or
        killed); none looked for unless a shock is triggered by harm seen."""
        civil = self.spec.per_force(self.spec.civil, False, F)
        hp = np.asarray(m.hp, float)
        if not civil.any() or hp.size == 0 or not any(s.witnessed for s in self.spec.shocks):
            return np.zeros(0, np.int64)
        before = hp if self.hp_last is None else self.hp_last
        self.hp_last = hp.copy()
        return np.flatnonzero(civil[m.force] & (hp < before))

    def _losses(self, led: np.ndarray, x: np.ndarray, dt: float, force_side: np.ndarray
                ) -> np.ndarray:
        """Each force's loss rate since the last update (a share of its members per unit
        time; the surrendered this system sent are not losses) and, for the defectors'
        forces, the same from their strength (what their former comrades see of their
        hunting)."""
        assert self.last is not None
        d = led - self.last
        lost = np.maximum(d[LOST] - self.gave_up, 0.0)
        self._hunted(d, x, dt)
        self._witness(d, x, dt, force_side)
        before = np.maximum(self.held, 1e-300)
        return np.where(self.spec.forces, lost / before / max(dt, 1e-300), 0.0)

    def _neighbours(self, m, idx: np.ndarray, force: np.ndarray, state: np.ndarray,
                    has: np.ndarray, F: int) -> tuple[np.ndarray, np.ndarray]:
        """(C, M) share and count of each live member's neighbours in each state."""
        if self.radius is not None:
            count = proximity_counts(m.x[idx], m.y[idx], m.side[idx], state, has,
                                     self.radius).T
        elif self.links is not None:  # the graph's links between live members of one side
            i, j = self.links
            pos = np.full(m.force.shape[0], -1, np.int64)
            pos[idx] = np.arange(idx.shape[0])
            of = np.zeros(m.force.shape[0], np.int64)
            of[idx] = state
            ok = (pos[i] >= 0) & (pos[j] >= 0) & (m.side[i] == m.side[j])
            count = np.bincount(pos[i[ok]] * C + of[j[ok]], minlength=idx.shape[0] * C
                                ).reshape(idx.shape[0], C).T.astype(float)
        else:
            # per force by state, then each force's neighbours by the network's weights;
            # a member is not its own neighbour
            n = np.bincount(force * C + state, minlength=F * C).reshape(F, C).T.astype(float)
            near = (n * LIVE[:, None]) @ self.spec.network.T  # (C, F)
            count = near[:, force]
            count[state, np.arange(idx.shape[0])] -= np.diag(self.spec.network)[force]
            count = np.maximum(count, 0.0)
        total = count.sum(axis=0)
        share = np.divide(count, total, out=np.zeros_like(count), where=total > 0)
        return share, count

    def _step(self, t: float, dt: float, loss: np.ndarray, x: np.ndarray, forces: Forces,
              idx: np.ndarray, force: np.ndarray, state: np.ndarray, has: np.ndarray,
              harmed: np.ndarray) -> np.ndarray:
        tr = self.spec.tr
        m = forces.members
        assert m is not None and self.thresholds is not None
        F = forces.x0.shape[0]
        share, count = self._neighbours(m, idx, force, state, has, F)
        fell = (m.leader & (m.hp <= 0)) if m.leader.shape[0] else np.zeros(m.force.shape[0],
                                                                            bool)
        leaders_lost = np.bincount(m.force[fell], minlength=F).astype(float)
        per_force, shock = self._inputs(t, dt, loss, x, leaders_lost, np.zeros(F))
        inputs = per_force[:, force]
        if self.radius is not None:  # alone: nobody of its side within the radius
            inputs[INPUTS.index("isolated")] = (count.sum(axis=0) <= 0).astype(float)
        shock_m = None if shock is None else shock[:, force]
        seen = self._seen(m, idx, force, harmed, dt)
        if seen is not None:
            shock_m = seen if shock_m is None else shock_m + seen
        h = rates(tr, state, inputs, shock_m, share)
        if ((tr.kind == FRACTIONAL) | (tr.kind == ABSOLUTE)).any():
            turned = met(tr, state, share, count, self.thresholds[:, idx])
        else:  # no threshold rule: none can be met
            turned = np.zeros(h.shape, bool)
        if not has.all():
            h *= has[None, :]
            turned &= has[None, :]
        new, took = step_members(tr, state, h, turned, dt, self.rng.random((idx.shape[0],)))
        moved = took >= 0
        if moved.any():
            pairs = np.bincount(force[moved] * tr.n + took[moved], minlength=F * tr.n)
            for p in np.flatnonzero(pairs):
                self.moves.append((t, int(p // tr.n), int(p % tr.n), float(pairs[p])))
        m.morale[idx] = new
        over = new == DEFECTED
        m.defect[idx[over]] = True
        self.sent = np.bincount(force[over | (new == SURRENDERED)], minlength=F).astype(float)
        self.gave_up = np.bincount(force[new == SURRENDERED], minlength=F).astype(float)
        # ask the engine to take the surrendered out (it takes members in that state first)
        if forces.transfers.shape == (F, F + 1):
            forces.transfers[:, F] += self.gave_up
        return new

    def _seen(self, m, idx: np.ndarray, force: np.ndarray, harmed: np.ndarray, dt: float
              ) -> np.ndarray | None:
        """(T, M) the hazard each live member takes from the civilians it saw harmed since
        the last update (per shock: within its radius, or anywhere), None: nothing seen."""
        shocks = [s for s in self.spec.shocks if s.witnessed]
        if harmed.size == 0 or not shocks:
            return None
        out = np.zeros((self.spec.tr.n, idx.shape[0]))
        for s in shocks:
            if s.radius is None:
                n = np.full(idx.shape[0], float(harmed.size))
            else:  # harmed civilians (state 0) counted around each member (state 1)
                who = np.concatenate([harmed, idx])
                st = np.r_[np.zeros(harmed.size, np.int64), np.ones(idx.size, np.int64)]
                q = np.r_[np.zeros(harmed.size, bool), s.forces[force]]
                n = proximity_counts(m.x[who], m.y[who], np.zeros(who.size, np.int64), st, q,
                                     s.radius)[harmed.size:, 0]
            out += s.transitions[:, None] * (s.forces[force] * n / max(dt, 1e-300))[None, :]
        return out

    def _effects(self, t: float, forces: Forces, idx: np.ndarray, force: np.ndarray,
             state: np.ndarray, has: np.ndarray, F: int) -> None:
        """Each member fights and moves as its state says; a force obeys while few enough
        of its members refuse or flee."""
        sp = self.spec
        m = forces.members
        assert m is not None
        m.fire[idx] = np.where(has, sp.effects[state, 0], 1.0)
        m.movement[idx] = np.where(has, sp.effects[state, 1], 1.0)
        order = np.full(idx.shape[0], -1, np.int64)
        order[has & (state == REFUSING)] = HOLD
        order[has & (state == ROUTING)] = FLEE
        m.order[idx] = order
        stay = has & LIVE[state]
        n = np.bincount(force[stay] * C + state[stay], minlength=F * C).reshape(F, C).T
        n = n.astype(float)
        held = n.sum(axis=0)
        self.held = held
        out_of_hand = (n[REFUSING] + n[ROUTING]) / np.maximum(held, 1e-300)
        mods = forces.modifiers
        mods[OBEY] = np.where(sp.forces, (out_of_hand < sp.obey_below).astype(float),
                              mods[OBEY])
        self.times.append(t)
        self.counts.append(n)


__all__ = ["MembersMorale", "proximity_counts"]
