"""The numbers an analyst asks of an experiment, per parameter point: who wins how often (with a
95% Wilson interval), losses, duration, and how battles ended."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..stats import wilson

# what mechanics add to a replication's row (morale, civilians, command), summarised beside
# the losses: by name, or by a name's start (one column per side)
FACTS = ("cascade_size", "time_to_collapse", "civilians_harmed")
FACT_PREFIXES = ("messages_", "report_delay_", "order_delay_", "belief_", "fleets_lost:",
                 "worlds_taken:", "worlds_destroyed:")
# kept in each replication's row, not summarised: a campaign's facts by fleet group, by what
# fleets were doing when lost, and at its milestones (`@year3`)
ROW_PREFIXES = ("fleets_lost", "fleets:", "worlds", "battles")


def is_fact(column: str) -> bool:
    return (column in FACTS or column.startswith(FACT_PREFIXES)) and "@" not in column


def is_kept(column: str) -> bool:
    return is_fact(column) or column.startswith(ROW_PREFIXES)


def _stats(x: np.ndarray) -> dict[str, float]:
    if len(x) == 0:
        return {"mean": float("nan"), "median": float("nan"), "p5": float("nan"),
                "p95": float("nan")}
    return {"mean": float(np.mean(x)), "median": float(np.median(x)),
            "p5": float(np.percentile(x, 5)), "p95": float(np.percentile(x, 95))}


def summarise(rows: pa.Table, points: list[dict], sides: tuple[str, ...],
              manifest: dict) -> dict:
    df = rows.to_pandas()
    # every force has lost_, withdrawn_ and final_ columns beside its side's
    forces = [c[len("withdrawn_"):] for c in df.columns
              if c.startswith("withdrawn_") and c[len("withdrawn_"):] not in sides]
    out = {"scenario": manifest["scenario"], "scenario_hash": manifest["scenario_hash"],
           "seed": manifest["seed"], "n": manifest["n"], "kind": manifest["kind"],
           "points": []}
    for k, params in enumerate(points):
        d = df[df["point"] == k]
        n = len(d)
        wins = {}
        for s in [*sides, None]:
            c = int((d["winner"] == s).sum()) if s is not None else int(d["winner"].isna().sum())
            lo, hi = wilson(c, n)
            wins["none" if s is None else s] = {"count": c, "p": c / n if n else float("nan"),
                                                "low": lo, "high": hi}
        outcome = ["winner", "duration", *(f"lost_{s}" for s in sides)]
        distinct = int(len(d[outcome].drop_duplicates())) if n else 0
        out["points"].append({
            "point": k, "parameters": params, "n": n, "wins": wins,
            "distinct_outcomes": distinct,
            "losses": {s: _stats(d[f"lost_{s}"].to_numpy(float)) for s in sides},
            "withdrawn": {s: _stats(d[f"withdrawn_{s}"].to_numpy(float)) for s in sides},
            "final": {s: _stats(d[f"final_{s}"].to_numpy(float)) for s in sides},
            "forces": {f: {what: _stats(d[f"{what}_{f}"].to_numpy(float))
                           for what in ("lost", "withdrawn", "final")} for f in forces},
            "duration": _stats(d["duration"].to_numpy(float)),
            "end_reasons": {str(k2): int(v) for k2, v in d["end_reason"].value_counts().items()},
            "deciding": {str(k2): int(v) for k2, v in
                         d["deciding"].fillna("none").value_counts().items()},
            # over the replications where the fact has a value (nan: e.g. never collapsed)
            "facts": {c: {**_stats(v[~np.isnan(v)]), "n": int((~np.isnan(v)).sum())}
                      for c in df.columns if is_fact(c)
                      for v in [d[c].to_numpy(float)]},
        })
    # every replication the same battle (a deterministic solver): an interval over copies
    # says nothing about chance, and the reader must be told
    out["deterministic"] = all(p["n"] > 1 and p["distinct_outcomes"] == 1
                               for p in out["points"])
    return out
