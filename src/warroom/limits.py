"""The documented limits on what decides memory and time, and the checks that every input
boundary (scenario file, battle record, option, folder) shares.

Each limit has a name; `WARROOM_LIMIT_<NAME>` in the environment raises (or lowers) it, and
every message that refuses an input names the limit and says so. docs/limits.md lists them.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError


@dataclass(frozen=True)
class Limit:
    name: str
    default: float
    what: str

    @property
    def value(self) -> float:
        raw = os.environ.get(f"WARROOM_LIMIT_{self.name.upper()}")
        if raw is None:
            return self.default
        try:
            v = float(raw)
        except ValueError:
            raise UserError(f"WARROOM_LIMIT_{self.name.upper()}: expected a number, found "
                            f"{raw!r}") from None
        if not math.isfinite(v) or v <= 0:
            raise UserError(f"WARROOM_LIMIT_{self.name.upper()}: expected a positive finite "
                            f"number, found {raw!r}")
        return v

    def hint(self) -> str:
        return (f"the limit '{self.name}' ({self.what}) is {self.value:,.10g}; set "
                f"WARROOM_LIMIT_{self.name.upper()} to raise it")


LIMITS = {lim.name: lim for lim in (
    Limit("file_bytes", 20e6, "bytes in a scenario file or battle record"),
    Limit("yaml_depth", 64, "levels of nesting in a scenario file"),
    Limit("yaml_nodes", 1e6, "values in a scenario file once its aliases are expanded"),
    Limit("string", 10_000, "characters in one text field or cell"),
    Limit("id", 200, "characters in an identifier, name or title"),
    Limit("magnitude", 1e12, "size of any number in a scenario"),
    Limit("entities", 1e6, "entities in a tactical battle"),
    Limit("points", 1e6, "recorded time points of one run"),
    Limit("ticks", 1e5, "time steps of one tactical run"),
    Limit("entity_ticks", 1e10, "entities x time steps of one tactical run"),
    Limit("stops", 1e5, "scheduled transfers, reinforcement steps and breakpoints of one run"),
    Limit("events", 1e7, "expected events of one stochastic (ctmc) run"),
    Limit("cells", 1.6e7, "cells of a tactical map"),
    Limit("record_rows", 1_000, "rows of a battle record"),
    Limit("fit_steps", 1e6, "model steps (record rows x integrations) the fits of one command "
          "spend"),
    Limit("replications", 1e8, "replications of one experiment (n x points)"),
    Limit("points_grid", 1e5, "parameter points of one sweep or ablation"),
    Limit("query_rows", 1e5, "rows `warroom query` prints"),
    Limit("graph_nodes", 2e7, "nodes of a morale network"),
    Limit("graph_edges", 2e8, "edges of a morale network"),
    Limit("fleets", 1e6, "fleets of one campaign, those it builds included"),
    Limit("campaign_steps", 1e5, "steps of one campaign run"),
)}


def limit(name: str) -> float:
    return LIMITS[name].value


def over(name: str, found: float, what: str) -> str | None:
    """A message when `found` exceeds the limit `name`, else None."""
    lim = LIMITS[name]
    if found <= lim.value:
        return None
    shown = f"{int(found):,}" if float(found).is_integer() and abs(found) < 1e18 else \
        f"{found:.4g}"
    return f"{what} is {shown}; {lim.hint()}"


SEED_MAX = 2**63 - 1


def check_seed(seed: int | None, option: str = "--seed") -> None:
    if seed is not None and not 0 <= seed <= SEED_MAX:
        raise UserError(f"{option}: expected a whole number from 0 to 2**63 - 1, found {seed}")


def check_out(out: Path, option: str = "--out") -> None:
    """Refuse an output folder that cannot be created and written, before any work is done.

    Probes by creating (and removing) a temporary folder in `out` or its nearest existing
    parent, so that nothing is left behind when the command then stops for another reason."""
    probe_in = out
    while not probe_in.exists():
        if probe_in.is_symlink() or probe_in.parent == probe_in:
            raise UserError(f"{option} {out}: cannot be created ({probe_in} is a dangling link)")
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        raise UserError(f"{option} {out}: {probe_in} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".warroom-probe-", dir=probe_in))
    except OSError as e:
        raise UserError(f"{option} {out}: cannot write there ({e.strerror or e})") from None
