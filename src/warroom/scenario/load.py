"""Read a scenario file: YAML (ruamel, which keeps line numbers) -> validated `Scenario`.

Every mistake is collected, located (file, line, column, field path) and raised together as one
`ScenarioError`, so a user fixes a file in one pass.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import Problem, ScenarioError, did_you_mean
from .campaign import CampaignScenario
from .campaign_checks import check_campaign
from .checks import Loc, _dotted, check
from .command_checks import WARNING
from .model import TRUSTED, Scenario
from .tactical import TacticalScenario
from .tactical_checks import check_tactical
from .yaml_file import read_yaml

AnyScenario = Scenario | TacticalScenario | CampaignScenario
__all__ = ["AnyScenario", "load_scenario", "read_yaml", "scenario_hash", "validate"]


def load_scenario(path: str | Path) -> AnyScenario:
    """Read, validate and return the scenario in `path`; raise `ScenarioError` on any mistake.
    Files a tactical map names are found relative to the scenario file."""
    path = Path(path)
    data = read_yaml(path)
    return validate(data, str(path), base=path.parent)


def model_for(data: Any) -> type[Scenario] | type[TacticalScenario] | type[CampaignScenario]:
    """`scale: tactical` selects the tactical format, `scale: campaign` the campaign's;
    anything else is an aggregate battle."""
    scale = data.get("scale") if isinstance(data, dict) else None
    if scale == "tactical":
        return TacticalScenario
    return CampaignScenario if scale == "campaign" else Scenario


def validate(data: Any, filename: str = "<scenario>", base: Path | None = None,
             trusted: bool = False) -> AnyScenario:
    """Validate parsed YAML (or plain dicts) into a scenario, locating every problem.
    `trusted`: plain data the engine built from a validated scenario (a campaign's battles,
    thousands of them), already within the bounds that guard users' files and, for a battle,
    consistent as the checks of the file it came from found it (its checks, linear in its
    pairs of fire, are not run again)."""
    model = model_for(data)
    try:
        scenario = (model.model_validate(data, context=TRUSTED) if trusted
                    else model.model_validate(plain(data)))
    except ValidationError as e:
        problems = [_problem(data, filename, err) for err in e.errors()]
        raise ScenarioError(_count(problems, filename), _sorted(problems)) from None
    if isinstance(scenario, TacticalScenario):
        scenario.with_base_dir(base or Path("."))
        found = check_tactical(scenario, scenario.base_dir)
    elif isinstance(scenario, CampaignScenario):
        scenario.with_base_dir(base or Path("."))
        found = check_campaign(scenario, scenario.base_dir)
    else:
        found = [] if trusted else check(scenario)
    found = list(found)
    located = [_locate(data, filename, loc, msg) for loc, msg in found
               if not msg.startswith(WARNING)]
    if located:
        raise ScenarioError(_count(located, filename), _sorted(located))
    scenario.warnings.extend(str(_locate(data, filename, loc, msg)) for loc, msg in found
                             if msg.startswith(WARNING))
    return scenario


def scenario_hash(scenario: AnyScenario) -> str:
    """A hash of what the scenario means (not of its comments or layout)."""
    canon = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()


def _count(problems: list[Problem], filename: str) -> str:
    n = len(problems)
    return f"{filename}: {n} problem{'s' if n != 1 else ''} in the scenario"


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))


def plain(node: Any) -> Any:
    """ruamel's tree as plain dicts, lists and scalars (what pydantic and JSON take)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def _problem(data: Any, filename: str, err: Any) -> Problem:
    loc = _strip_tags(data, tuple(err["loc"]))
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(data, loc[:-1])
        msg = f"unknown field '{key}'{did_you_mean(key, allowed)}"
        if allowed:
            msg += f"; expected one of: {', '.join(allowed)}"
        return _locate(data, filename, loc, msg, key_of_last=True)
    if kind == "missing":
        return _locate(data, filename, loc[:-1], f"missing required field '{loc[-1]}'", loc)
    found = err.get("input")
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    elif not isinstance(found, dict | list):
        msg = f"expected {_lower(msg)}, found {_shown(found)}"
    return _locate(data, filename, loc, msg)


def _shown(found: Any) -> str:
    """A value as the file would write it (YAML's .inf and .nan, not JSON's Infinity)."""
    if isinstance(found, float) and not math.isfinite(found):
        return ".nan" if math.isnan(found) else ("-.inf" if found < 0 else ".inf")
    text = json.dumps(found, default=str)
    return text if len(text) <= 80 else text[:60] + f"... ({len(text):,} characters)"


def _strip_tags(data: Any, loc: tuple) -> Loc:
    """Drop the tagged-union member names pydantic puts in a loc (e.g. breakpoints[0].time)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node and node.get("kind") == part:
            continue
        out.append(part)
        in_map = isinstance(node, dict) and part in node
        in_seq = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_map or in_seq:
            node = node[part]
        else:
            node = None
    return tuple(out)


def _lower(msg: str) -> str:
    for prefix in ("Input should be ", "Input must be ", "Value should be "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg[0].lower() + msg[1:]


def _fields_at(data: Any, loc: Loc) -> list[str]:
    """Field names allowed at `loc`, for did-you-mean on unknown keys."""
    model: Any = model_for(data)
    node = data
    for part in loc:
        if isinstance(node, dict | list):
            try:
                node = node[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                node = None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = _inner_model(field.annotation, node)
        if model is None:
            return []
    return sorted(model.model_fields)


def _inner_model(annotation: Any, node: Any) -> Any:
    """The model class inside an annotation (list[X], X | None, a tagged union picked by kind)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    kind = None
    if isinstance(node, list) and node and isinstance(node[0], dict):
        kind = node[0].get("kind")
    elif isinstance(node, dict):
        kind = node.get("kind")
    found = None
    for arg in get_args(annotation):
        inner = _inner_model(arg, node)
        if inner is None:
            continue
        tag = inner.model_fields.get("kind")
        if tag is not None and kind is not None and kind in get_args(tag.annotation):
            return inner
        found = found or inner
    return found


def _locate(
    data: Any,
    filename: str,
    loc: Loc,
    message: str,
    path_loc: Loc | None = None,
    key_of_last: bool = False,
) -> Problem:
    """Find the line and column of `loc` in the ruamel tree (the nearest existing parent)."""
    node = data
    line = col = None
    if isinstance(node, CommentedMap | CommentedSeq):
        line, col = node.lc.line, node.lc.col
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        # a node added after the file was read (a program's edit) has no place of its own:
        # its nearest parent's stands
        if isinstance(node, CommentedMap) and part in node:
            with contextlib.suppress(KeyError, TypeError):
                line, col = node.lc.key(part) if (last and key_of_last) else node.lc.value(part)
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            with contextlib.suppress(KeyError, TypeError, IndexError):
                line, col = node.lc.item(part)
            node = node[part]
        else:
            break
    return Problem(
        filename,
        None if line is None else line + 1,
        None if col is None else col + 1,
        _dotted(tuple(path_loc or loc)),
        message,
    )
