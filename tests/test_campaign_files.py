"""A theater read from CSV files: worlds and lanes, with every mistake located."""

from __future__ import annotations

import pytest

from warroom.campaign import route
from warroom.campaign.files import theater_from_csv
from warroom.errors import UserError


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
