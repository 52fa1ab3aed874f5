"""The `morale:` section of a scenario file: morale states and how members move between them,
the network it spreads along, shocks, and where defectors go. The same section serves the
aggregate and tactical scales; the engines compile it into one mechanic."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .model import Id, Strict

STATE_NAMES = ("steady", "shaken", "refusing", "routing", "surrendered", "defected")
State = Literal["steady", "shaken", "refusing", "routing", "surrendered", "defected"]
Source = Literal["steady", "shaken", "refusing", "routing"]


class RuleKind(str, Enum):
    hazard = "hazard"
    exposure = "exposure"
    fractional = "fractional"
    absolute = "absolute"


class Threshold(Strict):
    """Each member's threshold, drawn from a normal distribution (sd 0: all alike)."""

    mean: float = Field(ge=0, description="Mean threshold: a share of neighbours (fractional) "
                        "or a number of them (absolute).")
    sd: float = Field(0.0, ge=0, description="Spread of the thresholds between members.")


class Transition(Strict):
    """How members of one state move to another."""

    id: Id = Field(description="Name used in the cascade table, by shocks and by `ablate`.")
    source: Source | list[Source] = Field(alias="from", description="State(s) left.")
    to: State = Field(description="State reached.")
    kind: RuleKind = Field(RuleKind.hazard, description="hazard: a rate from what happens to "
                           "the force; exposure: beta x the share of neighbours in `watch`; "
                           "fractional/absolute: a member turns once the share (number) of "
                           "its neighbours in `watch` reaches its threshold.")
    base: float = Field(0.0, ge=0, description="hazard: rate per unit time, always on.")
    loss: float = Field(0.0, description="hazard: per unit of the force's loss rate (share "
                        "of it lost per unit time); negative values calm.")
    leader: float = Field(0.0, description="hazard: per leader lost (the force's officers "
                          "and commanders killed, or its superior force in the command tree "
                          "destroyed).")
    isolated: float = Field(0.0, description="hazard: while isolated (tactical: no friend "
                            "within the proximity radius; forces: every linked force gone).")
    fatigue: float = Field(0.0, description="hazard: per unit time spent fighting.")
    suppression: float = Field(0.0, description="hazard: per unit of the loss rate (share "
                               "per unit time) of the defectors this force's members go to: "
                               "seeing them hunted inflames (> 0) or deters (< 0).")
    rest: float = Field(0.0, description="hazard: while the force loses nothing (rest; "
                        "a recovery, e.g. shaken to steady).")
    victory: float = Field(0.0, description="hazard: per unit of the enemy's loss rate (the "
                           "share of the enemy sides' strength they lose per unit time).")
    beta: float = Field(0.0, ge=0, description="exposure: rate at full exposure.")
    watch: State | None = Field(None, description="The neighbours' state that counts "
                                "(default: the state reached).")
    threshold: Threshold | None = Field(None, description="fractional or absolute: the "
                                        "members' thresholds.")

    @property
    def sources(self) -> list[str]:
        return list(self.source) if isinstance(self.source, list) else [self.source]

    @model_validator(mode="after")
    def _shape(self) -> Transition:
        if self.to in self.sources:
            raise ValueError(f"transition {self.id} goes from {self.to} to itself")
        needs = self.kind in (RuleKind.fractional, RuleKind.absolute)
        if needs and self.threshold is None:
            raise ValueError(f"a {self.kind.value} transition needs a `threshold`")
        if needs and self.kind is RuleKind.fractional and self.threshold is not None and not (
                0 <= self.threshold.mean <= 1):
            raise ValueError(f"transition {self.id}: a fractional threshold's mean is a share "
                             f"of neighbours, in [0, 1]; found {self.threshold.mean}")
        return self


class Effect(Strict):
    fire: float = Field(ge=0, le=1, description="Fire multiplier of members in this state.")
    movement: float = Field(ge=0, le=1, description="Movement multiplier.")


class Network(Strict):
    """Who a force's members count as neighbours, besides their own force."""

    kind: Literal["force", "edges", "side", "command", "proximity", "random"] = Field(
        "force", description="force: only their own force (well mixed); edges: also the "
        "forces linked by `edges`; side: every force of their side; command: their superior "
        "and subordinate forces in the command tree `parents`; proximity (tactical): the "
        "entities of their side within `radius`; random: a graph generated per replication "
        "(`model`, `degree`) over the forces with morale, or over the entities (tactical: "
        "links within a side count). Channels add to any kind.")
    model: Literal["erdos_renyi", "watts_strogatz", "barabasi_albert"] | None = Field(
        None, description="random: the generator (Erdos-Renyi G(n, p), Watts-Strogatz ring "
        "rewired, Barabasi-Albert preferential attachment).")
    degree: float | None = Field(None, gt=0, description="random: the mean degree (Watts-"
                                 "Strogatz: the nearest even number; Barabasi-Albert: twice "
                                 "the links each node brings).")
    rewire: float = Field(0.1, ge=0, le=1, description="random, watts_strogatz: the "
                          "probability that an edge is rewired.")
    radius: float | None = Field(None, gt=0, description="proximity: the distance within "
                                 "which entities see each other's state (map units).")
    edges: list[tuple[Id, Id]] = Field(default_factory=list, description="Pairs of forces.")
    parents: dict[Id, Id] = Field(default_factory=dict, description="The chain of command, "
                                  "with any kind: each force's superior force (a force with "
                                  "none is a root); a force feels the loss of its superior's "
                                  "leaders as its own. With kind command they are also each "
                                  "other's neighbours.")
    channels: dict[Id, list[Id]] = Field(default_factory=dict, description="Shared channels, "
                                         "with any kind: every force on a channel hears "
                                         "every other (a broadcast reaches all on it).")
    weight: float = Field(1.0, ge=0, description="Weight of a linked force's members against "
                          "one's own (1: alike).")


class Shock(Strict):
    """Something the members witness or learn that changes the rates of some transitions:
    at a time (a revelation, an order judged unlawful), or, for `civilian_harm` without `at`,
    whenever civilians are harmed where the members see it."""

    id: Id
    kind: Literal["revelation", "unlawful_order", "civilian_harm", "suppression_seen"] = Field(
        description="What happens (a label for reports; the effect is `hazard`).")
    at: float | None = Field(None, description="When it happens (civilian_harm without it: "
                             "each time civilians are harmed).")
    until: float | None = Field(None, description="When its effect fades (default: lasts).")
    radius: float | None = Field(None, gt=0, description="civilian_harm without `at`, "
                                 "tactical: members see harm within this distance (default: "
                                 "anywhere).")
    forces: list[Id] = Field(default_factory=list, description="Forces that witness it.")
    sides: list[Id] = Field(default_factory=list, description="Sides whose forces all do.")
    hazard: dict[Id, float] = Field(description="Rate added to each named transition; "
                                    "civilian_harm without `at`: per civilian harmed per unit "
                                    "time that a member sees.")

    @property
    def witnessed(self) -> bool:
        """Triggered by harm as it happens, not at a time."""
        return self.at is None

    @model_validator(mode="after")
    def _who(self) -> Shock:
        if not self.forces and not self.sides:
            raise ValueError(f"shock {self.id} reaches nobody: name `forces` or `sides`")
        if self.at is None and self.kind != "civilian_harm":
            raise ValueError(f"shock {self.id}: a {self.kind} happens at a time: give `at` "
                             "(only civilian_harm can be triggered by harm as it happens)")
        if self.radius is not None and self.at is not None:
            raise ValueError(f"shock {self.id}: `radius` belongs to a civilian_harm shock "
                             "without `at` (harm seen as it happens)")
        if self.at is None and self.until is not None:
            raise ValueError(f"shock {self.id}: `until` ends a shock given `at`")
        if self.at is not None and self.until is not None and self.until <= self.at:
            raise ValueError(f"shock {self.id}: until ({self.until}) must be after at "
                             f"({self.at})")
        return self


class Defection(Strict):
    """Where the defectors of some forces go and what they do."""

    forces: list[Id] = Field(min_length=1, description="Forces whose members may defect.")
    join: Id | None = Field(None, description="The existing side they join.")
    new_side: Id | None = Field(None, description="Or: the id of a side of their own, "
                                "created empty and judged once anyone joins it.")
    force: Id | None = Field(None, description="Id of the defectors' force (default: "
                             "<side>-<first force>).")
    goal: Literal["fight", "go_home", "protect_civilians"] = Field(
        "fight", description="fight: they fire on their former comrades (and are fired on); "
        "go_home: they leave the fight as they come over; protect_civilians: they go to the "
        "civilians (tactical) and fire on those of their former comrades who harm them.")
    fire: float = Field(0.0, ge=0, description="With goal fight, their kill rate against "
                        "each former comrade force (and theirs against them: `suppression`).")
    suppression: float = Field(0.0, ge=0, description="Kill rate of each force in "
                               "`suppressed_by` against the defectors.")
    suppressed_by: list[Id] = Field(default_factory=list, description="Forces sent against "
                                    "the defectors (default: the forces they left).")

    @model_validator(mode="after")
    def _one_side(self) -> Defection:
        if (self.join is None) == (self.new_side is None):
            raise ValueError("give exactly one of `join` (an existing side) or `new_side`")
        return self

    @property
    def side(self) -> str:
        return self.join if self.join is not None else self.new_side  # type: ignore[return-value]

    @property
    def force_id(self) -> str:
        return self.force or f"{self.side}-{self.forces[0]}"


class Morale(Strict):
    """Morale, cohesion and contagion."""

    period: float = Field(gt=0, description="Time between morale updates.")
    forces: list[Id] = Field(default_factory=list, description="Forces with morale (default: "
                             "every force).")
    effects: dict[Literal["steady", "shaken", "refusing", "routing"], Effect] = Field(
        default_factory=dict, description="Fire and movement of members in each state "
        "(defaults: steady 1/1, shaken 0.6/0.6, refusing 0.1/0, routing 0.1/1).")
    leaders: dict[Id, int] = Field(default_factory=dict, description="Aggregate: the "
                                   "leaders among each force's members, lost in proportion "
                                   "to its losses (tactical: its officers and commanders).")
    obey_below: float = Field(0.5, gt=0, le=1, description="A force obeys orders while its "
                              "share of refusing and routing members is below this.")
    transitions: list[Transition] = Field(min_length=1)
    network: Network = Field(default_factory=Network)
    shocks: list[Shock] = Field(default_factory=list)
    defection: list[Defection] = Field(default_factory=list)


MoraleSection = Annotated[Morale | None, Field(None, description="Morale, cohesion and the "
                                                "contagion of refusal and defection.")]
