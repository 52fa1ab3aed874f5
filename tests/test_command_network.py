"""The command network on its own: exact delays, loss rates, a hub as an M/M/1 queue,
capacity, jamming, taps, stale orders and dead commanders (no engine involved)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from warroom.command import CommandLayer, Jam, Latency, Link, Node, Reporting, Tap, build
from warroom.command.network import EXPONENTIAL, FORCE, HEADQUARTERS, HUB, UNIFORM
from warroom.core import Forces, Order, OrderKind, Picture


def forces(strength) -> Forces:
    x0 = np.asarray(strength, float)
    return Forces(x0, np.zeros((3, len(x0))), np.ones((4, len(x0))), np.ones(len(x0), bool),
                  np.zeros(len(x0), np.int64))


def nothing(side: int) -> Picture:
    return Picture.empty()


NO_DELAY = Latency()


def chain(*, latency=NO_DELAY, loss=0.0, rate=math.inf, capacity=math.inf, taps=(),
          jams=(), hub=False, n_forces=1, succession=math.inf, mortal=False):
    """Headquarters -> (hub ->) force 0 of side 0; side 1 has no network."""
    nodes = [Node("hq", 0, HEADQUARTERS)]
    links = []
    if hub:
        nodes.append(Node("hub", 0, HUB, rate=rate))
        links.append(Link(0, 1))
    nodes.append(Node("f0", 0, FORCE, force=0, mortal=mortal, succession=succession))
    links.append(Link(len(nodes) - 2, len(nodes) - 1, latency, loss, capacity))
    net = build(nodes, links, hq=[0, -1], n_forces=n_forces, taps=taps, jams=jams,
                two_way=True)
    return CommandLayer(net, [Reporting(), Reporting()], np.random.default_rng(7),
                        np.zeros(n_forces, np.int64), tactical=False)


def send_at(layer, times, force=0, alive=1.0):
    """Give an order to force 0 at each time, stepping the layer as an engine run would;
    the orders carried out and when."""
    done = []
    f = forces([alive])
    for t in times:
        while layer.next_time() <= t:
            tn = layer.next_time()
            done += [(tn, o) for o in layer.step(tn, nothing, f, horizon=t)]
        done += [(t, o) for o in layer.send(t, 0, [Order(OrderKind.hold, force=force)])]
    while math.isfinite(layer.next_time()):
        tn = layer.next_time()
        done += [(tn, o) for o in layer.step(tn, nothing, f)]
    return done


def delivered(layer):
    cols = layer.record.columns()
    ok = cols["status"] == 1
    return cols["t1"][ok] - cols["t0"][ok], cols


def test_a_fixed_latency_gives_exact_delays():
    layer = chain(latency=Latency(a=0.25))
    done = send_at(layer, [0.0, 1.0, 1.5])
    assert [t for t, _ in done] == [0.25, 1.25, 1.75]
    assert [o.issued for _, o in done] == [0.0, 1.0, 1.5]


def test_loss_converges_to_the_configured_probability():
    n, p = 4000, 0.3
    layer = chain(loss=p, latency=Latency(a=0.01))
    send_at(layer, np.arange(n) * 0.1)
    lost = int(layer.record.count[0, 1, 2])
    assert layer.record.count[0, 1].sum() == n
    lo, hi = stats.binomtest(lost, n).proportion_ci(0.999)
    assert lo <= p <= hi


def test_a_hub_is_an_m_m_1_queue():
    lam, mu, n = 2.0, 5.0, 20000
    layer = chain(hub=True, rate=mu)
    arrivals = np.cumsum(np.random.default_rng(3).exponential(1 / lam, n))
    send_at(layer, arrivals)
    delay, _ = delivered(layer)
    assert len(delay) == n
    # time in system is exponential with rate mu - lambda; after a warm-up, the mean of 20
    # batch means (each batch far longer than the queue's memory) has a t-distributed error
    batches = delay[1000:].reshape(20, -1).mean(axis=1)
    se = batches.std(ddof=1) / math.sqrt(len(batches))
    assert abs(batches.mean() - 1 / (mu - lam)) < stats.t.ppf(0.9995, len(batches) - 1) * se


def test_a_capacity_spaces_messages_out():
    layer = chain(capacity=2.0)
    done = send_at(layer, [0.0, 0.0, 0.0, 0.0])
    assert [t for t, _ in done] == [0.0, 0.5, 1.0, 1.5]


def test_jamming_raises_loss_and_delay_only_in_its_period():
    layer = chain(latency=Latency(a=0.1),
                  jams=[Jam(side=0, t_from=10.0, t_to=20.0, loss=1.0),
                        Jam(side=0, t_from=30.0, t_to=40.0, delay=2.0)])
    done = send_at(layer, [5.0, 15.0, 35.0])
    assert [t for t, _ in done] == pytest.approx([5.1, 37.1])
    assert layer.record.count[0, 1, 2] == 1


def test_a_tap_copies_orders_to_the_enemy_with_its_delay():
    layer = chain(latency=Latency(a=1.0), taps=[Tap(to_side=1, delay=0.2, link=0)])
    send_at(layer, [0.0, 3.0])
    assert [t for t, _ in layer.intercepts[1]] == [0.2, 3.2]
    assert all(o.kind is OrderKind.hold for _, o in layer.intercepts[1])


def test_a_stale_order_does_not_undo_a_newer_one():
    layer = chain(latency=Latency(UNIFORM, 0.0, 10.0))
    done = send_at(layer, np.arange(200) * 0.05)
    issued = [o.issued for _, o in done]
    assert issued == sorted(issued) and len(issued) < 200  # late arrivals were dropped


def test_latency_distributions_have_their_means():
    layer = chain(latency=Latency(EXPONENTIAL, 0.5))
    send_at(layer, np.arange(4000) * 100.0)
    delay, _ = delivered(layer)
    assert abs(delay.mean() - 0.5) < 4 * 0.5 / math.sqrt(len(delay))


def test_a_dead_commander_drops_traffic_until_a_successor_takes_over():
    layer = chain(latency=Latency(a=0.1), mortal=True, succession=5.0)
    f_dead = forces([0.0])
    layer.step(0.0, nothing, forces([1.0]))
    layer.step(0.5, nothing, f_dead)  # the commander force has nobody left from t = 0.5
    assert layer.send(1.0, 0, [Order(OrderKind.hold, force=0)]) == []
    out = []
    while math.isfinite(layer.next_time()):
        out += layer.step(layer.next_time(), nothing, f_dead)
    assert out == [] and layer.record.count[0, 1, 3] == 1  # dropped at the dead node
    later = send_at(layer, [6.0], alive=0.0)
    assert [t for t, _ in later] == [pytest.approx(6.1)]  # the successor (from t = 5.5)


def test_a_commander_not_yet_arrived_is_not_dead():
    layer = chain(latency=Latency(a=0.1), mortal=True, succession=math.inf)
    assert [t for t, _ in send_at(layer, [1.0], alive=0.0)] == [pytest.approx(1.1)]


def test_an_order_to_a_force_cut_off_from_headquarters_never_arrives():
    nodes = [Node("hq", 0, HEADQUARTERS), Node("f0", 0, FORCE, force=0)]
    net = build(nodes, [Link(1, 0)], hq=[0], n_forces=1)  # one way: up only
    layer = CommandLayer(net, [Reporting()], np.random.default_rng(0), np.zeros(1, np.int64),
                         tactical=False)
    assert send_at(layer, [1.0]) == [] and layer.record.count[0, 1, 2] == 1  # lost


def test_a_message_fate_does_not_depend_on_where_a_run_pauses():
    """Draws belong to a message (made as it is sent), not to the order the kernel meets
    messages in: the same orders give the same deliveries however the layer is stepped."""
    def deliveries(horizon_gap):
        layer = chain(latency=Latency(EXPONENTIAL, 0.5), loss=0.2, hub=True, rate=4.0)
        f = forces([1.0])
        times = np.arange(0.0, 20.0, 0.3)
        out = []
        for t in times:
            while layer.next_time() <= t:
                tn = layer.next_time()
                out += [(tn, o.issued) for o in layer.step(tn, nothing, f,
                                                           horizon=min(t, tn + horizon_gap))]
            out += [(t, o.issued) for o in layer.send(t, 0, [Order(OrderKind.hold, force=0)])]
        while math.isfinite(layer.next_time()):
            tn = layer.next_time()
            out += [(tn, o.issued) for o in layer.step(tn, nothing, f)]
        return out

    assert deliveries(0.05) == deliveries(10.0)


def test_routes_take_the_quickest_path_and_report_orphans():
    nodes = [Node("hq", 0, HEADQUARTERS), Node("slow", 0), Node("fast", 0),
             Node("f0", 0, FORCE, force=0), Node("f1", 0, FORCE, force=1)]
    links = [Link(0, 1, Latency(a=5)), Link(1, 3, Latency(a=5)), Link(0, 2, Latency(a=1)),
             Link(2, 3, Latency(a=1))]
    net = build(nodes, links, hq=[0], n_forces=2, two_way=True)
    up = net.up_node[net.up_ptr[3]:net.up_ptr[4]].tolist()
    down = net.down_node[net.down_ptr[3]:net.down_ptr[4]].tolist()
    assert up == [3, 2, 0] and down == [0, 2, 3]
    assert net.orphans() == [1]


def test_a_messages_latencies_are_numpys_array_draws_kind_by_kind():
    from warroom.command.draws import draw
    from warroom.command.network import EXPONENTIAL, FIXED, GAMMA

    n = 50
    for a, b, kind in ((np.full(n, 3.0), np.full(n, 2.0), np.full(n, GAMMA)),  # one kind
                       (np.linspace(1, 4, n), np.full(n, 2.0), np.full(n, GAMMA)),
                       (np.full(n, 3.0), np.r_[np.full(25, 2.0), np.full(25, 0.5)],
                        np.full(n, GAMMA)),
                       (np.linspace(1, 4, n), np.full(n, 2.0),  # kinds mixed: each in turn
                        np.array([EXPONENTIAL, FIXED, GAMMA] * n)[:n])):
        lat = np.full((n, 2), -1.0)
        spare = np.zeros((n, 2))
        # message i's route: node i then, over link i, node n + i
        draw(np.random.default_rng(8), lat, spare, spare.copy(), spare.copy(), spare.copy(),
             np.arange(n), np.arange(0, 2 * n + 1, 2), np.arange(2 * n),
             np.column_stack([np.full(n, -1), np.arange(n)]).ravel(),
             np.full(2 * n, np.inf), np.column_stack([kind, a, b]).astype(float),
             np.zeros(3), False, False, False, False)
        rng = np.random.default_rng(8)
        want = a.copy()  # a fixed latency is its mean, and draws nothing
        e, g = kind == EXPONENTIAL, kind == GAMMA
        want[e] = a[e] * rng.standard_exponential(int(e.sum()))
        want[g] = rng.gamma(b[g], a[g] / b[g])
        np.testing.assert_array_equal(lat[:, 1], want)
        assert (lat[:, 0] == -1.0).all()  # no member's hop: position 0 left as it was
