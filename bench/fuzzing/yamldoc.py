"""A scenario as a round-trip YAML document that the mutations edit in place."""

from __future__ import annotations

import io
import math
from typing import Any


class YamlDoc:
    def __init__(self, text: str):
        from ruamel.yaml import YAML

        self.yaml = YAML(typ="rt")
        self.yaml.width = 1 << 30
        self.doc = self.yaml.load(text)
        self.raw: dict[str, str] = {}

    def placeholder(self, raw: str) -> str:
        """A token to put in the document, replaced by `raw` (YAML text, not a value) on dump."""
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


def is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def scaled(v: Any, f: float) -> Any:
    """v times f, an int again where v was one and the product still fits."""
    x = float(v) * f
    if isinstance(v, int) and math.isfinite(x) and abs(x) < 1e18:
        return int(round(x))
    return x
