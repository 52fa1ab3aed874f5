#!/usr/bin/env python
"""A mutation fuzzer for warroom's promise about bad input.

The promise: a mistake in any input file gets exit code 2 and one clear message on stderr
("error: FILE:LINE:COLUMN: FIELD: what was expected"), never a traceback, and nothing hangs or
runs out of memory. This fuzzer mutates the bundled scenarios (both scales) and battle records,
runs each variant through the command line in an isolated child process and sorts what happens:

  ok        exit 0 (the engine ran)
  refused   exit 2 with an "error:" message that locates the mistake (file:line or "line N")
  BUG       a traceback (grouped by exception type and innermost warroom frame), a timeout, a
            peak RSS over the memory limit, a crash by signal, another exit code, or a refusal
            of a file's content whose message gives no line number

The fuzzer itself is the package bench/fuzzing (how it runs: bench/fuzzing/server.py).

Run:  python bench/fuzz.py --scenarios 10000 --records 2000 --timeout 10 --mem-gib 3 \
          --jobs 2 --seed 0 --out fuzz-out
It prints a markdown summary (for bench/RESULTS.md), writes OUT/report.md and OUT/report.json,
keeps one (minimised) example per bug class under OUT/bugs/, and exits 1 if it found a bug.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# bench/ is on sys.path as the folder of this script
from fuzzing.server import fuzz, serve


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_serve"]:  # the fork server, started by fuzz()
        serve(json.loads(Path(argv[1]).read_text()))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenarios", type=int, default=600, help="scenario variants")
    ap.add_argument("--records", type=int, default=200, help="battle-record variants")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per command")
    ap.add_argument("--mem-gib", type=float, default=3.0, help="peak RSS limit per case")
    ap.add_argument("--jobs", type=int, default=2, help="cases at once")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="fuzz-out", help="report and one example per bug class")
    ap.add_argument("--minimize", type=int, default=40,
                    help="re-runs per bug class to shrink its example (0: keep the smallest)")
    ap.add_argument("--window", default=None, metavar="FIRST:STOP",
                    help="run only these positions of the run's case order (a stretch again)")
    ap.add_argument("--numba-threads", type=int, default=None,
                    help="NUMBA_NUM_THREADS of the children (default cores / jobs)")
    a = ap.parse_args(argv)
    window = tuple(int(v) for v in a.window.split(":")) if a.window else None
    r = fuzz(a.scenarios, a.records, a.seed, a.timeout, a.mem_gib, a.jobs, a.out, a.minimize,
             a.numba_threads, window=window)
    print(r.table())
    if r.bugs:
        print(f"\ndetails, reproducers and examples: {Path(a.out) / 'report.md'}")
    return 1 if r.bugs else 0


if __name__ == "__main__":
    sys.exit(main())
