"""Checks of civilian sides, the same at every scale: a population never breaks, never fires,
is nobody's defectors' side, and leaves at least two belligerents to fight."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

Loc = tuple[str | int, ...]


def check_civilians(sides: Sequence[Any], morale: Any,
                    shooters: Sequence[tuple[Loc, str]] = ()) -> Iterator[tuple[Loc, str]]:
    """`sides`: the scenario's sides (id, civilian, forces, breakpoints); `shooters`: where
    each fire entry names its shooter (aggregate)."""
    civil = {s.id for s in sides if s.civilian}
    if not civil:
        return
    for si, s in enumerate(sides):
        if s.civilian and s.breakpoints:
            yield ("sides", si, "breakpoints"), (f"side '{s.id}' is civilian: a population "
                                                 "never breaks, so it takes no breakpoints")
    if len(sides) - len(civil) < 2:
        yield ("sides",), (f"expected at least two belligerent sides besides the civilians "
                           f"({', '.join(sorted(civil))}), found {len(sides) - len(civil)}")
    civil_forces = {f.id for s in sides if s.civilian for f in s.forces}
    for loc, f in shooters:
        if f in civil_forces:
            yield loc, f"'{f}' is a civilian force: civilians do not fire"
    for i, d in enumerate(morale.defection if morale is not None else []):
        if d.join in civil:
            yield ("morale", "defection", i, "join"), (
                f"side '{d.join}' is civilian: defectors join a belligerent side or a "
                "`new_side` (goal protect_civilians shields the civilians)")
