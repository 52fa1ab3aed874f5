"""Cross-reference checks of a campaign scenario: the theater it names (built here, so that a
lane to an unknown world or a negative time is located in the file), every world, side,
member, group and ship type it refers to, and orders that no lane can carry out.

They return (location, message) pairs like `checks.check`; the loader attaches file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import did_you_mean
from ..limits import over
from ..theater.files import theater_from_csv, theater_from_graphml
from ..theater.graph import Theater, generate, theater_from_tables
from .bounds import clock_steps
from .campaign import CampaignScenario, TheaterSpec
from .checks import Loc, _unique
from .command_checks import check_command

FLEET_ORDERS = ("move", "raid", "conquer", "destroy")


def build_theater(spec: TheaterSpec, base: Path) -> Theater:
    """The theater a scenario names (files read relative to `base`); a file's mistakes
    raise `UserError` with their own file and line."""
    if spec.generate is not None:
        g = spec.generate
        return generate(g.worlds, g.seed, g.size, g.degree, g.speed)
    if spec.graphml is not None:
        return theater_from_graphml(base / spec.graphml)
    if isinstance(spec.worlds, str):
        assert isinstance(spec.lanes, str), "worlds and lanes are both files or both lists"
        return theater_from_csv(base / spec.worlds, base / spec.lanes)
    assert isinstance(spec.worlds, list) and isinstance(spec.lanes, list)
    return theater_from_tables([w.id for w in spec.worlds], spec.lanes,
                               [w.x for w in spec.worlds], [w.y for w in spec.worlds])


def resolve_world(th: Theater, index: dict[str, int], ref) -> int:
    """A world reference: an id, or [x, y] for the nearest world (-1: unknown id)."""
    if isinstance(ref, str):
        return index.get(ref, -1)
    return int(np.argmin((th.x - ref[0]) ** 2 + (th.y - ref[1]) ** 2))


def check_campaign(sc: CampaignScenario, base: Path) -> list[tuple[Loc, str]]:
    return list(_check(sc, base))


def _inline_lanes(sc: CampaignScenario) -> Iterator[tuple[Loc, str]]:
    th = sc.theater
    if not isinstance(th.worlds, list) or not isinstance(th.lanes, list):
        return
    ids = [w.id for w in th.worlds]
    yield from _unique([(("theater", "worlds", k, "id"), w.id) for k, w in enumerate(th.worlds)],
                       "world")
    seen: dict[tuple[str, str], int] = {}
    for k, (a, b, t) in enumerate(th.lanes):
        loc: Loc = ("theater", "lanes", k)
        for j, w in enumerate((a, b)):
            if w not in ids:
                yield (*loc, j), f"a lane to an unknown world '{w}'{did_you_mean(w, ids)}"
        if t < 0:
            yield (*loc, 2), f"a negative travel time ({t:g}); expected a time >= 0"
        if a == b:
            yield loc, f"a lane from '{a}' to itself"
        key = (min(a, b), max(a, b))
        if key in seen:
            yield loc, f"the lane {a} - {b} is listed already (lanes[{seen[key]}])"
        seen.setdefault(key, k)


def _check(sc: CampaignScenario, base: Path) -> Iterator[tuple[Loc, str]]:
    steps = clock_steps(sc.clock)
    msg = over("campaign_steps", steps, "the number of campaign steps (clock span / step)")
    if msg:
        yield ("clock", "step"), msg
    found = list(_inline_lanes(sc))
    yield from found
    if found:
        return  # the theater cannot be built; the rest would only repeat it
    th = build_theater(sc.theater, base)
    index = {w: i for i, w in enumerate(th.ids)}
    known = list(th.ids)
    _, label = _components(th)

    def world(loc: Loc, ref) -> Iterator[tuple[Loc, str]]:
        if isinstance(ref, str) and ref not in index:
            yield loc, f"unknown world '{ref}'{did_you_mean(ref, known)}"

    side_ids = [s.id for s in sc.sides]
    members = {m.id: s.id for s in sc.sides for m in s.members}
    groups = {g.id: (m.id, g) for s in sc.sides for m in s.members for g in m.fleets}
    ships = [t.id for t in sc.ships]
    yield from _unique([(("sides", i, "id"), s.id) for i, s in enumerate(sc.sides)], "side")
    yield from _unique([(("ships", i, "id"), t.id) for i, t in enumerate(sc.ships)], "ship type")
    yield from _unique(
        [(("sides", i, "members", j, "id"), m.id) for i, s in enumerate(sc.sides)
         for j, m in enumerate(s.members)]
        + [(("sides", i, "members", j, "fleets", k, "id"), g.id) for i, s in enumerate(sc.sides)
           for j, m in enumerate(s.members) for k, g in enumerate(m.fleets)], "member or group")
    n_fleets = 0
    for i, s in enumerate(sc.sides):
        for j, m in enumerate(s.members):
            loc: Loc = ("sides", i, "members", j)
            if m.home is None:
                yield loc, (f"member '{m.id}' has no home world; give `home:` (a world id or "
                            "[x, y])")
            else:
                yield from world((*loc, "home"), m.home)
            for k, g in enumerate(m.fleets):
                yield from world((*loc, "fleets", k, "at"), g.at)
                for t in g.ships:
                    if t not in ships:
                        yield (*loc, "fleets", k, "ships", t), (
                            f"unknown ship type '{t}'{did_you_mean(t, ships)}")
                n_fleets += g.count
            for t in m.builds or {}:
                if t not in ships:
                    yield (*loc, "builds", t), f"unknown ship type '{t}'{did_you_mean(t, ships)}"
    msg = over("fleets", n_fleets, "the number of fleets (all groups' counts)")
    if msg:
        yield ("sides",), msg
    for i, r in enumerate(sc.regions):
        if r.owner is not None and r.owner not in side_ids:
            yield ("regions", i, "owner"), (f"unknown side '{r.owner}'"
                                            f"{did_you_mean(r.owner, side_ids)}")
        if r.member is not None and members.get(r.member) != r.owner:
            yield ("regions", i, "member"), (f"'{r.member}' is not a member of "
                                             f"{r.owner or 'any side'}")
        for k, w in enumerate(r.worlds or []):
            yield from world(("regions", i, "worlds", k), w)
    in_alliance: dict[str, str] = {}
    for i, a in enumerate(sc.alliances):
        for k, sid in enumerate(a.sides):
            if sid not in side_ids:
                yield ("alliances", i, "sides", k), (f"alliance '{a.id}' names an unknown "
                                                     f"side '{sid}'{did_you_mean(sid, side_ids)}")
            elif sid in in_alliance:
                yield ("alliances", i, "sides", k), (f"side '{sid}' is in alliance "
                                                     f"'{in_alliance[sid]}' already")
            in_alliance.setdefault(sid, a.id)
    for i, st in enumerate(sc.strategies):
        spec, loc = st.spec, ("strategies", i, st.kind)
        if spec.side not in side_ids:
            yield (*loc, "side"), f"unknown side '{spec.side}'{did_you_mean(spec.side, side_ids)}"
        if st.kind == "raid":
            for k, m in enumerate(spec.members or []):
                if members.get(m) != spec.side:
                    yield (*loc, "members", k), f"'{m}' is not a member of {spec.side}"
            if not spec.strike and not spec.ambush:
                yield (*loc, "strike"), ("a raid that neither strikes nor ambushes does "
                                         "nothing: set `strike` or `ambush` true")
        elif st.kind == "relieve" and spec.reserve not in groups:
            yield (*loc, "reserve"), (f"unknown fleet group '{spec.reserve}'"
                                      f"{did_you_mean(spec.reserve, list(groups))}")
        elif st.kind == "offensive":
            yield from world((*loc, "rally"), spec.rally)
        elif st.kind == "raid_homes" and spec.enemy not in side_ids:
            yield (*loc, "enemy"), (f"unknown side '{spec.enemy}'"
                                    f"{did_you_mean(spec.enemy, side_ids)}")
    for i, o in enumerate(sc.orders):
        loc = ("orders", i)
        if o.fleets not in groups and o.fleets not in members:
            yield (*loc, "fleets"), (f"unknown fleet group or member '{o.fleets}'"
                                     f"{did_you_mean(o.fleets, [*groups, *members])}")
            continue
        if o.do in FLEET_ORDERS and o.world is None:
            yield loc, f"a {o.do} order needs a `world`"
            continue
        if o.world is None or (isinstance(o.world, str) and o.world not in index):
            yield from world((*loc, "world"), o.world) if o.world is not None else iter(())
            continue
        goal = resolve_world(th, index, o.world)
        starts = [g for g in groups.values() if o.fleets in (g[0], g[1].id)]
        for _, g in starts:
            at = resolve_world(th, index, g.at)
            if at >= 0 and label[at] != label[goal]:
                yield (*loc, "world"), (f"no lanes lead from {th.ids[at]} (where {g.id} is) "
                                        f"to {th.ids[goal]}: they are not connected")
                break
    if sc.command:
        # a network's nodes may name a member or a group: every fleet of it is that node
        # (a group counts apart from its member only where the section names it)
        said = {r for c in sc.command for lk in c.links for r in lk.between} | {
            c.headquarters for c in sc.command}
        named = {s.id: [*(m.id for m in s.members),
                        *(g.id for m in s.members for g in m.fleets if g.id in said)]
                 for s in sc.sides}
        yield from check_command(sc.command, named, (sc.clock.start, sc.clock.end))


def _components(th: Theater):
    from scipy.sparse.csgraph import connected_components

    return connected_components(th.matrix(), directed=False)
