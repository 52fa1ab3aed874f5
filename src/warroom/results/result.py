"""What one simulated battle produced: time series, events and a summary, as Arrow tables."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa

from ..aggregate.state import N_EV, N_REC, REASON, WINNER, BattleState
from ..events import END_REASONS, PRIORITY, Event, EventKind
from ..world.compile import World

LEDGER = ("initial", "arrived", "withdrawn", "lost", "final")


def events_table(ev: list[Event]) -> pa.Table:
    """Typed events as an Arrow table, in their (time, priority, sequence) order."""
    return pa.table({
        "t": pa.array([e.t for e in ev], pa.float64()),
        "priority": pa.array([e.priority for e in ev], pa.int8()),
        "seq": pa.array([e.seq for e in ev], pa.int32()),
        "kind": pa.array([e.kind.name for e in ev], pa.string()),
        "subject": pa.array([e.subject for e in ev], pa.string()),
        "side": pa.array([e.side for e in ev], pa.string()),
        "value": pa.array([e.value for e in ev], pa.float64()),
        "message": pa.array([e.message for e in ev], pa.string()),
    })


def side_summary(ledger: dict[str, dict[str, Any]],
                 side_ids: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Per side, the sums of its forces' ledgers."""
    out = {s: dict.fromkeys(LEDGER, 0.0) for s in side_ids}
    for row in ledger.values():
        for k in LEDGER:
            out[row["side"]][k] += row[k]
    return out


@dataclass(frozen=True, eq=False)
class Result:
    world: World
    state: BattleState
    seed: int
    scenario_hash: str

    # ---- recording ---------------------------------------------------------------------------
    @cached_property
    def times(self) -> np.ndarray:
        return self.state.rec_t[: int(self.state.scal[N_REC])].copy()

    @cached_property
    def ledger(self) -> np.ndarray:
        """(time, [arrived, withdrawn, lost], force) cumulative ledger at each recorded time."""
        return self.state.rec_led[: int(self.state.scal[N_REC])].copy()

    @cached_property
    def strength(self) -> np.ndarray:
        """(time, force) strength at each recorded time.

        From the ledger, so initial + arrived - withdrawn - lost = strength exactly for the
        whole-unit (stochastic) solvers; for continuous solvers a force emptied by a withdrawal
        can leave a rounding residue of a few ulps, which is shown as zero.
        """
        led = self.ledger
        return np.maximum(self.world.x0 + led[:, 0] - led[:, 1] - led[:, 2], 0.0)

    def timeseries(self) -> pa.Table:
        """Long table: one row per recorded time and force."""
        w, n_t, F = self.world, len(self.times), self.world.n_forces
        led = self.ledger
        force = pa.DictionaryArray.from_arrays(
            pa.array(np.tile(np.arange(F, dtype=np.int32), n_t)), pa.array(w.force_ids))
        side = pa.DictionaryArray.from_arrays(
            pa.array(np.tile(w.force_side.astype(np.int32), n_t)), pa.array(w.side_ids))
        return pa.table({
            "t": np.repeat(self.times, F),
            "side": side,
            "force": force,
            "strength": self.strength.reshape(-1),
            "arrived": led[:, 0].reshape(-1),
            "withdrawn": led[:, 1].reshape(-1),
            "lost": led[:, 2].reshape(-1),
        })

    # ---- events ------------------------------------------------------------------------------
    @cached_property
    def events(self) -> list[Event]:
        s, n = self.state, int(self.state.scal[N_EV])
        kinds = s.ev_kind[:n]
        order = np.lexsort((np.arange(n), PRIORITY[kinds], s.ev_t[:n]))
        return [
            self._event(seq, float(s.ev_t[i]), EventKind(int(kinds[i])), int(s.ev_subj[i]),
                        float(s.ev_val[i]))
            for seq, i in enumerate(order)
        ]

    def _event(self, seq: int, t: float, kind: EventKind, subj: int, val: float) -> Event:
        w = self.world
        K = EventKind
        side: str | None = None
        if kind in (K.reinforcement_arrived, K.reinforcement_began, K.withdrawal,
                    K.withdrawal_began):
            subject = w.tr_ids[subj]
            force = w.force_ids[w.tr_force[subj]]
            side = w.side_ids[w.force_side[w.tr_force[subj]]]
            verb = {K.reinforcement_arrived: f"{val:,.0f} arrive to join {force}",
                    K.reinforcement_began: f"{val:,.0f} begin arriving to join {force} until "
                    f"t={w.tr_to[subj]:g}",
                    K.withdrawal: f"{val:,.0f} withdraw from {force}",
                    K.withdrawal_began: f"{val:,.0f} begin withdrawing from {force} until "
                    f"t={w.tr_to[subj]:g}"}[kind]
            message = f"{subject}: {verb}"
        elif kind in (K.engagement_began, K.engagement_ended):
            subject = w.eng_ids[subj]
            message = f"engagement {subject} ({w.eng_law[subj]} law) " + (
                "begins" if kind is K.engagement_began else "ends")
        elif kind is K.force_annihilated:
            subject, side = w.force_ids[subj], w.side_ids[w.force_side[subj]]
            message = f"{subject} ({side}) is annihilated"
        elif kind is K.breakpoint_reached:
            subject, side = w.bp_ids[subj], w.side_ids[w.bp_side[subj]]
            what = {0: f"strength below {val:.0%} of initial", 1: f"force ratio below {val:g}",
                    2: f"time limit t={val:g}"}[int(w.bp_kind[subj])]
            message = f"{side} reaches breakpoint {subject}: {what}"
        elif kind is K.side_broke:
            subject = side = w.side_ids[subj]
            why = "no strength left in the field" if val < 0 else f"breakpoint {w.bp_ids[int(val)]}"
            message = f"{side} breaks ({why})"
        else:
            subject = w.side_ids[subj] if subj >= 0 else ""
            side = subject or None
            reason = END_REASONS[int(val)]
            message = {"time": "the battle ends at the clock's end with no side broken",
                       "side_broke": f"the battle ends: {subject} wins",
                       "mutual": "the battle ends with every side broken: a draw"}[reason]
        return Event(t, int(PRIORITY[kind]), seq, kind, subject, side, val, message)

    def events_table(self) -> pa.Table:
        return events_table(self.events)

    def extra_tables(self) -> dict[str, pa.Table]:
        """Tables beyond time series and events (a tactical battle has some; this has none)."""
        return {}

    # ---- summary -----------------------------------------------------------------------------
    @property
    def winner(self) -> str | None:
        k = int(self.state.scal[WINNER])
        return self.world.side_ids[k] if k >= 0 else None

    @property
    def end_time(self) -> float:
        return float(self.times[-1])

    @property
    def end_reason(self) -> str:
        return END_REASONS[int(self.state.scal[REASON])]

    @property
    def deciding_breakpoint(self) -> str | None:
        broke = [e for e in self.events if e.kind is EventKind.side_broke]
        if not broke:
            return None
        e = broke[0]
        return "no strength left" if e.value < 0 else self.world.bp_ids[int(e.value)]

    def final_ledger(self) -> dict[str, dict[str, Any]]:
        """Per force: initial, arrived, withdrawn, lost, final."""
        led, x = self.ledger[-1], self.strength[-1]
        return {
            f: {"side": self.world.side_ids[self.world.force_side[i]],
                "initial": float(self.world.x0[i]), "arrived": float(led[0, i]),
                "withdrawn": float(led[1, i]), "lost": float(led[2, i]), "final": float(x[i])}
            for i, f in enumerate(self.world.force_ids)
        }

    def side_summary(self) -> dict[str, dict[str, float]]:
        return side_summary(self.final_ledger(), self.world.side_ids)

    def summary(self) -> dict:
        return {
            "scenario": self.world.name,
            "seed": self.seed,
            "solver": self.world.solver,
            "time_unit": self.world.time_unit,
            "winner": self.winner,
            "end_time": self.end_time,
            "end_reason": self.end_reason,
            "deciding_breakpoint": self.deciding_breakpoint,
            "sides": self.side_summary(),
            "forces": self.final_ledger(),
        }
