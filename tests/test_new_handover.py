"""New Handover (issue 13): by simulation, the occupation's loyal strength collapses within a
week in most replications once the Institute is found, and without the discovery it holds."""

from __future__ import annotations

import math

import warroom
from warroom.experiment import experiment

N = 50
Z99 = 2.576


def wilson(k: int, n: int, z: float = Z99) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion k / n."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_the_occupation_collapses_within_a_week_with_the_discovery_and_holds_without():
    sc = warroom.load_scenario("scenarios/new_handover.yaml")
    res = experiment(sc, N, points=[{}, {"__remove__": ["the-institute"]}])
    df = res.replications.to_pandas()
    found, unknown = df[df.point == 0], df[df.point == 1]
    k_found = int((found.time_to_collapse < 7).sum())
    k_unknown = int((unknown.time_to_collapse < 7).sum())
    # "most replications": the 99% interval of the collapse probability lies above one half;
    # "it does not": below 15% (0 of 50 gives an upper bound of 12%)
    assert wilson(k_found, N)[0] > 0.5, k_found
    assert wilson(k_unknown, N)[1] < 0.15, k_unknown
    # the collapse is refusal spreading, not losses: most of the occupation went over
    assert (found.defected_occupation > 0.5 * 14560).mean() > 0.9
    assert (unknown.cascade_size < 0.05 * 14560).all()
