"""Write docs/scenario-format.md from the scenario schema, so the reference cannot drift.

    python -m warroom.scenario.docgen > docs/scenario-format.md
"""

from __future__ import annotations

from .campaign import CampaignScenario
from .model import Scenario
from .tactical import TacticalScenario

HEADER = """# Scenario format reference (version 1)

Generated from the schema by `python -m warroom.scenario.docgen`; do not edit by hand.
`warroom schema` prints the same schema as JSON Schema for editors. Every section forbids unknown
keys, so a typo is an error with a did-you-mean; `warroom check FILE` lists every mistake at once.
"""


def _type(prop: dict) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"] if p.get("type") != "null")
    if "oneOf" in prop:
        return " or ".join(_type(p) for p in prop["oneOf"])
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    if prop.get("type") == "array":
        return f"list of {_type(prop.get('items', {}))}"
    t = prop.get("type", "any")
    bounds = []
    for key, sym in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="),
                     ("exclusiveMaximum", "<")):
        if key in prop:
            bounds.append(f"{sym} {prop[key]}")
    if "minLength" in prop or "minItems" in prop:
        bounds.append(f"at least {prop.get('minLength', prop.get('minItems'))}")
    return t + (f" ({', '.join(bounds)})" if bounds else "")


def _section(name: str, d: dict) -> str:
    lines = [f"## {name}", ""]
    if d.get("description"):
        lines += [" ".join(d["description"].split()), ""]
    if "enum" in d:
        return "\n".join(lines + ["Values: " + ", ".join(f"`{v}`" for v in d["enum"]), ""])
    lines += ["| field | type | required | default | meaning |", "|---|---|---|---|---|"]
    required = set(d.get("required", []))
    for field, prop in d.get("properties", {}).items():
        default = prop.get("default", "")
        default = "" if default is None else f"`{default}`" if default != "" else ""
        desc = " ".join(prop.get("description", "").split())
        lines.append(f"| `{field}` | {_type(prop)} | {'yes' if field in required else ''} | "
                     f"{default} | {desc} |")
    return "\n".join(lines + [""])


TACTICAL = """# Tactical scenarios (`scale: tactical`)

A file with `scale: tactical` describes entities on a terrain map instead of aggregate forces.
Coordinates are metres from the map's north-west corner: x runs east, y runs south (the order
of rows in an image or an inline map). The sections shared with aggregate scenarios (`Clock`,
breakpoints) are described above.
"""


CAMPAIGN = """# Campaign scenarios (`scale: campaign`)

A file with `scale: campaign` describes a war of fleets on a theater of worlds joined by lanes;
times are in days. Battles where hostile fleets meet are fought by the aggregate engine. The
`command` section is the one described above, where a member or a fleet group named in a link
stands for each of its fleets. docs/tutorial-campaign.md walks through it.
"""


LIMITS = """# What every file must keep to

Numbers are finite (`.inf` and `.nan` are refused, except a sensor's `range: .inf`), and values
are plain YAML: explicit tags such as `!!int` or `!!python/object` are refused (quote a value to
make it text). The sizes that decide memory and time are bounded, and checked before any work
starts; each message that refuses an input names its limit. Raise a limit for one command with
the environment variable shown, e.g. `WARROOM_LIMIT_POINTS=5e6 warroom run big.yaml`.

| limit | default | what it bounds | variable |
|---|---|---|---|
"""


def _builtin_classes() -> str:
    """The built-in terrain classes' numbers, from the table the engine reads."""
    from ..terrain.classes import BUILTIN, MOBILITY

    def num(v: float) -> str:
        return "impassable" if v == float("inf") else f"{v:g}"

    head = ["# Built-in terrain classes", "",
            "A map may use these without declaring them; `terrain_classes` adds others or "
            "replaces one of the same id. Movement cost multiplies the time to cross a cell "
            "(1 is open ground, 2 half speed); concealment scales the chance of being detected "
            "by (1 - concealment), cover the chance of being hit by (1 - cover).", "",
            "| class | " + " | ".join(f"cost: {m}" for m in MOBILITY)
            + " | concealment | cover |",
            "|---|" + "---|" * (len(MOBILITY) + 2)]
    rows = [f"| `{k}` | " + " | ".join(num(c) for c in cost) + f" | {num(conceal)} | "
            f"{num(cover)} |" for k, (cost, conceal, cover) in BUILTIN.items()]
    return "\n".join(head + rows) + "\n"


def _limits() -> str:
    from ..limits import LIMITS as ALL

    rows = [f"| `{lim.name}` | {lim.default:,.10g} | {lim.what} | "
            f"`WARROOM_LIMIT_{lim.name.upper()}` |" for lim in ALL.values()]
    return LIMITS + "\n".join(rows) + "\n"


def render() -> str:
    schema = Scenario.model_json_schema()
    defs = schema.pop("$defs", {})
    parts = [HEADER, _section("Scenario", schema)]
    parts += [_section(name, d) for name, d in sorted(defs.items())]
    tactical = TacticalScenario.model_json_schema()
    tdefs = tactical.pop("$defs", {})
    parts += [TACTICAL, _section("TacticalScenario", tactical)]
    parts += [_section(name, d) for name, d in sorted(tdefs.items()) if name not in defs]
    campaign = CampaignScenario.model_json_schema()
    cdefs = campaign.pop("$defs", {})
    parts += [CAMPAIGN, _section("CampaignScenario", campaign)]
    parts += [_section(name, d) for name, d in sorted(cdefs.items())
              if name not in defs and name not in tdefs]
    parts += [_builtin_classes(), _limits()]
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
