"""The peers' combat model "front": warroom's tactical engine against the NumPy/cKDTree
reference and Mesa 3, agent-steps per second at N = 1e3 .. 1e6, each in a fresh process.

warroom runs `warroom.tactical.front.front_scenario(N)` through its own engine (numba threads on
all cores); the reference runs `../shared/peers/numpy_combat.py N --workers 2` (its best
setting on 2 cores); Mesa runs `mesa_combat.py` from a separate environment (MESA_PYTHON,
default /tmp/peers/bin/python; see ../shared/peers/README.md), at N <= --mesa-max.
Only the 20-step loop is timed. Peak memory is the process's maximum resident set.

Usage: python bench/front.py [--sizes 1000 10000 100000 1000000] [--repeat 3]
       python bench/front.py --worker N      (one warroom measurement; used by the table)
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

PEERS = Path(__file__).resolve().parents[1].parent / "shared" / "peers"
RATE = re.compile(r"agent_steps_per_s=([0-9.eE+]+)")


def worker(n: int, steps: int) -> None:
    import numpy as np

    from warroom.scenario import validate
    from warroom.tactical.engine import Battle
    from warroom.tactical.front import front_scenario
    from warroom.tactical.world import compile_tactical

    world = compile_tactical(validate(front_scenario(n, steps=steps)))
    Battle(compile_tactical(validate(front_scenario(min(n, 1000), steps=2))),
           record=False).run()  # load the compiled kernels before timing
    engine = Battle(world, record=False)
    t0 = time.perf_counter()
    run = engine.run(steps)
    elapsed = time.perf_counter() - t0
    alive = np.bincount(world.ent_side[engine.alive], minlength=2).tolist()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"# agent_steps={run.agent_steps} step_loop_s={elapsed:.4f} alive={alive} "
          f"peak_rss_mib={peak:.0f}", file=sys.stderr)
    print(f"agent_steps_per_s={run.agent_steps / elapsed:.6g} peak_rss_mib={peak:.0f}")


def measure(cmd: list[str], timeout: float) -> tuple[float, str]:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return float("nan"), "timeout"
    m = RATE.search(p.stdout)
    detail = (p.stderr.strip().splitlines() or [""])[-1]
    return (float(m.group(1)) if m else float("nan")), detail


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", type=int, help="measure warroom once at this N")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--mesa-max", type=int, default=10000)
    a = ap.parse_args()
    if a.worker:
        worker(a.worker, a.steps)
        return
    if not (PEERS / "numpy_combat.py").exists():
        sys.exit(f"skipped: {PEERS} not found (the peers folder must sit beside the repository)")
    mesa_py = os.environ.get("MESA_PYTHON", "/tmp/peers/bin/python")
    rows = []
    for n in a.sizes:
        ours = [measure([sys.executable, __file__, "--worker", str(n), "--steps", str(a.steps)],
                        1800) for _ in range(a.repeat)]
        ref = [measure([sys.executable, str(PEERS / "numpy_combat.py"), str(n), str(a.steps),
                        "--workers", "2"], 1800) for _ in range(a.repeat)]
        mesa = [(float("nan"), "not run")]
        if n <= a.mesa_max and Path(mesa_py).exists():
            mesa = [measure([mesa_py, str(PEERS / "mesa_combat.py"), str(n), str(a.steps)], 1800)]
        w, r, m = (max(x for x, _ in v) for v in (ours, ref, mesa))
        peak = max(int(re.search(r"peak_rss_mib=(\d+)", d).group(1)) for _, d in ours
                   if "peak_rss_mib" in d)
        rows.append((n, w, r, m, peak, ours[-1][1], ref[-1][1]))
        print(f"N={n}: warroom {w:.3g}  reference {r:.3g}  mesa {m:.3g}  peak {peak} MiB",
              file=sys.stderr)
    print("| N | warroom agent-steps/s | NumPy reference (2 workers) | Mesa 3 | warroom / "
          "reference | warroom / Mesa | warroom peak memory |")
    print("|---|---|---|---|---|---|---|")
    for n, w, r, m, peak, _, _ in rows:
        mesa_s = "-" if m != m else f"{m:,.0f}"
        ratio_m = "-" if m != m else f"{w / m:,.0f}x"
        print(f"| {n:,} | {w:,.0f} | {r:,.0f} | {mesa_s} | {w / r:.2f} | {ratio_m} | "
              f"{peak} MiB |")
    print()
    for n, *_, ours_d, ref_d in rows:
        print(f"- N={n:,}: warroom `{ours_d}`; reference `{ref_d}`")


if __name__ == "__main__":
    main()
