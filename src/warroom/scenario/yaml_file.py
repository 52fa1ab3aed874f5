"""Read a scenario's YAML safely: plain values only, and bounded before anything is built.

The event stream is scanned first (it is produced without recursion), so that a file nested
hundreds of levels deep, an alias bomb that expands to billions of values, or an explicit tag
(`!!int x`, `!!python/object`) is refused with its line and column before ruamel builds a tree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
)
from ruamel.yaml.reader import ReaderError

from ..errors import Problem, ScenarioError
from ..limits import LIMITS, limit

NUMBER = re.compile(r"[-+]?[0-9][0-9_,:.xXoObBa-fA-F]*([eE][-+]?[0-9]+)?")


def read_yaml(path: Path) -> Any:
    """The scenario file as written: ruamel's round-trip tree, which keeps line numbers."""
    text = _text(path)
    name = str(path)
    try:
        _scan(text, name)
        data = YAML(typ="rt").load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = e.problem or e.context or "invalid YAML"
        raise _at(name, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                  f"YAML syntax error: {what}") from None
    except ReaderError as e:
        line, col = _line_col(text, e.position)
        code = ord(e.character) if isinstance(e.character, str) else int(e.character)
        raise _at(name, line, col, f"character U+{code:04X} is not allowed in YAML "
                  "(control characters other than tab and newline)") from None
    except YAMLError as e:
        raise _at(name, 1, 1, f"not a valid YAML file ({e})") from None
    if not isinstance(data, CommentedMap):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ScenarioError("not a scenario", [Problem(
            name, 1, 1, "", f"expected a mapping of scenario fields, found {found}")])
    return data


def _at(file: str, line: int | None, col: int | None, message: str) -> ScenarioError:
    return ScenarioError("not a valid YAML file", [Problem(file, line, col, "", message)])


def _text(path: Path) -> str:
    if not path.exists():
        raise ScenarioError(f"{path}: no such file")
    if path.is_dir():
        raise ScenarioError(f"{path}: is a folder, expected a scenario file (.yaml)")
    try:
        size = path.stat().st_size
        if size > limit("file_bytes"):
            raise ScenarioError(f"{path}: the file has {size:,} bytes; "
                                f"{LIMITS['file_bytes'].hint()}")
        raw = path.read_bytes()
    except OSError as e:
        raise ScenarioError(f"{path}: cannot be read ({e.strerror})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        head = raw[:e.start]
        line = head.count(b"\n") + 1
        col = len(head[head.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise _at(str(path), line, col, f"not UTF-8 text (byte 0x{raw[e.start]:02x}: "
                  f"{e.reason})") from None


def _line_col(text: str, position: int) -> tuple[int, int]:
    head = text[:position]
    return head.count("\n") + 1, position - (head.rfind("\n") + 1) + 1


def _scan(text: str, name: str) -> None:
    """Refuse explicit tags, nesting deeper than the limit, and more values than the limit
    once aliases are expanded (each anchor's expanded size is known when it closes)."""
    depth_max, nodes_max = limit("yaml_depth"), limit("yaml_nodes")
    sizes: dict[str, int] = {}
    open_: list[tuple[str | None, int]] = []  # (anchor, values before it) per open collection
    total = 0
    for ev in YAML(typ="rt").parse(text):
        if not isinstance(ev, NodeEvent | CollectionEndEvent):
            continue
        mark = ev.start_mark
        if isinstance(ev, AliasEvent):
            total += sizes.get(ev.anchor, 1)
        elif isinstance(ev, CollectionEndEvent):
            anchor, before = open_.pop()
            if anchor is not None:
                sizes[anchor] = total - before
            continue
        else:
            tag = getattr(ev, "tag", None)
            if tag is not None:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise _at(name, mark.line + 1, mark.column + 1,
                          f"YAML tags are not allowed here (found {shown}); write the plain "
                          "value (quote it to make it text)")
            total += 1
            value = getattr(ev, "value", None)
            if value is not None and getattr(ev, "style", None) is None and len(value) > 100 and \
                    NUMBER.fullmatch(value):
                # Python refuses to read integers of over 4,300 digits; no field needs 100
                raise _at(name, mark.line + 1, mark.column + 1,
                          f"a number written with {len(value):,} characters; expected at "
                          "most 100 (quote it to make it text)")
            if isinstance(ev, CollectionStartEvent):
                open_.append((ev.anchor, total - 1))
                if len(open_) > depth_max:
                    raise _at(name, mark.line + 1, mark.column + 1,
                              f"nested {len(open_)} levels deep; "
                              f"{LIMITS['yaml_depth'].hint()}")
            elif ev.anchor is not None:
                sizes[ev.anchor] = 1
        if total > nodes_max:
            raise _at(name, mark.line + 1, mark.column + 1,
                      f"holds over {int(nodes_max):,} values once its aliases are expanded; "
                      f"{LIMITS['yaml_nodes'].hint()}")
