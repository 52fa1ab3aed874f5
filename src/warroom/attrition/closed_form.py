"""Closed forms of the homogeneous two-force Lanchester laws with constant coefficients.

Notation: dX/dt = -b * f(X, Y), dY/dt = -a * g(X, Y) where `a` is one X unit's effectiveness
against Y and `b` one Y unit's against X.
  square (aimed fire):   dX/dt = -b Y,    dY/dt = -a X;   invariant a X^2 - b Y^2
  linear (area fire):    dX/dt = -b X Y,  dY/dt = -a X Y; invariant a X - b Y
  logarithmic:           dX/dt = -b X,    dY/dt = -a Y;   X, Y decay exponentially
"""

from __future__ import annotations

import math

import numpy as np


def square_state(t, x0: float, y0: float, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    if a == 0.0 or b == 0.0:  # one side does not fire (a modifier, an order): the other's
        t = np.asarray(t, dtype=float)  # numbers stay, so its losses are linear in time
        return x0 - b * y0 * t, y0 - a * x0 * t
    g = math.sqrt(a * b)
    ch, sh = np.cosh(g * np.asarray(t)), np.sinh(g * np.asarray(t))
    x = x0 * ch - math.sqrt(b / a) * y0 * sh
    y = y0 * ch - math.sqrt(a / b) * x0 * sh
    return x, y


def square_invariant(x, y, a: float, b: float):
    return a * np.asarray(x) ** 2 - b * np.asarray(y) ** 2


def square_annihilation(x0: float, y0: float, a: float, b: float) -> tuple[str, float, float]:
    """(who is annihilated: 'x', 'y' or 'both', time of it, survivor's final strength)."""
    inv = a * x0**2 - b * y0**2
    g = math.sqrt(a * b)
    if inv > 0:  # Y is annihilated: tanh(g t) = sqrt(b/a) * y0 / x0
        return "y", math.atanh(math.sqrt(b / a) * y0 / x0) / g, math.sqrt(inv / a)
    if inv < 0:
        return "x", math.atanh(math.sqrt(a / b) * x0 / y0) / g, math.sqrt(-inv / b)
    return "both", math.inf, 0.0


def linear_state(t, x0: float, y0: float, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(t, dtype=float)
    if a == 0.0 or b == 0.0:  # one side does not fire: the other decays at a constant rate
        return x0 * np.exp(-b * y0 * t), y0 * np.exp(-a * x0 * t)
    c = a * x0 - b * y0  # invariant; dX/dt = -X (a X - c)
    if c == 0.0:
        x = x0 / (1.0 + a * x0 * t)
    else:
        x = c * x0 / (a * x0 - (a * x0 - c) * np.exp(-c * t))
    return x, (a * x - c) / b


def linear_invariant(x, y, a: float, b: float):
    return a * np.asarray(x) - b * np.asarray(y)


def logarithmic_state(t, x0: float, y0: float, a: float, b: float):
    t = np.asarray(t, dtype=float)
    return x0 * np.exp(-b * t), y0 * np.exp(-a * t)


STATES = {"square": square_state, "linear": linear_state, "logarithmic": logarithmic_state}
