"""Tactical orders: the compiled ones every replication starts from, and run-time orders from
the core (hold, advance, move, withdraw along a route and leave, change targeting)."""

from __future__ import annotations

import weakref

import numpy as np

from ..core.codes import ADVANCE, HOLD, MOVE, RULES, UNRANKED, WITHDRAW
from ..core.orders import Order, OrderError, OrderKind
from .world import TacticalWorld

MANOEUVRE_OF = {OrderKind.hold: HOLD, OrderKind.advance: ADVANCE, OrderKind.move: MOVE,
                OrderKind.withdraw: WITHDRAW}


class FieldCache:
    """Travel-cost fields by (mobility kind, goal box), computed once each per world and
    shared by its replications (fields depend on the ground and the goal only)."""

    def __init__(self, w: TacticalWorld):
        self.w = w
        self.index: dict[tuple, int] = {}
        self.fields: list[np.ndarray] = []
        self._stack: np.ndarray | None = None

    def get(self, mob: int, goal: tuple[float, float, float, float]) -> int:
        """The field's index; -1 where a straight line is already the quickest way (the
        ground costs the same everywhere)."""
        from ..terrain.paths import cost_field

        r = self.w.raster
        per_cell = r.cost[r.terrain, mob]
        if np.all(per_cell == per_cell.flat[0]) and np.isfinite(per_cell.flat[0]):
            return -1
        key = (mob, goal)
        if key not in self.index:
            self.index[key] = len(self.fields)
            self.fields.append(cost_field(r, mob, goal))
        return self.index[key]

    def stacked(self) -> np.ndarray:
        """All the fields so far, as the movement kernel reads them; stacked again only when
        a new one was added."""
        if self._stack is None or len(self._stack) != len(self.fields):
            H, W = self.w.raster.shape
            self._stack = np.stack(self.fields) if self.fields else np.zeros((0, H, W))
        return self._stack


_CACHES: weakref.WeakKeyDictionary[TacticalWorld, FieldCache] = weakref.WeakKeyDictionary()


def field_cache(w: TacticalWorld) -> FieldCache:
    if w not in _CACHES:
        _CACHES[w] = FieldCache(w)
    return _CACHES[w]


def compiled_orders(w: TacticalWorld):
    """The scenario's orders with the travel-cost fields of every fixed objective (move,
    advance's fallback, each point of a withdrawal route) whose ground is uneven."""
    from .state import Orders

    cache = field_cache(w)
    mob = w.type_mobility[w.force_type]
    f_field = np.full(w.n_forces, -1, np.int64)
    route_field = np.full(len(w.route_xy), -1, np.int64)
    for f in range(w.n_forces):
        if not np.isnan(w.force_to[f, 0]):
            x0, y0, x1, y1 = map(float, w.force_to[f])
            f_field[f] = cache.get(int(mob[f]), (x0, y0, x1, y1))
        for k in range(w.route_start[f], w.route_start[f + 1]):
            px, py = map(float, w.route_xy[k])
            route_field[k] = cache.get(int(mob[f]), (px, py, px, py))
    return Orders(w.force_order.copy(), w.force_to.copy(), w.force_halt.copy(),
                  w.force_leave.copy(), w.force_rule.copy(), w.force_spread.copy(),
                  w.force_rank.copy(), w.route_start.copy(), w.route_xy.copy(), f_field,
                  route_field, cache.stacked())


def give(w: TacticalWorld, st, order: Order) -> None:
    """Carry out `order` for its force in state `st`; an order that cannot be carried out is
    refused (OrderError) before anything changes."""
    from .move import start_waypoints

    o, f = st.orders, order.force
    if order.kind is OrderKind.target:
        cols = [_rank_column(w, name) for name in order.priority]
        if order.rule is not None and order.rule not in RULES:
            raise OrderError(f"targeting rule '{order.rule}': expected one of "
                             + ", ".join(RULES))
        if order.spread is not None and not 1 <= order.spread <= 16:
            raise OrderError(f"targeting spread: expected 1 to 16, found {order.spread}")
        if order.rule is not None:
            o.rule[f] = RULES[order.rule]
        if cols:
            o.rank[f] = UNRANKED
            for k, col in enumerate(cols):
                o.rank[f, col] = min(o.rank[f, col], k)
        if order.spread is not None:
            o.spread[f] = int(order.spread)
        return
    if order.kind not in MANOEUVRE_OF:
        raise OrderError(f"a tactical battle takes no '{order.kind.name}' order")
    kind = MANOEUVRE_OF[order.kind]
    if kind == WITHDRAW and not order.route:
        raise OrderError("a withdrawal needs a route")
    if kind == MOVE and order.to is None and order.area is None:
        raise OrderError("a move needs a point `to` or an `area`")
    if order.leave and kind != WITHDRAW:
        raise OrderError("`leave` ends a withdrawal route; only a withdrawal takes it")
    route = np.asarray(order.route, float).reshape(-1, 2)
    box = _box(order)
    W, H = w.raster.extent
    points = route if box is None else np.vstack([route, [box[:2], box[2:]]])
    if not (np.isfinite(points).all() and (points >= 0).all() and (points[:, 0] <= W).all()
            and (points[:, 1] <= H).all()):
        raise OrderError(f"an order's points must lie on the map (x 0..{W:g}, y 0..{H:g})")
    cache = field_cache(w)
    mob = int(w.type_mobility[w.force_type[f]])
    if box is not None:
        o.to[f] = box
        o.f_field[f] = cache.get(mob, box)
    if kind == WITHDRAW:
        a, b = o.route_start[f], o.route_start[f + 1]
        fields = [cache.get(mob, (float(px), float(py), float(px), float(py)))
                  for px, py in route]
        o.route_xy = np.concatenate([o.route_xy[:a], route, o.route_xy[b:]])
        o.route_field = np.concatenate([o.route_field[:a], np.asarray(fields, np.int64),
                                        o.route_field[b:]])
        o.route_start[f + 1:] += len(route) - (b - a)
        mine = st.ent_force == f
        st.waypoint[mine] = start_waypoints(st.x[mine], st.y[mine], route)
    o.leave[f] = order.leave
    if order.halt_to_fire is not None:
        o.halt[f] = order.halt_to_fire
    o.kind[f] = kind
    o.fields = cache.stacked()


def _rank_column(w: TacticalWorld, name: str) -> int:
    if name in w.role_ids:
        return w.role_ids.index(name)
    if name in w.class_ids:
        return len(w.role_ids) + w.class_ids.index(name)
    raise OrderError(f"'{name}' is neither a role nor a target class")


def _box(order: Order) -> tuple[float, float, float, float] | None:
    """A move's objective as a box (a point is a box of no size)."""
    if order.to is not None:
        x, y = map(float, order.to)
        return x, y, x, y
    if order.area is not None:
        x0, y0, x1, y1 = map(float, order.area)
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
    return None
