"""The tick loop: systems over struct-of-arrays state, in a fixed order each tick.

Synchronous update: every system reads the state as it was at the start of the tick. Detection,
then targeting and movement goals, then fire (damage summed and applied at once), then movement
(from start-of-tick positions), then bookkeeping. Randomness comes from one
`numpy.random.Generator` per purpose and replication, drawn in entity order by NumPy, so a
result does not depend on how many threads the kernels run on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..events import END_BROKE, END_MUTUAL, END_TIME
from ..rng import stream
from ..terrain.classes import MOBILITY
from ..world.compile import BP_STRENGTH, BP_TIME
from .fire import apply_damage, shoot
from .grid import build_grid, nearest_all
from .move import move
from .sense import detect
from .target import select
from .world import TacticalWorld

CANDIDATES = 4096  # per block of queries; more falls back to one search per query
ADVANCE_REFRESH = 5  # ticks between recomputations of the fields that lead an advance round


@dataclass
class Recording:
    times: list[float] = field(default_factory=list)
    alive: list[np.ndarray] = field(default_factory=list)  # (F,) per record
    arrived: list[np.ndarray] = field(default_factory=list)  # (F,) arrived after the start
    withdrawn: list[np.ndarray] = field(default_factory=list)  # (F,) left the battle
    immobile: list[np.ndarray] = field(default_factory=list)  # (F,)
    type_alive: list[np.ndarray] = field(default_factory=list)  # (S, T)
    type_hp: list[np.ndarray] = field(default_factory=list)  # (S, T)
    snapshots: list[tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = (
        field(default_factory=list))
    events: list[tuple[float, str, int, float]] = field(default_factory=list)  # t, kind, subj, v


@dataclass
class TacticalRun:
    world: TacticalWorld
    seed: int
    replication: int
    rec: Recording
    kills: np.ndarray  # (S, T, T): kills credited to side s's type a on type b
    winner: int
    end_reason: int
    deciding: int  # breakpoint index, -1 none, -2 no strength left
    agent_steps: int
    ticks: int


def grid_cell(world: TacticalWorld) -> float:
    W, H = world.raster.extent
    return float(min(max(np.sqrt(W * H / max(world.n, 1)) * 3.0, 1e-6), max(W, H)))


def _fields(w: TacticalWorld) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Travel-cost fields for every fixed objective (move, advance's fallback, each point of a
    withdrawal route) whose mobility kind meets uneven ground; -1 where a straight line is
    already the quickest way (the ground costs the same everywhere)."""
    from ..terrain.paths import cost_field

    r = w.raster
    cache: dict[tuple, int] = {}
    fields: list[np.ndarray] = []

    def index(mob: int, goal: tuple[float, float, float, float]) -> int:
        per_cell = r.cost[r.terrain, mob]
        if np.all(per_cell == per_cell.flat[0]) and np.isfinite(per_cell.flat[0]):
            return -1
        key = (mob, goal)
        if key not in cache:
            cache[key] = len(fields)
            fields.append(cost_field(r, mob, goal))
        return cache[key]

    mob = w.type_mobility[w.force_type]
    f_field = np.full(w.n_forces, -1, np.int64)
    route_field = np.full(len(w.route_xy), -1, np.int64)
    for f in range(w.n_forces):
        if not np.isnan(w.force_to[f, 0]):
            x0, y0, x1, y1 = map(float, w.force_to[f])
            f_field[f] = index(int(mob[f]), (x0, y0, x1, y1))
        for k in range(w.route_start[f], w.route_start[f + 1]):
            px, py = map(float, w.route_xy[k])
            route_field[k] = index(int(mob[f]), (px, py, px, py))
    H, W = r.shape
    stacked = np.stack(fields) if fields else np.zeros((0, H, W))
    return stacked, f_field, route_field


class Engine:
    """One replication of a tactical battle; `run()` to the end or `step()` tick by tick."""

    def __init__(self, world: TacticalWorld, seed: int | None = None, replication: int = 0,
                 record: bool = True):
        self.w = w = world
        self.seed = w.seed if seed is None else seed
        self.replication = replication
        self.record = record
        self.rng = {p: stream(self.seed, replication, p)
                    for p in ("detection", "targeting", "attrition")}
        n, S = w.n, len(w.side_ids)
        self.x, self.y = w.x0.copy(), w.y0.copy()
        self.hp = w.type_hp[w.ent_type].astype(np.float64)
        # forces that arrive later wait off the map: not alive (no system sees them) until then
        self.pending = w.force_arrive[w.ent_force] > w.t0
        self.alive = ~self.pending
        self.arrived_f = np.zeros(w.n_forces, np.int64)
        self.gone = np.zeros(n, bool)  # withdrew off the field (orders `leave`)
        self.withdrawn_f = np.zeros(w.n_forces, np.int64)
        self.immobile = np.zeros(n, bool)
        self.suppressed = np.zeros(n, bool)
        self.ammo = w.w_ammo[w.ent_type].copy()
        self.waypoint = np.zeros(n, np.int64)
        self.nn = np.full(n, -1, np.int64)
        self.nn_d2 = np.full(n, np.inf)
        self.tgt = np.full(n, -1, np.int64)
        self.aim_x = np.full(n, np.nan)
        self.aim_y = np.full(n, np.nan)
        self.dmg = np.zeros(n)
        self.kills = np.zeros((S, w.n_types, w.n_types))
        self.broken = np.zeros(S, bool)
        self.contact = np.zeros(S, bool)
        self.t = w.t0
        self.tick = 0
        self.agent_steps = 0
        self.winner, self.end_reason, self.deciding = -1, -1, -1
        self.side_n0 = np.bincount(w.ent_side, minlength=S).astype(float)
        self.cell = grid_cell(w)
        r = w.raster
        self.flat = r.flat
        self.diag = float(np.hypot(*r.extent))
        self.wmax = w.w_range.max(axis=1)  # unused slots have range 0
        self.has_area = bool((w.w_radius > 0).any())
        self.no_conceal = bool((r.concealment[np.unique(r.terrain)] == 0).all())
        self.fields, self.f_field, self.route_field = _fields(w)
        # advance fields: none until the ground first blocks an advance (see move.py)
        self.adv_fields = np.zeros((0, *r.shape))
        self.adv_index = np.full((S, len(MOBILITY)), -1, np.int64)
        self.adv_tick = 0
        self.graphs: dict[int, object] = {}
        self.rec = Recording()
        self.alive_f = np.bincount(w.ent_force[self.alive], minlength=w.n_forces)
        self.type_key = w.ent_side.astype(np.int64) * w.n_types + w.ent_type  # (side, type)
        if record:
            self._record(snapshot=w.snapshot_every > 0)

    # ---- systems -----------------------------------------------------------------------------
    def _enemy_grid(self, s: int, own):
        """The grid of the enemies side s sees this tick (own[k]: side k's active entities)."""
        w, r = self.w, self.w.raster
        W, H = r.extent
        mine = own[s].order
        others = [g for k, g in enumerate(own) if k != s]
        if len(mine) == 0 or all(g.order.size == 0 for g in others):
            return build_grid(self.x, self.y, mine[:0], W, H, self.cell)
        t = w.ent_type[mine]
        rng_, p_ = w.type_sensor[t], w.type_detect[t]
        glob = rng_ >= self.diag
        p_global = float(p_[glob].max()) if glob.any() else 0.0
        if self.flat and p_global >= 1.0 and self.no_conceal:  # everyone is seen
            if len(others) == 1:
                return others[0]
            return build_grid(self.x, self.y, np.concatenate([g.order for g in others]), W, H,
                              self.cell)
        enemies = np.concatenate([g.order for g in others])
        seen = np.zeros(w.n, bool)
        u = self.rng["detection"].random(len(enemies))
        g = own[s]
        detect(s, seen, enemies, self.x, self.y, w.ent_type, w.type_sensor, w.type_detect,
               w.type_height, p_global, float(min(rng_.max(), self.diag)), float(p_.max()),
               self.flat, r.elevation, r.cell, r.terrain, r.concealment, g.cell, g.gw, g.gh,
               g.start, g.order, u)
        return build_grid(self.x, self.y, enemies[seen[enemies]], W, H, self.cell)

    def step(self) -> bool:
        """Advance one tick; False once the battle is over."""
        if self.end_reason >= 0:
            return False
        w, r = self.w, self.w.raster
        S = len(w.side_ids)
        W, H = r.extent
        self._arrivals()
        live = np.flatnonzero(self.alive)
        self.agent_steps += len(live)
        active = live[~self.broken[w.ent_side[live]]]
        # each side's own entities bucketed by cell: its sensors, and its queries in cell order
        own = [build_grid(self.x, self.y, active[w.ent_side[active] == s], W, H, self.cell)
               for s in range(S)]
        active = np.concatenate([g.order for g in own])
        grids = [self._enemy_grid(s, own) for s in range(S)]
        box = np.zeros((S, 4))
        for s in range(S):
            if grids[s].order.size:
                box[s] = (grids[s].px.min(), grids[s].py.min(), grids[s].px.max(),
                          grids[s].py.max())
            if grids[s].order.size and not self.contact[s]:
                self.contact[s] = True
                self._event("contact", s, float(grids[s].order.size))
        pt_off = np.cumsum([0] + [g.order.size for g in grids]).astype(np.int64)
        g0 = grids[0]
        self._nearest(own, grids)
        u = self.rng["targeting"].random(2 * len(active))
        select(active, self.x, self.y, self.hp, w.ent_side, w.ent_force, w.ent_type,
               w.force_rule, w.force_spread, w.force_rank, w.type_role, w.type_class,
               len(w.role_ids), w.type_height, self.wmax, self.flat, r.elevation, r.cell,
               g0.cell, g0.gw, g0.gh, np.stack([g.start for g in grids]), pt_off,
               np.concatenate([g.order for g in grids]), np.concatenate([g.px for g in grids]),
               np.concatenate([g.py for g in grids]), box, u, self.nn, self.nn_d2, self.tgt,
               self.aim_x, self.aim_y)
        # select() wrote tgt and aim for every active entity (and only those are read)
        shooters = active[(self.tgt[active] >= 0) | ~np.isnan(self.aim_x[active])]
        fired = np.zeros(w.n, bool)
        shot_at = np.zeros(w.n, bool)
        mk = 0
        if len(shooters):
            everyone = build_grid(self.x, self.y, live, W, H, self.cell) if self.has_area \
                else own[0]  # only area effects search all entities by position
            mk = self._fire(shooters, everyone, fired, shot_at)
        x_new, y_new = self.x.copy(), self.y.copy()
        blocked = np.zeros(w.n, bool)
        move(active, self.x, self.y, x_new, y_new, w.ent_type, w.ent_force, self.immobile,
             self.suppressed, fired, self.nn, w.force_order, w.force_to, w.force_halt,
             w.route_start, w.route_xy, self.waypoint, w.type_speed, w.type_mobility,
             w.type_suppression, w.dt, r.elevation, r.cell, r.terrain, r.cost, W, H,
             self.fields, self.f_field, self.route_field, w.ent_side, self.adv_fields,
             self.adv_index, blocked)
        if blocked.any() or (len(self.adv_fields)
                             and self.tick + 1 - self.adv_tick >= ADVANCE_REFRESH):
            self._advance_fields(blocked, grids)
        self.x, self.y = x_new, y_new
        if w.force_leave.any():
            self._leave()
        self.suppressed = shot_at & self.alive
        self.tick += 1
        self.t = w.t0 + self.tick * w.dt
        self._bookkeeping(mk)
        return self.end_reason < 0

    def _nearest(self, own, grids) -> None:
        """nn / nn_d2: each active entity's nearest enemy among those its side sees."""
        # only active entities' entries are read this tick, so only they are written
        for q, g in zip(own, grids, strict=True):
            if q.order.size == 0:
                continue
            if g.order.size == 0:
                self.nn[q.order] = -1
                self.nn_d2[q.order] = np.inf
                continue
            slot = np.empty(q.order.size, np.int64)
            d2 = np.empty(q.order.size)
            nearest_all(q.px, q.py, q.start, g.cell, g.gw, g.gh, g.start, g.px, g.py, g.pyr,
                        g.lv_off, g.lv_w, g.lv_h, CANDIDATES, slot, d2)
            self.nn[q.order] = g.order[slot]
            self.nn_d2[q.order] = d2

    def _advance_fields(self, blocked, grids) -> None:
        """Fields towards the enemies each side sees, for every (side, mobility kind) whose
        advance the ground has blocked, now or before."""
        from ..terrain.paths import field_to_points, graph

        w, r = self.w, self.w.raster
        e = np.flatnonzero(blocked)
        groups = set(zip(w.ent_side[e].tolist(), w.type_mobility[w.ent_type[e]].tolist(),
                         strict=True))
        groups |= {(int(s), int(m)) for s, m in zip(*np.nonzero(self.adv_index >= 0),
                                                    strict=True)}
        fields: list[np.ndarray] = []
        self.adv_index[:] = -1
        for s, m in sorted(groups):
            if m not in self.graphs:
                self.graphs[m] = graph(r, m)
            self.adv_index[s, m] = len(fields)
            fields.append(field_to_points(r, m, grids[s].px, grids[s].py, self.graphs[m]))
        self.adv_fields = np.stack(fields)
        self.adv_tick = self.tick + 1

    def _fire(self, shooters, everyone, fired, shot_at) -> int:
        w, r = self.w, self.w.raster
        rng = self.rng["attrition"]
        u = rng.random(2 * len(shooters))
        cap = max(len(shooters), 16)
        ammo0 = self.ammo.copy() if self.has_area else self.ammo
        while True:
            rec = (np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap, np.int64),
                   np.empty(cap))
            n_rec = shoot(shooters, self.tgt, self.aim_x, self.aim_y, self.x, self.y,
                          self.alive, w.ent_type, self.suppressed, self.ammo, w.type_class,
                          w.type_armour, w.type_suppression, w.w_range, w.w_rate,
                          w.w_accuracy, w.w_radius, w.w_damage, w.dt, r.elevation, r.cell,
                          r.terrain, r.cover, r.height_bonus, u, everyone.cell, everyone.gw,
                          everyone.gh, everyone.start, everyone.order, *rec, shot_at, fired)
            if n_rec >= 0:
                break
            self.ammo[:] = ammo0
            shot_at[:] = False
            fired[:] = False
            cap *= 4
        u_mk = rng.random(n_rec)
        return int(apply_damage(n_rec, *rec, self.hp, self.alive, self.immobile, w.ent_type,
                                w.ent_side, w.type_class, w.w_mkill, u_mk, self.dmg,
                                self.kills))

    def _arrivals(self) -> None:
        if not self.pending.any():
            return
        w = self.w
        due = self.pending & (w.force_arrive[w.ent_force] <= self.t + 1e-9 * max(1.0, abs(self.t)))
        if due.any():
            self.pending &= ~due
            self.alive |= due
            counts = np.bincount(w.ent_force[due], minlength=w.n_forces)
            self.arrived_f += counts
            self.alive_f = self.alive_f + counts
            for f in np.flatnonzero(counts):
                self._event("reinforcement_arrived", int(f), float(counts[f]))

    def _leave(self) -> None:
        """Entities at the end of a withdrawal route whose orders say `leave` quit the battle."""
        w = self.w
        f = w.ent_force
        done = (self.alive & w.force_leave[f]
                & (self.waypoint >= w.route_start[f + 1] - w.route_start[f]))
        if not done.any():
            return
        self.alive &= ~done
        self.gone |= done
        counts = np.bincount(f[done], minlength=w.n_forces)
        self.withdrawn_f += counts
        self.alive_f = self.alive_f - counts  # a force that left is not a force wiped out
        for k in np.flatnonzero(counts):
            self._event("withdrawal", int(k), float(counts[k]))

    # ---- bookkeeping -------------------------------------------------------------------------
    def _event(self, kind: str, subject: int, value: float) -> None:
        self.rec.events.append((self.t, kind, subject, value))

    def _bookkeeping(self, mobility_kills: int) -> None:
        w = self.w
        S = len(w.side_ids)
        alive_f = np.bincount(w.ent_force[self.alive], minlength=w.n_forces)
        for f in np.flatnonzero((alive_f == 0) & (self.alive_f > 0)):
            self._event("force_annihilated", int(f), 0.0)
        if mobility_kills:
            self._event("mobility_kills", -1, float(mobility_kills))
        self.alive_f = alive_f
        side_alive = np.bincount(w.force_side, weights=alive_f, minlength=S)
        for b in range(len(w.bp_ids)):
            s = int(w.bp_side[b])
            if self.broken[s]:
                continue
            hit = (w.bp_kind[b] == BP_STRENGTH and side_alive[s] < w.bp_value[b] *
                   self.side_n0[s]) or (w.bp_kind[b] == BP_TIME and self.t >= w.bp_value[b])
            if hit:
                self.broken[s] = True
                self._event("breakpoint_reached", b, float(w.bp_value[b]))
                self._event("side_broke", s, float(b))
                if self.deciding == -1:
                    self.deciding = b
        waiting = np.bincount(w.ent_side[self.pending], minlength=S)
        for s in range(S):
            if side_alive[s] == 0 and waiting[s] == 0 and not self.broken[s]:
                self.broken[s] = True
                self._event("side_broke", s, -1.0)
                if self.deciding == -1:
                    self.deciding = -2
        standing = np.flatnonzero(~self.broken)
        done = len(standing) <= 1 or self.t >= w.t_end - 1e-9 * max(abs(w.t_end), 1.0)
        if len(standing) <= 1:
            self.winner = int(standing[0]) if len(standing) == 1 else -1
            self.end_reason = END_BROKE if len(standing) == 1 else END_MUTUAL
        elif done:
            self.end_reason = END_TIME
        if done:
            self._event("battle_ended", self.winner, float(self.end_reason))
        if self.record:
            k = w.snapshot_every
            self._record(snapshot=done or (k > 0 and self.tick % k == 0))

    def _record(self, snapshot: bool) -> None:
        w, rec = self.w, self.rec
        S, T = len(w.side_ids), w.n_types
        rec.times.append(self.t)
        rec.alive.append(self.alive_f.copy())
        rec.arrived.append(self.arrived_f.copy())
        rec.withdrawn.append(self.withdrawn_f.copy())
        rec.immobile.append(np.bincount(w.ent_force[self.alive & self.immobile],
                                        minlength=w.n_forces))
        key = self.type_key[self.alive]
        rec.type_alive.append(np.bincount(key, minlength=S * T).reshape(S, T))
        rec.type_hp.append(np.bincount(key, weights=self.hp[self.alive],
                                       minlength=S * T).reshape(S, T))
        if snapshot and self.w.snapshot_every > 0:
            ids = np.flatnonzero(self.alive)
            status = np.where(self.immobile[ids], 2, 1) + 2 * self.suppressed[ids]
            rec.snapshots.append((self.t, ids, self.x[ids].astype(np.float32),
                                  self.y[ids].astype(np.float32),
                                  self.hp[ids].astype(np.float32), status.astype(np.int8)))

    def run(self, max_ticks: int | None = None) -> TacticalRun:
        while (max_ticks is None or self.tick < max_ticks) and self.step():
            pass
        return TacticalRun(self.w, self.seed, self.replication, self.rec, self.kills,
                           self.winner, self.end_reason, self.deciding, self.agent_steps,
                           self.tick)
