"""Scenario edits that add valid-looking structure: engagement windows, allocations,
reinforcements and withdrawals, breakpoints, and the edges of a tactical battle."""

from __future__ import annotations

from .scenario_benign import BenignEdits
from .yamldoc import is_num


class StructureEdits(BenignEdits):
    def _engagement(self) -> dict | None:
        engs = [e for e in self.top("engagements") or [] if isinstance(e, dict)]
        return self.rng.choice(engs) if engs else None

    def _span(self) -> tuple[float, float]:
        clk = self.top("clock")
        if isinstance(clk, dict) and is_num(clk.get("end")):
            start = float(clk["start"]) if is_num(clk.get("start")) else 0.0
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

    def _sides(self) -> list[dict]:
        return [s for s in self.top("sides", []) if isinstance(s, dict)]

    def _forces(self) -> list[dict]:
        return [f for s in self._sides() for f in s.get("forces", []) if isinstance(f, dict)]

    def transfer(self) -> None:
        forces = self._forces()
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
        sides = self._sides()
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
        mp = self.top("map")
        if not isinstance(mp, dict) or not is_num(mp.get("cell")):
            return 100.0, 100.0
        w, h = mp.get("width"), mp.get("height")
        rows = (mp.get("terrain") or {}).get("rows") if isinstance(mp.get("terrain"), dict) \
            else None
        if not is_num(w) and isinstance(rows, list) and rows:
            w, h = len(str(rows[0])), len(rows)
        cell = float(mp["cell"])
        return cell * float(w if is_num(w) else 10), cell * float(h if is_num(h) else 10)

    def tactical(self) -> None:
        """Edges and extremes of a tactical battle that the schema allows."""
        doc = self.d.doc
        if not isinstance(doc, dict):
            return
        W, H = self._extent()
        forces = self._forces()
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
            if is_num(f.get("count")):
                f["count"] = int(f["count"]) * self.rng.choice([10, 30])
                self.log.append(f"count {f.get('id')} = {f['count']}")
        elif what == "cell":
            mp = doc.get("map")
            if isinstance(mp, dict) and is_num(mp.get("cell")) and is_num(mp.get("width")):
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
