"""The bundled Crumbled Dreams war reproduces its chapter's shape by Monte Carlo, within the
intervals its file states, and without Hedrik's leak the raids stop paying."""

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

from warroom.experiment import experiment
from warroom.experiment.tasks import worker_setup
from warroom.scenario.load import plain

WAR = Path("scenarios/crumbled_dreams.yaml")
N = 8  # replications: the file's intervals are for the mean of these eight
Z = 3.29  # two-sided 99.9%


def _war(leak: bool = True) -> dict:
    d = plain(YAML(typ="safe").load(WAR.read_text()))
    if not leak:
        d["command"][0].pop("leaks")
    return d


def _stated() -> dict[str, tuple[float, float]]:
    """The intervals in the file's header: lines `#   fact: [low, high]`."""
    out = {}
    for line in WAR.read_text().splitlines():
        if line.startswith("#   ") and ": [" in line:
            name, rng = line[4:].split(": [")
            lo, hi = rng.split("]")[0].split(",")
            out[name.strip()] = (float(lo), float(hi))
    return out


@pytest.fixture(scope="module")
def runs():
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn"),
                             initializer=worker_setup) as ex:
        return {leak: experiment(_war(leak), N, executor=ex, workers=2, base=WAR.parent,
                                 task_size=1).replications.to_pandas()
                for leak in (True, False)}


def test_the_war_has_the_chapters_shape_within_the_intervals_its_file_states(runs):
    rows = runs[True]
    rows["worlds_won:zarion"] = rows["worlds_taken:zarion"] + rows["worlds_destroyed:zarion"]
    rows["fleets_lost_offensive:zarion"] = (rows["fleets_lost_conquer:zarion"]
                                            + rows["fleets_lost_destroy:zarion"])
    stated = _stated()
    assert len(stated) >= 5
    for fact, (lo, hi) in stated.items():
        assert lo <= rows[fact].mean() <= hi, (fact, rows[fact].mean(), (lo, hi))
    # raids pay: in three years, Zarion loses to them several times what Hedrik loses
    assert (rows["fleets_lost_idle:zarion@year3"] >= 3 * rows["fleets_lost:hedrik@year3"]).all()
    # the main army falls to roughly two thirds of its 600 (the chapter: 380)
    assert 0.5 <= rows["fleets:main@year3"].mean() / 600 <= 0.85
    # allies who turned home were ambushed on the way
    assert rows["fleets_lost_leaving:zarion"].sum() > 0


def test_without_hedriks_leak_the_raids_stop_paying(runs):
    a, b = (runs[k]["fleets_lost:zarion@year3"].to_numpy() for k in (True, False))
    se = np.sqrt(a.var(ddof=1) / N + b.var(ddof=1) / N)
    assert a.mean() - b.mean() > Z * se
    assert b.mean() < 0.1 * a.mean()
