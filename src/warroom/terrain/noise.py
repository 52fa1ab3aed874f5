"""Seeded smooth noise for generated maps: octaves of bilinearly interpolated random grids."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import map_coordinates


def value_noise(height: int, width: int, cell: float, scale: float, octaves: int,
                seed: int) -> np.ndarray:
    """Noise in [0, 1] on a (height, width) raster; features about `scale` metres across."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    out = np.zeros((height, width))
    amp, total = 1.0, 0.0
    for k in range(octaves):
        spacing = max(scale / 2**k / cell, 1.0)  # lattice spacing in cells
        gh, gw = int(height / spacing) + 3, int(width / spacing) + 3
        lattice = rng.random((gh, gw))
        yy, xx = np.mgrid[0:height, 0:width] / spacing
        out += amp * map_coordinates(lattice, [yy, xx], order=1, mode="nearest")
        total += amp
        amp /= 2
    out /= total
    lo, hi = out.min(), out.max()
    return (out - lo) / (hi - lo) if hi > lo else np.zeros_like(out)
