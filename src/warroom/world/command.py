"""Compile a scenario's `command:` section into the command mechanic's network and reporting
(indices only): every force of a side with an entry is a node, beside its declared nodes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..command import Jam, Latency, Link, Network, Node, Reporting, Tap, build
from ..command.layer import Jammer
from ..command.network import BOX, EXPONENTIAL, FIXED, FORCE, GAMMA, KINDS, LOGNORMAL, UNIFORM
from ..scenario.command import Distribution, SideCommand


@dataclass(frozen=True, eq=False)
class CommandSpec:
    """What a replication's command layer is built from: the network, each side's reporting,
    the jammers, how many finished messages to keep, and the items a side can believe in
    (None: the forces; on a map, the entities, with their speeds)."""

    net: Network
    reporting: tuple[Reporting, ...]
    jammers: tuple[Jammer, ...] = ()
    sample: int = 100_000
    n_items: int | None = None
    item_speed: np.ndarray | None = field(default=None, repr=False)


def latency(lat: float | Distribution) -> Latency:
    if not isinstance(lat, Distribution):
        return Latency(FIXED, float(lat))
    if lat.exponential is not None:
        return Latency(EXPONENTIAL, lat.exponential)
    if lat.uniform is not None:
        return Latency(UNIFORM, *lat.uniform)
    if lat.lognormal is not None:
        return Latency(LOGNORMAL, lat.lognormal.median, lat.lognormal.sigma)
    assert lat.gamma is not None
    return Latency(GAMMA, lat.gamma.mean, lat.gamma.shape)


def compile_command(section: Sequence[SideCommand] | None, force_ids: Sequence[str],
                    force_side: np.ndarray, side_ids: Sequence[str],
                    commanders: np.ndarray | None = None,
                    entity_type: np.ndarray | None = None,
                    type_ids: Sequence[str] = (),
                    type_speed: np.ndarray | None = None) -> CommandSpec | None:
    """`commanders`: (F,) the forces that are commanders by default (tactical: of role
    commander or officer); `entity_type`, `type_ids`, `type_speed`: the entities (for
    jammers, and as the items a side believes in)."""
    if not section:
        return None
    S = len(side_ids)
    nodes: list[Node] = []
    links: list[Link] = []
    taps: list[Tap] = []
    jams: list[Jam] = []
    jammers: list[Jammer] = []
    hq = [-1] * S
    radio: list[tuple[Latency, float]] = [(Latency(), 0.0)] * S
    reporting = [Reporting()] * S
    for sc in section:
        s = list(side_ids).index(sc.side)
        index: dict[str, int] = {}
        named = set(sc.commanders or [])
        for f in np.flatnonzero(np.asarray(force_side) == s):
            fid = force_ids[int(f)]
            mortal = fid in named if sc.commanders is not None else bool(
                commanders is not None and commanders[f])
            index[fid] = len(nodes)
            nodes.append(Node(fid, s, FORCE, force=int(f), mortal=mortal,
                              succession=math.inf if sc.succession is None
                              else sc.succession))
        for n in sc.nodes:
            index[n.id] = len(nodes)
            at = (n.at[0], n.at[1]) if n.at else (math.nan, math.nan)
            nodes.append(Node(n.id, s, KINDS[n.kind],
                              math.inf if n.service is None else n.service, at=at))
        hq[s] = index[sc.headquarters]
        link_of: dict[tuple[int, int], int] = {}
        for lk in sc.links:
            a, b = index[lk.between[0]], index[lk.between[1]]
            cap = math.inf if lk.capacity is None else lk.capacity
            for u, v in [(a, b)] if lk.one_way else [(a, b), (b, a)]:
                link_of[(u, v)] = len(links)
                links.append(Link(u, v, latency(lk.latency), lk.loss, cap))
        radio[s] = (latency(sc.radio.latency), sc.radio.loss)
        r = sc.reports
        reporting[s] = Reporting() if r is None else Reporting(
            r.every, r.noise, r.drift, math.inf if r.forget is None else r.forget, r.pleas)
        for leak in sc.leaks:
            by = list(side_ids).index(leak.by)
            if leak.node is not None:
                taps.append(Tap(by, leak.delay, leak.probability, node=index[leak.node]))
                continue
            assert leak.link is not None
            a, b = index[leak.link[0]], index[leak.link[1]]
            for key in ((a, b), (b, a)):
                if key in link_of:
                    taps.append(Tap(by, leak.delay, leak.probability, link=link_of[key]))
        for jam in sc.jamming:
            t0 = -math.inf if jam.start is None else jam.start
            t1 = math.inf if jam.end is None else jam.end
            if jam.by is not None:
                assert entity_type is not None and jam.radius is not None
                mask = np.asarray(entity_type) == list(type_ids).index(jam.by)
                jammers.append(Jammer(s, mask, jam.radius, jam.loss, jam.delay, t0, t1))
            elif jam.area is not None:
                jams.append(Jam(s, t0, t1, jam.loss, jam.delay, BOX,
                                tuple(jam.area)))  # type: ignore[arg-type]
            else:
                jams.append(Jam(s, t0, t1, jam.loss, jam.delay))
    net = build(nodes, links, hq, len(force_ids), member=radio, jams=jams, taps=taps)
    tactical = entity_type is not None and type_speed is not None
    return CommandSpec(net, tuple(reporting), tuple(jammers),
                       sum(sc.keep_messages for sc in section),
                       n_items=len(entity_type) if tactical else None,  # type: ignore[arg-type]
                       item_speed=type_speed[entity_type] if tactical else None)  # type: ignore[index]
