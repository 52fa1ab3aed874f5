"""One replication's changing state, as arrays that numba kernels and Python share.

`WorldArrays` is the read-only view of a `World` the kernels take; `BattleState` is the mutable
part: a ledger per force (arrived, withdrawn, lost; strength is derived from it, so
initial + arrived - withdrawn - lost = strength holds by construction), the per-force
modifiers and commitments that orders and mechanics change, flags, the recording and the event
log. Orders change the state's copies of the fire allocation (`alloc`, `share`, `rank`) and
engagement overrides (`eng_set`), never the world.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..core.codes import ARRIVED, LOST, WITHDRAWN
from ..core.sides import CIVIL, new_modifiers, side_due
from ..world.compile import World

WorldArrays = namedtuple(
    "WorldArrays",
    "x0 force_side side_x0 grid t0 t_end "
    "tr_force tr_sign tr_from tr_to tr_amount eng_start eng_end "
    "pair_eng pair_group pair_shooter pair_target pair_k pair_p pair_q pair_alloc pair_share "
    "pair_rank bp_side bp_kind bp_value stops side_due",
)

BattleState = namedtuple(
    "BattleState",
    "led scal eng_on tr_done bp_done side_broken force_alive rec_t rec_led "
    "ev_t ev_kind ev_subj ev_val den best nbest rbuf side_tot hz flag_f flag_b bp_force "
    "mod commit alloc share rank eng_set keff fights side_ref defected transfers",
)

# slots of BattleState.scal; ENDED..DECIDING are the core's verdict, N_EV the log's count
T, NEXT_GRID, N_REC, N_EV, ENDED, WINNER, REASON, DECIDING, NEXT_STOP, PENDING, PAUSED = range(11)
VERDICT = slice(ENDED, DECIDING + 1)
__all__ = ["ARRIVED", "LOST", "WITHDRAWN"]


def world_arrays(w: World) -> WorldArrays:
    incoming = w.tr_sign > 0
    due = side_due(w.force_side[w.tr_force[incoming]], w.tr_to[incoming], w.n_sides)
    due[w.latent_sides()] = np.inf
    if w.side_civil.any():
        due[w.side_civil] = CIVIL
    return WorldArrays(
        w.x0, w.force_side, w.side_x0, w.grid, np.float64(w.t0), np.float64(w.t_end),
        w.tr_force, w.tr_sign, w.tr_from, w.tr_to, w.tr_amount, w.eng_start, w.eng_end,
        w.pair_eng, w.pair_group, w.pair_shooter, w.pair_target, w.pair_k, w.pair_p, w.pair_q,
        w.pair_alloc, w.pair_share, w.pair_rank, w.bp_side, w.bp_kind, w.bp_value, w.stops,
        due,
    )


def event_room(w: World) -> int:
    """Events one advance between two stops can log at most: each transfer, engagement,
    breakpoint and side once, a force annihilated again after each revival."""
    F, S, E = w.n_forces, w.n_sides, len(w.eng_ids)
    T_, B = len(w.tr_ids), len(w.bp_ids)
    return 2 * T_ + 2 * E + B + 2 * S + 2 * F * (T_ + 2) + 8


def new_state(w: World) -> BattleState:
    F, S, E = w.n_forces, w.n_sides, len(w.eng_ids)
    B, P = len(w.bp_ids), w.pair_k.shape[0]
    G = int(w.pair_group.max()) + 1 if P else 0
    K = len(w.grid) + 1
    cap = event_room(w)
    scal = np.zeros(11)
    scal[T] = w.t0
    scal[WINNER] = scal[REASON] = scal[DECIDING] = -1
    scal[PENDING] = np.nan
    return BattleState(
        led=np.zeros((3, F)), scal=scal, eng_on=np.zeros(E, np.bool_),
        tr_done=np.zeros(len(w.tr_ids)), bp_done=np.zeros(B, np.bool_),
        side_broken=np.zeros(S, np.bool_), force_alive=w.x0 > 0, rec_t=np.zeros(K),
        rec_led=np.zeros((K, 3, F)), ev_t=np.zeros(cap), ev_kind=np.zeros(cap, np.int64),
        ev_subj=np.zeros(cap, np.int64), ev_val=np.zeros(cap), den=np.zeros(G),
        best=np.zeros(G, np.int64), nbest=np.zeros(G, np.int64), rbuf=np.zeros(P),
        side_tot=np.zeros(S), hz=np.zeros(F), flag_f=np.zeros(F, np.bool_),
        flag_b=np.zeros(B, np.bool_), bp_force=np.zeros(B, np.bool_), mod=new_modifiers(F),
        commit=np.ones(F, np.bool_), alloc=w.pair_alloc.copy(), share=w.pair_share.copy(),
        rank=w.pair_rank.copy(), eng_set=np.full(E, -1, np.int64), keff=w.pair_k.copy(),
        fights=w.x0 == w.x0, side_ref=w.side_x0.copy(), defected=np.zeros(F),
        transfers=np.zeros((F, F + 1)),
    )


def reserve_events(s: BattleState, room: int) -> BattleState:
    """The same state with room for `room` more events (orders log beyond the static bound)."""
    n = int(s.scal[N_EV])
    if n + room <= s.ev_t.shape[0]:
        return s
    cap = max(n + room, 2 * s.ev_t.shape[0])

    def grow(a):
        b = np.zeros(cap, a.dtype)
        b[: a.shape[0]] = a
        return b

    return s._replace(ev_t=grow(s.ev_t), ev_kind=grow(s.ev_kind), ev_subj=grow(s.ev_subj),
                      ev_val=grow(s.ev_val))
