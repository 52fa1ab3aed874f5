"""The war room: `warroom serve` and `warroom export` of run and experiment folders, the
server's refusals of paths outside its folder, and the page driven in a real browser
(Debian's chromium through Playwright), against the server and against the exported file."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from helpers import invoke

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
browser_only = pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (.ci/run installs "
                                  "Debian's)")


def _folder(factory, *command) -> Path:
    """The folder a `warroom` command writes (its --out)."""
    out = factory.mktemp("room") / command[0]
    r = invoke(*command, "--out", out)
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def ridge(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory, "run", "scenarios/ridge_road.yaml")


@pytest.fixture(scope="module")
def aggregate(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory, "run", "scenarios/hill_defence.yaml")


@pytest.fixture(scope="module")
def experiment_dir(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory, "mc", "scenarios/hill_defence.yaml", "-n", "20",
                   "--workers", "1")


class Served:
    """`warroom serve FOLDER` in its own process, on a free loopback port."""

    def __init__(self, folder: Path, *extra: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "warroom", "serve", str(folder), "--no-browser", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://([\d.]+):(\d+)/", line)
        assert m, line + self.proc.stderr.read()
        self.host, self.port, self.url = m.group(1), int(m.group(2)), m.group(0)

    def get(self, path: str) -> tuple[int, bytes]:
        """A GET of `path` exactly as written (no client normalises it)."""
        c = http.client.HTTPConnection(self.host, self.port, timeout=10)
        c.putrequest("GET", path, skip_accept_encoding=True)
        c.endheaders()
        r = c.getresponse()
        return r.status, r.read()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def served(ridge):
    s = Served(ridge)
    yield s
    s.close()


def test_the_server_serves_only_the_files_of_its_folder(ridge, served):
    secret = ridge.parent / "secret.parquet"
    secret.write_text("not for the page")
    link = ridge / "link.parquet"
    link.symlink_to(secret)
    try:
        status, body = served.get("/files/summary.json")
        assert status == 200 and body == (ridge / "summary.json").read_bytes()
        assert served.get("/")[0] == 200
        for path in ("/files/../secret.parquet", "/files/..%2fsecret.parquet",
                     "/files/%2e%2e/secret.parquet", "/files/%2E%2E%2Fsecret.parquet",
                     "/files/%252e%252e/secret.parquet", "/../secret.parquet",
                     "/files//etc/passwd", "/files/%2fetc%2fpasswd", "/files/link.parquet",
                     f"/files/{secret}", "/files/./summary.json", "/files/summary.json/",
                     "/files/report.html", "/files/nothing.parquet", "/etc/passwd"):
            status, body = served.get(path)
            assert status == 404, (path, status)
            assert b"not for the page" not in body
    finally:
        link.unlink()
        secret.unlink()


def test_serve_binds_to_loopback_and_warns_when_told_otherwise(ridge):
    s = Served(ridge)
    try:
        assert s.host == "127.0.0.1"
    finally:
        s.close()
    s = Served(ridge, "--host", "0.0.0.0")
    try:
        s.close()
        assert "reachable from other machines" in s.proc.stderr.read()
    finally:
        if s.proc.poll() is None:
            s.close()


def test_bad_folders_and_a_port_in_use_are_refused(tmp_path, ridge):
    (tmp_path / "empty").mkdir()
    for cmd in ("serve", "export"):
        r = invoke(cmd, tmp_path / "empty", "--no-browser" if cmd == "serve" else "-o",
                   *([] if cmd == "serve" else [tmp_path / "x.html"]))
        assert r.exit_code == 2 and "no manifest.json" in r.output, r.output
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text("{not json")
    r = invoke("export", tmp_path / "bad")
    assert r.exit_code == 2 and "damaged" in r.output
    r = invoke("export", tmp_path / "missing")
    assert r.exit_code == 2 and "no such folder" in r.output
    assert not (tmp_path / "x.html").exists()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = invoke("serve", ridge, "--no-browser", "--port", str(port))
        assert r.exit_code == 2 and "in use" in r.output, r.output


def test_the_export_of_ridge_road_is_one_file_under_5_mb(ridge, tmp_path):
    r = invoke("export", ridge, "-o", tmp_path / "ridge.html")
    assert r.exit_code == 0, r.output
    html = (tmp_path / "ridge.html").read_text()
    assert len(html.encode()) < 5e6
    # works offline: nothing it loads comes from elsewhere
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert 'data-file="snapshots.parquet"' in html


# in the browser


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def _open(b, url: str):
    page = b.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("window.warroom && (window.warroom.ready || window.warroom.error)",
                           timeout=30_000)
    assert page.evaluate("window.warroom.error") is None
    return page, errors


def _counts_at(snapshots: Path, k: int) -> dict[str, int]:
    t = pq.read_table(snapshots).to_pandas()
    ticks = np.unique(t["t"].to_numpy())
    at = t[t["t"] == ticks[k]]
    return {f"{s}|{ty}": int(n) for (s, ty), n in
            at.groupby(["side", "type"], observed=True).size().items() if n}


def _table(page) -> dict[str, int]:
    rows = page.eval_on_selector_all(
        "#counts tbody tr", "rs => rs.map(r => [r.dataset.side, r.dataset.type, "
        "Number(r.cells[2].textContent)])")
    return {f"{s}|{ty}": n for s, ty, n in rows}


def _not_blank(page, path: Path) -> None:
    from PIL import Image

    page.locator("#map").screenshot(path=str(path))
    px = np.asarray(Image.open(path).convert("L"), float)
    # the background is one shade; the entities drawn on it are others
    assert px.std() > 3 and (np.abs(px - np.median(px)) > 40).mean() > 0.002


@browser_only
@pytest.mark.parametrize("where", ["served", "exported"])
def test_the_page_replays_the_run_as_its_snapshots_hold(ridge, tmp_path, browser, where):
    server = Served(ridge) if where == "served" else None
    if server is None:
        invoke("export", ridge, "-o", tmp_path / "room.html")
    url = server.url if server else (tmp_path / "room.html").as_uri()
    try:
        page, errors = _open(browser, url)
        ticks = page.evaluate("window.warroom.ticks")
        assert ticks == sorted(set(pq.read_table(ridge / "snapshots.parquet")["t"].to_pylist()))
        # play advances the clock
        page.click("#play")
        page.wait_for_function("window.warroom.tick >= 3", timeout=10_000)
        page.click("#play")  # pause
        # scrubbing to a tick shows exactly what snapshots.parquet holds there
        for k in (0, len(ticks) // 2, len(ticks) - 1):
            page.locator("#scrub").fill(str(k))
            page.wait_for_function(f"window.warroom.tick === {k}")
            want = _counts_at(ridge / "snapshots.parquet", k)
            assert _table(page) == want
            assert page.evaluate("window.warroom.counts()") == want
        # the front line between the two sides is drawn, and goes with its box
        assert page.evaluate("window.warroom.front") > 0
        page.uncheck("#front")
        assert page.evaluate("window.warroom.front") == 0
        page.check("#front")
        # an event of a force is marked on the map at the first tick after it: the battery's
        # end (at its last place, none of it being left)
        wiped = [e for e in pq.read_table(ridge / "events.parquet").to_pylist()
                 if e["kind"] == "force_annihilated"]
        assert wiped
        k = next(i for i, t in enumerate(ticks) if t >= wiped[0]["t"])
        page.evaluate(f"window.warroom.seek({k})")
        assert page.evaluate("window.warroom.markers") >= 1
        # the fallen by each tick, where they fell: as many as the snapshots lost
        snaps = pq.read_table(ridge / "snapshots.parquet").to_pandas()
        deaths = pq.read_table(ridge / "deaths.parquet").to_pandas()
        for k in (0, len(ticks) - 1):
            page.evaluate(f"window.warroom.seek({k})")
            assert page.evaluate("window.warroom.dead") == int((deaths["t"] <= ticks[k]).sum())
        assert len(deaths) == (snaps["t"] == ticks[0]).sum() - (snaps["t"] == ticks[-1]).sum()
        # the terrain under the map, each of its classes in the legend
        classes = set(pq.read_table(ridge / "terrain.parquet")["terrain"].to_pylist())
        assert set(page.evaluate("window.warroom.terrain")) == classes
        legend = page.inner_text("#legend")
        assert all(c in legend for c in classes)
        # a chart of entities alive per side and type, a line each
        by_type = pq.read_table(ridge / "by_type.parquet").to_pandas()
        pairs = by_type[["side", "type"]].drop_duplicates()
        assert page.locator("#by-type polyline").count() == len(pairs)
        shots = ridge / "screenshots"
        shots.mkdir(exist_ok=True)
        _not_blank(page, shots / f"map-{where}.png")
        assert not errors
    finally:
        if server:
            server.close()


def _exported(browser, folder: Path, tmp_path: Path):
    invoke("export", folder, "-o", tmp_path / "room.html")
    return _open(browser, (tmp_path / "room.html").as_uri())


@browser_only
def test_a_run_without_snapshots_shows_its_charts_and_says_why_there_is_no_map(
        aggregate, tmp_path, browser):
    page, errors = _exported(browser, aggregate, tmp_path)
    assert "no snapshots" in page.inner_text("#no-map")
    assert page.locator("#strength polyline").count() >= 2  # a line per side
    assert not errors


@browser_only
def test_an_experiment_shows_its_fan_and_its_outcomes(experiment_dir, tmp_path, browser):
    page, errors = _exported(browser, experiment_dir, tmp_path)
    assert page.locator("#strength polygon").count() >= 2  # a 5-95% band per side
    winners = pq.read_table(experiment_dir / "replications.parquet")["winner"].to_pylist()
    assert page.locator("#outcomes rect").count() == len(set(winners))
    assert not errors


@pytest.fixture(scope="module")
def believing(tmp_path_factory) -> Path:
    """Blue's riflemen report through a network to headquarters, whose picture holds three
    holograms it takes for soldiers (tests/test_command_belief.py's decoys)."""
    from test_command_belief import decoy_scenario
    from warroom.results.rundir import write_run
    from warroom.scenario import validate
    from warroom.simulate import simulate

    d = decoy_scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    d["command"] = [{"side": "blue", "headquarters": "hq",
                     "nodes": [{"id": "hq", "kind": "headquarters"}],
                     "links": [{"between": ["riflemen", "hq"], "latency": 1.0}],
                     "reports": {"every": 2}}]
    d["output"] = {"snapshot_every": 2}
    return write_run(simulate(validate(d, "<decoys>")), tmp_path_factory.mktemp("room") / "b",
                     scenario_path=None, command=[], wall_time_s=0.0)


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory, "sweep", "scenarios/hill_defence.yaml", "--set",
                   "forces.battalion.strength=300:900:4", "-n", "10", "--workers", "1")


@pytest.fixture(scope="module")
def ablate_dir(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory, "ablate", "scenarios/hill_defence.yaml", "-n", "10",
                   "--workers", "1")


@browser_only
def test_a_sweep_shows_each_sides_win_probability_with_its_intervals(sweep_dir, tmp_path,
                                                                     browser):
    import json

    page, errors = _exported(browser, sweep_dir, tmp_path)
    summary = json.loads((sweep_dir / "summary.json").read_text())
    sides = [s for s in summary["points"][0]["wins"] if s != "none"]
    assert page.locator("#sweep polyline.curve").count() == len(sides)
    assert page.locator("#sweep line.interval").count() == len(sides) * len(summary["points"])
    assert not errors


@browser_only
def test_an_ablation_shows_each_elements_effect_and_shapley_value(ablate_dir, tmp_path,
                                                                  browser):
    import json

    page, errors = _exported(browser, ablate_dir, tmp_path)
    elements = json.loads((ablate_dir / "ablation.json").read_text())["elements"]
    assert page.locator("#ablation rect.removal").count() == len(elements)
    assert page.locator("#ablation rect.shapley").count() == len(elements)
    assert not errors


def test_a_run_keeps_each_sides_picture_and_which_entities_are_decoys(believing):
    pics = pq.read_table(believing / "pictures.parquet").to_pandas()
    snaps = pq.read_table(believing / "snapshots.parquet").to_pandas()
    decoys = set(snaps.loc[snaps["decoy"], "entity"])
    assert len(decoys) == 3 and set(snaps.loc[snaps["decoy"], "type"]) == {"hologram"}
    assert set(pics["side"]) == {"blue"}
    # blue's headquarters believes in the holograms before its riflemen see through them
    early = pics[pics["t"] <= 10]
    assert decoys <= set(early["entity"]) and (early["seen"] <= early["t"]).all()


@browser_only
def test_the_belief_toggle_draws_what_the_side_believed(believing, tmp_path, browser):
    page, errors = _exported(browser, believing, tmp_path)
    page.evaluate("window.warroom.seek(3)")
    truth = page.evaluate("window.warroom.drawn")
    page.locator("#map").screenshot(path=str(tmp_path / "truth.png"))
    page.select_option("#view", "blue")
    assert page.evaluate("window.warroom.view") == "blue"
    believed = page.evaluate("window.warroom.drawn")
    page.locator("#map").screenshot(path=str(tmp_path / "belief.png"))
    from PIL import Image

    a, b = (np.asarray(Image.open(tmp_path / f"{v}.png"), float) for v in ("truth", "belief"))
    assert believed != truth and np.abs(a - b).sum() > 0
    page.select_option("#view", "truth")
    assert page.evaluate("window.warroom.drawn") == truth
    assert not errors


@pytest.fixture(scope="module")
def campaign_dir(tmp_path_factory) -> Path:
    """Blue's fleet at a goes to take e, where red's fleet is (tests/campaign_helpers.py's
    line of worlds)."""
    from campaign_helpers import campaign
    from warroom.results.rundir import write_run
    from warroom.scenario import validate
    from warroom.simulate import simulate

    d = campaign(clock={"end": 60, "step": 1},
                 orders=[{"at": 0, "fleets": "g", "do": "conquer", "world": "e"}])
    return write_run(simulate(validate(d, "<line>")), tmp_path_factory.mktemp("room") / "c",
                     scenario_path=None, command=[], wall_time_s=0.0)


@browser_only
def test_a_campaign_shows_its_fleets_each_week_and_who_holds_each_world(campaign_dir,
                                                                        tmp_path, browser):
    page, errors = _exported(browser, campaign_dir, tmp_path)
    pos = pq.read_table(campaign_dir / "positions.parquet").to_pandas()
    ticks = sorted(set(pos["t"]))
    assert page.evaluate("window.warroom.ticks") == ticks
    worlds = pq.read_table(campaign_dir / "worlds.parquet").to_pandas()
    changes = pq.read_table(campaign_dir / "ownership.parquet").to_pandas()
    assert len(changes)  # blue took e
    for k in (0, len(ticks) - 1):
        page.evaluate(f"window.warroom.seek({k})")
        at = pos[pos["t"] == ticks[k]]
        assert page.evaluate("window.warroom.counts()") == {
            f"{s}|fleet": int(n) for s, n in at.groupby("side", observed=True).size().items()}
        owner = dict(zip(worlds["world"], worlds["owner_at_start"], strict=True))
        for row in changes[changes["t"] <= ticks[k]].itertuples():
            owner[row.world] = row.owner
        held = {}
        for o in owner.values():
            held[o] = held.get(o, 0) + 1
        assert page.evaluate("window.warroom.held") == held
    # a battle is marked at its world, at the week it was fought in
    first = pq.read_table(campaign_dir / "battles.parquet")["t"].to_pylist()[0]
    k = next(i for i, t in enumerate(ticks) if t >= first)
    page.evaluate(f"window.warroom.seek({k})")
    assert page.evaluate("window.warroom.markers") >= 1
    assert not errors


@browser_only
def test_a_run_with_morale_shows_its_members_by_state(tmp_path, tmp_path_factory, browser):
    folder = _folder(tmp_path_factory, "run", "scenarios/new_handover.yaml")
    page, errors = _exported(browser, folder, tmp_path)
    states = set(pq.read_table(folder / "morale.parquet")["state"].to_pylist())
    assert page.locator("#morale polyline").count() == len(states)
    assert not errors


@browser_only
def test_refusing_routing_and_surrendered_entities_are_drawn_apart(tmp_path, tmp_path_factory,
                                                                   browser):
    folder = _folder(tmp_path_factory, "run", "docs/examples/tactical_mutiny.yaml")
    moods = set(pq.read_table(folder / "snapshots.parquet")["morale"].to_pylist())
    apart = moods & {"refusing", "routing", "surrendered"}
    assert apart  # the mutiny's members refuse
    page, errors = _exported(browser, folder, tmp_path)
    assert set(page.evaluate("window.warroom.moods")) == apart
    legend = page.inner_text("#legend")
    assert all(m in legend for m in apart)
    assert not errors


@pytest.fixture(scope="module")
def with_replays(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory, "mc", "scenarios/ridge_road.yaml", "-n", "4",
                   "--replays", "2", "--workers", "1")


def test_an_experiment_keeps_the_replays_it_was_asked_for(with_replays):
    import json

    kept = sorted(p.name for p in (with_replays / "replays").iterdir())
    assert kept == ["p0-r0", "p0-r1"]
    reps = pq.read_table(with_replays / "replications.parquet").to_pandas()
    for i in (0, 1):
        run = with_replays / "replays" / f"p0-r{i}"
        summary = json.loads((run / "summary.json").read_text())
        row = reps[reps["replication"] == i].iloc[0]
        # the replay is that replication's battle: the same winner and end
        assert summary["winner"] == row["winner"]
        assert summary["end_time"] == pytest.approx(row["duration"])  # its clock starts at 0
        assert (run / "snapshots.parquet").exists()


@browser_only
def test_a_click_on_a_kept_replication_opens_its_replay(with_replays, browser):
    server = Served(with_replays)
    try:
        assert server.get("/replays/p0-r0/")[0] == 200
        for path in ("/replays/p0-r9/", "/replays/../manifest.json", "/replays/p0-r0/../",
                     "/replays/p0-r0/files/../../manifest.json", "/replays/p0-r0/files/"
                     "%2e%2e%2f%2e%2e%2fmanifest.json", "/replays/%2e%2e/files/manifest.json"):
            assert server.get(path)[0] == 404, path
        page, errors = _open(browser, server.url)
        links = page.locator("#replays a")
        assert links.count() == 2
        links.first.click()
        page.wait_for_url("**/replays/p0-r0/")
        page.wait_for_function("window.warroom && window.warroom.ready", timeout=30_000)
        snaps = with_replays / "replays" / "p0-r0" / "snapshots.parquet"
        ticks = sorted(set(pq.read_table(snaps)["t"].to_pylist()))
        assert page.evaluate("window.warroom.ticks") == ticks
        assert page.evaluate("window.warroom.counts()") == _counts_at(snaps, 0)
        assert not errors
    finally:
        server.close()


def test_the_vendored_scripts_are_pinned_and_licensed():
    vendor = Path("src/warroom/room/vendor")
    readme = (vendor / "README.md").read_text()
    licences = (vendor / "LICENSES.txt").read_text()
    for name, version in (("hyparquet", "1.33.0"), ("hyparquet-compressors", "1.1.2"),
                          ("fzstd", "0.1.1"), ("hysnappy", "1.1.1")):
        assert f"| {name} | {version}" in readme
        assert f"=== {name} {version}" in licences
    assert os.path.getsize(vendor / "hyparquet.min.js") < 400_000
