"""The stochastic solvers converge to the ODE as forces grow.

Kurtz's theorem: for density-dependent Markov chains X_N/N -> x(t) with fluctuations of order
1/sqrt(N). So the RMS deviation of the final strength fraction from the ODE should fall by
sqrt(16) = 4 from N = 100 to N = 1600. With R replications the RMS is estimated within about
1/sqrt(2R) relative (10% at 3 sigma for R = 400, so the ratio within about +-20%), plus an O(1/N)
bias; the test allows 3.0 to 5.3.
"""

import numpy as np
import pytest

from helpers import duel, replicate
from warroom import simulate

A = B = 0.1
T_END = 3.0  # well before anyone is annihilated (ODE: x = 0.88 N, y = 0.32 N)
R = 400


def _rms_and_mean(solver, n, step):
    sc = duel(n, int(0.6 * n), A, B, solver=solver, end=T_END, step=step)
    ode = simulate(duel(n, int(0.6 * n), A, B, end=T_END, step=step)).strength[-1] / n
    finals, ends = replicate(sc, R, seed=11)
    assert np.all(ends == T_END)  # no run stopped early: the comparison is at the same time
    dev = finals / n - ode
    return np.sqrt((dev**2).mean(axis=0)), dev.mean(axis=0), dev.std(axis=0)


@pytest.mark.parametrize("solver,step", [("ctmc", 0.5), ("tau_leap", 0.01)])
def test_fluctuations_shrink_as_one_over_sqrt_n(solver, step):
    rms_small, _, _ = _rms_and_mean(solver, 100, step)
    rms_large, mean_large, sd_large = _rms_and_mean(solver, 1600, step)
    ratio = rms_small / rms_large
    assert np.all((ratio > 3.0) & (ratio < 5.3)), ratio
    # and the mean itself is the ODE's within sampling error (4 SE) plus the O(1/N) bias
    assert np.all(np.abs(mean_large) < 4 * sd_large / np.sqrt(R) + 1 / 1600)


def test_ctmc_counts_whole_units_and_differs_by_seed():
    sc = duel(50, 40, 0.1, 0.1, solver="ctmc", end=50)
    a, b = simulate(sc, seed=1), simulate(sc, seed=2)
    assert np.all(a.strength == np.round(a.strength))
    assert a.end_time != b.end_time
    assert simulate(sc, seed=1).end_time == a.end_time
