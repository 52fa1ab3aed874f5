"""Compile a scenario's `doctrine:` section: each doctrine as indices, and the fresh
controllers of one replication (doctrines remember what they did)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.orders import OrderKind
from ..doctrine import Raid, Relieve, Respond
from ..scenario.doctrine import SideDoctrine


@dataclass(frozen=True)
class DoctrineSpec:
    kind: str
    side: int
    every: float
    forces: tuple[int, ...]  # relieve: reserve, then answers; raid: raider; respond: forces
    targets: tuple[tuple[int, int], ...] = ()  # raid: (force, place)
    dwell: float = math.inf
    order: str = "advance"
    to: tuple[int, ...] = ()  # respond: the enemy forces that call for it (none: any)


def compile_doctrine(section: Sequence[SideDoctrine] | None, force_ids: Sequence[str],
                     side_ids: Sequence[str], start: dict[str, str] | None = None,
                     place_ids: Sequence[str] = ()) -> tuple[DoctrineSpec, ...]:
    if not section:
        return ()
    f = {k: i for i, k in enumerate(force_ids)}
    out = []
    for d in section:
        s = list(side_ids).index(d.side)
        if d.relieve is not None:
            out.append(DoctrineSpec("relieve", s, d.every, (f[d.relieve.reserve],
                                                           *(f[x] for x in d.relieve.answers))))
        elif d.raid is not None:
            assert start is not None
            targets = tuple((f[x], list(place_ids).index(start[x])) for x in d.raid.targets)
            out.append(DoctrineSpec("raid", s, d.every, (f[d.raid.raider],), targets,
                                    math.inf if d.raid.dwell is None else d.raid.dwell))
        elif d.respond is not None:
            out.append(DoctrineSpec("respond", s, d.every,
                                    tuple(f[x] for x in d.respond.forces),
                                    order=d.respond.order,
                                    to=tuple(f[x] for x in d.respond.to)))
    return tuple(out)


def controllers(specs: Sequence[DoctrineSpec]) -> list:
    """One replication's controllers of the compiled doctrines."""
    out: list = []
    for d in specs:
        if hasattr(d, "build"):  # a spec that builds its own (the campaign's strategies)
            out.append(d.build())
        elif d.kind == "relieve":
            out.append(Relieve(d.side, d.forces[0], d.forces[1:], d.every))
        elif d.kind == "raid":
            out.append(Raid(d.side, d.forces[0], d.targets, d.every, d.dwell))
        else:
            out.append(Respond(d.side, d.forces, OrderKind[d.order], d.every, d.to))
    return out
