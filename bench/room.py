"""The war room's speed in headless Chromium (Debian's, through Playwright): a replay of
100,000 entities (bench/million.py at --scale 0.1, a snapshot every tick), served by
`warroom serve`. Measures the page's load, the frames per second while it plays (each frame
draws every entity of its tick), the time of a scrub to a random tick (until the next frame
is painted), and the size of `warroom export` of ridge_road. Goals (issue 16): 30 frames per
second or more, a scrub under 200 ms, the export under 5 MB.

Usage: python bench/room.py [--scale 0.1] [--ticks 20]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from million import scenario  # noqa: E402

from warroom.results.rundir import write_run  # noqa: E402
from warroom.scenario import validate  # noqa: E402
from warroom.simulate import simulate  # noqa: E402

FPS_JS = """async (frames) => {
  const room = window.warroom, n = room.ticks.length;
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    room.seek(i % n);
    await new Promise(requestAnimationFrame);
  }
  return frames / ((performance.now() - t0) / 1000);
}"""
SCRUB_JS = """async (ticks) => {
  const out = [];
  for (const k of ticks) {
    const t0 = performance.now();
    window.warroom.seek(k);
    await new Promise(requestAnimationFrame);
    out.push(performance.now() - t0);
  }
  return out;
}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--ticks", type=int, default=20)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        d = scenario(a.scale)
        d["clock"]["end"] = a.ticks
        d["output"] = {"snapshot_every": 1}
        t = time.perf_counter()
        r = simulate(validate(d, "<million>"))
        run = write_run(r, Path(tmp) / "run", scenario_path=None, command=[],
                        wall_time_s=time.perf_counter() - t)
        size = (run / "snapshots.parquet").stat().st_size / 1e6
        proc = subprocess.Popen([sys.executable, "-m", "warroom", "serve", str(run),
                                 "--no-browser"], stdout=subprocess.PIPE, text=True)
        url = re.search(r"http://\S+/", proc.stdout.readline()).group(0)
        chromium = shutil.which("chromium")
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            page = b.new_page(viewport={"width": 1280, "height": 900})
            t = time.perf_counter()
            page.goto(url)
            page.wait_for_function("window.warroom.ready || window.warroom.error",
                                   timeout=300_000)
            load = time.perf_counter() - t
            assert page.evaluate("window.warroom.error") is None
            entities = page.evaluate("Object.values(window.warroom.counts())"
                                     ".reduce((a, b) => a + b, 0)")
            fps = page.evaluate(FPS_JS, 120)
            n = page.evaluate("window.warroom.ticks.length")
            scrub = page.evaluate(SCRUB_JS, [(7 * i + 3) % n for i in range(30)])
            b.close()
        proc.terminate()
    print(f"replay: {entities:,} entities at the first tick, {n} ticks, snapshots.parquet "
          f"{size:.1f} MB; page ready in {load:.1f} s")
    print(f"playing: {fps:.1f} frames per second (goal: 30 or more)")
    print(f"scrub to a tick: median {sorted(scrub)[len(scrub) // 2]:.1f} ms, worst "
          f"{max(scrub):.1f} ms over {len(scrub)} (goal: under 200 ms)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "warroom", "run", "scenarios/ridge_road.yaml",
                        "--out", f"{tmp}/ridge"], check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "warroom", "export", f"{tmp}/ridge", "-o",
                        f"{tmp}/ridge.html"], check=True, capture_output=True)
        mb = Path(f"{tmp}/ridge.html").stat().st_size / 1e6
    print(f"export of ridge_road: {mb:.2f} MB (goal: under 5 MB)")


if __name__ == "__main__":
    main()
