"""Travel-cost fields for path finding: for a goal and a mobility kind, the cheapest cost of
reaching the goal from every cell (Dijkstra over the 8-connected raster, each step costing its
length times the mean movement cost of the two cells; a diagonal step may not cut the corner of
an impassable cell). An entity heading for a fixed objective
walks down this field, so it goes round water and cliffs and takes the road when that is
quicker; impassable cells have infinite cost and never appear on a path."""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .raster import Raster

STEPS = ((0, 1, 1.0), (1, 0, 1.0), (1, 1, math.sqrt(2.0)), (1, -1, math.sqrt(2.0)))


def _graph(cost: np.ndarray, cell: float) -> csr_matrix:
    H, W = cost.shape
    ids = np.arange(H * W).reshape(H, W)
    rows, cols, weights = [], [], []
    for dr, dc, length in STEPS:
        r0, r1 = 0, H - dr
        c0, c1 = max(0, -dc), W - max(0, dc)
        a = ids[r0:r1, c0:c1]
        b = ids[r0 + dr:r1 + dr, c0 + dc:c1 + dc]
        ca = cost[r0:r1, c0:c1]
        cb = cost[r0 + dr:r1 + dr, c0 + dc:c1 + dc]
        ok = np.isfinite(ca) & np.isfinite(cb)
        if dr and dc:  # no cutting a corner of impassable ground on a diagonal
            side1 = cost[r0:r1, c0 + dc:c1 + dc]
            side2 = cost[r0 + dr:r1 + dr, c0:c1]
            ok &= np.isfinite(side1) & np.isfinite(side2)
        rows.append(a[ok])
        cols.append(b[ok])
        weights.append(cell * length * 0.5 * (ca[ok] + cb[ok]))
    return csr_matrix((np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(H * W, H * W))


def graph(raster: Raster, mobility: int) -> csr_matrix:
    """The raster as a graph for one mobility kind (reusable across fields)."""
    return _graph(raster.cost[raster.terrain, mobility], raster.cell)


def field_to_points(raster: Raster, mobility: int, xs: np.ndarray, ys: np.ndarray,
                    g: csr_matrix | None = None) -> np.ndarray:
    """(H, W) cost of the cheapest path to the nearest of several points (an advance on the
    enemies a side sees); inf where none can be reached."""
    cost = raster.cost[raster.terrain, mobility]
    H, W = cost.shape
    r = np.clip((ys / raster.cell).astype(np.int64), 0, H - 1)
    c = np.clip((xs / raster.cell).astype(np.int64), 0, W - 1)
    goals = np.unique(r * W + c)
    goals = goals[np.isfinite(cost.ravel()[goals])]
    if goals.size == 0:
        return np.full((H, W), np.inf)
    g = graph(raster, mobility) if g is None else g
    return dijkstra(g, directed=False, indices=goals, min_only=True).reshape(H, W)


def cost_field(raster: Raster, mobility: int, goal: tuple[float, float, float, float]
               ) -> np.ndarray:
    """(H, W) cost of the cheapest path to the goal box (x0, y0, x1, y1; a point when
    x0 == x1 and y0 == y1); inf where the goal cannot be reached."""
    cost = raster.cost[raster.terrain, mobility]
    H, W = cost.shape
    cell = raster.cell
    x0, y0, x1, y1 = goal
    c0 = min(max(int(x0 / cell), 0), W - 1)
    c1 = min(max(int(x1 / cell), 0), W - 1)
    r0 = min(max(int(y0 / cell), 0), H - 1)
    r1 = min(max(int(y1 / cell), 0), H - 1)
    goals = (np.arange(r0, r1 + 1)[:, None] * W + np.arange(c0, c1 + 1)[None, :]).ravel()
    goals = goals[np.isfinite(cost.ravel()[goals])]
    if goals.size == 0:
        return np.full((H, W), np.inf)
    dist = dijkstra(_graph(cost, cell), directed=False, indices=goals, min_only=True)
    return dist.reshape(H, W)
