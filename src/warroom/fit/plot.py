"""Data against fitted trajectories."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..report.figures import COLORS, _png, plt
from ..report.page import atomic_write
from .data import BattleRecord
from .lsq import Fit


def fit_figure(rec: BattleRecord, fits: dict[str, Fit], unit: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for si, side in enumerate(("blue", "red")):
        obs = getattr(rec, side)
        m = ~np.isnan(obs)
        ax.plot(rec.t[m], obs[m], "o", ms=3, color=COLORS[si], label=f"{side} (data)")
        for li, (law, f) in enumerate(fits.items()):
            ax.plot(f.series["t"], f.series[side], ["-", "--", ":", "-."][li % 4],
                    color=COLORS[si], alpha=0.8, label=f"{side}: {law}")
    ax.set_xlabel(f"time ({unit}s)")
    ax.set_ylabel("strength")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    atomic_write(path, _png(fig))
