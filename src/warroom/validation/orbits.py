"""Casualties of a two-sided battle under a Lanchester law, in closed form, for many draws of
the sides' effectiveness ratio at once.

Under the rate law of `attrition.two_force` (losses = k * shooter^q * target^p), with R's
effectiveness rho times B's, the path in the (R, B) plane does not depend on time:
    B^m dB = rho R^m dR,  m = q - p,
so with F(x) = x^(m+1) (ln x where m = -1, the logarithmic law):
    F(B0) - F(B) = rho (F(R0) - F(R)).
A battle stops when either side has lost its recorded casualties (Rubio-Campillo's stopping
rule, and a strength breakpoint at 1 - casualties / strength in a warroom scenario); the other
side's casualties follow from the path. Time scales (a fatigue that slows both sides alike)
leave the path, so the casualties, unchanged.
"""

from __future__ import annotations

import numpy as np


def _f(x: np.ndarray, m: float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(x) if m == -1 else np.sign(x) * np.abs(x) ** (m + 1)


def _f_inv(y: np.ndarray, m: float) -> np.ndarray:
    if m == -1:
        return np.exp(y)
    return np.maximum(y, 0.0) ** (1.0 / (m + 1))


def casualties(r0: np.ndarray, rc: np.ndarray, b0: np.ndarray, bc: np.ndarray,
               rho: np.ndarray, p: float, q: float) -> tuple[np.ndarray, np.ndarray]:
    """R's and B's casualties when the battle stops, for each ratio in `rho` (any shape that
    broadcasts against the battles' arrays)."""
    m = q - p
    rho = np.maximum(rho, 1e-12)  # a ratio of 0 would never stop B's side
    fr0, fb0 = _f(r0, m), _f(b0, m)
    fr_end, fb_end = _f(r0 - rc, m), _f(b0 - bc, m)
    fb_at_r_end = fb0 - rho * (fr0 - fr_end)  # B's path value when R reaches its stop
    r_first = fb_at_r_end >= fb_end
    with np.errstate(over="ignore", invalid="ignore"):
        b_when_r_stops = _f_inv(fb_at_r_end, m)
        r_when_b_stops = _f_inv(fr0 - (fb0 - fb_end) / rho, m)
    cas_r = np.where(r_first, rc, r0 - r_when_b_stops)
    cas_b = np.where(r_first, b0 - b_when_r_stops, bc)
    return np.clip(cas_r, 0.0, r0), np.clip(cas_b, 0.0, b0)
