"""An experiment's folder against a hostile user and a hostile machine: damaged, stray and
overlapping shards, a damaged or lost manifest, refusals before anything is written, a lost
worker pool or Dask cluster, and `kill -9` of the experiment's process."""

import importlib
import json
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import warroom
from helpers import invoke, wait_for_a_shard
from warroom.errors import UserError
from warroom.experiment import experiment
from warroom.experiment.run import Interrupted
from warroom.experiment.tasks import worker_setup

HILL = Path("scenarios/hill_defence.yaml")
N = 60


@pytest.fixture(scope="module")
def sc():
    return warroom.load_scenario(HILL)


@pytest.fixture(scope="module")
def clean(sc):
    """The replications of an uninterrupted run, to compare every repaired folder with."""
    return experiment(sc, N, seed=4).replications


def _stem(start, stop, point=0):
    return f"p{point:05d}-r{start:09d}-{stop:09d}"


def _files(out, stem):
    return [out / "shards" / f"{stem}.{part}.parquet" for part in ("rows", "series")]


def _partial(sc, out, tasks, seed=4):
    """A folder stopped (as by Ctrl-C) after `tasks` tasks of 10 replications."""
    def stop(done, total):
        if done >= 10 * tasks:
            raise KeyboardInterrupt
    with pytest.raises(Interrupted):
        experiment(sc, N, seed=seed, out=out, task_size=10, progress=stop)


def _resume(out, *extra):
    r = invoke("mc", HILL, "-n", N, "--seed", "4", "--workers", "1", "--out", out, "--resume",
               *extra)
    return r


def _reported(output):
    """shard name -> the line that reported it."""
    return {line.split(":", 1)[0].removeprefix("shards/"): line
            for line in output.splitlines() if line.startswith("shards/")}


def test_damaged_stray_and_overlapping_shards_are_rejected_and_recomputed(sc, clean, tmp_path):
    out = tmp_path / "e"
    _partial(sc, out, 3)  # shards 0-10, 10-20, 20-30
    experiment(sc, N, seed=5, out=tmp_path / "seed5", task_size=10)
    experiment(sc, N, seed=4, out=tmp_path / "twin", task_size=25)
    for src, name, dst in [(tmp_path / "seed5", _stem(30, 40), _stem(30, 40)),  # another seed's
                           (out, _stem(0, 10), _stem(40, 50)),  # under another range's name
                           (out, _stem(0, 10), _stem(0, 10, point=3)),  # a point not there
                           (tmp_path / "twin", _stem(0, 25), _stem(0, 25))]:  # overlaps 20-30
        for a, b in zip(_files(src, name), _files(out, dst), strict=True):
            shutil.copyfile(a, b)
    rows, _ = _files(out, _stem(0, 10))
    with open(rows, "r+b") as f:  # 128 bytes overwritten in the middle
        f.seek(rows.stat().st_size // 2)
        f.write(b"\xff" * 128)
    series = _files(out, _stem(10, 20))[1]
    series.write_bytes(series.read_bytes()[:100])  # truncated
    for f in _files(out, _stem(50, 60)):
        f.write_bytes(os.urandom(300))  # garbage under a good name
    r = _resume(out)
    assert r.exit_code == 0, r.output
    said = _reported(r.output)
    assert set(said) == {_stem(0, 10), _stem(10, 20), _stem(30, 40), _stem(40, 50),
                         _stem(0, 10, point=3), _stem(0, 25), _stem(50, 60)}, r.output
    for stem, why in [(_stem(0, 10), "damaged (checksum mismatch)"),
                      (_stem(10, 20), "damaged (checksum mismatch)"),
                      (_stem(30, 40), "stray (another experiment's: the seed 5, not 4)"),
                      (_stem(40, 50), "stray (it holds replications 0-10 of point 0)"),
                      (_stem(0, 10, point=3), "stray (this experiment has no point 3)"),
                      (_stem(0, 25), "overlapping (replications 20-25 are in shards/"
                                     f"{_stem(20, 30)} too)"),
                      (_stem(50, 60), "damaged (unreadable")]:
        assert why in said[stem] and said[stem].endswith(
            "moved to shards/rejected/ and recomputed"), said[stem]
        assert (out / "shards" / "rejected" / f"{stem}.rows.parquet").exists()
    assert pq.read_table(out / "replications.parquet").equals(clean)
    again = _resume(out)  # the repaired folder is clean
    assert again.exit_code == 0 and not _reported(again.output), again.output


def test_a_shard_damaged_while_the_run_goes_on_is_caught_by_the_merge(sc, clean, tmp_path):
    out, lines = tmp_path / "e", []

    def damage_the_first(done, total):
        if done == total and not lines:  # all done: damage one before the merge reads it
            rows = _files(out, _stem(0, 10))[0]
            rows.write_bytes(rows.read_bytes()[:-10])

    res = experiment(sc, N, seed=4, out=out, task_size=10, progress=damage_the_first,
                     report=lines.append)
    assert lines == [f"shards/{_stem(0, 10)}: damaged (checksum mismatch); moved to "
                     "shards/rejected/ and recomputed"]
    assert res.replications.equals(clean)
    assert pq.read_table(out / "replications.parquet").equals(clean)


def test_a_damaged_or_lost_manifest_is_rebuilt_from_the_shards(sc, clean, tmp_path):
    for name, damage in [("corrupt", lambda o: (o / "manifest.json").write_text('{"kind": "m')),
                         ("lost", lambda o: [(o / "manifest.json").unlink(),
                                             (o / "shards" / "checksums.jsonl").unlink()])]:
        out = tmp_path / name
        _partial(sc, out, 2)
        damage(out)
        r = _resume(out)
        assert r.exit_code == 0, r.output
        what = "damaged (JSONDecodeError" if name == "corrupt" else "missing"
        assert f"manifest.json: {what}" in r.output and "(2 shards kept)" in r.output, r.output
        assert not _reported(r.output), r.output
        assert pq.read_table(out / "replications.parquet").equals(clean)
        assert (out / "shards" / "rejected" / "manifest.json").exists() == (name == "corrupt")
        assert json.loads((out / "manifest.json").read_text())["status"] == "done"


def test_shards_of_another_experiment_are_not_adopted_into_a_lost_manifest(sc, tmp_path):
    out = tmp_path / "e"
    _partial(sc, out, 2, seed=5)
    (out / "manifest.json").unlink()
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    r = _resume(out)
    assert r.exit_code == 2 and ("cannot resume: manifest.json is missing, and the shards there "
                                 "are another experiment's (the seed 5, not 4)"
                                 ) in r.output, r.output
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before  # nothing written
    r = invoke("mc", HILL, "-n", N, "--seed", "4", "--workers", "1", "--out", out)
    assert r.exit_code == 2 and "its shards/ can be resumed: pass --resume" in r.output


def test_every_check_comes_before_anything_is_written(tmp_path, monkeypatch):
    out = tmp_path / "e"
    r = invoke("mc", HILL, "-n", "1000000000000", "--workers", "1", "--out", out)
    assert r.exit_code == 2 and "the limit 'replications'" in r.output, r.output
    assert not out.exists()
    assert invoke("mc", HILL, "-n", "3", "--workers", "1", "--out", out).exit_code == 0
    r = invoke("mc", HILL, "-n", "3", "--seed", "-1", "--workers", "1", "--out", tmp_path / "s")
    assert r.exit_code == 2 and "--seed" in r.output and not (tmp_path / "s").exists()
    monkeypatch.setenv("WARROOM_LIMIT_POINTS_GRID", "2")
    r = invoke("sweep", HILL, "--set", "forces.battalion.strength=1:3:3", "-n", "2",
               "--workers", "1", "--out", tmp_path / "g")
    assert r.exit_code == 2 and "the limit 'points_grid'" in r.output, r.output
    assert not (tmp_path / "g").exists()
    monkeypatch.delenv("WARROOM_LIMIT_POINTS_GRID")
    (tmp_path / "file").write_text("")
    r = invoke("mc", HILL, "-n", "3", "--workers", "1", "--out", tmp_path / "file" / "e")
    assert r.exit_code == 2 and "is a file" in r.output


def test_invalid_points_are_named_by_the_option_that_made_them(sc, tmp_path):
    r = invoke("sweep", HILL, "--set", "forces.battalion.strength=5,-1", "-n", "2",
               "--workers", "1", "--out", tmp_path / "e")
    assert r.exit_code == 2, r.output
    assert "--set forces.battalion.strength=-1: sides[0].forces[0].strength" in r.output
    assert "<scenario with" not in r.output and not (tmp_path / "e").exists()
    with pytest.raises(UserError, match=r"ablation without \[battalion, rifles\]: "):
        experiment(sc, 2, points=[{"__remove__": []}, {"__remove__": ["battalion", "rifles"]}],
                   out=tmp_path / "a")
    assert not (tmp_path / "a").exists()


def _a_worker_that_dies(marker: str) -> None:
    """A pool worker like the others, but the first to start its third task is killed
    there. Killed in the middle of a task, not at a moment chosen from outside: a worker
    killed while it sends a result can leave CPython's pool itself waiting for ever (seen
    in CI, Python 3.11)."""
    worker_setup()
    # (the package `warroom` names a function `experiment` too)
    tasks = importlib.import_module("warroom.experiment.tasks")
    run, calls = tasks.run_task, [0]

    def dying(*args, **kwargs):
        calls[0] += 1
        if calls[0] == 3:
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                pass
            else:
                os.kill(os.getpid(), signal.SIGKILL)
        return run(*args, **kwargs)

    tasks.run_task = dying  # what the pool's pickled tasks name


def test_a_broken_process_pool_ends_as_interrupted_and_resumes(sc, tmp_path):
    out = tmp_path / "e"
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn"),
                             initializer=_a_worker_that_dies,
                             initargs=(str(tmp_path / "died"),)) as ex, \
            pytest.raises(Interrupted, match="a worker process died .*BrokenProcessPool"):
        experiment(sc, 1000, seed=4, executor=ex, workers=2, out=out, task_size=10)
    assert (tmp_path / "died").exists()
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert list((out / "shards").glob("*.rows.parquet"))
    lines = []
    res = experiment(sc, 1000, seed=4, out=out, resume=True, report=lines.append)
    assert not lines and res.replications.equals(experiment(sc, 1000, seed=4).replications)


def _mc(out, n, *extra):
    return [sys.executable, "-m", "warroom", "mc", str(HILL), "-n", str(n), "--seed", "4",
            "--out", str(out), *extra]


CLUSTER = """
import time
from distributed import LocalCluster
if __name__ == "__main__":
    c = LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None)
    print(c.scheduler_address, flush=True)
    while True:
        time.sleep(1)
"""


def test_a_lost_dask_cluster_ends_as_interrupted(tmp_path):
    cluster = subprocess.Popen([sys.executable, "-c", CLUSTER], stdout=subprocess.PIPE,
                               text=True, start_new_session=True)
    out = tmp_path / "e"
    try:
        address = cluster.stdout.readline().strip()
        proc = subprocess.Popen(_mc(out, 6000, "--workers", "1", "--cluster", address),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_a_shard(out, proc)
        os.killpg(cluster.pid, signal.SIGKILL)  # scheduler, nanny and worker
        _, err = proc.communicate(timeout=120)
    finally:
        if cluster.poll() is None:
            os.killpg(cluster.pid, signal.SIGKILL)
        cluster.wait()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "the Dask cluster was lost" in err, err
    assert "--resume --out" in err
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert list((out / "shards").glob("*.rows.parquet"))


def _state(pid):
    """The process's state letter, or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _descendants(root):
    children = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_kill_9_leaves_no_process_behind_and_the_folder_resumes(sc, tmp_path):
    out = tmp_path / "e"
    proc = subprocess.Popen(_mc(out, 4000, "--workers", "2"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for_a_shard(out, proc)
    tree = _descendants(proc.pid)
    assert len(tree) >= 3  # two workers and multiprocessing's resource tracker
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(5)
    assert [pid for pid in tree if _state(pid) not in (None, "Z")] == []  # a zombie is dead
    r = subprocess.run(_mc(out, 4000, "--workers", "2", "--resume"), capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert pq.read_table(out / "replications.parquet").equals(
        experiment(sc, 4000, seed=4).replications)
