"""Travel and interception on hand-made theaters: a fleet arrives at the sum of its lanes'
times, and is intercepted only where the interceptor can reach its lane in time."""

from __future__ import annotations

import numpy as np
import pytest

from warroom.campaign.fleets import ON_LANE, Fleets
from warroom.campaign.movement import interception, schedule
from warroom.theater import route, theater_from_tables


def line(e_to_c: float):
    """a - b - c - d, two days a lane; e hangs off c."""
    return theater_from_tables(["a", "b", "c", "d", "e"],
                               [("a", "b", 2.0), ("b", "c", 2.0), ("c", "d", 2.0),
                                ("e", "c", e_to_c)])


def test_a_fleet_arrives_at_the_sum_of_its_lanes_times():
    th = line(1.0)
    path, total = route(th, 0, 3)
    times = schedule(th, path, 10.0)
    assert times.tolist() == [10.0, 12.0, 14.0, 16.0] and times[-1] - 10.0 == total
    fleets = Fleets(side=[0, 1], world=[0, 4])
    fleets.send(0, path, times)
    f, w, t = fleets.advance(13.0)
    # the world it sets out from is behind it: reached are b, then (below) c and d
    assert list(zip(f.tolist(), w.tolist(), t.tolist(), strict=True)) == [(0, 1, 12.0)]
    assert fleets.world.tolist() == [ON_LANE, 4]
    a, b, frac = fleets.lanes(13.0)
    assert (a[0], b[0], frac[0]) == (1, 2, 0.5) and (a[1], b[1], frac[1]) == (4, 4, 0.0)
    f, w, t = fleets.advance(99.0)  # the rest of the way in one step: c, then d
    assert w.tolist() == [2, 3] and t.tolist() == [14.0, 16.0]
    assert fleets.world.tolist() == [3, 4]


def test_a_fleet_turned_on_a_lane_reaches_the_world_ahead_first_and_keeps_its_lane():
    th = line(1.0)
    fleets = Fleets(side=[0], world=[0])
    path, _ = route(th, 0, 3)
    fleets.send(0, path, schedule(th, path, 0.0))
    fleets.advance(3.0)  # half way from b to c
    with pytest.raises(ValueError, match="heading for world 2, not 1"):
        fleets.send(0, [1, 0], [3.0, 5.0])
    fleets.send(0, [2, 1, 0], np.array([4.0, 6.0, 8.0]))  # back, through c
    a, b, frac = fleets.lanes(3.0)
    assert (a[0], b[0], frac[0]) == (1, 2, 0.5)
    f, w, t = fleets.advance(8.0)
    assert w.tolist() == [2, 1, 0] and t.tolist() == [4.0, 6.0, 8.0]


def test_a_fleet_is_sent_from_where_it_is():
    fleets = Fleets(side=[0], world=[2])
    with pytest.raises(ValueError, match="at world 2, not 0"):
        fleets.send(0, [0, 1], [0.0, 1.0])


def test_an_interceptor_that_can_reach_the_lane_in_time_meets_the_fleet_on_it():
    th = line(1.0)
    path = [0, 1, 2, 3]
    times = schedule(th, path, 0.0)
    m = interception(th, path, times, start=4, now=0.0)
    # e reaches c at t = 1 and goes up the lane b -> c, which the fleet entered at t = 2
    assert m is not None and (m.u, m.v) == (1, 2)
    assert m.t == pytest.approx(2.5) and m.fraction == pytest.approx(0.25)


def test_an_interceptor_too_far_away_never_meets_the_fleet():
    th = line(5.0)  # e reaches c at t = 5, after the fleet passed it at t = 4
    path = [0, 1, 2, 3]
    assert interception(th, path, schedule(th, path, 0.0), start=4, now=0.0) is None


def test_an_interceptor_waits_at_a_world_it_reaches_first():
    th = line(0.5)
    path = [2, 3]  # the fleet goes c -> d from t = 1
    m = interception(th, path, schedule(th, path, 1.0), start=4, now=0.0)
    assert m is not None and (m.u, m.v, m.t) == (2, 2, 1.0)  # at c, when the fleet leaves


def test_a_route_through_a_missing_lane_is_refused():
    th = line(1.0)
    with pytest.raises(ValueError, match="no lane between worlds 0 and 2"):
        schedule(th, [0, 2], 0.0)
