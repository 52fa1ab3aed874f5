"""Scenario edits that are likely to keep the file valid, so that the engines get to run."""

from __future__ import annotations

import random
from typing import Any

from .bases import Base
from .hostile import WILD_FACTORS
from .yamldoc import YamlDoc, is_num, scaled

BENIGN_FACTORS = [0.5, 2, 10, 0.1, 1.5, 0.9, 3]
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


class BenignEdits:
    """Each edit draws from `rng` and says what it did in `log`; one that finds nothing to
    edit may fall back on another, so that a case is rarely left as its base."""

    def __init__(self, base: Base, rng: random.Random):
        self.base, self.rng = base, rng
        self.d = YamlDoc(base.text)
        self.log: list[str] = []

    def top(self, key: str, default: Any = None) -> Any:
        """A top-level value; the document itself may have been mutated into a non-mapping."""
        return self.d.doc.get(key, default) if isinstance(self.d.doc, dict) else default

    def scale(self, wild: bool = False) -> None:
        leaves = [(c, k, p) for c, k, p in self.d.entries() if is_num(c[k])]
        if not leaves:
            return
        c, k, p = self.rng.choice(leaves)
        f = self.rng.choice(WILD_FACTORS if wild else BENIGN_FACTORS)
        c[k] = scaled(c[k], f)
        self.log.append(f"scale {p} x{f:g} -> {c[k]!r}")

    def solver(self) -> None:
        engs = self.top("engagements")
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
                law = self.rng.choice(LAWS)
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
        clk = self.top("clock")
        if not isinstance(clk, dict) or not is_num(clk.get("end")):
            return self.scale()
        end = float(clk["end"])
        clk["end"] = scaled(clk["end"], self.rng.choice([0.1, 0.25, 0.5, 2]))
        if self.rng.random() < 0.3 and is_num(clk.get("step")):
            clk["step"] = scaled(clk["step"], self.rng.choice([0.5, 2, 0.1]))
        self.log.append(f"clock end {end:g} -> {clk['end']}, step {clk.get('step')}")
        return None
