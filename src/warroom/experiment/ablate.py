"""Plan ablation: switch scenario elements off one at a time and in combinations, and credit
each with its effect on a side's win probability (removal effect and Shapley value).

Elements are what carries an `id` and can be left out without breaking the scenario:
reinforcements and withdrawals, breakpoints, every force of a side but its first (the main
body, which keeps the side in the battle), morale shocks and (of two or more) morale
transitions, and command's leaks and jamming. Fire entries, fleets, and the morale, command,
doctrine and places mentions of a removed force go with it.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..errors import UserError, did_you_mean
from ..limits import over
from .shapley import Coalition, orders_needed, shapley_exact, shapley_sampled, subsets

REMOVE = "__remove__"


@dataclass(frozen=True)
class Element:
    id: str
    kind: str  # force, reinforcement, withdrawal, breakpoint, shock, transition, leak, jamming
    side: str


def elements(data: dict) -> list[Element]:
    out = []
    for side in data.get("sides", []):
        for k, f in enumerate(side.get("forces", [])):
            if k > 0:
                out.append(Element(str(f["id"]), "force", side["id"]))
            for group, kind in (("reinforcements", "reinforcement"),
                                ("withdrawals", "withdrawal")):
                out += [Element(str(t["id"]), kind, side["id"]) for t in f.get(group, [])
                        if "id" in t]
        out += [Element(str(b["id"]), "breakpoint", side["id"])
                for b in side.get("breakpoints", []) if "id" in b]
    morale = data.get("morale") or {}
    out += [Element(str(s["id"]), "shock", "morale") for s in morale.get("shocks", [])]
    out += [Element(str(x["id"]), "transition", "morale") for x in morale.get("transitions", [])
            if len(morale.get("transitions", [])) > 1]
    for c in data.get("command") or []:
        out += [Element(str(x["id"]), kind, str(c.get("side")))
                for group, kind in (("leaks", "leak"), ("jamming", "jamming"))
                for x in c.get(group, []) if "id" in x]
    return out


def _remove_from_command(data: dict, gone: set[str], forces: set[str]) -> None:
    """Leave out leaks and jamming by id, and the links, commanders, doctrines and places of
    removed forces."""
    for c in data.get("command") or []:
        for group in ("leaks", "jamming"):
            if group in c:
                c[group] = [x for x in c[group] if x.get("id") not in gone]
        c["links"] = [k for k in c.get("links", []) if not set(k["between"]) & forces]
        c["leaks"] = [x for x in c.get("leaks", [])
                      if x.get("node") not in forces and not set(x.get("link") or ()) & forces]
        if c.get("commanders") is not None:
            c["commanders"] = [f for f in c["commanders"] if f not in forces]
    kept = []
    for d in data.get("doctrine") or []:
        if "relieve" in d:
            r = d["relieve"]
            r["answers"] = [f for f in r.get("answers", []) if f not in forces]
            if r["reserve"] in forces or not r["answers"]:
                continue
        if "raid" in d:
            r = d["raid"]
            r["targets"] = [f for f in r.get("targets", []) if f not in forces]
            if r["raider"] in forces or not r["targets"]:
                continue
        if "respond" in d:
            r = d["respond"]
            r["forces"] = [f for f in r.get("forces", []) if f not in forces]
            if "to" in r:
                r["to"] = [f for f in r["to"] if f not in forces]
            if not r["forces"]:
                continue
        kept.append(d)
    if "doctrine" in data:
        data["doctrine"] = kept
    places = data.get("places") or {}
    if "start" in places:
        places["start"] = {f: w for f, w in places["start"].items() if f not in forces}


def _remove_from_morale(m: dict, gone: set[str], forces: set[str]) -> None:
    """Leave out shocks and transitions by id, and every mention of a removed force."""
    m["transitions"] = [x for x in m.get("transitions", []) if x.get("id") not in gone]
    kept = {x.get("id") for x in m["transitions"]}
    shocks = []
    for s in m.get("shocks", []):
        if s.get("id") in gone:
            continue
        s["forces"] = [f for f in s.get("forces", []) if f not in forces]
        s["hazard"] = {k: v for k, v in s.get("hazard", {}).items() if k in kept}
        if s["forces"] or s.get("sides"):
            shocks.append(s)
    m["shocks"] = shocks
    if "forces" in m:
        m["forces"] = [f for f in m["forces"] if f not in forces]
    net = m.get("network") or {}
    if "edges" in net:
        net["edges"] = [e for e in net["edges"] if not set(e) & forces]
    if "parents" in net:
        net["parents"] = {c: p for c, p in net["parents"].items() if c not in forces}
        for c, p in list(net["parents"].items()):
            if p in forces:
                del net["parents"][c]  # a subordinate of a removed force becomes a root
    left = []
    for d in m.get("defection", []):
        d["forces"] = [f for f in d.get("forces", []) if f not in forces]
        if "suppressed_by" in d:
            d["suppressed_by"] = [f for f in d["suppressed_by"] if f not in forces]
        if d["forces"]:
            left.append(d)
    m["defection"] = left


def remove(data: dict, ids: list[str]) -> dict:
    """The scenario data without the named elements."""
    gone = set(ids)
    out = copy.deepcopy(data)
    removed_forces = set()
    for side in out.get("sides", []):
        keep = []
        for f in side.get("forces", []):
            if f["id"] in gone:
                removed_forces.add(f["id"])
                continue
            for group in ("reinforcements", "withdrawals"):
                if group in f:
                    f[group] = [t for t in f[group] if t.get("id") not in gone]
            keep.append(f)
        side["forces"] = keep
        if "breakpoints" in side:
            side["breakpoints"] = [b for b in side["breakpoints"] if b.get("id") not in gone]
    engagements = []
    for e in out.get("engagements", []):
        if "fire" in e:
            e["fire"] = [x for x in e["fire"] if x["shooter"] not in removed_forces
                         and x["target"] not in removed_forces]
        if "fleets" in e:
            e["fleets"] = [x for x in e["fleets"] if x["force"] not in removed_forces]
        if e.get("fire") or e.get("fleets"):
            engagements.append(e)
    if "engagements" in out:
        out["engagements"] = engagements
    if out.get("morale"):
        _remove_from_morale(out["morale"], gone, removed_forces)
    _remove_from_command(out, gone, removed_forces)
    return out


def chosen(els: list[Element], only: list[str] | None,
           exclude: list[str] | None) -> list[Element]:
    """The elements `--only` keeps and `--except` leaves in place (ids checked, did-you-mean)."""
    ids = [e.id for e in els]
    for option, names in (("--only", only), ("--except", exclude)):
        for name in names or []:
            if name not in ids:
                raise UserError(f"{option}: no element '{name}'{did_you_mean(name, ids)}; "
                                f"the elements are {', '.join(ids) or '(none)'}")
    keep = set(only) if only else set(ids)
    return [e for e in els if e.id in keep and e.id not in set(exclude or [])]


def plan(data: dict, max_size: int, exact_max: int, orders: int, seed: int,
         only: list[str] | None = None,
         exclude: list[str] | None = None) -> tuple[list[Element], list[Coalition], bool]:
    """The elements (all, or those `only` names, less those `exclude` names; the others stay
    in every combination), the coalitions (sets of *present* elements) to evaluate, and whether
    the Shapley values will be exact."""
    every = elements(data)
    if not every:
        raise UserError("nothing to ablate: give reinforcements, withdrawals, breakpoints or "
                        "second forces an `id`")
    els = chosen(every, only, exclude)
    if not els:
        raise UserError("--only/--except leave no element to ablate")
    ids = [e.id for e in els]
    full = frozenset(ids)
    n = len(ids)
    # bounded before any combination is built: 2**n of them for exact values
    size = 2**n if n <= exact_max else (
        sum(math.comb(n, k) for k in range(min(max_size, n) + 1)) + orders * (n + 1))
    msg = over("points_grid", size, f"the number of combinations of the {n} elements to run")
    if msg:
        raise UserError(f"ablate: {msg}; or lower --exact-max, --max-size or --orders")
    if n <= exact_max:
        return els, subsets(ids), True
    wanted = {full - frozenset(c) for c in subsets(ids) if len(c) <= max_size}
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, 9)))
    wanted |= set(orders_needed(ids, orders, rng))
    return els, sorted(wanted, key=lambda c: (-len(c), sorted(c))), False


def analyse(rows: pa.Table, coalitions: list[Coalition], els: list[Element], side: str,
            exact: bool, orders: int, seed: int) -> list[dict]:
    """Per element: the removal effect (all present minus all but it) with a 95% interval from
    paired replications, and the Shapley value (exact with an interval, or sampled with one)."""
    ids = [e.id for e in els]
    df = rows.to_pandas()
    wins = {c: (df[df["point"] == k].sort_values("replication")["winner"] == side)
            .to_numpy(float) for k, c in enumerate(coalitions)}
    full = frozenset(ids)
    n = len(wins[full])
    if exact:
        per_rep = shapley_exact(lambda s: wins[s], ids)
    else:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, 9)))
        sampled = shapley_sampled(lambda s: float(wins[s].mean()), ids, orders, rng)
    out = []
    for e in els:
        d = wins[full] - wins[full - {e.id}]
        half = 1.959963984540054 * d.std(ddof=1) / math.sqrt(n) if n > 1 else float("nan")
        row = {"id": e.id, "kind": e.kind, "side": e.side, "removal_effect": float(d.mean()),
               "removal_interval": [float(d.mean() - half), float(d.mean() + half)]}
        if exact:
            phi = np.asarray(per_rep[e.id], float)
            h = 1.959963984540054 * phi.std(ddof=1) / math.sqrt(n) if n > 1 else float("nan")
            row.update(shapley=float(phi.mean()), shapley_interval=[float(phi.mean() - h),
                                                                      float(phi.mean() + h)],
                       shapley_method="exact")
        else:
            est, se = sampled[e.id]
            row.update(shapley=est, shapley_interval=[est - 1.96 * se, est + 1.96 * se],
                       shapley_method=f"sampled ({orders} orders)")
        out.append(row)
    return out


@dataclass(frozen=True)
class Ablation:
    """An ablation planned for one side's win probability: what to run and how to credit it."""

    side: str
    elements: list[Element]
    coalitions: list[Coalition]
    exact: bool
    orders: int
    seed: int

    @property
    def points(self) -> list[dict]:
        """One experiment point per coalition, naming the elements it leaves out."""
        ids = {e.id for e in self.elements}
        return [{REMOVE: sorted(ids - c)} for c in self.coalitions]


def prepare(data: dict, side: str | None, max_size: int, exact_max: int, orders: int,
            seed: int | None, only: list[str] | None = None,
            exclude: list[str] | None = None) -> Ablation:
    """Check the options against the scenario data and plan (`side` defaults to the first)."""
    sides = [str(s.get("id")) for s in data.get("sides", [])]
    who = side or (sides[0] if sides else "")
    if who not in sides:
        raise UserError(f"--side: unknown side '{who}'{did_you_mean(who, sides)}; expected "
                        f"one of {', '.join(sides)}")
    if max_size < 1 or exact_max < 0 or orders < 2:
        raise UserError("--max-size >= 1, --exact-max >= 0 and --orders >= 2 expected")
    els, coalitions, exact = plan(data, max_size, exact_max, orders, seed or 0, only, exclude)
    return Ablation(who, els, coalitions, exact, orders, seed or 0)


def credit(ab: Ablation, replications: pa.Table, folder: Path) -> list[dict]:
    """`analyse` the experiment's replications and write them to ablation.json in `folder`."""
    rows = analyse(replications, ab.coalitions, ab.elements, ab.side, ab.exact, ab.orders,
                   ab.seed)
    (folder / "ablation.json").write_text(json.dumps({"side": ab.side, "elements": rows},
                                                     indent=2) + "\n")
    return rows


def table(rows: list[dict], side: str) -> list[list[str]]:
    """Header and rows of the elements' table, intervals as mean +- half-width (80 columns)."""
    out = [["element", "kind", f"P({side} wins) with it - without", "Shapley value"]]
    for r in rows:
        lo, hi = r["removal_interval"]
        slo, shi = r["shapley_interval"]
        out.append([r["id"], f"{r['kind']} ({r['side']})",
                    f"{r['removal_effect']:+.3f} ± {(hi - lo) / 2:.3f}",
                    f"{r['shapley']:+.3f} ± {(shi - slo) / 2:.3f}"])
    return out
