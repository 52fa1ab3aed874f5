"""The docs stay true: the format reference matches the schema, and the tutorial's Python runs."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warroom.cli import app
from warroom.scenario.docgen import render

DOCS = Path("docs")


def test_scenario_format_reference_is_generated_from_the_schema():
    assert (DOCS / "scenario-format.md").read_text() == render(), (
        "docs/scenario-format.md is stale: run python -m warroom.scenario.docgen "
        "> docs/scenario-format.md")


def test_the_reference_gives_every_built_in_terrain_class_and_limit():
    from warroom.limits import LIMITS
    from warroom.terrain.classes import BUILTIN

    text = (DOCS / "scenario-format.md").read_text()
    road = BUILTIN["road"]
    assert f"| `road` | {' | '.join(f'{c:g}' for c in road[0])} | {road[1]:g} | {road[2]:g} |" \
        in text
    assert all(f"| `{k}` |" in text for k in BUILTIN)
    assert all(f"`WARROOM_LIMIT_{k.upper()}`" in text for k in LIMITS)


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.stem)
def test_python_blocks_in_docs_run(page):
    namespace: dict = {}  # a page's blocks build on each other, as a reader runs them
    for block in re.findall(r"```python\n(.*?)```", page.read_text(), re.S):
        exec(compile(block, str(page), "exec"), namespace)


def test_the_worked_mechanic_in_the_architecture_page_is_its_example_file():
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / "architecture.md").read_text(), re.S)
    code = (DOCS / "examples" / "fatigue.py").read_text()
    assert blocks[0].strip() in code  # the file adds only its docstring


def test_tutorial_example_checks_and_runs(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["check", "docs/examples/first_battle.yaml"])
    assert r.exit_code == 0 and "ok" in r.output
    r = runner.invoke(app, ["run", "docs/examples/first_battle.yaml", "--out", str(tmp_path / "r")])
    assert r.exit_code == 0 and "north wins" in r.output
