"""Supply on a hand-made theater: cutting a line lowers the effectiveness of the fleets
beyond it by the configured amount, and restoring it restores them."""

from __future__ import annotations

import numpy as np
import pytest

from warroom.campaign.supply import blockade, effectiveness, supplied
from warroom.theater import theater_from_tables


def chain():
    """home - a - b - c, a day a lane, and a zero-time lane c - d."""
    return theater_from_tables(["home", "a", "b", "c", "d"],
                               [("home", "a", 1.0), ("a", "b", 1.0), ("b", "c", 1.0),
                                ("c", "d", 0.0)])


def test_cutting_a_line_cuts_off_what_lies_beyond_and_restoring_it_restores():
    th = chain()
    fleets = np.array([1, 3, 4, -1])  # at a, at c, at d, on a lane
    full = supplied(th, np.array([0]), reach=10.0)
    assert full.all()
    np.testing.assert_array_equal(effectiveness(fleets, full, 0.4), [1.0, 1.0, 1.0, 0.6])
    cut = supplied(th, np.array([0]), reach=10.0, open_lanes=blockade(th, [(1, 2)]))
    assert cut.tolist() == [True, True, False, False, False]
    np.testing.assert_allclose(effectiveness(fleets, cut, 0.4), [1.0, 0.6, 0.6, 0.6])
    again = supplied(th, np.array([0]), reach=10.0, open_lanes=blockade(th, []))
    np.testing.assert_array_equal(effectiveness(fleets, again, 0.4), [1.0, 1.0, 1.0, 0.6])


def test_supply_reaches_only_so_far():
    th = chain()
    assert supplied(th, np.array([0]), reach=2.0).tolist() == [True, True, True, False, False]
    assert not supplied(th, np.array([], np.int64), reach=5.0).any()


def test_bad_supply_inputs_are_refused():
    th = chain()
    with pytest.raises(ValueError, match="no lane between worlds 0 and 3"):
        blockade(th, [(0, 3)])
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        effectiveness(np.array([0]), np.ones(5, bool), 1.5)
