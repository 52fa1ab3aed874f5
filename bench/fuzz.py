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

How it runs: `fuzz()` starts a fresh "fork server" (this file, `_serve`), which imports
warroom.cli, warms up the aggregate and fitting code in-process (no numba-parallel code: the
tactical kernels use OpenMP threads, which do not survive a fork) and populates numba's cache
of the tactical kernels from a separate process. It then forks one child per case, at most
`jobs` at a time; the child invokes the CLI in-process (`app(args, standalone_mode=False)`) and
streams one JSON line per command back. The server enforces a per-command wall timeout (sending
SIGUSR1 first, so faulthandler prints where the child was stuck) and polls each child's RSS
(killing it above the limit); RLIMIT_AS is only a backstop set well above the fork's own
address space, as numba/LLVM and pyarrow reserve gigabytes of virtual memory that they never
touch. Variant i is derived from SeedSequence(seed, spawn_key=(kind, i)), so a seed reproduces
the same inputs.

Run:  python bench/fuzz.py --scenarios 10000 --records 2000 --timeout 10 --mem-gib 3 \
          --jobs 2 --seed 0 --out fuzz-out
It prints a markdown summary (for bench/RESULTS.md), writes OUT/report.md and OUT/report.json,
keeps one (minimised) example per bug class under OUT/bugs/, and exits 1 if it found a bug.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import hashlib
import io
import json
import math
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fuzz_corpus"
SHARED = ROOT.parent / "shared" / "data"
GIB = 1024**3
PAGE = os.sysconf("SC_PAGE_SIZE")

# ------------------------------------------------------------------------------------------
# inputs: the seeds


@dataclass
class Base:
    name: str
    scale: str  # aggregate | tactical | record
    main: str  # file name of the main input
    text: str
    aux: dict[str, bytes] = field(default_factory=dict)  # files beside it (rasters)
    weight: float = 1.0


def scenario_bases() -> list[Base]:
    found: list[Base] = []
    paths = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(CORPUS.glob("*.yaml"))
    first = ROOT / "docs" / "examples" / "first_battle.yaml"
    if first.exists():
        paths.append(first)
    for p in paths:
        text = p.read_text(encoding="utf-8")
        tactical = re.search(r"^scale:\s*tactical\b", text, re.M) is not None
        aux = {}
        for m in re.finditer(r"\bfile:\s*([\w./-]+)", text):
            f = p.parent / m[1]
            if f.is_file():
                aux[m[1]] = f.read_bytes()
        # ridge_road is the slow one (4 s a run); the corpus skirmish is small
        weight = {"ridge_road": 1.2, "skirmish": 2.0}.get(p.stem, 1.0)
        found.append(Base(p.stem, "tactical" if tactical else "aggregate", p.name, text, aux,
                          weight))
    return found


def _ardennes() -> str | None:
    p = SHARED / "ardennes_wiper2000" / "ardennes_daily.csv"
    if not p.exists():
        return None
    rows = list(csv.reader(ln for ln in p.read_text().splitlines() if not ln.startswith("#")))
    out = ["t,blue,red,blue_losses,red_losses"]
    for i, r in enumerate(rows[1:]):
        out.append(f"{r[0]},{r[1]},{r[3]},{r[2] if i else ''},{r[4] if i else ''}")
    return "\n".join(out) + "\n"


def record_bases() -> list[Base]:
    found = []
    ex = ROOT / "docs" / "examples" / "two_armies.csv"
    if ex.exists():
        found.append(Base("two_armies", "record", "record.csv", ex.read_text()))
    ard = _ardennes()
    if ard:
        found.append(Base("ardennes", "record", "record.csv", ard))
    for p in sorted(CORPUS.glob("*.csv")):
        if not p.stem.endswith("_height"):
            found.append(Base(p.stem, "record", "record.csv", p.read_text()))
    found.append(Base("synthetic", "record", "record.csv", "", weight=2.0))
    return found


def synthetic_record(rng: random.Random) -> str:
    """A square-law battle: Euler steps, noisy, blue seen every step, red sometimes."""
    n = rng.choice([3, 5, 10, 20, 40, 80])
    b, r = 10 ** rng.uniform(2, 6), 0.0
    r = b * rng.uniform(0.4, 1.6)
    kb, kr = rng.uniform(0.002, 0.05), rng.uniform(0.002, 0.05)
    losses = rng.random() < 0.4
    reinf = rng.random() < 0.3
    head = ["t", "blue", "red"] + (["blue_losses", "red_losses"] if losses else []) \
        + (["blue_reinforcements"] if reinf else [])
    rows = []
    for k in range(n):
        lb = lr = 0.0
        if k:
            lb, lr = min(b, kr * r), min(r, kb * b)
            b, r = b - lb, r - lr
        add = 0.0
        if reinf and k == n // 2:
            add = round(0.2 * b)
            b += add
        nb = b * (1 + rng.gauss(0, 0.01))
        seen = k == 0 or k == n - 1 or rng.random() < 0.5
        row = [f"{k:g}", f"{nb:.6g}", f"{r:.6g}" if seen else ""]
        if losses:
            row += ["" if k == 0 else f"{lb:.5g}", "" if k == 0 else f"{lr:.5g}"]
        if reinf:
            row.append(f"{add:g}" if add else "")
        rows.append(row)
    return ",".join(head) + "\n" + "\n".join(",".join(x) for x in rows) + "\n"


# ------------------------------------------------------------------------------------------
# hostile values (raw YAML text, substituted for a placeholder after dumping)

HUGE = 200_000
HOSTILE = [
    ".inf", "-.inf", ".nan", ".NaN", "1e999", "-1e999", "'1e999'", "1e300", "-1e300",
    "1.7976931348623157e308", "5e-324", "-1", "0", "-0.0", "1e-9", "1e-300", "36000000",
    "1000000000000000000000000000000", "9223372036854775808", "18446744073709551617",
    "-9223372036854775809", "0x7fffffff", "0o777", "1_000_000", "''", "' '", "null", "~",
    "true", "false", "yes", "no", "[]", "{}", "[1, 2]", "{a: 1}", "[.nan]", "!!int x",
    "!!bool maybe", "!!float abc", "!!timestamp 2001-13-45", "!!int 1e3", "!!float ''",
    "!!python/object:os.system {}", "!!python/name:os.system ''",
    "!!python/object/apply:os.system [echo hi]", "!!binary AAAA", "!!set {a, b}",
    "!!omap [a: 1]", "!!str 5", "!custom 5", "!!map [1]", "!!seq {a: 1}", "!!null x",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30:00", "'\\u202e'", "\"\\0\"",
    "\"\\e[31m\"", "*undefined_alias", "&anchor 5", "'" + "x" * HUGE + "'", "1" * 5000,
    "1." + "0" * 5000 + "1", "<<", "=",
]
WRONG_TYPES = ["[]", "{}", "[1, 2]", "{a: 1}", "true", "null", "text", "[[1, 2], [3]]",
               "{x: [1, {y: 2}]}"]
WEIRD_STRINGS = ["", " ", "é", "\u202e", "a" * 300, "1", "x y", "null", "sides", "-", "_a",
                 "a" * 20_000, "日本", "a\tb", "a:b"]
BENIGN_FACTORS = [0.5, 2, 10, 0.1, 1.5, 0.9, 3]
WILD_FACTORS = [1e6, 1e-6, 1e3, 1e-3, 1e12, 1e15, -1, 0, 1e-300, 1e300]
SOLVERS = ["ode", "closed_form", "ctmc", "tau_leap", "salvo"]
LAWS = ["square", "linear", "logarithmic", "mixed", "exponents"]
TACTICAL_ENUMS = {
    "rule": ["nearest", "priority", "weakest", "random", "area"],
    "kind": ["hold", "advance", "move", "withdraw"],
    "mobility": ["foot", "wheeled", "tracked", "hover", "air"],
    "role": ["infantry", "vehicle", "hover", "artillery", "drone", "mech", "monster", "sensor"],
    "class": ["soft", "armoured", "air", "structure", "monster"],
    "unit": ["second", "minute", "hour", "day", "week", "salvo"],
    "allocation": ["proportional", "fixed", "priority"],
    "terrain": ["open", "road", "dune", "canyon", "cliff", "ridge", "urban", "water"],
}


def _deep(n: int) -> str:
    return "[" * n + "1" + "]" * n


def _deep_map(n: int) -> str:
    return "{a: " * n + "1" + "}" * n


def _laughs(width: int, depth: int) -> str:
    parts = ["&a0 [" + ", ".join(["lol"] * width) + "]"]
    for k in range(1, depth):
        parts.append(f"&a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]")
    return "[" + ", ".join(parts) + "]"


# ------------------------------------------------------------------------------------------
# structure-aware YAML mutation


class YamlDoc:
    def __init__(self, text: str):
        from ruamel.yaml import YAML

        self.yaml = YAML(typ="rt")
        self.yaml.width = 1 << 30
        self.doc = self.yaml.load(text)
        self.raw: dict[str, str] = {}

    def placeholder(self, raw: str) -> str:
        tok = f"FZRAW{len(self.raw)}Q"
        self.raw[tok] = raw
        return tok

    def entries(self) -> list[tuple[Any, Any, str]]:
        """(container, key, dotted path) of every value in the document."""
        out: list[tuple[Any, Any, str]] = []

        def walk(node: Any, path: str) -> None:
            if isinstance(node, dict):
                for k in list(node):
                    p = f"{path}.{k}" if path else str(k)
                    out.append((node, k, p))
                    walk(node[k], p)
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    p = f"{path}[{i}]"
                    out.append((node, i, p))
                    walk(v, p)

        walk(self.doc, "")
        return out

    def maps(self) -> list[tuple[dict, str]]:
        out = [(self.doc, "<top>")] if isinstance(self.doc, dict) else []
        out += [(c[k], p) for c, k, p in self.entries() if isinstance(c[k], dict)]
        return out

    def seqs(self) -> list[tuple[list, str]]:
        return [(c[k], p) for c, k, p in self.entries() if isinstance(c[k], list)]

    def dump(self) -> str:
        buf = io.StringIO()
        self.yaml.dump(self.doc, buf)
        s = buf.getvalue()
        for tok, raw in self.raw.items():
            s = s.replace(tok, raw)
        return s


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _scaled(v: Any, f: float) -> Any:
    x = float(v) * f
    if isinstance(v, int) and math.isfinite(x) and abs(x) < 1e18:
        return int(round(x))
    return x


class ScenarioMutator:
    def __init__(self, base: Base, rng: random.Random):
        self.base, self.rng = base, rng
        self.d = YamlDoc(base.text)
        self.log: list[str] = []

    # benign: likely to keep the file valid, to exercise the engine
    def scale(self, wild: bool = False) -> None:
        leaves = [(c, k, p) for c, k, p in self.d.entries() if _num(c[k])]
        if not leaves:
            return
        c, k, p = self.rng.choice(leaves)
        f = self.rng.choice(WILD_FACTORS if wild else BENIGN_FACTORS)
        c[k] = _scaled(c[k], f)
        self.log.append(f"scale {p} x{f:g} -> {c[k]!r}")

    def solver(self) -> None:
        engs = self.d.doc.get("engagements") if isinstance(self.d.doc, dict) else None
        if not isinstance(engs, list) or not engs:
            return self.knob()
        e = self.rng.choice(engs)
        if not isinstance(e, dict):
            return None
        if e.get("law") == "salvo":
            s = self.rng.choice(["salvo", "salvo", "ode", "ctmc"])
        else:
            s = self.rng.choice(["ode", "closed_form", "ctmc", "tau_leap", "ode", "ctmc",
                                 "salvo"])
            if self.rng.random() < 0.35:
                law = self.rng.choice(LAWS[:5])
                e["law"] = law
                e.pop("area_fire_by", None)
                e.pop("p", None)
                e.pop("q", None)
                if law == "mixed":
                    sides = [x.get("id") for x in self.d.doc.get("sides", [])
                             if isinstance(x, dict)]
                    e["area_fire_by"] = self.rng.choice(sides or ["x"])
                if law == "exponents":
                    e["p"] = self.rng.choice([0, 0.5, 1, 2])
                    e["q"] = self.rng.choice([0, 0.5, 1, 2])
                self.log.append(f"law {e.get('id')} = {law}")
        e["solver"] = s
        self.log.append(f"solver {e.get('id')} = {s}")
        return None

    def knob(self) -> None:
        cands = [(c, k, p) for c, k, p in self.d.entries()
                 if isinstance(k, str) and k in TACTICAL_ENUMS and isinstance(c[k], str)]
        if not cands:
            return self.scale()
        c, k, p = self.rng.choice(cands)
        c[k] = self.rng.choice(TACTICAL_ENUMS[k])
        self.log.append(f"set {p} = {c[k]}")
        return None

    def clock(self) -> None:
        clk = self.d.doc.get("clock") if isinstance(self.d.doc, dict) else None
        if not isinstance(clk, dict) or not _num(clk.get("end")):
            return self.scale()
        end = float(clk["end"])
        clk["end"] = _scaled(clk["end"], self.rng.choice([0.1, 0.25, 0.5, 2]))
        if self.rng.random() < 0.3 and _num(clk.get("step")):
            clk["step"] = _scaled(clk["step"], self.rng.choice([0.5, 2, 0.1]))
        self.log.append(f"clock end {end:g} -> {clk['end']}, step {clk.get('step')}")
        return None

    # hostile
    def _pick(self, leaves_only: bool = False) -> tuple[Any, Any, str] | None:
        es = self.d.entries()
        if leaves_only:
            es = [e for e in es if not isinstance(e[0][e[1]], dict | list)] or es
        return self.rng.choice(es) if es else None

    def hostile(self) -> None:
        e = self._pick(leaves_only=self.rng.random() < 0.8)
        if e is None:
            return
        c, k, p = e
        raw = self.rng.choice(HOSTILE)
        c[k] = self.d.placeholder(raw)
        self.log.append(f"hostile {p} = {raw[:40]}{'...' if len(raw) > 40 else ''}"
                        f"{f' ({len(raw):,} chars)' if len(raw) > 40 else ''}")

    def wrong_type(self) -> None:
        e = self._pick()
        if e is None:
            return
        c, k, p = e
        raw = self.rng.choice(WRONG_TYPES)
        c[k] = self.d.placeholder(raw)
        self.log.append(f"wrong type {p} = {raw}")

    def weird_string(self) -> None:
        cands = [(c, k, p) for c, k, p in self.d.entries() if isinstance(c[k], str)]
        if not cands:
            return
        c, k, p = self.rng.choice(cands)
        s = self.rng.choice(WEIRD_STRINGS)
        c[k] = s
        self.log.append(f"string {p} = {s[:20]!r}{f' ({len(s):,} chars)' if len(s) > 20 else ''}")

    def reference(self) -> None:
        ids = [c[k] for c, k, p in self.d.entries() if k == "id" and isinstance(c[k], str)]
        refs = [(c, k, p) for c, k, p in self.d.entries()
                if k in ("shooter", "target", "type", "force", "area_fire_by", "terrain", "id")
                and isinstance(c[k], str)]
        if not refs:
            return
        c, k, p = self.rng.choice(refs)
        new = self.rng.choice(ids + ["nobody", "ghost-force"]) if ids else "nobody"
        c[k] = new
        self.log.append(f"reference {p} = {new}")

    def delete_key(self) -> None:
        maps = [(m, p) for m, p in self.d.maps() if m]
        if not maps:
            return
        m, p = self.rng.choice(maps)
        k = self.rng.choice(list(m))
        del m[k]
        self.log.append(f"delete {p}.{k}")

    def duplicate_key(self) -> None:
        maps = [(m, p) for m, p in self.d.maps() if m]
        if not maps:
            return
        m, p = self.rng.choice(maps)
        k = self.rng.choice(list(m))
        tok = self.d.placeholder(str(k))
        m[tok] = copy.deepcopy(m[k])
        self.log.append(f"duplicate key {p}.{k}")

    def unknown_key(self) -> None:
        maps = self.d.maps()
        if not maps:
            return
        m, p = self.rng.choice(maps)
        if m and self.rng.random() < 0.6:
            k = str(self.rng.choice(list(m)))
            i = self.rng.randrange(len(k))
            new = k[:i] + k[i + 1:] + (k[i] if i < len(k) else "")  # a typo: a moved letter
            new = new if new != k else k + "s"
        else:
            new = self.rng.choice(["colour", "extra", "Strength", "version2", "__class__"])
        m[new] = 1
        self.log.append(f"unknown key {p}.{new}")

    def swap(self) -> None:
        seqs = [(s, p) for s, p in self.d.seqs() if len(s) >= 2]
        if seqs and self.rng.random() < 0.6:
            s, p = self.rng.choice(seqs)
            i, j = self.rng.sample(range(len(s)), 2)
            s[i], s[j] = s[j], s[i]
            self.log.append(f"swap {p}[{i}] <-> [{j}]")
            return
        maps = [(m, p) for m, p in self.d.maps() if len(m) >= 2]
        if not maps:
            return
        m, p = self.rng.choice(maps)
        a, b = self.rng.sample(list(m), 2)
        m[a], m[b] = m[b], m[a]
        self.log.append(f"swap values {p}.{a} <-> {b}")

    def list_item(self) -> None:
        seqs = [(s, p) for s, p in self.d.seqs() if s]
        if not seqs:
            return
        s, p = self.rng.choice(seqs)
        i = self.rng.randrange(len(s))
        what = self.rng.choice(["duplicate", "delete", "empty", "many"])
        if what == "duplicate":
            s.insert(i, copy.deepcopy(s[i]))
        elif what == "delete":
            del s[i]
        elif what == "empty":
            del s[:]
        else:  # the list 200 times longer
            items = list(s)
            for _ in range(199):
                s.extend(copy.deepcopy(items))
        self.log.append(f"{what} item {p}[{i}]")

    def nest(self) -> None:
        e = self._pick()
        if e is None:
            return
        c, k, p = e
        raw = self.rng.choice([_deep(250), _deep_map(250), _deep(2000), _laughs(9, 9),
                               _laughs(4, 4), _laughs(30, 5)])
        c[k] = self.d.placeholder(raw)
        kind = ("laughs" if "&a0" in raw else "nesting") + f" ({len(raw):,} chars)"
        self.log.append(f"{kind} at {p}")

    # valid-looking structure: engagement windows, allocations, transfers, breakpoints
    def _engagement(self) -> dict | None:
        engs = self.d.doc.get("engagements") if isinstance(self.d.doc, dict) else None
        engs = [e for e in engs or [] if isinstance(e, dict)]
        return self.rng.choice(engs) if engs else None

    def _span(self) -> tuple[float, float]:
        clk = self.d.doc.get("clock") if isinstance(self.d.doc, dict) else None
        if isinstance(clk, dict) and _num(clk.get("end")):
            start = float(clk["start"]) if _num(clk.get("start")) else 0.0
            return start, float(clk["end"])
        return 0.0, 10.0

    def _time(self) -> float:
        a, b = self._span()
        return round(self.rng.choice([a, b, a - 1, b + 1, self.rng.uniform(a, b)]), 3)

    def window(self) -> None:
        e = self._engagement()
        if e is None:
            return self.knob()
        lo, hi = sorted([self._time(), self._time()])
        for k, v in (("start", lo), ("end", hi)):
            if self.rng.random() < 0.7:
                e[k] = v
        self.log.append(f"window {e.get('id')} {e.get('start')}..{e.get('end')}")
        return None

    def allocation(self) -> None:
        e = self._engagement()
        fire = e.get("fire") if e is not None else None
        if not isinstance(fire, list) or not fire:
            return self.scale()
        kind = self.rng.choice(["fixed", "priority", "proportional"])
        e["allocation"] = kind
        for f in fire:
            if isinstance(f, dict):
                f.pop("share", None)
                f.pop("priority", None)
                if kind == "fixed" and self.rng.random() < 0.9:
                    f["share"] = self.rng.choice([0.5, 1, 0.25, 0.01, 2])
                if kind == "priority" and self.rng.random() < 0.9:
                    f["priority"] = self.rng.randint(1, 3)
        self.log.append(f"allocation {e.get('id')} = {kind}")
        return None

    def transfer(self) -> None:
        forces = [f for s in self.d.doc.get("sides", []) if isinstance(s, dict)
                  for f in s.get("forces", []) if isinstance(f, dict)] \
            if isinstance(self.d.doc, dict) else []
        if not forces or "strength" not in forces[0]:
            return self.scale()
        f = self.rng.choice(forces)
        kind = self.rng.choice(["reinforcements", "withdrawals"])
        amount = self.rng.choice([1, 100, 1e4, 1e6, 0])
        t = {"id": f"fz-{kind[:4]}"}
        if self.rng.random() < 0.5:
            t.update(at=self._time(), amount=amount)
        else:
            a, b = sorted([self._time(), self._time()])
            t.update(start=a, end=b)
            t.update({"rate": amount} if self.rng.random() < 0.5 else {"amount": amount})
        f.setdefault(kind, []).append(t)
        self.log.append(f"{kind[:-1]} of {f.get('id')}: {t}")
        return None

    def breakpoint(self) -> None:
        sides = [s for s in self.d.doc.get("sides", []) if isinstance(s, dict)] \
            if isinstance(self.d.doc, dict) else []
        if not sides:
            return self.scale()
        s = self.rng.choice(sides)
        bp = self.rng.choice([{"kind": "force_ratio", "below": self.rng.choice([0.5, 1, 2, 10])},
                              {"kind": "time", "at": self._time()},
                              {"kind": "strength", "below": self.rng.choice([0.01, 0.5, 0.99])}])
        s.setdefault("breakpoints", []).append(bp)
        self.log.append(f"breakpoint of {s.get('id')}: {bp}")
        return None

    def _extent(self) -> tuple[float, float]:
        mp = self.d.doc.get("map") if isinstance(self.d.doc, dict) else None
        if not isinstance(mp, dict) or not _num(mp.get("cell")):
            return 100.0, 100.0
        w, h = mp.get("width"), mp.get("height")
        rows = (mp.get("terrain") or {}).get("rows") if isinstance(mp.get("terrain"), dict) \
            else None
        if not _num(w) and isinstance(rows, list) and rows:
            w, h = len(str(rows[0])), len(rows)
        cell = float(mp["cell"])
        return cell * float(w if _num(w) else 10), cell * float(h if _num(h) else 10)

    def tactical(self) -> None:
        """Edges and extremes of a tactical battle that the schema allows."""
        doc = self.d.doc
        if not isinstance(doc, dict):
            return
        W, H = self._extent()
        forces = [f for s in doc.get("sides", []) if isinstance(s, dict)
                  for f in s.get("forces", []) if isinstance(f, dict)]
        types = [t for t in doc.get("entity_types", []) if isinstance(t, dict)]
        what = self.rng.choice(["deploy", "orders", "weapon", "sensor", "count", "cell",
                                "fill", "arrive"])
        if what == "deploy" and forces:
            f = self.rng.choice(forces)
            f["deploy"] = self.rng.choice([
                {"area": [0, 0, W, H]}, {"area": [W / 2, H / 2, W / 2, H / 2]},
                {"area": [W, H, 0, 0]}, {"at": [W, H]}, {"at": [0, 0], "radius": 1e6},
                {"at": [W / 2, H / 2], "radius": 0}, {"area": [-1, -1, 1, 1]}])
            self.log.append(f"deploy {f.get('id')} = {f['deploy']}")
        elif what == "orders" and forces:
            f = self.rng.choice(forces)
            f["orders"] = self.rng.choice([
                {"kind": "move", "to": [W, H]}, {"kind": "move", "to": [0, 0]},
                {"kind": "move", "area": [0, 0, W, H]},
                {"kind": "withdraw", "route": [[W / 2, H / 2]]},
                {"kind": "withdraw", "route": [[0, 0], [W, H], [0, H]], "leave": True},
                {"kind": "advance", "halt_to_fire": False}, {"kind": "move", "to": [W * 2, H]}])
            self.log.append(f"orders {f.get('id')} = {f['orders']}")
        elif what == "weapon" and types:
            ws = [w for t in types for w in t.get("weapons", []) or [] if isinstance(w, dict)]
            if ws:
                w = self.rng.choice(ws)
                k, v = self.rng.choice([("radius", 1e4), ("radius", W), ("ammo", 0),
                                        ("rate", 1e3), ("accuracy", 1.0), ("accuracy", 0.0),
                                        ("range", 1e-3)])
                w[k] = v
                self.log.append(f"weapon {w.get('id')}.{k} = {v}")
        elif what == "sensor" and types:
            t = self.rng.choice(types)
            t["sensor"] = self.rng.choice([{"range": float("inf")}, {"range": 1e-3},
                                           {"range": W, "detect": 0.0}])
            self.log.append(f"sensor {t.get('id')} = {t['sensor']}")
        elif what == "count" and forces:
            f = self.rng.choice(forces)
            if _num(f.get("count")):
                f["count"] = int(f["count"]) * self.rng.choice([10, 30])
                self.log.append(f"count {f.get('id')} = {f['count']}")
        elif what == "cell":
            mp = doc.get("map")
            if isinstance(mp, dict) and _num(mp.get("cell")) and _num(mp.get("width")):
                f = self.rng.choice([4, 10])
                mp["cell"] = float(mp["cell"]) / f
                mp["width"], mp["height"] = int(mp["width"]) * f, int(mp.get("height", 1)) * f
                self.log.append(f"map cell / {f}, {mp['width']} x {mp['height']} cells")
        elif what == "fill":
            mp = doc.get("map")
            if isinstance(mp, dict):
                mp["terrain"] = {"fill": self.rng.choice(["water", "cliff", "urban", "road"])}
                self.log.append(f"terrain = {mp['terrain']}")
        elif what == "arrive" and forces:
            f = self.rng.choice(forces)
            f["arrive"] = self._time()
            self.log.append(f"arrive {f.get('id')} at {f['arrive']}")

    BENIGN = {"scale": 6, "solver": 3, "knob": 2, "clock": 1, "window": 1, "allocation": 1,
              "transfer": 1, "breakpoint": 1, "tactical": 3}
    ALL = {"scale": 3, "wild_scale": 4, "solver": 2, "knob": 1, "hostile": 8, "wrong_type": 3,
           "weird_string": 2, "reference": 3, "delete_key": 3, "duplicate_key": 1,
           "unknown_key": 2, "swap": 2, "list_item": 2, "nest": 1, "window": 1,
           "allocation": 1, "transfer": 1, "breakpoint": 1, "tactical": 2}
    AGGREGATE_ONLY = ("solver", "window", "allocation", "transfer")

    def apply(self, benign: bool) -> None:
        table = self.BENIGN if benign else self.ALL
        if self.base.scale == "tactical":
            table = {k: (w * 3 if k == "knob" else w) for k, w in table.items()
                     if k not in self.AGGREGATE_ONLY}
        else:
            table = {k: w for k, w in table.items() if k != "tactical"}
        op = self.rng.choices(list(table), weights=list(table.values()))[0]
        if op == "wild_scale":
            self.scale(wild=True)
        else:
            getattr(self, op)()


# ------------------------------------------------------------------------------------------
# text-level mutation (bytes)


def text_mutation(data: bytes, rng: random.Random, csv_like: bool) -> tuple[bytes, str]:
    ops = ["truncate", "byte_flip", "invalid_utf8", "control", "tabs", "bom", "crlf", "empty",
           "nul", "garbage", "huge_file", "deep", "laughs", "multi_doc", "top_list",
           "comment_only", "long_line"]
    op = rng.choice(ops)
    if op == "truncate":
        n = rng.randrange(len(data) + 1) if data else 0
        return data[:n], f"truncate at byte {n}"
    if op == "byte_flip":
        b = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b), "byte flips"
    if op == "invalid_utf8":
        i = rng.randrange(len(data) + 1)
        bad = rng.choice([b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"])
        return data[:i] + bad + data[i:], f"invalid utf-8 {bad!r} at byte {i}"
    if op == "control":
        i = rng.randrange(len(data) + 1)
        c = rng.choice([b"\x07", b"\x1b", b"\x0c", b"\r", b"\x0b", b"\x85", b"\xc2\x85",
                        b"\xe2\x80\xa8", b"\x7f"])
        return data[:i] + c + data[i:], f"control char {c!r} at byte {i}"
    if op == "tabs":
        return re.sub(rb"(?m)^  ", b"\t", data), "tabs for indentation"
    if op == "bom":
        return b"\xef\xbb\xbf" + data, "BOM"
    if op == "crlf":
        return data.replace(b"\n", b"\r\n"), "CRLF line ends"
    if op == "empty":
        return rng.choice([b"", b"\n", b"   ", b"---\n", b"...\n", b"#\n"]), "empty file"
    if op == "nul":
        i = rng.randrange(len(data) + 1)
        return data[:i] + b"\x00" + data[i:], f"NUL at byte {i}"
    if op == "garbage":
        return bytes(rng.randrange(256) for _ in range(rng.choice([16, 512, 4096]))), "garbage"
    if op == "huge_file":
        pad = (b"# " + b"x" * 1000 + b"\n") * 21_000 if not csv_like else \
            b"\n".join([b"#" + b"x" * 1000] * 21_000) + b"\n"
        return pad + data, f"{len(pad):,} bytes of comments first"
    if op == "long_line":
        i = rng.randrange(len(data) + 1)
        return data[:i] + b"z" * HUGE + data[i:], f"{HUGE:,} chars at byte {i}"
    if csv_like and op in ("deep", "laughs", "multi_doc", "top_list", "comment_only"):
        return b"#" * 10 + b"\n" + data, "comment line first"
    if op == "deep":
        raw = rng.choice([_deep(250), _deep_map(250), _deep(5000)]).encode()
        return data + b"\nfuzz_deep: " + raw + b"\n", "deep nesting appended"
    if op == "laughs":
        return data + b"\nfuzz_laughs: " + _laughs(9, 9).encode() + b"\n", "billion laughs"
    if op == "multi_doc":
        return data + b"\n---\n" + data, "two documents"
    if op == "top_list":
        return b"- " + data.replace(b"\n", b"\n  "), "top-level list"
    return b"".join(b"# " + ln + b"\n" for ln in data.splitlines()), "comments only"


# ------------------------------------------------------------------------------------------
# record mutation


RECORD_HOSTILE = ["inf", "-inf", "nan", "NaN", "Infinity", "1e308", "-1e308", "1e999",
                  "5e-324", "-1", "0", "-0", " ", "1,5", "0x10", "1_000", "\u0661\u0662",
                  "  3  ", "1e-300", "1e300", "abc", "\"\"", "12345678901234567890123456789"]


def record_mutation(text: str, rng: random.Random, benign: bool) -> tuple[str, list[str]]:
    lines = text.splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#")]
    if not body:
        return text, []
    header = next(csv.reader([body[0]]))
    rows = [next(csv.reader([ln]), []) for ln in body[1:]]
    log: list[str] = []

    def col(name: str) -> int | None:
        return header.index(name) if name in header else None

    def cells(c: int) -> list[list[str]]:
        for r in rows:
            while len(r) <= c:
                r.append("")
        return rows

    ops_benign = ["scale_col", "thin", "reorder", "drop_optional", "add_losses"]
    ops_bad = ["zero_col", "hostile_cell", "tiny_dt", "huge_t", "non_increasing", "long_field",
               "drop_col", "add_col", "many_rows", "rows_4999", "header_only", "one_row",
               "ragged", "negative", "overkill", "blank_after_first", "dup_column",
               "space_header", "quoted_newline", "semicolons", "first_blank"]
    n_ops = 1 if rng.random() < 0.6 else rng.randint(2, 3)
    for _ in range(n_ops):
        op = rng.choice(ops_benign if benign else ops_bad + ops_benign)
        if op == "scale_col":
            name = rng.choice([h for h in header if h != "t"] or header)
            f = rng.choice([1e3, 1e-3, 10, 0.1, 1e6])
            c = header.index(name)
            for r in cells(c):
                with contextlib.suppress(ValueError):
                    r[c] = f"{float(r[c]) * f:.6g}" if r[c].strip() else r[c]
            log.append(f"scale column {name} x{f:g}")
        elif op == "thin":
            c = col(rng.choice(["blue", "red"]))
            if c is not None:
                for r in cells(c)[1:-1]:
                    if rng.random() < 0.6:
                        r[c] = ""
                log.append(f"thin column {header[c]}")
        elif op == "reorder":
            perm = list(range(len(header)))
            rng.shuffle(perm)
            header = [header[i] for i in perm]
            rows = [[(r[i] if i < len(r) else "") for i in perm] for r in rows]
            log.append("reorder columns")
        elif op == "drop_optional":
            opt = [h for h in header if h not in ("t", "blue", "red")]
            if opt:
                c = header.index(rng.choice(opt))
                header.pop(c)
                rows = [r[:c] + r[c + 1:] for r in rows]
                log.append("drop optional column")
        elif op == "add_losses" and "blue_losses" not in header:
            header += ["blue_losses", "red_losses"]
            for k, r in enumerate(rows):
                r += ["" if k == 0 else f"{rng.uniform(0, 50):.3g}",
                      "" if k == 0 else f"{rng.uniform(0, 50):.3g}"]
            log.append("add loss columns")
        elif op == "zero_col":
            name = rng.choice([h for h in header if h != "t"] or ["blue"])
            c = col(name)
            if c is not None:
                for r in cells(c):
                    r[c] = "0"
                log.append(f"zero column {name}")
        elif op == "hostile_cell" and rows:
            r = rng.choice(rows)
            c = rng.randrange(len(header))
            cells(c)
            v = rng.choice(RECORD_HOSTILE)
            r[c] = v
            log.append(f"cell {header[c]} = {v!r}")
        elif op == "tiny_dt":
            c = col("t")
            if c is not None:
                for k, r in enumerate(cells(c)):
                    r[c] = repr(k * 1e-300)
                log.append("times 1e-300 apart")
        elif op == "huge_t":
            c = col("t")
            if c is not None:
                for k, r in enumerate(cells(c)):
                    r[c] = repr(1e300 + k * 1e290)
                log.append("times near 1e300")
        elif op == "non_increasing" and len(rows) >= 2:
            c = col("t")
            if c is not None:
                i = rng.randrange(1, len(rows))
                cells(c)
                rows[i][c] = rows[i - 1][c] if rng.random() < 0.5 else "-5"
                log.append(f"time at row {i} not increasing")
        elif op == "long_field" and rows:
            r = rng.choice(rows)
            c = rng.randrange(len(header))
            cells(c)
            r[c] = rng.choice(["1", "x", " "]) * HUGE
            log.append(f"{HUGE:,}-char field in {header[c]}")
        elif op == "drop_col":
            name = rng.choice(header)
            c = header.index(name)
            header.pop(c)
            rows = [r[:c] + r[c + 1:] for r in rows]
            log.append(f"drop column {name}")
        elif op == "add_col":
            header.append(rng.choice(["green", "", "blue ", "T", "notes"]))
            for r in rows:
                r.append("1")
            log.append(f"add column {header[-1]!r}")
        elif op in ("many_rows", "rows_4999") and rows:
            target = 20_000 if op == "many_rows" else rng.choice([4_999, 2_000])
            c = col("t")
            last = rows[-1]
            while len(rows) < target:
                r = list(last)
                if c is not None:
                    r[c] = str(len(rows))
                rows.append(r)
            if c is not None:
                for k, r in enumerate(cells(c)):
                    r[c] = str(k)
            log.append(f"{target:,} rows")
        elif op == "header_only":
            rows = []
            log.append("header only")
        elif op == "one_row":
            rows = rows[:1]
            log.append("one row")
        elif op == "ragged" and rows:
            r = rng.choice(rows)
            if rng.random() < 0.5:
                r += ["7", "8", "9"]
                log.append("row with extra cells")
            else:
                del r[1:]
                log.append("short row")
        elif op == "negative":
            c = col(rng.choice(["blue", "red"]))
            if c is not None and rows:
                cells(c)[rng.randrange(len(rows))][c] = "-100"
                log.append(f"negative {header[c]}")
        elif op == "overkill":
            c = col(rng.choice(["blue_losses", "red_losses", "blue", "red"]))
            if c is not None and len(rows) > 1:
                cells(c)[1][c] = "1e12"
                log.append(f"{header[c]} 1e12 at row 1")
        elif op == "blank_after_first":
            for name in ("blue", "red"):
                c = col(name)
                if c is not None:
                    for r in cells(c)[1:]:
                        r[c] = ""
            log.append("strengths only at the start")
        elif op == "dup_column":
            header.append(rng.choice(["t", "blue", "red"]))
            for r in rows:
                r.append("5")
            log.append(f"duplicate column {header[-1]}")
        elif op == "space_header":
            header = [f" {h} " for h in header]
            log.append("spaces around header names")
        elif op == "quoted_newline" and rows:
            c = rng.randrange(len(header))
            cells(c)[0][c] = "1\n2"
            log.append(f"quoted newline in {header[c]}")
        elif op == "first_blank":
            c = col(rng.choice(["blue", "red", "t"]))
            if c is not None and rows:
                cells(c)[0][c] = ""
                log.append(f"first {header[c]} blank")
        elif op == "semicolons":
            out = ";".join(header) + "\n" + "\n".join(";".join(r) for r in rows) + "\n"
            return "\n".join(comments + [out]), log + ["semicolon-separated"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return "\n".join(comments + [buf.getvalue()]), log


# ------------------------------------------------------------------------------------------
# cases


@dataclass
class Case:
    index: int
    kind: str  # scenario | record
    scale: str  # aggregate | tactical | record
    base: str
    mutations: list[str]
    files: dict[str, bytes]
    main: str
    commands: list[list[str]]  # each runs after the previous one exited 0, except records

    @property
    def chained(self) -> bool:
        return self.kind == "scenario"


def _rng(seed: int, kind: int, i: int) -> random.Random:
    import numpy as np

    ss = np.random.SeedSequence(seed, spawn_key=(kind, i))
    return random.Random(int.from_bytes(ss.generate_state(4, np.uint32).tobytes(), "little"))


def make_scenario_case(i: int, seed: int, bases: list[Base]) -> Case:
    rng = _rng(seed, 0, i)
    base = rng.choices(bases, weights=[b.weight for b in bases])[0]
    m = ScenarioMutator(base, rng)
    clk = m.d.doc.get("clock") if isinstance(m.d.doc, dict) else None
    if base.name == "ridge_road" and isinstance(clk, dict) and rng.random() < 0.85:
        clk["end"] = rng.choice([40, 60, 100])  # a run of its 900 ticks takes 4 s
        m.log.append(f"(trim clock.end = {clk['end']})")
    benign = rng.random() < 0.5
    for _ in range(rng.choice([1, 1, 2]) if benign else rng.choice([1, 1, 2, 3])):
        m.apply(benign)
    text = m.d.dump()
    data = text.encode("utf-8")
    if not benign and rng.random() < 0.18:
        data, what = text_mutation(data, rng, csv_like=False)
        m.log.append(f"text: {what}")
    files = {base.main: data, **base.aux}
    # an auxiliary raster gets a mutation of its own now and then
    if base.aux and not benign and rng.random() < 0.15:
        name = rng.choice(list(base.aux))
        files[name], what = record_mutation_bytes(base.aux[name], rng)
        m.log.append(f"{name}: {what}")
    cmds = [["check", base.main], ["run", base.main, "--out", "run"]]
    if rng.random() < 0.05:
        s = rng.choice(["-1", "18446744073709551616", "9223372036854775807", "0"])
        cmds[1] += ["--seed", s]
        m.log.append(f"run --seed {s}")
    if base.scale == "aggregate" and rng.random() < 0.25:
        n = rng.choice(["0", "-5", "1000000000"]) if rng.random() < 0.1 else "20"
        cmds.append(["mc", base.main, "-n", n, "--workers", "1", "--out", "mc"])
        if n != "20":
            m.log.append(f"mc -n {n}")
    return Case(i, "scenario", base.scale, base.name, m.log, files, base.main, cmds)


def record_mutation_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A mutation of a raster CSV beside a tactical scenario."""
    text = data.decode("utf-8", "replace")
    rows = [r.split(",") for r in text.splitlines()]
    op = rng.choice(["cell", "ragged", "drop_row", "text"])
    if op == "cell" and rows:
        r = rng.choice(rows)
        r[rng.randrange(len(r))] = rng.choice(RECORD_HOSTILE)
    elif op == "ragged" and rows:
        rng.choice(rows).append("1")
    elif op == "drop_row" and rows:
        rows.pop(rng.randrange(len(rows)))
    else:
        return text_mutation(data, rng, csv_like=True)
    return ("\n".join(",".join(r) for r in rows) + "\n").encode(), f"raster {op}"


def _plausible(rng: random.Random) -> str:
    return f"{10 ** rng.uniform(-6, -1):.4g}"


FLOAT_HOSTILE = ["nan", "inf", "-inf", "-1", "0", "1e300", "1e-300", "-0.0", "1e308"]


def make_record_case(i: int, seed: int, bases: list[Base]) -> Case:
    rng = _rng(seed, 1, i)
    base = rng.choices(bases, weights=[b.weight for b in bases])[0]
    text = synthetic_record(rng) if base.name == "synthetic" else base.text
    benign = rng.random() < 0.35
    text, log = record_mutation(text, rng, benign)
    data = text.encode("utf-8")
    if not benign and rng.random() < 0.2:
        data, what = text_mutation(data, rng, csv_like=True)
        log.append(f"text: {what}")
    fit = ["fit", "record.csv", "--out", "fit"]
    law = rng.choice(["square", "square", "linear", "log", "mixed", "exponents", "all"])
    if law != "square":
        fit += ["--law", law]
    if rng.random() < 0.25:
        fit += ["--method", "engel"]
    if law == "mixed" and rng.random() < 0.7:
        fit += ["--area-fire-by", rng.choice(["blue", "red", "green"])]
    sim = ["simulate-fit", "record.csv"]
    hostile = rng.random() < 0.3
    for opt in ("--blue-effectiveness", "--red-effectiveness"):
        v = rng.choice(FLOAT_HOSTILE) if hostile and rng.random() < 0.6 else _plausible(rng)
        sim += [opt, v]
    slaw = rng.choice(["square", "square", "linear", "log", "mixed", "exponents"])
    if slaw != "square":
        sim += ["--law", slaw]
    if slaw == "exponents":
        for opt in ("--p", "--q"):
            if rng.random() < 0.85:
                sim += [opt, rng.choice(FLOAT_HOSTILE) if hostile and rng.random() < 0.4
                        else rng.choice(["0", "0.5", "1", "2"])]
    if slaw == "mixed" and rng.random() < 0.8:
        sim += ["--area-fire-by", rng.choice(["blue", "red", "blue", "red", "x"])]
    if hostile:
        log.append("hostile options")
    return Case(i, "record", "record", base.name, log, {"record.csv": data}, "record.csv",
                [fit, sim])


# ------------------------------------------------------------------------------------------
# the child: run commands in-process, stream one JSON line per command

LOC = re.compile(r"[\w.+-]+\.(?:ya?ml|csv|npy|png|txt):\d+|\bline \d+")
WHOLE_FILE = re.compile(r"no such file|is a folder|not a text|empty file|cannot be read|"
                        r"file_bytes|WARROOM_LIMIT")
TAIL = 6000


def _warroom_frame(frames: list[tuple[str, int, str]]) -> tuple[str, int, str] | None:
    """The innermost frame in warroom's own code (frames innermost last)."""
    for f, line, name in reversed(frames):
        if "/warroom/" in f:
            return "warroom/" + f.rsplit("/warroom/", 1)[1], line, name
    return None


def _run_command(args: list[str]) -> dict[str, Any]:
    import traceback

    import click

    from warroom.cli import app

    t0 = time.perf_counter()
    res: dict[str, Any] = {"args": args}
    try:
        rc = app(args, standalone_mode=False, prog_name="warroom")
        rc = 0 if rc is None else rc
    except SystemExit as e:
        rc = 0 if e.code is None else e.code if isinstance(e.code, int) else 1
        if not isinstance(e.code, int | None):
            print(e.code, file=sys.stderr)
    except click.exceptions.ClickException as e:
        rc = e.exit_code
        res["click"] = f"{type(e).__name__}: {e.format_message()}"
        print(f"Error: {e.format_message()}", file=sys.stderr)
    except BaseException as e:  # noqa: BLE001 - this is what the fuzzer looks for
        rc = None
        frames = [(f.filename, f.lineno or 0, f.name) for f in traceback.extract_tb(
            e.__traceback__)]
        wf = _warroom_frame(frames)
        tb = traceback.format_exception(e)
        text = "".join(tb)
        mod = type(e).__module__
        name = type(e).__qualname__ if mod == "builtins" else f"{mod}.{type(e).__qualname__}"
        res["exc"] = {"type": name, "msg": str(e)[:2000],
                      "frame": list(wf) if wf else None,
                      "inner": list(frames[-1]) if frames else None,
                      "tb": text[-TAIL:] if len(text) > TAIL else text}
    sys.stdout.flush()
    sys.stderr.flush()
    res["rc"] = rc
    res["dt"] = time.perf_counter() - t0
    return res


def _child(case: Case, cdir: Path, wfd: int, as_limit: int, fsize: int) -> None:
    import faulthandler
    import resource

    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if as_limit:
            resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))
        os.chdir(cdir)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        ok = True
        faulthandler.enable(file=sys.stderr, all_threads=True)
        faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True)
        for k, args in enumerate(case.commands):
            if case.chained and not ok:
                break
            sys.stdout.flush()
            sys.stderr.flush()
            out = os.open(f"cmd{k}.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            err = os.open(f"cmd{k}.err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.close(out)
            os.close(err)
            os.write(wfd, (json.dumps({"start": k}) + "\n").encode())
            res = _run_command(args)
            res["k"] = k
            res["stderr"] = _tail(Path(f"cmd{k}.err"))
            res["stdout"] = _tail(Path(f"cmd{k}.out"), 1500)
            ok = res["rc"] == 0
            os.write(wfd, (json.dumps(res) + "\n").encode())
    except BaseException as e:  # noqa: BLE001
        with contextlib.suppress(BaseException):
            os.write(wfd, (json.dumps({"harness": repr(e)}) + "\n").encode())
    os._exit(0)


def _tail(p: Path, n: int = TAIL) -> str:
    try:
        with p.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - n))
            s = fh.read().decode("utf-8", "replace")
            if size > n:
                with p.open("rb") as head:
                    s = head.read(800).decode("utf-8", "replace") + "\n[...]\n" + s
            return s
    except OSError:
        return ""


# ------------------------------------------------------------------------------------------
# classifying one command's outcome


def _norm(msg: str, main: str) -> str:
    m = msg.replace(main, "FILE")
    m = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", m)
    m = re.sub(r"\d[\d,._e+-]*", "N", m)
    return m.strip()[:90]


def classify(res: dict[str, Any], case: Case) -> tuple[str, str | None, dict[str, Any]]:
    """('ok' | 'refused' | 'bug', bug key, details) for one command's result."""
    cmd = res["args"][0]
    err = res.get("stderr", "")
    if "killed" in res:
        why = res["killed"]
        where = _dump_frame(err)
        key = f"{why} in {cmd} ({case.scale})" + (f" at {where}" if where else "")
        return "bug", key, {"kind": why, "location": where or "", "detail": err[-TAIL:]}
    if "signal" in res:
        where = _dump_frame(err)
        key = f"crash by {res['signal']} in {cmd}" + (f" at {where}" if where else "")
        return "bug", key, {"kind": "crash", "location": where or "", "detail": err[-TAIL:]}
    if "exc" in res:
        e = res["exc"]
        fr = e["frame"]
        loc = f"{fr[0]}:{fr[1]} in {fr[2]}" if fr else (
            f"{e['inner'][0]}:{e['inner'][1]} in {e['inner'][2]}" if e["inner"] else "?")
        kind = "memory" if e["type"] == "MemoryError" else "exception"
        return "bug", f"{e['type']} at {loc}", {"kind": kind, "location": loc,
                                                 "detail": e["tb"], "message": e["msg"]}
    rc = res["rc"]
    if "click" in res:
        return "bug", f"click {res['click'].split(':')[0]} in {cmd}", {
            "kind": "click", "location": "", "detail": res["click"]}
    if "Traceback (most recent call last)" in err:
        return "bug", f"traceback printed by {cmd} (exit {rc})", {
            "kind": "traceback", "location": _tb_frame(err) or "", "detail": err[-TAIL:]}
    if rc == 0:
        return "ok", None, {}
    if rc != 2:
        return "bug", f"exit code {rc} from {cmd}", {"kind": "exit", "location": "",
                                                     "detail": err[-TAIL:]}
    msg = err[err.find("error:"):] if "error:" in err else ""
    if not msg:
        return "bug", f"exit 2 without an 'error:' message from {cmd}", {
            "kind": "message", "location": "", "detail": err[-TAIL:]}
    body = msg[len("error:"):].strip()
    if body.startswith("-") or WHOLE_FILE.search(body.splitlines()[0] if body else ""):
        return "refused", None, {}
    lines = body.splitlines()
    problems = [ln for ln in lines[1:] if ln.startswith("  ")]
    missing = [ln for ln in problems if not LOC.search(ln)] if problems else \
        ([] if LOC.search(lines[0] if lines else "") else [lines[0] if lines else ""])
    if missing and not any(name in body for name in case.files):
        # about the options, or their combination with the input as a whole: not a bug
        return "refused", None, {"note": f"refusal naming no input file: "
                                         f"{_norm(missing[0].strip(), case.main)}"}
    if missing:
        return "bug", f"no line number: {_norm(missing[0].strip(), case.main)}", {
            "kind": "location", "location": "", "detail": msg[-TAIL:]}
    return "refused", None, {}


_DUMP = re.compile(r'File "([^"]*/warroom/[^"]*)", line (\d+) in (\S+)')


def _dump_frame(err: str) -> str | None:
    """The innermost warroom frame of a faulthandler dump (most recent call first)."""
    i = err.rfind("Current thread")
    m = _DUMP.search(err, max(i, 0)) or _DUMP.search(err)
    if not m:
        return None
    return f"warroom/{m[1].split('/warroom/', 1)[1]} in {m[3]}"


def _tb_frame(err: str) -> str | None:
    ms = re.findall(r'File "([^"]*/warroom/[^"]*)", line (\d+), in (\S+)', err)
    if not ms:
        return None
    f, line, name = ms[-1]
    return f"warroom/{f.split('/warroom/', 1)[1]}:{line} in {name}"


# ------------------------------------------------------------------------------------------
# the fork server's scheduler


@dataclass
class Running:
    case: Case
    pid: int
    rfd: int
    cdir: Path
    started: float
    buf: bytes = b""
    current: int | None = None
    cmd_started: float = 0.0
    results: list[dict[str, Any]] = field(default_factory=list)
    killed: str | None = None
    kill_at: float | None = None
    peak_rss: int = 0


Done = tuple[Case, list[dict[str, Any]], Path, int]


def run_cases(cases: Iterable[Case], *, jobs: int, timeout: float, mem_bytes: int,
              work: Path) -> Iterator[Done]:
    """Run each case in a forked child, `jobs` at a time; yield (case, per-command results,
    case folder, peak RSS) as each finishes. Cases are taken from the iterable lazily."""
    pending = iter(cases)
    exhausted = False
    running: dict[int, Running] = {}
    base_vm = _vm_size()
    as_limit = base_vm + int(1.5 * mem_bytes) + 2 * GIB
    fsize = 2 * GIB
    while not exhausted or running:
        while not exhausted and len(running) < jobs:
            case = next(pending, None)
            if case is None:
                exhausted = True
                break
            cdir = work / f"c{case.kind[0]}{case.index}-{os.getpid()}-{time.monotonic_ns()}"
            cdir.mkdir(parents=True)
            for name, data in case.files.items():
                (cdir / name).parent.mkdir(parents=True, exist_ok=True)
                (cdir / name).write_bytes(data)
            rfd, wfd = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(rfd)
                for r in running.values():
                    os.close(r.rfd)
                _child(case, cdir, wfd, as_limit, fsize)
            os.close(wfd)
            with contextlib.suppress(OSError):
                os.setpgid(pid, pid)
            running[pid] = Running(case, pid, rfd, cdir, time.monotonic())
        fds = {r.rfd: r for r in running.values()}
        if not fds:
            continue
        ready, _, _ = select.select(list(fds), [], [], 0.05)
        for fd in ready:
            r = fds[fd]
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            r.buf += chunk
            while b"\n" in r.buf:
                line, r.buf = r.buf.split(b"\n", 1)
                msg = json.loads(line)
                if "start" in msg:
                    r.current, r.cmd_started = msg["start"], time.monotonic()
                elif "harness" in msg:
                    r.results.append({"args": ["harness"], "rc": None, "exc": {
                        "type": "HarnessError", "msg": msg["harness"], "frame": None,
                        "inner": None, "tb": msg["harness"]}})
                else:
                    r.results.append(msg)
                    r.current = None
        now = time.monotonic()
        for r in running.values():
            rss = _rss(r.pid)
            r.peak_rss = max(r.peak_rss, rss)
            if r.kill_at is not None:
                if now >= r.kill_at:
                    _killpg(r.pid, signal.SIGKILL)
                    r.kill_at = math.inf
                continue
            why = None
            if rss > mem_bytes:
                why = "memory"
            elif (r.current is not None and now - r.cmd_started > timeout) or \
                    now - r.started > timeout * (len(r.case.commands) + 1) + 10:
                why = "timeout"
            if why:
                r.killed = why
                _killpg(r.pid, signal.SIGUSR1)  # faulthandler: where is it stuck?
                r.kill_at = now + 0.3
        while running:
            try:
                pid, status, ru = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            r = running.pop(pid, None)
            if r is None:
                continue
            _killpg(pid, signal.SIGKILL)  # leftovers of its group
            try:
                while chunk := os.read(r.rfd, 1 << 16):
                    r.buf += chunk
            except OSError:
                pass
            os.close(r.rfd)
            for line in r.buf.split(b"\n"):
                if line.strip():
                    msg = json.loads(line)
                    if "start" in msg:
                        r.current = msg["start"]
                    elif "harness" not in msg:
                        r.results.append(msg)
                        r.current = None
            peak = max(r.peak_rss, ru.ru_maxrss * 1024)
            if r.current is not None or os.WIFSIGNALED(status):
                k = r.current if r.current is not None else len(r.results)
                args = r.case.commands[k] if k < len(r.case.commands) else ["?"]
                res: dict[str, Any] = {"args": args, "k": k, "rc": None,
                                       "stderr": _tail(r.cdir / f"cmd{k}.err")}
                if r.killed:
                    res["killed"] = r.killed
                elif os.WIFSIGNALED(status):
                    res["signal"] = signal.Signals(os.WTERMSIG(status)).name
                else:
                    res["signal"] = f"exit {os.WEXITSTATUS(status)} mid-command"
                r.results.append(res)
                if r.killed == "timeout" and peak > mem_bytes:
                    res["killed"] = "memory"
            elif peak > mem_bytes and r.results:
                r.results[-1] = {**r.results[-1], "killed": "memory"}
            yield r.case, r.results, r.cdir, peak


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * PAGE
    except OSError:
        return 4 * GIB


# ------------------------------------------------------------------------------------------
# report


@dataclass
class BugClass:
    key: str
    kind: str
    count: int
    commands: list[str]
    location: str
    example: str  # folder under OUT/bugs
    example_bytes: int
    base: str
    mutations: list[str]
    repro: str
    detail: str
    minimized: bool = False


@dataclass
class Report:
    seed: int
    n_scenarios: int
    n_records: int
    timeout: float
    mem_gib: float
    jobs: int
    out: str
    variants: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)  # "scale command"
    cases: dict[str, dict[str, int]] = field(default_factory=dict)  # scale -> case outcome
    bug_classes: list[BugClass] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0
    warmup_s: float = 0.0
    commands_run: int = 0
    minimize_runs: int = 0
    peak_rss_mib: float = 0.0

    @property
    def bugs(self) -> list[BugClass]:
        return self.bug_classes

    @property
    def cases_per_s(self) -> float:
        n = self.n_scenarios + self.n_records
        return n / max(self.wall_s - self.warmup_s, 1e-9)

    def table(self) -> str:
        n = self.n_scenarios + self.n_records
        out = [f"fuzz: seed {self.seed}, {n} variants ({self.n_scenarios} scenarios, "
               f"{self.n_records} records), timeout {self.timeout:g} s, memory "
               f"{self.mem_gib:g} GiB, {self.jobs} jobs: {self.wall_s:.0f} s "
               f"(warm-up {self.warmup_s:.0f} s), {self.cases_per_s:.2f} variants/s, "
               f"{self.commands_run} commands, peak RSS {self.peak_rss_mib:,.0f} MiB"
               + (f", {self.minimize_runs} minimisation runs" if self.minimize_runs else ""), "",
               "| variants | count | ran | refused at check | refused later | bug |",
               "|---|---:|---:|---:|---:|---:|"]
        for scale in ("aggregate", "tactical", "record"):
            c = self.cases.get(scale, {})
            out.append(f"| {scale} | {self.variants.get(scale, 0)} | {c.get('ran', 0)} | "
                       f"{c.get('refused', 0)} | {c.get('refused later', 0)} | "
                       f"{c.get('bug', 0)} |")
        out += ["", "| scale | command | exit 0 | exit 2 (clean) | bug |",
                "|---|---|---:|---:|---:|"]
        for k, v in sorted(self.outcomes.items()):
            scale, cmd = k.split(" ", 1)
            out.append(f"| {scale} | {cmd} | {v.get('ok', 0)} | {v.get('refused', 0)} | "
                       f"{v.get('bug', 0)} |")
        out += ["", f"bug classes: {len(self.bug_classes)}"]
        if self.bug_classes:
            out += ["", "| # | bug class | kind | count | commands | example |",
                    "|---:|---|---|---:|---|---|"]
            for i, b in enumerate(self.bug_classes, 1):
                out.append(f"| {i} | {b.key} | {b.kind} | {b.count} | "
                           f"{', '.join(b.commands)} | {b.example} |")
        if self.notes:
            out += ["", "notes (not bugs): " + "; ".join(f"{k}: {v}"
                                                        for k, v in sorted(self.notes.items()))]
        return "\n".join(out)

    def details(self) -> str:
        out = []
        for i, b in enumerate(self.bug_classes, 1):
            out += [f"## {i}. {b.key}", "",
                    f"- kind: {b.kind}; count: {b.count}; commands: {', '.join(b.commands)}",
                    f"- location: {b.location or '?'}",
                    f"- example: {b.example} ({b.example_bytes:,} bytes"
                    f"{', minimised' if b.minimized else ''}; base {b.base})",
                    f"- mutations: {'; '.join(b.mutations) or '-'}",
                    f"- reproduce: `{b.repro}`", "", "```", b.detail.strip()[-3000:], "```", ""]
        return "\n".join(out)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Report:
        d = dict(d)
        d["bug_classes"] = [BugClass(**b) for b in d.get("bug_classes", [])]
        return cls(**d)


def _slug(key: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-")[:60]
    return f"{s}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


def _case_size(case: Case) -> int:
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

    def add(self, case: Case, results: list[dict[str, Any]], cdir: Path, peak: int) -> None:
        r = self.r
        r.variants[case.scale] = r.variants.get(case.scale, 0) + 1
        r.peak_rss_mib = max(r.peak_rss_mib, peak / 2**20)
        verdicts: list[str] = []
        logged: list[dict[str, Any]] = []
        for res in results:
            cmd = res["args"][0]
            verdict, key, info = classify(res, case)
            verdicts.append(verdict)
            r.commands_run += 1
            slot = r.outcomes.setdefault(f"{case.scale} {cmd}", {})
            slot[verdict] = slot.get(verdict, 0) + 1
            err = res.get("stderr", "")
            if verdict != "bug" and re.search(r"\w+Warning: ", err):
                w = re.search(r"(\w+Warning): ([^\n]{0,60})", err)
                note = f"{cmd} printed {w[1]}: {w[2]}" if w else f"{cmd} printed a warning"
                r.notes[note] = r.notes.get(note, 0) + 1
            if info.get("note"):
                r.notes[info["note"]] = r.notes.get(info["note"], 0) + 1
            if verdict == "bug" and key:
                self._bug(key, info, case, res, cdir)
            lines = err.splitlines()
            at = next((i for i, ln in enumerate(lines) if ln.startswith("error:")), None)
            first = "" if at is None else " / ".join(ln.strip() for ln in lines[at: at + 2])
            logged.append({"cmd": cmd, "verdict": verdict, "rc": res.get("rc"),
                           "dt": round(res.get("dt", 0), 3), "bug": key, "error": first[:300]})
        if case.kind == "scenario" and verdicts[:1] == ["ok"] and "refused" in verdicts:
            k = verdicts.index("refused")
            msg = logged[k]["error"]
            if not msg.startswith("error: -"):
                note = f"check passed, {logged[k]['cmd']} refused: {_norm(msg, case.main)}"
                r.notes[note] = r.notes.get(note, 0) + 1
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
        c = r.cases.setdefault(case.scale, {})
        c[outcome] = c.get(outcome, 0) + 1
        self.log.write(json.dumps({"kind": case.kind, "index": case.index, "base": case.base,
                                   "outcome": outcome, "mutations": case.mutations,
                                   "peak_mib": round(peak / 2**20), "commands": logged}) + "\n")

    def _bug(self, key: str, info: dict[str, Any], case: Case, res: dict[str, Any],
             cdir: Path) -> None:
        cmd = res["args"][0]
        cl = self.classes.get(key)
        if cl is None:
            cl = self.classes[key] = {"key": key, "count": 0, "commands": [], "size": None,
                                      "case": None}
        cl["count"] += 1
        if cmd not in cl["commands"]:
            cl["commands"].append(cmd)
        size = _case_size(case)
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
        cmds = case.commands[: res["k"] + 1] if case.chained else [res["args"]]
        repro = " && ".join(_repro(case, rel, c) for c in cmds[-1:])
        # a command that only runs after `check` passed: the repro is that last command
        cl["repro"] = repro
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


# ------------------------------------------------------------------------------------------
# minimisation: drop chunks of lines, then halve long runs, while the bug class stays


class Minimizer:
    def __init__(self, key: str, case: Case, budget: int):
        self.key, self.best, self.budget = key, case, budget
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
            return Case(self.best.index, self.best.kind, self.best.scale, self.best.base,
                        self.best.mutations, files, self.best.main, self.best.commands)
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
        c = Case(case.index, case.kind, case.scale, case.base, case.mutations, case.files,
                 case.main, cmds)
        mins[key] = Minimizer(key, c, budget)
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
            same = any(classify(x, cand)[1] == key for x in res)
            shutil.rmtree(cdir, ignore_errors=True)
            mins[key].feedback(same, cand)
            if same:
                cl = coll.classes[key]
                hit = next(x for x in res if classify(x, cand)[1] == key)
                orig = cl["case"]
                # keep the original commands list for the record
                kept = Case(orig.index, orig.kind, orig.scale, orig.base, orig.mutations,
                            cand.files, orig.main, orig.commands)
                cl.update(case=kept, res=hit, info=classify(hit, cand)[2],
                          size=_case_size(kept), minimized=True)
    for key in coll.classes:
        if coll.classes[key].get("minimized"):
            coll.save(key)
    return runs


# ------------------------------------------------------------------------------------------
# the fork server


def _warm_up(work: Path) -> None:
    """Import and run the aggregate and fitting paths here, so children inherit them compiled;
    fill numba's on-disk cache of the tactical (parallel) and experiment kernels from a
    separate process, as neither may run in this one (OpenMP threads do not survive a fork)."""
    import contextlib

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
    script = ("import sys\nfrom warroom.cli import app\nfor a in sys.argv[1:]:\n"
              "    try:\n        app(a.split('|'), standalone_mode=False)\n"
              "    except BaseException:\n        pass\n")
    jobs = [f"mc|{ROOT / 'scenarios' / 'hill_defence.yaml'}|-n|4|--workers|1|--out|{w / 'mc'}"]
    if skirmish.exists():
        jobs.append(f"run|{skirmish}|--out|{w / 'tac'}")
    proc = subprocess.Popen([sys.executable, "-c", script, *jobs], cwd=ROOT,
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


def _serve(cfg: dict[str, Any]) -> None:
    t0 = time.monotonic()
    out = Path(cfg["out"])
    work = Path(tempfile.mkdtemp(prefix="work-", dir=out))
    report = Report(seed=cfg["seed"], n_scenarios=cfg["n_scenarios"],
                    n_records=cfg["n_records"], timeout=cfg["timeout"], mem_gib=cfg["mem_gib"],
                    jobs=cfg["jobs"], out=str(out))
    _warm_up(work)
    import numba.np.ufunc.parallel as npar

    if npar._is_initialized:
        report.notes["fork server launched numba threads (forks may hang)"] = 1
    report.warmup_s = time.monotonic() - t0
    mem = int(cfg["mem_gib"] * GIB)
    sb, rb = scenario_bases(), record_bases()
    # interleaved, so that a partial run (or a slow stretch) samples every kind; generated
    # lazily, so that the server (whose memory every fork maps) stays small
    order = [(0, i) for i in range(cfg["n_scenarios"])] + [(1, i) for i in range(cfg["n_records"])]
    random.Random(cfg["seed"]).shuffle(order)
    cases = (make_scenario_case(i, cfg["seed"], sb) if kind == 0 else
             make_record_case(i, cfg["seed"], rb) for kind, i in order)
    coll = Collector(report, out)
    total, last = len(order), time.monotonic()
    runs = run_cases(cases, jobs=cfg["jobs"], timeout=cfg["timeout"], mem_bytes=mem, work=work)
    for done, (case, results, cdir, peak) in enumerate(runs, 1):
        coll.add(case, results, cdir, peak)
        shutil.rmtree(cdir, ignore_errors=True)
        if time.monotonic() - last > 15 or done == total:
            last = time.monotonic()
            print(f"fuzz: {done}/{total} variants, {len(coll.classes)} bug classes, "
                  f"{time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    report.wall_s = time.monotonic() - t0
    if cfg["minimize"] and coll.classes:
        report.minimize_runs = minimize(coll, budget=cfg["minimize"], jobs=cfg["jobs"],
                                        timeout=cfg["timeout"], mem_bytes=mem, work=work)
    coll.finish()
    shutil.rmtree(work, ignore_errors=True)
    Path(cfg["report"]).write_text(json.dumps(asdict(report), indent=1))


def fuzz(n_scenarios: int = 60, n_records: int = 30, seed: int = 0, timeout: float = 10.0,
         mem_gib: float = 3.0, jobs: int = 2, out: str | Path = "fuzz-out", minimize: int = 0,
         numba_threads: int | None = None, quiet: bool = False) -> Report:
    """Run the fuzzer (in a fresh fork-server process) and return its report."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    (out / ".gitignore").write_text("*\n")
    for old in ("bugs",):
        if (out / old).exists():
            shutil.rmtree(out / old)
    for old in out.glob("work-*"):
        shutil.rmtree(old, ignore_errors=True)
    cfg = {"n_scenarios": n_scenarios, "n_records": n_records, "seed": seed,
           "timeout": timeout, "mem_gib": mem_gib, "jobs": jobs, "out": str(out),
           "minimize": minimize, "report": str(out / "report.json")}
    cfg_path = out / "config.json"
    cfg_path.write_text(json.dumps(cfg))
    threads = numba_threads or max(1, (os.cpu_count() or 1) // max(1, jobs))
    env = {**os.environ, "NUMBA_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8",
           "PYTHONHASHSEED": "0"}
    env.pop("COLUMNS", None)
    (out / "report.json").unlink(missing_ok=True)
    p = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_serve", str(cfg_path)],
                       env=env, cwd=ROOT, stderr=subprocess.DEVNULL if quiet else None)
    if p.returncode != 0 or not (out / "report.json").exists():
        raise RuntimeError(f"fuzz server failed (exit {p.returncode})")
    report = Report.from_json(json.loads((out / "report.json").read_text()))
    (out / "report.md").write_text(report.table() + "\n\n" + report.details() + "\n")
    return report


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_serve"]:
        _serve(json.loads(Path(argv[1]).read_text()))
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
    ap.add_argument("--numba-threads", type=int, default=None,
                    help="NUMBA_NUM_THREADS of the children (default cores / jobs)")
    a = ap.parse_args(argv)
    r = fuzz(a.scenarios, a.records, a.seed, a.timeout, a.mem_gib, a.jobs, a.out, a.minimize,
             a.numba_threads)
    print(r.table())
    if r.bugs:
        print(f"\ndetails, reproducers and examples: {Path(a.out) / 'report.md'}")
    return 1 if r.bugs else 0


if __name__ == "__main__":
    sys.exit(main())
