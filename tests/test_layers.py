"""The import layers: pyproject's import-linter contracts, each a test, and two rules that
import-linter cannot state: warroom's top-level modules import one another in no cycle, and the
CLI modules use no private name of any warroom module."""

import ast
import graphlib
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PYPROJECT = ROOT / "pyproject.toml"
CONTRACTS = [c["id"] for c in
             tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]]
# in a child process: import-linter configures logging and sys.path for the whole process
LINT = ("import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports("
        "config_filename=sys.argv[1], limit_to_contracts=(sys.argv[2],), no_cache=True, "
        "no_logo=True))")


@pytest.mark.parametrize("contract", CONTRACTS)
def test_import_contract_is_kept(contract):
    r = subprocess.run([sys.executable, "-c", LINT, str(PYPROJECT), contract], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _example(graph, importer: str, imported: str) -> str:
    """One import that makes top-level module `importer` depend on `imported`."""
    for m in sorted(m for m in graph.modules if _inside(m, importer)):
        for n in sorted(graph.find_modules_directly_imported_by(m)):
            if _inside(n, imported):
                line = graph.get_import_details(importer=m, imported=n)[0]["line_number"]
                return f"{m} -> {n} (line {line})"
    raise AssertionError(f"no import from {importer} to {imported}")


def test_top_level_modules_import_one_another_in_no_cycle():
    # grimp sees imports inside functions and under TYPE_CHECKING as well: all of them count
    graph = grimp.build_graph("warroom", cache_dir=None)
    tops = sorted(graph.find_children("warroom"))
    deps = {a: {b for b in tops if b != a and graph.direct_import_exists(
        importer=a, imported=b, as_packages=True)} for a in tops}
    cycles = []
    while True:  # find a cycle, cut one of its edges, look again: every cycle is reported
        try:
            graphlib.TopologicalSorter(deps).prepare()
            break
        except graphlib.CycleError as e:
            chain = e.args[1][::-1]  # graphlib lists predecessors first: make it importer first
            cycles.append(" -> ".join(chain) + "\n    " + "\n    ".join(
                _example(graph, a, b) for a, b in zip(chain, chain[1:], strict=False)))
            deps[chain[0]].discard(chain[1])
    assert not cycles, "import cycles:\n  " + "\n  ".join(cycles)


def _module_exists(dotted: str) -> bool:
    path = SRC.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def private_uses(path: Path, text: str | None = None) -> list[str]:
    """`from M import _x` and `M._x` for warroom modules M in `text` (default: the file at
    `path`, whose place decides what its relative imports mean)."""
    package = path.relative_to(SRC).with_suffix("").parts[:-1]
    tree = ast.parse(path.read_text() if text is None else text)
    modules: dict[str, str] = {}  # local name -> the warroom module it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            source = ".".join([*base, *([node.module] if node.module else [])])
            if source.split(".")[0] != "warroom":
                continue
            for a in node.names:
                if _private(a.name):
                    found.append(f"line {node.lineno}: from {source} import {a.name}")
                elif _module_exists(f"{source}.{a.name}"):
                    modules[a.asname or a.name] = f"{source}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "warroom":
                    local = a.asname or a.name.split(".")[0]
                    modules[local] = a.name if a.asname else local
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            owner = _dotted(node.value)
            if owner is None:
                continue
            head, _, rest = owner.partition(".")
            if head in modules and _module_exists(".".join(filter(None, [modules[head], rest]))):
                found.append(f"line {node.lineno}: {owner}.{node.attr}")
    return found


@pytest.mark.parametrize("path", sorted((SRC / "warroom").glob("cli*.py")), ids=lambda p: p.stem)
def test_cli_modules_use_no_private_names(path):
    assert not private_uses(path), f"{path.name}: private names of warroom modules: " + \
        "; ".join(private_uses(path))


def test_the_private_name_check_sees_both_forms():
    text = ("from .cli_base import fail, _x\nfrom . import cli_base\nimport warroom.fit.lsq\n"
            "from rich import _log\ncli_base._y\nwarroom.fit.lsq._z\nfail._w\nx.__doc__\n")
    assert private_uses(SRC / "warroom" / "cli.py", text) == [
        "line 1: from warroom.cli_base import _x", "line 5: cli_base._y",
        "line 6: warroom.fit.lsq._z"]
