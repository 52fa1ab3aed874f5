"""report.md / report.html of an experiment: the summary table, histograms of losses and
duration, strength-over-time fan charts (median and 5-95% band across replications), and for a
sweep the outcome measures against the parameters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from ..report.figures import COLORS, _png, plt
from ..report.page import write_pages


def point_label(parameters: dict) -> str:
    """A point as a reader names it: `path=value`, and an ablation's combination by the ids it
    leaves out."""
    parts = []
    for k, v in parameters.items():
        if k == "__remove__":
            parts.append("without " + (", ".join(map(str, v)) if v else "nothing (all present)"))
        else:
            parts.append(f"{k}={v}")
    return ", ".join(parts) or "-"


def summary_rows(summary: dict, sides: list[str]) -> list[list[str]]:
    rows = [["point", "parameters", "n"] + [f"P({s} wins) (95%)" for s in sides]
            + [f"{s} losses mean / median / p5-p95" for s in sides] + ["duration median"]]
    for p in summary["points"]:
        params = point_label(p["parameters"])
        row = [str(p["point"]), params, str(p["n"])]
        for s in sides:
            w = p["wins"][s]
            row.append(f"{w['p']:.3f} ({w['low']:.3f}-{w['high']:.3f})")
        for s in sides:
            v = p["losses"][s]
            row.append(f"{v['mean']:,.1f} / {v['median']:,.1f} / {v['p5']:,.1f}-{v['p95']:,.1f}")
        row.append(f"{p['duration']['median']:,.2f}")
        rows.append(row)
    return rows


def force_rows(point: dict) -> list[list[str]]:
    """Each force's mean lost, withdrawn and final strength: a force that got away apart from
    one destroyed."""
    rows = [["force", "lost", "withdrawn", "final"]]
    for f, v in point.get("forces", {}).items():
        rows.append([f] + [f"{v[k]['mean']:,.1f}" for k in ("lost", "withdrawn", "final")])
    return rows


def fact_rows(summary: dict) -> list[list[str]]:
    """What the mechanics measured (cascade, civilians harmed, messages, belief error and
    staleness), per point."""
    pts = summary["points"]
    names = list(dict.fromkeys(c for p in pts for c in p.get("facts", {})))
    rows = [["measure", *(f"point {p['point']}" for p in pts)]]
    for c in names:
        cells = []
        for p in pts:
            v = p.get("facts", {}).get(c)
            cells.append("-" if not v or not v["n"] else
                         f"{v['mean']:,.3g} / {v['median']:,.3g} / {v['p5']:,.3g}-"
                         f"{v['p95']:,.3g}" + (f" ({v['n']} of {p['n']})" if v["n"] < p["n"]
                                               else ""))
        rows.append([c, *cells])
    return rows


def _histograms(df, sides: list[str]) -> bytes:
    fig, axes = plt.subplots(1, len(sides) + 1, figsize=(4 * (len(sides) + 1), 3.2))
    for k, s in enumerate(sides):
        axes[k].hist(df[f"lost_{s}"], bins=30, color=COLORS[k % len(COLORS)])
        axes[k].set_title(f"{s}: losses")
    axes[-1].hist(df["duration"], bins=30, color="#555555")
    axes[-1].set_title("duration")
    return _png(fig)


def _fan(series, sides: list[str], unit: str) -> bytes:
    fig, ax = plt.subplots(figsize=(8, 4))
    for k, s in enumerate(sides):
        d = series[series["side"] == s]
        m = d.pivot_table(index="replication", columns="t", values="strength").to_numpy()
        t = np.sort(d["t"].unique())
        lo, med, hi = np.percentile(m, [5, 50, 95], axis=0)
        c = COLORS[k % len(COLORS)]
        ax.fill_between(t, lo, hi, color=c, alpha=0.25, lw=0)
        ax.plot(t, med, color=c, label=f"{s} (median, 5-95%)")
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel("strength")
    ax.legend()
    return _png(fig)


def _sweep(summary: dict, sides: list[str]) -> bytes | None:
    pts = summary["points"]
    keys = list(pts[0]["parameters"]) if pts else []
    if not keys:
        return None
    key = keys[0]
    values = list(dict.fromkeys(p["parameters"][key] for p in pts))
    # a parameter of text values (or lists, for ablations) is plotted as categories
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    fig, ax = plt.subplots(figsize=(8, 4))
    others = sorted({tuple((k, p["parameters"][k]) for k in keys[1:]) for p in pts})
    for j, other in enumerate(others):
        sel = [p for p in pts if all(p["parameters"][k] == v for k, v in other)]
        x = np.array([float(p["parameters"][key]) if numeric
                      else values.index(p["parameters"][key]) for p in sel])
        for k, s in enumerate(sides[:1] if len(others) > 1 else sides):
            y = np.array([p["wins"][s]["p"] for p in sel])
            lo = y - np.array([p["wins"][s]["low"] for p in sel])
            hi = np.array([p["wins"][s]["high"] for p in sel]) - y
            label = f"P({s} wins)" + (f", {dict(other)}" if other else "")
            ax.errorbar(x, y, yerr=[lo, hi], marker="o", capsize=3, label=label,
                        color=COLORS[(j + k) % len(COLORS)])
    if not numeric:
        ax.set_xticks(range(len(values)), [str(v)[:20] for v in values])
    ax.set_xlabel(key)
    ax.set_ylabel("win probability (95% interval)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    return _png(fig)


def write_report(out: Path, summary: dict, rows: pa.Table, series: pa.Table, unit: str,
                 extra: list | None = None) -> None:
    sides = [s for s in summary["points"][0]["wins"] if s != "none"]
    df = rows.to_pandas()
    first = df[df["point"] == 0]
    ser = series.to_pandas()
    images = {"histograms.png": _histograms(first, sides),
              "fan.png": _fan(ser[ser["point"] == 0], sides, unit)}
    sections: list = [("", "text", _story(summary, sides)), *(extra or []),
                      ("Outcomes", "table", summary_rows(summary, sides))]
    sweep = _sweep(summary, sides) if summary["kind"] == "sweep" else None
    if sweep is not None:
        images["sweep.png"] = sweep
        sections.append(("Outcomes against the parameters", "image", "sweep.png"))
    sections += [("Losses and duration" + (" (first point)" if sweep else ""), "image",
                  "histograms.png"),
                 ("Strength over time" + (" (first point)" if sweep else ""), "image",
                  "fan.png")]
    ends = [["point", "how battles ended", "deciding breakpoint"]]
    for p in summary["points"]:
        ends.append([str(p["point"]),
                     ", ".join(f"{k}: {v}" for k, v in p["end_reasons"].items()),
                     ", ".join(f"{k}: {v}" for k, v in p["deciding"].items())])
    sections.append(("How battles ended", "table", ends))
    sections.append(("Per force (first point): mean lost, withdrawn and final", "table",
                     force_rows(summary["points"][0])))
    facts = fact_rows(summary)
    if len(facts) > 1:
        sections.append(("Morale, civilians and command: mean / median / p5-p95", "table",
                         facts))
    write_pages(out, f"Experiment: {summary['scenario']} ({summary['kind']})", sections,
                images)


def _story(summary: dict, sides: list[str]) -> str:
    p = summary["points"][0]
    best = max(sides, key=lambda s: p["wins"][s]["p"])
    w = p["wins"][best]
    text = (f"{summary['n']:,} replications per point, seed {summary['seed']}, "
            f"{len(summary['points'])} point(s). At the first point {best} wins "
            f"{w['p']:.1%} of battles (95% interval {w['low']:.1%} to {w['high']:.1%}).")
    if summary.get("deterministic"):
        text += (" Every replication gave the same battle (the solver is deterministic): the "
                 "intervals say nothing about chance.")
    return text
