"""Compile a validated campaign scenario into a `CampaignWorld`: the theater, worlds, members
and fleets as flat arrays (fleets a member will build included, each with the day it is due),
the battle rules, the strategies as specs, and the command network with every fleet a node."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ..scenario.campaign import CampaignScenario
from ..scenario.campaign_checks import build_theater, resolve_world
from ..scenario.command import SideCommand
from ..theater import Theater
from ..world.command import compile_command
from .battle import Rules

# will parameters, per member
LOSSES, WEARINESS, THREAT, LEAVE, BUILDS_ABOVE = range(5)
YEAR = 365.25  # days


@dataclass(frozen=True, eq=False)
class CampaignWorld:
    name: str
    seed: int
    time_unit: str
    t0: float
    t_end: float
    step: float
    theater: Theater
    side_ids: tuple[str, ...]
    hostile: np.ndarray  # (S, S) bool: sides that fight each other
    side_alliance: np.ndarray  # (S,) -1: in none
    side_label: tuple[str, ...]  # a side's name in a battle: its alliance's (allies are one)
    alliance_ids: tuple[str, ...]
    council: np.ndarray  # (A,) threshold, nan: no council
    member_ids: tuple[str, ...]
    member_side: np.ndarray
    member_home: np.ndarray
    will: np.ndarray  # (M, 5)
    world_owner: np.ndarray  # (N,) side, -1: nobody's
    world_member: np.ndarray  # (N,) -1: none
    world_def: np.ndarray  # (N,) defences' strength
    world_rate: np.ndarray
    world_dock: np.ndarray
    world_pop: np.ndarray
    group_ids: tuple[str, ...]
    group_member: np.ndarray
    fleet_ids: tuple[str, ...]
    fleet_group: np.ndarray  # (F,) -1: built during the war
    fleet_member: np.ndarray
    fleet_side: np.ndarray
    fleet_world: np.ndarray  # where it enters
    fleet_ships: np.ndarray
    fleet_rate: np.ndarray  # per ship per day
    fleet_cripple: np.ndarray  # share of its losses crippled
    fleet_arrive: np.ndarray  # when it enters (t0: at the start)
    fleet_built: np.ndarray  # (F,) bool: built at its member's home, if its will holds
    supply: np.ndarray  # (S, 3) reach, penalty, every; nan: no supply rule
    rules: Rules
    destroyed_below: float
    siege: float
    orders: tuple[tuple[float, np.ndarray, str, int], ...]  # (t, fleets, kind, world)
    milestones: tuple[tuple[str, float], ...]
    doctrine: tuple = ()  # strategy specs (`strategies`): the controllers they build
    command: Any = field(default=None, repr=False)

    @cached_property
    def n_forces(self) -> int:  # cached: every order checks its fleet against it
        return len(self.fleet_ids)

    @cached_property
    def fleet_x0(self) -> np.ndarray:
        """(F,) the ships of each fleet there at the start (those that enter later arrive),
        read only."""
        x0 = np.where(self.fleet_arrive <= self.t0, self.fleet_ships, 0.0)
        x0.flags.writeable = False
        return x0

    @cached_property
    def label_code(self) -> np.ndarray:
        """(S,) a code per side's label: sides with one label are one side in a battle."""
        return np.unique(np.array(self.side_label), return_inverse=True)[1].astype(np.int64)

    @cached_property
    def fleet_foe(self) -> np.ndarray:
        """(S, F) bool: the fleets each side fights."""
        return self.hostile[:, self.fleet_side]

    @cached_property
    def fleet_own(self) -> np.ndarray:
        """(S, F) bool: each side's fleets."""
        return np.arange(len(self.side_ids))[:, None] == self.fleet_side[None, :]

    @cached_property
    def foe_pairs(self) -> np.ndarray:
        """(P, 2) `foes` as an array."""
        return np.array(self.foes, np.int64).reshape(-1, 2)

    @cached_property
    def foes(self) -> tuple[tuple[int, int], ...]:
        """The pairs of sides a <= b hostile to each other (either way)."""
        h = self.hostile | self.hostile.T
        return tuple((a, b) for a in range(len(h)) for b in range(a, len(h)) if h[a, b])

    @property
    def force_ids(self) -> tuple[str, ...]:
        return self.fleet_ids

    @property
    def force_side(self) -> np.ndarray:
        return self.fleet_side

    @property
    def n_sides(self) -> int:
        return len(self.side_ids)


def compile_campaign(sc: CampaignScenario, seed: int | None = None) -> CampaignWorld:
    from .strategies import compile_strategies

    th = build_theater(sc.theater, sc.base_dir)
    index = {w: i for i, w in enumerate(th.ids)}
    N = th.n

    def at(ref) -> int:
        return resolve_world(th, index, ref)

    side_ids = tuple(s.id for s in sc.sides)
    S = len(side_ids)
    alliance_ids = tuple(a.id for a in sc.alliances)
    side_alliance = np.full(S, -1, np.int64)
    for k, a in enumerate(sc.alliances):
        for s in a.sides:
            side_alliance[side_ids.index(s)] = k
    hostile = ~np.eye(S, dtype=bool)
    same = (side_alliance[:, None] == side_alliance[None, :]) & (side_alliance[:, None] >= 0)
    hostile &= ~same
    council = np.array([a.council.threshold if a.council else np.nan for a in sc.alliances])
    ships = {t.id: t for t in sc.ships}
    members = [(si, m) for si, s in enumerate(sc.sides) for m in s.members]
    member_ids = tuple(m.id for _, m in members)
    member_side = np.array([si for si, _ in members], np.int64)
    member_home = np.array([at(m.home) for _, m in members], np.int64)
    will = np.array([[m.will.losses, m.will.weariness, m.will.threat, m.will.leave,
                      m.will.builds_above] for _, m in members], float).reshape(-1, 5)
    owner = np.full(N, -1, np.int64)
    wmember = np.full(N, -1, np.int64)
    wdef, wrate, dock, pop, prod = (np.zeros(N) for _ in range(5))
    for r in sc.regions:
        sel = np.ones(N, bool) if r.worlds is None else np.zeros(N, bool)
        if r.worlds is not None:
            sel[[at(w) for w in r.worlds]] = True
        if r.within is not None:
            x0, y0, x1, y1 = r.within
            sel &= (th.x >= x0) & (th.x <= x1) & (th.y >= y0) & (th.y <= y1)
        owner[sel] = -1 if r.owner is None else side_ids.index(r.owner)
        wmember[sel] = -1 if r.member is None else member_ids.index(r.member)
        for arr, v in ((wdef, r.defences.strength if r.defences else None),
                       (wrate, r.defences.rate if r.defences else None), (dock, r.dock),
                       (pop, r.population), (prod, r.production)):
            if v is not None:
                arr[sel] = v
    for k, (si, _) in enumerate(members):  # a home is its member's
        owner[member_home[k]], wmember[member_home[k]] = si, k
    group_ids: list[str] = []
    group_member: list[int] = []
    rows: list[tuple] = []  # (id, group, member, world, ships, rate, cripple, arrive, built)
    for k, (_, m) in enumerate(members):
        for g in m.fleets:
            n_ships, rate, crip = _mix(g.ships, ships)
            gi = len(group_ids)
            group_ids.append(g.id)
            group_member.append(k)
            w = at(g.at)
            where = _spread(th, owner, member_side[k], w, g.count) if g.spread else \
                [w] * g.count
            arrive = sc.clock.start if g.arrives is None else g.arrives
            rows += [(f"{g.id}.{j + 1}" if g.count > 1 else g.id, gi, k, int(where[j]), n_ships,
                      rate, crip, arrive, False) for j in range(g.count)]
        per_year = prod[member_home[k]]
        mix = m.builds or (m.fleets[0].ships if m.fleets else None)
        if per_year > 0 and mix:
            n_ships, rate, crip = _mix(mix, ships)
            years = (sc.clock.end - sc.clock.start) / YEAR
            for j in range(int(per_year * years)):
                rows.append((f"{m.id}.built{j + 1}", -1, k, int(member_home[k]), n_ships, rate,
                             crip, sc.clock.start + (j + 1) * YEAR / per_year, True))
    col = list(zip(*rows, strict=True)) if rows else [()] * 9
    fleet_member = np.array(col[2], np.int64)
    supply = np.full((S, 3), np.nan)
    for si, side in enumerate(sc.sides):
        if side.supply is not None:
            supply[si] = (side.supply.reach, side.supply.penalty, side.supply.every)
    groups = {g: i for i, g in enumerate(group_ids)}
    fleet_group = np.array(col[1], np.int64)

    def fleets_of(name: str) -> np.ndarray:
        if name in groups:
            return np.flatnonzero(fleet_group == groups[name])
        return np.flatnonzero((fleet_member == member_ids.index(name)) & (fleet_group >= 0))

    orders = tuple((o.at, fleets_of(o.fleets), o.do, -1 if o.world is None else at(o.world))
                   for o in sorted(sc.orders, key=lambda o: o.at))
    b = sc.battle
    cw = CampaignWorld(
        sc.name, sc.seed if seed is None else seed, sc.clock.unit.value, sc.clock.start,
        sc.clock.end, sc.clock.step, th, side_ids, hostile, side_alliance,
        tuple(alliance_ids[a] if a >= 0 else s for s, a in zip(side_ids, side_alliance,
                                                               strict=True)), alliance_ids,
        council, member_ids, member_side, member_home, will, owner, wmember, wdef, wrate, dock,
        pop, tuple(group_ids), np.array(group_member, np.int64), tuple(col[0]), fleet_group,
        fleet_member, member_side[fleet_member] if len(fleet_member) else fleet_member,
        np.array(col[3], np.int64), np.array(col[4], float), np.array(col[5], float),
        np.array(col[6], float), np.array(col[7], float), np.array(col[8], bool), supply,
        Rules(b.law.value, b.solver, b.days, min(b.days, 0.25), b.breaks), b.destroyed_below,
        b.siege, orders, tuple((m.id, m.at) for m in sc.milestones))
    spec = _command(sc, cw, fleets_of)
    return _with(cw, doctrine=compile_strategies(sc, cw, fleets_of, at), command=spec)


def _with(w: CampaignWorld, **changes) -> CampaignWorld:
    from dataclasses import replace

    return replace(w, **changes)


def _spread(th: Theater, owner: np.ndarray, side: int, w: int, n: int) -> np.ndarray:
    """The n worlds of `side` nearest world w (as the crow flies; w's own if it has none,
    round again if it has fewer)."""
    mine = np.flatnonzero(owner == side)
    if not len(mine):
        return np.full(n, w)
    d = (th.x[mine] - th.x[w]) ** 2 + (th.y[mine] - th.y[w]) ** 2
    near = mine[np.argsort(d, kind="stable")[:n]]
    return np.resize(near, n)


def _mix(mix: dict[str, float], ships: dict) -> tuple[float, float, float]:
    """A fleet's ships, its kill rate per ship and the share of losses crippled, from its
    ships of each type (rates and shares weighted by the number of ships)."""
    n = float(sum(mix.values()))
    if n <= 0:
        return 0.0, 0.0, 0.0
    rate = sum(c * ships[t].rate for t, c in mix.items()) / n
    crip = sum(c * ships[t].cripple for t, c in mix.items()) / n
    return n, rate, crip


def _command(sc: CampaignScenario, w: CampaignWorld, fleets_of):
    """The command network, a member or group named in a link standing for each of its
    fleets (a fleet's own id names it alone)."""
    if not sc.command:
        return None
    names = set(w.group_ids) | set(w.member_ids)
    out = []
    for side in sc.command:
        links = []
        for lk in side.links:
            a, b = lk.between
            ends_a = [w.fleet_ids[f] for f in fleets_of(a)] if a in names else [a]
            ends_b = [w.fleet_ids[f] for f in fleets_of(b)] if b in names else [b]
            links += [lk.model_copy(update={"between": (x, y)}) for x in ends_a for y in ends_b
                      if x != y]
        hq = side.headquarters
        if hq in names:
            hq = w.fleet_ids[int(fleets_of(hq)[0])]
        out.append(SideCommand.model_construct(**{**dict(side), "links": links,
                                                  "headquarters": hq}))
    return compile_command(out, w.fleet_ids, w.fleet_side, w.side_ids)
