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
        # new arrays, NumPy's own: nothing in the picture leads back to the belief
        n = _n_known(self.t, self.strength, now, self.forget, tactical)
        pic = Picture(np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n),
                      np.empty(n), np.empty(n), np.empty(n), np.empty(n),
                      np.empty(n, np.int64))
        _known(self.t, self.x, self.y, self.strength, self.force, self.source, self.speed, now,
               self.forget, tactical, self.noise, self.drift, pic.item, pic.force,
               pic.strength, pic.x, pic.y, pic.t, pic.sigma, pic.source)
        return pic


@njit(cache=True, error_model="numpy")
def _kept(t, strength, i, now, forget, tactical):
    """Whether item i is in the picture: heard of within `forget` (nan: never heard of) and,
    at the tactical scale, not reported gone (strength 0: a decoy seen through)."""
    return now - t[i] <= forget and (not tactical or strength[i] > 0)


@njit(cache=True, error_model="numpy")
def _n_known(t, strength, now, forget, tactical):
    n = 0
    for i in range(t.shape[0]):
        if _kept(t, strength, i, now, forget, tactical):
            n += 1
    return n


@njit(cache=True, error_model="numpy")
def _known(t, x, y, strength, force, source, speed, now, forget, tactical, noise, drift,
           o_item, o_force, o_strength, o_x, o_y, o_t, o_sigma, o_source):
    """The picture's rows, item by item: uncertainty grows with age (tactical: the distance
    the item could have moved; aggregate: a share of its strength)."""
    k = 0
    for i in range(t.shape[0]):
        if not _kept(t, strength, i, now, forget, tactical):
            continue
        age = now - t[i]
        o_item[k], o_force[k], o_strength[k], o_x[k], o_y[k], o_t[k] = (i, force[i],
                                                                          strength[i], x[i],
                                                                          y[i], t[i])
        o_sigma[k] = speed[i] * age if tactical else strength[i] * (noise + drift * age)
        o_source[k] = source[i]
        k += 1
