"""Compile a validated `Scenario` into a `World`: flat NumPy arrays the systems work on.

Names are kept only for reporting; the engine sees integer indices. A world is immutable; the
changing state of one replication lives in `aggregate.state.Battle`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..attrition.laws import AIMED, AREA, LOGARITHMIC
from ..core.codes import ALLOC_NONE, ALLOC_PROPORTIONAL, ALLOCATIONS, BP_KINDS, BP_TIME
from ..scenario.model import Law, Scenario
from .command import compile_command
from .doctrine import compile_doctrine
from .morale import additions
from .morale import spec as morale_spec


@dataclass(frozen=True, eq=False)
class World:
    name: str
    solver: str
    seed: int
    time_unit: str
    t0: float
    t_end: float
    step: float
    grid: np.ndarray  # recording times, t0 .. t_end
    side_ids: tuple[str, ...]
    force_ids: tuple[str, ...]
    force_side: np.ndarray  # int64 (F,)
    x0: np.ndarray  # float64 (F,)
    # transfers: reinforcements (+1) and withdrawals (-1), at once (t_from == t_to) or spread
    tr_ids: tuple[str, ...]
    tr_force: np.ndarray
    tr_sign: np.ndarray
    tr_from: np.ndarray
    tr_to: np.ndarray
    tr_amount: np.ndarray
    # engagements and their (shooter, target) fire pairs
    eng_ids: tuple[str, ...]
    eng_law: tuple[str, ...]
    eng_start: np.ndarray
    eng_end: np.ndarray
    eng_interval: np.ndarray  # salvo interval (nan for continuous laws)
    pair_eng: np.ndarray
    pair_group: np.ndarray  # index of (engagement, shooter): the unit fire is allocated over
    pair_shooter: np.ndarray
    pair_target: np.ndarray
    pair_k: np.ndarray
    pair_p: np.ndarray
    pair_q: np.ndarray
    pair_alloc: np.ndarray
    pair_share: np.ndarray
    pair_rank: np.ndarray
    # Hughes salvo parameters per force (zeros where a force has no fleet entry)
    sv_offensive: np.ndarray
    sv_defensive: np.ndarray
    sv_staying: np.ndarray
    sv_scouting: np.ndarray
    sv_readiness: np.ndarray
    sv_alertness: np.ndarray
    # breakpoints
    bp_ids: tuple[str, ...]
    bp_side: np.ndarray
    bp_kind: np.ndarray
    bp_value: np.ndarray
    stops: np.ndarray = field(repr=False)  # times where scheduled things change the state
    # forces that members can join at run time (defectors' forces); empty: none
    force_joins: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)
    # of them, those whose members leave the fight as they come (defectors who go home)
    force_leaves: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)
    morale: Any = field(default=None, repr=False)  # the compiled morale mechanic, if declared
    side_civil: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)
    command: Any = field(default=None, repr=False)  # the compiled command networks, if declared
    # places: ids, (P, P) travel times, each force's first place and each engagement's (-1)
    place_ids: tuple[str, ...] = ()
    travel: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    force_place: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    eng_place: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    doctrine: tuple = ()  # the compiled doctrines (`world.doctrine.DoctrineSpec`)

    @property
    def n_forces(self) -> int:
        return len(self.force_ids)

    @property
    def n_sides(self) -> int:
        return len(self.side_ids)

    @property
    def side_x0(self) -> np.ndarray:
        return np.bincount(self.force_side, weights=self.x0, minlength=self.n_sides)

    def latent_sides(self) -> np.ndarray:
        """Sides that start empty, with nothing scheduled to arrive, that members can join
        at run time: they wait for as long as they are empty (`core.sides`)."""
        S = self.n_sides
        if not self.force_joins.any():
            return np.zeros(S, bool)
        joins = np.bincount(self.force_side[self.force_joins], minlength=S) > 0
        incoming = self.tr_force[self.tr_sign > 0]
        scheduled = np.bincount(self.force_side[incoming], minlength=S) > 0
        return joins & (self.side_x0 <= 0) & ~scheduled


# a World's fire-pair columns, in the order the compiler builds them
PAIR_COLUMNS = (("pair_eng", np.int64), ("pair_group", np.int64), ("pair_shooter", np.int64),
                ("pair_target", np.int64), ("pair_k", np.float64), ("pair_p", np.float64),
                ("pair_q", np.float64), ("pair_alloc", np.int64), ("pair_share", np.float64),
                ("pair_rank", np.int64))


def _exponents(law: Law, shooter_side: str, area_fire_by: str | None, p, q) -> tuple[float, float]:
    if law is Law.square:
        return AIMED
    if law is Law.linear:
        return AREA
    if law is Law.logarithmic:
        return LOGARITHMIC
    if law is Law.mixed:
        return AREA if shooter_side == area_fire_by else AIMED
    if law is Law.exponents:
        return float(p), float(q)
    return (0.0, 0.0)  # salvo: pairs only carry the targeting weights (k = 1)


def alloc_code(rule: str, p: float) -> int:
    """The allocation rule of a fire pair whose target exponent is p: area fire (p > 0) is
    already in proportion to the target's numbers, so 'proportional' needs no weights."""
    code = ALLOCATIONS[rule]
    return ALLOC_NONE if code == ALLOC_PROPORTIONAL and p != 0 else code


def make_grid(t0: float, t_end: float, step: float) -> np.ndarray:
    n = int(np.floor((t_end - t0) / step + 1e-9))
    grid = t0 + step * np.arange(n + 1)
    if t_end - grid[-1] > 1e-9 * max(1.0, abs(t_end)):
        grid = np.append(grid, t_end)
    return grid


def compile_world(sc: Scenario, seed: int | None = None) -> World:
    force_ids: list[str] = []
    force_side: list[int] = []
    x0: list[float] = []
    side_of: dict[str, int] = {}
    tr: list[tuple[str, int, int, float, float, float]] = []
    bps: list[tuple[str, int, int, float]] = []
    for si, side in enumerate(sc.sides):
        for f in side.forces:
            fi = len(force_ids)
            force_ids.append(f.id)
            force_side.append(si)
            x0.append(f.strength)
            side_of[f.id] = si
            for sign, group, label in ((1, f.reinforcements, "reinforcement"),
                                       (-1, f.withdrawals, "withdrawal")):
                for k, t in enumerate(group):
                    tid = t.id or f"{f.id}-{label}-{k + 1}"
                    tr.append((tid, fi, sign, t.t_from, t.t_to, t.total))
        for k, bp in enumerate(side.breakpoints):
            value = bp.at if bp.kind == "time" else bp.below
            bps.append((bp.id or f"{side.id}-{bp.kind}-{k + 1}", si, BP_KINDS[bp.kind], value))
    declared = len(force_ids)
    civil_ids = {f.id for s in sc.sides if s.civilian for f in s.forces}
    harmers = {fr.shooter for e in sc.engagements for fr in e.fire if fr.target in civil_ids}
    extra = additions(sc.morale, {s.id: [f.id for f in s.forces] for s in sc.sides}, harmers)
    side_ids = tuple(s.id for s in sc.sides) + tuple(extra.side_ids)
    for fid, joins, _ in extra.forces:  # the defectors' forces start empty
        force_ids.append(fid)
        force_side.append(side_ids.index(joins))
        x0.append(0.0)
        side_of[fid] = side_ids.index(joins)
    force_index = {f: i for i, f in enumerate(force_ids)}

    F = len(force_ids)
    sv = np.zeros((6, F))
    eng_start, eng_end, eng_interval = [], [], []
    side_arr = np.asarray(force_side, np.int64)
    # a target's side is civilian (defectors' sides never are)
    civil_side = np.array([s.civilian for s in sc.sides] + [False] * len(extra.side_ids), bool)
    groups: dict[tuple[int, int, bool], int] = {}  # (engagement, shooter, civil): the unit
    cols: list[list[np.ndarray]] = [[] for _ in PAIR_COLUMNS]
    for ei, e in enumerate(sc.engagements):
        eng_start.append(sc.clock.start if e.start is None else e.start)
        eng_end.append(sc.clock.end if e.end is None else e.end)
        eng_interval.append((e.interval or sc.clock.step) if e.law is Law.salvo else np.nan)
        fire = list(e.fire)
        if e.law is Law.salvo and not fire:
            # by default every fleet fires at every enemy fleet, hits split by ship numbers
            fire = [
                _salvo_pair(a.force, b.force)
                for a in e.fleets
                for b in e.fleets
                if side_of[a.force] != side_of[b.force]
            ]
        for fl in e.fleets:
            fi = force_index[fl.force]
            sv[:, fi] = (fl.offensive, fl.defensive, fl.staying, fl.scouting, fl.readiness,
                         fl.alertness)
        if not fire:
            continue
        n = len(fire)
        shooter = np.fromiter((force_index[fr.shooter] for fr in fire), np.int64, n)
        target = np.fromiter((force_index[fr.target] for fr in fire), np.int64, n)
        # the exponents and allocation rule depend on the pair only through its shooter's side
        exps = [_exponents(e.law, sid, e.area_fire_by, e.p, e.q) for sid in side_ids]
        p_side = np.array([x[0] for x in exps], float)
        q_side = np.array([x[1] for x in exps], float)
        alloc_side = np.array([alloc_code(e.allocation.value, x[0]) for x in exps], np.int64)
        by = side_arr[shooter]
        # fire on civilians is harm beside the shooter's aimed fire, never a share of it
        civil = civil_side[side_arr[target]]
        # each (shooter, civil) its unit, numbered in the order they first fire
        key = shooter * 2 + civil
        units, first, inv = np.unique(key, return_index=True, return_inverse=True)
        in_order = np.argsort(first, kind="stable")
        rank = np.empty(len(units), np.int64)
        rank[in_order] = np.arange(len(units))
        base = len(groups)
        for u in units[in_order].tolist():
            groups[(ei, u // 2, bool(u % 2))] = len(groups)
        rate = np.ones(n) if e.law is Law.salvo else np.fromiter(
            (fr.rate for fr in fire), float, n)
        for c, v in zip(cols, (
                np.full(n, ei, np.int64), base + rank[inv.ravel()], shooter, target, rate,
                p_side[by], q_side[by], np.where(civil, ALLOC_NONE, alloc_side[by]),
                np.fromiter((fr.share or 0.0 for fr in fire), float, n),
                np.fromiter((fr.priority or 0 for fr in fire), np.int64, n)), strict=True):
            c.append(v)

    for shooter_id, target_id, rate_ in extra.fire:  # defectors and loyalists, engagement 0
        e = sc.engagements[0]
        si_, ti_ = force_index[shooter_id], force_index[target_id]
        p, q = _exponents(e.law, side_ids[side_of[shooter_id]], e.area_fire_by, e.p, e.q)
        g = groups.setdefault((0, si_, False), len(groups))
        for (_, dtype), c, x in zip(PAIR_COLUMNS, cols, (
                0, g, si_, ti_, rate_, p, q, alloc_code(e.allocation.value, p), 0.0, 0),
                strict=True):
            c.append(np.array([x], dtype))
    pairs: dict[str, Any] = {
        name: np.concatenate(c).astype(dtype, copy=False) if c else np.zeros(0, dtype)
        for (name, dtype), c in zip(PAIR_COLUMNS, cols, strict=True)}
    # a shooter with a single target gives it all its fire whatever the rule: w = 1, and the
    # kernel can skip the allocation passes for it
    unit = pairs["pair_group"]
    pairs["pair_alloc"] = np.where(np.bincount(unit, minlength=len(groups))[unit] == 1,
                                   ALLOC_NONE, pairs["pair_alloc"]).astype(np.int64)
    i64 = lambda c: np.asarray(c, dtype=np.int64)  # noqa: E731
    f64 = lambda c: np.asarray(c, dtype=np.float64)  # noqa: E731
    trc = list(zip(*tr, strict=True)) if tr else [()] * 6
    bpc = list(zip(*bps, strict=True)) if bps else [()] * 4
    t0, t_end = sc.clock.start, sc.clock.end
    stop_times = [t0, t_end, *trc[3], *trc[4], *eng_start, *eng_end]
    stop_times += [v for v, k in zip(bpc[3], bpc[2], strict=True) if k == BP_TIME]
    stops = np.unique(f64(stop_times))
    side_civil = civil_side
    return World(
        name=sc.name,
        solver=sc.engagements[0].solver_name.value,
        seed=sc.seed if seed is None else seed,
        time_unit=sc.clock.unit.value,
        t0=t0,
        t_end=t_end,
        step=sc.clock.step,
        grid=make_grid(t0, t_end, sc.clock.step),
        side_ids=side_ids,
        force_ids=tuple(force_ids),
        force_side=i64(force_side),
        x0=f64(x0),
        tr_ids=tuple(trc[0]),
        tr_force=i64(trc[1]),
        tr_sign=i64(trc[2]),
        tr_from=f64(trc[3]),
        tr_to=f64(trc[4]),
        tr_amount=f64(trc[5]),
        eng_ids=tuple(e.id for e in sc.engagements),
        eng_law=tuple(e.law.value for e in sc.engagements),
        eng_start=f64(eng_start),
        eng_end=f64(eng_end),
        eng_interval=f64(eng_interval),
        **pairs,
        sv_offensive=sv[0].copy(),
        sv_defensive=sv[1].copy(),
        sv_staying=sv[2].copy(),
        sv_scouting=sv[3].copy(),
        sv_readiness=sv[4].copy(),
        sv_alertness=sv[5].copy(),
        bp_ids=tuple(bpc[0]),
        bp_side=i64(bpc[1]),
        bp_kind=i64(bpc[2]),
        bp_value=f64(bpc[3]),
        stops=stops,
        force_joins=np.arange(len(force_ids)) >= declared,
        force_leaves=np.isin(np.arange(len(force_ids)),
                             [force_index[f] for f, _, leaves in extra.forces if leaves]),
        morale=None if sc.morale is None else morale_spec(
            sc.morale, force_ids, i64(force_side), list(side_ids), declared, side_civil),
        side_civil=side_civil,
        command=compile_command(sc.command, force_ids, i64(force_side), side_ids),
        **_places(sc, force_ids),
        doctrine=compile_doctrine(sc.doctrine, force_ids, side_ids,
                                  None if sc.places is None else sc.places.start,
                                  () if sc.places is None else sc.places.ids),
    )


def _places(sc: Scenario, force_ids: list[str]) -> dict[str, Any]:
    pl = sc.places
    F, E = len(force_ids), len(sc.engagements)
    if pl is None:
        return {"force_place": np.full(F, -1, np.int64), "eng_place": np.full(E, -1, np.int64)}
    ids = list(pl.ids)
    travel = np.full((len(ids), len(ids)), pl.travel)
    np.fill_diagonal(travel, 0.0)
    for leg in pl.legs:
        a, b = ids.index(leg.between[0]), ids.index(leg.between[1])
        travel[a, b] = travel[b, a] = leg.time
    # a force goes the quickest way, through other places if that is quicker (a leg of no
    # time is a leg: Floyd-Warshall on the full matrix, not a graph of nonzero entries)
    for k in range(len(ids)):
        travel = np.minimum(travel, travel[:, k:k + 1] + travel[k:k + 1, :])
    return {"place_ids": tuple(ids), "travel": travel,
            "force_place": np.array([ids.index(pl.start[f]) if f in pl.start else -1
                                     for f in force_ids], np.int64),
            "eng_place": np.array([-1 if e.at is None else ids.index(e.at)
                                   for e in sc.engagements], np.int64)}


def _salvo_pair(shooter: str, target: str):
    from ..scenario.model import Fire

    return Fire(shooter=shooter, target=target)
