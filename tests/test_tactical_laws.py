"""The tactical engine reproduces the Lanchester laws it should (issue 3's validity points).

Identical units on open flat ground, every shooter in range of every target:
- aimed fire at a random enemy follows the square law;
- area fire at random points of the enemy's position follows the linear law.
Each is compared with the foundation's aggregate ODE solver on the same coefficients; the
tolerances are derived in the docstrings.
"""

import math

import numpy as np

import warroom
from helpers import duel
from tactical_helpers import final_alive, scenario, soldier

REPS = 60
T = 40


def _aggregate(b0, r0, a, b, law):
    res = warroom.simulate(duel(b0, r0, a, b, law=law, end=T, step=1.0))
    x = res.strength[-1]
    return x[0], x[1]


def _tactical(sc, seed=7):
    out = np.array([final_alive(sc, seed, rep, ticks=T)[0] for rep in range(REPS)], float)
    return out.mean(axis=0), out.std(axis=0, ddof=1) / math.sqrt(REPS)


def _euler(b0, r0, step):
    b, r = float(b0), float(r0)
    for _ in range(T):
        b, r = b - step(b, r)[0], r - step(b, r)[1]
    return b, r


def test_aimed_fire_follows_the_square_law():
    """Each shooter fires with probability 0.02 per 1 s tick and hits with 0.5: one kill per
    shooter per 100 s, a = b = 0.01. The tick is a forward-Euler step of the same law, so the
    expected counts follow Euler exactly but for two small effects: Euler's own gap to the ODE
    (computed here, about 0.5 at T = 40), and two shooters killing one target in the same tick,
    which costs at most a^2 S^2 / (2 N) kills a tick for S shooters on N targets, so at most
    T a^2 S0^2 / (2 N_min) over the run (0.3 for blue, 2.0 for red, whose numbers fall to 90).
    Sampling error: 4 standard errors of the mean of 60 replications."""
    gun = {"id": "rifle", "range": 1000, "rate": 0.02, "accuracy": 0.5, "damage": {"soft": 1}}
    types = [soldier(weapons=[gun])]
    blue = [{"id": "b", "type": "soldier", "count": 300, "deploy": {"area": [0, 0, 40, 100]},
             "orders": {"kind": "hold"}, "targeting": {"rule": "random"}}]
    red = [{"id": "r", "type": "soldier", "count": 200, "deploy": {"area": [60, 0, 100, 100]},
            "orders": {"kind": "hold"}, "targeting": {"rule": "random"}}]
    mean, se = _tactical(scenario(types, blue, red))
    ode = _aggregate(300, 200, 0.01, 0.01, "square")
    euler = _euler(300, 200, lambda b, r: (0.01 * r, 0.01 * b))
    shooters, lowest = (200, 300), ode  # each side's enemy at the start; its own at the end
    for k in range(2):
        overkill = T * 0.01**2 * shooters[k] ** 2 / (2 * lowest[k])
        bias = abs(euler[k] - ode[k]) + overkill
        assert abs(mean[k] - ode[k]) < 4 * se[k] + bias, (k, mean, se, ode)


def test_area_fire_follows_the_linear_law():
    """Shells (rate 0.002 per s, always on target) land uniformly in the box around the enemies
    and kill everyone within 3 m. For n entities uniform in an a x b box, a shell kills
    n * f on average with f = (pi r^2 ab - 4/3 r^3 (a + b) + r^4 / 2) / (ab)^2 (the mean area
    of a 3 m disc inside the box, over the box's area squared), so dB/dt = -0.002 f R B: the
    linear law. Bias allowance: Euler's gap to the ODE (computed) plus 1% of the losses for the
    aim box being the survivors' box, a little smaller than the deployment box."""
    a = b = 60.0
    rho = 3.0
    f = (math.pi * rho**2 * a * b - 4 / 3 * rho**3 * (a + b) + rho**4 / 2) / (a * b) ** 2
    c = 0.002 * f
    shell = {"id": "shell", "range": 1000, "rate": 0.002, "accuracy": 1.0, "radius": rho,
             "damage": {"soft": 1}}
    types = [soldier(weapons=[shell])]
    blue = [{"id": "b", "type": "soldier", "count": 400, "deploy": {"area": [0, 0, a, b]},
             "orders": {"kind": "hold"}, "targeting": {"rule": "area"}}]
    red = [{"id": "r", "type": "soldier", "count": 300, "deploy": {"area": [140, 0, 140 + a, b]},
            "orders": {"kind": "hold"}, "targeting": {"rule": "area"}}]
    mean, se = _tactical(scenario(types, blue, red, size=(200, 60)))
    ode = _aggregate(400, 300, c, c, "linear")
    euler = _euler(400, 300, lambda bb, rr: (c * rr * bb, c * bb * rr))
    for k, n0 in enumerate((400, 300)):
        bias = abs(euler[k] - ode[k]) + 0.01 * (n0 - ode[k])
        assert abs(mean[k] - ode[k]) < 4 * se[k] + bias, (k, mean, se, ode)
