"""A campaign file's mistakes: each one clear message, located in the file, exit 2."""

from __future__ import annotations

from campaign_helpers import campaign
from helpers import refused


def test_a_lane_to_an_unknown_world_is_refused(tmp_path):
    d = campaign()
    d["theater"]["lanes"].append(["e", "f", 3])
    refused(tmp_path, d, "theater.lanes[4][1]", "a lane to an unknown world 'f'")


def test_a_negative_travel_time_is_refused(tmp_path):
    d = campaign()
    d["theater"]["lanes"][1][2] = -2
    refused(tmp_path, d, "theater.lanes[1][2]", "a negative travel time")


def test_an_order_to_a_world_no_lane_reaches_is_refused(tmp_path):
    d = campaign(orders=[{"at": 0, "fleets": "g", "do": "move", "world": "z"}])
    d["theater"]["worlds"].append({"id": "z", "x": 9})  # no lane to it
    refused(tmp_path, d, "orders[0].world", "not connected")


def test_a_member_with_no_home_world_is_refused(tmp_path):
    d = campaign()
    del d["sides"][1]["members"][0]["home"]
    refused(tmp_path, d, "sides[1].members[0]", "member 'r1' has no home world")


def test_an_alliance_naming_an_unknown_side_is_refused(tmp_path):
    d = campaign(alliances=[{"id": "league", "sides": ["blue", "green"]}])
    refused(tmp_path, d, "alliances[0].sides[1]", "names an unknown side 'green'")


def test_an_unknown_ship_type_and_world_are_refused_with_a_suggestion(tmp_path):
    d = campaign()
    d["sides"][0]["members"][0]["fleets"][0]["ships"] = {"lines": 50}
    refused(tmp_path, d, "sides[0].members[0].fleets[0].ships.lines", "did you mean 'line'")
    d = campaign()
    d["sides"][0]["members"][0]["fleets"][0]["at"] = "bb"
    refused(tmp_path, d, "sides[0].members[0].fleets[0].at", "unknown world 'bb'")


def test_a_theater_csv_with_a_lane_to_an_unknown_world_names_its_file_and_line(tmp_path):
    (tmp_path / "worlds.csv").write_text("id,x,y\na,0,0\nb,1,0\n")
    (tmp_path / "lanes.csv").write_text("from,to,time\na,b,2\nb,q,3\n")
    d = campaign()
    d["theater"] = {"worlds": "worlds.csv", "lanes": "lanes.csv"}
    d["sides"][0]["members"][0]["home"] = "a"
    d["sides"][0]["members"][0]["fleets"][0]["at"] = "a"
    d["sides"][1]["members"][0]["home"] = "b"
    d["sides"][1]["members"][0]["fleets"][0]["at"] = "b"
    from ruamel.yaml import YAML

    from helpers import invoke

    f = tmp_path / "war.yaml"
    YAML().dump(d, f)
    r = invoke("check", f)
    assert r.exit_code == 2 and "lanes.csv:3" in r.output and "unknown world 'q'" in r.output
