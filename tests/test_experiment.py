"""Experiments (issue 4, in progress): identical results on any executor, resume after a kill,
sweeps, SQL over the results, and bad input."""

import json
import multiprocessing as mp
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import warroom
from helpers import invoke, kill_and_resume
from warroom.errors import UserError
from warroom.experiment import experiment
from warroom.experiment.params import apply, differences, parse_set
from warroom.experiment.run import _tasks
from warroom.experiment.tasks import worker_setup
from warroom.stats import wilson

HILL = Path("scenarios/hill_defence.yaml")


def test_same_tables_in_process_on_two_processes_and_on_dask():
    sc = warroom.load_scenario(HILL)
    here = experiment(sc, 40, seed=3)
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn"),
                             initializer=worker_setup) as ex:
        procs = experiment(sc, 40, seed=3, executor=ex, workers=2)
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask = experiment(sc, 40, seed=3, executor=client.get_executor(pure=False), workers=2,
                          task_size=7)
    for other in (procs, dask):
        assert other.replications.equals(here.replications)
        assert other.series.equals(here.series)
    # replication i is simulate(..., replication=i): the same battle run alone
    r = warroom.simulate(sc, seed=3, replication=17)
    row = here.replications.slice(17, 1).to_pylist()[0]
    assert row["replication"] == 17 and row["winner"] == r.winner
    assert row["duration"] == pytest.approx(r.end_time - sc.clock.start)


def test_summary_counts_and_intervals():
    res = experiment(warroom.load_scenario(HILL), 50, seed=9)
    p = res.summary["points"][0]
    winners = res.replications.column("winner").to_pylist()
    for side in ("defence", "attack"):
        k = winners.count(side)
        assert p["wins"][side]["count"] == k
        assert (p["wins"][side]["low"], p["wins"][side]["high"]) == wilson(k, 50)
    assert sum(p["end_reasons"].values()) == 50


def _mc(out, n, *extra):
    return [sys.executable, "-m", "warroom", "mc", str(HILL), "-n", str(n), "--workers",
            "1", "--seed", "4", "--out", str(out), *extra]


def test_a_killed_run_resumes_to_the_same_tables(tmp_path):
    full, cut = tmp_path / "full", tmp_path / "cut"
    r = kill_and_resume(lambda out, *extra: _mc(out, 6000, *extra), full, cut)
    assert r.returncode == 0, r.stderr
    for name in ("replications.parquet", "series.parquet"):
        assert pq.read_table(cut / name).equals(pq.read_table(full / name))
    manifest = json.loads((cut / "manifest.json").read_text())
    assert manifest["status"] == "done" and manifest["replications_done"] == 6000


def test_sweep_grid_and_query(tmp_path):
    r = invoke("sweep", HILL, "--set", "forces.battalion.strength=400:600:3", "-n", "20",
               "--workers", "1", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "s" / "summary.json").read_text())
    assert [p["parameters"] for p in summary["points"]] == [
        {"forces.battalion.strength": v} for v in (400.0, 500.0, 600.0)]
    r = invoke("query", tmp_path / "s", "SELECT point, count(*) AS n FROM replications "
               "GROUP BY point ORDER BY point", "--csv")
    assert r.exit_code == 0 and r.output.splitlines() == ["point,n", "0,20", "1,20", "2,20"]
    assert (tmp_path / "s" / "report.html").read_text().count("data:image/png") == 3
    rows = pq.read_table(tmp_path / "s" / "replications.parquet").to_pandas()
    assert rows.groupby("point")["forces.battalion.strength"].first().tolist() == [400, 500, 600]


def test_parameter_paths_and_grids():
    assert parse_set("a.b=1000:5000:5") == ("a.b", [1000.0, 2000.0, 3000.0, 4000.0, 5000.0])
    assert parse_set("a=log:10:1000:3") == ("a", [10.0, 100.0, 1000.0])
    assert parse_set("a=1,2.5,x") == ("a", [1, 2.5, "x"])
    data = {"sides": [{"id": "blue", "forces": [{"id": "tanks", "strength": 5}]}]}
    assert apply(data, {"forces.tanks.strength": 9})["sides"][0]["forces"][0]["strength"] == 9
    assert apply(data, {"sides.blue.forces.0.strength": 7})["sides"][0]["forces"][0][
        "strength"] == 7
    assert data["sides"][0]["forces"][0]["strength"] == 5  # the original is untouched


def test_tasks_cover_the_gaps_once_and_shrink_towards_the_end():
    gaps = [(0, 0, 10), (0, 20, 30), (1, 0, 60)]
    tasks = _tasks(gaps, 2)
    covered = sorted((k, i) for k, a, b in tasks for i in range(a, b))
    assert covered == sorted((k, i) for k, a, b in gaps for i in range(a, b))
    sizes = [b - a for _, a, b in tasks]
    assert sizes[0] == 10 and sizes[-4:] == [1, 1, 1, 1]  # ceil(80 / 8), then single ones
    assert all(b - a <= 3 for _, a, b in _tasks(gaps, 2, size=3))
    # a long batched experiment keeps the largest tasks to the end
    assert {b - a for _, a, b in _tasks([(0, 0, 40000)], 2)} == {250}


@pytest.mark.parametrize("spec,needle", [
    ("forces.batallion.strength=1:2:2", "'batallion' is not in forces (did you mean "
                                        "'battalion'?)"),
    ("forces.battalion.strenght=1:2:2", "did you mean 'strength'?"),
    ("forces.battalion.strength=1:5:0", "the range has no points"),
    ("forces.battalion.strength", "expected PATH=VALUES"),
])
def test_bad_sweep_specs(tmp_path, spec, needle):
    r = invoke("sweep", HILL, "--set", spec, "-n", "2", "--workers", "1", "--out", tmp_path)
    assert r.exit_code == 2 and needle in r.output, r.output


def test_resume_refuses_a_changed_scenario_and_an_unreachable_cluster(tmp_path):
    scen = tmp_path / "hill.yaml"
    scen.write_text(HILL.read_text())
    assert invoke("mc", scen, "-n", "5", "--workers", "1", "--out", tmp_path / "e").exit_code == 0
    scen.write_text(HILL.read_text().replace("strength: 520", "strength: 530"))
    r = invoke("mc", scen, "-n", "5", "--workers", "1", "--out", tmp_path / "e", "--resume")
    assert r.exit_code == 2 and ("cannot resume: the scenario (sides.defence.forces.battalion"
                                 ".strength: 520 -> 530) changed") in r.output
    r = invoke("mc", scen, "-n", "6", "--workers", "1", "--out", tmp_path / "e", "--resume")
    assert "the number of replications (5 -> 6)" in r.output
    r = invoke("mc", scen, "-n", "5", "--workers", "1", "--out", tmp_path / "e")
    assert r.exit_code == 2 and "pass --resume" in r.output
    r = invoke("mc", scen, "-n", "5", "--cluster", "tcp://127.0.0.1:9", "--out", tmp_path / "f")
    assert r.exit_code == 2 and "cannot reach the Dask scheduler" in r.output
    with pytest.raises(UserError, match="at least 1 replication"):
        experiment(warroom.load_scenario(HILL), 0)


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path):
    out = tmp_path / "e"
    # far more replications than can finish before the signal lands, however slowly this
    # process gets to send it on a loaded machine (it is sent at the first shard)
    proc = subprocess.Popen(_mc(out, 300_000)[:-4] + ["--workers", "2", "--seed", "4", "--out",
                                                  str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list((out / "shards").glob("*.rows.parquet")):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume --out" in err
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"



def test_a_stopped_experiment_does_not_wait_for_the_tasks_its_workers_are_running():
    """Ctrl-C (or any failure) ends the pool at once: a worker in the middle of a long task,
    or still compiling, is ended rather than waited for (its shard is redone on resume)."""
    from warroom.experiment.executors import executor_for

    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt), executor_for(2, None) as pool:
        sleeping = [pool.submit(time.sleep, 600) for _ in range(3)]
        procs = list(pool._processes.values())
        while not any(f.running() for f in sleeping):
            time.sleep(0.05)
        raise KeyboardInterrupt
    assert time.monotonic() - t0 < 120  # 600 s if the running tasks were waited for
    assert procs and not any(p.is_alive() for p in procs)

# ---- ablation and Shapley values -------------------------------------------------------------
GAME = {"": 0, "1": 1, "2": 2, "3": 0, "12": 4, "13": 1, "23": 3, "123": 6}


def _v(s):
    return GAME["".join(sorted(s))]


def test_shapley_values_of_a_three_player_game_by_hand():
    """Weights |S|! (n-|S|-1)! / n! are 1/3, 1/6, 1/6, 1/3 for |S| = 0, 1, 1, 2.
    phi_1 = 1/3 (1-0) + 1/6 (4-2) + 1/6 (1-0) + 1/3 (6-3) = 11/6
    phi_2 = 1/3 (2-0) + 1/6 (4-1) + 1/6 (3-0) + 1/3 (6-1) = 10/3
    phi_3 = 1/3 (0-0) + 1/6 (1-1) + 1/6 (3-2) + 1/3 (6-4) = 5/6   (sum 6 = v(123))"""
    import numpy as np

    from warroom.experiment.shapley import shapley_exact, shapley_sampled

    phi = shapley_exact(_v, ["1", "2", "3"])
    assert phi == pytest.approx({"1": 11 / 6, "2": 10 / 3, "3": 5 / 6})
    est = shapley_sampled(_v, ["1", "2", "3"], 4000, np.random.default_rng(1))
    for p, (m, se) in est.items():
        assert abs(m - phi[p]) < 4 * se  # an unbiased estimate with its standard error
        assert se < 0.05


def test_ablate_credits_elements_and_their_shapley_values_add_up(tmp_path):
    r = invoke("ablate", "docs/examples/first_battle.yaml", "-n", "4", "--workers", "1",
               "--out", tmp_path / "a")
    assert r.exit_code == 0, r.output
    ab = json.loads((tmp_path / "a" / "ablation.json").read_text())
    ids = {e["id"] for e in ab["elements"]}
    assert ids == {"north_guns", "relief-column", "north-morale", "south-morale"}
    assert all(e["shapley_method"] == "exact" for e in ab["elements"])
    rows = pq.read_table(tmp_path / "a" / "replications.parquet").to_pandas()
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    removed = [p["__remove__"] for p in manifest["points"]]
    full, none = removed.index([]), removed.index(sorted(ids))
    win = {k: (rows[rows.point == k].winner == "north").mean() for k in (full, none)}
    total = sum(e["shapley"] for e in ab["elements"])
    assert total == pytest.approx(win[full] - win[none])  # efficiency
    assert set(rows[rows.point == none].removed) == {",".join(sorted(ids))}
    guns = next(e for e in ab["elements"] if e["id"] == "north_guns")
    assert guns["removal_effect"] > 0  # north's guns help north win


def test_the_batched_loop_gives_what_one_simulate_per_replication_gives(monkeypatch):
    from warroom.experiment import tasks

    sc = warroom.load_scenario(HILL)
    text = json.dumps(sc.model_dump(mode="json", by_alias=True, exclude_none=True))
    sides = ("defence", "attack")
    batched = tasks.run_task(text, ".", 5, 2, 10, 60, sides)
    monkeypatch.setattr(tasks, "_batched", lambda *a, **k: None)
    one_by_one = tasks.run_task(text, ".", 5, 2, 10, 60, sides)
    assert batched[0].equals(one_by_one[0]) and batched[1].equals(one_by_one[1])


def test_differences_name_changed_fields_by_dotted_path():
    old = {"seed": 1, "sides": [{"id": "a", "forces": [{"id": "x", "strength": 5}]}],
           "clock": {"end": 10}, "notes": [1, 2]}
    new = {"seed": 1, "sides": [{"id": "a", "forces": [{"id": "x", "strength": 6},
                                                       {"id": "y", "strength": 1}]}],
           "notes": [1, 3]}
    assert differences(old, new) == [
        "sides.a.forces.x.strength: 5 -> 6",
        "sides.a.forces.y: (absent) -> {'id': 'y', 'strength': 1}",
        "clock: {'end': 10} -> (absent)", "notes.1: 2 -> 3"]


@pytest.mark.parametrize("path", [HILL, Path("scenarios/ridge_road.yaml")],
                         ids=["ctmc", "tactical"])
def test_tables_and_summary_give_figures_per_force(path):
    """Per force (lost, withdrawn, final) beside per side, batched or not, equal to the
    ledger of the same replication run alone."""
    sc = warroom.load_scenario(path)
    res = experiment(sc, 3, seed=5)
    rows = res.replications.to_pylist()
    for i, row in enumerate(rows):
        alone = warroom.simulate(sc, seed=5, replication=i)
        for force, led in alone.final_ledger().items():
            assert [row[f"{k}_{force}"] for k in ("lost", "withdrawn", "final")] == [
                led["lost"], led["withdrawn"], led["final"]]
        for side, led in alone.side_summary().items():
            assert row[f"withdrawn_{side}"] == led["withdrawn"]
    forces = res.summary["points"][0]["forces"]
    assert set(forces) == set(alone.final_ledger())
    some = next(iter(forces))
    assert forces[some]["lost"]["mean"] == pytest.approx(
        sum(r[f"lost_{some}"] for r in rows) / 3)


def test_mc_of_a_deterministic_scenario_says_every_replication_is_the_same(tmp_path):
    from helpers import invoke

    r = invoke("mc", "scenarios/iwo_jima.yaml", "-n", "5", "--workers", "1", "--out",
               tmp_path / "ode")
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "ode" / "summary.json").read_text())
    assert summary["deterministic"] and summary["points"][0]["distinct_outcomes"] == 1
    assert "the solver is deterministic" in " ".join(r.output.split())
    r = invoke("mc", "scenarios/hill_defence.yaml", "-n", "5", "--workers", "1", "--out",
               tmp_path / "ctmc")
    summary = json.loads((tmp_path / "ctmc" / "summary.json").read_text())
    assert not summary["deterministic"] and summary["points"][0]["distinct_outcomes"] > 1
    assert "the solver is deterministic" not in " ".join(r.output.split())


def test_mc_without_a_terminal_prints_progress_lines(tmp_path):
    from helpers import invoke

    r = invoke("mc", "scenarios/hill_defence.yaml", "-n", "40", "--workers", "1", "--out",
               tmp_path / "x")
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.output.splitlines() if "replications," in ln]
    assert lines[0].startswith("mc hill-defence: 0 of 40 replications")
    assert lines[-1].startswith("mc hill-defence: 40 of 40 replications")


def test_ablate_only_and_except_choose_the_elements_and_points_are_named_by_id(tmp_path):
    r = invoke("ablate", "docs/examples/first_battle.yaml", "-n", "3", "--workers", "1",
               "--only", "north_guns,relief-column", "--out", tmp_path / "a")
    assert r.exit_code == 0, r.output
    ab = json.loads((tmp_path / "a" / "ablation.json").read_text())
    assert {e["id"] for e in ab["elements"]} == {"north_guns", "relief-column"}
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert len(manifest["points"]) == 4  # every combination of the two, the others present
    report = (tmp_path / "a" / "report.md").read_text()
    assert "without north_guns, relief-column" in report and "__remove__" not in report
    r = invoke("ablate", "docs/examples/first_battle.yaml", "-n", "3", "--workers", "1",
               "--except", "north-morale,south-morale", "--out", tmp_path / "b")
    ab = json.loads((tmp_path / "b" / "ablation.json").read_text())
    assert {e["id"] for e in ab["elements"]} == {"north_guns", "relief-column"}
    r = invoke("ablate", "docs/examples/first_battle.yaml", "--only", "north_gun")
    assert r.exit_code == 2 and "did you mean 'north_guns'" in r.output


def test_force_replaces_an_experiment_folder_only_once_the_new_one_is_done(tmp_path):
    out = tmp_path / "x"
    args = ["mc", "scenarios/hill_defence.yaml", "-n", "3", "--workers", "1", "--out", out]
    assert invoke(*args).exit_code == 0
    (out / "mine.txt").write_text("keep me")
    assert invoke(*args).exit_code == 2  # not without --force
    # a run that fails before its work leaves the old folder as it was
    r = invoke("mc", "scenarios/hill_defence.yaml", "-n", "0", "--workers", "1", "--out", out,
               "--force")
    assert r.exit_code == 2 and (out / "mine.txt").read_text() == "keep me"
    assert invoke(*args, "--force", "--resume").exit_code == 2
    r = invoke(*args, "--force")
    assert r.exit_code == 0, r.output
    assert not (out / "mine.txt").exists() and (out / "replications.parquet").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["x"]  # nothing left aside


def test_report_rebuilds_an_experiment_folders_report(tmp_path):
    out = tmp_path / "a"
    assert invoke("ablate", "docs/examples/first_battle.yaml", "-n", "3", "--workers", "1",
                  "--only", "north_guns", "--out", out).exit_code == 0
    before = (out / "report.md").read_text()
    (out / "report.md").unlink()
    (out / "report.html").unlink()
    r = invoke("report", out)
    assert r.exit_code == 0, r.output
    assert (out / "report.md").read_text() == before and (out / "report.html").exists()
    (out / "ablation.json").write_text("{broken")
    r = invoke("report", out)
    assert r.exit_code == 2 and "ablation.json:1:2: not valid JSON" in r.output
    (out / "replications.parquet").write_bytes(b"garbage")
    r = invoke("report", out)
    assert r.exit_code == 2 and "replications.parquet: not a readable Parquet" in r.output
