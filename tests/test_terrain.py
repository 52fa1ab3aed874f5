"""Terrain rasters from every source: inline, generated, and .npy / .csv / .png files."""

import numpy as np
import pytest
from matplotlib.image import imsave

from warroom.scenario.tactical import MapSpec
from warroom.terrain.raster import MapProblem, build_raster


def raster(tmp_path, **spec):
    return build_raster(MapSpec.model_validate(spec), [], tmp_path)


def test_inline_rows_and_legend_put_north_first(tmp_path):
    r = raster(tmp_path, cell=10, elevation={"rows": [[5, 5, 5], [0, 0, 0]]},
               terrain={"rows": ["~~.", "..#"], "legend": {"~": "water", ".": "open",
                                                           "#": "urban"}})
    assert r.shape == (2, 3) and r.extent == (30.0, 20.0)
    ids = [r.class_ids[k] for k in r.terrain.ravel()]
    assert ids == ["water", "water", "open", "open", "open", "urban"]
    assert r.elevation[0, 0] == 5 and r.elevation[1, 0] == 0  # row 0 is the northern edge
    assert not r.flat


def test_csv_and_npy_files(tmp_path):
    np.savetxt(tmp_path / "h.csv", np.arange(12.0).reshape(3, 4), delimiter=",")
    np.save(tmp_path / "c.npy", np.array([[0, 1, 1, 0]] * 3))
    r = raster(tmp_path, cell=1, elevation={"file": "h.csv"},
               terrain={"file": "c.npy", "classes": ["open", "road"]})
    assert r.elevation[2, 3] == 11.0
    assert [r.class_ids[k] for k in r.terrain[0]] == ["open", "road", "road", "open"]


def test_png_height_and_colour_class_images(tmp_path):
    grey = np.tile(np.linspace(0, 1, 8), (4, 1))
    imsave(tmp_path / "h.png", grey, cmap="gray", vmin=0, vmax=1)
    rgb = np.zeros((4, 8, 3))
    rgb[:, 4:] = [0, 0, 1]  # blue on the east half
    imsave(tmp_path / "c.png", rgb)
    r = raster(tmp_path, cell=2, elevation={"file": "h.png", "relief": 80},
               terrain={"file": "c.png", "legend": {"#000000": "open", "#0000ff": "water"}})
    assert r.elevation.min() == pytest.approx(0) and r.elevation.max() == pytest.approx(80)
    assert np.all(np.diff(r.elevation[0]) > 0)  # brighter is higher
    assert r.class_ids[r.terrain[0, 0]] == "open" and r.class_ids[r.terrain[0, 7]] == "water"
    with pytest.raises(MapProblem, match="#0000ff at row 0, column 4 is not in `legend`"):
        raster(tmp_path, cell=2, elevation={"flat": 0}, width=8, height=4,
               terrain={"file": "c.png", "legend": {"#000000": "open"}})


def test_generated_map_is_seeded_and_banded(tmp_path):
    spec = {"cell": 10, "width": 40, "height": 30, "elevation": {"generate": {"seed": 4},
                                                                  "relief": 50},
            "terrain": {"bands": [{"terrain": "water", "up_to": 0.1},
                                  {"terrain": "open", "up_to": 1.0}]}}
    a, b = raster(tmp_path, **spec), raster(tmp_path, **spec)
    assert np.array_equal(a.elevation, b.elevation)
    assert a.elevation.max() == pytest.approx(50) and a.elevation.min() == pytest.approx(0)
    water = a.terrain == a.class_ids.index("water")
    assert water.mean() == pytest.approx(0.1, abs=0.01)
    assert a.elevation[water].max() <= a.elevation[~water].min()  # the lowest tenth
    spec["elevation"]["generate"]["seed"] = 5
    assert not np.array_equal(raster(tmp_path, **spec).elevation, a.elevation)


def test_features_paint_classes_and_cut_the_ground(tmp_path):
    r = raster(tmp_path, cell=10, width=10, height=10,
               features=[{"terrain": "road", "line": [[0, 55], [100, 55]], "width": 10},
                         {"rise": -20, "area": [40, 0, 60, 100]}])
    assert r.class_ids[r.terrain[5, 0]] == "road" and r.class_ids[r.terrain[0, 0]] == "open"
    assert r.elevation[0, 4] == -20 and r.elevation[0, 0] == 0
