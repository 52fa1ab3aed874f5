"""The command tutorial's sweep: how much Lord Hedrik's leak into Zarion's traffic is worth,
against how fast Zarion's hub, the Soul Society, handles its messages.

    python docs/examples/raid_sweep.py [N] [OUT.png]

At each service rate of the hub, N replications with the spy reading the hub's traffic and N
without it (common random numbers: replication i of each point uses the same streams). The
raider's exchange ratio is Zarion's ships lost per ship of Hedrik's lost; its interval and the
leak's worth (the difference with and without the spy, paired by replication) come from a
bootstrap over replications."""

from __future__ import annotations

import sys

import numpy as np

import warroom
from warroom.experiment import experiment

RATES = (22.0, 40.0, 100.0)  # messages per hour; routine traffic brings about 20
SERVICE = "command.0.nodes.1.service"
SPY = "command.0.leaks.0.probability"


def sweep(n: int = 60, rates: tuple[float, ...] = RATES, workers: int = 1) -> list[dict]:
    sc = warroom.load_scenario("scenarios/raid_relief.yaml")
    points = [{SERVICE: r, SPY: p} for r in rates for p in (1.0, 0.0)]
    executor = None
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(workers)
    try:
        res = experiment(sc, n, points=points, executor=executor, workers=workers)
    finally:
        if executor is not None:
            executor.shutdown()
    df = res.replications.to_pandas().sort_values(["point", "replication"])
    boot = np.random.default_rng(0).integers(0, n, size=(2000, n))
    rows = []
    for k, rate in enumerate(rates):
        z = {}
        for leak, point in ((True, 2 * k), (False, 2 * k + 1)):
            part = df[df.point == point]
            z[leak] = (part.lost_zarion.to_numpy(), part.lost_hedrik.to_numpy())
        ratio = {leak: z[leak][0].sum() / z[leak][1].sum() for leak in z}
        b = {leak: z[leak][0][boot].sum(1) / z[leak][1][boot].sum(1) for leak in z}
        worth = b[True] - b[False]
        rows.append({"service": rate, "ratio_leak": ratio[True], "ratio_no_leak": ratio[False],
                     "se_leak": float(b[True].std()), "se_no_leak": float(b[False].std()),
                     "worth": ratio[True] - ratio[False], "se_worth": float(worth.std()),
                     "worth_boot": worth})
    return rows


def plot(rows: list[dict], out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["service"] for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.4))
    for key, label in (("leak", "with the spy in the hub"), ("no_leak", "without it")):
        a.errorbar(x, [r[f"ratio_{key}"] for r in rows],
                   yerr=[2 * r[f"se_{key}"] for r in rows], marker="o", capsize=3, label=label)
    a.set(xscale="log", xlabel="hub service rate (messages per hour)",
          ylabel="Zarion's losses per Hedrik loss")
    a.set_xticks(x, [f"{v:g}" for v in x])
    a.minorticks_off()
    a.legend()
    b.errorbar(x, [r["worth"] for r in rows], yerr=[2 * r["se_worth"] for r in rows],
               marker="o", capsize=3, color="C3")
    b.axhline(0, color="grey", lw=0.8)
    b.set_xticks(x, [f"{v:g}" for v in x])
    b.minorticks_off()
    b.set(xscale="log", xlabel="hub service rate (messages per hour)",
          ylabel="the leak's worth (ratio with - without)")
    fig.suptitle("Raids against relief: a slow hub makes a leak pay")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    rows = sweep(n, workers=2)
    for r in rows:
        print(f"service {r['service']:>5g}/h: ratio {r['ratio_leak']:.2f} with the spy, "
              f"{r['ratio_no_leak']:.2f} without; worth {r['worth']:+.2f} "
              f"(+- {2 * r['se_worth']:.2f})")
    plot(rows, sys.argv[2] if len(sys.argv) > 2 else "docs/img/raid_sweep.png")
