"""A bounded run of the input fuzzer (bench/fuzz.py): no mutated scenario or battle record may
crash, hang, exhaust memory or be refused without saying where the mistake is."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _fuzz_module():
    spec = importlib.util.spec_from_file_location("warroom_bench_fuzz", ROOT / "bench" / "fuzz.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_fuzzed_inputs_get_clean_refusals_or_run(tmp_path):
    fuzz = _fuzz_module()
    # the fuzzer forks from a fresh server process of its own, never from pytest's
    report = fuzz.fuzz(n_scenarios=60, n_records=30, seed=20240601, timeout=10, mem_gib=3,
                       jobs=2, out=tmp_path / "fuzz-out", minimize=0)
    assert report.variants.get("aggregate", 0) + report.variants.get("tactical", 0) == 60
    assert report.variants.get("record", 0) == 30
    # the engine paths are exercised, not only the parser
    ran = {s: report.cases.get(s, {}).get("ran", 0) for s in ("aggregate", "tactical", "record")}
    assert all(n > 0 for n in ran.values()), ran
    assert not report.bugs, report.table() + "\n\n" + report.details()[:6000]
