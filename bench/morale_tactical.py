"""Tactical morale's cost: the peers' combat model "front" (`warroom.tactical.front`) at
N = 100,000 entities, run with and without proximity morale (every member counts the states
of its side's entities within `--radius` metres every `--period` ticks, and moves between
states by the one rule of `warroom.morale.rule`), agent-steps per second of each and their
ratio (the acceptance: at least 0.5). Each measurement runs in a fresh process, after a small
battle that loads the compiled kernels; only the battle's loop is timed.

Usage: python bench/morale_tactical.py [--n 100000] [--steps 20] [--period 5] [--radius 3]
                                       [--repeat 3]
       python bench/morale_tactical.py --worker N --morale 0|1   (one measurement)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections.abc import Callable

RATE = re.compile(r"agent_steps_per_s=([0-9.eE+]+)")


def scenario(n: int, steps: int, period: float, radius: float, morale: bool) -> dict:
    from warroom.tactical.front import front_scenario

    d = front_scenario(n, steps=steps)
    if morale:
        d["morale"] = {
            "period": period,
            "network": {"kind": "proximity", "radius": radius},
            "transitions": [
                {"id": "shaken-by-losses", "from": "steady", "to": "shaken", "loss": 5.0},
                {"id": "rally", "from": "shaken", "to": "steady", "base": 0.05},
                {"id": "flight", "from": "shaken", "to": "routing", "kind": "exposure",
                 "beta": 0.2, "watch": "routing", "base": 0.01},
                {"id": "refusal", "from": ["steady", "shaken"], "to": "refusing",
                 "kind": "exposure", "beta": 0.1},
                {"id": "give-up", "from": "routing", "to": "surrendered", "base": 0.02}],
            "shocks": [{"id": "doubt", "kind": "revelation", "at": 0, "sides": ["left"],
                        "hazard": {"refusal": 0.005}}],
        }
    return d


def worker(n: int, steps: int, period: float, radius: float, morale: bool) -> None:
    import numpy as np

    from warroom.core import run
    from warroom.scenario import validate
    from warroom.simulate import mechanics
    from warroom.tactical.engine import TacticalEngine
    from warroom.tactical.world import compile_tactical

    engine = TacticalEngine(record=False)
    small = compile_tactical(validate(scenario(min(n, 1000), 2 * int(period) + 2, period,
                                               radius, morale)))
    run(engine, small, (), small.seed, 0, systems=mechanics(small, small.seed, 0))  # warm up
    world = compile_tactical(validate(scenario(n, steps, period, radius, morale)))
    systems = mechanics(world, world.seed, 0)
    t0 = time.perf_counter()
    state = run(engine, world, (), world.seed, 0, systems=systems)
    elapsed = time.perf_counter() - t0
    alive = np.bincount(state.ent_side[state.alive], minlength=2).tolist()
    states = np.bincount(state.morale[state.alive], minlength=6).tolist()
    print(f"# agent_steps={state.agent_steps} ticks={state.tick} loop_s={elapsed:.3f} "
          f"alive={alive} morale_states={states} updates="
          f"{len(systems[0].times) if systems else 0}", file=sys.stderr)
    print(f"agent_steps_per_s={state.agent_steps / elapsed:.6g}")


def measure(cmd: list[str]) -> tuple[float, str]:
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, check=False)
    m = RATE.search(p.stdout)
    detail = (p.stderr.strip().splitlines() or [""])[-1]
    return (float(m.group(1)) if m else float("nan")), detail


def best_of(label: str, command: Callable[[int], list[str]], repeat: int
            ) -> tuple[dict[int, float], dict[int, str]]:
    """Each measurement without (0) and with (1) the mechanic, `repeat` times in fresh
    processes: the best rate of each and the last run's detail line."""
    best, notes = {}, {}
    for flag in (0, 1):
        runs = [measure(command(flag)) for _ in range(repeat)]
        best[flag] = max(r for r, _ in runs)
        notes[flag] = runs[-1][1]
        print(f"{label}={flag}: {best[flag]:,.0f} agent-steps/s ({notes[flag]})",
              file=sys.stderr)
    return best, notes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", type=int, help="measure once at this N")
    ap.add_argument("--morale", type=int, default=0)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--period", type=float, default=5.0)
    ap.add_argument("--radius", type=float, default=3.0)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if a.worker:
        worker(a.worker, a.steps, a.period, a.radius, bool(a.morale))
        return
    best, notes = best_of("morale", lambda flag: [
        sys.executable, __file__, "--worker", str(a.n), "--morale", str(flag), "--steps",
        str(a.steps), "--period", str(a.period), "--radius", str(a.radius)], a.repeat)
    print("| N | ticks | morale period (ticks) | radius (m) | agent-steps/s without morale | "
          "with proximity morale | with / without |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {a.n:,} | {a.steps} | {a.period:g} | {a.radius:g} | {best[0]:,.0f} | "
          f"{best[1]:,.0f} | {best[1] / best[0]:.2f} |")
    print()
    for morale in (0, 1):
        print(f"- {'with' if morale else 'without'} morale: `{notes[morale]}`")


if __name__ == "__main__":
    main()
