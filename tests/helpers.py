"""Small builders for scenarios in tests."""

from __future__ import annotations

import copy

from warroom.scenario import validate
from warroom.world import compile_world


def duel(x0, y0, a, b, *, law="square", solver="ode", end=10.0, step=0.1, **extra):
    """Two sides of one force each: x (side blue) and y (side red); a = x on y, b = y on x."""
    eng = {"id": "duel", "law": law, "solver": solver,
           "fire": [{"shooter": "x", "target": "y", "rate": a},
                    {"shooter": "y", "target": "x", "rate": b}]}
    eng.update(extra.pop("engagement", {}))
    data = {
        "version": 1, "name": "duel", "seed": 1,
        "clock": {"start": 0, "end": end, "step": step, "unit": "day"},
        "sides": [{"id": "blue", "forces": [{"id": "x", "strength": x0}]},
                  {"id": "red", "forces": [{"id": "y", "strength": y0}]}],
        "engagements": [eng],
    }
    data.update(extra)
    return validate(copy.deepcopy(data))


def replicate(scenario, n, seed=0):
    """Final state of n replications: (strength[n, F], end_time[n])."""
    from warroom.aggregate.replicate import replicate as run

    out = run(compile_world(scenario, seed), n, seed)
    return out["final"], out["end_time"]


def invoke(*args):
    """Run the CLI in-process; a user mistake must never show a traceback."""
    from typer.testing import CliRunner

    from warroom.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def set_at(d, where, value):
    """d with the entry at the key path `where` set to `value` (in place; returned)."""
    node = d
    for k in where[:-1]:
        node = node[k]
    node[where[-1]] = value
    return d


def refused(tmp_path, d, path: str, needle: str) -> None:
    """`warroom check` of scenario data d refuses it with exit 2 and a message holding
    `needle`, located in the file and at the field `path`."""
    from ruamel.yaml import YAML

    f = tmp_path / "bad.yaml"
    YAML().dump(d, f)
    r = invoke("check", f)
    assert r.exit_code == 2, r.output
    line = next(ln for ln in r.output.splitlines() if needle in ln)
    assert "bad.yaml:" in line and path in line, r.output


def wait_for_a_shard(out, proc):
    """Wait (at most 2 minutes) until the experiment `proc` writing to `out` has a shard."""
    import time

    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not list(
            (out / "shards").glob("*.rows.parquet")):
        time.sleep(0.02)
    assert proc.poll() is None, "the experiment ended before it could be stopped"


def kill_and_resume(mc, full, cut):
    """`mc(out, *extra)` is a command line of an experiment writing to `out`: run it whole
    into `full`, and into `cut` killed (SIGKILL) after its first shard and then resumed; the
    resumed run's result (for the caller to compare the folders)."""
    import os
    import signal
    import subprocess

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run(mc(full), check=True, capture_output=True, env=env)
    proc = subprocess.Popen(mc(cut), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env)
    wait_for_a_shard(cut, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list((cut / "shards").glob("*.rows.parquet"))
    assert not (cut / "replications.parquet").exists()  # stopped part-way
    return subprocess.run(mc(cut, "--resume"), capture_output=True, text=True, env=env)
