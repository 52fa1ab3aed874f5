"""Outcomes of every bundled scenario, reduced to what must not change: used by
test_pinned.py, and run as `python tests/pinned.py OUT.json` to write them (against any
version of warroom on the path, so a redesign can be compared with the commit before it)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(".")  # the repository root, where tests and this script run
# the bundled scenarios there were when the digests were written (later ones pin themselves)
SCENARIOS = [ROOT / "scenarios" / f"{name}.yaml" for name in
             ("hill_defence", "iwo_jima", "missile_fleets", "ridge_road")] + [
    ROOT / "docs/examples/first_battle.yaml"]
RUNS = [(None, 0), (1, 0), (2, 3)]  # (seed, replication)
# columns and ledger entries added since, not in the pinned digests (no bundled scenario before
# morale has a defector: the test checks they are all zero; nor a decoy)
NEW_COLUMNS = {"timeseries": ["hp", "defected"], "snapshots": ["decoy", "morale"]}
NEW_LEDGER = ("defected",)


def digest(table: pa.Table, skip: list[str]) -> dict:
    """A table's content (not its Parquet bytes, which carry the writer's version): a digest
    of its column names, row count and every column that is not floating point, and for each
    floating-point column three sums (of the values, of their sizes, and weighted by row, so
    a reordering shows) to compare within a tolerance: the BLAS and SIMD kernels numpy and
    scipy pick for a CPU round the ODE's arithmetic differently in the last bits."""
    h = hashlib.sha256()
    floats = {}
    h.update(str(table.num_rows).encode())
    for name in table.column_names:
        if name in skip:
            continue
        col = table.column(name).combine_chunks()
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        h.update(name.encode())
        if pa.types.is_string(col.type):
            h.update(json.dumps(col.to_pylist()).encode())
            continue
        values = np.ascontiguousarray(col.to_numpy(zero_copy_only=False))
        if not np.issubdtype(values.dtype, np.floating):
            h.update(values.tobytes())
            continue
        nan = np.isnan(values)
        h.update(np.packbits(nan).tobytes())
        x = np.where(nan, 0.0, values).astype(np.float64)
        w = np.arange(1, len(x) + 1) / max(len(x), 1)
        floats[name] = [float(x.sum()), float(np.abs(x).sum()), float((w * x).sum())]
    return {"exact": h.hexdigest()[:16], "floats": floats}


def _old_ledger(ledger: dict) -> dict:
    for row in ledger.values():
        for k in NEW_LEDGER:
            assert row.pop(k, 0.0) == 0.0, f"a pinned scenario has {k} members"
    return ledger


def outcomes() -> dict[str, dict]:
    import warroom

    out = {}
    for path in SCENARIOS:
        sc = warroom.load_scenario(path)
        for seed, rep in RUNS:
            r = warroom.simulate(sc, seed=seed, replication=rep)
            tables = {"timeseries": r.timeseries(), "events": r.events_table(),
                      **r.extra_tables()}
            out[f"{path.stem}/{seed}/{rep}"] = {
                "winner": r.winner, "end_time": r.end_time, "end_reason": r.end_reason,
                "deciding": r.deciding_breakpoint, "ledger": _old_ledger(r.final_ledger()),
                **{k: digest(t, NEW_COLUMNS.get(k, [])) for k, t in tables.items()}}
    return out


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(outcomes(), indent=1, sort_keys=True) + "\n")
