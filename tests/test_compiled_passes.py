"""The compiled passes the campaign and the command layer use give what the plain NumPy
they replaced gave, number for number, on random cases (the NumPy is written out here as
the reference)."""

from __future__ import annotations

import numpy as np
import pytest

from warroom.campaign.fleets import ON_LANE, Fleets
from warroom.campaign.holdings import holdings, repair, sieges
from warroom.campaign.lineup import meetings
from warroom.campaign.sight import own_state, sighted
from warroom.command.belief import Belief
from warroom.command.layer import _merge
from warroom.command.messages import collect, first_ready
from warroom.core.picture import FIELDS, Picture

CASES = 300


def _meetings_numpy(live, where, ships, side, owner, wdef, hostile, foes, home, member_side,
                    N):
    at = np.flatnonzero(live & (where >= 0) & (ships > 0))
    if not len(at):
        return False, None, None, None, None
    S = len(hostile)
    present = np.zeros((N, S), bool)
    present[where[at], side[at]] = True
    worlds = np.flatnonzero(present.any(axis=1))
    p = present[worlds]
    fights = np.zeros(len(worlds), bool)
    for a, b in foes:
        fights |= p[:, a] & p[:, b]
    o = owner[worlds]
    guns = (wdef[worlds] > 0) & (o >= 0)
    fights |= guns & (p & hostile[np.maximum(o, 0)]).any(axis=1)
    hit = worlds[fights]
    row = np.full(N, -1, np.int64)
    row[worlds] = np.arange(len(worlds))
    r = row[home]
    threat = np.zeros(len(home), bool)
    has = r >= 0
    threat[has] = (p[r[has]] & hostile[member_side[has]]).any(axis=1)
    at = at[np.argsort(where[at], kind="stable")]
    starts = np.searchsorted(where[at], hit)
    ends = np.searchsorted(where[at], hit, side="right")
    fleets = np.concatenate([at[a:b] for a, b in zip(starts, ends, strict=True)] or
                            [np.zeros(0, np.int64)])
    return True, hit, fleets, ends - starts, threat


def test_where_battles_are_is_what_the_numpy_found():
    rng = np.random.default_rng(5)
    for _ in range(CASES):
        N, S, F, M = int(rng.integers(1, 12)), int(rng.integers(2, 5)), \
            int(rng.integers(0, 30)), int(rng.integers(1, 5))
        hostile = rng.random((S, S)) < 0.5
        h = hostile | hostile.T
        foes = np.array([(a, b) for a in range(S) for b in range(a, S) if h[a, b]],
                        np.int64).reshape(-1, 2)
        live = rng.random(F) < 0.8
        where = rng.integers(-1, N, F)
        ships = np.where(rng.random(F) < 0.8, rng.random(F) * 5, 0.0)
        side = rng.integers(0, S, F)
        owner = rng.integers(-1, S, N)
        wdef = np.where(rng.random(N) < 0.5, rng.random(N), 0.0)
        home, member_side = rng.integers(0, N, M), rng.integers(0, S, M)
        args = (live, where, ships, side, owner, wdef, hostile, foes, home, member_side, N)
        there, hit, fleets, sizes, threat = meetings(*args)
        want = _meetings_numpy(*args)
        assert there == want[0]
        if there:
            for got, expected in zip((hit, fleets, sizes, threat), want[1:], strict=True):
                assert got.tolist() == expected.tolist()


def test_finished_messages_are_what_the_masks_found():
    rng = np.random.default_rng(6)
    for _ in range(CASES):
        cap = int(rng.integers(0, 40))
        n = int(rng.integers(0, cap + 1))
        status = rng.integers(0, 4, cap)
        done = rng.integers(0, 2, cap)
        t1 = np.where(rng.random(cap) < 0.1, np.inf, rng.random(cap) * 10)
        t0 = t1 - rng.random(cap)
        kind, side = rng.integers(0, 3, cap), rng.integers(0, 2, cap)
        ids = rng.integers(0, 100, cap)
        stride = int(rng.choice([1, 2, 4]))
        t = float(rng.random() * 10)
        s, d, e, k = status[:n], done[:n].copy(), t1[:n], kind[:n]
        assert first_ready(status, done, t1, n) == e[(s != 0) & (d == 0)].min(initial=np.inf)
        count, delay = np.zeros((2, 3, 4), np.int64), np.zeros((2, 3))
        rows, rep, plea, order, kept, waiting = collect(
            status, done, t1, kind, side, t0, ids, t, n, stride, count, delay)
        want = np.flatnonzero((s != 0) & (d == 0) & (e <= t))
        ok = want[s[want] == 1]
        assert rows.tolist() == want.tolist()
        for got, code in ((rep, 0), (order, 1), (plea, 2)):
            assert got.tolist() == ok[k[ok] == code].tolist()
        assert kept.tolist() == want[ids[want] % stride == 0].tolist()
        d[want] = 1
        np.testing.assert_array_equal(done[:n], d)  # collected: done
        assert waiting == int(((s == 0) | (d == 0)).sum())
        want_count = np.zeros((2, 3, 4), np.int64)
        np.add.at(want_count, (side[want], k[want], s[want]), 1)
        np.testing.assert_array_equal(count, want_count)
        want_delay = np.zeros((2, 3))
        for j in ok:  # in slot order, as the record sums them
            want_delay[side[j], k[j]] += t1[j] - t0[j]
        np.testing.assert_array_equal(delay, want_delay)


def _picture(rng: np.random.Generator, n_items: int, rows: int) -> Picture:
    item = np.sort(rng.choice(n_items, size=rows, replace=False)).astype(np.int64)
    t = rng.integers(0, 4, rows).astype(float)  # whole days: ties between the two happen
    return Picture(item, item % 7, rng.random(rows), rng.random(rows), rng.random(rows), t,
                   rng.random(rows), rng.integers(-1, 9, rows))


def _merge_by_sorting(a: Picture, b: Picture) -> Picture:
    both = Picture(*(np.concatenate([getattr(a, k), getattr(b, k)]) for k in FIELDS))
    order = np.lexsort((-both.t, both.item))
    first = np.r_[True, both.item[order][1:] != both.item[order][:-1]]
    return both.take(order[first])


def test_two_pictures_merged_over_the_items_are_what_sorting_them_gave():
    rng = np.random.default_rng(7)
    for _ in range(CASES):
        n = int(rng.integers(1, 40))
        a = _picture(rng, n, int(rng.integers(1, n + 1)))
        b = _picture(rng, n, int(rng.integers(1, n + 1)))
        got, want = _merge(a, b), _merge_by_sorting(a, b)
        for k in FIELDS:
            np.testing.assert_array_equal(getattr(got, k), getattr(want, k))


def test_pictures_that_repeat_an_item_or_lack_a_time_are_still_merged_by_sorting():
    a = Picture(*(np.array(v) for v in ([2, 2, 4], [0, 0, 1], [1.0, 5.0, 2.0],
                                         [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 3.0, 0.0],
                                         [0.0, 0.0, 0.0], [0, 0, 0])))
    b = _picture(np.random.default_rng(8), 6, 4)
    late = Picture(*(getattr(b, k) if k != "t" else np.r_[b.t[:-1], np.nan] for k in FIELDS))
    for x, y in ((a, b), (b, a), (a, late), (late, b)):
        got, want = _merge(x, y), _merge_by_sorting(x, y)
        for k in FIELDS:
            np.testing.assert_array_equal(getattr(got, k), getattr(want, k))


def test_strength_per_force_is_the_bincount_of_the_rows():
    rng = np.random.default_rng(9)
    for _ in range(CASES):
        F, rows = int(rng.integers(1, 20)), int(rng.integers(0, 30))
        force = rng.integers(0, F, rows)
        strength = np.where(rng.random(rows) < 0.1, np.nan, rng.random(rows) * 3)
        pic = Picture(np.arange(rows), force, strength, *(np.zeros(rows),) * 4,
                      np.zeros(rows, np.int64))
        want = np.full(F, np.nan)
        if rows:
            heard = np.bincount(force, minlength=F) > 0
            want[heard] = np.bincount(force, weights=strength, minlength=F)[heard]
        np.testing.assert_array_equal(pic.per_force(F), want)


def test_a_picture_naming_a_force_outside_the_battle_is_refused():
    pic = Picture(*(np.array(v) for v in ([0], [5], [1.0], [0.0], [0.0], [0.0], [0.0], [0])))
    with pytest.raises(ValueError, match="outside the battle"):
        pic.per_force(3)


def _lanes_numpy(fl: Fleets, t: float):
    on = fl.world == ON_LANE
    rows = np.arange(fl.n)
    k = np.clip(fl.hop, 1, max(fl.rw.shape[1] - 1, 1))
    a = np.where(on, fl.rw[rows, k - 1], fl.world)
    b = np.where(on, fl.rw[rows, np.minimum(k, fl.rw.shape[1] - 1)], fl.world)
    frac = np.zeros(fl.n)
    if on.any():
        t0, t1 = fl.rt[rows[on], k[on] - 1], fl.rt[rows[on], k[on]]
        frac[on] = (t - t0) / np.where(t1 > t0, t1 - t0, 1.0)
    return a, b, frac


def test_the_lanes_fleets_are_on_are_what_the_numpy_found():
    rng = np.random.default_rng(10)
    for _ in range(CASES // 3):
        n = int(rng.integers(1, 12))
        fl = Fleets(np.zeros(n, np.int64), rng.integers(0, 6, n))
        for f in range(n):
            if rng.random() < 0.7:
                path = [int(fl.world[f]), *rng.integers(0, 6, int(rng.integers(1, 12)))]
                fl.send(f, path, np.cumsum(rng.integers(0, 3, len(path))).astype(float))
        t = float(rng.integers(0, 20)) + 0.5
        fl.advance(t)
        for got, want in zip(fl.lanes(t), _lanes_numpy(fl, t), strict=True):
            np.testing.assert_array_equal(got, want)


def _sieges_numpy(live, where, mode, goal, side, besieges, destroy, idle, owner, wmember,
                  wdef, razed, siege, dt, days):
    fell = []
    besiegers = np.flatnonzero(live & besieges[mode] & (where == goal) & (where >= 0))
    if not len(besiegers):
        return fell
    held = np.zeros(len(owner), bool)
    at = np.flatnonzero(live & (where >= 0))
    guarded = np.zeros(len(owner), bool)
    guarded[where[at][side[at] == owner[where[at]]]] = True
    for w in np.unique(where[besiegers]).tolist():
        o = int(owner[w])
        if wdef[w] > 0 or guarded[w] or razed[w]:
            continue
        held[w] = True
        siege[w] += dt
        if siege[w] + 1e-9 < days:
            continue
        them = besiegers[where[besiegers] == w]
        f = int(them[0])
        waste = bool(mode[f] == destroy)
        razed[w] = waste
        owner[w], wmember[w] = (-1 if waste else int(side[f])), -1
        fell.append([w, o, int(side[f]), int(waste)])
        siege[w] = 0.0
        mode[them] = idle
    siege[~held] = 0.0
    return fell


def test_sieges_and_repairs_are_what_the_numpy_did():
    rng = np.random.default_rng(11)
    besieges = np.array([False, True, True, False])  # modes 1 and 2 besiege; 2 lays waste
    for _ in range(CASES):
        N, F, S = int(rng.integers(1, 8)), int(rng.integers(0, 25)), int(rng.integers(2, 4))
        live = rng.random(F) < 0.8
        where, goal = rng.integers(-1, N, F), rng.integers(-1, N, F)
        goal = np.where(rng.random(F) < 0.6, where, goal)
        mode, side = rng.integers(0, 4, F).astype(np.int8), rng.integers(0, S, F)
        owner, wmember = rng.integers(-1, S, N), rng.integers(-1, 3, N)
        wdef = np.where(rng.random(N) < 0.3, 1.0, 0.0)
        razed = rng.random(N) < 0.1
        siege = rng.integers(0, 4, N).astype(float)
        dock = np.where(rng.random(N) < 0.5, rng.random(N) * 3, 0.0)
        crippled = np.where(rng.random(F) < 0.6, rng.random(F) * 4, 0.0)
        ships = rng.random(F) * 9
        arrived = rng.random(F)
        mine = [a.copy() for a in (mode, owner, wmember, razed, siege)]
        theirs = [a.copy() for a in (mode, owner, wmember, razed, siege)]
        got = sieges(live, where, mine[0], goal, side, besieges, 2, 0, mine[1], mine[2], wdef,
                     mine[3], mine[4], 1.0, 3.0)
        want = _sieges_numpy(live, where, theirs[0], goal, side, besieges, 2, 0, theirs[1],
                             theirs[2], wdef, theirs[3], theirs[4], 1.0, 3.0)
        assert got.tolist() == want
        for a, b in zip(mine, theirs, strict=True):
            np.testing.assert_array_equal(a, b)
        c, x, led = crippled.copy(), ships.copy(), arrived.copy()
        repair(live, where, side, owner, dock, c, x, led, 0.5)
        f = np.flatnonzero(live & (crippled > 0) & (where >= 0))
        f = f[(owner[where[f]] == side[f]) & (dock[where[f]] > 0)]
        w = where[f]
        need = np.bincount(w, weights=crippled[f], minlength=N)[w]
        fixed = crippled[f] * np.minimum(1.0, dock[w] * 0.5 / need)
        c0, x0, led0 = crippled.copy(), ships.copy(), arrived.copy()
        c0[f] -= fixed
        x0[f] += fixed
        led0[f] += fixed
        for a, b in ((c, c0), (x, x0), (led, led0)):
            np.testing.assert_array_equal(a, b)
        # the day in one call: the sieges, then the repairs at the docks of the owners the
        # sieges leave (theirs[1]: the owners after them)
        h = [a.copy() for a in (mode, owner, wmember, razed, siege)]
        hc, hx, hl = crippled.copy(), ships.copy(), arrived.copy()
        fell = holdings(live, where, h[0], goal, side, besieges, 2, 0, h[1], h[2], wdef, h[3],
                        h[4], 1.0, 3.0, dock, hc, hx, hl)
        assert fell.tolist() == want
        c, x, led = crippled.copy(), ships.copy(), arrived.copy()
        repair(live, where, side, theirs[1], dock, c, x, led, 1.0)
        for a, b in ((hc, c), (hx, x), (hl, led), (h[1], theirs[1])):
            np.testing.assert_array_equal(a, b)


def test_what_a_side_sees_is_what_the_numpy_found():
    rng = np.random.default_rng(12)
    for _ in range(CASES):
        N, F, S = int(rng.integers(1, 8)), int(rng.integers(0, 25)), int(rng.integers(2, 4))
        live, where = rng.random(F) < 0.8, rng.integers(-1, N, F)
        fleet_side, owner = rng.integers(0, S, F), rng.integers(-1, S, N)
        side = int(rng.integers(0, S))
        foe = (fleet_side != side) & (rng.random(F) < 0.8)
        watcher, out = np.full(N, -1, np.int64), np.empty(F, np.int64)
        n = sighted(live, where, fleet_side, foe, owner, side, watcher, out)
        at = live & (where >= 0)
        want_watcher = np.full(N, -1, np.int64)
        mine = np.flatnonzero(at & (fleet_side == side))
        want_watcher[where[mine[::-1]]] = mine[::-1]
        seen = (want_watcher >= 0) | (owner == side)
        want = np.flatnonzero(at & foe)
        want = want[seen[where[want]]]
        assert out[:n].tolist() == want.tolist()
        assert watcher.tolist() == want_watcher.tolist()


@pytest.mark.parametrize("tactical", [False, True])
def test_a_beliefs_picture_is_what_the_numpy_made(tactical):
    rng = np.random.default_rng(13)
    for _ in range(CASES // 3):
        n = int(rng.integers(0, 30))
        b = Belief(n, noise=0.1, drift=0.02, forget=float(rng.choice([2.0, np.inf])))
        heard = rng.random(n) < 0.7
        b.t[:] = np.where(heard, rng.random(n) * 5, np.nan)
        b.x[:], b.y[:], b.speed[:] = rng.random(n), rng.random(n), rng.random(n)
        b.strength[:] = np.where(rng.random(n) < 0.2, 0.0, rng.random(n) * 4)
        b.force[:], b.source[:] = rng.integers(0, 9, n), rng.integers(-1, 9, n)
        now = 5.5
        age = now - b.t
        keep = (age <= b.forget) & ((b.strength > 0) if tactical else True)
        rows = np.flatnonzero(keep)
        a = age[rows]
        sigma = b.speed[rows] * a if tactical else b.strength[rows] * (b.noise + b.drift * a)
        want = Picture(rows, b.force[rows], b.strength[rows], b.x[rows], b.y[rows], b.t[rows],
                       sigma, b.source[rows])
        got = b.picture(now, tactical)
        for k in FIELDS:
            np.testing.assert_array_equal(getattr(got, k), getattr(want, k))
            assert getattr(got, k).dtype == getattr(want, k).dtype


def test_a_sides_own_fleets_are_what_the_numpy_showed():
    rng = np.random.default_rng(14)
    for _ in range(CASES // 3):
        F = int(rng.integers(0, 20))
        own, live = rng.random(F) < 0.5, rng.random(F) < 0.7
        where, goal = rng.integers(-1, 9, F), rng.integers(-1, 9, F)
        mode = rng.integers(0, 10, F).astype(np.int8)
        ships, crippled, supply = rng.random(F), rng.random(F), rng.random(F)
        seen = rng.integers(0, max(F, 1), int(rng.integers(0, 30))) if F else np.zeros(0, int)
        seen_ships = rng.random(len(seen))
        strength = np.zeros(F)
        out = (np.empty(F, np.int64), np.empty(F, np.int64), np.empty(F, np.int8),
               np.empty(F), np.empty(F), np.empty(F))
        own_state(seen, seen_ships, own, live, where, goal, mode, ships, crippled, supply,
                  strength, np.zeros(F, np.bool_), *out)
        mine = own & live
        want = (np.where(mine, where, -2), np.where(mine, goal, -1), np.where(mine, mode, -1),
                np.where(mine, ships, np.nan), np.where(mine, crippled, np.nan),
                np.where(mine, supply, np.nan))
        for got, expected in zip(out, want, strict=True):
            np.testing.assert_array_equal(got, expected)
            assert got.dtype == expected.dtype
        believed = np.where(np.bincount(seen, minlength=F) > 0,
                            np.bincount(seen, seen_ships, minlength=F), np.nan)
        np.testing.assert_array_equal(strength,
                                      np.where(own, np.where(live, ships, 0.0), believed))


def _columns_numpy(pic, since, read, seen_at, hunted, W, odds):
    F = len(seen_at)
    goal = np.full(F, -2, np.int64)
    goal[pic.force[(pic.x < 0) & (pic.t >= since)]] = -1
    if read:
        goal[list(read)] = list(read.values())
    moving = np.flatnonzero(goal > -2)
    targets = moving[~hunted[moving]]
    ships = pic.per_force(F)[moving]
    key = seen_at[moving] * (W + 2) + goal[moving] + 2
    _, col = np.unique(key, return_inverse=True)
    column = np.bincount(col.ravel(), weights=np.where(np.isnan(ships), np.inf, ships))
    return targets, odds * column[col.ravel()[~hunted[moving]]]


def test_the_columns_a_raider_can_hunt_are_what_the_numpy_found():
    from warroom.campaign.columns import columns

    rng = np.random.default_rng(17)
    for _ in range(CASES):
        F, W, n = int(rng.integers(1, 40)), int(rng.integers(1, 12)), int(rng.integers(0, 60))
        force = rng.integers(0, F, n)
        x = rng.integers(-1, W, n).astype(float)
        t = np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0, 50, n))
        strength = np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0, 30, n))
        pic = Picture(force.copy(), force, strength, x, np.full(n, np.nan), t, np.zeros(n),
                      np.full(n, -1))
        read = {int(f): int(rng.integers(-1, W)) for f in rng.integers(0, F, rng.integers(0, 5))}
        seen_at = rng.integers(-1, W, F)
        hunted = rng.random(F) < 0.3
        since, odds = float(rng.uniform(0, 50)), float(rng.uniform(0.5, 3))
        want_t, want_n = _columns_numpy(pic, since, read, seen_at, hunted, W, odds)
        got_t, got_n = columns(force, x, t, strength, since,
                               np.fromiter(read.keys(), np.int64, len(read)),
                               np.fromiter(read.values(), np.int64, len(read)), seen_at, hunted,
                               W, odds, np.empty(F, np.int64), np.empty(F), np.zeros(F, bool))
        np.testing.assert_array_equal(got_t, want_t)
        np.testing.assert_array_equal(got_n, want_n)  # bit for bit, inf included


def _hunters_python(targets, need, pools, ships, group):
    sent = []
    pools = [list(p) for p in pools]
    for target, needed in zip(targets.tolist(), need.tolist(), strict=True):
        for mine in pools:
            if not mine or np.cumsum(ships[mine])[-1] < needed:
                continue
            n = max(int(np.searchsorted(np.cumsum(ships[mine]), needed)) + 1, group)
            if n > len(mine):
                continue
            sent += [(f, target) for f in mine[:n]]
            del mine[:n]
            break
    return sent, pools


def test_the_groups_sent_to_meet_columns_are_what_the_python_sent():
    from warroom.campaign.columns import hunters

    rng = np.random.default_rng(19)
    for _ in range(CASES):
        F, group = int(rng.integers(1, 40)), int(rng.integers(1, 5))
        ships = np.round(rng.uniform(0, 100, F), int(rng.integers(0, 3)))
        fleets = rng.permutation(F)[:int(rng.integers(0, F + 1))]
        cut = np.sort(rng.integers(0, len(fleets) + 1, int(rng.integers(0, 5))))
        pools = np.split(fleets, cut)
        targets = rng.integers(0, 50, int(rng.integers(0, 12)))
        need = rng.choice([0.0, 50.0, 120.0, 300.0, np.inf, np.nan], len(targets)) \
            * rng.uniform(0.5, 1.5, len(targets))
        want, left = _hunters_python(targets, need, pools, ships, group)
        starts = np.concatenate([[0], np.cumsum([len(p) for p in pools])]).astype(np.int64)
        fleet, target, used = hunters(targets, need, fleets.astype(np.int64), ships, starts,
                                      group)
        assert list(zip(fleet.tolist(), target.tolist(), strict=True)) == want
        assert [len(p) - u for p, u in zip(pools, used.tolist(), strict=True)] == \
            [len(p) for p in left]


def test_the_fleets_at_the_end_of_their_routes_are_what_the_numpy_found():
    from warroom.campaign.arrivals import arrivals
    from warroom.campaign.engine import MODES, RAID, STANDS

    rng = np.random.default_rng(23)
    for _ in range(CASES):
        F = int(rng.integers(0, 50))
        live = rng.random(F) < 0.8
        length = rng.integers(0, 4, F)
        hop = np.minimum(length, rng.integers(0, 5, F))
        world = rng.integers(-1, 4, F)
        mode = rng.integers(0, len(MODES), F).astype(np.int8)
        goal = rng.integers(-1, 4, F)
        done = live & (hop >= length) & (world >= 0)
        stand = np.empty(F, bool)
        raid = arrivals(live, hop, length, world, mode, goal, RAID, STANDS, stand)
        np.testing.assert_array_equal(raid, np.flatnonzero(done & (mode == RAID)
                                                           & (world == goal)))
        np.testing.assert_array_equal(stand, done & STANDS[mode])


def _waylaid_numpy(pf, pw, live, where, mode, side, hostile, intercept, N):
    """Batches of (fleets, world) battles, as the engine's Python found them."""
    ok = live[pf] & (where[pf] == ON_LANE)
    pf, pw = pf[ok], pw[ok]
    waiting = np.flatnonzero(live & (mode == intercept) & (where >= 0))
    if not len(pf) or not len(waiting):
        return []
    at = np.zeros((N, len(hostile)), bool)
    at[where[waiting], side[waiting]] = True
    met = (at[pw] & hostile[side[pf]]).any(axis=1)
    batches, meetings, used = [], [], set()
    for w in np.unique(pw[met]).tolist():
        them = np.unique(pf[met & (pw == w)])
        hunters = waiting[(where[waiting] == w) & hostile[side[them[0]], side[waiting]]]
        if set(them.tolist()) & used:
            batches.append(meetings)
            meetings, used = [], set()
        meetings.append((np.concatenate([them, hunters]).tolist(), w))
        used |= set(them.tolist())
    return [*batches, meetings] if meetings else batches


def test_fleets_waylaid_as_they_pass_are_what_the_numpy_found():
    from warroom.campaign.lineup import waylaid

    rng = np.random.default_rng(29)
    intercept = 6
    for _ in range(CASES):
        F, N, S = int(rng.integers(1, 30)), int(rng.integers(1, 6)), int(rng.integers(2, 4))
        live = rng.random(F) < 0.85
        where = rng.integers(-1, N, F)
        mode = np.where(rng.random(F) < 0.4, intercept, 0).astype(np.int8)
        side = rng.integers(0, S, F)
        hostile = rng.random((S, S)) < 0.7
        hostile = (hostile | hostile.T) & ~np.eye(S, dtype=bool)
        K = int(rng.integers(0, 25))
        pf = np.sort(rng.integers(0, F, K))  # a fleet's passes in turn, as the engine lists them
        pw = rng.integers(0, N, K)
        want = _waylaid_numpy(pf, pw, live, where, mode, side, hostile, intercept, N)
        fleets, sizes, worlds, batch = waylaid(pf, pw, live, where, mode, side, hostile,
                                               intercept, N)
        got: list = []
        at = 0
        for n, w, b in zip(sizes.tolist(), worlds.tolist(), batch.tolist(), strict=True):
            if b == len(got):
                got.append([])
            got[b].append((fleets[at:at + n].tolist(), w))
            at += n
        assert got == want
