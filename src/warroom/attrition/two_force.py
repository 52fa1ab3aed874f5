"""The Lanchester rate law of two forces, one each side, in the form the fitter integrates:

    dX/dt = -b * Y**q * X**p,    dY/dt = -a * X**q' * Y**p'

`loss_rate` is a numba ufunc so that the same compiled formula serves NumPy arrays (Engel's
integrals) and scalar calls inside jitted integrators; `rate` is the same formula as a scalar
kernel, which `attrition.rates.pair_rates` calls for every fire pair.
"""

from __future__ import annotations

from numba import float64, njit, vectorize


@njit(cache=True, nogil=True, inline="always")
def _pow(x: float, e: float) -> float:
    # the textbook exponents are 0 and 1: skip pow, as the engine does, to match it exactly
    if e == 0.0:
        return 1.0
    if e == 1.0:
        return x
    return x**e


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def rate(target, shooter, k, p, q):
    """Targets lost per unit time to `shooter`: k * shooter**q * target**p (both present)."""
    return k * _pow(shooter, q) * _pow(target, p)


@vectorize([float64(float64, float64, float64, float64, float64)], cache=True, nopython=True)
def loss_rate(target, shooter, k, p, q):
    """`rate`, and none once either side is gone (so logarithmic losses stop with the enemy,
    as in the engine)."""
    if target <= 0.0 or shooter <= 0.0:
        return 0.0
    return rate(target, shooter, k, p, q)


@njit(cache=True, nogil=True, inline="always")
def rates(x, y, a, b, p, q, p_y, q_y):
    """Loss rates of X (fired on by Y with exponents p, q) and of Y (by X, with p_y, q_y)."""
    return loss_rate(x, y, b, p, q), loss_rate(y, x, a, p_y, q_y)
