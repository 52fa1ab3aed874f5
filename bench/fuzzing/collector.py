"""Tallying each case's outcomes into the report, and keeping the smallest example of each bug
class (its files, BUG.txt and a command that reproduces it) under OUT/bugs/."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

from .cases import Case
from .classify import classify, norm
from .paths import ROOT
from .report import BugClass, Report


def _count(tally: dict[str, int], key: str) -> None:
    tally[key] = tally.get(key, 0) + 1


def _slug(key: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-")[:60]
    return f"{s}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


def case_size(case: Case) -> int:
    return len(case.files[case.main])


def _repro(case: Case, folder: Path, cmd: list[str]) -> str:
    args = [str(folder / a) if a == case.main else a for a in cmd]
    if "--out" in args:
        args[args.index("--out") + 1] = "/tmp/fuzz-repro"
    return "(cd " + str(ROOT) + " && .venv/bin/python -m warroom " + " ".join(
        _shell(a) for a in args) + ")"


def _shell(a: str) -> str:
    return a if re.fullmatch(r"[\w./:=+-]+", a) else "'" + a.replace("'", "'\\''") + "'"


class Collector:
    """Tallies outcomes and keeps the smallest example of each bug class."""

    def __init__(self, report: Report, out: Path):
        self.r, self.out = report, out
        self.classes: dict[str, dict[str, Any]] = {}
        self.log = (out / "cases.jsonl").open("w", encoding="utf-8")

    def add(self, case: Case, results: list[dict[str, Any]], peak: int) -> None:
        r = self.r
        _count(r.variants, case.scale)
        r.peak_rss_mib = max(r.peak_rss_mib, peak / 2**20)
        verdicts: list[str] = []
        logged: list[dict[str, Any]] = []
        for res in results:
            cmd = res["args"][0]
            verdict, key, info = classify(res, case)
            verdicts.append(verdict)
            r.commands_run += 1
            _count(r.outcomes.setdefault(f"{case.scale} {cmd}", {}), verdict)
            err = res.get("stderr", "")
            if verdict != "bug" and re.search(r"\w+Warning: ", err):
                w = re.search(r"(\w+Warning): ([^\n]{0,60})", err)
                note = f"{cmd} printed {w[1]}: {w[2]}" if w else f"{cmd} printed a warning"
                _count(r.notes, note)
            if info.get("note"):
                _count(r.notes, info["note"])
            if verdict == "bug" and key:
                self._bug(key, info, case, res)
            lines = err.splitlines()
            at = next((i for i, ln in enumerate(lines) if ln.startswith("error:")), None)
            first = "" if at is None else " / ".join(ln.strip() for ln in lines[at: at + 2])
            logged.append({"cmd": cmd, "verdict": verdict, "rc": res.get("rc"),
                           "dt": round(res.get("dt", 0), 3), "bug": key, "error": first[:300]})
        if case.kind == "scenario" and verdicts[:1] == ["ok"] and "refused" in verdicts:
            k = verdicts.index("refused")
            msg = logged[k]["error"]
            if not msg.startswith("error: -"):
                note = f"check passed, {logged[k]['cmd']} refused: {norm(msg, case.main)}"
                _count(r.notes, note)
        if case.kind == "scenario":
            if "bug" in verdicts:
                outcome = "bug"
            elif verdicts and verdicts[0] == "refused":
                outcome = "refused"
            elif verdicts and all(v == "ok" for v in verdicts):
                outcome = "ran"
            else:
                outcome = "refused later"
        else:
            outcome = "bug" if "bug" in verdicts else "ran" if "ok" in verdicts else "refused"
        _count(r.cases.setdefault(case.scale, {}), outcome)
        self.log.write(json.dumps({"kind": case.kind, "index": case.index, "base": case.base,
                                   "outcome": outcome, "mutations": case.mutations,
                                   "peak_mib": round(peak / 2**20), "commands": logged}) + "\n")

    def _bug(self, key: str, info: dict[str, Any], case: Case, res: dict[str, Any]) -> None:
        cmd = res["args"][0]
        cl = self.classes.get(key)
        if cl is None:
            cl = self.classes[key] = {"key": key, "count": 0, "commands": [], "size": None,
                                      "case": None}
        cl["count"] += 1
        if cmd not in cl["commands"]:
            cl["commands"].append(cmd)
        size = case_size(case)
        if cl["size"] is None or size < cl["size"]:
            cl.update(size=size, case=case, res=res, info=info)
            self.save(key)

    def save(self, key: str) -> None:
        cl = self.classes[key]
        case, res, info = cl["case"], cl["res"], cl["info"]
        folder = self.out / "bugs" / _slug(key)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name, data in case.files.items():
            (folder / name).write_bytes(data)
        rel = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
        # of a chain (check, run, mc) the command that failed alone: its input passed check
        cmd = case.commands[: res["k"] + 1][-1] if case.chained else res["args"]
        repro = cl["repro"] = _repro(case, rel, cmd)
        text = [f"bug class: {key}", f"kind: {info.get('kind')}",
                f"location: {info.get('location')}", f"base: {case.base} ({case.scale})",
                "mutations:", *[f"  {m}" for m in case.mutations],
                f"command: warroom {' '.join(res['args'])}", f"reproduce: {repro}", "",
                "stderr / traceback tail:", info.get("detail", "")]
        (folder / "BUG.txt").write_text("\n".join(text), encoding="utf-8")
        cl["folder"] = str(rel)

    def finish(self) -> None:
        self.log.close()
        out = []
        for key, cl in sorted(self.classes.items(), key=lambda kv: -kv[1]["count"]):
            case, info = cl["case"], cl["info"]
            out.append(BugClass(key=key, kind=info.get("kind", "?"), count=cl["count"],
                                commands=cl["commands"], location=info.get("location", ""),
                                example=cl["folder"], example_bytes=cl["size"],
                                base=f"{case.base} ({case.scale})", mutations=case.mutations,
                                repro=cl["repro"], detail=info.get("detail", ""),
                                minimized=cl.get("minimized", False)))
        self.r.bug_classes = out
