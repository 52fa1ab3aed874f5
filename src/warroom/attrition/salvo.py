"""Hughes' (1995) salvo model of missile combat, generalised to several ship types per side.

One salvo from side A on side B puts out of action
    dB = (sum_i sigma_i tau_i alpha_i A_i  -  sum_j delta_j tau_j y_j B_j) / w
ships of B, clipped to [0, B]: alpha offensive power, y defensive power, w staying power,
sigma scouting, tau readiness, delta alertness. With several types on B, net hits are split over
B's types by the targeting weights (by default in proportion to their numbers) and each type
loses its hits over its own staying power. Both sides fire simultaneously.
"""

from __future__ import annotations

import numpy as np


def salvo_losses(x, force_side, shooter, target, share_w, offensive, defensive, staying,
                 scouting, readiness, alertness) -> np.ndarray:
    """Ships of each force put out of action by one simultaneous exchange at strengths `x`."""
    n_sides = int(force_side.max()) + 1
    fired = scouting * readiness * offensive * x  # well-aimed missiles leaving each force
    intercept = alertness * readiness * defensive * x
    defence = np.bincount(force_side, weights=intercept, minlength=n_sides)
    # missiles arriving at each target force: each shooter splits its salvo over its targets
    incoming = np.zeros_like(x)
    np.add.at(incoming, target, fired[shooter] * share_w)
    side_in = np.bincount(force_side, weights=incoming, minlength=n_sides)
    # a side's defence intercepts in proportion to what arrives at each of its forces
    frac_through = np.where(side_in > 0, np.maximum(side_in - defence, 0.0) / np.where(
        side_in > 0, side_in, 1.0), 0.0)
    hits = incoming * frac_through[force_side]
    out = np.where(staying > 0, hits / np.where(staying > 0, staying, 1.0), 0.0)
    return np.minimum(out, x)

