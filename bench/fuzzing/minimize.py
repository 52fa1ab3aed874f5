"""Minimising the example of a bug class: drop chunks of lines, then halve long runs of one
character, for as long as the case still shows the same bug class."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

from .cases import Case
from .classify import classify
from .collector import Collector, case_size
from .scheduler import run_cases


class Minimizer:
    """One bug class's shrinking: `candidate` proposes a smaller case (at most `budget` in
    all), `feedback` says whether it still showed the bug."""

    def __init__(self, case: Case, budget: int):
        self.best, self.budget = case, budget
        self.lines = case.files[case.main].split(b"\n")
        self.chunk = max(1, len(self.lines) // 2)
        self.pos = 0
        self.phase = "lines"
        self.pending: list[bytes] | None = None

    def candidate(self) -> Case | None:
        while self.budget > 0:
            if self.phase == "lines":
                if self.pos >= len(self.lines):
                    if self.chunk == 1:
                        self.phase = "runs"
                        continue
                    self.chunk, self.pos = max(1, self.chunk // 2), 0
                    continue
                cand = self.lines[: self.pos] + self.lines[self.pos + self.chunk:]
                if not cand or cand == self.lines:
                    self.pos += self.chunk
                    continue
            else:
                data = b"\n".join(self.lines)
                m = max(re.finditer(rb"(.)\1{999,}", data, re.S), key=lambda x: len(x[0]),
                        default=None)
                if m is None:
                    return None
                half = data[: m.start()] + m[0][: len(m[0]) // 2] + data[m.end():]
                cand = half.split(b"\n")
            self.pending = cand
            self.budget -= 1
            files = dict(self.best.files)
            files[self.best.main] = b"\n".join(cand)
            return replace(self.best, files=files)
        return None

    def feedback(self, same: bool, case: Case) -> None:
        if same and self.pending is not None:
            self.lines, self.best = self.pending, case
        elif self.phase == "lines":
            self.pos += self.chunk
        else:
            self.budget = 0  # halving failed once: stop
        self.pending = None


def minimize(coll: Collector, *, budget: int, jobs: int, timeout: float, mem_bytes: int,
             work: Path) -> int:
    mins = {}
    for key, cl in coll.classes.items():
        if cl["info"].get("kind") in ("timeout", "memory"):
            continue  # each try would cost a timeout
        case: Case = cl["case"]
        # only the command that failed, and what must pass before it
        k = cl["res"]["k"]
        cmds = case.commands[: k + 1] if case.chained else [cl["res"]["args"]]
        mins[key] = Minimizer(replace(case, commands=cmds), budget)
    runs = 0
    while mins:
        batch = []
        for key, m in list(mins.items()):
            cand = m.candidate()
            if cand is None:
                del mins[key]
            else:
                batch.append((key, cand))
        if not batch:
            break
        results = list(run_cases([c for _, c in batch], jobs=jobs, timeout=timeout,
                                 mem_bytes=mem_bytes, work=work))
        runs += len(results)
        by_case = {id(c): (res, cdir) for c, res, cdir, _ in results}
        for key, cand in batch:
            res, cdir = by_case[id(cand)]
            hit = next((x for x in res if classify(x, cand)[1] == key), None)
            shutil.rmtree(cdir, ignore_errors=True)
            mins[key].feedback(hit is not None, cand)
            if hit is not None:
                cl = coll.classes[key]
                # keep the original commands list for the record
                kept = replace(cl["case"], files=cand.files)
                cl.update(case=kept, res=hit, info=classify(hit, cand)[2],
                          size=case_size(kept), minimized=True)
    for key, cl in coll.classes.items():
        if cl.get("minimized"):
            coll.save(key)
    return runs
