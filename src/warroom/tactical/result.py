"""A tactical battle's state at the end as the core's one `Result`: the same time series
(with hit points and the immobilised beside heads), events and summary as an aggregate battle,
plus strength by entity type, kills by shooter and target type, and snapshots of entity
positions for the replay page."""

from __future__ import annotations

from functools import partial

import numpy as np
import pyarrow as pa

from ..core.events import EventKind
from ..morale.rule import STATES
from ..results.events import Words, decode
from ..results.result import Names, Result, dict_column, stacked
from .state import TacticalState
from .world import TacticalWorld


def tactical_result(w: TacticalWorld, st: TacticalState, scenario_hash: str = "") -> Result:
    rec = st.rec
    times = np.array(rec.times)
    alive = np.array(rec.alive, np.float64)
    arrived = np.array(rec.arrived, np.float64)
    withdrawn = np.array(rec.withdrawn, np.float64)
    lost = st.x0[None, :] + arrived - withdrawn - alive
    ledger = np.stack([arrived, withdrawn, lost], axis=1)
    names = Names(w.name, "tactical", "tactical", w.time_unit, w.side_ids, w.force_ids,
                  w.force_side, w.bp_ids, w.bp_side)
    g = st.log
    events = decode(names, w.bp_kind, WORDS, partial(_special, w),
                    (g.t[:g.n], g.kind[:g.n], g.subj[:g.n], g.val[:g.n]))
    return Result(
        names, st.seed, scenario_hash, times, st.x0, ledger, events, st.winner, st.end_reason,
        st.deciding,
        per_force={"immobilised": np.array(rec.immobile, np.float64),
                   "hp": np.array(rec.hp, np.float64)},
        facts={"ticks": st.tick, "entities": int(w.n)},
        extras=lambda: {"by_type": by_type(w, st, times), "kills": kills(w, st),
                        "snapshots": snapshots(w, st), "deaths": deaths(w, st),
                        "terrain": terrain(w)})


def by_type(w: TacticalWorld, st: TacticalState, times: np.ndarray) -> pa.Table:
    """Per recorded time, side and entity type: entities alive and their hit points."""
    S, T = w.n_sides, w.n_types
    alive = np.array(st.rec.type_alive).reshape(-1)
    hp = np.array(st.rec.type_hp).reshape(-1)
    n_t = len(times)
    side = np.tile(np.repeat(np.arange(S), T), n_t)
    typ = np.tile(np.tile(np.arange(T), S), n_t)
    # the (side, type) pairs present at the start, and any that defectors made since
    present = np.bincount(w.ent_side.astype(np.int64) * T + w.ent_type, minlength=S * T) > 0
    if n_t:
        present |= np.array(st.rec.type_alive).reshape(n_t, S * T).any(axis=0)
    keep = np.tile(present, n_t)
    return pa.table({"t": np.repeat(times, S * T)[keep],
                     "side": dict_column(side[keep], w.side_ids),
                     "type": dict_column(typ[keep], w.type_ids),
                     "alive": alive[keep].astype(np.int64), "hp": hp[keep]})


def deaths(w: TacticalWorld, st: TacticalState) -> pa.Table:
    """At each snapshot, the entities killed since the one before, where they fell."""
    t, ids, x, y, force = stacked(st.rec.deaths, (np.int64, np.float32, np.float32, np.int64))
    return pa.table({"t": t, "entity": ids, "x": x, "y": y,
                     "side": dict_column(w.force_side[force].astype(np.int64), w.side_ids),
                     "type": dict_column(w.ent_type[ids].astype(np.int64), w.type_ids)})


TERRAIN_CELLS = 400  # the terrain table's cells on the map's long side, at most


def terrain(w: TacticalWorld) -> pa.Table:
    """The map for the war room: every k-th cell's class and elevation (k so that the long
    side has at most TERRAIN_CELLS), with its row and column in that grid, its centre and
    its size in metres."""
    r = w.raster
    H, W = r.shape
    k = max(1, -(-max(H, W) // TERRAIN_CELLS))
    grid_r, grid_c = np.meshgrid(np.arange(0, H, k), np.arange(0, W, k), indexing="ij")
    rows, cols = grid_r.ravel(), grid_c.ravel()
    size = k * r.cell
    return pa.table({"row": pa.array(rows // k, pa.int32()), "col": pa.array(cols // k, pa.int32()),
                     "x": pa.array((cols + k / 2) * r.cell, pa.float32()),
                     "y": pa.array((rows + k / 2) * r.cell, pa.float32()),
                     "cell": pa.array(np.full(len(rows), size), pa.float32()),
                     "terrain": dict_column(r.terrain[rows, cols].astype(np.int64), r.class_ids),
                     "elevation": pa.array(r.elevation[rows, cols], pa.float32())})


def kills(w: TacticalWorld, st: TacticalState) -> pa.Table:
    """Kills credited to each (side, shooter type) on each target type, over the battle."""
    s, a, b = np.nonzero(st.kills)
    return pa.table({"side": dict_column(s, w.side_ids), "shooter_type": dict_column(a, w.type_ids),
                     "target_type": dict_column(b, w.type_ids), "kills": st.kills[s, a, b]})


def snapshots(w: TacticalWorld, st: TacticalState) -> pa.Table:
    """Every k ticks: each living entity's position, hit points and status (1 fighting,
    2 immobilised, +2 suppressed), whether it is a decoy, and its morale (steady where the
    battle has none)."""
    t, ids, x, y, hp, status, force, morale = stacked(
        st.rec.snapshots,
        (np.int64, np.float32, np.float32, np.float32, np.int8, np.int64, np.int64))
    return pa.table({"t": t, "entity": ids, "x": x, "y": y, "hp": hp, "status": status,
                     "side": dict_column(w.force_side[force], w.side_ids),
                     "force": dict_column(force, w.force_ids),  # as it stood then (defection)
                     "type": dict_column(w.ent_type[ids], w.type_ids),
                     "decoy": pa.array(w.type_decoy[w.ent_type[ids]], pa.bool_()),
                     "morale": dict_column(morale, STATES)})


WORDS = Words("is wiped out", "fewer than {:.0%} of its entities left", "no one left standing")


def _special(w: TacticalWorld, kind: EventKind, subj: int, val: float):
    """Contact, arrivals, withdrawals off the field and mobility kills, in a tactical's words."""
    K = EventKind
    if kind is K.contact:
        side = w.side_ids[subj]
        return side, side, f"{side} makes contact: {val:,.0f} enemies seen"
    if kind in (K.reinforcement_arrived, K.withdrawal):
        subject, side = w.force_ids[subj], w.side_ids[w.force_side[subj]]
        what = (f": {val:,.0f} arrive" if kind is K.reinforcement_arrived
                else f": {val:,.0f} withdraw off the field")
        return subject, side, f"{subject} ({side}){what}"
    if kind is K.decoys_exposed:
        side = w.side_ids[subj]
        return side, side, f"{side} sees through {val:,.0f} decoys"
    if kind is K.shots_at_decoys:
        side = w.side_ids[subj]
        return side, side, f"{val:,.0f} of {side}'s shooters aim at decoys"
    if kind is K.mobility_kills:
        return "", None, f"{val:,.0f} immobilised (mobility kill)"
    return None
