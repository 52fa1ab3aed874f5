"""A side's belief: for every enemy item it has heard of, the newest report of it.

Rows arrive in any order (latencies differ); a row replaces what the side holds of an item
only when it was seen later. Uncertainty grows with age: at the tactical scale the distance
the item could have moved since (its speed times the age), at the aggregate a fraction of
its strength (the reports' noise plus `drift` per unit of time).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..core.picture import Picture


@njit(cache=True, error_model="numpy")
def _newest(b_t, b_x, b_y, b_s, b_f, b_src, b_v, item, t, x, y, s, f, src, v):
    for k in range(item.shape[0]):
        i = item[k]
        if not b_t[i] >= t[k]:  # nan (never heard of) or older
            b_t[i], b_x[i], b_y[i], b_s[i], b_f[i], b_src[i], b_v[i] = (t[k], x[k], y[k],
                                                                        s[k], f[k], src[k],
                                                                        v[k])


@njit(cache=True, error_model="numpy")
def _deliver(rep, r0, rn, m_side, item, t, x, y, s, f, src, v, b_t, b_x, b_y, b_s, b_f, b_src,
             b_v):
    """The rows of the delivered reports (message slots `rep`, rows r0 .. r0 + rn) into
    their sides' beliefs, the newest row of an item kept."""
    for k in range(rep.shape[0]):
        m = rep[k]
        d = m_side[m]
        lo, hi = r0[m], r0[m] + rn[m]
        _newest(b_t[d], b_x[d], b_y[d], b_s[d], b_f[d], b_src[d], b_v[d], item[lo:hi],
                t[lo:hi], x[lo:hi], y[lo:hi], s[lo:hi], f[lo:hi], src[lo:hi], v[lo:hi])


class Beliefs:
    """Every side's belief, one row of (S, n) arrays each (so that delivering many reports
    is one pass), and `beliefs[s]`, side s's `Belief`."""

    def __init__(self, n_sides: int, n: int, settings: list[tuple[float, float, float]]):
        S = n_sides
        self.t = np.full((S, n), np.nan)
        self.x, self.y, self.strength = np.full((S, n), np.nan), np.full((S, n), np.nan), \
            np.zeros((S, n))
        self.force = np.full((S, n), -1, np.int64)
        self.source = np.full((S, n), -1, np.int64)
        self.speed = np.zeros((S, n))
        self.sides = [Belief(n, *settings[k], store=self, row=k) for k in range(S)]

    def __getitem__(self, s: int) -> Belief:
        return self.sides[s]

    def __len__(self) -> int:
        return len(self.sides)

    def deliver(self, rep: np.ndarray, m, rows) -> None:
        """Reports delivered (slots `rep` of message table m) with their rows (table rows)."""
        _deliver(rep, m.full("r0"), m.full("rn"), m.full("side"), rows.full("item"),
                 rows.full("t"), rows.full("x"), rows.full("y"), rows.full("strength"),
                 rows.full("force"), rows.full("source"), rows.full("speed"), self.t, self.x,
                 self.y, self.strength, self.force, self.source, self.speed)


class Belief:
    """One side's picture of `n` enemy items (forces or entities)."""

    def __init__(self, n: int, noise: float = 0.0, drift: float = 0.0,
                 forget: float = np.inf, store: Beliefs | None = None, row: int = 0):
        if store is None:
            store = Beliefs(1, n, [(noise, drift, forget)])
        self.t, self.x, self.y = store.t[row], store.x[row], store.y[row]
        self.strength, self.force = store.strength[row], store.force[row]
        self.source, self.speed = store.source[row], store.speed[row]
        self.noise, self.drift, self.forget = noise, drift, forget

    def update(self, item: np.ndarray, t: np.ndarray, x: np.ndarray, y: np.ndarray,
               strength: np.ndarray, force: np.ndarray, source: np.ndarray,
               speed: np.ndarray) -> None:
        if len(item):
            _newest(self.t, self.x, self.y, self.strength, self.force, self.source,
                    self.speed, item.astype(np.int64), t, x, y, strength,
                    force.astype(np.int64), source.astype(np.int64), speed)

    def picture(self, now: float, tactical: bool) -> Picture:
        age = now - self.t
        # nan age: never heard of; tactical strength 0: reported gone (a decoy seen through)
        keep = (age <= self.forget) if not tactical else (age <= self.forget) & (
            self.strength > 0)
        rows = np.flatnonzero(keep)
        a = age[rows]
        if tactical:
            sigma = self.speed[rows] * a
        else:
            sigma = self.strength[rows] * (self.noise + self.drift * a)
        # indexing by rows copies: nothing in the picture leads back to the belief
        return Picture(rows.astype(np.int64), self.force[rows], self.strength[rows],
                       self.x[rows], self.y[rows], self.t[rows], sigma, self.source[rows])
