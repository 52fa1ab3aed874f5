"""Build the battlefield raster from a scenario's `map` section.

Rasters are indexed [row, col] with row 0 the northern edge, like an image; world coordinates are
metres, x = col * cell east and y = row * cell south.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import did_you_mean
from ..limits import over
from .classes import BUILTIN, MOBILITY
from .noise import value_noise


@dataclass(frozen=True, eq=False)
class Raster:
    cell: float
    elevation: np.ndarray  # float64 (H, W), metres
    terrain: np.ndarray  # uint8 (H, W), index into class_ids
    class_ids: tuple[str, ...]
    cost: np.ndarray  # float64 (n_classes, 5): movement cost per mobility kind
    concealment: np.ndarray  # float64 (n_classes,)
    cover: np.ndarray  # float64 (n_classes,)
    height_bonus: float

    @property
    def shape(self) -> tuple[int, int]:
        return self.terrain.shape  # type: ignore[return-value]

    @property
    def extent(self) -> tuple[float, float]:
        """(width, height) in metres."""
        return self.terrain.shape[1] * self.cell, self.terrain.shape[0] * self.cell

    @property
    def flat(self) -> bool:
        return bool(np.ptp(self.elevation) == 0.0)


class MapProblem(ValueError):
    """A problem with the map, located by a field path inside `map`."""

    def __init__(self, loc: tuple, message: str):
        super().__init__(message)
        self.loc = loc


def class_table(user) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
    table = {k: (list(v[0]), v[1], v[2]) for k, v in BUILTIN.items()}
    for c in user:
        cost = [float(c.cost.get(m, 1.0)) for m in MOBILITY]
        table[c.id] = (cost, c.concealment, c.cover)
    ids = tuple(table)
    col = [np.array([table[k][i] for k in ids], float) for i in range(3)]
    return ids, col[0], col[1], col[2]


def _read_array(path: Path, loc: tuple) -> np.ndarray:
    if not path.exists():
        raise MapProblem(loc, f"map file {path} does not exist")
    suffix = path.suffix.lower()
    msg = over("file_bytes", path.stat().st_size, f"map file {path}: its size in bytes")
    if msg:
        raise MapProblem(loc, msg)
    try:
        if suffix == ".npy":
            a = np.load(path, allow_pickle=False)
        elif suffix == ".csv":
            a = np.loadtxt(path, delimiter=",", ndmin=2)
        elif suffix == ".png":
            from matplotlib.image import imread

            a = imread(path)
        else:
            raise MapProblem(loc, f"map file {path}: expected .npy, .csv or .png, found "
                             f"'{suffix or 'no extension'}'")
    except MapProblem:
        raise
    except Exception as e:  # a corrupt file is the user's input, not a bug
        raise MapProblem(loc, f"map file {path} cannot be read: {e}") from None
    return np.asarray(a)


def _shape_ok(a: np.ndarray, shape: tuple[int, int] | None, loc: tuple, what: str) -> None:
    if a.ndim != 2:
        raise MapProblem(loc, f"{what}: expected a 2-D raster, found {a.ndim} dimensions "
                         f"{a.shape}")
    if shape is not None and a.shape != shape:
        raise MapProblem(loc, f"{what}: expected {shape[0]} rows x {shape[1]} columns (map "
                         f"height x width), found {a.shape[0]} x {a.shape[1]}")


def _elevation(spec, shape, cell, base: Path) -> np.ndarray:
    e = spec.elevation
    loc = ("map", "elevation")
    if e.flat is not None:
        if shape is None:
            raise MapProblem(("map",), "a flat map needs `width` and `height` (cells)")
        return np.full(shape, float(e.flat))
    if e.rows is not None:
        if len({len(r) for r in e.rows}) != 1:
            raise MapProblem(loc + ("rows",), "every row needs the same number of values")
        a = np.array(e.rows, float)
        _shape_ok(a, shape, loc + ("rows",), "elevation rows")
        return a
    if e.file is not None:
        path = base / e.file
        a = _read_array(path, loc + ("file",))
        if path.suffix.lower() == ".png":
            a = a[..., :3].mean(axis=-1) if a.ndim == 3 else a
            a = (a - a.min()) / max(np.ptp(a), 1e-12) * e.relief
        _shape_ok(a, shape, loc + ("file",), f"elevation file {path.name}")
        if not np.isfinite(a).all():
            raise MapProblem(loc + ("file",), f"elevation file {path.name}: expected finite "
                             "heights, found NaN or infinity")
        return a.astype(float)
    if shape is None:
        raise MapProblem(("map",), "a generated map needs `width` and `height` (cells)")
    g = e.generate
    return value_noise(shape[0], shape[1], cell, g.scale, g.octaves, g.seed) * e.relief


def _terrain(spec, shape, elev, ids, base: Path) -> np.ndarray:
    t = spec.terrain
    loc = ("map", "terrain")
    index = {k: i for i, k in enumerate(ids)}

    def idx(name: str, where: tuple) -> int:
        if name not in index:
            raise MapProblem(where, f"unknown terrain class '{name}'"
                             f"{did_you_mean(name, list(ids))}; expected one of {', '.join(ids)}")
        return index[name]

    if t.fill is not None:
        return np.full(shape, idx(t.fill, loc + ("fill",)), np.uint8)
    if t.rows is not None:
        legend = t.legend or {}
        if len({len(r) for r in t.rows}) != 1:
            raise MapProblem(loc + ("rows",), "every row needs the same number of characters")
        chars = np.array([list(r) for r in t.rows])
        _shape_ok(chars, shape, loc + ("rows",), "terrain rows")
        out = np.zeros(chars.shape, np.uint8)
        for ch in np.unique(chars):
            if ch not in legend:
                raise MapProblem(loc + ("legend",), f"character '{ch}' in the rows has no "
                                 "entry in `legend`")
            out[chars == ch] = idx(legend[ch], loc + ("legend", ch))
        return out
    if t.bands is not None:
        q = np.argsort(np.argsort(elev, axis=None), axis=None).reshape(elev.shape)
        q = (q + 0.5) / elev.size
        out = np.full(shape, idx(t.bands[-1].terrain, loc + ("bands",)), np.uint8)
        for b in reversed(t.bands):
            out[q <= b.up_to] = idx(b.terrain, loc + ("bands",))
        return out
    path = base / t.file
    a = _read_array(path, loc + ("file",))
    if path.suffix.lower() == ".png":
        if not t.legend:
            raise MapProblem(loc + ("legend",), "a colour .png terrain needs `legend`: "
                             "'#rrggbb' -> class")
        rgb = np.round(a[..., :3] * (255 if a.dtype.kind == "f" else 1)).astype(int)
        _shape_ok(rgb[..., 0], shape, loc + ("file",), f"terrain file {path.name}")
        code = rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2]
        out = np.full(shape, 255, np.uint8)
        for colour, name in t.legend.items():
            out[code == int(colour.lstrip("#"), 16)] = idx(name, loc + ("legend", colour))
        if (out == 255).any():
            r, c = np.argwhere(out == 255)[0]
            raise MapProblem(loc + ("legend",), f"terrain file {path.name}: colour "
                             f"#{code[r, c]:06x} at row {r}, column {c} is not in `legend`")
        return out
    if not t.classes:
        raise MapProblem(loc + ("classes",), "a .npy/.csv terrain needs `classes`: the class "
                         "of each number, in order")
    _shape_ok(a, shape, loc + ("file",), f"terrain file {path.name}")
    if (a != np.round(a)).any() or a.min() < 0 or a.max() >= len(t.classes):
        raise MapProblem(loc + ("file",), f"terrain file {path.name}: expected whole numbers "
                         f"0..{len(t.classes) - 1} (one per entry of `classes`)")
    lut = np.array([idx(c, loc + ("classes",)) for c in t.classes], np.uint8)
    return lut[a.astype(np.int64)]


def _paint(spec, terrain, elev, ids, cell) -> None:
    index = {k: i for i, k in enumerate(ids)}
    H, W = terrain.shape
    yy, xx = (np.mgrid[0:H, 0:W] + 0.5) * cell
    for fi, f in enumerate(spec.features):
        if f.terrain is not None and f.terrain not in index:
            raise MapProblem(("map", "features", fi, "terrain"), f"unknown terrain class "
                             f"'{f.terrain}'{did_you_mean(f.terrain, list(ids))}")
        if f.area is not None:
            x0, y0, x1, y1 = f.area
            mask = (xx >= min(x0, x1)) & (xx <= max(x0, x1)) & (yy >= min(y0, y1)) & (
                yy <= max(y0, y1))
        else:
            mask = np.zeros((H, W), bool)
            pts = np.array(f.line, float)
            for (ax, ay), (bx, by) in zip(pts[:-1], pts[1:], strict=True):
                dx, dy = bx - ax, by - ay
                L2 = dx * dx + dy * dy
                s = np.clip(((xx - ax) * dx + (yy - ay) * dy) / L2, 0, 1) if L2 else 0.0
                d2 = (xx - ax - s * dx) ** 2 + (yy - ay - s * dy) ** 2
                mask |= d2 <= (f.width / 2) ** 2
        if f.terrain is not None:
            terrain[mask] = index[f.terrain]
        elev[mask] += f.rise


def build_raster(spec, user_classes, base: Path) -> Raster:
    """The raster of a `map` section; raises MapProblem (located) on a mistake."""
    ids, cost, conceal, cover = class_table(user_classes)
    if len(ids) > 254:
        raise MapProblem(("terrain_classes",), "at most 254 terrain classes")
    shape = (spec.height, spec.width) if spec.width and spec.height else None
    if (spec.width is None) != (spec.height is None):
        raise MapProblem(("map",), "give both `width` and `height`, or neither (from a file)")
    elev = _elevation(spec, shape, spec.cell, base)
    shape = elev.shape
    msg = over("cells", elev.size, "the number of map cells")
    if msg:
        raise MapProblem(("map",), msg)
    terrain = _terrain(spec, shape, elev, ids, base)
    elev = elev.astype(np.float64, copy=True)
    _paint(spec, terrain, elev, ids, spec.cell)
    return Raster(spec.cell, np.ascontiguousarray(elev, dtype=np.float64),
                  np.ascontiguousarray(terrain), ids, cost, conceal, cover, spec.height_bonus)
