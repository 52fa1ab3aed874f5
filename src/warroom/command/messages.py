"""Messages as struct-of-arrays: those in transit, the rows (sightings) they carry, and the
record of finished ones, sampled systematically above a size the user sets."""

from __future__ import annotations

import numpy as np
from numba import njit

REPORT, ORDER, PLEA = 0, 1, 2
KIND_NAMES = ("report", "order", "plea")
STATUS_NAMES = ("in_transit", "delivered", "lost", "dropped")

MSG = {"id": np.int64, "kind": np.int64, "side": np.int64, "dir": np.int64,
       "route": np.int64, "hop": np.int64, "status": np.int64, "t0": float, "t1": float,
       "x": float, "y": float, "force": np.int64, "item": np.int64, "strength": float,
       "order": np.int64, "done": np.int64, "r0": np.int64, "rn": np.int64}
ROW = {"slot": np.int64, "item": np.int64, "force": np.int64, "strength": float, "x": float,
       "y": float, "t": float, "source": np.int64, "speed": float}
RECORD = ("id", "kind", "side", "force", "t0", "t1", "status", "hops")


class Columns:
    """A growable struct-of-arrays table: `t[k]` is column k's live part (a view: writing
    it writes the table), `add(n)` makes room for n rows and returns their views."""

    def __init__(self, spec: dict, capacity: int = 256):
        """`spec`: column -> dtype, or (dtype, shape of one row's cell)."""
        self.spec = spec
        self.n = 0
        self.a = {k: np.zeros((capacity, *(d[1] if isinstance(d, tuple) else ())),
                              d[0] if isinstance(d, tuple) else d) for k, d in spec.items()}

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, k: str) -> np.ndarray:
        return self.a[k][:self.n]

    def full(self, k: str) -> np.ndarray:
        """The whole column, room included (for kernels that index by slot)."""
        return self.a[k]

    def add(self, n: int) -> dict[str, np.ndarray]:
        self.reserve(n)
        lo, self.n = self.n, self.n + n
        return {k: v[lo:self.n] for k, v in self.a.items()}

    def reserve(self, n: int) -> None:
        """Room for n more rows (at least doubling, so that growing costs little)."""
        cap = len(next(iter(self.a.values())))
        if self.n + n > cap:
            new = max(2 * cap, self.n + n)
            for k, v in self.a.items():
                grown = np.zeros((new, *v.shape[1:]), v.dtype)
                grown[:self.n] = v[:self.n]
                self.a[k] = grown

    def keep(self, mask: np.ndarray) -> None:
        """Keep the rows where mask is True, in order."""
        m = int(mask.sum())
        for v in self.a.values():
            v[:m] = v[:self.n][mask]
        self.n = m


@njit(cache=True, error_model="numpy")
def collect(status, done, t1, kind, side, t0, ids, t, n, stride, count, delay):
    """Of the table's first n slots, those finished (status not 0: no longer in transit) and
    not yet collected by t, in order, now collected (done 1), counted by (side, kind,
    status) into count and, the delivered (status 1), their delays summed into delay by
    (side, kind). Returns them; among them the delivered reports, pleas and orders; those
    the record's sample keeps (id a multiple of stride); and how many slots are still in
    transit or not yet collected. One pass: a compiled call costs more in a war than most
    loops do."""
    rows = np.empty(n, np.int64)
    by_kind = np.empty((3, n), np.int64)
    got = np.zeros(3, np.int64)
    kept = np.empty(n, np.int64)
    a = 0
    m = 0
    waiting = 0
    for k in range(n):
        if status[k] != 0 and done[k] == 0 and t1[k] <= t:
            rows[a] = k
            a += 1
            count[side[k], kind[k], status[k]] += 1
            if status[k] == 1:
                c = kind[k]
                by_kind[c, got[c]] = k
                got[c] += 1
                delay[side[k], kind[k]] += t1[k] - t0[k]
            if ids[k] % stride == 0:
                kept[m] = k
                m += 1
            done[k] = 1
        elif status[k] == 0 or done[k] == 0:
            waiting += 1
    return (rows[:a], by_kind[REPORT, :got[REPORT]], by_kind[PLEA, :got[PLEA]],
            by_kind[ORDER, :got[ORDER]], kept[:m], waiting)


@njit(cache=True, error_model="numpy")
def first_ready(status, done, t1, n):
    """The earliest end of a finished message not yet collected (inf: none; nan if one's
    end is unknown)."""
    best = np.inf
    for k in range(n):
        if status[k] != 0 and done[k] == 0:
            if t1[k] != t1[k]:
                return np.nan
            best = min(best, t1[k])
    return best


class Record:
    """Finished messages. All are counted; rows are kept for at most about `limit` of them:
    past the limit only messages whose id is a multiple of a stride (doubling as needed) are
    kept, so the sample is the same whatever the order messages finish in, and each kept
    row stands for `stride` messages."""

    def __init__(self, n_sides: int, limit: int = 100_000):
        self.limit = max(int(limit), 1)
        self.stride = 1
        self.rows: dict[str, list[np.ndarray]] = {k: [] for k in RECORD}
        self.kept = 0
        # (side, kind, status): how many; (side, kind): the sum of delays of the delivered
        self.count = np.zeros((n_sides, len(KIND_NAMES), len(STATUS_NAMES)), np.int64)
        self.delay = np.zeros((n_sides, len(KIND_NAMES)))

    def add(self, m: Columns, kept: np.ndarray) -> None:
        """The rows of the finished messages in slots `kept` of table m that the sample
        keeps (`collect` counted them all, with the stride of now)."""
        if not len(kept):
            return
        for k in RECORD:
            self.rows[k].append(m["hop"][kept] + 1 if k == "hops" else m[k][kept])
        self.kept += len(kept)
        while self.kept > self.limit:
            self.stride *= 2
            cols = {k: np.concatenate(v) for k, v in self.rows.items()}
            sel = cols["id"] % self.stride == 0
            self.rows = {k: [v[sel]] for k, v in cols.items()}
            self.kept = int(sel.sum())

    def columns(self) -> dict[str, np.ndarray]:
        return {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in self.rows.items()}
