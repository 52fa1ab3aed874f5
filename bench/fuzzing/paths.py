"""Where the fuzzer finds its seeds and its own entry point."""

from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
ROOT = BENCH.parent
ENTRY = BENCH / "fuzz.py"  # the fork server is started as `fuzz.py _serve CONFIG`
CORPUS = ROOT / "tests" / "fuzz_corpus"
SHARED = ROOT.parent / "shared" / "data"
