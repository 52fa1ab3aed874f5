"""Checks of the `command:` section against the rest of the scenario: each side, node, force
and entity type it names exists (with a did-you-mean), node ids do not clash with forces,
times fall within the clock, zones and jammers only where there is a map, and every force can
reach its headquarters (a warning, or an error with `require_paths`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import did_you_mean

if TYPE_CHECKING:  # the format's models import this package's model module first
    from .command import SideCommand

Loc = tuple[str | int, ...]
WARNING = "warning: "  # a message that starts so is printed, not refused


def _ref(loc: Loc, what: str, ref: str, known: list[str]) -> Iterator[tuple[Loc, str]]:
    if ref not in known:
        yield loc, f"unknown {what} '{ref}'{did_you_mean(ref, known)}"


def check_command(section: list[SideCommand], side_forces: dict[str, list[str]],
                  clock: tuple[float, float], types: list[str] | None = None
                  ) -> Iterator[tuple[Loc, str]]:
    """`types`: the entity type ids of a tactical scenario (None: aggregate)."""
    sides = list(side_forces)
    done: dict[str, int] = {}
    for i, sc in enumerate(section):
        loc: Loc = ("command", i)
        yield from _ref(loc + ("side",), "side", sc.side, sides)
        if sc.side in done:
            yield loc + ("side",), f"side '{sc.side}' has a network already (entry {done[sc.side]})"
        done[sc.side] = i
        forces = side_forces.get(sc.side, [])
        yield from _side(sc, loc, forces, sides, clock, types)


def _side(sc: SideCommand, loc: Loc, forces: list[str], sides: list[str],
          clock: tuple[float, float], types: list[str] | None) -> Iterator[tuple[Loc, str]]:
    nodes = [n.id for n in sc.nodes]
    for k, n in enumerate(sc.nodes):
        if n.id in forces:
            yield loc + ("nodes", k, "id"), f"node '{n.id}' has the id of a force of the side"
        if nodes.index(n.id) != k:
            yield loc + ("nodes", k, "id"), f"duplicate node id '{n.id}'"
        if n.at is not None and types is None:
            yield loc + ("nodes", k, "at"), "`at` places a node on a map (a tactical scenario)"
    known = nodes + forces
    yield from _ref(loc + ("headquarters",), "node or force", sc.headquarters, known)
    for k, link in enumerate(sc.links):
        for j, ref in enumerate(link.between):
            yield from _ref(loc + ("links", k, "between", j), "node or force", ref, known)
        if link.between[0] == link.between[1]:
            yield loc + ("links", k, "between"), f"a link from '{link.between[0]}' to itself"
    for k, f in enumerate(sc.commanders or []):
        yield from _ref(loc + ("commanders", k), "force", f, forces)
    for k, jam in enumerate(sc.jamming):
        jl = loc + ("jamming", k)
        if types is None and (jam.area is not None or jam.by is not None):
            yield jl, "jamming zones and jammers need a map (a tactical scenario): give a period"
        if jam.by is not None and types is not None:
            yield from _ref(jl + ("by",), "entity type", jam.by, types)
        for key in ("start", "end"):
            v = getattr(jam, key)
            if v is not None and not clock[0] <= v <= clock[1]:
                yield jl + (key,), (f"expected a time within the clock {clock[0]:g}..{clock[1]:g}, "
                                    f"found {v:g}")
    for k, leak in enumerate(sc.leaks):
        ll = loc + ("leaks", k)
        yield from _ref(ll + ("by",), "side", leak.by, sides)
        if leak.by == sc.side:
            yield ll + ("by",), "a side does not leak to itself: `by` names the enemy who reads"
        if leak.node is not None:
            yield from _ref(ll + ("node",), "node or force", leak.node, known)
        if leak.link is not None:
            pairs = {tuple(x.between) for x in sc.links} | {tuple(x.between)[::-1]
                                                            for x in sc.links}
            if tuple(leak.link) not in pairs:
                yield ll + ("link",), (f"no link between '{leak.link[0]}' and "
                                       f"'{leak.link[1]}' in this side's `links`")
    if sc.headquarters in known:
        yield from _paths(sc, loc, forces)


def _reach(edges: dict[str, set[str]], start: str) -> set[str]:
    """Nodes reachable from `start` along `edges`."""
    seen, todo = {start}, [start]
    while todo:
        for b in edges.get(todo.pop(), ()):
            if b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


def _paths(sc: SideCommand, loc: Loc, forces: list[str]) -> Iterator[tuple[Loc, str]]:
    """Forces that cannot send to headquarters or hear from it (one-way links as given)."""
    down: dict[str, set[str]] = {}
    up: dict[str, set[str]] = {}
    for link in sc.links:
        a, b = link.between
        pairs = [(a, b)] if link.one_way else [(a, b), (b, a)]
        for u, v in pairs:
            down.setdefault(u, set()).add(v)
            up.setdefault(v, set()).add(u)
    # reports need a way up (headquarters reachable from the force), orders a way down
    reach = _reach(up, sc.headquarters) & _reach(down, sc.headquarters)
    cut = [f for f in forces if f not in reach]
    if cut:
        what = (f"force{'s' if len(cut) > 1 else ''} {', '.join(cut)} of side '{sc.side}' "
                f"{'have' if len(cut) > 1 else 'has'} no path to headquarters "
                f"'{sc.headquarters}' (or none back from it): reports that never arrive or "
                "orders that never reach")
        if sc.require_paths:
            yield loc + ("links",), what
        else:
            yield loc + ("links",), WARNING + what + " (require_paths: true makes this an error)"
