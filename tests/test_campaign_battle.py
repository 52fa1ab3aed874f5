"""Battles where fleets meet are the aggregate engine's: the same numbers as `simulate` of the
same forces, the books balance, and a side leaves at its breakpoint."""

from __future__ import annotations

import numpy as np
import pytest

from warroom.campaign.battle import Present, Rules, battle_data, resolve
from warroom.scenario import validate
from warroom.simulate import simulate

MEETING = [Present("hedrik-7", "hedrik", 40, 0.08), Present("zarion-12", "zarion", 30, 0.05),
           Present("zarion-13", "zarion", 10, 0.05),
           Present("cannons", "zarion", 15, 0.02)]  # a world's defences fight too


def test_a_battle_is_the_aggregate_engines_for_the_same_forces():
    lost, r = resolve("b1", MEETING, seed=11)
    again = simulate(validate(battle_data("b1", MEETING)), seed=11)
    np.testing.assert_array_equal(r.strength, again.strength)
    led = again.final_ledger()
    assert lost.tolist() == [led[p.id]["lost"] for p in MEETING]


def test_the_books_balance_and_a_beaten_side_leaves():
    lost, r = resolve("b2", MEETING, seed=3, rules=Rules(days=30.0))
    strength = np.array([p.strength for p in MEETING])
    assert (lost >= 0).all() and (lost <= strength).all()
    assert lost.sum() > 0
    assert r.winner in ("hedrik", "zarion")
    loser = [p for p in MEETING if p.side != r.winner]
    left = sum(p.strength for p in loser) - lost[[p.side != r.winner for p in MEETING]].sum()
    assert left < 0.5 * sum(p.strength for p in loser) + 1  # it broke below half


def test_a_battle_needs_two_sides():
    with pytest.raises(ValueError, match="needs two sides"):
        battle_data("b3", MEETING[1:])


def test_the_fast_path_fights_each_battle_exactly_as_resolve_does(monkeypatch):
    from warroom.campaign.battle import Battles

    # sides interleaved, a force that does not fire: the compiled world lists forces side by
    # side, and the fast path must give each its own strength, rate and losses
    p = [Present("a", "blue", 300, 0.03), Present("b", "red", 200, 0.06),
         Present("c", "blue", 50, 0.01), Present("d", "red", 30, 0.0)]
    for solver in ("ode", "tau_leap", "ctmc"):
        rules = Rules(solver=solver)
        fast = Battles(rules)
        # the same shape again with other strengths and rates (a stochastic shape's compiled
        # loop is reused): each battle as if it were the first
        q = [Present(x.id, x.side, x.strength * 0.7 + 5, x.rate * 1.5) for x in p]
        for seed, present in ((1, p), (2, p), (3, q), (1, p)):
            lost, r = resolve("x", present, seed, rules)
            got, broken = fast.fight(present, seed)
            assert np.array_equal(got, lost)
            # and which sides broke, as the aggregate engine run from reset to end says
            slow = Battles(rules)
            monkeypatch.setattr("warroom.campaign.battle._fast", lambda solver: False)
            assert np.array_equal(slow.fight(present, seed)[1], broken)
            monkeypatch.undo()


def test_a_shape_built_without_the_files_checks_is_the_world_a_file_would_give():
    """The shapes skip what guards users' files (bounds on every field, the checks of
    references), not the model: the compiled world is the one the validated scenario gives."""
    from dataclasses import fields

    from warroom.campaign.battle import _shape, shape_key
    from warroom.world import compile_world

    key = ((0, True), (0, False), (1, True), (1, True), (1, False))
    w, order = _shape(Rules(law="linear", solver="tau_leap"),
                      shape_key([s for s, _ in key], [f for _, f in key]))
    unit = [Present(f"p{k}", f"s{s}", 1.0, 1.0 if f else 0.0) for k, (s, f) in enumerate(key)]
    want = compile_world(validate(battle_data("battle", unit,
                                              Rules(law="linear", solver="tau_leap"))), 0)
    for f in fields(want):
        a, b = getattr(w, f.name), getattr(want, f.name)
        if isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f.name)
        else:
            assert a == b, f.name
    assert sorted(order.tolist()) == list(range(len(key)))


def test_a_lineup_puts_fleets_side_by_side_and_leaves_out_battles_of_allies():
    from warroom.campaign.lineup import lineup

    # sides 0 and 1 are allies (one label), side 2 their enemy; world 0 is side 0's, with guns
    side = np.array([2, 0, 1, 0, 1, 1])
    label = np.array([0, 0, 1])
    hostile = np.array([[0, 0, 1], [0, 0, 1], [1, 1, 0]], bool)
    owner, wdef, rate = np.array([0, -1]), np.array([5.0, 0.0]), np.array([7.0, 0.0])
    ships = np.arange(1.0, 7.0)
    fleets = np.array([0, 1, 2, 3, 4, 5])  # battle 0: fleets 0-3 at world 0; 1: 4, 5 at 1
    (fl, rows, row_side, row_code, fought, gun_owner, gun_code, n_of, _, starts, code,
     strength, fire, is_fleet) = lineup(fleets, np.array([4, 2]), np.array([0, 1]),
                                        np.array([0, 1]), side, label, hostile, owner, wdef,
                                        ships, np.full(6, 2.0), np.full(6, 0.5), np.ones(6),
                                        rate)
    assert fought.tolist() == [0]  # battle 1 has allies only
    assert fl.tolist() == [1, 3, 2, 0]  # by side, each side's in the order given
    assert rows.tolist() == [0, 2, 3] and row_side.tolist() == [0, 1, 2]
    assert row_code.tolist() == [0, 0, 1]  # the allies are one side, first seen first
    assert gun_owner.tolist() == [0] and gun_code.tolist() == [0] and n_of.tolist() == [4]
    assert starts.tolist() == [0, 5]
    assert code.tolist() == [0, 0, 0, 1, 0] and is_fleet.tolist() == [True] * 4 + [False]
    assert strength.tolist() == [2.0, 4.0, 3.0, 1.0, 5.0]  # the guns' strength last
    assert fire.tolist() == [1.0, 1.0, 1.0, 1.0, 7.0]


def test_a_settlement_destroys_the_fleets_below_their_share_and_sends_the_broken_back():
    from warroom.campaign.settle import settle

    # battle 0 at world 0: fleets 0, 1 (side 0) and 2 (side 1) with world 0's guns (side 1);
    # battle 1 on the lane 1 - 2: fleet 3, on the lane, of a broken side
    ships = np.array([10.0, 10.0, 8.0, 5.0])
    crippled, ledger, destroyed = np.zeros(4), np.zeros(4), np.zeros(4)
    gone, live = np.zeros(4, bool), np.ones(4, bool)
    where, length, hop = np.array([0, 0, 0, -1]), np.array([0, 3, 0, 2]), np.array([0, 1, 0, 1])
    routed, mode = np.zeros(4, np.int64), np.array([0, 2, 0, 1], np.int8)
    lost_by_mode, member_lost, wdef = np.zeros((2, 3)), np.zeros(2), np.array([5.0, 0.0, 0.0])
    table, tally, kinds, values, fled = settle(
        np.arange(4), np.array([0, 2, 3]), np.array([0, 1, 0]), np.array([0, 1, 0]),
        np.array([1, -1]), np.array([1, -1]), np.array([3, 1]), np.array([0, 2]),
        np.array([0, 4, 5]), np.array([0, 1]), np.array([0, 2]),
        np.array([3.0, 20.0, 1.0, 2.0, 0.5]), np.array([False, True, True]),
        np.array([0, 2, 3]), ships, crippled, ledger, destroyed, np.full(4, 0.5), ships.copy(),
        0.25, wdef, gone, live, where, length, hop, routed, mode, lost_by_mode,
        np.array([0, 0, 1, 0]), np.array([0, 1, 1, 0]), member_lost, np.array([0, 0, 3, 1]),
        7, 9)
    assert table.tolist() == [[0, 0, 0, 2, 1, 0], [0, 0, 1, 1, 0, 1], [0, 0, 1, 0, 0, 1],
                              [1, 2, 0, 1, 0, 1]]  # the guns' row after the battle's fleets
    assert tally.tolist() == [[20.0, 13.0], [8.0, 1.0], [5.0, 2.0], [5.0, 0.5]]
    assert ships.tolist() == [7.0, 0.0, 7.0, 4.5]  # no more lost than it had
    assert crippled.tolist() == [1.5, 0.0, 0.5, 0.25] and wdef[0] == 3.0
    assert ledger.tolist() == [3.0, 10.0, 1.0, 0.5] and destroyed.tolist()[1] == 10.0
    assert gone.tolist() == [False, True, False, False] and live.tolist() == [1, 0, 1, 1]
    assert length[1] == hop[1] == 0 and routed.tolist() == [0, 1, 0, 0]  # it stopped
    assert lost_by_mode[0, 2] == 1 and member_lost.tolist() == [0.0, 1.0]
    assert kinds.tolist() == [[9, 1], [7, 0], [7, 1]] and values.tolist() == [0.0, 26.0, 0.5]
    assert fled.tolist() == [2]  # fleet 3 of the broken side is on a lane: it goes on
