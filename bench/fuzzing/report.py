"""The fuzzer's report: tallies per scale and command, the bug classes, and their markdown
rendering (a summary table for bench/RESULTS.md and the details of each bug class)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
