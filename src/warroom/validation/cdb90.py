"""CDB90 (CAA database of 660 battles, 1600-1982), read from the raw patched flat file.

The tidy `data/battles.csv` turned every negative code into a missing value (so no attacker ever
lost there); the raw file keeps them: WINA 1 attacker won, 0 draw, -1 attacker lost, -9 unknown.
In the raw file -1 marks a missing strength or casualty count and -9 (9 for AEROA) an unknown
coded factor; both become NaN here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UserError

RAW = Path("src-data/CDB90/CDB90-patched.csv")
OUTCOMES = {1: "attacker_won", 0: "draw", -1: "defender_won", -9: "unknown"}
NUMERIC = ["STRA", "STRD", "INTSTA", "INTSTD", "RERPA", "RERPD", "CASA", "CASD", "FINSTA",
           "FINSTD"]
ADVANTAGES = ["SURPA", "AEROA", "CEA", "LEADA", "TRNGA", "MORALA", "LOGSA", "MOMNTA", "INTELA",
              "TECHA", "INITA"]


def load(folder: str | Path) -> pd.DataFrame:
    """One row per battle: outcome, strengths, casualties, posture, terrain, advantage codes."""
    path = Path(folder) / RAW
    if not path.exists():
        raise UserError(f"{path}: not found; expected the CDB90 data folder (../shared/data/cdb90)")
    raw = pd.read_csv(path, low_memory=False)
    out = pd.DataFrame({"id": raw["ISQNO"], "name": raw["NAME"], "war": raw["WAR"]})
    out["outcome"] = raw["WINA"].map(OUTCOMES)
    for col in NUMERIC:
        v = pd.to_numeric(raw[col], errors="coerce")
        out[col.lower()] = v.where(v >= 0)
    for col in ADVANTAGES:
        v = pd.to_numeric(raw[col], errors="coerce")
        unknown = v == (9 if col == "AEROA" else -9)
        out[col.lower()] = v.where(~unknown & v.notna())
    out["posture"] = raw["POST1"].astype(str).str.strip().replace({"": np.nan, "nan": np.nan})
    out["terrain"] = raw["TERRA1"].astype(str).str.strip().replace({"": np.nan, "nan": np.nan})
    return out


def base_rates(battles: pd.DataFrame) -> dict[str, int]:
    counts = battles["outcome"].value_counts()
    return {name: int(counts.get(name, 0)) for name in OUTCOMES.values()}
