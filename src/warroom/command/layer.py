"""The command layer: the core's `Command` over a compiled `Network`, for every scale.

Orders a side's controller gives leave its headquarters and are carried out when they reach
the force (the last one issued wins; one that arrives after a newer one is stale). Each
reporting period every force (tactical: every entity) sends what it sees and its own state
up to headquarters; a force that took losses since its last report also calls for help (a
plea). What arrives is the side's `Belief`, and a controller's observation shows that, never
the truth. Taps copy traffic to the enemy, who learns the sender's state (a report, a plea)
or reads the order. Commanders are nodes: while one is dead and not yet replaced, what
reaches it is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numba import njit

from ..core.engine import Forces, Observation
from ..core.orders import Order, changed, issued_at
from ..core.picture import FIELDS, Picture
from ..results.result import dict_column, stacked
from .belief import Beliefs
from .draws import draw
from .messages import (
    KIND_NAMES,
    MSG,
    ORDER,
    PLEA,
    REPORT,
    ROW,
    STATUS_NAMES,
    Columns,
    Record,
    collect,
    first_ready,
)
from .network import CIRCLE, EVERYWHERE, Network
from .transit import DELIVERED, DOWN, LEAF, LIVE, LOST, SERVED, UP, process

# what is random about each message, per position on its route (see `transit.process`)
DRAWS = ("lat", "lose", "serve", "tap_node", "tap_link")
ERROR_SAMPLE = 10_000  # believed items the belief's error is measured on, at most about
PICTURE_ROWS = 2_000_000  # rows of the tactical pictures kept for the war room, at most


@dataclass(frozen=True)
class Reporting:
    """How a side reports: every `every` units of time (inf: never), with a relative error
    `noise` on reported strengths (aggregate); its belief's uncertainty grows by `drift`
    of a strength per unit of time (aggregate) and rows older than `forget` are dropped;
    `pleas`: a force that took losses since its last report calls for help."""

    every: float = math.inf
    noise: float = 0.0
    drift: float = 0.0
    forget: float = math.inf
    pleas: bool = True


@dataclass(frozen=True, eq=False)
class Jammer:
    """Entities (`entities`, a mask; those of side `side` excepted) that, while alive,
    jam the hops of side `side` that start within `radius` of them."""

    side: int
    entities: np.ndarray
    radius: float
    loss: float = 0.0
    delay: float = 0.0
    t_from: float = -math.inf
    t_to: float = math.inf


class CommandLayer:
    def __init__(self, net: Network, reporting: Sequence[Reporting], rng: np.random.Generator,
                 force_side: np.ndarray, tactical: bool, n_items: int | None = None,
                 item_speed: np.ndarray | None = None, t0: float = 0.0,
                 sample: int = 100_000, jammers: Sequence[Jammer] = ()):
        S = len(net.hq)
        F = len(force_side)
        self.net, self.rep, self.rng, self.tactical = net, list(reporting), rng, tactical
        self.force_side = np.asarray(force_side, np.int64)
        self.has = net.hq >= 0
        n = F if n_items is None else n_items
        self.speed = np.zeros(n) if item_speed is None else np.asarray(item_speed, float)
        self.beliefs = Beliefs(S, n, [(r.noise, r.drift, r.forget) for r in self.rep])
        self.max_hops = int(max(np.diff(net.up_ptr).max(initial=0),
                                np.diff(net.down_ptr).max(initial=0))) + 1
        # what is random about a message, drawn as it is sent (see `transit`)
        self.live = Columns({**MSG, **{k: (float, (self.max_hops,)) for k in DRAWS}})
        self.rows = Columns(ROW)
        self.lossy = bool((net.link_loss > 0).any() or (net.member[:, 3] > 0).any()
                          or len(net.jams) or jammers)
        self.known_t = -math.inf  # when the nodes' state (who is dead) was last seen
        self.servers = bool(np.isfinite(net.node_rate).any())
        self.reports = net.force_reports  # forces whose reports can reach headquarters
        self.ev_t, self.ev_m, self.ev_g = np.zeros(0), np.zeros(0, np.int64), np.zeros(0,
                                                                                     np.int64)
        # the taps' copies: the slot of the message copied (kept while a copy waits to be
        # read; renumbered as the table is compacted), the side that reads it and when
        self.copies = {"slot": np.zeros(0, np.int64), "side": np.zeros(0, np.int64),
                       "t": np.zeros(0)}
        self.next_report = np.array([t0 if self.has[s] and math.isfinite(r.every) else math.inf
                                     for s, r in enumerate(self.rep)])
        self.orders: list[Order] = []
        self.order_t = np.full(F, np.nan)
        self.pleas: list[list[tuple[int, float]]] = [[] for _ in range(S)]
        self.intercepts: list[list[tuple[float, Order]]] = [[] for _ in range(S)]
        self._pleas_seen = [np.zeros((0, 2)) for _ in range(S)]
        self._intercepts_seen: list[tuple] = [() for _ in range(S)]
        N, L = net.n_nodes, len(net.link_src)
        self.node_free, self.link_free = np.full(N, -np.inf), np.full(L, -np.inf)
        self.down_from, self.down_until = np.full(N, np.inf), np.full(N, np.inf)
        self.stood = np.zeros(N, bool)
        self.node_x, self.node_y = net.node_x.copy(), net.node_y.copy()
        self.jammers = list(jammers)
        self.jams = net.jams
        self.shaped = bool((net.jams[:, 5] != EVERYWHERE).any()) or bool(self.jammers)
        self.lost_seen = np.zeros(F)
        self.record = Record(S, sample)
        self.errors: list[tuple[float, int, int, float, float, float]] = []
        # each side's picture at each of its reports (tactical): what the war room shows
        # (t, side, items, x, y, seen)
        self.pictures: list[tuple] = []
        self.picture_rows = 0
        self.next_id = 0
        self._next: float | None = None
        self.contended = bool(np.isfinite(net.node_rate).any() or np.isfinite(net.link_cap).any())

    # the core's Command protocol

    def next_time(self) -> float:
        if self._next is None:  # worked out once per change
            m = self.live
            self._next = min(self.ev_t.min(initial=math.inf),
                             self.copies["t"].min(initial=math.inf),
                             float(self.next_report.min(initial=math.inf)),
                             first_ready(m.full("status"), m.full("done"), m.full("t1"),
                                         len(m)))
        return self._next

    def step(self, t: float, sightings: Callable[[int], Picture], forces: Forces,
             horizon: float = math.inf) -> list[Order]:
        """Deliver what is due by t and send the reports due at t; then work out what
        travels until the next time anything can be sent (the next report, `horizon`), so
        the battle stops only where a message finishes (delivered, lost or dropped) or
        waits at a commander's node to learn whether he still stands."""
        self._next = None
        self._liveness(t, forces)
        if (self.next_report <= t).any():
            self._report(t, sightings, forces)
        # one pass: everything due by t, and on to the next time anything can be sent
        ahead = min(horizon, float(self.next_report.min(initial=math.inf)))
        if ahead > t:
            self._run(ahead, inclusive=False)
        else:
            self._run(t)
        out, waiting = self._collect(t)
        self._known(t, forces)
        self._compact(waiting)
        return out

    def send(self, t: float, side: int, orders: Sequence[Order]) -> list[Order]:
        now: list[Order] = []
        sent = []
        F, has, hq = len(self.order_t), bool(self.has[side]), int(self.net.hq[side])
        nodes, order_t = self.net.force_node, self.order_t
        for o in orders:
            o = issued_at(o, t)
            f = o.force
            node = int(nodes[f]) if has and 0 <= f < F else -1
            if node < 0 or node == hq:  # no network, or one that does not carry it
                if 0 <= f < F:
                    order_t[f] = o.issued
                now.append(o)
                continue
            sent.append((node, o))
        if sent:
            self._next = None
            msg, base = self._new(len(sent), ORDER, side, DOWN, t)
            cut = [k for k, (n, _) in enumerate(sent)
                   if self.net.down_ptr[n + 1] == self.net.down_ptr[n]]
            msg["route"][:] = [n for n, _ in sent]
            msg["force"][:] = [o.force for _, o in sent]
            msg["order"][:] = np.arange(len(self.orders), len(self.orders) + len(sent))
            self.orders += [o for _, o in sent]
            self._enqueue(base, len(sent), SERVED, t)
            if cut:  # no route from headquarters: the order never leaves
                msg["status"][cut], msg["t1"][cut] = LOST, t
                self._drop_events(base + np.array(cut))
            self._run(t)
            now += self._collect(t)[0]
        return now

    def observe(self, obs: Observation) -> Observation:
        s = obs.side
        own = obs.force_side == s
        pleas = self._as_array(s)
        picture = self.beliefs[s].picture(obs.t, self.tactical)
        if not self.has[s]:  # what its sensors see now, and what it overheard
            picture = _merge(obs.picture, picture)
        return obs.believing(picture, np.where(own, self.order_t, np.nan), pleas,
                             self._intercepts_of(s))

    def _as_array(self, s: int) -> np.ndarray:
        """The side's pleas as an (n, 2) array, converted once per plea (they only grow)."""
        have = self._pleas_seen[s]
        new = self.pleas[s][len(have):]
        if new:
            self._pleas_seen[s] = have = np.concatenate([have, np.array(new, float)])
        return have

    def _intercepts_of(self, s: int) -> tuple:
        if len(self._intercepts_seen[s]) != len(self.intercepts[s]):
            self._intercepts_seen[s] = tuple(self.intercepts[s])
        return self._intercepts_seen[s]

    # the results

    def tables(self, force_ids: tuple[str, ...], side_ids: tuple[str, ...]
               ) -> dict[str, pa.Table]:
        """messages: the finished messages kept (`weight`: how many each row stands for,
        above the sample size); belief: each side's error and staleness at each report;
        pictures (tactical): at each report, the entities the side believed in, where, and
        when each was seen (the first PICTURE_ROWS rows)."""
        c = self.record.columns()
        n = len(c["id"])
        sides = tuple(side_ids)
        err = np.array(self.errors, float).reshape(-1, 6)
        delivered = c["status"] == DELIVERED
        return {
            "messages": pa.table({
                "id": pa.array(c["id"], pa.int64()),
                "side": dict_column(c["side"].astype(np.int64), sides),
                "kind": dict_column(c["kind"].astype(np.int64), KIND_NAMES),
                "force": dict_column(c["force"].astype(np.int64), tuple(force_ids)),
                "sent": pa.array(c["t0"], pa.float64()),
                "done": pa.array(c["t1"], pa.float64()),
                "status": dict_column(c["status"].astype(np.int64), STATUS_NAMES),
                "delay": pa.array(np.where(delivered, c["t1"] - c["t0"], np.nan),
                                  pa.float64()),
                "hops": pa.array(c["hops"], pa.int64()),
                "weight": pa.array(np.full(n, self.record.stride), pa.int64())}),
            "belief": pa.table({
                "t": pa.array(err[:, 0], pa.float64()),
                "side": dict_column(err[:, 1].astype(np.int64), sides),
                "items": pa.array(err[:, 2].astype(np.int64), pa.int64()),
                "position_error": pa.array(err[:, 3], pa.float64()),
                "strength_error": pa.array(err[:, 4], pa.float64()),
                "staleness": pa.array(err[:, 5], pa.float64())}),
            **({"pictures": self._pictures(sides)} if self.tactical else {}),
        }

    def _pictures(self, sides: tuple[str, ...]) -> pa.Table:
        t, side, item, x, y, seen = stacked(
            self.pictures, (np.int64, np.int64, np.float32, np.float32, float))
        return pa.table({"t": t, "side": dict_column(side, sides), "entity": item, "x": x,
                         "y": y, "seen": seen})

    def facts(self, side_ids: tuple[str, ...]) -> dict[str, float]:
        """Per side with a network: messages sent and the share lost or dropped, the mean
        delay of delivered reports and orders, and the mean error and staleness of its
        belief over the battle."""
        out: dict[str, float] = {}
        cnt, delay = self.record.count, self.record.delay
        err = np.array(self.errors, float).reshape(-1, 6)
        for s in np.flatnonzero(self.has):
            name = side_ids[s]
            sent = int(cnt[s].sum())
            out[f"messages_{name}"] = float(sent)
            out[f"messages_lost_share_{name}"] = (float(cnt[s, :, LOST:].sum() / sent)
                                                  if sent else math.nan)
            for k, kind in ((REPORT, "report"), (ORDER, "order")):
                ok = int(cnt[s, k, DELIVERED])
                out[f"{kind}_delay_{name}"] = float(delay[s, k] / ok) if ok else math.nan
            mine = err[err[:, 1] == s]
            for col, key in ((3, "position_error"), (4, "strength_error"), (5, "staleness")):
                v = mine[:, col]
                v = v[~np.isnan(v)]
                out[f"belief_{key}_{name}"] = float(v.mean()) if len(v) else math.nan
        return out

    # inside

    def _new(self, n: int, kind: int, side: int, direction: int, t: float
             ) -> tuple[dict[str, np.ndarray], int]:
        """Room for n messages in the table, their common fields set; their views (to fill
        in) and the slot of the first."""
        base = len(self.live)
        self.live.reserve(2 * n)  # the next batch as large as this one fits without growing
        msg = self.live.add(n)
        msg["id"][:] = np.arange(self.next_id, self.next_id + n)
        self.next_id += n
        msg["kind"][:], msg["side"][:], msg["dir"][:] = kind, side, direction
        msg["t0"][:], msg["t1"][:] = t, np.nan
        msg["hop"][:], msg["status"][:], msg["done"][:], msg["order"][:] = 0, LIVE, 0, -1
        msg["rn"][:] = 0
        if kind != REPORT:  # reports say where the sender is and what it holds
            msg["x"][:], msg["y"][:], msg["item"][:], msg["strength"][:] = np.nan, np.nan, -1, 0
        return msg, base

    def _enqueue(self, base: int, n: int, stage: int, t: float) -> None:
        self._draw(base, n, stage == LEAF)
        self.ev_t = np.concatenate([self.ev_t, np.full(n, t)])
        self.ev_m = np.concatenate([self.ev_m, np.arange(base, base + n)])
        self.ev_g = np.concatenate([self.ev_g, np.full(n, stage, np.int64)])

    def _drop_events(self, slots: np.ndarray) -> None:
        keep = ~np.isin(self.ev_m, slots)
        self.ev_t, self.ev_m, self.ev_g = self.ev_t[keep], self.ev_m[keep], self.ev_g[keep]

    def _draw(self, base: int, n: int, leaf: bool) -> None:
        """The draws of messages base .. base + n (one side, one direction): per position
        on the route, the latency of the hop that reaches it (position 0: the member's own
        hop), the uniform its loss is decided by, the service time at its node, and the
        uniforms of the taps there."""
        if not n:
            return
        net, m = self.net, self.live
        lat, lose, serve, tap_node, tap_link = (m.full(k)[base:base + n] for k in DRAWS)
        down = bool(m["dir"][base] == DOWN)
        ptr, nodes, links = ((net.down_ptr, net.down_node, net.down_link) if down else
                             (net.up_ptr, net.up_node, net.up_link))
        draw(self.rng, lat, lose, serve, tap_node, tap_link, m["route"][base:base + n], ptr,
             nodes, links, net.node_rate, net.link_lat, net.member[int(m["side"][base]), :3],
             leaf, self.servers, self.lossy, len(net.taps) > 0)

    def _liveness(self, t: float, forces: Forces) -> None:
        """A commander with nobody left goes down, until a successor takes over."""
        net = self.net
        self.known_t = t
        mortal = np.flatnonzero(net.node_mortal)
        if len(mortal):
            strength = forces.strength[net.node_force[mortal]]
            self.stood[mortal] |= strength > 0  # one who has not arrived yet is not dead
            gone = (strength <= 0) & self.stood[mortal]
            new = mortal[gone & ~(self.down_from[mortal] <= t)]
            self.down_from[new] = t
            self.down_until[new] = t + net.node_succession[new]
        if self.shaped and forces.members is not None:
            m = forces.members
            f = net.node_force
            alive = m.alive
            n = np.bincount(m.force[alive], minlength=len(forces.x0))
            with np.errstate(invalid="ignore", divide="ignore"):
                cx = np.bincount(m.force[alive], m.x[alive], len(forces.x0)) / n
                cy = np.bincount(m.force[alive], m.y[alive], len(forces.x0)) / n
            has = f >= 0
            self.node_x[has], self.node_y[has] = cx[f[has]], cy[f[has]]
            rows = [self.net.jams]
            for j in self.jammers:
                on = np.flatnonzero(j.entities & alive & (m.side != j.side))
                rows.append(np.column_stack([
                    np.full(len(on), j.side), np.full(len(on), j.t_from),
                    np.full(len(on), j.t_to), np.full(len(on), j.loss),
                    np.full(len(on), j.delay), np.full(len(on), CIRCLE), m.x[on], m.y[on],
                    np.full(len(on), j.radius), np.zeros(len(on))]))
            self.jams = np.concatenate(rows) if len(rows) > 1 else self.net.jams

    def _known(self, t: float, forces: Forces) -> None:
        """Tell the engine what each side with a network believes in (fire beyond a
        shooter's own sight is called in by reports)."""
        mem = forces.members
        if not self.tactical or mem is None or not mem.known.size:
            return
        for s in np.flatnonzero(self.has):
            b = self.beliefs[int(s)]
            mem.known[s] = (t - b.t <= b.forget) & (b.strength > 0)

    def _run(self, t: float, inclusive: bool = True) -> None:
        """Handle the events due by t (before t: not inclusive)."""
        if not inclusive:
            t = float(np.nextafter(t, -np.inf))
        due = self.ev_t <= t
        if not due.any():
            return
        rows = np.flatnonzero(due)
        times = self.ev_t[rows]
        # time order matters only where messages contend (a node that serves, a link with a
        # capacity); elsewhere each message's chain is its own
        if self.contended and len(rows) > 1 and (times[1:] < times[:-1]).any():
            rows = rows[np.argsort(times, kind="stable")]
        later = ~due
        n = len(rows)
        out_t, out_m, out_g = np.empty(n), np.empty(n, np.int64), np.empty(n, np.int64)
        room = n * self.max_hops * max(len(self.net.taps), 1) * 2
        cp_m, cp_s, cp_t = np.empty(room, np.int64), np.empty(room, np.int64), np.empty(room)
        net, m = self.net, self.live.full
        lat, lose, serve, tap_node, tap_link = (m(k) for k in DRAWS)
        n_out, n_cp = process(
            t, self.known_t, lat, lose, serve, tap_node, tap_link, self.ev_t[rows],
            self.ev_m[rows], self.ev_g[rows],
            m("side"), m("dir"), m("route"), m("hop"), m("status"), m("t1"), m("x"), m("y"),
            net.up_ptr, net.up_node, net.up_link, net.down_ptr, net.down_node, net.down_link,
            net.node_rate, net.node_mortal, self.node_x, self.node_y, self.down_from,
            self.down_until, self.node_free, net.link_loss, net.link_cap, self.link_free,
            net.member, self.jams, net.taps, out_t, out_m, out_g, cp_m, cp_s, cp_t)
        self.ev_t = np.concatenate([self.ev_t[later], out_t[:n_out]])
        self.ev_m = np.concatenate([self.ev_m[later], out_m[:n_out]])
        self.ev_g = np.concatenate([self.ev_g[later], out_g[:n_out]])
        if n_cp:
            c = self.copies
            self.copies = {"slot": np.concatenate([c["slot"], cp_m[:n_cp]]),
                           "side": np.concatenate([c["side"], cp_s[:n_cp]]),
                           "t": np.concatenate([c["t"], cp_t[:n_cp]])}

    def _report(self, t: float, sightings: Callable[[int], Picture], forces: Forces) -> None:
        net = self.net
        strength = forces.strength
        for s in np.flatnonzero(self.next_report <= t):
            rep = self.rep[s]
            while self.next_report[s] <= t:
                self.next_report[s] += rep.every
            pic = sightings(int(s))
            mine = (self.force_side == s) & (net.force_node >= 0)
            if self.tactical and forces.members is not None:
                mem = forces.members
                who = np.flatnonzero(mem.alive & mine[mem.force])
                who = who[self.reports[mem.force[who]]]
                msg, base = self._new(len(who), REPORT, int(s), UP, t)
                msg["route"][:] = net.force_node[mem.force[who]]
                msg["hop"][:] = -1
                msg["x"][:], msg["y"][:] = mem.x[who], mem.y[who]
                msg["force"][:], msg["item"][:], msg["strength"][:] = mem.force[who], who, 1.0
                slot = np.full(len(mem.force), -1, np.int64)
                stage = LEAF
            else:
                who = np.flatnonzero(mine & (strength > 0))
                who = who[self.reports[who]]
                msg, base = self._new(len(who), REPORT, int(s), UP, t)
                msg["route"][:] = net.force_node[who]
                msg["force"][:], msg["item"][:] = who, who
                at = forces.place[who] if len(forces.place) else np.nan
                msg["strength"][:], msg["x"][:], msg["y"][:] = strength[who], at, np.nan
                slot = np.full(len(strength), -1, np.int64)
                stage = SERVED
            slot[who] = np.arange(base, base + len(who))
            self._carry(pic, slot, rep.noise)
            self._enqueue(base, len(who), stage, t)
            if rep.pleas:
                self._plea(int(s), t, forces, mine)
            self._error(int(s), t, forces)

    def _carry(self, pic: Picture, slot: np.ndarray, noise: float) -> None:
        """The sightings each report carries (those of its sender)."""
        if not len(pic):
            return
        src = pic.source
        sent = (src >= 0) & (src < len(slot))
        sent[sent] = slot[src[sent]] >= 0
        if not sent.any():
            return
        # rows are kept in the order of their messages' slots, each message's together
        ok = np.flatnonzero(sent)
        at = slot[src[ok]]
        order = np.argsort(at, kind="stable")
        ok, at = ok[order], at[order]
        strength = pic.strength[ok]
        if noise > 0 and not self.tactical:  # an entity is seen or not: no noise on a count
            strength = strength * np.maximum(
                1.0 + noise * self.rng.standard_normal(len(strength)), 0.0)
        base = len(self.rows)
        rows = self.rows.add(len(ok))
        rows["slot"][:], rows["item"][:], rows["force"][:] = at, pic.item[ok], pic.force[ok]
        rows["strength"][:], rows["x"][:], rows["y"][:], rows["t"][:] = strength, pic.x[ok], \
            pic.y[ok], pic.t[ok]
        rows["source"][:], rows["speed"][:] = src[ok], self.speed[pic.item[ok]]
        first = np.flatnonzero(np.r_[True, at[1:] != at[:-1]])
        self.live["r0"][at[first]] = base + first
        self.live["rn"][at[first]] = np.diff(np.r_[first, len(at)])

    def _plea(self, s: int, t: float, forces: Forces, mine: np.ndarray) -> None:
        lost = forces.ledger[2]
        hit = np.flatnonzero(mine & (lost > self.lost_seen) & (forces.strength > 0))
        self.lost_seen[mine] = lost[mine]
        net = self.net
        hit = hit[self.reports[hit]]
        if len(hit):
            msg, base = self._new(len(hit), PLEA, s, UP, t)
            msg["route"][:] = net.force_node[hit]
            msg["force"][:], msg["item"][:] = hit, hit
            msg["strength"][:] = forces.strength[hit]
            self._enqueue(base, len(hit), SERVED, t)

    def _collect(self, t: float) -> tuple[list[Order], int]:
        """The messages finished by t collected: the orders to carry out now, and how many
        slots are still in transit or not yet collected."""
        m = self.live
        out: list[Order] = []
        rec = self.record
        rows, rep, plea, order, kept, waiting = collect(
            m.full("status"), m.full("done"), m.full("t1"), m.full("kind"), m.full("side"),
            m.full("t0"), m.full("id"), t, len(m), rec.stride, rec.count, rec.delay)
        if len(rep):
            self._believe(m, rep)
        for k in plea:
            self.pleas[int(m["side"][k])].append((int(m["force"][k]), float(m["t0"][k])))
        for k in order:
            o = self.orders[int(m["order"][k])]
            f = o.force
            if not self.order_t[f] > o.issued:  # never a stale order over a newer one
                self.order_t[f] = o.issued
                out.append(o)
        rec.add(m, kept)
        self._read(t)
        return out, waiting

    def _believe(self, m: Columns, rep: np.ndarray) -> None:
        """Reports delivered (slots `rep`): their rows into their sides' beliefs."""
        self.beliefs.deliver(rep[m["rn"][rep] > 0], m, self.rows)

    def _read(self, t: float) -> None:
        """Copies the taps made, read by the enemy once their delay has passed."""
        c = self.copies
        due = c["t"] <= t
        if not due.any():
            return
        m = self.live
        slot = c["slot"][due]
        side, when = c["side"][due], c["t"][due]
        kind = m["kind"][slot]
        read = kind == ORDER
        orders = self.orders
        for s, w, k in zip(side[read].tolist(), when[read].tolist(),
                           m["order"][slot[read]].tolist(), strict=True):
            o = orders[k]  # a copy: the enemy reads, never writes
            self.intercepts[s].append((w, changed(o, weights=dict(o.weights))))
        # reports and pleas tell the reader the sender's state (at the tactical scale a plea
        # names a force and the enemy's picture is of entities: it tells nothing)
        state = (kind != ORDER) & ((kind != PLEA) | (not self.tactical))
        for s in np.flatnonzero(np.bincount(side[state], minlength=len(self.has))):
            k = slot[state & (side == s)]
            item = m["item"][k].astype(np.int64)
            self.beliefs[int(s)].update(
                item, m["t0"][k], m["x"][k], m["y"][k], m["strength"][k], m["force"][k],
                np.full(len(k), -1), self.speed[item] if self.tactical else np.zeros(len(k)))
        self.copies = {k: v[~due] for k, v in c.items()}

    def _compact(self, waiting: int) -> None:
        """Drop finished messages nobody will read again, and the rows they carried."""
        m = self.live
        if waiting > len(m) / 4:  # slots in transit or not collected (`_collect`)
            return  # not worth it yet
        keep = (m["status"] == LIVE) | (m["done"] == 0)
        # copies to be read only add to it
        keep[self.copies["slot"]] = True
        if keep.sum() > len(keep) / 4:  # not worth it yet
            return
        new = np.cumsum(keep) - 1
        self.ev_m = new[self.ev_m]
        self.copies["slot"] = new[self.copies["slot"]]
        self.rows.keep(keep[self.rows["slot"]])
        self.rows["slot"][:] = new[self.rows["slot"]]
        m.keep(keep)
        carries = np.flatnonzero(m["rn"] > 0)  # rows stay in slot order: find each one's first
        m["r0"][carries] = np.searchsorted(self.rows["slot"], carries)

    def _error(self, s: int, t: float, forces: Forces) -> None:
        """How far this side's belief is from the truth now (for the results only)."""
        b = self.beliefs[s]
        keep = (t - b.t <= b.forget) & ((b.strength > 0) if self.tactical else True)
        rows = np.flatnonzero(keep)
        if self.tactical and self.picture_rows + len(rows) <= PICTURE_ROWS:
            self.picture_rows += len(rows)
            self.pictures.append((t, np.full(len(rows), s), rows, b.x[rows].astype(np.float32),
                                  b.y[rows].astype(np.float32), b.t[rows]))
        rows = rows[::max(len(rows) // ERROR_SAMPLE, 1)]  # a systematic sample is enough
        if not len(rows):
            self.errors.append((t, s, 0, math.nan, math.nan, math.nan))
            return
        stale = float(t - b.t[rows].mean())
        F = len(forces.x0)
        force = b.force[rows]
        heard = np.bincount(force, minlength=F) > 0
        believed = np.bincount(force, weights=b.strength[rows], minlength=F)[heard]
        true = np.maximum(forces.strength[heard], 0.0)
        s_err = float(np.mean(np.abs(believed - true) / np.maximum(true, 1.0)))
        p_err = math.nan
        mem = forces.members
        if self.tactical and mem is not None:
            p_err = float(np.mean(np.hypot(b.x[rows] - mem.x[rows], b.y[rows] - mem.y[rows])))
        self.errors.append((t, s, len(rows), p_err, s_err, stale))


def _merge(a: Picture, b: Picture) -> Picture:
    """Rows of both pictures, the newer row of an item kept (a's where they are as new)."""
    if not len(b):
        return a
    if not len(a):
        return b
    fast, rows = _newer_rows(a.item, a.t, b.item, b.t)
    if fast:  # rows of b then a, over the items
        return Picture(*(np.concatenate([getattr(b, k), getattr(a, k)])[rows] for k in FIELDS))
    both = Picture(*(np.concatenate([getattr(a, k), getattr(b, k)]) for k in FIELDS))
    order = np.lexsort((-both.t, both.item))
    first = np.r_[True, both.item[order][1:] != both.item[order][:-1]]
    return both.take(order[first])


@njit(cache=True, error_model="numpy")
def _newer_rows(a_item, a_t, b_item, b_t):
    """Where each picture holds an item once, in increasing order, seen at a known time (an
    engine's sightings and a belief's picture do): (True, the row each item takes, item by
    item, b's rows first then a's, a's where it is as new). (False, -) otherwise."""
    for item, t in ((a_item, a_t), (b_item, b_t)):
        if item[0] < 0 or np.isnan(t[0]):
            return False, np.zeros(0, np.int64)
        for k in range(1, item.shape[0]):
            if item[k] <= item[k - 1] or np.isnan(t[k]):
                return False, np.zeros(0, np.int64)
    nb = b_item.shape[0]
    pick = np.full(max(a_item[-1], b_item[-1]) + 1, -1, np.int64)
    for j in range(nb):
        pick[b_item[j]] = j
    for i in range(a_item.shape[0]):
        theirs = pick[a_item[i]]
        if theirs < 0 or a_t[i] >= b_t[theirs]:
            pick[a_item[i]] = nb + i
    n = 0
    for w in range(pick.shape[0]):
        if pick[w] >= 0:
            n += 1
    rows = np.empty(n, np.int64)
    n = 0
    for w in range(pick.shape[0]):
        if pick[w] >= 0:
            rows[n] = pick[w]
            n += 1
    return True, rows


__all__ = ["DELIVERED", "LOST", "CommandLayer", "Jammer", "Reporting"]
