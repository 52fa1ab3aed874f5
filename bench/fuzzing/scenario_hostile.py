"""Scenario edits that should be refused: hostile values, wrong types, broken references and
structure, deep nesting."""

from __future__ import annotations

import copy
from typing import Any

from .hostile import HOSTILE, WEIRD_STRINGS, WRONG_TYPES, deep, deep_map, laughs
from .scenario_benign import BenignEdits


class HostileEdits(BenignEdits):
    def _pick(self, leaves_only: bool = False) -> tuple[Any, Any, str] | None:
        es = self.d.entries()
        if leaves_only:
            es = [e for e in es if not isinstance(e[0][e[1]], dict | list)] or es
        return self.rng.choice(es) if es else None

    def _map_key(self) -> tuple[dict, str, Any] | None:
        maps = [(m, p) for m, p in self.d.maps() if m]
        if not maps:
            return None
        m, p = self.rng.choice(maps)
        return m, p, self.rng.choice(list(m))

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
        if (picked := self._map_key()) is None:
            return
        m, p, k = picked
        del m[k]
        self.log.append(f"delete {p}.{k}")

    def duplicate_key(self) -> None:
        if (picked := self._map_key()) is None:
            return
        m, p, k = picked
        # a placeholder key, as the mapping cannot hold the same key twice; it dumps as k
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
        raw = self.rng.choice([deep(250), deep_map(250), deep(2000), laughs(9, 9),
                               laughs(4, 4), laughs(30, 5)])
        c[k] = self.d.placeholder(raw)
        kind = ("laughs" if "&a0" in raw else "nesting") + f" ({len(raw):,} chars)"
        self.log.append(f"{kind} at {p}")
