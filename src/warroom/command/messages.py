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
def _tally(rows, side, kind, status, t0, t1, ids, stride, count, delay, kept):
    """Count the finished messages by (side, kind, status), sum the delays of the delivered,
    and list those the sample keeps; how many it keeps."""
    n = 0
    for k in range(rows.shape[0]):
        r = rows[k]
        count[side[r], kind[r], status[r]] += 1
        if status[r] == 1:
            delay[side[r], kind[r]] += t1[r] - t0[r]
        if ids[r] % stride == 0:
            kept[n] = r
            n += 1
    return n


@njit(cache=True, error_model="numpy")
def finished(status, done, t1, kind, t, n):
    """Of the table's first n slots, those finished (status not 0: no longer in transit) and
    not yet collected by t, in order; and among them the delivered (status 1) reports, pleas
    and orders."""
    rows = np.empty(n, np.int64)
    by_kind = np.empty((3, n), np.int64)
    got = np.zeros(3, np.int64)
    a = 0
    for k in range(n):
        if status[k] != 0 and done[k] == 0 and t1[k] <= t:
            rows[a] = k
            a += 1
            if status[k] == 1:
                c = kind[k]
                by_kind[c, got[c]] = k
                got[c] += 1
    return (rows[:a], by_kind[REPORT, :got[REPORT]], by_kind[PLEA, :got[PLEA]],
            by_kind[ORDER, :got[ORDER]])


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


@njit(cache=True, error_model="numpy")
def n_kept(status, done, n):
    """How many of the first n slots are in transit or not yet collected."""
    c = 0
    for k in range(n):
        if status[k] == 0 or done[k] == 0:
            c += 1
    return c


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

    def add(self, m: Columns, rows: np.ndarray) -> None:
        """The finished messages in slots `rows` of table m."""
        if not len(rows):
            return
        kept = np.empty(len(rows), np.int64)
        n_rows = _tally(rows, m["side"], m["kind"], m["status"], m["t0"], m["t1"], m["id"],
                        self.stride, self.count, self.delay, kept)
        kept = kept[:n_rows]
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
