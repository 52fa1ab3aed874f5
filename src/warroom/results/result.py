"""What one simulated battle produced, at any scale: time series per force, events, ledger,
winner, end reason and the deciding breakpoint in one encoding, with scale-specific extra
tables (tactical: `by_type`, `kills`, `snapshots`). Engines build it at the edge; the run
folder, reports and experiments read only this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa

from ..core.codes import DECIDED_BY_ANNIHILATION, DECIDED_BY_NONE, END_REASONS
from ..core.events import Event, EventKind

# withdrawn and defected part what the engines count as withdrawn: initial + arrived -
# withdrawn - lost - defected = final
LEDGER = ("initial", "arrived", "withdrawn", "lost", "defected", "final")


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


def dict_column(codes: np.ndarray, names: tuple[str, ...]) -> pa.DictionaryArray:
    """Integer codes as an Arrow dictionary column of their names (how every table stores ids)."""
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(names))


def stacked(records, dtypes) -> list[np.ndarray]:
    """Records (t, a1, a2, ...) of equal-length arrays as columns: each record's time once
    per row, then each array concatenated as its dtype (an empty column with no records).
    How the tables that record something every so often (snapshots, pictures, positions)
    are built."""
    n = [len(r[1]) for r in records]
    t = np.repeat(np.array([r[0] for r in records], float), n)
    return [t, *(np.concatenate([r[k] for r in records]).astype(dt) if records
                 else np.zeros(0, dt) for k, dt in enumerate(dtypes, start=1))]


@dataclass(frozen=True)
class Names:
    """The names of what the engine saw as indices, and facts for the summary."""

    scenario: str
    scale: str
    solver: str
    time_unit: str
    side_ids: tuple[str, ...]
    force_ids: tuple[str, ...]
    force_side: np.ndarray
    bp_ids: tuple[str, ...]
    bp_side: np.ndarray


@dataclass(frozen=True, eq=False)
class Result:
    names: Names
    seed: int
    scenario_hash: str
    times: np.ndarray  # (T,) recorded times
    x0: np.ndarray  # (F,) initial strength of each force
    ledger: np.ndarray  # (T, 3, F) cumulative arrived, withdrawn, lost
    # the events, or what makes them when first read (`events`): a campaign logs tens of
    # thousands, which an experiment's replication never reads
    event_log: list[Event] | Callable[[], list[Event]]
    winner_index: int  # -1: none
    reason: int  # an END_REASONS key; -1 while running
    deciding: int  # breakpoint index, DECIDED_BY_NONE or DECIDED_BY_ANNIHILATION
    per_force: dict[str, np.ndarray] = field(default_factory=dict)  # more (T, F) series
    facts: dict[str, Any] = field(default_factory=dict)  # more summary entries
    extras: Callable[[], dict[str, pa.Table]] = field(default=dict)
    may_defect: bool = True  # False: no event is a defection (nothing to look for)

    @cached_property
    def events(self) -> list[Event]:
        log = self.event_log
        return log() if callable(log) else log

    @cached_property
    def strength(self) -> np.ndarray:
        """(time, force) strength at each recorded time.

        From the ledger, so initial + arrived - withdrawn - lost = strength exactly for
        whole-unit solvers; for continuous solvers a force emptied by a withdrawal can leave a
        rounding residue of a few ulps, which is shown as zero.
        """
        led = self.ledger
        return np.maximum(self.x0 + led[:, 0] - led[:, 1] - led[:, 2], 0.0)

    @cached_property
    def defected(self) -> np.ndarray:
        """(time, force) members who had gone over to another side by each recorded time
        (the engines count them as withdrawn; the ledger shows them apart)."""
        out = np.zeros((len(self.times), len(self.names.force_ids)))
        if not self.may_defect:
            return out
        index = {f: i for i, f in enumerate(self.names.force_ids)}
        for e in self.events:
            if e.kind is EventKind.defected:
                out[np.searchsorted(self.times, e.t, side="left"):, index[e.subject]] += e.value
        return out

    def timeseries(self) -> pa.Table:
        """Long table: one row per recorded time and force."""
        n = self.names
        n_t, F = len(self.times), len(n.force_ids)
        led = self.ledger
        cols = {"t": np.repeat(self.times, F),
                "side": dict_column(np.tile(n.force_side, n_t), n.side_ids),
                "force": dict_column(np.tile(np.arange(F), n_t), n.force_ids),
                "strength": self.strength.reshape(-1),
                "arrived": led[:, 0].reshape(-1),
                "withdrawn": (led[:, 1] - self.defected).reshape(-1),
                "lost": led[:, 2].reshape(-1),
                "defected": self.defected.reshape(-1)}
        cols.update({k: v.reshape(-1) for k, v in self.per_force.items()})
        return pa.table(cols)

    def events_table(self) -> pa.Table:
        return events_table(self.events)

    def extra_tables(self) -> dict[str, pa.Table]:
        """Scale-specific tables beyond the time series and the events."""
        return self.extras()

    @property
    def winner(self) -> str | None:
        return self.names.side_ids[self.winner_index] if self.winner_index >= 0 else None

    @property
    def end_time(self) -> float:
        return float(self.times[-1])

    @property
    def end_reason(self) -> str:
        return END_REASONS.get(self.reason, "running")

    @property
    def deciding_breakpoint(self) -> str | None:
        d = self.deciding
        if d == DECIDED_BY_NONE:
            return None
        return "no strength left" if d == DECIDED_BY_ANNIHILATION else self.names.bp_ids[d]

    def final_ledger(self) -> dict[str, dict[str, Any]]:
        """Per force: initial, arrived, withdrawn, lost, defected, final."""
        n, led, x = self.names, self.ledger[-1], self.strength[-1]
        gone = self.defected[-1] if len(self.times) else np.zeros(len(n.force_ids))
        return {
            f: {"side": n.side_ids[n.force_side[i]], "initial": float(self.x0[i]),
                "arrived": float(led[0, i]), "withdrawn": float(led[1, i] - gone[i]),
                "lost": float(led[2, i]), "defected": float(gone[i]), "final": float(x[i])}
            for i, f in enumerate(n.force_ids)
        }

    def side_summary(self) -> dict[str, dict[str, float]]:
        return side_summary(self.final_ledger(), self.names.side_ids)

    def summary(self) -> dict:
        n = self.names
        return {"scenario": n.scenario, "seed": self.seed, "solver": n.solver,
                "time_unit": n.time_unit, "winner": self.winner, "end_time": self.end_time,
                "end_reason": self.end_reason, "deciding_breakpoint": self.deciding_breakpoint,
                **self.facts, "sides": self.side_summary(), "forces": self.final_ledger()}
