"""The morale tutorial's sweep: how hard Admiral Ra'nok's loyalists hunt the defectors of New
Handover, against how fast and how far the occupation collapses.

    python docs/examples/suppression_sweep.py [N] [OUT.png]

Each level of `suppression` (the loyalists' kill rate against the defectors) runs N
replications with common random numbers; seeing the defectors hunted inflames (mutiny's
`suppression` weight) and deters (back-in-line's), so the sweep shows which wins."""

from __future__ import annotations

import sys

import numpy as np

import warroom
from warroom.experiment import experiment

LEVELS = (0.0, 0.002, 0.005, 0.01, 0.02, 0.04)
PATH = "morale.defection.0.suppression"


def sweep(n: int = 40, levels: tuple[float, ...] = LEVELS) -> list[dict]:
    sc = warroom.load_scenario("scenarios/new_handover.yaml")
    res = experiment(sc, n, points=[{PATH: float(v)} for v in levels])
    df = res.replications.to_pandas()
    rows = []
    for k, level in enumerate(levels):
        part = df[df.point == k]
        collapsed = (part.time_to_collapse < 7).to_numpy()
        p = collapsed.mean()
        rows.append({"suppression": level, "p_collapse": p,
                     "se": float(np.sqrt(max(p * (1 - p), 0.25 / n) / n)),
                     "defected": float(part.defected_occupation.mean()),
                     "loyal_lost": float(part.lost_loyalists.mean())})
    return rows


def plot(rows: list[dict], out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["suppression"] for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.4))
    a.errorbar(x, [r["p_collapse"] for r in rows], yerr=[2 * r["se"] for r in rows],
               marker="o", capsize=3)
    a.set(xlabel="loyalists' kill rate against defectors (per day)",
          ylabel="P(loyal strength < 1/2 by day 7)", ylim=(-0.05, 1.05))
    b.plot(x, [r["defected"] for r in rows], marker="o")
    b.set(xlabel="loyalists' kill rate against defectors (per day)",
          ylabel="members who defected (mean)")
    fig.suptitle("New Handover: suppression of the defectors")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    rows = sweep(n)
    for r in rows:
        print(r)
    plot(rows, sys.argv[2] if len(sys.argv) > 2 else "docs/img/suppression.png")
