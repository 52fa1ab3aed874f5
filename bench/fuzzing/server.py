"""The fork server and `fuzz()`, which starts it and reads its report.

`fuzz()` starts a fresh fork server (`fuzz.py _serve CONFIG`, which calls `serve`); the server
imports warroom.cli, warms up the aggregate and fitting code in-process (no numba-parallel
code: the tactical kernels use OpenMP threads, which do not survive a fork) and populates
numba's cache of the tactical kernels from a separate process. It then forks one child per
case, at most `jobs` at a time; the child invokes the CLI in-process (`app(args,
standalone_mode=False)`) and streams one JSON line per command back. The server enforces a
per-command wall timeout (sending SIGUSR1 first, so faulthandler prints where the child was
stuck) and polls each child's RSS (killing it above the limit); RLIMIT_AS is only a backstop.
Variant i is derived from SeedSequence(seed, spawn_key=(kind, i)), so a seed reproduces the
same inputs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .cases import draw_cases
from .collector import Collector
from .minimize import minimize as minimize_classes
from .paths import ENTRY, ROOT
from .report import Report
from .scheduler import GIB, run_cases
from .warmup import warm_up


def serve(cfg: dict[str, Any]) -> None:
    """Run the cases of `cfg` (as `fuzz` wrote it) and write the report to cfg["report"]."""
    t0 = time.monotonic()
    out = Path(cfg["out"])
    work = Path(tempfile.mkdtemp(prefix="work-", dir=out))
    report = Report(seed=cfg["seed"], n_scenarios=cfg["n_scenarios"],
                    n_records=cfg["n_records"], timeout=cfg["timeout"], mem_gib=cfg["mem_gib"],
                    jobs=cfg["jobs"], out=str(out))
    warm_up(work)
    import numba.np.ufunc.parallel as npar

    if npar._is_initialized:
        report.notes["fork server launched numba threads (forks may hang)"] = 1
    report.warmup_s = time.monotonic() - t0
    mem = int(cfg["mem_gib"] * GIB)
    window = tuple(cfg["window"]) if cfg.get("window") else None
    total, cases = draw_cases(cfg["n_scenarios"], cfg["n_records"], cfg["seed"], window)
    coll = Collector(report, out)
    last = time.monotonic()
    runs = run_cases(cases, jobs=cfg["jobs"], timeout=cfg["timeout"], mem_bytes=mem, work=work)
    for done, (case, results, cdir, peak) in enumerate(runs, 1):
        coll.add(case, results, peak)
        shutil.rmtree(cdir, ignore_errors=True)
        if time.monotonic() - last > 15 or done == total:
            last = time.monotonic()
            print(f"fuzz: {done}/{total} variants, {len(coll.classes)} bug classes, "
                  f"{time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    report.wall_s = time.monotonic() - t0
    if cfg["minimize"] and coll.classes:
        report.minimize_runs = minimize_classes(
            coll, budget=cfg["minimize"], jobs=cfg["jobs"], timeout=cfg["timeout"],
            mem_bytes=mem, work=work)
    coll.finish()
    shutil.rmtree(work, ignore_errors=True)
    Path(cfg["report"]).write_text(json.dumps(asdict(report), indent=1))


def fuzz(n_scenarios: int = 60, n_records: int = 30, seed: int = 0, timeout: float = 10.0,
         mem_gib: float = 3.0, jobs: int = 2, out: str | Path = "fuzz-out", minimize: int = 0,
         numba_threads: int | None = None, quiet: bool = False,
         window: tuple[int, int] | None = None) -> Report:
    """Run the fuzzer (in a fresh fork-server process) and return its report."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    (out / ".gitignore").write_text("*\n")
    if (out / "bugs").exists():
        shutil.rmtree(out / "bugs")
    for old in out.glob("work-*"):
        shutil.rmtree(old, ignore_errors=True)
    cfg = {"n_scenarios": n_scenarios, "n_records": n_records, "seed": seed,
           "timeout": timeout, "mem_gib": mem_gib, "jobs": jobs, "out": str(out),
           "minimize": minimize, "report": str(out / "report.json"),
           "window": list(window) if window else None}
    cfg_path = out / "config.json"
    cfg_path.write_text(json.dumps(cfg))
    threads = numba_threads or max(1, (os.cpu_count() or 1) // max(1, jobs))
    env = {**os.environ, "NUMBA_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8",
           "PYTHONHASHSEED": "0"}
    env.pop("COLUMNS", None)
    (out / "report.json").unlink(missing_ok=True)
    p = subprocess.run([sys.executable, str(ENTRY), "_serve", str(cfg_path)],
                       env=env, cwd=ROOT, stderr=subprocess.DEVNULL if quiet else None)
    if p.returncode != 0 or not (out / "report.json").exists():
        raise RuntimeError(f"fuzz server failed (exit {p.returncode})")
    report = Report.from_json(json.loads((out / "report.json").read_text()))
    (out / "report.md").write_text(report.table() + "\n\n" + report.details() + "\n")
    return report
