"""Solvers by name, as the scenario's `solver:` field names them."""

from __future__ import annotations

from .engine import PYTHON, STOCHASTIC, solve

SOLVERS = (*PYTHON, *STOCHASTIC)

__all__ = ["SOLVERS", "STOCHASTIC", "solve"]
