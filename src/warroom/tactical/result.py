"""What one tactical battle produced, as Arrow tables: the same time series, events and summary
as an aggregate battle (so the same reports apply), plus strength by entity type, kills by
shooter and target type, and snapshots of entity positions for the replay page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa

from ..events import END_REASONS, PRIORITY, Event, EventKind
from ..results.result import events_table, side_summary
from .engine import TacticalRun


def _dict(codes: np.ndarray, names: tuple[str, ...]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(names))


@dataclass(frozen=True, eq=False)
class TacticalResult:
    run: TacticalRun
    scenario_hash: str

    @property
    def world(self):
        return self.run.world

    @property
    def seed(self) -> int:
        return self.run.seed

    @cached_property
    def times(self) -> np.ndarray:
        return np.array(self.run.rec.times)

    @cached_property
    def alive(self) -> np.ndarray:
        """(time, force) living entities."""
        return np.array(self.run.rec.alive, dtype=np.float64)

    @cached_property
    def initial(self) -> np.ndarray:
        """Entities of each force present at the start (a force arriving later starts at 0)."""
        w = self.world
        return np.where(w.force_arrive > w.t0, 0, w.force_count).astype(np.float64)

    def timeseries(self) -> pa.Table:
        w, n_t, F = self.world, len(self.times), self.world.n_forces
        arrived = np.array(self.run.rec.arrived, np.float64)
        withdrawn = np.array(self.run.rec.withdrawn, np.float64)
        lost = self.initial[None, :] + arrived - withdrawn - self.alive
        return pa.table({
            "t": np.repeat(self.times, F),
            "side": _dict(np.tile(w.force_side, n_t), w.side_ids),
            "force": _dict(np.tile(np.arange(F), n_t), w.force_ids),
            "strength": self.alive.reshape(-1),
            "arrived": arrived.reshape(-1),
            "withdrawn": withdrawn.reshape(-1),
            "lost": lost.reshape(-1),
            "immobilised": np.array(self.run.rec.immobile, np.float64).reshape(-1),
        })

    def by_type(self) -> pa.Table:
        """Per recorded time, side and entity type: entities alive and their hit points."""
        w = self.world
        S, T = len(w.side_ids), w.n_types
        alive = np.array(self.run.rec.type_alive).reshape(-1)
        hp = np.array(self.run.rec.type_hp).reshape(-1)
        n_t = len(self.times)
        side = np.tile(np.repeat(np.arange(S), T), n_t)
        typ = np.tile(np.tile(np.arange(T), S), n_t)
        keep = np.tile((np.bincount(w.ent_side.astype(np.int64) * T + w.ent_type,
                                    minlength=S * T) > 0), n_t)
        return pa.table({"t": np.repeat(self.times, S * T)[keep],
                         "side": _dict(side[keep], w.side_ids),
                         "type": _dict(typ[keep], w.type_ids),
                         "alive": alive[keep].astype(np.int64), "hp": hp[keep]})

    def kills(self) -> pa.Table:
        """Kills credited to each (side, shooter type) on each target type, over the battle."""
        w = self.world
        s, a, b = np.nonzero(self.run.kills)
        return pa.table({"side": _dict(s, w.side_ids), "shooter_type": _dict(a, w.type_ids),
                         "target_type": _dict(b, w.type_ids),
                         "kills": self.run.kills[s, a, b]})

    def snapshots(self) -> pa.Table:
        """Every k ticks: each living entity's position, hit points and status (1 fighting,
        2 immobilised, +2 suppressed)."""
        w = self.world
        snaps = self.run.rec.snapshots
        if not snaps:
            ids = np.zeros(0, np.int64)
            cols = {"t": np.zeros(0), "entity": ids, "x": np.zeros(0, np.float32),
                    "y": np.zeros(0, np.float32), "hp": np.zeros(0, np.float32),
                    "status": np.zeros(0, np.int8)}
        else:
            ids = np.concatenate([s[1] for s in snaps])
            cols = {"t": np.concatenate([np.full(len(s[1]), s[0]) for s in snaps]),
                    "entity": ids, "x": np.concatenate([s[2] for s in snaps]),
                    "y": np.concatenate([s[3] for s in snaps]),
                    "hp": np.concatenate([s[4] for s in snaps]),
                    "status": np.concatenate([s[5] for s in snaps])}
        return pa.table({**cols, "side": _dict(w.ent_side[ids], w.side_ids),
                         "force": _dict(w.ent_force[ids], w.force_ids),
                         "type": _dict(w.ent_type[ids], w.type_ids)})

    def extra_tables(self) -> dict[str, pa.Table]:
        return {"by_type": self.by_type(), "kills": self.kills(),
                "snapshots": self.snapshots()}

    # ---- events ------------------------------------------------------------------------------
    @cached_property
    def events(self) -> list[Event]:
        raw = self.run.rec.events
        kinds = [EventKind[k] for _, k, _, _ in raw]
        order = sorted(range(len(raw)), key=lambda i: (raw[i][0], PRIORITY[kinds[i]], i))
        return [self._event(seq, raw[i][0], kinds[i], raw[i][2], raw[i][3])
                for seq, i in enumerate(order)]

    def _event(self, seq: int, t: float, kind: EventKind, subj: int, val: float) -> Event:
        w, K = self.world, EventKind
        side: str | None = None
        if kind is K.contact:
            subject = side = w.side_ids[subj]
            message = f"{side} makes contact: {val:,.0f} enemies seen"
        elif kind in (K.reinforcement_arrived, K.withdrawal, K.force_annihilated):
            subject, side = w.force_ids[subj], w.side_ids[w.force_side[subj]]
            message = f"{subject} ({side})" + {
                K.reinforcement_arrived: f": {val:,.0f} arrive",
                K.withdrawal: f": {val:,.0f} withdraw off the field",
                K.force_annihilated: " is wiped out"}[kind]
        elif kind is K.mobility_kills:
            subject = ""
            message = f"{val:,.0f} immobilised (mobility kill)"
        elif kind is K.breakpoint_reached:
            subject, side = w.bp_ids[subj], w.side_ids[w.bp_side[subj]]
            what = (f"fewer than {val:.0%} of its entities left" if w.bp_kind[subj] == 0
                    else f"time limit t={val:g}")
            message = f"{side} reaches breakpoint {subject}: {what}"
        elif kind is K.side_broke:
            subject = side = w.side_ids[subj]
            why = "no one left standing" if val < 0 else f"breakpoint {w.bp_ids[int(val)]}"
            message = f"{side} breaks ({why})"
        else:
            subject = w.side_ids[subj] if subj >= 0 else ""
            side = subject or None
            message = {"time": "the battle ends at the clock's end with no side broken",
                       "side_broke": f"the battle ends: {subject} wins",
                       "mutual": "the battle ends with every side broken: a draw"}[
                END_REASONS[int(val)]]
        return Event(t, int(PRIORITY[kind]), seq, kind, subject, side, val, message)

    def events_table(self) -> pa.Table:
        return events_table(self.events)

    # ---- summary -----------------------------------------------------------------------------
    @property
    def winner(self) -> str | None:
        return self.world.side_ids[self.run.winner] if self.run.winner >= 0 else None

    @property
    def end_time(self) -> float:
        return float(self.times[-1])

    @property
    def end_reason(self) -> str:
        return END_REASONS[self.run.end_reason] if self.run.end_reason >= 0 else "running"

    @property
    def deciding_breakpoint(self) -> str | None:
        d = self.run.deciding
        return None if d == -1 else "no strength left" if d == -2 else self.world.bp_ids[d]

    def final_ledger(self) -> dict[str, dict[str, Any]]:
        w, last = self.world, self.alive[-1]
        arrived = np.array(self.run.rec.arrived[-1], np.float64)
        gone = np.array(self.run.rec.withdrawn[-1], np.float64)
        return {f: {"side": w.side_ids[w.force_side[i]], "initial": float(self.initial[i]),
                    "arrived": float(arrived[i]), "withdrawn": float(gone[i]),
                    "lost": float(self.initial[i] + arrived[i] - gone[i] - last[i]),
                    "final": float(last[i])}
                for i, f in enumerate(w.force_ids)}

    def side_summary(self) -> dict[str, dict[str, float]]:
        return side_summary(self.final_ledger(), self.world.side_ids)

    def summary(self) -> dict:
        w = self.world
        return {"scenario": w.name, "seed": self.seed, "solver": "tactical",
                "time_unit": w.time_unit, "winner": self.winner, "end_time": self.end_time,
                "end_reason": self.end_reason, "deciding_breakpoint": self.deciding_breakpoint,
                "ticks": self.run.ticks, "entities": int(w.n),
                "sides": self.side_summary(), "forces": self.final_ledger()}
