"""The networks morale spreads along, as CSR arrays: one undirected graph type for every
scale (entities, units, fleets), built from what a user has (an edge list, a SciPy sparse
matrix, a networkx graph) or generated for studies (Erdos-Renyi, Watts-Strogatz,
Barabasi-Albert), seeded from the one RNG family.

Graphs are simple and undirected: an edge list is symmetrised, self-loops and repeated edges
are dropped, so a node's degree is its number of distinct neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from ..limits import over


class GraphError(ValueError):
    """A graph that cannot be built as asked (a user's mistake, named)."""


@dataclass(frozen=True, eq=False)
class Graph:
    """n nodes; the neighbours of node i are indices[indptr[i]:indptr[i + 1]], sorted."""

    n: int
    indptr: np.ndarray  # (n + 1,) int64
    indices: np.ndarray  # (2E,) int32 (int64 past 2**31 nodes)

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    @property
    def n_edges(self) -> int:
        return int(self.indices.shape[0]) // 2

    def neighbours(self, i: int) -> np.ndarray:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def edges(self) -> np.ndarray:
        """(E, 2) each undirected edge once, lower index first."""
        src = np.repeat(np.arange(self.n, dtype=np.int64), self.degree)
        keep = src < self.indices
        return np.column_stack([src[keep], self.indices[keep]])


def _check_n(n: int) -> int:
    if not isinstance(n, int | np.integer) or n < 0:
        raise GraphError(f"the number of nodes must be a whole number >= 0, not {n!r}")
    msg = over("graph_nodes", int(n), "the number of nodes")
    if msg:
        raise GraphError(msg)
    return int(n)


def _check_edges(m: int) -> None:
    msg = over("graph_edges", m, "the number of edges")
    if msg:
        raise GraphError(msg)


def from_edges(n: int, edges: Any) -> Graph:
    """The graph on nodes 0..n-1 with these (u, v) pairs as undirected edges."""
    n = _check_n(n)
    e = np.asarray(edges)
    if e.size == 0:
        e = np.zeros((0, 2), np.int64)
    if e.ndim != 2 or e.shape[1] != 2:
        raise GraphError(f"edges must be pairs (an array of shape (E, 2)), not shape {e.shape}")
    whole = np.issubdtype(e.dtype, np.integer) or (
        np.issubdtype(e.dtype, np.floating) and bool(np.all(np.isfinite(e)))
        and not np.any(e != np.round(e)))
    if not whole:
        raise GraphError("edges must name nodes by whole-number index")
    _check_edges(e.shape[0])
    e = e.astype(np.int64)
    bad = (e < 0) | (e >= n)
    if bad.any():
        row = int(np.flatnonzero(bad.any(axis=1))[0])
        raise GraphError(f"edge {row} ({e[row, 0]}, {e[row, 1]}) names a node outside 0..{n - 1}")
    e = e[e[:, 0] != e[:, 1]]
    both = np.concatenate([e, e[:, ::-1]])
    key = np.unique(both[:, 0] * np.int64(max(n, 1)) + both[:, 1])
    src, dst = key // max(n, 1), key % max(n, 1)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    # 32-bit neighbour indices where they fit: half the memory a cascade sweeps
    return Graph(n, indptr, dst.astype(np.int32 if n < 2**31 else np.int64))


def as_graph(g: Any, n: int | None = None) -> Graph:
    """A `Graph` from a Graph, a SciPy sparse matrix or array (nonzeros are edges), a networkx
    graph (nodes must be 0..n-1) or an (E, 2) edge list with `n` nodes."""
    if isinstance(g, Graph):
        return g
    if hasattr(g, "tocoo") and hasattr(g, "shape"):  # scipy.sparse, without importing it
        if len(g.shape) != 2 or g.shape[0] != g.shape[1]:
            raise GraphError(f"an adjacency matrix must be square, not {g.shape}")
        coo = g.tocoo()
        return from_edges(int(g.shape[0]), np.column_stack([coo.row, coo.col]))
    if hasattr(g, "number_of_nodes") and hasattr(g, "edges"):  # networkx
        size = int(g.number_of_nodes())
        nodes = set(g.nodes())
        if nodes != set(range(size)):
            odd = sorted((x for x in nodes if not (isinstance(x, int) and 0 <= x < size)),
                         key=repr)[:1]
            raise GraphError(f"networkx nodes must be the integers 0..{size - 1}; found "
                             f"{odd[0]!r} (networkx.convert_node_labels_to_integers relabels)")
        return from_edges(size, np.array(list(g.edges()), np.int64).reshape(-1, 2))
    if n is None:
        raise GraphError("an edge list needs the number of nodes: as_graph(edges, n=...)")
    return from_edges(n, g)


def erdos_renyi(n: int, mean_degree: float, rng: np.random.Generator) -> Graph:
    """G(n, p) with p = mean_degree / (n - 1): the number of edges drawn binomially, then that
    many distinct pairs uniformly (G(n, m) given m is G(n, p) given m)."""
    n = _check_n(n)
    if not (np.isfinite(mean_degree) and 0 <= mean_degree <= max(n - 1, 0)):
        raise GraphError(f"mean degree must be between 0 and n - 1 = {n - 1}, "
                         f"not {mean_degree!r}")
    pairs = n * (n - 1) // 2
    if pairs == 0:
        return from_edges(n, np.zeros((0, 2), np.int64))
    _check_edges(int(pairs * mean_degree / max(n - 1, 1)))
    m = int(rng.binomial(pairs, mean_degree / (n - 1)))
    if m > pairs // 2:  # dense: pick the pairs to leave out instead
        keep = np.ones(pairs, bool)
        keep[rng.choice(pairs, pairs - m, replace=False)] = False
        codes = np.flatnonzero(keep)
    else:
        codes = np.zeros(0, np.int64)
        while codes.shape[0] < m:  # rejection of repeats: a few rounds at sparse densities
            more = rng.integers(0, pairs, size=m - codes.shape[0] + 16)
            codes = np.unique(np.concatenate([codes, more]))
        codes = rng.permutation(codes)[:m]
    # pair code c -> (i, j), i < j, in the order (0,1), (0,2), ..., (1,2), ...
    c = codes.astype(np.float64)
    i = np.floor((2 * n - 1 - np.sqrt((2 * n - 1) ** 2 - 8 * c)) / 2).astype(np.int64)
    start = i * (2 * n - i - 1) // 2
    i = np.where(start > codes, i - 1, i)  # float rounding at huge n
    start = i * (2 * n - i - 1) // 2
    nxt = (i + 1) * (2 * n - i - 2) // 2
    i = np.where(codes >= nxt, i + 1, i)
    start = i * (2 * n - i - 1) // 2
    j = codes - start + i + 1
    return from_edges(n, np.column_stack([i, j]))


def watts_strogatz(n: int, k: int, p: float, rng: np.random.Generator) -> Graph:
    """A ring where each node links to its k nearest (k even), each edge's far end rewired
    with probability p to a uniform node (a rewiring onto a self-loop or a repeat is dropped,
    so the mean degree can fall slightly below k)."""
    n = _check_n(n)
    if not (isinstance(k, int | np.integer) and k >= 0 and k % 2 == 0 and k < max(n, 1)):
        raise GraphError(f"k must be an even whole number below n = {n}, not {k!r}")
    if not (np.isfinite(p) and 0 <= p <= 1):
        raise GraphError(f"rewiring probability must be between 0 and 1, not {p!r}")
    _check_edges(n * k // 2)
    u = np.repeat(np.arange(n, dtype=np.int64), k // 2)
    v = (u + np.tile(np.arange(1, k // 2 + 1, dtype=np.int64), n)) % max(n, 1)
    rewire = rng.random(u.shape[0]) < p
    v = np.where(rewire, rng.integers(0, max(n, 1), size=u.shape[0]), v)
    return from_edges(n, np.column_stack([u, v]))


@njit(cache=True, nogil=True)
def _attach(n, m, picks, out):
    # preferential attachment by the repeated-nodes list: a node appears once per edge end
    ends = np.empty(2 * m * n, np.int64)
    n_ends = 0
    e = 0
    for v in range(m):  # the first m nodes start as a star on node m
        ends[n_ends] = v
        ends[n_ends + 1] = m
        n_ends += 2
        out[e, 0] = m
        out[e, 1] = v
        e += 1
    chosen = np.empty(m, np.int64)
    for v in range(m + 1, n):
        c = 0
        tries = 0
        while c < m:
            r = picks[(v * m + tries) % picks.shape[0]]
            tries += 1
            t = ends[int(r * n_ends)]
            dup = False
            for q in range(c):
                if chosen[q] == t:
                    dup = True
                    break
            if not dup:
                chosen[c] = t
                c += 1
        for q in range(m):
            out[e, 0] = v
            out[e, 1] = chosen[q]
            e += 1
            ends[n_ends] = v
            ends[n_ends + 1] = chosen[q]
            n_ends += 2
    return e


def barabasi_albert(n: int, m: int, rng: np.random.Generator) -> Graph:
    """Each new node links to m distinct existing nodes chosen in proportion to degree."""
    n = _check_n(n)
    if not (isinstance(m, int | np.integer) and 1 <= m < max(n, 1)):
        raise GraphError(f"m must be a whole number from 1 to n - 1 = {n - 1}, not {m!r}")
    _check_edges(m * n)
    out = np.zeros((m * n, 2), np.int64)
    picks = rng.random(2 * m * n + 64)
    e = _attach(n, int(m), picks, out)
    return from_edges(n, out[:e])


def proximity(xy: np.ndarray, radius: float) -> Graph:
    """Entities within `radius` of each other (the tactical neighbours of morale)."""
    from scipy.spatial import cKDTree

    xy = np.asarray(xy, float)
    if not (np.isfinite(radius) and radius >= 0):
        raise GraphError(f"radius must be a finite distance >= 0, not {radius!r}")
    pairs = cKDTree(xy).query_pairs(radius, output_type="ndarray")
    return from_edges(xy.shape[0], pairs)


def tree(parent: np.ndarray) -> Graph:
    """A command tree from each node's parent (-1: a root); a cycle is refused by name."""
    parent = np.asarray(parent, np.int64)
    n = parent.shape[0]
    if ((parent < -1) | (parent >= n)).any():
        i = int(np.flatnonzero((parent < -1) | (parent >= n))[0])
        raise GraphError(f"node {i} names parent {parent[i]}, outside 0..{n - 1}")
    cycle = find_cycle(parent)
    if cycle:
        raise GraphError("the command tree has a cycle: " + " -> ".join(map(str, cycle)))
    child = np.flatnonzero(parent >= 0)
    return from_edges(n, np.column_stack([child, parent[child]]))


def find_cycle(parent: np.ndarray) -> list[int]:
    """A cycle of the parent links as nodes (first node repeated at the end); [] if none.
    By pointer doubling: a node whose 2^k-th ancestor exists for 2^k >= n is on or above a
    cycle, so only one walk is taken in Python."""
    parent = np.asarray(parent, np.int64)
    n = parent.shape[0]
    anc = parent.copy()
    for _ in range(max(n, 1).bit_length() + 1):
        anc = np.where(anc >= 0, anc[np.maximum(anc, 0)], -1)
    stuck = np.flatnonzero(anc >= 0)
    if stuck.size == 0:
        return []
    v = int(anc[stuck[0]])  # n or more steps up: on the cycle itself
    loop = [v]
    while int(parent[loop[-1]]) != v:
        loop.append(int(parent[loop[-1]]))
    first = loop.index(min(loop))  # told from its lowest node, so the message is stable
    loop = loop[first:] + loop[:first]
    return [*loop, loop[0]]
