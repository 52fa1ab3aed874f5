"""The aggregate engine's state at the end, as the core's one `Result` (events decoded here,
at the edge, where the world's names are)."""

from __future__ import annotations

from functools import partial

from ..core.events import EventKind
from ..results.events import Words, decode
from ..results.result import Names, Result
from ..world.compile import World
from .state import DECIDING, N_EV, N_REC, REASON, WINNER, BattleState

WORDS = Words("is annihilated", "strength below {:.0%} of initial",
              "no strength left in the field")


def aggregate_result(world: World, s: BattleState, seed: int, scenario_hash: str) -> Result:
    n_rec, n = int(s.scal[N_REC]), int(s.scal[N_EV])
    names = Names(world.name, "aggregate", world.solver, world.time_unit, world.side_ids,
                  world.force_ids, world.force_side, world.bp_ids, world.bp_side)
    events = decode(names, world.bp_kind, WORDS, partial(_special, world),
                    (s.ev_t[:n], s.ev_kind[:n], s.ev_subj[:n], s.ev_val[:n]))
    return Result(names, seed, scenario_hash, s.rec_t[:n_rec].copy(), world.x0,
                  s.rec_led[:n_rec].copy(), events, int(s.scal[WINNER]), int(s.scal[REASON]),
                  int(s.scal[DECIDING]))


def _special(w: World, kind: EventKind, subj: int, val: float):
    """Transfers and engagements, which only the aggregate scale has."""
    K = EventKind
    if kind in (K.reinforcement_arrived, K.reinforcement_began, K.withdrawal,
                K.withdrawal_began):
        subject = w.tr_ids[subj]
        force = w.force_ids[w.tr_force[subj]]
        side = w.side_ids[w.force_side[w.tr_force[subj]]]
        verb = {K.reinforcement_arrived: f"{val:,.0f} arrive to join {force}",
                K.reinforcement_began: f"{val:,.0f} begin arriving to join {force} until "
                f"t={w.tr_to[subj]:g}",
                K.withdrawal: f"{val:,.0f} withdraw from {force}",
                K.withdrawal_began: f"{val:,.0f} begin withdrawing from {force} until "
                f"t={w.tr_to[subj]:g}"}[kind]
        return subject, side, f"{subject}: {verb}"
    if kind in (K.set_out, K.arrived):
        force, side = w.force_ids[subj], w.side_ids[w.force_side[subj]]
        verb = "sets out for" if kind is K.set_out else "arrives at"
        return force, side, f"{force} ({side}) {verb} {w.place_ids[int(val)]}"
    if kind in (K.engagement_began, K.engagement_ended):
        subject = w.eng_ids[subj]
        return subject, None, f"engagement {subject} ({w.eng_law[subj]} law) " + (
            "begins" if kind is K.engagement_began else "ends")
    return None
