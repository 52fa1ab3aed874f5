"""The engine conformance suite, shipped as library code (as PettingZoo ships its tests): run
`check_engine(engine, world)` against any engine of the core protocol, a new one included.

It checks what every mechanic relies on: reset is deterministic per (seed, replication); time
only moves forward; events are logged in time order and read in (time, priority, sequence)
order; the ledger identity initial + arrived - withdrawn - lost = strength holds with no
negative entry; observations are per side (own forces exact, copies the caller cannot use to
change the battle); and pausing changes nothing: advancing in pieces gives the battle of one
advance.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .engine import Engine
from .events import PRIORITY, ordered


def _trace(engine: Engine[Any, Any], world: Any, seed: int, replication: int,
           cuts: list[float]) -> tuple[list[tuple[float, np.ndarray]], tuple[np.ndarray, ...]]:
    state = engine.reset(world, seed, replication)
    seen: list[tuple[float, np.ndarray]] = []
    last = engine.time(state)
    for until in [*cuts, math.inf]:
        engine.advance(world, state, until)
        t = engine.time(state)
        assert t >= last, f"time went back from {last} to {t}"
        assert engine.ended(state) or t >= until, f"advance({until}) stopped at {t}"
        last = t
        _ledger_holds(engine.forces(world, state), t)
        seen.append((t, engine.forces(world, state).ledger.copy()))
    assert engine.ended(state), "advance(inf) did not end the battle"
    return seen, tuple(a.copy() for a in engine.log(world, state))


def _ledger_holds(forces, t: float) -> None:
    led = forces.ledger
    tol = 1e-9 * max(1.0, float(np.abs(forces.x0).max(initial=0.0) + np.abs(led).max()))
    assert (led >= -tol).all(), f"a negative ledger entry at t={t}: {led.min()}"
    x = forces.x0 + led[0] - led[1] - led[2]
    np.testing.assert_allclose(forces.strength, x, rtol=0, atol=tol)
    assert (x >= -tol).all(), f"negative strength at t={t}"


def _events_ordered(log: tuple[np.ndarray, ...], end: float) -> None:
    t, kind = log[0], log[1]
    assert (np.diff(t) >= 0).all(), "events were logged out of time order"
    assert len(t) == 0 or t[-1] <= end + 1e-9 * max(1.0, abs(end)), "an event after the end"
    order = ordered(t, kind)
    assert sorted(order.tolist()) == list(range(len(t)))
    keys = list(zip(t[order].tolist(), PRIORITY[kind[order]].tolist(), order.tolist(),
                    strict=True))
    assert keys == sorted(keys), "events are not read in (time, priority, sequence) order"


def _observations(engine: Engine[Any, Any], world: Any, seed: int) -> None:
    state = engine.reset(world, seed, 0)
    engine.advance(world, state, engine.time(state) + _probe(engine, world, state))
    truth = engine.forces(world, state).strength.copy()
    for side in range(engine.n_sides(world)):
        obs = engine.observe(world, state, side)
        assert obs.side == side and obs.t == engine.time(state)
        own = obs.force_side == side
        np.testing.assert_allclose(obs.strength[own], np.maximum(truth[own], 0.0), atol=1e-9)
        obs.strength[:] = -1.0  # an observation is a copy: writing it changes nothing
        obs.broken[:] = True
    np.testing.assert_array_equal(engine.forces(world, state).strength, truth)


def _probe(engine: Engine[Any, Any], world: Any, state: Any) -> float:
    """A time a little way into the battle."""
    span = getattr(world, "t_end", math.inf) - engine.time(state)
    return span / 3 if math.isfinite(span) else 1.0


def check_engine(engine: Engine[Any, Any], world: Any, seeds: tuple[int, ...] = (0, 1)) -> None:
    """Raise AssertionError, saying what failed, unless `engine` conforms on `world`."""
    t0 = engine.time(engine.reset(world, seeds[0], 0))
    end = getattr(world, "t_end", t0 + 1.0)
    cuts = [t0 + (end - t0) * k / 7 for k in range(1, 7)]
    for seed in seeds:
        one, log_one = _trace(engine, world, seed, 0, [])
        again, log_again = _trace(engine, world, seed, 0, [])
        pieces, log_pieces = _trace(engine, world, seed, 0, cuts)
        np.testing.assert_array_equal(one[-1][1], again[-1][1], "reset is not deterministic")
        for a, b in zip(log_one, log_again, strict=True):
            np.testing.assert_array_equal(a, b, "reset is not deterministic (events)")
        np.testing.assert_array_equal(one[-1][1], pieces[-1][1],
                                      "advancing in pieces changed the battle")
        for a, b in zip(log_one, log_pieces, strict=True):
            np.testing.assert_array_equal(a, b, "advancing in pieces changed the events")
        _events_ordered(log_one, one[-1][0])
        _observations(engine, world, seed)
