"""Command's cost at the tactical scale: the peers' combat model "front"
(`warroom.tactical.front`) at N = 100,000 entities, run with perfect information and with
every entity reporting what it sees to its force's node over its radio, and every force to
its side's headquarters, each `--every` seconds (one tick: every tick), as messages with
drawn latencies; agent-steps per second of each and their ratio (the acceptance: at least
0.5). Each measurement runs in a fresh process after a small battle that loads the compiled
kernels; only the battle's loop is timed.

Usage: python bench/command_tactical.py [--n 100000] [--steps 20] [--every 1] [--repeat 3]
       python bench/command_tactical.py --worker N --command 0|1   (one measurement)
"""

from __future__ import annotations

import argparse
import sys
import time

from morale_tactical import best_of


def scenario(n: int, steps: int, every: float, command: bool) -> dict:
    from warroom.tactical.front import front_scenario

    d = front_scenario(n, steps=steps)
    if command:
        d["command"] = [{
            "side": side, "headquarters": "hq", "nodes": [{"id": "hq", "kind": "headquarters"}],
            "links": [{"between": [f"{side}-troops", "hq"], "latency": {"exponential": 0.5}}],
            "radio": {"latency": {"exponential": 0.2}, "loss": 0.01},
            "reports": {"every": every}} for side in ("left", "right")]
    return d


def worker(n: int, steps: int, every: float, command: bool) -> None:
    import numpy as np

    from warroom.core import run
    from warroom.scenario import validate
    from warroom.simulate import command_for
    from warroom.tactical.engine import TacticalEngine
    from warroom.tactical.world import compile_tactical

    engine = TacticalEngine(record=False)
    small = compile_tactical(validate(scenario(min(n, 1000), 4, every, command)))
    run(engine, small, (), small.seed, 0, command=command_for(small, small.seed, 0))
    world = compile_tactical(validate(scenario(n, steps, every, command)))
    cmd = command_for(world, world.seed, 0)
    t0 = time.perf_counter()
    state = run(engine, world, (), world.seed, 0, command=cmd)
    elapsed = time.perf_counter() - t0
    alive = np.bincount(state.ent_side[state.alive], minlength=2).tolist()
    sent = int(cmd.record.count.sum()) if cmd is not None else 0
    rows = sum(len(b.t[~np.isnan(b.t)]) for b in cmd.beliefs) if cmd is not None else 0
    print(f"# agent_steps={state.agent_steps} ticks={state.tick} loop_s={elapsed:.3f} "
          f"alive={alive} messages={sent} believed={rows}", file=sys.stderr)
    print(f"agent_steps_per_s={state.agent_steps / elapsed:.6g}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", type=int, help="measure once at this N")
    ap.add_argument("--command", type=int, default=0)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--every", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    if a.worker:
        worker(a.worker, a.steps, a.every, bool(a.command))
        return
    best, notes = best_of("command", lambda flag: [
        sys.executable, __file__, "--worker", str(a.n), "--command", str(flag), "--steps",
        str(a.steps), "--every", str(a.every)], a.repeat)
    print("| N | ticks | report every (s) | agent-steps/s, perfect information | "
          "every entity reporting | reporting / perfect |")
    print("|---|---|---|---|---|---|")
    print(f"| {a.n:,} | {a.steps} | {a.every:g} | {best[0]:,.0f} | {best[1]:,.0f} | "
          f"{best[1] / best[0]:.2f} |")
    print()
    for cmd in (0, 1):
        print(f"- {'with' if cmd else 'without'} command: `{notes[cmd]}`")


if __name__ == "__main__":
    main()
