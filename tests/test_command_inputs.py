"""Mistakes in the command, places and doctrine sections: one located message each, exit 2;
a force cut off from its headquarters is a warning, or an error where the scenario says so."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from helpers import invoke, refused, set_at
from warroom.scenario.load import plain
from warroom.scenario.yaml_file import read_yaml

RAID = plain(read_yaml(Path("scenarios/raid_relief.yaml")))


def raid():
    return copy.deepcopy(RAID)


@pytest.mark.parametrize("where,value,path,needle", [
    (("command", 0, "links", 0, "between", 1), "soul-societi", "command[0].links[0].between[1]",
     "unknown node or force 'soul-societi' (did you mean 'soul-society'?)"),
    (("command", 0, "links", 0, "latency"), -0.5, "command[0].links[0].latency",
     "a latency must be >= 0"),
    (("command", 0, "links", 0, "loss"), 1.5, "command[0].links[0].loss",
     "less than or equal to 1"),
    (("command", 0, "links", 0, "loss"), -0.1, "command[0].links[0].loss",
     "greater than or equal to 0"),
    (("command", 0, "headquarters"), "hqq", "command[0].headquarters",
     "unknown node or force 'hqq'"),
    (("command", 0, "nodes", 1, "service"), 0, "command[0].nodes[1].service",
     "greater than 0"),
    (("command", 0, "leaks", 0, "by"), "zarion", "command[0].leaks[0].by",
     "a side does not leak to itself"),
    (("command", 0, "side"), "hedrikk", "command[0].side", "unknown side 'hedrikk'"),
    (("command", 0, "links", 0, "latency"), {"uniform": [2, 1]},
     "command[0].links[0].latency", "low <= high"),
    (("places", "start", "o1"), "p9", "places.start.o1", "unknown place 'p9'"),
    (("engagements", 0, "at"), "p7", "engagements[0].at", "unknown place 'p7'"),
    (("doctrine", 0, "relieve", "reserve"), "raider", "doctrine[0].relieve.reserve",
     "'raider' is not of side 'zarion'"),
    (("doctrine", 1, "raid", "targets", 0), "o9", "doctrine[1].raid.targets[0]",
     "unknown enemy force 'o9'"),
    (("doctrine", 1, "every"), 0, "doctrine[1].every", "greater than 0"),
])
def test_a_mistake_is_refused_where_it_is(tmp_path, where, value, path, needle):
    refused(tmp_path, set_at(raid(), where, value), path, needle)


def test_jamming_zones_need_a_map(tmp_path):
    d = raid()
    d["command"][0]["jamming"] = [{"area": [0, 0, 10, 10], "loss": 0.5}]
    refused(tmp_path, d, "command[0].jamming[0]", "need a map")


def test_a_force_with_no_path_to_headquarters_is_a_warning_or_an_error(tmp_path):
    from ruamel.yaml import YAML

    d = raid()
    d["command"][0]["links"] = [k for k in d["command"][0]["links"]
                                if k["between"][0] != "o4"]
    f = tmp_path / "cut.yaml"
    YAML().dump(d, f)
    r = invoke("check", f)
    assert r.exit_code == 0
    warning = next(ln for ln in r.output.splitlines() if "no path to headquarters" in ln)
    assert "cut.yaml:" in warning and "warning:" in warning and "o4" in warning
    d["command"][0]["require_paths"] = True
    refused(tmp_path, d, "command[0].links", "force o4 of side 'zarion' has no path")


def test_a_run_with_a_cut_force_says_so_and_goes_on(tmp_path):
    from ruamel.yaml import YAML

    d = raid()
    d["command"][0]["links"] = [k for k in d["command"][0]["links"]
                                if k["between"][0] != "o4"]
    d["clock"]["end"] = 2
    f = tmp_path / "cut.yaml"
    YAML().dump(d, f)
    r = invoke("run", f, "--out", tmp_path / "run")
    assert r.exit_code == 0 and "no path to headquarters" in r.output
    assert (tmp_path / "run" / "messages.parquet").exists()


def test_raids_need_places(tmp_path):
    d = raid()
    del d["places"]
    for e in d["engagements"]:
        del e["at"]
    refused(tmp_path, d, "doctrine[0]", "need an aggregate scenario with a `places` section")


@pytest.mark.parametrize("path", ["scenarios/raid_relief.yaml", "docs/examples/decapitation.yaml"])
def test_ablation_can_leave_out_each_element_and_the_leak(path):
    """The spy is an element `warroom ablate` credits; removing any element (a force too)
    leaves a valid scenario: its links, leaks, doctrines and places go with it."""
    from warroom.experiment.ablate import elements, remove
    from warroom.scenario import validate

    d = plain(read_yaml(Path(path)))
    els = elements(d)
    if "raid" in path:
        assert ("spy", "leak") in [(e.id, e.kind) for e in els]
    for e in els:
        validate(remove(d, [e.id]))
    without_spy = remove(d, ["spy"])
    assert without_spy.get("command", [{}])[0].get("leaks", []) == []
