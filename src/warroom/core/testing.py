"""The engine conformance suite, shipped as library code (as PettingZoo ships its tests): run
`check_engine(engine, world)` against any engine of the core protocol, a new one included.

It checks what every mechanic relies on: reset is deterministic per (seed, replication); time
only moves forward; events are logged in time order and read in (time, priority, sequence)
order; the ledger identity initial + arrived - withdrawn - lost = strength holds with no
negative entry; observations are per side (own forces exact, copies the caller cannot use to
change the battle); and pausing changes nothing: advancing in pieces gives the battle of one
advance. `check_observation` proves, by type, that no observation leads back to the battle.
"""

from __future__ import annotations

import math
from dataclasses import fields
from enum import Enum
from typing import Any

import numpy as np

from .engine import Command, Engine, Observation, advance_with
from .events import PRIORITY, ordered
from .orders import Order
from .picture import Picture


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


ALLOWED = (int, float, bool, str, type(None), np.integer, np.floating, np.bool_)


def _reachable(obs: Any) -> list[Any]:
    """Everything an observation leads to, refusing any type it has no business holding."""
    seen: dict[int, Any] = {}
    todo = [obs]
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen[id(o)] = o
        if isinstance(o, np.ndarray):
            if o.base is not None:
                todo.append(o.base)
            assert o.dtype != object, "an observation holds an array of Python objects"
        elif isinstance(o, Observation | Picture | Order):
            todo += [getattr(o, f.name) for f in fields(o)]
        elif isinstance(o, dict):
            todo += [*o.keys(), *o.values()]
        elif isinstance(o, list | tuple):
            todo += list(o)
        elif not isinstance(o, ALLOWED) and not isinstance(o, Enum):
            raise AssertionError(f"an observation holds a {type(o).__name__}: it may lead "
                                 "back to the battle")
    return list(seen.values())


def _arrays(root: Any) -> list[np.ndarray]:
    """The arrays an engine's state or world holds."""
    out, seen, todo = [], set(), [root]
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        if isinstance(o, np.ndarray):
            out.append(o)
        elif isinstance(o, dict):
            todo += list(o.values())
        elif isinstance(o, list | tuple):
            todo += list(o)
        elif hasattr(o, "__dict__") and not isinstance(o, type):
            todo += list(vars(o).values())
        elif hasattr(o, "__slots__"):
            todo += [getattr(o, k) for k in o.__slots__ if hasattr(o, k)]
    return out


def check_observation(engine: Engine[Any, Any], world: Any, seed: int = 0,
                      command: Command | None = None) -> None:
    """Raise AssertionError unless every observation `engine` gives (through `command`, if
    given) is cut off from the battle: it holds only numbers, text, arrays of numbers and the
    core's own value types (by type: anything else is refused), none of its arrays shares
    memory with the engine's state or the world, and its picture holds enemies only, the
    ones this side sees now where there is no command network."""
    state = engine.reset(world, seed, 0)
    advance_with(engine, world, state, (), engine.time(state) + _probe(engine, world, state),
                 command=command)
    theirs = [a for a in _arrays(state) + _arrays(world) if a.size]
    for side in range(engine.n_sides(world)):
        obs = engine.observe(world, state, side)
        if command is not None:
            obs = command.observe(obs)
        for o in _reachable(obs):
            assert o is not state and o is not world and o is not engine
            if isinstance(o, np.ndarray) and o.size:
                assert not any(np.shares_memory(o, a) for a in theirs), \
                    "an observation shares memory with the battle"
        pic = obs.picture
        assert (obs.force_side[pic.force] != side).all(), "the picture holds own forces"
        if command is None:
            now = engine.sightings(world, state, side)
            assert set(pic.item.tolist()) <= set(now.item.tolist()), \
                "the picture holds enemies this side does not see"
