"""The spatial grid's nearest-neighbour queries are exact (against brute force)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.tactical.grid import build_grid, nearest, nearest_all, scratch


def brute(qx, qy, x, y):
    d2 = (x[None, :] - qx[:, None]) ** 2 + (y[None, :] - qy[:, None]) ** 2
    return d2.min(axis=1)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 400), st.integers(1, 300), st.floats(0.3, 30.0), st.integers(0, 2**31),
       st.booleans())
def test_nearest_matches_brute_force(n_pts, n_q, cell, seed, clustered):
    rng = np.random.default_rng(seed)
    W, H = 100.0, 60.0
    if clustered:  # piles of points at the same few spots: ties and crowded cells
        spots = rng.uniform(0, [W, H], (3, 2))
        pts = spots[rng.integers(0, 3, n_pts)]
    else:
        pts = rng.uniform(0, [W, H], (n_pts, 2))
    qs = rng.uniform(0, [W, H], (n_q, 2))
    x = np.r_[pts[:, 0], qs[:, 0]]
    y = np.r_[pts[:, 1], qs[:, 1]]
    g = build_grid(x, y, np.arange(n_pts), W, H, cell)
    q = build_grid(x, y, np.arange(n_pts, n_pts + n_q), W, H, cell * 1.7)
    slot = np.empty(n_q, np.int64)
    d2 = np.empty(n_q)
    for cap in (4096, 2):  # 2: every block overflows and falls back to one search per query
        nearest_all(q.px, q.py, q.start, g.cell, g.gw, g.gh, g.start, g.px, g.py, g.pyr,
                    g.lv_off, g.lv_w, g.lv_h, cap, slot, d2)
        want = brute(q.px, q.py, x[:n_pts], y[:n_pts])
        np.testing.assert_allclose(d2, want, rtol=1e-12, atol=1e-12)
        got = (g.px[slot] - q.px) ** 2 + (g.py[slot] - q.py) ** 2
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    stack, kd, ki, kj = scratch(g)
    for k in range(min(n_q, 20)):
        j, dd = nearest(q.px[k], q.py[k], g.cell, g.gw, g.gh, g.start, g.px, g.py, g.pyr,
                        g.lv_off, g.lv_w, g.lv_h, stack, kd, ki, kj)
        assert dd == pytest.approx(want[k], rel=1e-12, abs=1e-12)
        assert (g.px[j] - q.px[k]) ** 2 + (g.py[j] - q.py[k]) ** 2 == pytest.approx(
            dd, rel=1e-12, abs=1e-12)


def test_empty_grid_has_no_nearest():
    g = build_grid(np.zeros(0), np.zeros(0), np.zeros(0, np.int64), 10.0, 10.0, 1.0)
    stack, kd, ki, kj = scratch(g)
    j, d = nearest(5.0, 5.0, g.cell, g.gw, g.gh, g.start, g.px, g.py, g.pyr, g.lv_off, g.lv_w,
                   g.lv_h, stack, kd, ki, kj)
    assert j == -1 and d == np.inf
