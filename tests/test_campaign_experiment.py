"""Campaign experiments as every experiment: the same tables on one process and on two, and
a killed `mc` resumed to the same tables."""

import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pyarrow.parquet as pq
from ruamel.yaml import YAML

from campaign_helpers import campaign
from helpers import kill_and_resume
from warroom.experiment import experiment
from warroom.experiment.tasks import worker_setup


def _war() -> dict:
    """Red's raiders at e strike blue's fleet at c, in a stochastic battle (tau-leap), so
    that each replication differs."""
    d = campaign(clock={"end": 40, "step": 1},
                 regions=[{"owner": "red", "worlds": ["c", "d", "e"]}],
                 battle={"solver": "tau_leap"},
                 strategies=[{"raid": {"side": "red", "group": 2, "odds": 1, "reach": 60,
                                       "dwell": 4}}])
    d["sides"][0]["members"][0]["fleets"][0]["at"] = "c"
    d["sides"][1]["members"][0]["fleets"][0]["count"] = 2
    return d


def test_a_campaign_experiment_gives_the_same_tables_on_one_process_and_on_two():
    here = experiment(_war(), 30, seed=5)
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn"),
                             initializer=worker_setup) as ex:
        two = experiment(_war(), 30, seed=5, executor=ex, workers=2, task_size=7)
    assert two.replications.equals(here.replications)
    assert two.series.equals(here.series)
    assert len(set(here.replications.column("lost_r1").to_pylist())) > 1  # each differs


def _mc(path, out, n, *extra):
    return [sys.executable, "-m", "warroom", "mc", str(path), "-n", str(n), "--workers", "1",
            "--seed", "4", "--out", str(out), *extra]


def test_a_killed_campaign_experiment_resumes_to_the_same_tables(tmp_path):
    path = tmp_path / "war.yaml"
    with path.open("w") as f:
        YAML().dump(_war(), f)
    full, cut = tmp_path / "full", tmp_path / "cut"
    r = kill_and_resume(lambda out, *extra: _mc(path, out, 600, *extra), full, cut)
    assert r.returncode == 0, r.stderr
    for name in ("replications.parquet", "series.parquet"):
        assert pq.read_table(cut / name).equals(pq.read_table(full / name))


def test_a_campaign_runs_report_draws_the_theater_at_each_milestone(tmp_path):
    from PIL import Image

    from helpers import invoke

    d = _war()
    d["milestones"] = [{"id": "day20", "at": 20}]
    path = tmp_path / "war.yaml"
    with path.open("w") as f:
        YAML().dump(d, f)
    r = invoke("run", path, "--out", tmp_path / "run")
    assert r.exit_code == 0, r.output
    run = tmp_path / "run"
    html = (run / "report.html").read_text()
    assert "The theater by owner" in html and "Fleets and fleets lost" in html
    img = np.asarray(Image.open(run / "theater.png").convert("L"), float)
    # three panels (start, day 20, end) of coloured worlds: wide, and not blank
    assert img.shape[1] > 2 * img.shape[0] and img.std() > 5
