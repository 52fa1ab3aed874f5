"""The deterministic solvers against the mathematics of the Lanchester laws."""

import math

import numpy as np
import pytest

from helpers import duel
from warroom import simulate
from warroom.attrition import closed_form as cf


def test_square_law_state_equation_is_conserved():
    a, b = 0.010, 0.012
    r = simulate(duel(1000, 800, a, b, end=5.0, step=0.05))
    x, y = r.strength[:, 0], r.strength[:, 1]
    inv = cf.square_invariant(x, y, a, b)
    assert len(r.times) == 101  # ran the whole clock: nobody annihilated
    assert np.max(np.abs(inv - inv[0])) / abs(inv[0]) < 1e-6


def test_linear_law_invariant_is_conserved():
    a, b = 2e-4, 3e-4
    r = simulate(duel(1000, 900, a, b, law="linear", end=8.0, step=0.1))
    inv = cf.linear_invariant(r.strength[:, 0], r.strength[:, 1], a, b)
    assert r.strength[-1, 0] < 300  # the battle really moved (a*X0 < b*Y0: blue loses)
    assert np.max(np.abs(inv - inv[0])) / abs(inv[0]) < 1e-6


@pytest.mark.parametrize("x0,y0,a,b", [(1000, 800, 0.01, 0.012), (500, 900, 0.05, 0.01)])
def test_square_law_annihilation_time_and_survivors_match_closed_form(x0, y0, a, b):
    who, t_ann, survivor = cf.square_annihilation(x0, y0, a, b)
    r = simulate(duel(x0, y0, a, b, end=math.ceil(t_ann) + 5.0))
    assert r.end_reason == "side_broke"
    assert r.winner == ("blue" if who == "y" else "red")
    assert abs(r.end_time - t_ann) / t_ann < 1e-6
    final = r.strength[-1, 0 if who == "y" else 1]
    assert abs(final - survivor) / survivor < 1e-6
    assert r.strength[-1, 1 if who == "y" else 0] == 0.0


@pytest.mark.parametrize("law", ["square", "linear", "logarithmic"])
def test_closed_form_solver_matches_ode_trajectory(law):
    rates = {"square": (0.01, 0.012), "linear": (2e-5, 3e-5), "logarithmic": (0.05, 0.08)}[law]
    kw = {"end": 6.0, "step": 0.25}
    ode = simulate(duel(1000, 800, *rates, law=law, **kw))
    closed = simulate(duel(1000, 800, *rates, law=law, solver="closed_form", **kw))
    np.testing.assert_allclose(closed.times, ode.times, rtol=0, atol=1e-12)
    np.testing.assert_allclose(closed.strength, ode.strength, rtol=1e-6)
    x, y = cf.STATES[law](ode.times, 1000, 800, *rates)
    np.testing.assert_allclose(ode.strength[:, 0], x, rtol=1e-6)
    np.testing.assert_allclose(ode.strength[:, 1], y, rtol=1e-6)


def test_closed_form_and_ode_agree_on_a_breakpoint_time():
    bp = {"sides": [
        {"id": "blue", "forces": [{"id": "x", "strength": 1000}]},
        {"id": "red", "forces": [{"id": "y", "strength": 800}],
         "breakpoints": [{"id": "red-breaks", "kind": "strength", "below": 0.3}]}]}
    ode = simulate(duel(1000, 800, 0.1, 0.12, end=20, **bp))
    closed = simulate(duel(1000, 800, 0.1, 0.12, end=20, solver="closed_form", **bp))
    assert ode.deciding_breakpoint == closed.deciding_breakpoint == "red-breaks"
    assert abs(ode.end_time - closed.end_time) / closed.end_time < 1e-6
    assert abs(ode.strength[-1, 1] - 240.0) < 1e-4  # the side broke right at 30%


def test_logarithmic_law_decays_exponentially():
    r = simulate(duel(1000, 800, 0.05, 0.08, law="logarithmic", end=5.0, step=1.0))
    np.testing.assert_allclose(r.strength[:, 0], 1000 * np.exp(-0.08 * r.times), rtol=1e-7)


def test_mixed_law_keeps_deitchmans_parabola():
    # blue is the guerrilla force under area fire: dX/dt = -b X Y, dY/dt = -a X
    a, b = 0.05, 1e-4
    sc = duel(300, 1000, a, b, law="mixed", end=5.0, step=0.1,
              engagement={"area_fire_by": "red"})
    r = simulate(sc)
    x, y = r.strength[:, 0], r.strength[:, 1]
    inv = b * y**2 / 2 - a * x
    assert np.max(np.abs(inv - inv[0])) / abs(inv[0]) < 1e-6


def test_helmbold_exponents_reduce_to_square_law():
    sq = simulate(duel(1000, 800, 0.01, 0.012, end=4))
    ex = simulate(duel(1000, 800, 0.01, 0.012, end=4, law="exponents",
                       engagement={"p": 0.0, "q": 1.0}))
    np.testing.assert_allclose(ex.strength, sq.strength, rtol=1e-9)


def test_heterogeneous_proportional_fire_splits_by_target_strength():
    # one blue force fires at two red forces in proportion to their strengths
    from warroom.attrition.rates import rates_at
    from warroom.world import compile_world

    sc = duel(100, 0, 0.3, 0.0, sides=[
        {"id": "blue", "forces": [{"id": "x", "strength": 100}]},
        {"id": "red", "forces": [{"id": "y", "strength": 30}, {"id": "z", "strength": 10}]}],
        engagement={"fire": [{"shooter": "x", "target": "y", "rate": 0.3},
                             {"shooter": "x", "target": "z", "rate": 0.3}]})
    w = compile_world(sc)
    r = rates_at(w, w.x0, np.ones(1, bool))
    np.testing.assert_allclose(r, [0.3 * 100 * 0.75, 0.3 * 100 * 0.25])


def test_priority_fire_goes_to_the_first_live_target():
    sc = duel(100, 0, 0.3, 0.0, sides=[
        {"id": "blue", "forces": [{"id": "x", "strength": 100}]},
        {"id": "red", "forces": [{"id": "y", "strength": 30}, {"id": "z", "strength": 10}]}],
        engagement={"allocation": "priority",
                    "fire": [{"shooter": "x", "target": "y", "rate": 0.1, "priority": 2},
                             {"shooter": "x", "target": "z", "rate": 0.1, "priority": 1}]})
    r = simulate(sc)
    lost = {f: v["lost"] for f, v in r.final_ledger().items()}
    # z dies first (10 units at 10 per day: day 1), then y takes all fire: 30 at 10/day
    ann = [e.t for e in r.events if e.kind.name == "force_annihilated"]
    np.testing.assert_allclose(ann, [1.0, 4.0], rtol=1e-7)
    assert lost == {"x": 0.0, "y": 30.0, "z": 10.0}
