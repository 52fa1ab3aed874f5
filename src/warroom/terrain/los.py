"""Line of sight over the elevation raster, and the high-ground factor on hit probability."""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True, error_model="numpy", inline="always")
def cell_of(elev, cell, x, y):
    H, W = elev.shape
    r = min(max(int(y / cell), 0), H - 1)
    c = min(max(int(x / cell), 0), W - 1)
    return r, c


@njit(cache=True, error_model="numpy")
def visible(elev, cell, x0, y0, h0, x1, y1, h1):
    """True if the straight line from (x0, y0) at h0 metres above ground to (x1, y1) at h1
    stays above the ground in between (sampled every half cell)."""
    r0, c0 = cell_of(elev, cell, x0, y0)
    r1, c1 = cell_of(elev, cell, x1, y1)
    z0 = elev[r0, c0] + h0
    z1 = elev[r1, c1] + h1
    n = int(math.hypot(x1 - x0, y1 - y0) / (0.5 * cell))
    for k in range(1, n):
        f = k / n
        r, c = cell_of(elev, cell, x0 + f * (x1 - x0), y0 + f * (y1 - y0))
        if (r == r0 and c == c0) or (r == r1 and c == c1):
            continue
        if elev[r, c] > z0 + f * (z1 - z0):
            return False
    return True


@njit(cache=True, error_model="numpy", inline="always")
def height_factor(elev, cell, bonus, xs, ys, xt, yt):
    """1 + bonus for a shooter 20 m or more above its target, scaling linearly from level."""
    rs, cs = cell_of(elev, cell, xs, ys)
    rt, ct = cell_of(elev, cell, xt, yt)
    dz = elev[rs, cs] - elev[rt, ct]
    return 1.0 + bonus * min(max(dz / 20.0, 0.0), 1.0)
