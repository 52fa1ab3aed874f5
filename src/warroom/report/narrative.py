"""A few plain sentences that tell what happened, from the summary and the event log."""

from __future__ import annotations

import pandas as pd


def _n(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.1f}"


def narrative(summary: dict, events: pd.DataFrame) -> str:
    unit = summary["time_unit"]
    sides = summary["sides"]
    end = summary["end_time"]
    out = []
    winner = summary["winner"]
    if summary["end_reason"] == "side_broke":
        broke = events[events["kind"] == "side_broke"]
        loser = broke.iloc[0]["side"] if len(broke) else "?"
        why = broke.iloc[0]["message"] if len(broke) else ""
        cause = why.split("(", 1)[-1].rstrip(")") if "(" in why else "broke"
        out.append(f"{winner} won after {end:g} {unit}s, when {loser} broke ({cause}).")
    elif summary["end_reason"] == "mutual":
        out.append(f"Every side broke at {end:g} {unit}s; the battle was a draw.")
    else:
        out.append(f"More than one side was still in the field when the clock ran out at "
                   f"{end:g} {unit}s.")
    for side, v in sides.items():
        committed = v["initial"] + v["arrived"]
        pct = 100 * v["lost"] / committed if committed else 0.0
        line = f"{side} committed {_n(committed)}"
        if v["arrived"]:
            line += f" ({_n(v['arrived'])} of them as reinforcements)"
        line += f", lost {_n(v['lost'])} ({pct:.0f}%)"
        if v["withdrawn"]:
            line += f", withdrew {_n(v['withdrawn'])}"
        if v.get("defected"):
            line += f", saw {_n(v['defected'])} go over to another side"
        out.append(line + f" and ended with {_n(v['final'])}.")
    if len(sides) == 2:
        (a, va), (b, vb) = sides.items()
        if va["lost"] > 0:
            out.append(f"The exchange ratio was {vb['lost'] / va['lost']:.2f} {b} losses "
                       f"per {a} loss.")
    return " ".join(out)
