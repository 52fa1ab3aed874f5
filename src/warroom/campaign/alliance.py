"""Members' will to fight and the councils that vote on offensives (Weisiger's coalition
exits; Nexerelin's war-weariness): pure functions of the campaign's arrays."""

from __future__ import annotations

import numpy as np

from .world import LOSSES, THREAT, WEARINESS, YEAR


def will(params: np.ndarray, lost: np.ndarray, fielded: np.ndarray, threatened: np.ndarray,
         years: float) -> np.ndarray:
    """(M,) each member's will in [0, 1]: 1 less `losses` x the share of the fleets it
    fielded that it lost, `weariness` x the years of war, `threat` while its home is
    threatened."""
    share = np.divide(lost, fielded, out=np.zeros(len(lost)), where=fielded > 0)
    w = 1.0 - params[:, LOSSES] * share - params[:, WEARINESS] * years \
        - params[:, THREAT] * threatened
    return np.minimum(np.maximum(w, 0.0), 1.0)  # np.clip's, at a fraction of its cost


def refuses(council: np.ndarray, side_alliance: np.ndarray, member_side: np.ndarray,
            member_will: np.ndarray, side: int) -> bool:
    """Whether the council of `side`'s alliance refuses an offensive: the mean will of the
    alliance's members is below its threshold (no alliance, or no council: never)."""
    a = int(side_alliance[side])
    if a < 0 or not np.isfinite(council[a]):
        return False
    mine = side_alliance[member_side] == a
    return bool(mine.any()) and float(member_will[mine].mean()) < float(council[a])


def years(t: float, t0: float) -> float:
    return (t - t0) / YEAR
