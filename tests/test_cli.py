"""The command line: every user mistake gets one clear message and exit code 2, no traceback."""

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from helpers import invoke
from warroom.cli import app

runner = CliRunner()
GOOD = Path("scenarios/iwo_jima.yaml").read_text()


def where(text, needle, offset=0):
    """1-based 'line:column' of needle (plus offset columns) in text."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return f"{i}:{line.index(needle) + 1 + offset}"
    raise AssertionError(needle)


def write(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_missing_file(tmp_path):
    r = invoke("run", tmp_path / "nope.yaml")
    assert r.exit_code == 2
    assert "nope.yaml: no such file" in r.output


def test_not_yaml(tmp_path):
    r = invoke("run", write(tmp_path, "sides: [unclosed\n  clock: {end: 3\n"))
    assert r.exit_code == 2
    assert "YAML syntax error" in r.output and "s.yaml:" in r.output


def test_binary_file(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    r = invoke("run", p)
    assert r.exit_code == 2 and "not UTF-8 text" in r.output


def test_wrong_type(tmp_path):
    r = invoke("run", write(tmp_path, GOOD.replace("strength: 21500", "strength: lots")))
    assert r.exit_code == 2
    assert "sides[1].forces[0].strength" in r.output
    assert "expected a valid number" in r.output and '"lots"' in r.output
    assert f":{where(GOOD, 'strength: 21500', len('strength: '))}:" in r.output


def test_negative_strength(tmp_path):
    r = invoke("run", write(tmp_path, GOOD.replace("strength: 21500", "strength: -5")))
    assert r.exit_code == 2
    assert "sides[1].forces[0].strength" in r.output
    assert "greater than or equal to 0" in r.output and "-5" in r.output


def test_unknown_law(tmp_path):
    r = invoke("run", write(tmp_path, GOOD.replace("law: square", "law: sqare")))
    assert r.exit_code == 2
    assert "engagements[0].law" in r.output
    assert "'square'" in r.output and '"sqare"' in r.output


def test_empty_side(tmp_path):
    text = GOOD.replace(
        "      - id: garrison\n        name: Japanese defenders\n        strength: 21500\n",
        "      []\n")
    r = invoke("run", write(tmp_path, text))
    assert r.exit_code == 2
    assert "side 'japan' has no forces" in r.output
    assert r.output.count("\n  ") == 3  # the empty side, and the two fire entries naming garrison


def test_check_reports_every_mistake_with_line_and_column(tmp_path):
    text = GOOD.replace("strength: 21500", "strength: -1") \
               .replace("unit: day", "unit: fortnight") \
               .replace("amount: 6000}", "amont: 6000}")
    r = invoke("check", write(tmp_path, text))
    assert r.exit_code == 2
    assert "3 problems" in r.output
    lines = [ln.strip() for ln in r.output.splitlines() if ln.startswith("  ")]
    f = tmp_path / "s.yaml"
    assert lines[0].startswith(f"{f}:{where(text, 'fortnight')}: clock.unit: expected 'second'")
    assert lines[1].startswith(f"{f}:{where(text, 'amont')}: sides[0].forces[0].reinforcements")
    assert "unknown field 'amont' (did you mean 'amount'?)" in lines[1]
    assert lines[2].startswith(f"{f}:{where(text, 'strength: -1', 10)}: sides[1].forces[0]")
    assert "greater than or equal to 0" in lines[2]


def test_check_accepts_the_bundled_scenarios():
    for path in sorted(Path("scenarios").glob("*.yaml")):
        r = invoke("check", path)
        assert r.exit_code == 0, r.output
        assert "ok" in r.output


def test_cross_reference_mistakes(tmp_path):
    text = GOOD.replace("target: garrison", "target: garisson")
    r = invoke("check", write(tmp_path, text))
    assert r.exit_code == 2
    assert "unknown force 'garisson' (did you mean 'garrison'?)" in r.output


def test_schema_is_json_schema():
    r = invoke("schema")
    assert r.exit_code == 0
    schema = json.loads(r.output)
    assert schema["title"] == "Scenario"
    assert {"version", "clock", "sides", "engagements"} <= set(schema["required"])


def test_run_writes_a_complete_run_folder(tmp_path):
    out = tmp_path / "run"
    r = invoke("run", "scenarios/iwo_jima.yaml", "--out", out)
    assert r.exit_code == 0, r.output
    assert "us wins" in r.output
    for f in ("manifest.json", "timeseries.parquet", "events.parquet", "report.md",
              "report.html", "summary.json"):
        assert (out / f).exists(), f
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 1945 and len(manifest["scenario_hash"]) == 64
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3  # self-contained: strength, ledger, exchange
    assert "japan breaks" in html
    assert not list(tmp_path.glob(".*partial*"))


def test_run_refuses_to_overwrite_and_keeps_the_old_folder(tmp_path):
    out = tmp_path / "run"
    invoke("run", "scenarios/iwo_jima.yaml", "--out", out)
    before = (out / "timeseries.parquet").read_bytes()
    r = invoke("run", "scenarios/hill_defence.yaml", "--out", out)
    assert r.exit_code == 2 and "already exists" in r.output
    assert (out / "timeseries.parquet").read_bytes() == before
    r = invoke("run", "scenarios/hill_defence.yaml", "--out", out, "--force")
    assert r.exit_code == 0
    assert json.loads((out / "manifest.json").read_text())["scenario"] == "hill-defence"


def test_report_rebuilds_from_the_tables(tmp_path):
    out = tmp_path / "run"
    invoke("run", "scenarios/missile_fleets.yaml", "--out", out)
    (out / "report.md").unlink()
    r = invoke("report", out)
    assert r.exit_code == 0 and (out / "report.md").exists()
    r = invoke("report", tmp_path / "nothing")
    assert r.exit_code == 2 and "no such run folder" in r.output


@pytest.mark.parametrize("name", ["hill_defence.yaml", "missile_fleets.yaml"])
def test_same_seed_same_bytes_different_seed_different_results(tmp_path, name):
    outs = []
    for k, seed in enumerate([5, 5, 6]):
        out = tmp_path / f"r{k}"
        assert invoke("run", f"scenarios/{name}", "--seed", seed, "--out", out).exit_code == 0
        outs.append(out)
    for f in ("timeseries.parquet", "events.parquet"):
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes()
    if name == "hill_defence.yaml":  # stochastic
        a = pq.read_table(outs[0] / "timeseries.parquet").column("strength").to_numpy()
        c = pq.read_table(outs[2] / "timeseries.parquet").column("strength").to_numpy()
        assert a.shape != c.shape or (a != c).any()


def test_a_run_that_fails_while_writing_leaves_nothing_half_written(tmp_path, monkeypatch):
    import warroom.report.render as render

    out = tmp_path / "run"
    invoke("run", "scenarios/iwo_jima.yaml", "--out", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (tmp_path / ".run.partial-99999").mkdir()  # what a killed run leaves

    def boom(_run):
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C while the report was drawn

    monkeypatch.setattr(render, "write_reports", boom)
    r = runner.invoke(app, ["run", "scenarios/hill_defence.yaml", "--out", str(out), "--force"])
    assert r.exit_code != 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # old run untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staging folder left
