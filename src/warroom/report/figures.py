"""Matplotlib figures of a run, drawn from its tables (never from in-memory engine state)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

COLORS = ["#1f5fa8", "#b8312f", "#2e8b57", "#8e44ad", "#d68910", "#34495e"]


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def strength_figure(ts: pd.DataFrame, unit: str) -> bytes:
    fig, ax = plt.subplots(figsize=(8, 4.2))
    sides = list(dict.fromkeys(ts["side"]))
    for si, side in enumerate(sides):
        color = COLORS[si % len(COLORS)]
        part = ts[ts["side"] == side]
        forces = list(dict.fromkeys(part["force"]))
        styles = ["-", "--", ":", "-."]
        for fi, force in enumerate(forces):
            f = part[part["force"] == force]
            ax.plot(f["t"], f["strength"], styles[fi % 4], color=color, label=f"{side}: {force}")
        if len(forces) > 1:
            tot = part.groupby("t", sort=True)["strength"].sum()
            ax.plot(tot.index, tot.values, "-", color=color, lw=2.5, alpha=0.5,
                    label=f"{side} (total)")
    ax.set_xlabel(f"time ({unit}s)")
    ax.set_ylabel("strength")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    ax.set_title("Strength of every force over time")
    return _png(fig)


def ledger_figure(ts: pd.DataFrame, unit: str) -> bytes:
    """Per side, what it lost and what left the field (withdrawn, evacuated) apart, over time:
    a force that got away is not a force destroyed."""
    fig, ax = plt.subplots(figsize=(8, 3.4))
    per = ts.groupby(["t", "side"], sort=False)[["lost", "withdrawn"]].sum()
    for si, side in enumerate(dict.fromkeys(ts["side"])):
        part = per.xs(side, level="side")
        color = COLORS[si % len(COLORS)]
        ax.plot(part.index, part["lost"], "-", color=color, label=f"{side}: lost")
        if (part["withdrawn"] > 0).any():
            ax.plot(part.index, part["withdrawn"], "--", color=color,
                    label=f"{side}: withdrawn")
    ax.set_xlabel(f"time ({unit}s)")
    ax.set_ylabel("cumulative")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Lost and withdrawn, by side")
    return _png(fig)


def exchange_figure(ts: pd.DataFrame, unit: str) -> bytes:
    """Enemy losses per own loss, over time, for each side."""
    fig, ax = plt.subplots(figsize=(8, 3.4))
    lost = ts.groupby(["t", "side"], sort=False)["lost"].sum().unstack("side")
    sides = list(dict.fromkeys(ts["side"]))
    lost = lost[sides]
    total = lost.sum(axis=1)
    for si, side in enumerate(sides):
        own = lost[side].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(own > 0, (total.to_numpy() - own) / own, np.nan)
        ax.plot(lost.index, ratio, color=COLORS[si % len(COLORS)],
                label=f"{side}: enemy losses per own loss")
    ax.set_xlabel(f"time ({unit}s)")
    ax.set_ylabel("exchange ratio")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Exchange ratio (cumulative)")
    return _png(fig)


STATE_COLORS = {"steady": "#2e8b57", "shaken": "#d68910", "refusing": "#8e44ad",
                "routing": "#b8312f", "surrendered": "#7f8c8d", "defected": "#1f5fa8"}


def morale_figure(morale: pd.DataFrame, cascade: pd.DataFrame, unit: str) -> bytes:
    """Left: the members of the forces with morale in each state over time (stacked);
    right: the cascade, members moved by each transition per update, cumulated."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    per = morale.groupby(["t", "state"], sort=True, observed=True)["members"].sum().unstack(
        fill_value=0.0)
    states = [s for s in STATE_COLORS if s in per.columns and (per[s] > 0).any()]
    if states:
        a.stackplot(per.index, *(per[s] for s in states), labels=states,
                    colors=[STATE_COLORS[s] for s in states], alpha=0.85)
    a.set(xlabel=f"time ({unit}s)", ylabel="members", title="Morale of the forces with morale")
    a.set_ylim(bottom=0)
    a.legend(fontsize=8, loc="upper right")
    if len(cascade):
        moved = cascade.groupby(["t", "transition"], sort=True, observed=True)[
            "members"].sum().unstack(fill_value=0.0).cumsum()
        for k, tr in enumerate(moved.columns):
            b.plot(moved.index, moved[tr], color=COLORS[k % len(COLORS)], label=str(tr))
        b.legend(fontsize=8)
    b.set(xlabel=f"time ({unit}s)", ylabel="members moved (cumulative)",
          title="The cascade, by transition")
    b.set_ylim(bottom=0)
    for ax in (a, b):
        ax.grid(alpha=0.3)
    return _png(fig)


def command_figure(belief: pd.DataFrame, messages: pd.DataFrame, unit: str) -> bytes:
    """Left: each side's belief, its staleness (mean age of what it believes) and its error
    (strength, as a share; position in metres where there is a map) over time; right: the
    delay of delivered messages by kind, and how many were lost or dropped."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    for k, (side, part) in enumerate(belief.groupby("side", sort=True, observed=True)):
        c = COLORS[k % len(COLORS)]
        a.plot(part.t, part.staleness, color=c, label=f"{side}: staleness ({unit}s)")
        err = part.position_error if part.position_error.notna().any() else \
            part.strength_error
        what = "position error (m)" if part.position_error.notna().any() else \
            "strength error (share)"
        a.plot(part.t, err, color=c, ls="--", label=f"{side}: {what}")
    a.set(xlabel=f"time ({unit}s)", title="Belief against the truth")
    a.set_ylim(bottom=0)
    a.legend(fontsize=8)
    ok = messages[messages.status == "delivered"]
    kinds = [k for k in ("report", "plea", "order") if (ok.kind == k).any()]
    if kinds:
        b.boxplot([ok.delay[ok.kind == k] for k in kinds], showfliers=False)
        b.set_xticks(range(1, len(kinds) + 1), kinds)
    gone = messages[messages.status.isin(["lost", "dropped"])]
    b.set(ylabel=f"delay ({unit}s)", title=f"Messages delivered ({len(ok):,} kept) and "
          f"lost or dropped ({int(gone.weight.sum()):,})")
    for ax in (a, b):
        ax.grid(alpha=0.3)
    return _png(fig)


def theater_figure(worlds: pd.DataFrame, ownership: pd.DataFrame, times: list[float],
                   unit: str) -> bytes:
    """The campaign's worlds coloured by owner at each of `times` (destroyed worlds as
    crosses), from the owners at the start and the changes of ownership since."""
    sides = sorted({*worlds.owner_at_start.astype(str), *ownership.owner.astype(str)}
                   - {"nobody"})
    color = {s: COLORS[k % len(COLORS)] for k, s in enumerate(sides)}
    index = {w: i for i, w in enumerate(worlds.world.astype(str))}
    fig, axes = plt.subplots(1, len(times), figsize=(3.2 * len(times), 3.4), squeeze=False)
    for ax, t in zip(axes[0], times, strict=True):
        owner = worlds.owner_at_start.astype(str).to_numpy().copy()
        razed = np.zeros(len(owner), bool)
        last = ownership[ownership.t <= t].groupby("world", observed=True).tail(1)
        i = last.world.astype(str).map(index).to_numpy(int)
        owner[i], razed[i] = last.owner.astype(str).to_numpy(), last.destroyed.to_numpy()
        for s in sides:
            m = (owner == s) & ~razed
            ax.scatter(worlds.x[m], worlds.y[m], s=1.5, color=color[s],
                       label=f"{s} ({int(m.sum()):,})")
        ax.scatter(worlds.x[razed], worlds.y[razed], s=6, marker="x", color="black",
                   label=f"laid waste ({int(razed.sum()):,})")
        ax.set(title=f"{unit} {t:,.0f}", xticks=[], yticks=[], aspect="equal")
        ax.legend(fontsize=6, markerscale=4, loc="upper right")
    return _png(fig)


def fleets_figure(fleets: pd.DataFrame, unit: str) -> bytes:
    """Left: each side's fleets over time; right: its fleets lost, summed over its members."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.4))
    for k, (side, part) in enumerate(fleets.groupby("side", sort=True, observed=True)):
        per_t = part.groupby("t")[["fleets", "fleets_lost"]].sum()
        c = COLORS[k % len(COLORS)]
        a.plot(per_t.index, per_t.fleets, color=c, label=str(side))
        b.plot(per_t.index, per_t.fleets_lost, color=c, label=str(side))
    a.set(xlabel=f"time ({unit}s)", ylabel="fleets", title="Fleets in the field")
    b.set(xlabel=f"time ({unit}s)", ylabel="fleets lost", title="Fleets lost (cumulative)")
    for ax in (a, b):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return _png(fig)
