"""The command network of every side, compiled to arrays: nodes (headquarters, hubs, relays
and the forces themselves), directed links with a latency distribution, a loss probability
and a capacity, nodes that serve messages one at a time (a hub is a queue, not a delay),
the routes up to each side's headquarters and down from it, jamming and taps.

One `Network` holds all sides: node and link indices are global, each node has its side.
Built from plain values (`build`), so that tests and the scenario compiler make it alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

HEADQUARTERS, HUB, RELAY, FORCE = 0, 1, 2, 3
KINDS = {"headquarters": HEADQUARTERS, "hub": HUB, "relay": RELAY, "force": FORCE}
# latency distributions: (code, first parameter, second parameter)
FIXED, EXPONENTIAL, UNIFORM, LOGNORMAL, GAMMA = 0, 1, 2, 3, 4
EVERYWHERE, BOX, CIRCLE = 0, 1, 2


@dataclass(frozen=True)
class Latency:
    """fixed: `a`; exponential: mean `a`; uniform on [a, b]; lognormal: median `a`, log-sd
    `b`; gamma: mean `a`, shape `b`."""

    kind: int = FIXED
    a: float = 0.0
    b: float = 0.0

    @property
    def mean(self) -> float:
        if self.kind == UNIFORM:
            return 0.5 * (self.a + self.b)
        if self.kind == LOGNORMAL:
            return self.a * math.exp(0.5 * self.b ** 2)
        return self.a


@dataclass(frozen=True)
class Node:
    id: str
    side: int
    kind: int = RELAY
    rate: float = math.inf  # messages served per unit time, one at a time; inf: no queue
    force: int = -1  # the force this node is (kind FORCE)
    mortal: bool = False  # down while its force has nobody left (a commander)
    succession: float = math.inf  # after its death, a successor takes over this much later
    at: tuple[float, float] = (math.nan, math.nan)  # where it is, for jamming zones


@dataclass(frozen=True)
class Link:
    src: int
    dst: int
    latency: Latency = Latency()
    loss: float = 0.0
    capacity: float = math.inf  # messages per unit time


@dataclass(frozen=True)
class Jam:
    """Raises loss (combined as independent: 1 - (1 - p)(1 - loss)) and adds `delay` to the
    links of side `side` between t_from and t_to: everywhere, or for a hop that starts
    inside a box (x0, y0, x1, y1) or within a circle (x, y, r)."""

    side: int
    t_from: float = -math.inf
    t_to: float = math.inf
    loss: float = 0.0
    delay: float = 0.0
    shape: int = EVERYWHERE
    geom: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Tap:
    """A spy or a broken code: each message through `link` (or through `node`) is copied,
    with probability p, to side `to_side`, which reads it `delay` later."""

    to_side: int
    delay: float = 0.0
    p: float = 1.0
    link: int = -1
    node: int = -1


@dataclass(frozen=True, eq=False)
class Network:
    node_side: np.ndarray
    node_kind: np.ndarray
    node_rate: np.ndarray
    node_force: np.ndarray
    node_mortal: np.ndarray
    node_succession: np.ndarray
    node_x: np.ndarray
    node_y: np.ndarray
    link_src: np.ndarray
    link_dst: np.ndarray
    link_lat: np.ndarray  # (L, 3): code, a, b
    link_loss: np.ndarray
    link_cap: np.ndarray
    hq: np.ndarray  # (S,) the node of each side's headquarters (-1: no network)
    force_node: np.ndarray  # (F,) each force's node (-1: none)
    member: np.ndarray  # (S, 4): latency code, a, b, loss of the hop member -> its force
    up_ptr: np.ndarray  # routes: nodes of node n's route to its headquarters are
    up_node: np.ndarray  # up_node[up_ptr[n]:up_ptr[n + 1]] (n first), the links used up_link
    up_link: np.ndarray
    down_ptr: np.ndarray  # and from headquarters down to n
    down_node: np.ndarray
    down_link: np.ndarray
    jams: np.ndarray  # (J, 10): side, t_from, t_to, loss, delay, shape, geom[4]
    taps: np.ndarray  # (K, 5): to_side, delay, p, link, node
    node_ids: tuple[str, ...] = field(default=())

    @property
    def n_nodes(self) -> int:
        return len(self.node_side)

    @property
    def force_reports(self) -> np.ndarray:
        """(F,) bool: forces with a node that has a route up to their headquarters."""
        n = np.maximum(self.force_node, 0)
        return (self.force_node >= 0) & (self.up_ptr[n + 1] > self.up_ptr[n])

    def orphans(self) -> list[int]:
        """Forces with a node but no route to their headquarters."""
        return np.flatnonzero((self.force_node >= 0) & ~self.force_reports).tolist()


def _lat_row(lat: Latency) -> list[float]:
    return [float(lat.kind), float(lat.a), float(lat.b)]


def _routes(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, hq: np.ndarray,
            node_side: np.ndarray, reverse: bool):
    """CSR routes, the quickest by mean latency: each node's to its headquarters (reverse:
    from its headquarters to it), with the link used for each hop."""
    ptr, nodes, links = [0], [], []
    best: dict[tuple[int, int], int] = {}
    for k in range(len(src)):  # of parallel links, the quickest carries the traffic
        key = (int(src[k]), int(dst[k]))
        if key not in best or weight[k] < weight[best[key]]:
            best[key] = k
    preds = {}
    if n:
        keys = list(best)
        w = np.array([weight[best[k]] for k in keys]) + 1e-12  # zero latency is still a link
        r = np.array([k[0] for k in keys], np.int64)
        c = np.array([k[1] for k in keys], np.int64)
        g = csr_matrix((w, (c, r) if not reverse else (r, c)), shape=(n, n))
        for h in {int(x) for x in hq if x >= 0}:
            _, pred = shortest_path(g, indices=h, return_predecessors=True)
            preds[h] = pred
    for v in range(n):
        h = int(hq[node_side[v]])
        if h < 0 or (v != h and preds[h][v] < 0):
            ptr.append(ptr[-1])
            continue
        path = [v]
        while path[-1] != h:
            path.append(int(preds[h][path[-1]]))
        if reverse:
            path.reverse()
        nodes += path
        links += [-1] + [best[(a, b)] for a, b in zip(path[:-1], path[1:], strict=True)]
        ptr.append(len(nodes))
    i64 = np.int64
    return np.array(ptr, i64), np.array(nodes, i64), np.array(links, i64)


def build(nodes: Sequence[Node], links: Sequence[Link], hq: Sequence[int], n_forces: int,
          member: Sequence[tuple[Latency, float]] | None = None, jams: Sequence[Jam] = (),
          taps: Sequence[Tap] = (), two_way: bool = False) -> Network:
    """The network of `nodes` and `links` (two_way: each link also the other way), with the
    headquarters node of each side in `hq` (-1: the side has no network) and, per side, the
    hop from a member to its force's node (tactical: each entity's radio)."""
    links = list(links)
    if two_way:
        links += [Link(k.dst, k.src, k.latency, k.loss, k.capacity) for k in links]
    n = len(nodes)
    src = np.array([k.src for k in links], np.int64)
    dst = np.array([k.dst for k in links], np.int64)
    rate = np.array([k.rate for k in nodes], float)
    served = rate[dst]
    with np.errstate(divide="ignore"):
        wait = np.where(np.isfinite(served) & (served > 0), 1.0 / served, 0.0)
    weight = np.array([k.latency.mean for k in links], float).reshape(-1) + wait
    side = np.array([k.side for k in nodes], np.int64)
    hq_a = np.array(hq, np.int64)
    up = _routes(n, src, dst, weight, hq_a, side, reverse=False)
    down = _routes(n, src, dst, weight, hq_a, side, reverse=True)
    force_node = np.full(n_forces, -1, np.int64)
    for i, k in enumerate(nodes):
        if k.force >= 0:
            force_node[k.force] = i
    S = len(hq)
    mem = np.zeros((S, 4))
    for s, (lat, loss) in enumerate(member or []):
        mem[s] = [*_lat_row(lat), loss]
    return Network(
        node_side=side, node_kind=np.array([k.kind for k in nodes], np.int64), node_rate=rate,
        node_force=np.array([k.force for k in nodes], np.int64),
        node_mortal=np.array([k.mortal for k in nodes], bool),
        node_succession=np.array([k.succession for k in nodes], float),
        node_x=np.array([k.at[0] for k in nodes], float),
        node_y=np.array([k.at[1] for k in nodes], float),
        link_src=src, link_dst=dst,
        link_lat=np.array([_lat_row(k.latency) for k in links], float).reshape(-1, 3),
        link_loss=np.array([k.loss for k in links], float),
        link_cap=np.array([k.capacity for k in links], float),
        hq=hq_a, force_node=force_node, member=mem,
        up_ptr=up[0], up_node=up[1], up_link=up[2],
        down_ptr=down[0], down_node=down[1], down_link=down[2],
        jams=np.array([[j.side, j.t_from, j.t_to, j.loss, j.delay, j.shape, *j.geom]
                       for j in jams], float).reshape(-1, 10),
        taps=np.array([[t.to_side, t.delay, t.p, t.link, t.node] for t in taps],
                      float).reshape(-1, 5),
        node_ids=tuple(k.id for k in nodes))
