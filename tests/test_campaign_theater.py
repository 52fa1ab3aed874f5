"""The campaign's theater: lanes as CSR, routes whose time is the sum of their lanes', tables
checked, and a seeded stellar field that is connected and as dense as asked."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from warroom.theater import generate, route, theater_from_tables


def small():
    return theater_from_tables(["a", "b", "c", "d"],
                               [("a", "b", 2.0), ("b", "c", 3.0), ("a", "c", 10.0),
                                ("c", "d", 0.0)])


def test_a_route_takes_the_sum_of_its_lanes():
    th = small()
    path, t = route(th, 0, 3)
    assert path == [0, 1, 2, 3] and t == 5.0
    assert sum(th.time[th.lane(u, v)] for u, v in zip(path[:-1], path[1:], strict=True)) == t
    assert th.n_lanes == 4 and th.lane(3, 0) == -1


def test_an_unreachable_world_has_no_route():
    th = theater_from_tables(["a", "b", "c"], [("a", "b", 1.0)])
    assert route(th, 0, 2) == ([], float("inf"))


@pytest.mark.parametrize("lanes,needle", [
    ([("a", "z", 1.0)], "unknown world 'z'"),
    ([("a", "b", -1.0)], "expected a travel time >= 0"),
    ([("a", "b", float("nan"))], "expected a travel time >= 0"),
    ([("a", "b", 1.0), ("b", "a", 2.0)], "listed twice"),
    ([("a", "a", 1.0)], "to itself"),
])
def test_bad_lanes_are_refused_by_name(lanes, needle):
    with pytest.raises(ValueError, match=needle):
        theater_from_tables(["a", "b"], lanes)


def test_a_generated_field_is_seeded_connected_and_as_dense_as_asked():
    a, b = generate(5000, seed=3, degree=4.0), generate(5000, seed=3, degree=4.0)
    np.testing.assert_array_equal(a.dst, b.dst)
    np.testing.assert_array_equal(a.time, b.time)
    assert not np.array_equal(generate(5000, seed=4).x, a.x)
    k, _ = connected_components(a.matrix(), directed=False)
    assert k == 1
    mean_degree = len(a.dst) / a.n
    # worlds near the square's edge have fewer neighbours (about 4 r / size of them lose up
    # to half their disc), and joining pieces adds a few lanes
    assert 3.4 < mean_degree < 4.4
    # lanes are symmetric with equal times
    m = a.matrix()
    assert abs(m - m.T).max() == 0.0
