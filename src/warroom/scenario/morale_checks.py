"""Checks of the `morale:` section against the rest of the scenario: every force, side and
transition it names exists (with a did-you-mean), a command tree has no cycle, and members who
can defect have somewhere to go."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import did_you_mean
from .morale import Morale

Loc = tuple[str | int, ...]


def _ref(loc: Loc, what: str, ref: str, known: list[str]) -> Iterator[tuple[Loc, str]]:
    if ref not in known:
        yield loc, f"unknown {what} '{ref}'{did_you_mean(ref, known)}"


def check_morale(m: Morale, force_ids: list[str], side_of: dict[str, str],
                 side_ids: list[str], clock: tuple[float, float], tactical: bool = False,
                 ) -> Iterator[tuple[Loc, str]]:
    base: Loc = ("morale",)
    for i, f in enumerate(m.forces):
        yield from _ref(base + ("forces", i), "force", f, force_ids)
    ids = [t.id for t in m.transitions]
    seen: set[str] = set()
    for i, t in enumerate(m.transitions):
        if t.id in seen:
            yield base + ("transitions", i, "id"), f"duplicate transition id '{t.id}'"
        seen.add(t.id)
    yield from _network(m, force_ids, tactical)
    for i, s in enumerate(m.shocks):
        loc = base + ("shocks", i)
        for j, f in enumerate(s.forces):
            yield from _ref(loc + ("forces", j), "force", f, force_ids)
        for j, side in enumerate(s.sides):
            yield from _ref(loc + ("sides", j), "side", side, side_ids)
        for name in s.hazard:
            yield from _ref(loc + ("hazard", name), "transition", name, ids)
        if s.radius is not None and not tactical:
            yield loc + ("radius",), ("`radius` needs entities on a map (a tactical "
                                      "scenario): forces see all harm done")
        if s.at is not None and not clock[0] <= s.at <= clock[1]:
            yield loc + ("at",), (f"expected a time within the clock {clock[0]:g}..{clock[1]:g}, "
                                  f"found {s.at:g}")
    yield from _defection(m, force_ids, side_of, side_ids)
    for f, n in m.leaders.items():
        loc = base + ("leaders", f)
        yield from _ref(loc, "force", f, force_ids)
        if tactical:
            yield loc, ("tactical leaders are the entities of role officer or commander: "
                        "remove `leaders`")
        elif n < 0:
            yield loc, f"expected a number of leaders >= 0, found {n}"


def _network(m: Morale, force_ids: list[str], tactical: bool) -> Iterator[tuple[Loc, str]]:
    loc: Loc = ("morale", "network")
    net = m.network
    if net.kind != "edges" and net.edges:
        yield loc + ("edges",), "`edges` belong to network kind 'edges'"
    if (net.kind == "proximity") != (net.radius is not None):
        yield loc + ("radius",), "network kind 'proximity' takes a `radius`, and only it"
    if net.kind == "proximity" and not tactical:
        yield loc + ("kind",), ("network kind 'proximity' needs entities on a map (a tactical "
                                "scenario); use force, edges, side or command")
    for i, (a, b) in enumerate(net.edges):
        for j, ref in enumerate((a, b)):
            yield from _ref(loc + ("edges", i, j), "force", ref, force_ids)
    if (net.kind == "random") != (net.model is not None and net.degree is not None) or (
            net.kind != "random" and (net.model is not None or net.degree is not None)):
        yield loc + ("kind",), ("network kind 'random' takes a `model` and a `degree`, and "
                                "only it")
    elif net.kind == "random" and not tactical:
        nodes = len(m.forces or force_ids)
        if net.degree is not None and net.degree > nodes - 1:
            yield loc + ("degree",), (f"expected a mean degree below the {nodes} forces with "
                                      f"morale, found {net.degree:g}")
    for name, members in net.channels.items():
        for j, ref in enumerate(members):
            yield from _ref(loc + ("channels", name, j), "force", ref, force_ids)
    for child, parent in net.parents.items():
        yield from _ref(loc + ("parents", child), "force", child, force_ids)
        yield from _ref(loc + ("parents", child), "force", parent, force_ids)
    cycle = _cycle(net.parents)
    if cycle:
        yield loc + ("parents", cycle[0]), ("the command tree has a cycle: "
                                            + " -> ".join(cycle))


def _cycle(parents: dict[str, str]) -> list[str]:
    for start in sorted(parents):
        walk, node = [start], parents[start]
        while node in parents and node not in walk:
            walk.append(node)
            node = parents[node]
        if node in walk:
            loop = walk[walk.index(node):]
            first = loop.index(min(loop))
            loop = loop[first:] + loop[:first]
            return [*loop, loop[0]]
    return []


def _defection(m: Morale, force_ids: list[str], side_of: dict[str, str],
               side_ids: list[str]) -> Iterator[tuple[Loc, str]]:
    base: Loc = ("morale", "defection")
    covered: dict[str, int] = {}
    for i, d in enumerate(m.defection):
        loc = base + (i,)
        if d.join is not None:
            yield from _ref(loc + ("join",), "side", d.join, side_ids)
        elif d.new_side in side_ids:
            yield loc + ("new_side",), (f"side '{d.new_side}' exists already: to send the "
                                        "defectors to it, write `join: " + d.new_side + "`")
        if d.force_id in force_ids:
            yield loc + ("force",), f"force '{d.force_id}' exists already: name the " \
                "defectors' force apart"
        for j, f in enumerate(d.suppressed_by):
            yield from _ref(loc + ("suppressed_by", j), "force", f, force_ids)
        for j, f in enumerate(d.forces):
            yield from _ref(loc + ("forces", j), "force", f, force_ids)
            if f in covered:
                yield loc + ("forces", j), (f"force '{f}' already defects by entry "
                                            f"{covered[f]}")
            covered[f] = i
            if d.join is not None and side_of.get(f) == d.join:
                yield loc + ("join",), (f"'{f}' is on side '{d.join}' already: defectors "
                                        "join another side")
    can_defect = any(t.to == "defected" for t in m.transitions)
    with_morale = m.forces or force_ids
    if can_defect:
        lost = [f for f in with_morale if f in force_ids and f not in covered]
        if lost:
            yield base, (f"members of {', '.join(lost)} can defect (a transition reaches "
                         "'defected') but no `defection` entry says where they go")
