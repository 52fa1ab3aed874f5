"""One replication's changing state of a tactical battle: one dataclass of arrays.

Entities are struct-of-arrays; forces carry the core's ledger (arrived, withdrawn, lost) and
modifiers, and their orders and targeting (copies of the compiled ones that run-time orders
change). Everything that does not change between replications (the raster, travel-cost fields
towards the compiled objectives, grid sizes) lives in `Static`, computed once per world.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

from ..core.events import EventLog
from ..core.sides import new_modifiers, new_verdict
from ..rng import stream
from ..terrain.classes import MOBILITY
from .world import TacticalWorld, deploy


@dataclass
class Recording:
    times: list[float] = field(default_factory=list)
    alive: list[np.ndarray] = field(default_factory=list)  # (F,) per record
    arrived: list[np.ndarray] = field(default_factory=list)  # (F,) arrived after the start
    withdrawn: list[np.ndarray] = field(default_factory=list)  # (F,) left the battle
    immobile: list[np.ndarray] = field(default_factory=list)  # (F,)
    hp: list[np.ndarray] = field(default_factory=list)  # (F,) hit points of the living
    type_alive: list[np.ndarray] = field(default_factory=list)  # (S, T)
    type_hp: list[np.ndarray] = field(default_factory=list)  # (S, T)
    # (t, entities, x, y, hp, status, force, morale)
    snapshots: list[tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                          np.ndarray, np.ndarray]] = field(default_factory=list)
    # (t, entities) killed since the snapshot before (not those who withdrew off the field)
    deaths: list[tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=list)  # (t, entities, x, y, force as it stood)
    dead_seen: np.ndarray | None = None


@dataclass
class Orders:
    """Each force's orders and targeting, as the movement and targeting kernels read them."""

    kind: np.ndarray  # (F,) HOLD, ADVANCE, MOVE, WITHDRAW
    to: np.ndarray  # (F, 4) objective box; nan none
    halt: np.ndarray
    leave: np.ndarray
    rule: np.ndarray
    spread: np.ndarray
    rank: np.ndarray  # (F, roles + classes)
    route_start: np.ndarray  # (F + 1,)
    route_xy: np.ndarray  # (points, 2)
    f_field: np.ndarray  # (F,) travel-cost field of each objective, -1 none
    route_field: np.ndarray  # (points,)
    fields: np.ndarray  # (K, H, W)


@dataclass
class TacticalState:
    seed: int
    replication: int
    rng: dict[str, np.random.Generator]
    x: np.ndarray
    y: np.ndarray
    hp: np.ndarray
    pending: np.ndarray  # waiting off the map to arrive
    alive: np.ndarray
    gone: np.ndarray  # withdrew off the field
    immobile: np.ndarray
    suppressed: np.ndarray
    ammo: np.ndarray
    waypoint: np.ndarray
    nn: np.ndarray  # nearest enemy seen
    nn_d2: np.ndarray
    tgt: np.ndarray
    aim_x: np.ndarray
    aim_y: np.ndarray
    dmg: np.ndarray
    kills: np.ndarray  # (S, T, T): kills credited to side s's type a on type b
    seen: np.ndarray  # (S, n) bool: who each side saw this tick
    spot: np.ndarray  # (S, n) int64: which entity of the side saw each (-1: none)
    exposed: np.ndarray  # (S, n) bool: decoys each side has seen through
    known: np.ndarray  # (S, n) bool: what each side's headquarters believes in (`Members`)
    orders: Orders
    # forces and sides, as the core keeps them at every scale
    x0: np.ndarray  # (F,) entities present at the start
    led: np.ndarray  # (3, F) arrived, withdrawn, lost
    mod: np.ndarray  # (4, F) fire, movement, detection, obey
    force_alive: np.ndarray
    side_ref: np.ndarray  # the core's reference strength per side
    bp_done: np.ndarray
    broken: np.ndarray
    contact: np.ndarray
    verdict: np.ndarray
    log: EventLog
    rec: Recording
    scratch: tuple[np.ndarray, ...]  # the core rule's work arrays, allocated once
    # each entity's force and side: state, since members change sides (defection)
    ent_force: np.ndarray  # (n,) int64
    ent_side: np.ndarray  # (n,) int64
    type_key: np.ndarray  # (n,) side * types + type, for the records by type
    # each entity's morale (a state of `warroom.morale.rule.STATES`) and what it does to it:
    # fire and movement multipliers (1: as its force) and its own manoeuvre (-1: its force's)
    morale: np.ndarray  # (n,) int8
    m_fire: np.ndarray  # (n,)
    m_move: np.ndarray  # (n,)
    m_order: np.ndarray  # (n,) int64
    defect: np.ndarray  # (n,) bool: to go over to its force's defectors (the engine does it)
    defected: np.ndarray  # (F,) members each force lost to another side's (within withdrawn)
    transfers: np.ndarray  # (F, F + 1) members the systems ask to move (`core.Forces`)
    record: bool = True
    t: float = 0.0
    tick: int = 0
    agent_steps: int = 0
    # fields that lead an advance round obstacles: none until the ground first blocks one
    adv_fields: np.ndarray = field(default_factory=lambda: np.zeros((0, 1, 1)))
    adv_index: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    adv_tick: int = 0

    @property
    def alive_f(self) -> np.ndarray:
        return self.x0 + self.led[0] - self.led[1] - self.led[2]

    # the verdict, read as the tactical results and tests always have
    @property
    def winner(self) -> int:
        return int(self.verdict[1])

    @property
    def end_reason(self) -> int:
        return int(self.verdict[2])

    @property
    def deciding(self) -> int:
        return int(self.verdict[3])

    @property
    def ticks(self) -> int:
        return self.tick


@dataclass(frozen=True, eq=False)
class Static:
    """What every replication of a world shares: computed once, then only read."""

    cell: float
    flat: bool
    diag: float
    wmax: np.ndarray
    has_area: bool
    no_conceal: bool
    side_ref: np.ndarray  # entities per side at the start (strength breakpoints are fractions)
    x0: np.ndarray  # entities per force present at the start
    force_side: np.ndarray  # int64, as the core's rule takes it
    latent: np.ndarray  # (S,) bool: sides of defectors-to-be (`TacticalWorld.latent_sides`)
    civil: np.ndarray  # (S,) bool: civilian sides
    leader: np.ndarray  # (n,) bool: entities that lead their force (officers, commanders)
    orders: Orders
    graphs: dict[int, object]
    decoy: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # (n,) bool


_STATIC: weakref.WeakKeyDictionary[TacticalWorld, Static] = weakref.WeakKeyDictionary()


def grid_cell(world: TacticalWorld) -> float:
    W, H = world.raster.extent
    return float(min(max(np.sqrt(W * H / max(world.n, 1)) * 3.0, 1e-6), max(W, H)))


def static(w: TacticalWorld) -> Static:
    if w not in _STATIC:
        from .orders import compiled_orders

        r = w.raster
        S = w.n_sides
        # decoys are no one's strength
        decoy_f = w.type_decoy[w.force_type] if w.type_decoy.size else np.zeros(w.n_forces, bool)
        _STATIC[w] = Static(
            cell=grid_cell(w), flat=r.flat, diag=float(np.hypot(*r.extent)),
            wmax=w.w_range.max(axis=1), has_area=bool((w.w_radius > 0).any()),
            no_conceal=bool((r.concealment[np.unique(r.terrain)] == 0).all()),
            side_ref=np.bincount(w.force_side, weights=np.where(
                (w.force_arrive > w.t0) | decoy_f, 0, w.force_count), minlength=S).astype(float),
            x0=np.where((w.force_arrive > w.t0) | decoy_f, 0, w.force_count).astype(np.float64),
            decoy=w.type_decoy[w.ent_type] if w.type_decoy.size else np.zeros(w.n, bool),
            force_side=w.force_side.astype(np.int64), latent=w.latent_sides(),
            civil=w.side_civil if w.side_civil.size else np.zeros(S, bool),
            leader=np.isin(w.type_role[w.ent_type],
                           [w.role_ids.index(r) for r in ("officer", "commander")]),
            orders=compiled_orders(w), graphs={})
    return _STATIC[w]


def new_state(w: TacticalWorld, seed: int, replication: int, record: bool = True
              ) -> TacticalState:
    st = static(w)
    n, S, F = w.n, w.n_sides, w.n_forces
    x, y = deploy(w, seed, replication)
    pending = w.force_arrive[w.ent_force] > w.t0
    o = st.orders
    orders = Orders(o.kind.copy(), o.to.copy(), o.halt.copy(), o.leave.copy(), o.rule.copy(),
                    o.spread.copy(), o.rank.copy(), o.route_start.copy(), o.route_xy.copy(),
                    o.f_field.copy(), o.route_field.copy(), o.fields)
    from .move import start_waypoints

    waypoint = np.zeros(n, np.int64)
    for f in np.flatnonzero(o.kind == 3):  # WITHDRAW: join the route where each one stands
        mine = w.ent_force == f
        waypoint[mine] = start_waypoints(x[mine], y[mine],
                                         o.route_xy[o.route_start[f]:o.route_start[f + 1]])
    return TacticalState(
        seed=seed, replication=replication,
        rng={p: stream(seed, replication, p) for p in ("detection", "targeting", "attrition")},
        x=x, y=y, hp=w.type_hp[w.ent_type].astype(np.float64), pending=pending,
        alive=~pending, gone=np.zeros(n, bool), immobile=np.zeros(n, bool),
        suppressed=np.zeros(n, bool), ammo=w.w_ammo[w.ent_type].copy(), waypoint=waypoint,
        nn=np.full(n, -1, np.int64), nn_d2=np.full(n, np.inf), tgt=np.full(n, -1, np.int64),
        aim_x=np.full(n, np.nan), aim_y=np.full(n, np.nan), dmg=np.zeros(n),
        kills=np.zeros((S, w.n_types, w.n_types)), seen=np.zeros((S, n), bool),
        spot=np.full((S, n), -1, np.int64), exposed=np.zeros((S, n), bool),
        known=np.ones((S, n), bool),
        orders=orders, x0=st.x0.copy(), led=np.zeros((3, F)), mod=new_modifiers(F),
        force_alive=st.x0 > 0, side_ref=st.side_ref.copy(), bp_done=np.zeros(len(w.bp_ids), bool),
        broken=np.zeros(S, bool), contact=np.zeros(S, bool),
        verdict=new_verdict(), log=EventLog(16 + 4 * F + 4 * S), rec=Recording(),
        scratch=(np.zeros(len(w.bp_ids), bool), np.zeros(S), np.zeros(F, bool),
                 np.zeros(len(w.bp_ids), bool)),
        ent_force=w.ent_force.astype(np.int64), ent_side=w.ent_side.astype(np.int64),
        type_key=w.ent_side.astype(np.int64) * w.n_types + w.ent_type,
        morale=np.zeros(n, np.int8), m_fire=np.ones(n), m_move=np.ones(n),
        m_order=np.full(n, -1, np.int64), defect=np.zeros(n, bool), defected=np.zeros(F),
        transfers=np.zeros((F, F + 1)),
        record=record, t=w.t0, adv_fields=np.zeros((0, *w.raster.shape)),
        adv_index=np.full((S, len(MOBILITY)), -1, np.int64))
