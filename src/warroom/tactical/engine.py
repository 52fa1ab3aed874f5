"""The tick loop: systems over struct-of-arrays state, in a fixed order each tick.

Synchronous update: every system reads the state as it was at the start of the tick. Detection,
then targeting and movement goals, then fire (damage summed and applied at once), then movement
(from start-of-tick positions), then bookkeeping (the core's breakpoint and end rule).
Randomness comes from one `numpy.random.Generator` per purpose and replication, drawn in
entity order by NumPy, so a result does not depend on how many threads the kernels run on.
`TacticalEngine` is the core's engine protocol over this loop; `Battle` holds a world and its
state for stepping by hand. Each entity's force and side are state: mechanics over members
(morale) see the entities as `core.Members`, scale each one's fire and speed, give it its own
manoeuvre (hold, flee) and flag defectors, whom `changed` moves to their defectors' force.
"""

from __future__ import annotations

import numpy as np

from ..core.codes import ARRIVED, DETECTION, FIRE, LOST, MOVEMENT, OBEY, WITHDRAWN
from ..core.engine import Forces, Members, Observation, book_defection, read_only, register
from ..core.events import EventKind
from ..core.orders import Order, OrderError
from ..core.picture import Picture
from ..core.sides import CIVIL, fighting, finish, resolve
from ..morale.rule import STEADY, SURRENDERED
from ..results.result import Result
from .fire import apply_damage, shoot
from .grid import build_grid, nearest_all
from .move import move
from .orders import give
from .result import tactical_result
from .sense import detect
from .state import Static, TacticalState, new_state, static
from .target import select
from .world import TacticalWorld

PENDING = np.finfo(float).max  # a side's entities are still to arrive (inf would mark it latent)
CANDIDATES = 4096  # per block of queries; more falls back to one search per query
ADVANCE_REFRESH = 5  # ticks between recomputations of the fields that lead an advance round
K = EventKind


def _enemy_grid(w: TacticalWorld, sw: Static, st: TacticalState, s: int, own):
    """The grid of the enemies side s sees this tick (own[k]: side k's active entities)."""
    r = w.raster
    W, H = r.extent
    mine = own[s].order
    # civilians are nobody's enemy and have none: only blasts reach them (`fire.shoot`)
    others = [g for k, g in enumerate(own) if k != s and not sw.civil[k]]
    seen = st.seen[s]
    seen[:] = False
    if len(mine) == 0 or sw.civil[s] or all(g.order.size == 0 for g in others):
        return build_grid(st.x, st.y, mine[:0], W, H, sw.cell)
    t = w.ent_type[mine]
    rng_ = w.type_sensor[t]
    p_ = w.type_detect[t] * st.mod[DETECTION, st.ent_force[mine]]
    glob = rng_ >= sw.diag
    p_global = float(p_[glob].max()) if glob.any() else 0.0
    g_sensor = int(mine[np.flatnonzero(glob & (p_ == p_global))[0]]) if glob.any() else -1
    if sw.flat and p_global >= 1.0 and sw.no_conceal and not sw.decoy.any():  # all seen
        for g in others:
            seen[g.order] = True
            st.spot[s, g.order] = g_sensor
        if len(others) == 1:
            return others[0]
        return build_grid(st.x, st.y, np.concatenate([g.order for g in others]), W, H, sw.cell)
    enemies = np.concatenate([g.order for g in others])
    if sw.decoy.any():  # decoys this side has seen through are no longer enemies to it
        enemies = enemies[~st.exposed[s, enemies]]
    u = st.rng["detection"].random(len(enemies))
    g = own[s]
    detect(s, seen, st.spot[s], enemies, st.x, st.y, w.ent_type, w.type_sensor, w.type_detect,
           w.type_height, p_global, g_sensor, float(min(rng_.max(), sw.diag)), float(p_.max()),
           sw.flat,
           r.elevation, r.cell, r.terrain, r.concealment, g.cell, g.gw, g.gh, g.start, g.order,
           u, st.ent_force, st.mod[DETECTION])
    found = enemies[seen[enemies]]
    if sw.decoy.any():
        found = _expose(w, sw, st, s, found, mine)
    return build_grid(st.x, st.y, found, W, H, sw.cell)


def _expose(w: TacticalWorld, sw: Static, st: TacticalState, s: int, found, mine):
    """Decoys side s sees from close enough, or with a sensor that discriminates, are seen
    through from now on; the rest of what it saw."""
    fake = found[sw.decoy[found]]
    if not len(fake):
        return found
    spotter = st.spot[s, fake]
    through = (spotter >= 0) & w.type_discriminates[w.ent_type[np.maximum(spotter, 0)]]
    reach = w.type_expose[w.ent_type[fake]]
    if (reach > 0).any() and len(mine):
        from scipy.spatial import cKDTree

        d, _ = cKDTree(np.column_stack([st.x[mine], st.y[mine]])).query(
            np.column_stack([st.x[fake], st.y[fake]]))
        through |= d <= reach
    if not through.any():
        return found
    st.exposed[s, fake[through]] = True
    st.seen[s, fake[through]] = False
    st.log.append(st.t, K.decoys_exposed, s, float(through.sum()))
    return found[~st.exposed[s, found]]


def step(w: TacticalWorld, st: TacticalState) -> bool:
    """Advance one tick; False once the battle is over."""
    if st.verdict[0]:
        return False
    r, sw, o = w.raster, static(w), st.orders
    S = w.n_sides
    W, H = r.extent
    _arrivals(w, st)
    live = np.flatnonzero(st.alive)
    st.agent_steps += len(live)
    active = live[~st.broken[st.ent_side[live]]]
    # each side's own entities bucketed by cell: its sensors, and its queries in cell order
    own = [build_grid(st.x, st.y, active[st.ent_side[active] == s], W, H, sw.cell)
           for s in range(S)]
    active = np.concatenate([g.order for g in own])
    grids = [_enemy_grid(w, sw, st, s, own) for s in range(S)]
    box = np.zeros((S, 4))
    for s in range(S):
        if grids[s].order.size:
            box[s] = (grids[s].px.min(), grids[s].py.min(), grids[s].px.max(),
                      grids[s].py.max())
        if grids[s].order.size and not st.contact[s]:
            st.contact[s] = True
            st.log.append(st.t, K.contact, s, float(grids[s].order.size))
    pt_off = np.cumsum([0] + [g.order.size for g in grids]).astype(np.int64)
    g0 = grids[0]
    _nearest(st, own, grids)
    u = st.rng["targeting"].random(2 * len(active))
    select(active, st.x, st.y, st.hp, st.ent_side, st.ent_force, w.ent_type, o.rule, o.spread,
           o.rank, w.type_role, w.type_class, len(w.role_ids), w.type_height, sw.wmax, sw.flat,
           r.elevation, r.cell, g0.cell, g0.gw, g0.gh, np.stack([g.start for g in grids]),
           pt_off, np.concatenate([g.order for g in grids]),
           np.concatenate([g.px for g in grids]), np.concatenate([g.py for g in grids]), box, u,
           st.nn, st.nn_d2, st.tgt, st.aim_x, st.aim_y, st.known, w.type_sensor)
    # select() wrote tgt and aim for every active entity (and only those are read)
    shooters = active[(st.tgt[active] >= 0) | ~np.isnan(st.aim_x[active])]
    if sw.decoy.any() and len(shooters):
        _shots_at_decoys(w, sw, st, shooters)
    fired = np.zeros(w.n, bool)
    shot_at = np.zeros(w.n, bool)
    mk = 0
    if len(shooters):
        # only area effects search all fighting entities by position (a broken side has left
        # the fight: no blast reaches it either)
        fighting_ = live[~st.broken[st.ent_side[live]]]
        everyone = build_grid(st.x, st.y, fighting_, W, H, sw.cell) if sw.has_area else own[0]
        mk = _fire(w, sw, st, shooters, everyone, fired, shot_at)
    x_new, y_new = st.x.copy(), st.y.copy()
    blocked = np.zeros(w.n, bool)
    move(active, st.x, st.y, x_new, y_new, w.ent_type, st.ent_force, st.immobile, st.suppressed,
         fired, st.nn, o.kind, o.to, o.halt, o.route_start, o.route_xy, st.waypoint,
         w.type_speed, w.type_mobility, w.type_suppression, w.dt, r.elevation, r.cell,
         r.terrain, r.cost, W, H, o.fields, o.f_field, o.route_field, st.ent_side,
         st.adv_fields, st.adv_index, blocked, st.mod[MOVEMENT], st.m_move, st.m_order)
    if blocked.any() or (len(st.adv_fields) and st.tick + 1 - st.adv_tick >= ADVANCE_REFRESH):
        _advance_fields(w, st, blocked, grids)
    st.x, st.y = x_new, y_new
    if o.leave.any():
        _leave(w, st)
    st.suppressed = shot_at & st.alive
    st.tick += 1
    st.t = w.t0 + st.tick * w.dt
    _bookkeeping(w, sw, st, mk)
    return not st.verdict[0]


def _shots_at_decoys(w: TacticalWorld, sw: Static, st: TacticalState, shooters) -> None:
    tgt = st.tgt[shooters]
    fooled = shooters[(tgt >= 0) & sw.decoy[np.maximum(tgt, 0)]]
    if len(fooled):
        per = np.bincount(st.ent_side[fooled], minlength=w.n_sides)
        for k in np.flatnonzero(per):
            st.log.append(st.t, K.shots_at_decoys, int(k), float(per[k]))


def _nearest(st: TacticalState, own, grids) -> None:
    """nn / nn_d2: each active entity's nearest enemy among those its side sees."""
    # only active entities' entries are read this tick, so only they are written
    for q, g in zip(own, grids, strict=True):
        if q.order.size == 0:
            continue
        if g.order.size == 0:
            st.nn[q.order] = -1
            st.nn_d2[q.order] = np.inf
            continue
        slot = np.empty(q.order.size, np.int64)
        d2 = np.empty(q.order.size)
        nearest_all(q.px, q.py, q.start, g.cell, g.gw, g.gh, g.start, g.px, g.py, g.pyr,
                    g.lv_off, g.lv_w, g.lv_h, CANDIDATES, slot, d2)
        st.nn[q.order] = g.order[slot]
        st.nn_d2[q.order] = d2


def _advance_fields(w: TacticalWorld, st: TacticalState, blocked, grids) -> None:
    """Fields towards the enemies each side sees, for every (side, mobility kind) whose
    advance the ground has blocked, now or before."""
    from ..terrain.paths import field_to_points, graph

    r, graphs = w.raster, static(w).graphs
    e = np.flatnonzero(blocked)
    groups = set(zip(st.ent_side[e].tolist(), w.type_mobility[w.ent_type[e]].tolist(),
                     strict=True))
    groups |= {(int(s), int(m)) for s, m in zip(*np.nonzero(st.adv_index >= 0), strict=True)}
    fields: list[np.ndarray] = []
    st.adv_index[:] = -1
    for s, m in sorted(groups):
        if m not in graphs:
            graphs[m] = graph(r, m)
        st.adv_index[s, m] = len(fields)
        fields.append(field_to_points(r, m, grids[s].px, grids[s].py, graphs[m]))
    st.adv_fields = np.stack(fields)
    st.adv_tick = st.tick + 1


def _fire(w: TacticalWorld, sw: Static, st: TacticalState, shooters, everyone, fired,
          shot_at) -> int:
    r = w.raster
    rng = st.rng["attrition"]
    u = rng.random(2 * len(shooters))
    cap = max(len(shooters), 16)
    has_area = sw.has_area
    ammo0 = st.ammo.copy() if has_area else st.ammo
    while True:
        rec = (np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty(cap, np.int64),
               np.empty(cap))
        n_rec = shoot(shooters, st.tgt, st.aim_x, st.aim_y, st.x, st.y, st.alive, w.ent_type,
                      st.suppressed, st.ammo, w.type_class, w.type_armour, w.type_suppression,
                      w.w_range, w.w_rate, w.w_accuracy, w.w_radius, w.w_damage, w.dt,
                      r.elevation, r.cell, r.terrain, r.cover, r.height_bonus, u, everyone.cell,
                      everyone.gw, everyone.gh, everyone.start, everyone.order, *rec, shot_at,
                      fired, st.ent_force, st.mod[FIRE], st.m_fire)
        if n_rec >= 0:
            break
        st.ammo[:] = ammo0
        shot_at[:] = False
        fired[:] = False
        cap *= 4
    u_mk = rng.random(n_rec)
    return int(apply_damage(n_rec, *rec, st.hp, st.alive, st.immobile, w.ent_type, st.ent_side,
                            w.type_class, w.w_mkill, u_mk, st.dmg, st.kills))


def _arrivals(w: TacticalWorld, st: TacticalState) -> None:
    if not st.pending.any():
        return
    due = st.pending & (w.force_arrive[st.ent_force] <= st.t + 1e-9 * max(1.0, abs(st.t)))
    if due.any():
        st.pending &= ~due
        st.alive |= due
        counts = np.bincount(st.ent_force[due], minlength=w.n_forces)
        st.led[ARRIVED] += counts
        st.force_alive |= counts > 0
        for f in np.flatnonzero(counts):
            st.log.append(st.t, K.reinforcement_arrived, int(f), float(counts[f]))


def _leave(w: TacticalWorld, st: TacticalState) -> None:
    """Entities at the end of a withdrawal route whose orders say `leave` quit the battle."""
    f, o = st.ent_force, st.orders
    done = st.alive & o.leave[f] & (st.waypoint >= o.route_start[f + 1] - o.route_start[f])
    if not done.any():
        return
    st.alive &= ~done
    st.gone |= done
    sw = static(w)
    counts = np.bincount(f[done & ~sw.decoy] if sw.decoy.any() else f[done],
                         minlength=w.n_forces)  # a decoy is nobody's strength
    st.led[WITHDRAWN] += counts
    left = np.bincount(f[st.alive], minlength=w.n_forces)
    st.force_alive &= ~((counts > 0) & (left == 0))  # a force that left is not wiped out
    for k in np.flatnonzero(counts):
        st.log.append(st.t, K.withdrawal, int(k), float(counts[k]))


def _judge(w: TacticalWorld, sw: Static, st: TacticalState) -> None:
    """The ledger from the living, then the core's breakpoint and end-of-battle rule."""
    S = w.n_sides
    counted = st.alive & ~sw.decoy if sw.decoy.any() else st.alive
    alive_f = np.bincount(st.ent_force[counted], minlength=w.n_forces)
    st.led[LOST] = st.x0 + st.led[ARRIVED] - st.led[WITHDRAWN] - alive_f
    waiting = np.bincount(st.ent_side[st.pending], minlength=S)
    due = np.where(waiting > 0, PENDING, -np.inf)
    due[sw.latent] = np.inf  # defectors' sides: not in the battle while empty
    due[sw.civil] = CIVIL
    log = st.log
    log.reserve(w.n_forces + 2 * len(w.bp_ids) + 2 * S + 4)
    bp_force, side_tot, flag_f, flag_b = st.scratch
    resolve(st.t, st.x0, st.led, sw.force_side, st.side_ref, due, st.force_alive, st.broken,
            w.bp_side, w.bp_kind, w.bp_value, st.bp_done, bp_force, side_tot, flag_f, flag_b,
            log.t, log.kind, log.subj, log.val, log.count, st.verdict)


def _bookkeeping(w: TacticalWorld, sw: Static, st: TacticalState, mobility_kills: int) -> None:
    """The ledger from the living, then the core's breakpoint and end-of-battle rule."""
    _judge(w, sw, st)
    log = st.log
    if mobility_kills:
        log.append(st.t, K.mobility_kills, -1, float(mobility_kills))
    done = st.verdict[0] or st.t >= w.t_end - 1e-9 * max(abs(w.t_end), 1.0)
    if done:
        finish(st.t, log.t, log.kind, log.subj, log.val, log.count, st.verdict)
    if st.record:
        k = w.snapshot_every
        record(w, sw, st, snapshot=bool(done) or (k > 0 and st.tick % k == 0))


def _transfer(w: TacticalWorld, sw: Static, st: TacticalState) -> bool:
    """Carry out what the systems asked of members, at the current instant: each member
    flagged `defect` goes over to its force's defectors (withdrawn from its force, arrived at
    theirs; those who go home leave the field as they come); members in state surrendered
    leave the fight as lost; counts asked in `transfers` beyond those are taken from the
    force's other members in entity order. Returns whether anyone moved."""
    F = w.n_forces
    f = st.ent_force
    ask = st.transfers
    flagged = st.defect & st.alive
    st.defect[:] = False
    give_up = st.alive & (st.morale == SURRENDERED)
    if not (ask.any() or flagged.any() or give_up.any()):
        return False
    go = np.full(w.n, -1, np.int64)  # each member's new force (F: gives up); -1 stays
    to = w.morale.defect_to if w.morale is not None else np.full(F, -1, np.int64)
    over = flagged & (to[f] >= 0)
    go[over] = to[f[over]]
    go[give_up & (go < 0)] = F
    for i, j in zip(*np.nonzero(ask > 0), strict=True):  # per (force, destination) asked
        already = int(np.count_nonzero((go == j) & (f == i)))
        extra = int(round(float(ask[i, j]))) - already
        if extra > 0:
            go[np.flatnonzero(st.alive & (f == i) & (go < 0))[:extra]] = j
    ask[:] = 0.0
    moved = np.flatnonzero(go >= 0)
    if moved.size == 0:
        return False
    src, dst = f[moved], go[moved]
    t, log = st.t, st.log
    sur = dst == F
    if sur.any():
        st.alive[moved[sur]] = False
        counts = np.bincount(src[sur], minlength=F)
        for k in np.flatnonzero(counts):
            log.append(t, K.surrendered, int(k), float(counts[k]))
    e, a, b = moved[~sur], src[~sur], dst[~sur]
    if e.size:
        pairs = np.bincount(a * F + b, minlength=F * F)
        for p in np.flatnonzero(pairs):
            book_defection(st.led, st.defected, w.force_leaves, int(p // F), int(p % F),
                           float(pairs[p]), lambda kind, subj, val: log.append(t, kind, subj,
                                                                               val))
        st.ent_force[e] = b
        st.ent_side[e] = sw.force_side[b]
        st.type_key[e] = st.ent_side[e] * w.n_types + w.ent_type[e]
        # they come over steady, under their new force's orders
        st.morale[e], st.m_fire[e], st.m_move[e], st.m_order[e] = STEADY, 1.0, 1.0, -1
        st.waypoint[e] = 0
        home = e[w.force_leaves[b]]
        st.alive[home] = False
        st.gone[home] = True
    left = np.bincount(f[st.alive], minlength=F)
    emptied = (np.bincount(src, minlength=F) > 0) & (left == 0)
    st.force_alive &= ~emptied  # gone over or given up, not wiped out
    return True


def _record_again(w: TacticalWorld, sw: Static, st: TacticalState) -> None:
    """The record at the current instant, after the systems changed who is where."""
    rec = st.rec
    snap = bool(st.verdict[0])
    if rec.times and abs(rec.times[-1] - st.t) <= 1e-9 * max(1.0, abs(st.t)):
        for rows in (rec.times, rec.alive, rec.arrived, rec.withdrawn, rec.immobile, rec.hp,
                     rec.type_alive, rec.type_hp):
            rows.pop()
        if rec.snapshots and abs(rec.snapshots[-1][0] - st.t) <= 1e-9 * max(1.0, abs(st.t)):
            rec.snapshots.pop()
            snap = True
    record(w, sw, st, snapshot=snap)


def record(w: TacticalWorld, sw: Static, st: TacticalState, snapshot: bool) -> None:
    rec = st.rec
    S, T = w.n_sides, w.n_types
    rec.times.append(st.t)
    rec.alive.append(np.rint(st.alive_f).astype(np.int64))
    rec.arrived.append(st.led[ARRIVED].astype(np.int64))
    rec.withdrawn.append(st.led[WITHDRAWN].astype(np.int64))
    rec.immobile.append(np.bincount(st.ent_force[st.alive & st.immobile], minlength=w.n_forces))
    rec.hp.append(np.bincount(st.ent_force[st.alive], weights=st.hp[st.alive],
                              minlength=w.n_forces))
    key = st.type_key[st.alive]
    rec.type_alive.append(np.bincount(key, minlength=S * T).reshape(S, T))
    rec.type_hp.append(np.bincount(key, weights=st.hp[st.alive], minlength=S * T).reshape(S, T))
    if snapshot and w.snapshot_every > 0:
        ids = np.flatnonzero(st.alive)
        status = np.where(st.immobile[ids], 2, 1) + 2 * st.suppressed[ids]
        rec.snapshots.append((st.t, ids, st.x[ids].astype(np.float32),
                              st.y[ids].astype(np.float32), st.hp[ids].astype(np.float32),
                              status.astype(np.int8), st.ent_force[ids], st.morale[ids].copy()))
        dead = ~st.alive & ~st.gone & ~st.pending
        if rec.dead_seen is None:
            rec.dead_seen = np.zeros(len(dead), bool)
        new = np.flatnonzero(dead & ~rec.dead_seen)
        rec.dead_seen[new] = True
        rec.deaths.append((st.t, new, st.x[new].astype(np.float32), st.y[new].astype(np.float32),
                           st.ent_force[new]))


@register("tactical")
class TacticalEngine:
    """The core's engine protocol: ticks of `dt`; `advance(until)` runs every tick that
    starts before `until`, so the state stops at the first tick boundary at or after it (a
    boundary a rounding error short of `until` counts as `until`, and the clock reads it)."""

    scale = "tactical"

    def __init__(self, record: bool = True):
        self.record_ = record

    def reset(self, world: TacticalWorld, seed: int, replication: int) -> TacticalState:
        st = new_state(world, seed, replication, self.record_)
        if st.record:
            record(world, static(world), st, snapshot=world.snapshot_every > 0)
        return st

    def advance(self, world: TacticalWorld, state: TacticalState, until: float) -> None:
        eps = 1e-9 * max(1.0, abs(state.t))
        while state.t < until - eps and step(world, state):
            pass
        if not state.verdict[0] and state.t < until <= state.t + 1e-9 * max(1.0, abs(state.t)):
            # a tick boundary within the tolerance of `until` is `until`: whoever asked to be
            # woken then (a system, a controller) is due now, not a tick later or never
            state.t = until

    def time(self, state: TacticalState) -> float:
        return state.t

    def ended(self, state: TacticalState) -> bool:
        return bool(state.verdict[0])

    def n_sides(self, world: TacticalWorld) -> int:
        return world.n_sides

    def forces(self, world: TacticalWorld, state: TacticalState) -> Forces:
        """The forces, and the entities as `Members` (force, side, alive and position read
        only; morale, fire, movement, order and defect the engine's own)."""
        sw = static(world)
        fights = fighting(np.ones(world.n_forces, bool), state.broken, sw.force_side,
                          np.zeros(world.n_forces, bool))
        members = Members(read_only(state.ent_force), read_only(state.ent_side),
                          read_only(state.alive), read_only(state.x), read_only(state.y),
                          state.morale, state.m_fire, state.m_move, state.m_order, state.defect,
                          read_only(state.hp), read_only(sw.leader), state.known)
        return Forces(read_only(state.x0), read_only(state.led), state.mod, read_only(fights),
                      read_only(sw.force_side), read_only(state.defected), state.transfers,
                      members)

    def settles(self, world: TacticalWorld, state: TacticalState, t: float) -> float:
        return t  # what arrives between two instants can change the battle at once

    def changed(self, world: TacticalWorld, state: TacticalState) -> None:
        """Carry out the defections and surrenders the systems asked for and judge the sides
        on what they left; nothing else to drop: every tick reads the modifiers and the
        members' morale afresh."""
        sw = static(world)
        if _transfer(world, sw, state):
            _judge(world, sw, state)
            if state.record:
                _record_again(world, sw, state)

    def log(self, world: TacticalWorld, state: TacticalState) -> tuple[np.ndarray, ...]:
        g, n = state.log, state.log.n
        return g.t[:n], g.kind[:n], g.subj[:n], g.val[:n]

    def observe(self, world: TacticalWorld, state: TacticalState, side: int) -> Observation:
        """Own forces exactly; of the enemy, the entities this side saw in the last tick."""
        own = world.force_side == side
        obs = Observation(state.t, side, world.force_side.astype(np.int64),
                          np.where(own, state.alive_f, np.nan), state.broken.copy(),
                          self.ended(state))
        seen = self.sightings(world, state, side)
        return obs.believing(seen.take(seen.strength > 0), obs.order_t, obs.pleas)

    def sightings(self, world: TacticalWorld, state: TacticalState, side: int) -> Picture:
        """The enemies seen in the last tick, and the decoys this side has seen through
        (strength 0: nothing there), each with the entity that saw it."""
        seen = np.flatnonzero(state.seen[side] & state.alive)
        fake = np.flatnonzero(state.exposed[side] & state.alive)
        items = np.concatenate([seen, fake]) if len(fake) else seen
        n = len(items)
        return Picture(items, state.ent_force[items].copy(),
                       np.r_[np.ones(len(seen)), np.zeros(len(fake))], state.x[items].copy(),
                       state.y[items].copy(), np.full(n, state.t), np.zeros(n),
                       state.spot[side, items].copy())

    def apply(self, world: TacticalWorld, state: TacticalState, order: Order) -> None:
        f = order.force
        if not 0 <= f < world.n_forces:
            raise OrderError(f"no force {f}")
        if state.mod[OBEY, f] < 0.5:
            state.log.append(state.t, K.order_refused, f, float(order.kind))
            return
        give(world, state, order)
        state.log.append(state.t, K.order_given, f, float(order.kind))

    def result(self, world: TacticalWorld, state: TacticalState,
               scenario_hash: str = "") -> Result:
        return tactical_result(world, state, scenario_hash)


class Battle:
    """A world and one replication's state, to step by hand (tests, benchmarks)."""

    def __init__(self, world: TacticalWorld, seed: int | None = None, replication: int = 0,
                 record: bool = True):
        self.w = world
        self.engine = TacticalEngine(record)
        self.state = self.engine.reset(world, world.seed if seed is None else seed, replication)

    def __getattr__(self, name: str):
        return getattr(self.__dict__["state"], name)

    def step(self) -> bool:
        return step(self.w, self.state)

    def run(self, max_ticks: int | None = None) -> TacticalState:
        while (max_ticks is None or self.state.tick < max_ticks) and step(self.w, self.state):
            pass
        return self.state


__all__ = ["Battle", "TacticalEngine", "step"]
