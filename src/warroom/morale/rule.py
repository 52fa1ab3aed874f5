"""The individual morale rule and its mean field: one definition of how members move between
morale states, applied to members one by one (tactical entities, campaign units) or to the
compartments of a force (aggregate), so that the two scales cannot drift apart.

A member in state a leaves by the transitions whose source is a. Each transition has a kind:
- `hazard`: rate = base + w_loss * loss + w_leader * leader + w_isolated * isolated
  + w_fatigue * fatigue + w_suppression * suppression + w_rest * rest + w_victory * victory
  + shock (inputs per member, per unit time where they are rates: loss, the share of the
  member's force lost; leader, leaders lost; isolated and rest, 0 or 1; fatigue, time spent
  fighting; suppression, the loss rate of the defectors a member's force sends its defectors
  to, which deters where w < 0 and inflames where w > 0; victory, the enemy's loss rate);
- `exposure`: rate = beta * (share of the member's neighbours in the watched state), plus
  the hazard terms above;
- `fractional` / `absolute`: the member turns once the share (count) of its neighbours in
  the watched state reaches its own threshold.
Threshold transitions that are met happen first; otherwise the rates compete: over a step dt
the member leaves with probability 1 - exp(-H dt), H the sum of its rates, by transition t
with probability h_t / H. Compartments take the same probabilities at their force's mean
inputs: the expected flows (deterministic engines) or multinomial draws (stochastic ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

STATES = ("steady", "shaken", "refusing", "routing", "surrendered", "defected")
STEADY, SHAKEN, REFUSING, ROUTING, SURRENDERED, DEFECTED = range(len(STATES))
KINDS = ("hazard", "exposure", "fractional", "absolute")
HAZARD, EXPOSURE, FRACTIONAL, ABSOLUTE = range(len(KINDS))
INPUTS = ("loss", "leader", "isolated", "fatigue", "suppression", "rest", "victory")


@dataclass(frozen=True, eq=False)
class Transitions:
    """Struct of arrays over T transitions (compiled from a scenario, or built by hand)."""

    src: np.ndarray  # (T,) int
    dst: np.ndarray  # (T,) int
    kind: np.ndarray  # (T,) int
    base: np.ndarray  # (T,) rate, hazard kind
    weights: np.ndarray  # (T, len(INPUTS)) hazard kind
    beta: np.ndarray  # (T,) exposure kind
    watch: np.ndarray  # (T,) the state whose neighbours count (exposure, thresholds)
    ids: tuple[str, ...] = field(default=())

    @property
    def n(self) -> int:
        return int(self.src.shape[0])


def transitions(rows: list[dict]) -> Transitions:
    """Transitions from plain rows: {'from', 'to', 'kind', 'base', 'loss', ..., 'beta',
    'watch'} with state and kind names (what the scenario compiler writes)."""
    T = len(rows)
    w = np.zeros((T, len(INPUTS)))
    for i, r in enumerate(rows):
        for j, name in enumerate(INPUTS):
            w[i, j] = float(r.get(name, 0.0))
    dst = np.array([STATES.index(r["to"]) for r in rows], np.int64)
    return Transitions(
        src=np.array([STATES.index(r["from"]) for r in rows], np.int64), dst=dst,
        kind=np.array([KINDS.index(r.get("kind", "hazard")) for r in rows], np.int64),
        base=np.array([float(r.get("base", 0.0)) for r in rows]), weights=w,
        beta=np.array([float(r.get("beta", 0.0)) for r in rows]),
        watch=np.array([STATES.index(r["watch"]) if r.get("watch") else dst[i]
                        for i, r in enumerate(rows)], np.int64),
        ids=tuple(str(r.get("id", f"{r['from']}->{r['to']}")) for r in rows))


def rates(tr: Transitions, state: np.ndarray, inputs: np.ndarray, shock: np.ndarray | None,
          share: np.ndarray) -> np.ndarray:
    """(T, M) rate of each transition for each member (0 where the member is not in its
    source state, and for threshold transitions). inputs: (len(INPUTS), M); shock: (T, M) or
    None; share: (len(STATES), M) the share of each member's neighbours in each state."""
    h = tr.base[:, None] + tr.weights @ inputs
    if shock is not None:
        h = h + shock
    expo = tr.kind == EXPOSURE
    h[expo] += tr.beta[expo, None] * share[tr.watch[expo]]
    h[(tr.kind == FRACTIONAL) | (tr.kind == ABSOLUTE)] = 0.0
    h = np.maximum(h, 0.0)
    h *= tr.src[:, None] == state[None, :]
    return h


def met(tr: Transitions, state: np.ndarray, share: np.ndarray, count: np.ndarray,
        threshold: np.ndarray) -> np.ndarray:
    """(T, M) which threshold transitions a member meets now. threshold: (T, M) each
    member's phi or theta per transition; count: (len(STATES), M) neighbours per state."""
    frac = (tr.kind == FRACTIONAL)[:, None] & (share[tr.watch] >= threshold)
    absol = (tr.kind == ABSOLUTE)[:, None] & (count[tr.watch] >= threshold)
    return (frac | absol) & (tr.src[:, None] == state[None, :])


def leave_probabilities(h: np.ndarray, dt: float) -> np.ndarray:
    """(T + 1, M): the probability of leaving by each transition over dt, and of staying
    (last row), from competing rates."""
    H = h.sum(axis=0)
    leave = -np.expm1(-H * dt)
    with np.errstate(invalid="ignore", divide="ignore"):
        by = np.where(H > 0, h / np.where(H > 0, H, 1.0), 0.0) * leave
    return np.vstack([by, 1.0 - leave])


def step_members(tr: Transitions, state: np.ndarray, h: np.ndarray, turned: np.ndarray,
                 dt: float, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Members one by one: the new state and the transition each took (-1: none). `turned`
    (T, M) threshold transitions met (the first met wins); `u` (M,) uniforms."""
    p = leave_probabilities(h, dt)
    cum = np.cumsum(p[:-1], axis=0)
    pick = (u[None, :] >= cum).sum(axis=0)  # first transition whose cumulative passes u
    took = np.where(pick < tr.n, pick, -1)
    first_met = np.where(turned.any(axis=0), turned.argmax(axis=0), -1)
    took = np.where(first_met >= 0, first_met, took)
    new = state.copy()
    moved = took >= 0
    new[moved] = tr.dst[took[moved]]
    return new, took


def flows(tr: Transitions, n: np.ndarray, inputs: np.ndarray, shock: np.ndarray | None,
          share: np.ndarray, dt: float, rng: np.random.Generator | None = None,
          met_share: np.ndarray | None = None) -> np.ndarray:
    """(T, G) members moved by each transition in each of G groups (forces) whose
    compartments hold n: (len(STATES), G), inputs and share per group as for members. The
    expected flows, or multinomial draws with `rng`. `met_share` (T, G): the share of a
    source compartment that meets a threshold transition now (the threshold distribution's
    CDF at the group's share); those move first."""
    T, G = tr.n, n.shape[1]
    out = np.zeros((T, G))
    for a in np.unique(tr.src):
        rows = np.flatnonzero(tr.src == a)
        na = n[a].copy()
        if met_share is not None:
            thr = rows[(tr.kind[rows] == FRACTIONAL) | (tr.kind[rows] == ABSOLUTE)]
            for t in thr:  # in order: the first met wins, as for members
                take = na * np.clip(met_share[t], 0.0, 1.0)
                if rng is not None:
                    take = rng.binomial(np.round(na).astype(np.int64),
                                        np.clip(met_share[t], 0.0, 1.0)).astype(float)
                out[t] += take
                na = na - take
        state = np.full(G, a)
        h = rates(tr, state, inputs, shock, share)[rows]
        p = leave_probabilities(h, dt)  # (len(rows) + 1, G)
        if rng is None:
            out[rows] += p[:-1] * na
        else:
            for g in range(G):
                k = rng.multinomial(int(round(na[g])), p[:, g] / p[:, g].sum())
                out[rows, g] += k[:-1]
    return out


def apply_flows(tr: Transitions, n: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Compartments after flows f (T, G): what leaves a source arrives at its destination."""
    out = n.copy()
    np.add.at(out, tr.src, -f)
    np.add.at(out, tr.dst, f)
    return out
