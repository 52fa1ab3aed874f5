"""Hostile scenario files and options: each gets one located message and exit 2, before any
work; none a traceback, a hang or a memory blow-up (issue 11's examples, one test each)."""

import re
from pathlib import Path

import pytest

from helpers import invoke

IWO = Path("scenarios/iwo_jima.yaml").read_text()
HILL = Path("scenarios/hill_defence.yaml").read_text()
RIDGE = Path("scenarios/ridge_road.yaml").read_text()
LOCATED = re.compile(r"s\.yaml:(\d+):(\d+):")


def sub(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


def refused(tmp_path, text, *needles, command="check", raw=False):
    path = tmp_path / "s.yaml"
    (path.write_bytes if raw else path.write_text)(text)
    r = invoke(command, path)
    assert r.exit_code == 2, r.output
    assert LOCATED.search(r.output), f"no line and column in: {r.output}"
    for n in needles:
        assert n in r.output, r.output
    return r.output


@pytest.mark.parametrize("line, shown", [
    ("seed: !!int x", "!!int"), ("title: !!bool maybe", "!!bool"),
    ("title: !!float abc", "!!float"), ("title: !!timestamp 2001-13-45", "!!timestamp"),
    ("title: !!python/object:os.system x", "!!python/object"),
])
def test_explicit_yaml_tags_are_refused_with_their_place(tmp_path, line, shown):
    text = sub(IWO, "seed: 1945", line)
    out = refused(tmp_path, text, "tags are not allowed", shown)
    assert LOCATED.search(out).group(1) == str(text.splitlines().index(line) + 1)


def test_nesting_250_levels_deep_is_refused_at_its_place(tmp_path):
    refused(tmp_path, IWO + "extra: " + "[" * 250 + "]" * 250 + "\n", "levels deep",
            "yaml_depth")


@pytest.mark.parametrize("fan, depth", [(9, 8), (2, 24)])
def test_alias_bombs_are_refused_before_they_expand(tmp_path, fan, depth):
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]"
                               for i in range(1, depth + 1)]
    refused(tmp_path, IWO + "\n".join(lines) + "\n", "aliases are expanded", "yaml_nodes")


def test_invalid_utf8_is_located_by_line_and_column(tmp_path):
    out = refused(tmp_path, IWO.encode().replace(b"title: Iwo", b"title: \xff\xfeIwo"),
                  "not UTF-8", raw=True)
    assert LOCATED.search(out).groups() == ("4", "8")


def test_a_control_character_is_located(tmp_path):
    out = refused(tmp_path, sub(IWO, "title: Iwo", "title: \x07Iwo"), "U+0007")
    assert LOCATED.search(out).groups() == ("4", "8")


@pytest.mark.parametrize("old, new, needle", [
    ("strength: 54000", "strength: .inf", "expected a finite number, found .inf"),
    ("strength: 54000", 'strength: "1e999"', "expected a finite number"),
    ("end: 36", "end: .nan", "expected a finite number, found .nan"),
    ("start: 0", "start: -.inf", "found -.inf"),
    ("rate: 0.0106", "rate: 1.0e+299", "limit 'magnitude'"),
    ("end: 36", "end: 1.0e+300", "limit 'magnitude'"),
    ("end: 36", "end: 1.0e+8", "limit 'points'"),
    ("name: iwo-jima", "name: a" + "b" * 200_000, "limit 'id'"),
    ("title: Iwo Jima", "title: " + "x" * 1_000_000, "limit 'id'"),
    ("id: us", "id: u" + "s" * 200_000, "limit 'id'"),
    ("name: United States", "name: " + "U" * 1_000_000, "limit 'id'"),
])
def test_extreme_numbers_and_texts_are_refused(tmp_path, old, new, needle):
    refused(tmp_path, sub(IWO, old, new), needle)


def test_extreme_values_with_a_stochastic_solver(tmp_path):
    ctmc = sub(IWO, "solver: ode", "solver: ctmc")
    refused(tmp_path, sub(ctmc, "strength: 54000", "strength: .inf"), "finite number")
    refused(tmp_path, sub(ctmc, "strength: 54000", 'strength: "1e999"'), "finite number")
    refused(tmp_path, sub(ctmc, "strength: 54000", "strength: 5.0e+11"), "limit 'events'",
            "tau_leap")


@pytest.mark.parametrize("transfer, needle", [
    ("{at: 1, amount: .inf}", "finite number"),
    ("{start: 1, end: .nan, rate: 3}", "finite number"),
    ("{id: r, start: 4, end: 10, rate: 1.0e+18}", "limit 'magnitude'"),
])
def test_hostile_transfers(tmp_path, transfer, needle):
    text = sub(HILL, "{id: replacements, start: 4, end: 10, rate: 15}", transfer)
    refused(tmp_path, text, needle)


def test_a_ctmc_reinforcement_that_would_run_for_ever(tmp_path):
    text = re.sub(r"solver: \w+", "solver: ctmc", sub(HILL, "rate: 15}", "rate: 1.0e+11}"))
    refused(tmp_path, text, "limit 'events'")


@pytest.mark.parametrize("old, new, needle", [
    ("width: 160}", "width: 1.0e+308}", "limit 'magnitude'"),
    ("count: 60,", "count: 36000000,", "limit 'entities'"),
    ("step: 1,", "step: 1.0e-9,", "limit 'ticks'"),
    ("width: 60\n", "width: 6000000\n", "limit 'cells'"),
])
def test_hostile_tactical_values(tmp_path, old, new, needle):
    refused(tmp_path, sub(RIDGE, old, new), needle)


def test_a_raised_limit_lets_the_file_through(tmp_path, monkeypatch):
    text = sub(IWO, "end: 36", "end: 1.0e+6")
    refused(tmp_path, text, "WARROOM_LIMIT_POINTS")
    monkeypatch.setenv("WARROOM_LIMIT_POINTS", "1e7")
    path = tmp_path / "s.yaml"
    assert invoke("check", path).exit_code == 0


@pytest.mark.parametrize("args, needle", [
    (["--seed", "-3"], "--seed"), (["--seed", str(2**63)], "--seed"),
    (["--workers", "0"], "--workers"), (["--cluster", "bogus"], "--cluster"),
    (["--out", "/proc/x"], "cannot write there"),
])
def test_bad_experiment_options_are_refused_before_any_work(tmp_path, args, needle):
    r = invoke("mc", "scenarios/hill_defence.yaml", "-n", "3", *args)
    assert r.exit_code == 2 and needle in r.output, r.output


def test_out_inside_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    r = invoke("mc", "scenarios/hill_defence.yaml", "-n", "3", "--out", tmp_path / "f" / "x")
    assert r.exit_code == 2 and "is a file, not a folder" in r.output
    assert (tmp_path / "f").read_text() == "x"


@pytest.mark.parametrize("spec, needle", [
    ("clock.end=1e999", "finite"), ("clock.end=nan,3", "finite"),
    ("clock.end=10:12:100000000000", "limit 'points_grid'"),
    ("clock.end=10:inf:3", "finite ends"),
])
def test_bad_sweep_values_are_refused_before_any_work(tmp_path, spec, needle):
    r = invoke("sweep", "scenarios/hill_defence.yaml", "--set", spec, "-n", "2",
               "--workers", "1", "--out", tmp_path / "x")
    assert r.exit_code == 2 and needle in r.output, r.output
    assert not (tmp_path / "x").exists()


def test_a_sweep_over_text_values_reports(tmp_path):
    r = invoke("sweep", "scenarios/hill_defence.yaml", "--set", "name=a,b", "-n", "2",
               "--workers", "1", "--out", tmp_path / "x")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "x" / "report.html").exists()


def test_a_number_of_thousands_of_digits_is_refused_at_its_place(tmp_path):
    # Python will not read an integer of over 4,300 digits (the fuzzer's find)
    text = sub(IWO, "shooter: marines", "shooter: " + "1" * 5000)
    out = refused(tmp_path, text, "5,000 characters")
    assert LOCATED.search(out).group(1) == str(next(
        i for i, line in enumerate(text.splitlines(), 1) if "1111" in line))


def test_a_force_that_empties_faster_than_times_can_resolve_still_ends(tmp_path):
    # the fuzzer's find: 6,000 marines landing at t = 2 against a kill rate of 5.4e10 per day
    # die within 7e-11 days, a few hundred float spacings at t = 2; the ODE's steps could not
    # straddle the stop of their losses and the solver failed
    text = sub(IWO, "rate: 0.0544", "rate: 5.44e+10")
    text = sub(text, "strength: 21500", "strength: 21500\n        withdrawals:\n"
               "          - {id: w, start: 0, end: 36, rate: 10000}")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    r = invoke("run", path, "--out", tmp_path / "run")
    assert r.exit_code == 0, r.output
    import json
    s = json.loads((tmp_path / "run" / "summary.json").read_text())
    us = s["sides"]["us"]
    assert us["final"] == 0.0 and us["lost"] == pytest.approx(us["initial"] + us["arrived"])


def test_a_trickle_into_an_emptied_force_dies_as_it_comes_and_the_run_ends(tmp_path):
    # the fuzzer's find: 100 men spread over the whole battle into a garrison already wiped
    # out flickered in and out of the fight at ever smaller ODE steps, and the run never ended
    import json
    import subprocess
    import sys

    text = sub(IWO, "strength: 21500", "strength: 21500\n        reinforcements:\n"
               "          - {id: trickle, start: 0, end: 36, amount: 100}")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    r = subprocess.run([sys.executable, "-m", "warroom", "run", str(path), "--out",
                        str(tmp_path / "run")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    japan = json.loads((tmp_path / "run" / "summary.json").read_text())["sides"]["japan"]
    assert japan["final"] == 0.0 and japan["arrived"] == pytest.approx(100.0)
    assert japan["lost"] == pytest.approx(japan["initial"] + japan["arrived"])
