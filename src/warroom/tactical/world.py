"""Compile a `TacticalScenario` into a `TacticalWorld`: the raster, type tables and the entities'
initial state as flat arrays. Names are kept for reports only; systems see integer indices."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..core.codes import BP_KINDS, MANOEUVRES, ROLES, RULES, TARGET_CLASSES, UNRANKED
from ..rng import stream
from ..scenario.tactical import OrderKind, Rule, TacticalScenario
from ..terrain.classes import MOBILITY
from ..terrain.raster import Raster, build_raster
from ..world.command import compile_command
from ..world.doctrine import compile_doctrine
from ..world.morale import additions
from ..world.morale import spec as morale_spec

ORDERS = {k: MANOEUVRES[k.value] for k in OrderKind}
RULE_CODES = {r: RULES[r.value] for r in Rule}


@dataclass(frozen=True, eq=False)
class TacticalWorld:
    name: str
    seed: int
    time_unit: str
    t0: float
    t_end: float
    dt: float
    snapshot_every: int
    raster: Raster
    side_ids: tuple[str, ...]
    role_ids: tuple[str, ...]
    class_ids: tuple[str, ...]  # target classes
    # entity types
    type_ids: tuple[str, ...]
    type_role: np.ndarray
    type_class: np.ndarray
    type_mobility: np.ndarray
    type_speed: np.ndarray
    type_hp: np.ndarray
    type_armour: np.ndarray
    type_height: np.ndarray
    type_sensor: np.ndarray  # range, metres
    type_detect: np.ndarray
    type_suppression: np.ndarray
    # weapons, (type, slot): slots beyond a type's count have range 0
    w_ids: tuple[tuple[str, ...], ...]
    w_range: np.ndarray
    w_rate: np.ndarray
    w_accuracy: np.ndarray
    w_radius: np.ndarray
    w_ammo: np.ndarray  # -1 unlimited
    w_damage: np.ndarray  # (type, slot, target class)
    w_mkill: np.ndarray  # (type, slot, target class)
    # forces
    force_ids: tuple[str, ...]
    force_side: np.ndarray
    force_type: np.ndarray
    force_count: np.ndarray
    force_arrive: np.ndarray  # time each force enters (t0 for those present from the start)
    force_order: np.ndarray
    force_to: np.ndarray  # (F, 4): objective box x0, y0, x1, y1 (a point: x0 = x1); nan none
    force_halt: np.ndarray  # bool
    force_leave: np.ndarray  # bool: withdraw off the field at the end of the route
    force_rule: np.ndarray
    force_spread: np.ndarray
    force_rank: np.ndarray  # (F, roles + classes) preference rank, UNRANKED if not listed
    route_start: np.ndarray  # (F + 1,) into route_xy
    route_xy: np.ndarray  # (points, 2)
    # breakpoints (strength kind: fraction of the side's initial entities; time)
    bp_ids: tuple[str, ...]
    bp_side: np.ndarray
    bp_kind: np.ndarray
    bp_value: np.ndarray
    # deployments: an area box (x0, y0, x1, y1), else a point and a radius to scatter within
    deploy_box: np.ndarray  # (F, 4), nan where the force deploys at a point
    deploy_at: np.ndarray  # (F, 3): x, y, radius
    # entities
    ent_force: np.ndarray  # int32
    ent_side: np.ndarray  # int8
    ent_type: np.ndarray  # int16
    # forces that entities can join at run time (defectors' forces, after the declared ones)
    force_joins: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)
    # of them, those whose members leave the field as they come over (defectors who go home)
    force_leaves: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)
    morale: Any = field(default=None, repr=False)  # the compiled morale mechanic, if declared
    morale_radius: float | None = None  # network kind proximity: who sees whom (map units)
    command: Any = field(default=None, repr=False)  # the compiled command networks, if declared
    # decoys: which types are, from how close an enemy sees through one, which sensors can
    type_decoy: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)
    type_expose: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    type_discriminates: np.ndarray = field(default_factory=lambda: np.zeros(0, bool),
                                           repr=False)
    doctrine: tuple = ()  # the compiled doctrines (`world.doctrine.DoctrineSpec`)
    side_civil: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)

    def latent_sides(self) -> np.ndarray:
        """Sides that start with no entities, none to arrive, that entities can join at run
        time: they wait for as long as they are empty (`core.sides`)."""
        S = self.n_sides
        if not self.force_joins.any():
            return np.zeros(S, bool)
        joins = np.bincount(self.force_side[self.force_joins], minlength=S) > 0
        return joins & ~(np.bincount(self.ent_side, minlength=S) > 0)

    @property
    def n(self) -> int:
        return len(self.ent_force)

    @property
    def n_sides(self) -> int:
        return len(self.side_ids)

    @property
    def n_forces(self) -> int:
        return len(self.force_ids)

    @property
    def solver(self) -> str:
        return "tactical"

    @property
    def n_types(self) -> int:
        return len(self.type_ids)


def _objective(o) -> list[float]:
    if o.to is not None:
        return [o.to[0], o.to[1], o.to[0], o.to[1]]
    if o.area is not None:
        x0, y0, x1, y1 = o.area
        return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
    return [np.nan] * 4


def deploy(w: TacticalWorld, seed: int, replication: int) -> tuple[np.ndarray, np.ndarray]:
    """Every entity's starting position: deployments inside their areas are drawn from the
    replication's own stream, so each replication starts from its own placement."""
    rng = stream(seed, replication, "deployment")
    W, H = w.raster.extent
    xs, ys = [], []
    for f in range(w.n_forces):
        n = int(w.force_count[f])
        if not np.isnan(w.deploy_box[f, 0]):
            x0, y0, x1, y1 = w.deploy_box[f]
            x = rng.uniform(x0, x1, n)
            y = rng.uniform(y0, y1, n)
        else:
            cx, cy, radius = w.deploy_at[f]
            r = radius * np.sqrt(rng.random(n))
            a = rng.uniform(0, 2 * np.pi, n)
            x = cx + r * np.cos(a)
            y = cy + r * np.sin(a)
        # keep strictly inside the map: a point on the far edge would fall off the last cell
        xs.append(np.clip(x, 0.0, np.nextafter(W, 0.0)))
        ys.append(np.clip(y, 0.0, np.nextafter(H, 0.0)))
    if not xs:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys)


def _deploy_box(force) -> list[float]:
    if force.deploy.area is None:
        return [np.nan] * 4
    x0, y0, x1, y1 = force.deploy.area
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def _centre(force) -> tuple[float, float]:
    """Where a force deploys: its point, or the middle of its area."""
    d = force.deploy
    if d.at is not None:
        return d.at[0], d.at[1]
    x0, y0, x1, y1 = d.area
    return (x0 + x1) / 2, (y0 + y1) / 2


def _deploy_at(force) -> list[float]:
    d = force.deploy
    return [d.at[0], d.at[1], d.radius] if d.at is not None else [np.nan] * 3


def compile_tactical(sc: TacticalScenario, seed: int | None = None,
                     base: Path | None = None) -> TacticalWorld:
    """The world every replication shares; each replication draws its own deployment
    (`deploy`) when its state is reset."""
    seed = sc.seed if seed is None else seed
    raster = build_raster(sc.map, sc.terrain_classes, base or sc.base_dir)
    roles = ROLES + tuple(r for r in sc.roles if r not in ROLES)
    classes = TARGET_CLASSES + tuple(c for c in sc.target_classes if c not in TARGET_CLASSES)
    types = {t.id: i for i, t in enumerate(sc.entity_types)}
    T, C = len(types), len(classes)
    S = max((len(t.weapons) for t in sc.entity_types), default=0) or 1
    w_range = np.zeros((T, S))
    w_rate = np.zeros((T, S))
    w_acc = np.zeros((T, S))
    w_radius = np.zeros((T, S))
    w_ammo = np.full((T, S), -1, np.int64)
    w_damage = np.zeros((T, S, C))
    w_mkill = np.zeros((T, S, C))
    for ti, t in enumerate(sc.entity_types):
        for wi, w in enumerate(t.weapons):
            w_range[ti, wi], w_rate[ti, wi], w_acc[ti, wi] = w.range, w.rate, w.accuracy
            w_radius[ti, wi] = w.radius
            w_ammo[ti, wi] = -1 if w.ammo is None else w.ammo
            for c, v in w.damage.items():
                w_damage[ti, wi, classes.index(c)] = v
            for c, v in w.mobility_kill.items():
                w_mkill[ti, wi, classes.index(c)] = v
    forces = [(si, f) for si, s in enumerate(sc.sides) for f in s.forces]
    declared = len(forces)
    extra = additions(sc.morale, {s.id: [f.id for f in s.forces] for s in sc.sides})
    side_ids = tuple(s.id for s in sc.sides) + tuple(extra.side_ids)
    by_id = {f.id: f for _, f in forces}
    # the defectors' forces start empty, of their first source force's type and targeting,
    # and hold where they stand, or go to the civilians they protect (they fight whoever is
    # in range: every other belligerent side)
    shelter = next(([float(v) for v in _centre(f)] for s in sc.sides if s.civilian
                    for f in s.forces), None)
    joins = [(side_ids.index(side), by_id[d.forces[0]].model_copy(update={
        "id": fid, "count": 0, "arrive": None, "orders": by_id[d.forces[0]].orders.model_copy(
            update={"kind": OrderKind.move if d.goal == "protect_civilians" and shelter
                    else OrderKind.hold, "to": shelter if d.goal == "protect_civilians"
                    else None, "area": None, "route": None, "leave": False,
                    "halt_to_fire": False})}))
             for d, (fid, side, _) in zip(sc.morale.defection if sc.morale else [],
                                          extra.forces, strict=True)]
    forces = forces + joins
    F = len(forces)
    rank = np.full((F, len(roles) + C), UNRANKED, np.int64)
    route_start = [0]
    route_xy: list[list[float]] = []
    for fi, (_, f) in enumerate(forces):
        for k, name in enumerate(f.targeting.priority):
            col = roles.index(name) if name in roles else len(roles) + classes.index(name)
            rank[fi, col] = min(rank[fi, col], k)
        route_xy += f.orders.route or []
        route_start.append(len(route_xy))
    bps = [(si, bp) for si, s in enumerate(sc.sides) for bp in s.breakpoints]
    counts = np.array([f.count for _, f in forces], np.int64)
    ent_force = np.repeat(np.arange(F, dtype=np.int32), counts)
    ftype = np.array([types[f.type] for _, f in forces], np.int16)
    fside = np.array([si for si, _ in forces], np.int8)
    et = sc.entity_types
    civil = np.array([s.civilian for s in sc.sides] + [False] * len(extra.side_ids), bool)
    return TacticalWorld(
        name=sc.name, seed=seed, time_unit=sc.clock.unit.value, t0=sc.clock.start,
        t_end=sc.clock.end, dt=sc.clock.step, snapshot_every=sc.output.snapshot_every,
        raster=raster, side_ids=side_ids, role_ids=roles,
        class_ids=classes, type_ids=tuple(types),
        type_role=np.array([roles.index(t.role) for t in et], np.int64),
        type_class=np.array([classes.index(t.target_class) for t in et], np.int64),
        type_mobility=np.array([MOBILITY.index(t.mobility.value) for t in et], np.int64),
        type_speed=np.array([t.speed for t in et], float),
        type_hp=np.array([math.inf if t.decoy else t.hp for t in et], float),
        type_armour=np.array([t.armour for t in et], float),
        type_height=np.array([t.height for t in et], float),
        type_sensor=np.array([t.sensor.range for t in et], float),
        type_detect=np.array([t.sensor.detect for t in et], float),
        type_suppression=np.array([t.suppression for t in et], float),
        type_decoy=np.array([t.decoy is not None for t in et], bool),
        type_expose=np.array([t.decoy.exposed_within if t.decoy else 0.0 for t in et], float),
        type_discriminates=np.array([t.sensor.discriminates for t in et], bool),
        w_ids=tuple(tuple(w.id for w in t.weapons) for t in et), w_range=w_range,
        w_rate=w_rate, w_accuracy=w_acc, w_radius=w_radius, w_ammo=w_ammo,
        w_damage=w_damage, w_mkill=w_mkill,
        force_ids=tuple(f.id for _, f in forces), force_side=fside, force_type=ftype,
        force_count=counts,
        force_arrive=np.array([sc.clock.start if f.arrive is None else f.arrive
                               for _, f in forces], float),
        force_order=np.array([ORDERS[f.orders.kind] for _, f in forces], np.int64),
        force_to=np.array([_objective(f.orders) for _, f in forces], float).reshape(F, 4),
        force_halt=np.array([f.orders.halt_to_fire for _, f in forces], bool),
        force_leave=np.array([f.orders.leave for _, f in forces], bool),
        force_rule=np.array([RULE_CODES[f.targeting.rule] for _, f in forces], np.int64),
        force_spread=np.array([f.targeting.spread for _, f in forces], np.int64),
        force_rank=rank, route_start=np.array(route_start, np.int64),
        route_xy=np.array(route_xy, float).reshape(-1, 2),
        bp_ids=tuple(bp.id or f"{sc.sides[si].id}-{bp.kind}" for si, bp in bps),
        bp_side=np.array([si for si, _ in bps], np.int64),
        bp_kind=np.array([BP_KINDS[bp.kind] for _, bp in bps], np.int64),
        bp_value=np.array([bp.below if bp.kind != "time" else bp.at for _, bp in bps], float),
        deploy_box=np.array([_deploy_box(f) for _, f in forces], float).reshape(F, 4),
        deploy_at=np.array([_deploy_at(f) for _, f in forces], float).reshape(F, 3),
        ent_force=ent_force,
        ent_side=fside[ent_force], ent_type=ftype[ent_force],
        force_joins=np.arange(F) >= declared,
        force_leaves=np.isin(np.arange(F), [declared + k for k, (_, _, leaves)
                                            in enumerate(extra.forces) if leaves]),
        morale=None if sc.morale is None else morale_spec(
            sc.morale, [f.id for _, f in forces], fside.astype(np.int64), list(side_ids),
            declared, civil, no_morale=np.array([et[types[f.type]].decoy is not None
                                                 for _, f in forces], bool)),
        side_civil=civil,
        morale_radius=None if sc.morale is None else sc.morale.network.radius,
        command=compile_command(
            sc.command, [f.id for _, f in forces], fside.astype(np.int64), side_ids,
            commanders=np.isin([et[types[f.type]].role for _, f in forces],
                               ["commander", "officer"]),
            entity_type=ftype[ent_force], type_ids=tuple(types),
            type_speed=np.array([t.speed for t in et], float)),
        doctrine=compile_doctrine(sc.doctrine, [f.id for _, f in forces], side_ids),
    )
