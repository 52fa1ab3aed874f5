"""Did a change make warroom slower? Runs the benches of two source trees, before and after,
alternating (before, after, before, after, ...) for --rounds rounds, each run a fresh process,
and prints per metric the median over rounds and the range (min-max) of each tree, the ratio of
the medians, and a verdict.

Metrics: bench/front.py's warroom / NumPy-reference agent-steps per second per N (and warroom /
Mesa where Mesa ran); bench/lanchester_mc.py's warroom reps/s over the peer's per solver and
workers; with --experiments instead, bench/experiments.py's replications per second per scenario
on 1 and 2 workers (no peer there, so absolute rates; the rounds alternate, so drift of the
machine hits both trees alike).

Verdict rule: "no regression" when after_median >= before_min, i.e. the after median is not
below everything the before tree measured; otherwise "REGRESSION". With one round the rule
flags any decrease.

Each tree runs its own bench scripts (their APIs differ across the redesign: Engine -> Battle),
copied beside a link to ../shared/peers because the scripts find the peers relative to
themselves; warroom is imported from the tree's src (PYTHONPATH, checked before timing), with
a numba cache of its own (NUMBA_CACHE_DIR), and the working directory is the tree's root (for
scenarios/). The before tree is a temporary `git worktree` of --before-rev unless --before names
one; the after tree is this checkout, uncommitted edits included, unless --after or --after-rev
says otherwise. A small untimed run of each bench per tree first fills the numba caches, so
that no round pays for compilation. Nothing is written outside a temporary directory, removed
at the end with the worktrees, except the caches where --numba-cache names a folder to keep
them in for the next invocation (of use only for trees given by path: a worktree's path is new
each time, and numba keys its caches by source path).

Usage: python bench/compare.py [--before-rev ad871cc | --before PATH] [--after PATH | --after-rev
           REV] [--rounds 5] [--benches front mc] [--front-args="--sizes 1000 10000"]
           [--mc-args="--reps 2000"] [--numba-cache DIR]
       python bench/compare.py --experiments [--rounds 3] [--exp-args="--tac-n 24 --agg-n 5000"]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"  # the bench scripts look for parents[1].parent / "shared"
SCRIPTS = {"front": "front.py", "mc": "lanchester_mc.py", "experiments": "experiments.py"}
TREES = ("before", "after")
# the smallest runs that load every kernel a bench uses, to fill each tree's numba cache; for
# experiments in this process only, as its pool's two workers would compile side by side
WARMUP = {"front": ["{script}", "--worker", "1000", "--steps", "2"],
          "mc": ["{script}", "--reps", "20", "--repeat", "1"],
          "experiments": ["-c", "import warroom; from warroom.experiment import experiment as e\n"
                          "for n in 'hill_defence', 'ridge_road':\n"
                          "    e(warroom.load_scenario(f'scenarios/{n}.yaml'), 2, seed=9)"]}


def tables(text: str) -> list[list[dict[str, str]]]:
    """The Markdown tables in a bench's stdout, each a list of rows keyed by header."""
    out, block = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif block:
            out.append([dict(zip(block[0], r, strict=True)) for r in block[2:]])
            block = []
    return out


def num(s: str) -> float:
    return float(s.replace(",", "").rstrip("x"))


def metrics(bench: str, stdout: str) -> dict[str, float]:
    # ratios recomputed from the rate columns: the printed ratio columns are rounded
    found = tables(stdout)
    m: dict[str, float] = {}
    for row in found[0] if found else []:
        if bench == "front":
            w = num(row["warroom agent-steps/s"])
            m[f"N={num(row['N']):,.0f} warroom / reference"] = w / num(
                row["NumPy reference (2 workers)"])
            if row["Mesa 3"] != "-":
                m[f"N={num(row['N']):,.0f} warroom / Mesa"] = w / num(row["Mesa 3"])
        elif bench == "mc":
            key = f"{row['warroom solver']} vs {row['peer method']}, {row['workers']} worker(s)"
            m[key] = num(row["warroom reps/s"]) / num(row["peer reps/s"])
        else:
            for col in ("1 worker reps/s", "2 workers reps/s"):
                m[f"{row['scenario']}: {col}"] = num(row[col])
    return m


def tree_paths(path: Path) -> tuple[Path, Path]:
    """(root, src) of a tree given as its root or its src folder."""
    path = path.resolve()
    if (path / "src" / "warroom").is_dir():
        return path, path / "src"
    if (path / "warroom").is_dir():
        return path.parent, path
    sys.exit(f"{path}: neither a checkout nor its src (no warroom package found)")


def describe(root: Path, rev: str | None) -> str:
    git = ["git", "-C", str(root)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    where = f"temporary git worktree of {rev}" if rev else root
    return f"{head.stdout.strip() or '?'}{' + uncommitted changes' if dirty else ''} ({where})"


def stage(tmp: Path, label: str, root: Path, src: Path,
          cache: Path) -> tuple[Path, dict[str, str]]:
    """Copy the tree's bench scripts to tmp/label/repo/bench beside a link tmp/label/shared, and
    return that bench folder and the environment its runs get."""
    bench = tmp / label / "repo" / "bench"
    bench.mkdir(parents=True)
    for f in (root / "bench").glob("*.py"):
        shutil.copy2(f, bench / f.name)  # a copy, not a link: the scripts resolve __file__
    (tmp / label / "shared").symlink_to(SHARED)
    env = {**os.environ, "PYTHONPATH": str(src), "NUMBA_CACHE_DIR": str(cache / label)}
    probe = subprocess.run([sys.executable, "-c", "import warroom; print(warroom.__file__)"],
                           cwd=root, env=env, capture_output=True, text=True)
    got = Path(probe.stdout.strip() or ".").resolve()
    if not got.is_relative_to(src):  # an installed warroom must not shadow the tree
        sys.exit(f"{label}: warroom imports from {got}, not from {src}\n{probe.stderr}")
    return bench, env


def run(label: str, cmd: list[str], root: Path, env: dict[str, str]) -> tuple[str, float]:
    t0 = time.perf_counter()
    # a session of its own, so that an interrupted run takes the bench's pool workers with it
    p = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, start_new_session=True)
    try:
        out, err = p.communicate()
    except BaseException:
        os.killpg(p.pid, signal.SIGKILL)
        raise
    took = time.perf_counter() - t0
    if p.returncode:
        tail = "\n".join((out + err).strip().splitlines()[-20:])
        sys.exit(f"{label}: {shlex.join(cmd)} exited with {p.returncode}\n{tail}")
    return out, took


def fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def report(bench: str, cmd: str, got: dict[str, list[dict[str, float]]]) -> None:
    print(f"\n### {SCRIPTS[bench]}, {len(got['before'])} rounds, alternating before/after\n")
    print(f"In each tree's root: `{cmd}`\n")
    print("| metric | before median (min-max) | after median (min-max) | after / before "
          "| verdict |\n|---|---|---|---|---|")
    names = dict.fromkeys(k for t in TREES for r in got[t] for k in r)
    for name in names:
        vals = {t: [r[name] for r in got[t] if name in r] for t in TREES}
        med = {t: statistics.median(v) for t, v in vals.items() if v}
        cells = [f"{fmt(med[t])} ({fmt(min(vals[t]))}-{fmt(max(vals[t]))})" if t in med else "-"
                 for t in TREES]
        if len(med) < 2:
            ratio, verdict = "-", "n/a (missing in one tree)"
        else:
            ratio = f"{med['after'] / med['before']:.3f}"
            verdict = "no regression" if med["after"] >= min(vals["before"]) else "REGRESSION"
        print(f"| {name} | {cells[0]} | {cells[1]} | {ratio} | {verdict} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, help="before tree (root or src); default: --before-rev")
    ap.add_argument("--before-rev", default="ad871cc",
                    help="commit put in a temporary git worktree when --before is not given")
    ap.add_argument("--after", type=Path, default=REPO / "src",
                    help="after tree (root or src); default: this checkout, uncommitted edits too")
    ap.add_argument("--after-rev", help="measure this commit (a temporary worktree) as after")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--benches", nargs="+", choices=["front", "mc"], default=["front", "mc"])
    ap.add_argument("--experiments", action="store_true",
                    help="run bench/experiments.py instead of front and mc")
    ap.add_argument("--front-args", default="", help='passed to front.py, e.g. "--sizes 1000"')
    ap.add_argument("--mc-args", default="", help='passed to lanchester_mc.py, e.g. "--reps 1000"')
    ap.add_argument("--exp-args", default="", help='passed to experiments.py, e.g. "--tac-n 24"')
    ap.add_argument("--numba-cache", type=Path,
                    help="keep the numba caches in DIR/before and DIR/after for the next run "
                    "(safe: numba keys them by source path and stamp); default: a temporary one")
    a = ap.parse_args()
    # SIGTERM (timeout, kill) as an exception, so that the worktrees are removed all the same
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    benches = ["experiments"] if a.experiments else a.benches
    extra = {"front": a.front_args, "mc": a.mc_args, "experiments": a.exp_args}
    if not (SHARED / "peers").is_dir():
        sys.exit(f"{SHARED / 'peers'} not found: the benches measure against the peers there")
    t_start, load0 = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="warroom-compare-") as tmp_s:
        tmp, worktrees = Path(tmp_s), []
        trees: dict[str, tuple[Path, Path]] = {}
        names: dict[str, str] = {}
        try:
            # a revision, where given, wins over a path
            specs = {"before": (a.before, None if a.before else a.before_rev),
                     "after": (a.after, a.after_rev)}
            for t, (path, rev) in specs.items():
                if rev:
                    path = tmp / f"{t}-worktree"
                    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach",
                                    "--quiet", str(path), rev], check=True)
                    worktrees.append(path)
                trees[t] = tree_paths(path)
                names[t] = describe(trees[t][0], rev)
            staged = {t: stage(tmp, t, *trees[t], a.numba_cache or tmp / "numba") for t in TREES}
            for b in benches:  # untimed, so that no round pays for numba's compilation
                for t in TREES:
                    script = str(staged[t][0] / SCRIPTS[b])
                    _, took = run(t, [sys.executable, *(script if x == "{script}" else x
                                                        for x in WARMUP[b])],
                                  trees[t][0], staged[t][1])
                    print(f"warm-up {t:6} {SCRIPTS[b]}: {took:.1f} s", file=sys.stderr,
                          flush=True)
            cmds = {(b, t): [sys.executable, str(staged[t][0] / SCRIPTS[b]),
                             *shlex.split(extra[b])] for b in benches for t in TREES}
            got: dict[str, dict[str, list]] = {b: {t: [] for t in TREES} for b in benches}
            for i in range(a.rounds):
                for b in benches:
                    for t in TREES:
                        out, took = run(t, cmds[b, t], trees[t][0], staged[t][1])
                        m = metrics(b, out)
                        if not m:
                            sys.exit(f"{t}: no table in the output of {SCRIPTS[b]}:\n{out}")
                        got[b][t].append(m)
                        print(f"round {i + 1}/{a.rounds} {t:6} {SCRIPTS[b]}: {took:.1f} s  "
                              + "  ".join(f"{k}={fmt(v)}" for k, v in m.items()),
                              file=sys.stderr, flush=True)
        finally:
            for w in worktrees:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(w)],
                               check=False)
    # the machine is shared: a load well above 0 at either end means the figures are doubtful
    print(f"Command: `{shlex.join(sys.orig_argv)}` ({time.perf_counter() - t_start:.0f} s; "
          f"1-minute load average {load0:.2f} at the start, {os.getloadavg()[0]:.2f} at the end)\n")
    for t in TREES:
        print(f"- {t}: {names[t]}")
    print("\nVerdict rule: no regression when the after median >= the before minimum over the "
          "rounds.")
    for b in benches:
        cmd = shlex.join(["python", f"bench/{SCRIPTS[b]}", *shlex.split(extra[b])])
        cmd = f"PYTHONPATH=src {cmd}"
        report(b, cmd, got[b])


if __name__ == "__main__":
    main()
