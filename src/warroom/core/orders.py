"""Orders a controller gives at run time, the same for every scale where they make sense.

Aggregate: commit or hold back a force, open or close an engagement, withdraw (part of) a
force, change a shooter's fire allocation. Tactical: hold, advance, move to a point or an area,
withdraw along a route (and leave the field at its end), change a force's targeting. Forces and
engagements are indices into the compiled world; names live in the scenario and the results.
Campaign: move, raid, conquer, destroy, rally (to a world), home, intercept (an enemy fleet), hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class OrderKind(IntEnum):
    commit = 0  # aggregate: the force joins the fight
    hold_back = 1  # aggregate: the force stays out of it (it neither shoots nor is shot at)
    engage = 2  # aggregate: open engagement `engagement`
    disengage = 3  # aggregate: close engagement `engagement`
    withdraw = 4  # aggregate: `amount` (all if None) leaves; tactical: follow `route`
    allocate = 5  # aggregate: share the shooter's fire by `rule` (`weights` per target force)
    hold = 6  # tactical: stay where you are
    advance = 7  # tactical: close on the nearest seen enemy (or the objective)
    move = 8  # tactical: go to `to` (a point) or `area`; aggregate: to `place`
    target = 9  # tactical: pick targets by `rule`, preferring `priority` (roles or classes)
    raid = 10  # campaign: strike the world `place`, then go back whence it came
    conquer = 11  # campaign: take the world `place` once it is defenceless
    destroy = 12  # campaign: lay the world `place` waste once it is defenceless
    home = 13  # campaign: go back to the member's home world
    intercept = 14  # campaign: meet the enemy fleet `target` on its way
    rally = 15  # campaign: concentrate at the world `place`


@dataclass(frozen=True, init=False)
class Order:
    """One order; everything but its kind is given by keyword, and what an order does not
    name keeps the default of its `__init__`."""

    kind: OrderKind
    force: int
    engagement: int
    amount: float | None
    rule: str | None
    weights: dict[int, float]  # target force -> share or rank
    to: tuple[float, float] | None
    area: tuple[float, float, float, float] | None
    route: tuple[tuple[float, float], ...]
    leave: bool
    halt_to_fire: bool | None
    priority: tuple[str, ...]
    spread: int | None
    place: int  # aggregate, move: the place to go to; campaign: the world
    target: int  # campaign, intercept: the enemy fleet
    issued: float | None  # when headquarters gave it (set as it is sent)

    def __init__(self, kind: OrderKind | int, *, force: int = -1, engagement: int = -1,
                 amount: float | None = None, rule: str | None = None,
                 weights: dict[int, float] | None = None, to: tuple[float, float] | None = None,
                 area: tuple[float, float, float, float] | None = None,
                 route: tuple[tuple[float, float], ...] = (), leave: bool = False,
                 halt_to_fire: bool | None = None, priority: tuple[str, ...] = (),
                 spread: int | None = None, place: int = -1, target: int = -1,
                 issued: float | None = None) -> None:
        # written once, past the frozen __setattr__ (a field at a time through it costs
        # several times as much, and a campaign gives tens of thousands of orders)
        self.__dict__.update(
            kind=kind if isinstance(kind, OrderKind) else OrderKind(kind), force=force,
            engagement=engagement, amount=amount, rule=rule,
            weights={} if weights is None else weights, to=to, area=area, route=route,
            leave=leave, halt_to_fire=halt_to_fire, priority=priority, spread=spread,
            place=place, target=target, issued=issued)


def issued_at(order: Order, t: float) -> Order:
    """The order as given at t (unchanged if it says when it was given)."""
    return order if order.issued is not None else changed(order, issued=t)


def changed(order: Order, **fields) -> Order:
    """A copy of the order with these fields changed: its fields copied, not
    `dataclasses.replace` (which validates them again), as a campaign sends and overhears
    tens of thousands."""
    out = object.__new__(Order)
    out.__dict__.update(order.__dict__)
    out.__dict__.update(fields)
    return out


class OrderError(ValueError):
    """An order the engine cannot carry out (unknown force, wrong scale, missing route)."""
