"""report.md / report.html and validation.json of `warroom validate bodart`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..fit.jsonout import dumps
from ..report.figures import COLORS, _png, plt
from ..report.page import atomic_write, write_pages
from .bodart import load
from .selection import LAWS


def _strength(p: float) -> str:
    """Jeffreys' words for a Bayes factor, as the paper uses them."""
    for cut, word in ((100, "decisive"), (30, "very strong"), (10, "strong"),
                      (3, "substantial")):
        if p >= cut:
            return word
    return "barely worth mentioning"


def verdict(result: dict) -> str:
    lines = []
    for per in result["periods"]:
        best = per["best"]
        bf = per["bayes_factors"][best]
        runner = max((k for k in LAWS if k != best),
                     key=lambda k: per["laws"][k]["probability"])
        v = bf[runner]
        factor = float(str(v).lstrip(">= ")) if v != "n/a" else float("inf")
        lines.append(f"period {per['period']} ({per['years'][0]}-{per['years'][1]}, "
                     f"{per['battles']} battles): the {best} law, Bayes factor {_bf(v)} over "
                     f"the {runner} law ({_strength(factor)})")
    top = result["prior"]["mu"][1]
    binding = [per["period"] for per in result["periods"]
               if (post := per["laws"][per["best"]]["mu"]) and post["interval90"][1] > 0.95 * top]
    if binding:
        lines.append(f"in period{'s' if len(binding) > 1 else ''} {', '.join(binding)} the "
                     f"posterior of mu presses against the prior's upper end ({top:g}): rerun "
                     "with a larger --prior-max to see how far it goes")
    return ("; ".join(lines) + f". Over all periods: the {result['overall_best']} law. "
            "The fatigue law of Rubio-Campillo (2016) slows both sides by one factor of time, so "
            "its casualties are the logarithmic law's: the two cannot be told apart. Side R is "
            "the side with the smaller share of losses in every row, which favours ratios "
            "above 1; the answer also depends on the distance chosen "
            f"(here '{result['distance']}').")


def _posterior_figure(result: dict) -> bytes:
    periods = result["periods"]
    fig, axes = plt.subplots(len(periods), 2, figsize=(9, 2.4 * len(periods)), squeeze=False)
    for row, per in zip(axes, periods, strict=True):
        for ax, what in zip(row, ("mu", "sigma"), strict=True):
            bins = np.linspace(0, result["prior"][what][1], 41)
            for k, law in enumerate(LAWS):
                x = per["laws"][law]["samples"][what]
                if x.size:
                    ax.hist(x, bins=bins, color=COLORS[k % len(COLORS)], alpha=0.6,
                            label=f"{law} ({x.size})")
            ax.set_title(f"period {per['period']}: posterior of {what} (accepted draws)",
                         fontsize=9)
            ax.set_xlim(0, result["prior"][what][1])
        row[0].legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)


def _predicted_figure(result: dict, folder: Path) -> bytes:
    periods = result["periods"]
    fig, axes = plt.subplots(1, len(periods), figsize=(3.2 * len(periods), 3.4), squeeze=False)
    for ax, per in zip(axes[0], periods, strict=True):
        b = load(folder, per["period"])
        for k, law in enumerate(LAWS):
            pred = per["laws"][law]["predicted"]
            if pred is None:
                continue
            ax.scatter(b.bc, pred["b"], s=5, alpha=0.5, color=COLORS[k % len(COLORS)],
                       label=law)
        lim = [max(1.0, float(b.bc.min()) / 2), float(b.bc.max()) * 2]
        ax.plot(lim, lim, color="black", lw=0.8)
        ax.set(xscale="log", yscale="log", xlim=lim, ylim=lim, xlabel="recorded B casualties",
               title=f"period {per['period']}")
    axes[0][0].set_ylabel("predicted (median of accepted draws)")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)


def write_bodart(result: dict, folder: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rows = [["period", "battles", "law", "P(law | data)", "MC sd", "accepted", "mu (90%)",
             "sigma (90%)"]]
    for per in result["periods"]:
        for law in LAWS:
            v = per["laws"][law]
            sd = v["probability_mc_sd"]
            rows.append([per["period"], str(per["battles"]), law, f"{v['probability']:.3f}",
                         "-" if sd is None else f"{sd:.3f}", str(v["accepted"]),
                         *(_interval(v[w]) for w in ("mu", "sigma"))])
    factors = [["period", "law", *[f"vs {k}" for k in LAWS]]]
    for per in result["periods"]:
        for a in LAWS:
            factors.append([per["period"], a, *("-" if a == b else _bf(per["bayes_factors"][a]
                                                                       [b]) for b in LAWS)])
    intro = (f"Bodart's battles as compiled by Willard ({result['source']}). ABC rejection: "
             f"{result['draws_per_law']:,} draws per law and period, the closest "
             f"{result['tolerance']:.1%} accepted together ({result['distance']} distance), "
             f"{result['repeats']} repeats with different seeds for the Monte Carlo error; "
             "R's effectiveness over B's drawn per battle from a Gamma of mean mu and sd sigma "
             f"(priors uniform on 0-{result['prior']['mu'][1]:g}). " + verdict(result))
    images = {"posteriors.png": _posterior_figure(result),
              "predicted.png": _predicted_figure(result, folder)}
    write_pages(out, "Validation: which Lanchester law the battles of 1620-1905 favour", [
        ("", "text", intro), ("Posterior probabilities", "table", rows),
        ("Bayes factors (row law over column law)", "table", factors),
        ("Posteriors of the parameters", "image", "posteriors.png"),
        ("Predicted against recorded casualties", "image", "predicted.png")], images)
    atomic_write(out / "validation.json", (dumps(to_json(result), indent=2) + "\n").encode())


def to_json(result: dict) -> dict:
    """The result for scripts: without the draws and per-battle predictions, with the verdict."""
    def law(v: dict) -> dict:
        return {k: x for k, x in v.items() if k not in ("predicted", "samples")}

    periods = [{**per, "laws": {k: law(v) for k, v in per["laws"].items()}}
               for per in result["periods"]]
    return {**result, "periods": periods, "verdict": verdict(result)}


def _interval(post: dict | None) -> str:
    if post is None:
        return "-"
    lo, hi = post["interval90"]
    return f"{post['median']:.2f} ({lo:.2f}-{hi:.2f})"


def _bf(v: float | str) -> str:
    return v if isinstance(v, str) else f"{v:.3g}"


