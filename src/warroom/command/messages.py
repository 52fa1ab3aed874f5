"""Messages as struct-of-arrays: those in transit, the rows (sightings) they carry, and the
record of finished ones, sampled systematically above a size the user sets."""

from __future__ import annotations

import numpy as np

REPORT, ORDER, PLEA = 0, 1, 2
KIND_NAMES = ("report", "order", "plea")
STATUS_NAMES = ("in_transit", "delivered", "lost", "dropped")

MSG = {"id": np.int64, "kind": np.int64, "side": np.int64, "dir": np.int64,
       "route": np.int64, "hop": np.int64, "status": np.int64, "t0": float, "t1": float,
       "x": float, "y": float, "force": np.int64, "item": np.int64, "strength": float,
       "order": np.int64, "done": np.int64}
ROW = {"msg": np.int64, "item": np.int64, "force": np.int64, "strength": float, "x": float,
       "y": float, "t": float, "source": np.int64, "speed": float}
RECORD = ("id", "kind", "side", "force", "t0", "t1", "status", "hops")


def table(spec: dict, n: int = 0) -> dict[str, np.ndarray]:
    return {k: np.zeros(n, d) for k, d in spec.items()}


def append(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    if not len(next(iter(b.values()))):
        return a
    return {k: np.concatenate([a[k], b[k]]) for k in a}


def take(a: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[rows] for k, v in a.items()}


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

    def add(self, done: dict[str, np.ndarray], hops: np.ndarray) -> None:
        n = len(done["id"])
        if not n:
            return
        key = (done["side"] * len(KIND_NAMES) + done["kind"]) * len(STATUS_NAMES) + done["status"]
        self.count += np.bincount(key, minlength=self.count.size).reshape(self.count.shape)
        ok = done["status"] == 1
        sk = done["side"][ok] * len(KIND_NAMES) + done["kind"][ok]
        self.delay += np.bincount(sk, weights=done["t1"][ok] - done["t0"][ok],
                                  minlength=self.delay.size).reshape(self.delay.shape)
        keep = done["id"] % self.stride == 0
        for k in RECORD:
            self.rows[k].append((hops if k == "hops" else done[k])[keep])
        self.kept += int(keep.sum())
        while self.kept > self.limit:
            self.stride *= 2
            for k in RECORD:
                self.rows[k] = [np.concatenate(self.rows[k])]
            ids = self.rows["id"][0]
            sel = ids % self.stride == 0
            for k in RECORD:
                self.rows[k] = [self.rows[k][0][sel]]
            self.kept = int(sel.sum())

    def columns(self) -> dict[str, np.ndarray]:
        return {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in self.rows.items()}
