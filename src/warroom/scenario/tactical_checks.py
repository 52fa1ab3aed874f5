"""Cross-reference checks of a tactical scenario: ids, roles, classes, orders and the map.

They return (location, message) pairs like `checks.check`; the loader attaches file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import did_you_mean
from ..limits import over
from .bounds import clock_steps
from .checks import Loc, _unique
from .civilian_checks import check_civilians
from .command_checks import check_command
from .doctrine_checks import check_doctrine
from .morale_checks import check_morale
from .tactical import OrderKind, TacticalScenario

ROLES = ("infantry", "vehicle", "hover", "artillery", "drone", "mech", "monster", "officer",
         "sensor", "operator", "civilian", "commander")
TARGET_CLASSES = ("soft", "armoured", "air", "structure", "monster")


def check_tactical(sc: TacticalScenario, base: Path) -> list[tuple[Loc, str]]:
    return list(_check(sc, base))


def _ref(loc: Loc, what: str, name: str, known: list[str]) -> Iterator[tuple[Loc, str]]:
    if name not in known:
        yield loc, (f"unknown {what} '{name}'{did_you_mean(name, known)}; expected one of "
                    f"{', '.join(known)}")


def _on_map(loc: Loc, pts: list[list[float]], extent: tuple[float, float] | None,
            what: str) -> Iterator[tuple[Loc, str]]:
    if extent is None:
        return
    W, H = extent
    for x, y in pts:
        if not (0 <= x <= W and 0 <= y <= H):
            yield loc, (f"{what} ({x:g}, {y:g}) is off the map, which spans x 0..{W:g} and "
                        f"y 0..{H:g} metres")
            return


def _work(sc: TacticalScenario) -> Iterator[tuple[Loc, str]]:
    """Refuse, before any work, a battle whose size would exhaust memory or time."""
    counts = [(f.count, ("sides", si, "forces", fi, "count"))
              for si, s in enumerate(sc.sides) for fi, f in enumerate(s.forces)]
    n = sum(c for c, _ in counts)
    msg = over("entities", n, "the number of entities (all forces' counts)")
    if msg:
        yield max(counts)[1], msg
    ticks = clock_steps(sc.clock)
    msg = over("ticks", ticks, "the number of ticks (clock span / step)")
    if msg:
        yield ("clock", "step"), msg
    else:
        msg = over("entity_ticks", n * ticks, "entities x ticks")
        if msg:
            yield ("clock", "step"), msg
    if sc.map.width and sc.map.height:
        msg = over("cells", sc.map.width * sc.map.height, "the number of map cells "
                   "(width x height)")
        if msg:
            yield ("map", "width"), msg


def _check(sc: TacticalScenario, base: Path) -> Iterator[tuple[Loc, str]]:
    from ..terrain.raster import MapProblem, build_raster

    work = list(_work(sc))
    yield from work
    if work:
        return  # the map and the rest are not built for a battle that is refused
    extent = None
    try:
        extent = build_raster(sc.map, sc.terrain_classes, base).extent
    except MapProblem as e:
        yield e.loc, str(e)
    roles = list(ROLES) + [r for r in sc.roles if r not in ROLES]
    classes = list(TARGET_CLASSES) + [c for c in sc.target_classes if c not in TARGET_CLASSES]
    ids: list[tuple[Loc, str | None]] = []
    for ti, t in enumerate(sc.entity_types):
        loc: Loc = ("entity_types", ti)
        ids.append((loc + ("id",), t.id))
        yield from _ref(loc + ("role",), "role", t.role, roles)
        yield from _ref(loc + ("class",), "target class", t.target_class, classes)
        yield from _unique([(loc + ("weapons", wi, "id"), w.id)
                            for wi, w in enumerate(t.weapons)], "weapon")
        for wi, w in enumerate(t.weapons):
            for key in ("damage", "mobility_kill"):
                for c in getattr(w, key):
                    yield from _ref(loc + ("weapons", wi, key, c), "target class", c, classes)
    types = [t.id for t in sc.entity_types]
    for si, side in enumerate(sc.sides):
        ids.append((("sides", si, "id"), side.id))
        if not side.forces:
            yield ("sides", si, "forces"), f"side '{side.id}' has no forces; give at least one"
        for fi, f in enumerate(side.forces):
            loc = ("sides", si, "forces", fi)
            ids.append((loc + ("id",), f.id))
            yield from _ref(loc + ("type",), "entity type", f.type, types)
            for k, name in enumerate(f.targeting.priority):
                if name not in roles and name not in classes:
                    yield loc + ("targeting", "priority", k), (
                        f"unknown role or target class '{name}'"
                        f"{did_you_mean(name, roles + classes)}")
            d = f.deploy
            if d.area is not None:
                x0, y0, x1, y1 = d.area
                yield from _on_map(loc + ("deploy", "area"), [[x0, y0], [x1, y1]], extent,
                                   "deployment corner")
            else:
                yield from _on_map(loc + ("deploy", "at"), [d.at or [0.0, 0.0]], extent,
                                   "deployment point")
            if f.arrive is not None and not sc.clock.start <= f.arrive <= sc.clock.end:
                yield loc + ("arrive",), (f"expected a time within the clock "
                                          f"{sc.clock.start:g}..{sc.clock.end:g}, found "
                                          f"{f.arrive:g}")
            o = f.orders
            if o.kind is OrderKind.move and o.to is None and o.area is None:
                yield loc + ("orders",), ("orders 'move' need an objective: a point `to` or an "
                                          "`area`")
            if o.kind is OrderKind.withdraw and not o.route:
                yield loc + ("orders",), "orders 'withdraw' need `route`: points to fall back along"
            if o.leave and o.kind is not OrderKind.withdraw:
                yield loc + ("orders", "leave"), (f"`leave` ends a withdrawal route; orders "
                                                  f"'{o.kind.value}' have none")
            if o.to is not None:
                yield from _on_map(loc + ("orders", "to"), [o.to], extent, "objective")
            if o.area is not None:
                yield from _on_map(loc + ("orders", "area"), [o.area[:2], o.area[2:]], extent,
                                   "objective corner")
            if o.route:
                yield from _on_map(loc + ("orders", "route"), o.route, extent, "route point")
        for bi, bp in enumerate(side.breakpoints):
            ids.append((("sides", si, "breakpoints", bi, "id"), bp.id))
    yield from _unique(ids, "")
    if sc.morale is not None:
        force_ids = [f.id for s in sc.sides for f in s.forces]
        side_of = {f.id: s.id for s in sc.sides for f in s.forces}
        yield from check_morale(sc.morale, force_ids, side_of, [s.id for s in sc.sides],
                                (sc.clock.start, sc.clock.end), tactical=True)
    yield from check_civilians(sc.sides, sc.morale)
    decoys = {t.id for t in sc.entity_types if t.decoy is not None}
    for ti, t in enumerate(sc.entity_types):
        if t.decoy is not None and t.weapons:
            yield ("entity_types", ti, "weapons"), "a decoy fires nothing: remove its `weapons`"
    for si, side in enumerate(sc.sides):
        for fi, f in enumerate(side.forces):
            if f.type in decoys and f.arrive is not None:
                yield ("sides", si, "forces", fi, "arrive"), ("decoys are there from the start: "
                                                              "remove `arrive`")
    if sc.doctrine is not None:
        yield from check_doctrine(sc.doctrine, {s.id: [f.id for f in s.forces] for s in sc.sides},
                                  None, True)
    if sc.command is not None:
        yield from check_command(sc.command, {s.id: [f.id for f in s.forces] for s in sc.sides},
                                 (sc.clock.start, sc.clock.end), [t.id for t in sc.entity_types])
    yield from _unique([(("terrain_classes", k, "id"), c.id)
                        for k, c in enumerate(sc.terrain_classes)], "terrain class")
