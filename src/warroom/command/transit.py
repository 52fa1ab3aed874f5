"""Messages in transit, moved hop by hop in exact time order.

A message's life is a chain of events: it starts at a member (the hop to its force's node)
or at a node; it arrives at a node (a dead node drops it; a tap copies it); a node with a
service rate serves it in turn (FIFO, one at a time, exponential service: a hub is an M/M/1
queue, so time in system is measured, not assumed); it enters a link (a link with a capacity
takes one message every 1/capacity), may be lost, and arrives after a drawn latency; at the
end of its route it is delivered. `process(now)` handles every event due by `now`, earliest
first, and hands back the events of later times. What is random about a message (each hop's
latency and loss, its service times, whether a tap reads it) was drawn when it was sent
(per position on its route: the latency of the hop that reaches it, the uniform its loss
is decided by, the service time there, the uniforms of the taps on the node and the link),
so a message's fate does not depend on the order the kernel meets it in, nor on where a run
was paused. A message that would reach a node that can die (a commander) later than `known`
(when the nodes' state was last seen) waits until then.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .network import BOX, CIRCLE

# event stages: at a node (to be served if it serves), served there (a message that starts
# at a node starts here), leaving a member for its force's node
ARRIVE, SERVED, LEAF = 0, 1, 2
LIVE, DELIVERED, LOST, DROPPED = 0, 1, 2, 3  # message status
UP, DOWN = 0, 1


GOLDEN = 0.6180339887498949  # spreads one uniform into another per tap (u + k * golden)


@njit(cache=True, error_model="numpy")
def _jammed(jams, side, t, x, y):
    """Loss probability and added delay of the jams acting on a hop of `side` that starts
    at (x, y) at time t."""
    keep, delay = 1.0, 0.0
    for j in range(jams.shape[0]):
        if int(jams[j, 0]) != side or not (jams[j, 1] <= t < jams[j, 2]):
            continue
        shape = int(jams[j, 5])
        if shape == BOX and not (jams[j, 6] <= x <= jams[j, 8] and jams[j, 7] <= y <= jams[j, 9]):
            continue
        if shape == CIRCLE and (x - jams[j, 6]) ** 2 + (y - jams[j, 7]) ** 2 > jams[j, 8] ** 2:
            continue
        keep *= 1.0 - jams[j, 3]
        delay += jams[j, 4]
    return 1.0 - keep, delay


@njit(cache=True, error_model="numpy")
def _push(ht, hs, hm, hg, n, t, seq, m, stage):
    """Push onto the binary heap held in the first n slots (ordered by time, then seq)."""
    i = n
    while i > 0:
        p = (i - 1) // 2
        if ht[p] < t or (ht[p] == t and hs[p] < seq):
            break
        ht[i], hs[i], hm[i], hg[i] = ht[p], hs[p], hm[p], hg[p]
        i = p
    ht[i], hs[i], hm[i], hg[i] = t, seq, m, stage
    return n + 1


@njit(cache=True, error_model="numpy")
def _pop(ht, hs, hm, hg, n):
    """Remove the heap's first item (read it before calling); the new size."""
    n -= 1
    t, seq, m, stage = ht[n], hs[n], hm[n], hg[n]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= n:
            break
        if c + 1 < n and (ht[c + 1] < ht[c] or (ht[c + 1] == ht[c] and hs[c + 1] < hs[c])):
            c += 1
        if t < ht[c] or (t == ht[c] and seq < hs[c]):
            break
        ht[i], hs[i], hm[i], hg[i] = ht[c], hs[c], hm[c], hg[c]
        i = c
    ht[i], hs[i], hm[i], hg[i] = t, seq, m, stage
    return n


@njit(cache=True, error_model="numpy")
def process(now, known, lat, lose, serve, tap_node, tap_link, ev_t, ev_m, ev_g, m_side,
            m_dir, m_route, m_hop, m_status, m_t1, m_x, m_y, ptr_up, node_up, link_up, ptr_dn,
            node_dn, link_dn, node_rate, mortal, node_x, node_y, down_from, down_until,
            node_free, link_loss, link_cap, link_free, member, jams, taps, out_t, out_m, out_g,
            cp_m, cp_side, cp_t):
    """Handle the events (ev_*, sorted by time) and every event they lead to by `now`.
    Writes message status and delivery time; returns how many events are left for later
    (written to out_*, room: one per event given) and how many copies taps made (cp_*:
    message, side that reads it, when; room: one per event, hop and tap)."""
    n_ev = ev_t.shape[0]
    cap = n_ev + 1
    ht = np.empty(cap)
    hs = np.empty(cap, np.int64)
    hm = np.empty(cap, np.int64)
    hg = np.empty(cap, np.int64)
    nh = 0
    seq = n_ev
    i = 0
    n_out = 0
    n_cp = 0
    while i < n_ev or nh > 0:
        if nh > 0 and (i >= n_ev or ht[0] < ev_t[i]):
            t, m, g = ht[0], hm[0], hg[0]
            nh = _pop(ht, hs, hm, hg, nh)
        else:
            t, m, g = ev_t[i], ev_m[i], ev_g[i]
            i += 1
        s = m_side[m]
        r = m_route[m]
        if m_dir[m] == UP:
            p0, nodes, links = ptr_up[r], node_up, link_up
            end = ptr_up[r + 1]
        else:
            p0, nodes, links = ptr_dn[r], node_dn, link_dn
            end = ptr_dn[r + 1]
        # walk the message on while nothing else can come between: only a node that serves
        # or a link with a capacity needs messages in time order (this event is, being the
        # earliest left; once the walk has moved the clock on, it is not)
        ordered = True
        while True:
            if g == LEAF:  # the member's own hop to its force's node (its first node)
                loss, extra = _jammed(jams, s, t, m_x[m], m_y[m])
                if lose[m, 0] < 1.0 - (1.0 - member[s, 3]) * (1.0 - loss):
                    m_status[m] = LOST
                    m_t1[m] = t
                    break
                t = t + lat[m, 0] + extra
                m_hop[m] = 0
                g = ARRIVE
                ordered = False
            h = m_hop[m]
            n = nodes[p0 + h]
            if g == ARRIVE:
                if t > now or (mortal[n] and t > known):
                    out_t[n_out], out_m[n_out], out_g[n_out] = t, m, ARRIVE
                    n_out += 1
                    break
                serves = np.isfinite(node_rate[n])
                if serves and not ordered:
                    nh = _push(ht, hs, hm, hg, nh, t, seq, m, ARRIVE)
                    seq += 1
                    break
                if down_from[n] <= t < down_until[n]:
                    m_status[m] = DROPPED
                    m_t1[m] = t
                    break
                for k in range(taps.shape[0]):
                    if (int(taps[k, 4]) == n and int(taps[k, 0]) != s
                            and (tap_node[m, h] + k * GOLDEN) % 1.0 < taps[k, 2]):
                        cp_m[n_cp], cp_side[n_cp], cp_t[n_cp] = (m, int(taps[k, 0]),
                                                                 t + taps[k, 1])
                        n_cp += 1
                if serves:  # a message waits for its turn
                    start = max(t, node_free[n])
                    node_free[n] = start + serve[m, h]
                    t = node_free[n]
                    g = SERVED
                    ordered = False
                    if t > now:
                        out_t[n_out], out_m[n_out], out_g[n_out] = t, m, SERVED
                        n_out += 1
                        break
            # served at node n at time t: delivered here, or on to the next node
            if p0 + h + 1 >= end:
                m_status[m] = DELIVERED
                m_t1[m] = t
                break
            lk = links[p0 + h + 1]
            if np.isfinite(link_cap[lk]):
                if not ordered:
                    nh = _push(ht, hs, hm, hg, nh, t, seq, m, SERVED)
                    seq += 1
                    break
                t = max(t, link_free[lk])
                link_free[lk] = t + 1.0 / link_cap[lk]
            loss, extra = _jammed(jams, s, t, node_x[n], node_y[n])
            if lose[m, h + 1] < 1.0 - (1.0 - link_loss[lk]) * (1.0 - loss):
                m_status[m] = LOST
                m_t1[m] = t
                break
            for k in range(taps.shape[0]):
                if (int(taps[k, 3]) == lk and int(taps[k, 0]) != s
                        and (tap_link[m, h + 1] + k * GOLDEN) % 1.0 < taps[k, 2]):
                    cp_m[n_cp], cp_side[n_cp], cp_t[n_cp] = m, int(taps[k, 0]), t + taps[k, 1]
                    n_cp += 1
            t = t + lat[m, h + 1] + extra
            m_hop[m] += 1
            g = ARRIVE
            ordered = False
    return n_out, n_cp
