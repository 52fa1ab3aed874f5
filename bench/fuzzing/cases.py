"""A case: one mutated input and the warroom commands to run on it, drawn reproducibly from
the seed and the case's index."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from .bases import Base, record_bases, scenario_bases, synthetic_record
from .hostile import FLOAT_HOSTILE
from .record_mutations import raster_mutation, record_mutation
from .scenario_mutator import ScenarioMutator
from .text_mutations import text_mutation


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
    """Case i's own stream, the same whatever order or process the cases are drawn in."""
    import numpy as np

    ss = np.random.SeedSequence(seed, spawn_key=(kind, i))
    return random.Random(int.from_bytes(ss.generate_state(4, np.uint32).tobytes(), "little"))


def make_scenario_case(i: int, seed: int, bases: list[Base]) -> Case:
    rng = _rng(seed, 0, i)
    base = rng.choices(bases, weights=[b.weight for b in bases])[0]
    m = ScenarioMutator(base, rng)
    clk = m.top("clock")
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
        files[name], what = raster_mutation(base.aux[name], rng)
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


def _plausible(rng: random.Random) -> str:
    return f"{10 ** rng.uniform(-6, -1):.4g}"


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


def draw_cases(n_scenarios: int, n_records: int, seed: int,
               window: tuple[int, int] | None = None) -> tuple[int, Iterator[Case]]:
    """How many cases, and the cases: interleaved, so that a partial run (or a slow stretch)
    samples every kind; drawn lazily, so that the server (whose memory every fork maps) stays
    small. `window` (first, stop) runs only those positions of the full run's order: the
    same cases, to run a stretch of a long run again."""
    sb, rb = scenario_bases(), record_bases()
    order = [(0, i) for i in range(n_scenarios)] + [(1, i) for i in range(n_records)]
    random.Random(seed).shuffle(order)
    if window is not None:
        order = order[window[0]:window[1]]
    cases = (make_scenario_case(i, seed, sb) if kind == 0 else make_record_case(i, seed, rb)
             for kind, i in order)
    return len(order), cases
