"""The weighted draw of one scenario edit, benign or any, for the scale of the scenario."""

from __future__ import annotations

from .scenario_hostile import HostileEdits
from .scenario_structure import StructureEdits


class ScenarioMutator(StructureEdits, HostileEdits):
    BENIGN = {"scale": 6, "solver": 3, "knob": 2, "clock": 1, "window": 1, "allocation": 1,
              "transfer": 1, "breakpoint": 1, "tactical": 3}
    ALL = {"scale": 3, "wild_scale": 4, "solver": 2, "knob": 1, "hostile": 8, "wrong_type": 3,
           "weird_string": 2, "reference": 3, "delete_key": 3, "duplicate_key": 1,
           "unknown_key": 2, "swap": 2, "list_item": 2, "nest": 1, "window": 1,
           "allocation": 1, "transfer": 1, "breakpoint": 1, "tactical": 2}
    AGGREGATE_ONLY = ("solver", "window", "allocation", "transfer")

    def apply(self, benign: bool) -> None:
        table = self.BENIGN if benign else self.ALL
        if self.base.scale == "tactical":
            # a tactical battle has many enumerations (rules, roles, orders) and no solvers
            table = {k: (w * 3 if k == "knob" else w) for k, w in table.items()
                     if k not in self.AGGREGATE_ONLY}
        else:
            table = {k: w for k, w in table.items() if k != "tactical"}
        op = self.rng.choices(list(table), weights=list(table.values()))[0]
        try:
            if op == "wild_scale":
                self.scale(wild=True)
            else:
                getattr(self, op)()
        except (AttributeError, TypeError, KeyError, IndexError, ValueError) as e:
            # an earlier edit broke the shape this one expects (a list made a string): the
            # variant keeps the earlier edits, and the harness must not die of its own input
            self.log.append(f"{op} skipped ({type(e).__name__})")
