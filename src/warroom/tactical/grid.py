"""A uniform grid over a set of points with a count pyramid above it, for exact nearest-neighbour
and radius queries without per-query allocation.

Points are bucketed by cell with a counting sort (O(n)); level k of the pyramid holds how many
points lie in each 2^k x 2^k block of cells. A nearest query first scans the rings of cells
around the query (where a front-line entity finds its enemy), then, if the answer may lie
further out, descends the pyramid from the root, visiting the nearer child first and skipping
every block that is empty or farther than the best distance found so far (branch and bound, as in
a kd-tree but with nothing to build beyond counts).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit, prange

RINGS = 2  # rings of cells scanned before the pyramid search


class Grid(NamedTuple):
    cell: float
    gw: int
    gh: int
    start: np.ndarray  # int64 (gw * gh + 1,): points of cell c are order[start[c]:start[c + 1]]
    order: np.ndarray  # int64: the entity index of each bucketed point
    px: np.ndarray  # float64: x of each bucketed point, in bucket order
    py: np.ndarray
    pyr: np.ndarray  # int64: counts of every pyramid level, level 0 first
    lv_off: np.ndarray  # int64 (levels,): offset of each level in pyr
    lv_w: np.ndarray  # int64 (levels,)
    lv_h: np.ndarray


def grid_shape(width: float, height: float, cell: float) -> tuple[int, int]:
    return max(int(np.ceil(width / cell)), 1), max(int(np.ceil(height / cell)), 1)


@njit(cache=True, error_model="numpy")
def _bucket(x, y, members, cell, gw, gh):
    n = members.shape[0]
    cells = np.empty(n, np.int64)
    counts = np.zeros(gw * gh + 1, np.int64)
    for k in range(n):
        e = members[k]
        cx = min(max(int(x[e] / cell), 0), gw - 1)
        cy = min(max(int(y[e] / cell), 0), gh - 1)
        c = cy * gw + cx
        cells[k] = c
        counts[c + 1] += 1
    start = np.cumsum(counts)
    fill = start[:-1].copy()
    order = np.empty(n, np.int64)
    px = np.empty(n)
    py = np.empty(n)
    for k in range(n):
        c = cells[k]
        j = fill[c]
        fill[c] += 1
        e = members[k]
        order[j] = e
        px[j] = x[e]
        py[j] = y[e]
    return start, order, px, py


@njit(cache=True, error_model="numpy")
def _pyramid(start, gw, gh):
    levels = 1
    w, h = gw, gh
    size = w * h
    while w > 1 or h > 1:
        w, h = (w + 1) // 2, (h + 1) // 2
        size += w * h
        levels += 1
    pyr = np.zeros(size, np.int64)
    lv_off = np.zeros(levels, np.int64)
    lv_w = np.zeros(levels, np.int64)
    lv_h = np.zeros(levels, np.int64)
    lv_w[0], lv_h[0] = gw, gh
    for c in range(gw * gh):
        pyr[c] = start[c + 1] - start[c]
    off = gw * gh
    for lv in range(1, levels):
        pw, ph = lv_w[lv - 1], lv_h[lv - 1]
        w, h = (pw + 1) // 2, (ph + 1) // 2
        lv_off[lv], lv_w[lv], lv_h[lv] = off, w, h
        po = lv_off[lv - 1]
        for j in range(ph):
            for i in range(pw):
                pyr[off + (j // 2) * w + i // 2] += pyr[po + j * pw + i]
        off += w * h
    return pyr, lv_off, lv_w, lv_h


def build_grid(x: np.ndarray, y: np.ndarray, members: np.ndarray, width: float, height: float,
               cell: float) -> Grid:
    gw, gh = grid_shape(width, height, cell)
    start, order, px, py = _bucket(x, y, members.astype(np.int64, copy=False), cell, gw, gh)
    pyr, lv_off, lv_w, lv_h = _pyramid(start, gw, gh)
    return Grid(float(cell), gw, gh, start, order, px, py, pyr, lv_off, lv_w, lv_h)


@njit(cache=True, error_model="numpy", inline="always")
def _mind2(qx, qy, x0, y0, x1, y1):
    dx = max(x0 - qx, 0.0, qx - x1)
    dy = max(y0 - qy, 0.0, qy - y1)
    return dx * dx + dy * dy


@njit(cache=True, error_model="numpy", inline="always")
def _scan(c, qx, qy, start, px, py, best, bj):
    for j in range(start[c], start[c + 1]):
        dx = px[j] - qx
        dy = py[j] - qy
        d2 = dx * dx + dy * dy
        if d2 < best or (d2 == best and j < bj):
            best, bj = d2, j
    return best, bj


@njit(cache=True, error_model="numpy")
def nearest(qx, qy, cell, gw, gh, start, px, py, pyr, lv_off, lv_w, lv_h, stack, kd, ki, kj):
    """(slot in bucket order, squared distance) of the nearest point; (-1, inf) if none.
    Scratch: `stack` of at least 3 * (4 * levels + 1) int64, `kd`, `ki`, `kj` of 4."""
    best = np.inf
    bj = -1
    if start[gw * gh] == 0:
        return bj, best
    cx = min(max(int(qx / cell), 0), gw - 1)
    cy = min(max(int(qy / cell), 0), gh - 1)
    for r in range(RINGS + 1):
        for j in range(max(cy - r, 0), min(cy + r, gh - 1) + 1):
            edge = j == cy - r or j == cy + r
            step = 1 if edge else 2 * r
            i = cx - r
            while i <= cx + r:
                if 0 <= i < gw:
                    best, bj = _scan(j * gw + i, qx, qy, start, px, py, best, bj)
                i += step if step > 0 else 1
        # everything not yet scanned lies outside the (2r + 1)^2 block around the query's cell
        lb = min(qx - (cx - r) * cell, (cx + r + 1) * cell - qx,
                 qy - (cy - r) * cell, (cy + r + 1) * cell - qy)
        if lb > 0 and best <= lb * lb:
            return bj, best
    top = lv_off.shape[0] - 1
    stack[0], stack[1], stack[2] = top, 0, 0
    sp = 3
    while sp > 0:
        sp -= 3
        lv, i, j = stack[sp], stack[sp + 1], stack[sp + 2]
        size = cell * (1 << lv)
        if _mind2(qx, qy, i * size, j * size, (i + 1) * size, (j + 1) * size) >= best:
            continue
        if lv == 0:
            best, bj = _scan(j * gw + i, qx, qy, start, px, py, best, bj)
            continue
        cl = lv - 1
        cw, ch, co = lv_w[cl], lv_h[cl], lv_off[cl]
        half = size / 2
        # children sorted far to near so that the nearest is popped first
        nk = 0
        for dj in range(2):
            for di in range(2):
                ii, jj = 2 * i + di, 2 * j + dj
                if ii >= cw or jj >= ch or pyr[co + jj * cw + ii] == 0:
                    continue
                d = _mind2(qx, qy, ii * half, jj * half, (ii + 1) * half, (jj + 1) * half)
                if d >= best:
                    continue
                m = nk
                while m > 0 and kd[m - 1] < d:
                    kd[m], ki[m], kj[m] = kd[m - 1], ki[m - 1], kj[m - 1]
                    m -= 1
                kd[m], ki[m], kj[m] = d, ii, jj
                nk += 1
        for m in range(nk):
            stack[sp], stack[sp + 1], stack[sp + 2] = cl, ki[m], kj[m]
            sp += 3
    return bj, best


def scratch(grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return (np.empty(3 * (4 * len(grid.lv_off) + 1), np.int64), np.empty(4),
            np.empty(4, np.int64), np.empty(4, np.int64))


@njit(cache=True, error_model="numpy", inline="always")
def _maxd2(x0, y0, x1, y1, px, py):
    dx = max(px - x0, x1 - px)
    dy = max(py - y0, y1 - py)
    return dx * dx + dy * dy


@njit(cache=True, error_model="numpy")
def _block_candidates(x0, y0, x1, y1, cell, gw, start, px, py, pyr, lv_off, lv_w, lv_h, stack,
                      keys, cand):
    """Slots of every point that can be the nearest to some point of the box [x0,x1]x[y0,y1]:
    a branch and bound on u = min over points of their farthest distance from the box, which
    bounds every box point's nearest distance. Returns the count, or -1 if `cand` overflowed.
    Scratch: `stack` (3 per entry) and `keys` (2 per entry: distance to the box, and the
    centre's distance that orders siblings), 4 * levels + 1 entries each."""
    u = np.inf
    nc = 0
    cap = cand.shape[0]
    top = lv_off.shape[0] - 1
    stack[0], stack[1], stack[2] = top, 0, 0
    keys[0] = 0.0
    sp = 1
    while sp > 0:
        sp -= 1
        if keys[2 * sp] > u:
            continue
        lv, i, j = stack[3 * sp], stack[3 * sp + 1], stack[3 * sp + 2]
        if lv == 0:
            c = j * gw + i
            for q in range(start[c], start[c + 1]):
                m = _maxd2(x0, y0, x1, y1, px[q], py[q])
                if m < u:
                    u = m
                ex = max(px[q] - x1, 0.0, x0 - px[q])
                ey = max(py[q] - y1, 0.0, y0 - py[q])
                if ex * ex + ey * ey <= u:
                    if nc == cap:
                        return -1
                    cand[nc] = q
                    nc += 1
            continue
        cl = lv - 1
        cw, ch, co = lv_w[cl], lv_h[cl], lv_off[cl]
        half = cell * (1 << cl)
        base = sp
        for dj in range(2):
            for di in range(2):
                ii, jj = 2 * i + di, 2 * j + dj
                if ii >= cw or jj >= ch or pyr[co + jj * cw + ii] == 0:
                    continue
                dx = max(ii * half - x1, 0.0, x0 - (ii + 1) * half)
                dy = max(jj * half - y1, 0.0, y0 - (jj + 1) * half)
                dn = dx * dx + dy * dy
                if dn > u:
                    continue
                order = _mind2((ii + 0.5) * half, (jj + 0.5) * half, x0, y0, x1, y1)
                # insert among this node's children, far first so the nearest is popped first
                b = sp
                while b > base and keys[2 * b - 1] < order:
                    stack[3 * b], stack[3 * b + 1], stack[3 * b + 2] = (
                        stack[3 * b - 3], stack[3 * b - 2], stack[3 * b - 1])
                    keys[2 * b], keys[2 * b + 1] = keys[2 * b - 2], keys[2 * b - 1]
                    b -= 1
                stack[3 * b], stack[3 * b + 1], stack[3 * b + 2] = cl, ii, jj
                keys[2 * b], keys[2 * b + 1] = dn, order
                sp += 1
    # keep only those that can still win against the final bound
    k = 0
    for m in range(nc):
        q = cand[m]
        ex = max(px[q] - x1, 0.0, x0 - px[q])
        ey = max(py[q] - y1, 0.0, y0 - py[q])
        if ex * ex + ey * ey <= u:
            cand[k] = q
            k += 1
    return k


@njit(cache=True, error_model="numpy", parallel=True)
def nearest_all(qx, qy, qstart, cell, gw, gh, start, px, py, pyr, lv_off, lv_w, lv_h, cap,
                out_slot, out_d2):
    """Exact nearest point (slot, squared distance) for every query, queries bucketed into
    blocks by `qstart` (CSR): candidates are found once per block and scanned per query."""
    nb = qstart.shape[0] - 1
    levels = lv_off.shape[0]
    for b in prange(nb):
        q0, q1 = qstart[b], qstart[b + 1]
        if q0 == q1:
            continue
        stack = np.empty(3 * (4 * levels + 1), np.int64)
        keys = np.empty(2 * (4 * levels + 1))
        cand = np.empty(cap, np.int64)
        x0 = x1 = qx[q0]
        y0 = y1 = qy[q0]
        for q in range(q0 + 1, q1):
            x0, x1 = min(x0, qx[q]), max(x1, qx[q])
            y0, y1 = min(y0, qy[q]), max(y1, qy[q])
        nc = _block_candidates(x0, y0, x1, y1, cell, gw, start, px, py, pyr, lv_off, lv_w,
                               lv_h, stack, keys, cand)
        if nc < 0:  # a crowded neighbourhood: fall back to one search per query
            kd = np.empty(4)
            ki = np.empty(4, np.int64)
            kj = np.empty(4, np.int64)
            for q in range(q0, q1):
                out_slot[q], out_d2[q] = nearest(qx[q], qy[q], cell, gw, gh, start, px, py, pyr,
                                                 lv_off, lv_w, lv_h, stack, kd, ki, kj)
            continue
        # gather the candidates' coordinates so that the scan below is a tight loop
        cx = np.empty(nc)
        cy = np.empty(nc)
        d2 = np.empty(nc)
        for m in range(nc):
            cx[m] = px[cand[m]]
            cy[m] = py[cand[m]]
        for q in range(q0, q1):
            best = _distances(cx, cy, qx[q], qy[q], d2)
            m = 0
            while d2[m] != best:  # the first in candidate order, which is deterministic
                m += 1
            out_slot[q], out_d2[q] = cand[m], best


@njit(cache=True, error_model="numpy", fastmath=True)
def _distances(cx, cy, qx, qy, d2):
    """Squared distances into d2 and their minimum; fastmath lets LLVM vectorise the
    reduction (a minimum is exact in any order, and d2 is stored, so ties are found exactly)."""
    best = np.inf
    for m in range(cx.shape[0]):
        v = (cx[m] - qx) * (cx[m] - qx) + (cy[m] - qy) * (cy[m] - qy)
        d2[m] = v
        best = min(best, v)
    return best
