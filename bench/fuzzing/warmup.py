"""The fork server's warm-up: what every forked child should inherit already imported and
compiled, and what must be compiled elsewhere."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

from .paths import CORPUS, ROOT

# a failure here is the fuzz run's to find and report: this only fills numba's cache
_CACHE_FILLER = ("import sys\nfrom warroom.cli import app\nfor a in sys.argv[1:]:\n"
                 "    try:\n        app(a.split('|'), standalone_mode=False)\n"
                 "    except BaseException:\n        pass\n")


def warm_up(work: Path) -> None:
    """Import and run the aggregate and fitting paths here, so children inherit them compiled;
    fill numba's on-disk cache of the tactical (parallel) and experiment kernels from a
    separate process, as neither may run in this one (OpenMP threads do not survive a fork)."""
    import matplotlib

    matplotlib.use("Agg")
    import warroom.cli  # noqa: F401
    import warroom.experiment.report  # noqa: F401
    import warroom.experiment.run  # noqa: F401
    import warroom.fit.lsq  # noqa: F401
    import warroom.fit.run  # noqa: F401
    import warroom.report.render  # noqa: F401
    import warroom.results.rundir  # noqa: F401
    import warroom.simulate  # noqa: F401
    import warroom.tactical.engine  # noqa: F401
    from warroom.cli import app

    w = work / "warmup"
    w.mkdir(parents=True, exist_ok=True)
    skirmish = CORPUS / "skirmish.yaml"
    jobs = [f"mc|{ROOT / 'scenarios' / 'hill_defence.yaml'}|-n|4|--workers|1|--out|{w / 'mc'}"]
    if skirmish.exists():
        jobs.append(f"run|{skirmish}|--out|{w / 'tac'}")
    proc = subprocess.Popen([sys.executable, "-c", _CACHE_FILLER, *jobs], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs = [["run", str(ROOT / "scenarios" / f"{s}.yaml"), "--out", str(w / s), "--force"]
            for s in ("iwo_jima", "hill_defence", "missile_fleets")]
    rec = ROOT / "docs" / "examples" / "two_armies.csv"
    if rec.exists():
        runs += [["fit", str(rec), "--out", str(w / "fit")],
                 ["simulate-fit", str(rec), "--blue-effectiveness", "0.01",
                  "--red-effectiveness", "0.02"]]
    sink = io.StringIO()
    for args in runs:
        failed = None
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            try:
                app(args, standalone_mode=False)
            except BaseException as e:  # noqa: BLE001 - a broken base is reported by the run
                failed = e
        if failed is not None:
            print(f"fuzz: warm-up {args[0]} {Path(args[1]).name}: {failed!r}", file=sys.stderr)
    try:
        proc.wait(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
