"""The inputs that are mutated: the bundled scenarios (both scales) and battle records."""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass, field

from .paths import CORPUS, ROOT, SHARED


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
    # its text is drawn per case (synthetic_record)
    found.append(Base("synthetic", "record", "record.csv", "", weight=2.0))
    return found


def synthetic_record(rng: random.Random) -> str:
    """A square-law battle: Euler steps, noisy, blue seen every step, red sometimes."""
    n = rng.choice([3, 5, 10, 20, 40, 80])
    b = 10 ** rng.uniform(2, 6)
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
