"""A bounded run of the input fuzzer (bench/fuzz.py): no mutated scenario or battle record may
crash, hang, exhaust memory or be refused without saying where the mistake is."""

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _fuzz():
    # the fuzzer is the package bench/fuzzing, beside the bench scripts rather than installed
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from fuzzing import fuzz

    return fuzz


@pytest.mark.slow
def test_fuzzed_inputs_get_clean_refusals_or_run(tmp_path):
    fuzz = _fuzz()
    # the fuzzer forks from a fresh server process of its own, never from pytest's; a hang
    # shows at 30 s as well as at 10, and a slower CI machine does not turn a run into one
    report = fuzz(n_scenarios=60, n_records=30, seed=20240601, timeout=30, mem_gib=3, jobs=2,
                  out=tmp_path / "fuzz-out", minimize=0)
    assert report.variants.get("aggregate", 0) + report.variants.get("tactical", 0) == 60
    assert report.variants.get("record", 0) == 30
    # the engine paths are exercised, not only the parser
    ran = {s: report.cases.get(s, {}).get("ran", 0) for s in ("aggregate", "tactical", "record")}
    assert all(n > 0 for n in ran.values()), ran
    assert not report.bugs, report.table() + "\n\n" + report.details()[:6000]
