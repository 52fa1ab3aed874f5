"""A theater read from CSV files: worlds and lanes, with every mistake located."""

from __future__ import annotations

import pytest

from warroom.errors import UserError
from warroom.theater import route
from warroom.theater.files import theater_from_csv


def write(tmp_path, worlds: str, lanes: str):
    (tmp_path / "worlds.csv").write_text(worlds)
    (tmp_path / "lanes.csv").write_text(lanes)
    return tmp_path / "worlds.csv", tmp_path / "lanes.csv"


def test_a_theater_from_csv(tmp_path):
    w, lanes = write(tmp_path, "id,x,y\nhome,0,0\nrim,3,4\nfar,6,8\n",
                     "from,to,time\nhome,rim,5\nrim,far,5\n")
    th = theater_from_csv(w, lanes)
    assert th.ids == ("home", "rim", "far") and th.x.tolist() == [0.0, 3.0, 6.0]
    assert route(th, 0, 2) == ([0, 1, 2], 10.0)


def test_every_mistake_is_located(tmp_path):
    w, lanes = write(tmp_path, "id\nhome\nrim\nrim\n",
                     "from,to,time\nhome,rimm,5\nhome,rim,-2\nrim,home,1\nhome,rim,x\n")
    with pytest.raises(UserError) as e:
        theater_from_csv(w, lanes)
    text = str(e.value)
    assert "worlds.csv:4: id: world 'rim' is listed already (line 3)" in text
    assert "lanes.csv:2: to: a lane to an unknown world 'rimm' (did you mean 'rim'?)" in text
    assert "lanes.csv:3: time: expected a number >= 0, found -2" in text
    assert "lanes.csv:5: time: expected a number, found 'x'" in text


def test_missing_columns_and_files_are_said(tmp_path):
    w, lanes = write(tmp_path, "name\nhome\n", "a,b\n")
    with pytest.raises(UserError, match="expected the columns id; missing id"):
        theater_from_csv(w, lanes)
    with pytest.raises(UserError, match="cannot read it"):
        theater_from_csv(tmp_path / "nope.csv", lanes)


GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="edge" attr.name="time" attr.type="double"/>
  <key id="d1" for="node" attr.name="x" attr.type="double"/>
  <graph edgedefault="undirected">
    <node id="home"><data key="d1">1.5</data></node>
    <node id="rim"/>
    <node id="far"/>
    <edge source="home" target="rim"><data key="d0">5</data></edge>
    <edge source="rim" target="{far}"><data key="d0">{time}</data></edge>
  </graph>
</graphml>
"""


def test_a_theater_from_graphml_as_networkx_writes_it(tmp_path):
    import networkx as nx

    from warroom.theater.files import theater_from_graphml

    f = tmp_path / "t.graphml"
    f.write_text(GRAPHML.format(far="far", time="2.5"))
    th = theater_from_graphml(f)
    assert th.ids == ("home", "rim", "far") and th.x[0] == 1.5
    assert route(th, 0, 2) == ([0, 1, 2], 7.5)
    g = nx.path_graph(4)  # what a user's networkx writes reads back the same
    nx.set_edge_attributes(g, 2.0, "time")
    nx.write_graphml(g, tmp_path / "nx.graphml")
    th = theater_from_graphml(tmp_path / "nx.graphml")
    assert th.n == 4 and route(th, 0, 3)[1] == 6.0


def test_graphml_mistakes_are_located(tmp_path):
    from warroom.theater.files import theater_from_graphml

    f = tmp_path / "bad.graphml"
    f.write_text(GRAPHML.format(far="farr", time="-1"))
    with pytest.raises(UserError) as e:
        theater_from_graphml(f)
    text = str(e.value)
    assert "edge 1 (rim - farr): a lane to an unknown world 'farr' (did you mean 'far'?)" in text
    assert "expected a number >= 0, found -1" in text
    f.write_text("<graphml><graph>")
    with pytest.raises(UserError, match="not a readable GraphML file"):
        theater_from_graphml(f)
