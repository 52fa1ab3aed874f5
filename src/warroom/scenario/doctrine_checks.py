"""Checks of the `doctrine:` section: sides and forces exist (with a did-you-mean), a
doctrine commands its own side's forces and raids the enemy's, and what needs places or a
map has them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import did_you_mean

if TYPE_CHECKING:  # the format's models import this package's model module first
    from .doctrine import SideDoctrine

Loc = tuple[str | int, ...]


def check_doctrine(section: list[SideDoctrine], side_forces: dict[str, list[str]],
                   placed: set[str] | None, tactical: bool) -> Iterator[tuple[Loc, str]]:
    """`placed`: the forces that start at a place (None: the scenario has no places)."""
    sides = list(side_forces)
    for i, d in enumerate(section):
        loc: Loc = ("doctrine", i)
        if d.side not in sides:
            yield loc + ("side",), f"unknown side '{d.side}'{did_you_mean(d.side, sides)}"
            continue
        own = side_forces[d.side]
        enemy = [f for s, fs in side_forces.items() if s != d.side for f in fs]
        refs: list[tuple[Loc, str, list[str], str]] = []
        if d.relieve is not None:
            refs.append((loc + ("relieve", "reserve"), d.relieve.reserve, own, "own"))
            refs += [(loc + ("relieve", "answers", k), f, own, "own")
                     for k, f in enumerate(d.relieve.answers)]
        if d.raid is not None:
            refs.append((loc + ("raid", "raider"), d.raid.raider, own, "own"))
            refs += [(loc + ("raid", "targets", k), f, enemy, "enemy")
                     for k, f in enumerate(d.raid.targets)]
        if d.respond is not None:
            refs += [(loc + ("respond", "forces", k), f, own, "own")
                     for k, f in enumerate(d.respond.forces)]
            refs += [(loc + ("respond", "to", k), f, enemy, "enemy")
                     for k, f in enumerate(d.respond.to)]
            kinds = ("advance", "hold") if tactical else ("commit", "hold_back")
            if d.respond.order not in kinds:
                yield loc + ("respond", "order"), (
                    f"expected one of {', '.join(kinds)} at this scale, found "
                    f"'{d.respond.order}'")
        for where, ref, known, whose in refs:
            if ref not in known:
                everyone = own + enemy
                hint = (f": '{ref}' is not of side '{d.side}'" if whose == "own" else
                        f": '{ref}' is of side '{d.side}' itself") if ref in everyone else \
                    did_you_mean(ref, known)
                yield where, f"unknown {whose} force '{ref}'{hint}"
        if d.relieve is not None or d.raid is not None:
            if tactical or placed is None:
                yield loc, ("relieve and raid move forces between places: they need an "
                            "aggregate scenario with a `places` section")
                continue
            for where, ref, known, _ in refs:
                if ref in known and ref not in placed:
                    yield where, f"force '{ref}' has no place in places.start"
