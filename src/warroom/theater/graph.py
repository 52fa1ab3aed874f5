"""The theater: worlds joined by lanes with travel times, as CSR arrays (a graph of thousands
of worlds is walked in compiled code, never as Python objects), read from tables or generated
as a seeded stellar field.

A generated field scatters N worlds uniformly in a square and joins every pair closer than a
radius (a random geometric graph, via a k-d tree), then joins the pieces that leave apart by
their nearest pairs, so that every world can be reached; travel time is distance over speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree


@dataclass(frozen=True, eq=False)
class Theater:
    """Worlds 0..N-1 (ids, positions) and undirected lanes as CSR: the lanes of world i are
    `dst[ptr[i]:ptr[i + 1]]`, each taking `time` to travel."""

    ids: tuple[str, ...]
    x: np.ndarray
    y: np.ndarray
    ptr: np.ndarray
    dst: np.ndarray
    time: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def n_lanes(self) -> int:
        return len(self.dst) // 2

    def matrix(self) -> csr_matrix:
        return csr_matrix((self.time, self.dst, self.ptr), shape=(self.n, self.n))

    def lane(self, a: int, b: int) -> int:
        """The index of lane a -> b in the CSR arrays (-1: no such lane)."""
        hit = np.flatnonzero(self.dst[self.ptr[a]:self.ptr[a + 1]] == b)
        return int(self.ptr[a] + hit[0]) if len(hit) else -1


def _csr(n: int, a: np.ndarray, b: np.ndarray, t: np.ndarray):
    """Both directions of each lane, sorted by origin then destination."""
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    tt = np.concatenate([t, t])
    order = np.lexsort((dst, src))
    src, dst, tt = src[order], dst[order], tt[order]
    ptr = np.zeros(n + 1, np.int64)
    np.add.at(ptr, src + 1, 1)
    return np.cumsum(ptr), dst.astype(np.int64), tt.astype(float)


def theater_from_tables(ids: Sequence[str], lanes: Sequence[tuple[str, str, float]],
                        x: Sequence[float] | None = None,
                        y: Sequence[float] | None = None) -> Theater:
    """From world ids and (world, world, travel time) lanes. Raises ValueError naming a lane
    to an unknown world, a negative or non-finite time, or a lane listed twice."""
    index = {w: i for i, w in enumerate(ids)}
    if len(index) != len(ids):
        raise ValueError("a world is listed twice")
    seen: set[tuple[int, int]] = set()
    a, b, t = [], [], []
    for k, (u, v, tt) in enumerate(lanes):
        for w in (u, v):
            if w not in index:
                raise ValueError(f"lane {k} ({u} - {v}): unknown world '{w}'")
        if not np.isfinite(tt) or tt < 0:
            raise ValueError(f"lane {k} ({u} - {v}): expected a travel time >= 0, found {tt}")
        key = (min(index[u], index[v]), max(index[u], index[v]))
        if key in seen or u == v:
            raise ValueError(f"lane {k} ({u} - {v}): " + ("a lane from a world to itself"
                                                           if u == v else "listed twice"))
        seen.add(key)
        a.append(index[u])
        b.append(index[v])
        t.append(float(tt))
    n = len(ids)
    ptr, dst, time = _csr(n, np.array(a, np.int64), np.array(b, np.int64), np.array(t))
    return Theater(tuple(ids), np.asarray(x if x is not None else np.zeros(n), float),
                   np.asarray(y if y is not None else np.zeros(n), float), ptr, dst, time)


def generate(n: int, seed: int, size: float = 1000.0, degree: float = 4.0,
             speed: float = 1.0) -> Theater:
    """A seeded stellar field of n worlds in a size x size square, lanes between worlds
    closer than the radius that gives about `degree` lanes per world, every piece joined to
    the rest by its nearest pair; travel time = distance / speed."""
    if n < 1:
        raise ValueError(f"a theater needs at least one world, found {n}")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    pts = rng.random((n, 2)) * size
    # expected neighbours within r of a point: n * pi r^2 / size^2 (edges aside)
    r = size * np.sqrt(degree / (np.pi * max(n - 1, 1)))
    tree = cKDTree(pts)
    pairs = tree.query_pairs(r, output_type="ndarray").astype(np.int64)
    a, b = pairs[:, 0], pairs[:, 1]
    a, b = _join(n, pts, tree, a, b)
    d = np.hypot(*(pts[a] - pts[b]).T)
    ptr, dst, time = _csr(n, a, b, d / speed)
    return Theater(tuple(f"w{i}" for i in range(n)), pts[:, 0].copy(), pts[:, 1].copy(), ptr,
                   dst, time)


def _join(n: int, pts: np.ndarray, tree: cKDTree, a: np.ndarray, b: np.ndarray):
    """Join the pieces of the graph: each piece but the largest to its nearest world outside
    it, until one piece is left."""
    while True:
        g = csr_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
        k, label = connected_components(g, directed=False)
        if k <= 1:
            return a, b
        big = np.bincount(label).argmax()
        add_a, add_b = [], []
        for c in range(k):
            if c == big:
                continue
            mine = np.flatnonzero(label == c)
            others = np.flatnonzero(label != c)
            d, j = cKDTree(pts[others]).query(pts[mine])
            i = int(np.argmin(d))
            add_a.append(int(mine[i]))
            add_b.append(int(others[j[i]]))
        a = np.concatenate([a, np.minimum(add_a, add_b)])
        b = np.concatenate([b, np.maximum(add_a, add_b)])
        keep = np.unique(np.column_stack([a, b]), axis=0)
        a, b = keep[:, 0], keep[:, 1]


def route(theater: Theater, start: int, goal: int) -> tuple[list[int], float]:
    """The quickest way from start to goal: the worlds on it (start first) and its time
    (the sum of its lanes'); ([], inf) when goal cannot be reached."""
    dist, pred = dijkstra(theater.matrix(), indices=start, return_predecessors=True)
    if not np.isfinite(dist[goal]):
        return [], float("inf")
    path = [goal]
    while path[-1] != start:
        path.append(int(pred[path[-1]]))
    return path[::-1], float(dist[goal])


TREES_BYTES = 256 * 2**20  # what the kept trees of a theater may hold
ROUTES_BYTES = 64 * 2**20  # what the kept routes of a theater may hold


class Paths:
    """Quickest routes to goals, one shortest-path tree per goal (lanes go both ways, so the
    tree from a goal gives every world's way to it), the `keep` last worked out kept (by
    default as many as `TREES_BYTES` holds: a campaign asks for a few thousand goals, and
    each tree not kept costs a Dijkstra over the theater again)."""

    def __init__(self, theater: Theater, keep: int | None = None):
        per_tree = 12 * max(theater.n, 1)  # distances (float64) and predecessors (int32)
        self.theater = theater
        self.keep = keep if keep is not None else max(64, TREES_BYTES // per_tree)
        self.matrix = theater.matrix()
        self.trees: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        # the last routes worked out, up to ROUTES_BYTES (the same ones are asked for again
        # and again: groups of fleets are sent together, and strategies send them between
        # few worlds)
        self.routes: dict[tuple[int, int], tuple[np.ndarray, float, np.ndarray]] = {}
        self.route_bytes = 0

    def tree(self, goal: int) -> tuple[np.ndarray, np.ndarray]:
        """(time to goal, next world towards it) from every world (the oldest tree goes
        when the cache is full: reordering a large dict on every hit costs more than the
        few trees worked out again)."""
        hit = self.trees.get(goal)
        if hit is None:
            dist, pred = dijkstra(self.matrix, indices=goal, return_predecessors=True)
            hit = (dist, pred)
            if len(self.trees) >= self.keep:
                self.trees.pop(next(iter(self.trees)))
            self.trees[goal] = hit
        return hit

    def nearest(self, start: int, candidates) -> int:
        """The candidate world quickest to reach from `start` (-1: none can be reached)."""
        candidates = np.asarray(candidates, np.int64)
        if not len(candidates):
            return -1
        dist = self.tree(start)[0][candidates]
        k = int(np.argmin(dist))
        return int(candidates[k]) if np.isfinite(dist[k]) else -1

    def way(self, start: int, goal: int, t0: float) -> tuple[np.ndarray, np.ndarray]:
        """The worlds from start to goal (read only) and when each is reached setting out
        at t0 (empty: goal cannot be reached)."""
        hit = self.routes.get((start, goal))
        if hit is None:
            dist, nxt = self.tree(goal)
            if not np.isfinite(dist[start]):
                return np.zeros(0, np.int64), np.zeros(0)
            path = _walk(nxt, start, goal)
            path.flags.writeable = False
            hit = (path, float(dist[start]), dist[path])
            self.route_bytes += _route_bytes(hit)
            while self.route_bytes > ROUTES_BYTES and self.routes:
                self.route_bytes -= _route_bytes(self.routes.pop(next(iter(self.routes))))
            self.routes[(start, goal)] = hit
        path, to_goal, left = hit
        return path, t0 + to_goal - left


def _route_bytes(route: tuple[np.ndarray, float, np.ndarray]) -> int:
    """About what a kept route holds: its worlds and times, and the entry itself."""
    return route[0].nbytes + route[2].nbytes + 300


def _walk(nxt: np.ndarray, start: int, goal: int) -> np.ndarray:
    out = [start]
    while out[-1] != goal:
        out.append(int(nxt[out[-1]]))
    return np.array(out, np.int64)


_PATHS: dict[int, Paths] = {}


def paths_of(theater: Theater) -> Paths:
    """One route cache per theater, shared by the replications and strategies of a
    process (the cache holds its theater, so the key cannot be reused while it lives)."""
    got = _PATHS.get(id(theater))
    if got is None:
        _PATHS.clear()
        got = _PATHS[id(theater)] = Paths(theater)
    return got
