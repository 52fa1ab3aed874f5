"""Threshold cascades and the graphs they run on (warroom.morale): each rule on small graphs
whose outcome is known by hand, Granovetter's riot, the input forms, and the closure property
of every threshold cascade's end state."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.morale import (
    GraphError,
    as_graph,
    barabasi_albert,
    erdos_renyi,
    from_edges,
    proximity,
    threshold_cascade,
    tree,
    watts_strogatz,
)


def complete(n):
    return from_edges(n, np.array(list(itertools.combinations(range(n), 2))))


def path(n):
    return from_edges(n, np.column_stack([np.arange(n - 1), np.arange(1, n)]))


def test_granovetters_riot_everyone_joins_and_one_changed_threshold_stops_it_at_one():
    n = 100
    c = threshold_cascade(complete(n), np.arange(n), rule="absolute")
    assert c.size == n and c.rounds == n - 1  # one more joins each round
    assert np.array_equal(c.step, np.arange(n))
    thresholds = np.arange(n)
    thresholds[1] = 2
    c = threshold_cascade(complete(n), thresholds, rule="absolute")
    assert c.size == 1 and c.turned[0]


def test_fractional_rule_on_a_path_and_a_star():
    # a path with phi 0.5: each node has 2 neighbours (ends 1), one turned neighbour is half
    c = threshold_cascade(path(6), 0.5, seeds=[0])
    assert np.array_equal(c.step, [0, 1, 2, 3, 4, 5])
    c = threshold_cascade(path(6), 0.51, seeds=[0])  # more than half: the chain stops at once
    assert np.array_equal(c.step, [0, -1, -1, -1, -1, -1])
    star = from_edges(6, [(0, k) for k in range(1, 6)])
    # the hub needs 3 of its 5 leaves at phi 0.6; leaves need their one neighbour
    c = threshold_cascade(star, 0.6, seeds=[1, 2])
    assert c.size == 2
    c = threshold_cascade(star, 0.6, seeds=[1, 2, 3])
    assert c.size == 6 and c.step[0] == 1 and c.step[4] == 2 and c.rounds == 2
    assert np.array_equal(c.sizes(), [3, 4, 6])


def test_an_isolated_node_never_turns_unless_seeded_and_phi_zero_turns_at_once():
    g = from_edges(3, [(0, 1)])
    c = threshold_cascade(g, 0.0)
    assert list(c.step) == [0, 0, -1]
    assert list(threshold_cascade(g, 0.0, seeds=[2]).step) == [0, 0, 0]


def test_exposure_rule_certain_and_impossible_transmission():
    g = from_edges(7, [(0, 1), (1, 2), (2, 3), (4, 5)])
    c = threshold_cascade(g, 1.0, seeds=[0], rule="exposure")
    assert list(c.step) == [0, 1, 2, 3, -1, -1, -1]  # p = 1: breadth-first reach
    c = threshold_cascade(g, 0.0, seeds=[0], rule="exposure")
    assert c.size == 1


def test_exposure_on_a_star_turns_each_leaf_with_probability_p():
    # the hub exposes each of its 10,000 leaves once: the turned count is 1 + Binomial(n, p);
    # 5 standard deviations of it bound the check
    n, p = 10_000, 0.3
    star = from_edges(n + 1, [(0, k) for k in range(1, n + 1)])
    c = threshold_cascade(star, p, seeds=[0], rule="exposure", seed=7)
    assert abs((c.size - 1) - n * p) < 5 * np.sqrt(n * p * (1 - p))
    again = threshold_cascade(star, p, seeds=[0], rule="exposure", seed=7)
    assert np.array_equal(c.step, again.step)  # same seed, same cascade
    other = threshold_cascade(star, p, seeds=[0], rule="exposure", seed=8)
    assert not np.array_equal(c.step, other.step)


def test_the_graph_forms_give_one_graph():
    import networkx as nx
    from scipy import sparse

    g = nx.watts_strogatz_graph(200, 6, 0.2, seed=3)
    edges = np.array(list(g.edges()))
    a = as_graph(g)
    b = as_graph(edges, n=200)
    m = sparse.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(200, 200))
    c = as_graph(m.tocsr())
    d = as_graph(np.concatenate([edges, edges[:, ::-1], [[5, 5]]]), n=200)  # repeats, loop
    for other in (b, c, d):
        assert np.array_equal(a.indptr, other.indptr) and np.array_equal(a.indices, other.indices)
    assert a.n_edges == g.number_of_edges()
    assert np.array_equal(a.degree, [g.degree(v) for v in range(200)])
    runs = [threshold_cascade(x, 0.15, seeds=[0, 1, 2]).step for x in (g, a, m)]
    assert all(np.array_equal(runs[0], r) for r in runs)


def test_the_cascade_matches_a_plain_networkx_loop():
    import networkx as nx

    g = nx.fast_gnp_random_graph(3000, 4 / 2999, seed=5)
    seeds = [0, 17]
    turned = set(seeds)
    frontier = list(seeds)
    count = dict.fromkeys(g.nodes(), 0)
    while frontier:
        nxt = []
        for u in frontier:
            for v in g.neighbors(u):
                if v not in turned:
                    count[v] += 1
                    if count[v] >= 0.2 * g.degree(v):
                        turned.add(v)
                        nxt.append(v)
        frontier = nxt
    c = threshold_cascade(g, 0.2, seeds=seeds)
    assert set(np.flatnonzero(c.turned)) == turned


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), density=st.floats(0, 1), seed=st.integers(0, 2**32 - 1),
       rule=st.sampled_from(["fractional", "absolute"]))
def test_every_threshold_cascade_ends_closed_and_each_turn_is_justified(n, density, seed, rule):
    rng = np.random.default_rng(seed)
    g = erdos_renyi(n, density * (n - 1), rng)
    th = rng.random(n) if rule == "fractional" else rng.integers(0, 4, n).astype(float)
    seeds = rng.random(n) < 0.1
    c = threshold_cascade(g, th, seeds=seeds, rule=rule)
    deg = g.degree
    for v in range(n):
        nb = g.neighbours(v)
        need = th[v] * deg[v] if rule == "fractional" else th[v]
        if c.step[v] < 0:  # closed: no unturned node has its threshold met
            met = np.count_nonzero(c.step[nb] >= 0)
            assert not (met >= need and (deg[v] > 0 or rule == "absolute")), v
        elif c.step[v] > 0:  # justified: met by neighbours turned in earlier rounds
            before = np.count_nonzero((c.step[nb] >= 0) & (c.step[nb] < c.step[v]))
            assert before >= need and not seeds[v]
            earlier = np.count_nonzero((c.step[nb] >= 0) & (c.step[nb] < c.step[v] - 1))
            assert earlier < need  # and not already a round before


def test_generators_have_their_sizes_and_are_seeded():
    g = erdos_renyi(20_000, 10, np.random.default_rng(1))
    # the edge count is Binomial(n(n-1)/2, p): mean 100,000, sd about 316
    assert abs(g.n_edges - 100_000) < 5 * 316
    assert np.array_equal(g.indices, erdos_renyi(20_000, 10, np.random.default_rng(1)).indices)
    small = erdos_renyi(60, 59, np.random.default_rng(2))  # p = 1: the complete graph
    assert small.n_edges == 60 * 59 // 2
    ws = watts_strogatz(1000, 6, 0.0, np.random.default_rng(3))
    assert (ws.degree == 6).all()  # no rewiring: the ring lattice
    ba = barabasi_albert(2000, 3, np.random.default_rng(4))
    assert ba.n_edges == 3 + 3 * (2000 - 4)  # the star of m, then m per new node
    assert ba.degree.max() > 10 * 3  # hubs: preferential attachment
    pr = proximity(np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]]), 1.5)
    assert pr.n_edges == 1 and list(pr.neighbours(0)) == [1]
    t = tree(np.array([-1, 0, 0, 1, 1]))
    assert t.n_edges == 4 and sorted(t.neighbours(1)) == [0, 3, 4]


@pytest.mark.parametrize(("call", "needle"), [
    (lambda: threshold_cascade(path(3), 1.5), "phi of node 0 is 1.5: expected a number in [0, 1]"),
    (lambda: threshold_cascade(path(3), [0.1, np.nan, 0.2]), "phi of node 1 is nan"),
    (lambda: threshold_cascade(path(3), 1.5, rule="absolute"), "expected a whole number"),
    (lambda: threshold_cascade(path(3), 0.1, rule="watts"), "rule must be one of"),
    (lambda: threshold_cascade(path(3), [0.1, 0.2], ), "one number or one per node (3)"),
    (lambda: threshold_cascade(path(3), 0.1, seeds=[3]), "seeds must be node indices in 0..2"),
    (lambda: from_edges(3, [(0, 1), (1, 7)]), "edge 1 (1, 7) names a node outside 0..2"),
    (lambda: as_graph([(0, 1)]), "needs the number of nodes"),
    (lambda: tree(np.array([-1, 2, 3, 1])), "cycle: 1 -> 2 -> 3 -> 1"),
    (lambda: erdos_renyi(10**9, 3, np.random.default_rng(0)), "graph_nodes"),
    (lambda: watts_strogatz(10, 3, 0.1, np.random.default_rng(0)), "k must be an even"),
])
def test_bad_graphs_and_thresholds_are_refused_by_name(call, needle):
    with pytest.raises(GraphError) as e:
        call()
    assert needle in str(e.value)


def test_networkx_nodes_other_than_integers_are_refused():
    import networkx as nx

    g = nx.Graph([("a", "b")])
    with pytest.raises(GraphError, match="convert_node_labels_to_integers"):
        as_graph(g)
