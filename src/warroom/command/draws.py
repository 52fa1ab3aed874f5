"""What is random about new messages, drawn as they are sent (`transit` reads it): the
numbers and their order are those of numpy's array draws over the messages (position by
position on the route, each kind of latency in turn), made in one compiled pass with the
layer's own `Generator`, which numba draws from exactly as numpy does."""

from __future__ import annotations

import math

from numba import njit

from .network import EXPONENTIAL, FIXED, GAMMA, LOGNORMAL, UNIFORM

# the order the kinds are drawn in (numpy's array draws did them so)
KINDS = (FIXED, EXPONENTIAL, UNIFORM, LOGNORMAL, GAMMA)


@njit(cache=True, error_model="numpy", inline="always")
def _one(rng, kind, a, b):
    """A latency of distribution `kind` with parameters a, b (`network.Latency`)."""
    if kind == EXPONENTIAL:
        return a * rng.standard_exponential()
    if kind == UNIFORM:
        return a + (b - a) * rng.random()
    if kind == LOGNORMAL:
        return a * math.exp(b * rng.standard_normal())
    if kind == GAMMA:
        return rng.standard_gamma(b) * (a / b) if b > 0 else 0.0
    return a  # fixed


@njit(cache=True, error_model="numpy")
def draw(rng, lat, lose, serve, tap_node, tap_link, route, ptr, nodes, links, node_rate,
         link_lat, member_lat, leaf, servers, lossy, taps):
    """Rows 0.. of lat, lose, serve, tap_node, tap_link (one per message on `route`, whose
    positions are ptr[route] .. ptr[route + 1] - 1 of nodes and links): per position k, the
    service time at its node (where it serves) and the latency of the hop that reaches it;
    the member's own hop (`leaf`, position 0, with member_lat's law); the uniforms of the
    losses and the taps. Entries past a message's route are left as they are."""
    n, H = lat.shape
    start = ptr[route]
    length = ptr[route + 1] - start
    for k in range(min(H, length.max() if n else 0)):
        if servers:
            for i in range(n):
                if length[i] > k:
                    rate = node_rate[nodes[start[i] + k]]
                    if math.isfinite(rate):
                        serve[i, k] = rng.standard_exponential() / rate
        if k:
            for code in KINDS:  # a fixed latency draws nothing: its turn does not matter
                for i in range(n):
                    if length[i] > k:
                        lk = links[start[i] + k]
                        if int(link_lat[lk, 0]) == code:
                            lat[i, k] = _one(rng, code, link_lat[lk, 1], link_lat[lk, 2])
    if leaf:
        code = int(member_lat[0])
        for i in range(n):
            lat[i, 0] = _one(rng, code, member_lat[1], member_lat[2])
    if lossy:
        _uniforms(rng, lose)
    if taps:
        _uniforms(rng, tap_node)
        _uniforms(rng, tap_link)


@njit(cache=True, error_model="numpy", inline="always")
def _uniforms(rng, out):
    """`rng.random(out=out)` of a 2-d array, in its order."""
    for i in range(out.shape[0]):
        for h in range(out.shape[1]):
            out[i, h] = rng.random()
