"""warroom's input fuzzer (run it with bench/fuzz.py): mutated scenarios and battle records,
each run through the command line in a forked child, every outcome sorted into ok, a clean
refusal or a bug.

The inputs: bases (the seeds), hostile (the values put in), yamldoc and the scenario_*
edits, record_mutations, text_mutations, and cases (a seed's variants). Running them: server
(`fuzz()` and the fork server), warmup, scheduler, child. Judging: classify, collector,
minimize, report.
"""

from .report import BugClass, Report
from .server import fuzz

__all__ = ["BugClass", "Report", "fuzz"]
