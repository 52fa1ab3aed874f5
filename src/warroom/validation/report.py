"""`warroom validate cdb90`: cross-validated outcome models on CDB90, as tables and plots."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UserError
from ..fit.jsonout import dumps
from ..report.figures import COLORS, _png, plt
from ..report.page import atomic_write, write_pages
from .cdb90 import RAW, base_rates, load
from .crossval import cross_validate
from .features import design, prepare
from .models import Data, all_models

BASELINE = "attacker wins"


def run_cdb90(folder: Path, k: int = 10, seed: int = 1990
              ) -> tuple[dict, Data, dict[str, np.ndarray]]:
    """The summary (JSON-ready), the model inputs and each model's held-out log CR."""
    battles = _load(folder)
    b = prepare(battles)
    if k > len(b):  # more folds than battles leaves folds empty (and costs a fit per fold)
        raise UserError(f"--folds: expected at most {len(b)} (one battle per fold), found {k}")
    x, names = design(b)
    d = Data(b["log_force_ratio"].to_numpy(), x, b["attacker_won"].to_numpy(np.int8),
             b["log_cas_ratio"].to_numpy())
    scores, preds = cross_validate(d, all_models(), k, seed)
    base = next(s for s in scores if s.model == BASELINE)
    beats = [s.model for s in scores if s.model != BASELINE and s.interval[0] > base.accuracy]
    if beats:
        verdict = (f"{', '.join(beats)} beat{'s' if len(beats) == 1 else ''} '{BASELINE}' "
                   f"({base.accuracy:.3f}) outside {'its' if len(beats) == 1 else 'their'} 95% "
                   "interval.")
    else:
        verdict = f"No model beats '{BASELINE}' ({base.accuracy:.3f}) outside its 95% interval."
    summary = {"dataset": "CDB90", "source": str(folder), "base_rates": base_rates(battles),
            "battles_used": len(b), "battles_with_casualties": int((~np.isnan(d.lcr)).sum()),
            "folds": k, "seed": seed, "features": ["log_force_ratio", *names],
            "models": [s.to_json() for s in scores], "beats_baseline": beats,
            "verdict": verdict}
    return summary, d, preds


def _load(folder: Path) -> pd.DataFrame:
    """The battles; a file that is not the CDB90 flat file is the user's mistake, not a bug."""
    try:
        return load(folder)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise UserError(f"{folder / RAW}: not a readable CSV file ({e})") from None
    except KeyError as e:
        raise UserError(f"{folder / RAW}:1: not the CDB90 flat file: no column {e}") from None


def _accuracy_figure(scores: list[dict]) -> bytes:
    fig, ax = plt.subplots(figsize=(8, 3.6))
    y = np.arange(len(scores))[::-1]
    acc = np.array([s["accuracy"] for s in scores])
    lo = acc - np.array([s["interval"][0] for s in scores])
    hi = np.array([s["interval"][1] for s in scores]) - acc
    ax.errorbar(acc, y, xerr=[lo, hi], fmt="o", color=COLORS[0], capsize=4)
    ax.axvline(scores[0]["accuracy"], color=COLORS[1], ls="--", lw=1, label=BASELINE)
    ax.set_yticks(y, [s["model"] for s in scores])
    ax.set_xlabel("held-out accuracy of the predicted winner (95% Wilson interval)")
    ax.legend(loc="upper right")
    return _png(fig)


def _casualty_figure(d: Data, preds: dict[str, np.ndarray]) -> bytes:
    fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharey=True)
    k = ~np.isnan(d.lcr)
    for ax, name in zip(axes, ["force ratio", "Lanchester + multipliers"], strict=True):
        ax.scatter(preds[name][k] / math.log(10), d.lcr[k] / math.log(10), s=8, alpha=0.5,
                   color=COLORS[0])
        lim = [-2.5, 2.5]
        ax.plot(lim, lim, color=COLORS[1], lw=1)
        ax.set_xlim(lim)
        ax.set_ylim(lim)
        ax.set_title(name)
        ax.set_xlabel("predicted log10 CR (held out)")
    axes[0].set_ylabel("observed log10 CR (attacker / defender casualties)")
    return _png(fig)


def write_cdb90(result: dict, d: Data, preds: dict[str, np.ndarray], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    scores = result["models"]
    rows = [["model", "accuracy", "95% interval", "beats baseline", "CR error (log10)",
             "law chosen", "what it is"]]
    for s in scores:
        laws = ", ".join(f"{law} {n}/{result['folds']}" for law, n in s["laws"].items())
        rows.append([s["model"], f"{s['accuracy']:.3f}",
                     f"{s['interval'][0]:.3f}-{s['interval'][1]:.3f}",
                     "-" if s["model"] == BASELINE else
                     ("yes" if s["model"] in result["beats_baseline"] else "no"),
                     f"{s['cas_mae_log10']:.3f} (x{10 ** s['cas_mae_log10']:.2f})",
                     laws or "-", s["describe"]])
    r = result["base_rates"]
    intro = (f"CDB90 raw file ({result['source']}): {r['attacker_won']} attacker wins, "
             f"{r['defender_won']} defender wins, {r['draw']} draws, {r['unknown']} unknown. "
             f"{result['battles_used']} battles with a known outcome and both strengths enter; "
             f"{result['battles_with_casualties']} of them have both casualty counts. The target "
             f"is 'the attacker won' (a draw counts as not won). {result['folds']}-fold "
             f"cross-validation, seed {result['seed']}: every model is fitted on nine folds and "
             "scored on the tenth. CR error is the mean |log10(predicted / observed)| casualty "
             "ratio on held-out battles (in brackets, the typical factor). " + result["verdict"])
    images = {"accuracy.png": _accuracy_figure(scores),
              "casualties.png": _casualty_figure(d, preds)}
    write_pages(out, "Validation: outcome models on CDB90", [
        ("", "text", intro), ("Models", "table", rows),
        ("Accuracy", "image", "accuracy.png"),
        ("Casualty ratios", "image", "casualties.png")], images)
    atomic_write(out / "validation.json", (dumps(result, indent=2) + "\n").encode())
