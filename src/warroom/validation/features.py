"""Pre-battle features of CDB90 battles for outcome models.

Only what is known before the fight enters: the force ratio, the defender's posture, the terrain
and the CAA's relative-advantage codes. Casualties are the quantity to predict, never a feature.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cdb90 import ADVANTAGES

POSTURES = ["PD", "FD", "DL"]  # against hasty defence (HD); WD (2 battles) joins DL
RELIEF = ["R", "G"]  # rolling, rugged against flat (F) or not recorded
COVER = ["B", "D", "W"]  # bare, desert, wooded against mixed (M) or not recorded


def prepare(battles: pd.DataFrame) -> pd.DataFrame:
    """Battles with a known outcome and both strengths, with the model inputs and targets."""
    b = battles[battles["outcome"].isin(["attacker_won", "defender_won", "draw"])]
    b = b[(b["stra"] > 0) & (b["strd"] > 0)].copy()
    b["attacker_won"] = (b["outcome"] == "attacker_won").astype(np.int8)
    b["log_force_ratio"] = np.log(b["stra"] / b["strd"])
    known = (b["casa"] > 0) & (b["casd"] > 0)
    b["log_cas_ratio"] = np.where(known, np.log(b["casa"].where(known, 1.0)
                                                / b["casd"].where(known, 1.0)), np.nan)
    return b.reset_index(drop=True)


def design(b: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Posture, terrain and advantage columns (no intercept, no force ratio)."""
    post = b["posture"].replace({"WD": "DL"})
    cols: dict[str, np.ndarray] = {}
    for p in POSTURES:
        cols[f"posture_{p}"] = (post == p).to_numpy(float)
    relief = b["terrain"].fillna("").str[:1]
    cover = b["terrain"].fillna("").str[1:2]
    for r in RELIEF:
        cols[f"relief_{r}"] = (relief == r).to_numpy(float)
    for c in COVER:
        cols[f"cover_{c}"] = (cover == c).to_numpy(float)
    for a in ADVANTAGES:
        v = b[a.lower()]
        cols[a.lower()] = v.fillna(0.0).to_numpy(float)
    # the CAA left all codes unknown for a few battles; say so instead of pretending "no edge"
    cols["codes_unknown"] = b[[a.lower() for a in ADVANTAGES]].isna().all(axis=1).to_numpy(float)
    return np.column_stack(list(cols.values())), list(cols)
