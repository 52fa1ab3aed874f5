"""The campaign at its end as the core's one `Result`: the forces of the result are the
members (their ships, weekly), the facts count fleets, worlds and losses (at each milestone
too: `fleets_lost:zarion@year3`), and the extra tables are the battles (`battles`), every
change of a world's hands (`ownership`), fleets per member over time (`fleets`), the
worlds at the start and the end (`worlds`), the lanes (`lanes`) and where each fleet was at
each weekly record (`positions`)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..core.codes import DECIDED_BY_NONE, END_TIME
from ..core.events import Event, EventKind
from ..core.orders import OrderKind
from ..results.events import Words, decode
from ..results.result import Names, Result, dict_column, stacked
from .engine import CampaignState, _tally
from .world import CampaignWorld

K = EventKind
ORDER_NAMES = {int(k): k.name for k in OrderKind}
WORDS = Words("is destroyed", "strength below {:.0%} of initial", "no fleets left")


def campaign_result(world: CampaignWorld, st: CampaignState, digest: str) -> Result:
    M = len(world.member_ids)
    names = Names(world.name, "campaign", world.rules.solver, world.time_unit, world.side_ids,
                  world.member_ids, world.member_side, (), np.zeros(0, np.int64))
    start = world.fleet_arrive <= world.t0
    x0 = np.bincount(world.fleet_member[start], weights=world.fleet_ships[start], minlength=M)
    times = np.array([r[0] for r in st.series])
    ledger = np.stack([r[4] for r in st.series]) if st.series else np.zeros((0, 3, M))
    alive = np.bincount(world.fleet_side[st.live], minlength=world.n_sides)
    winner = int(np.flatnonzero(alive)[0]) if (alive > 0).sum() == 1 else -1
    facts: dict = dict(_tally(world, st))
    for name, counts in st.at_milestone.items():
        facts.update({f"{k}@{name}": v for k, v in counts.items()})

    def extras() -> dict[str, pa.Table]:
        return {"battles": _battles(world, st), "ownership": _ownership(world, st),
                "fleets": _fleets(world, st), "worlds": _worlds(world, st),
                "lanes": _lanes(world), "positions": _positions(world, st)}

    ev = list(st.ev)  # as they are now, should the war go on after this result
    return Result(names, world.seed, digest, times, x0, ledger, lambda: _events(world, ev, names),
                  winner, END_TIME, DECIDED_BY_NONE, facts=facts, extras=extras,
                  may_defect=False)  # members never change sides


def _events(world: CampaignWorld, rows: list, names: Names) -> list[Event]:
    ev = np.array(rows, float).reshape(-1, 4)  # (t, kind, subject, value) rows
    log = (ev[:, 0], ev[:, 1].astype(np.int64), ev[:, 2].astype(np.int64), ev[:, 3])
    th = world.theater

    def special(kind: EventKind, subj: int, val: float):
        if kind in (K.order_given, K.order_refused):
            f, s = world.fleet_ids[subj], world.side_ids[world.fleet_side[subj]]
            verb = "is ordered to" if kind is K.order_given else "refuses the order to"
            return f, s, f"{f} ({s}) {verb} {ORDER_NAMES[int(val)]}"
        if kind is K.fleet_destroyed:
            f, s = world.fleet_ids[subj], world.side_ids[world.fleet_side[subj]]
            return f, s, f"{f} ({s}) is destroyed at {th.ids[int(val)]}"
        if kind is K.battle:
            return th.ids[subj], None, f"battle at {th.ids[subj]}: {val:,.0f} ships out of action"
        if kind in (K.world_taken, K.world_destroyed):
            s = world.side_ids[int(val)]
            verb = "takes" if kind is K.world_taken else "lays waste"
            return th.ids[subj], s, f"{s} {verb} {th.ids[subj]}"
        if kind in (K.home_attacked, K.turned_home):
            m, s = world.member_ids[subj], world.side_ids[world.member_side[subj]]
            if kind is K.home_attacked:
                return m, s, f"enemies at {th.ids[int(val)]}, home of {m} ({s})"
            return m, s, f"{m} ({s}) takes {val:g} fleets home against orders"
        if kind is K.battle_ended:
            return "", None, "the campaign ends at the clock's end"
        return None

    return decode(names, np.zeros(0, np.int64), WORDS, special, log)


def _battles(world: CampaignWorld, st: CampaignState) -> pa.Table:
    rows = st.battles
    col = list(zip(*rows, strict=True)) if rows else [()] * 9
    ids = world.theater.ids
    return pa.table({
        "t": pa.array(col[0], pa.float64()),
        "world": dict_column(np.array(col[1], np.int64), ids),
        "lane_to": dict_column(np.array(col[2], np.int64), ids),
        "side": dict_column(np.array(col[3], np.int64), world.side_ids),
        "fleets": pa.array(col[4], pa.int64()),
        "ships": pa.array(col[5], pa.float64()),
        "lost": pa.array(col[6], pa.float64()),
        "fleets_destroyed": pa.array(col[7], pa.int64()),
        "broke": pa.array(col[8], pa.bool_()),
    })


def _side_or_none(codes: np.ndarray, world: CampaignWorld) -> pa.DictionaryArray:
    names = (*world.side_ids, "nobody")
    return dict_column(np.where(codes >= 0, codes, len(world.side_ids)), names)


def _ownership(world: CampaignWorld, st: CampaignState) -> pa.Table:
    rows = st.owner_log
    col = list(zip(*rows, strict=True)) if rows else [()] * 6
    return pa.table({
        "t": pa.array(col[0], pa.float64()),
        "world": dict_column(np.array(col[1], np.int64), world.theater.ids),
        "was": _side_or_none(np.array(col[2], np.int64), world),
        "owner": _side_or_none(np.array(col[3], np.int64), world),
        "destroyed": pa.array(col[4], pa.bool_()),
        "by": dict_column(np.array(col[5], np.int64), world.side_ids),
    })


def _fleets(world: CampaignWorld, st: CampaignState) -> pa.Table:
    M = len(world.member_ids)
    n = len(st.series)
    return pa.table({
        "t": np.repeat([r[0] for r in st.series], M),
        "member": dict_column(np.tile(np.arange(M), n), world.member_ids),
        "side": dict_column(np.tile(world.member_side, n), world.side_ids),
        "fleets": np.concatenate([r[1] for r in st.series]).astype(np.int64) if n else [],
        "ships": np.concatenate([r[2] for r in st.series]) if n else [],
        "fleets_lost": np.concatenate([r[3] for r in st.series]) if n else [],
    })


def _lanes(world: CampaignWorld) -> pa.Table:
    """Each lane once: its two worlds and its travel time."""
    th = world.theater
    src = np.repeat(np.arange(th.n), np.diff(th.ptr))
    once = src < th.dst
    return pa.table({"a": dict_column(src[once], th.ids), "b": dict_column(th.dst[once], th.ids),
                     "time": pa.array(th.time[once], pa.float64())})


def _positions(world: CampaignWorld, st: CampaignState) -> pa.Table:
    """Each fleet in the field at each record (weekly): where it is, a lane's fleets as far
    along it as they have come."""
    t, f, x, y = stacked(st.positions, (np.int64, np.float32, np.float32))
    return pa.table({"t": t, "fleet": dict_column(f, world.fleet_ids),
                     "side": dict_column(world.fleet_side[f], world.side_ids), "x": x, "y": y})


def _worlds(world: CampaignWorld, st: CampaignState) -> pa.Table:
    th = world.theater
    return pa.table({
        "world": pa.array(th.ids), "x": th.x, "y": th.y,
        "owner_at_start": _side_or_none(world.world_owner, world),
        "owner": _side_or_none(st.owner, world), "destroyed": st.razed.copy(),
        "defences": st.wdef.copy(),
    })
