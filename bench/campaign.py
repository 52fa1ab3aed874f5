"""The bundled campaign's speed: seconds per replication of `scenarios/crumbled_dreams.yaml`
(5,000 worlds, about 2,500 fleets at its peak, five years at daily steps) on one core, after
one replication that compiles the kernels and the battles' shapes, and the wall time of
`warroom mc` of it on two workers, -n N and -n 3N (`--mc N`), whose difference is the
replications' own time, apart from the start that -n 1000 pays once (the acceptance: under 2 s
a replication; `mc -n 1000` under 20 minutes on this 2-core machine). Where the time goes, per
phase of a step, with --phases.

Usage: python bench/campaign.py [--reps 3] [--mc 24] [--phases] [--pair OTHER_SRC]

`--pair OTHER_SRC` times this checkout's warroom and another's (its `src` folder, e.g. a
worktree of an earlier commit) at once, one process per core, on the same replications: the
machine's speed changes from minute to minute, and a ratio of two runs side by side is what
it leaves alone.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WAR = Path(__file__).resolve().parents[1] / "scenarios" / "crumbled_dreams.yaml"


def per_replication(reps: int, phases: bool) -> tuple[list[float], dict[str, float]]:
    from warroom.scenario import load_scenario
    from warroom.simulate import battle, compile_scenario

    world, engine = compile_scenario(load_scenario(WAR))
    battle(engine, world, world.seed, 0)  # compiles kernels and battle shapes
    spent: collections.Counter = collections.Counter()
    if phases:
        _time_phases(spent)
    times = []
    for rep in range(1, reps + 1):
        t = time.perf_counter()
        battle(engine, world, world.seed, rep)
        times.append(time.perf_counter() - t)
    return times, {k: v / reps for k, v in spent.items()}


def _time_phases(spent: collections.Counter) -> None:
    import warroom.campaign.engine as engine
    import warroom.campaign.strategies as strategies
    import warroom.command.layer as layer

    def wrap(cls, name: str, label: str) -> None:
        f = getattr(cls, name)

        @functools.wraps(f)
        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                spent[label] += time.perf_counter() - t
        setattr(cls, name, timed)

    for n in ("_battles", "_ambushes", "_waylaid", "_arrivals", "_holdings", "_supply",
              "_record", "_enter", "_scripted", "observe", "sightings", "apply", "forces"):
        wrap(engine.CampaignEngine, n, f"engine.{n}")
    for n in ("Raid", "Relieve", "Offensive", "RaidHomes"):
        wrap(getattr(strategies, n), "rule", f"strategy.{n}")
    for n in ("step", "observe", "send"):
        wrap(layer.CommandLayer, n, f"command.{n}")
    wrap(engine.Fleets, "advance", "engine.fleets.advance")
    wrap(engine.alliance, "will", "engine.alliance.will")


def machine_us() -> float:
    """Best microseconds of `sum(range(1000))` (as `python -m timeit` reports it)."""
    import timeit

    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=7)) / 2000 * 1e6


def mc_wall(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "warroom", "mc", str(WAR), "-n", str(n),
                        "--workers", "2", "--out", f"{tmp}/mc"], check=True,
                       capture_output=True)
        return time.perf_counter() - t


def paired(other: str, reps: int) -> None:
    """Mean seconds a replication of this checkout and of `other`, run at once."""
    here = str(Path(__file__).resolve().parents[1] / "src")
    runs = {name: subprocess.Popen(
        [sys.executable, __file__, "--times", "--reps", str(reps), "--mc", "0"],
        env={**os.environ, "PYTHONPATH": src}, stdout=subprocess.PIPE, text=True)
        for name, src in (("this", here), ("other", other))}
    got = {name: json.loads(p.communicate()[0]) for name, p in runs.items()}
    for name, src in (("this", here), ("other", other)):  # each ran the warroom it was given
        assert got[name]["from"].startswith(str(Path(src).resolve())), got[name]["from"]
    mean = {k: sum(v["times"]) / len(v["times"]) for k, v in got.items()}
    print(f"side by side, {reps} replications each: this {mean['this']:.2f} s, "
          f"{other} {mean['other']:.2f} s a replication (ratio {mean['this'] / mean['other']:.2f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--mc", type=int, default=24)
    ap.add_argument("--phases", action="store_true")
    ap.add_argument("--pair", metavar="OTHER_SRC")
    ap.add_argument("--times", action="store_true", help=argparse.SUPPRESS)  # for --pair
    a = ap.parse_args()
    if a.pair:
        paired(a.pair, a.reps)
        return
    times, spent = per_replication(a.reps, a.phases)
    if a.times:
        import warroom

        print(json.dumps({"times": times, "from": str(Path(warroom.__file__).resolve())}))
        return
    print(f"one replication, one core: best {min(times):.2f} s, mean "
          f"{sum(times) / len(times):.2f} s over {len(times)} (goal: under 2 s)")
    print(f"the machine now: sum(range(1000)) in {machine_us():.1f} us (the interpreter's "
          "speed, which changes from day to day: a replication's seconds scale with it)")
    for k, v in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {k:28s} {v:6.2f} s")
    if a.mc:
        # two runs, n and 3n: the difference is the replications' own time, without the
        # start (processes, the world compiled, kernels loaded), which -n 1000 pays once too
        small, large = mc_wall(a.mc), mc_wall(3 * a.mc)
        rate = (large - small) / (2 * a.mc)
        start = max(small - rate * a.mc, 0.0)
        print(f"warroom mc --workers 2: -n {a.mc} {small:.1f} s, -n {3 * a.mc} {large:.1f} s: "
              f"{rate:.2f} s a replication after a start of {start:.1f} s; -n 1000 takes "
              f"{(start + 1000 * rate) / 60:.1f} min (goal: under 20 min)")


if __name__ == "__main__":
    main()
