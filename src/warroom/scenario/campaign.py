"""The campaign scenario (`scale: campaign`): a war of fleets on a theater of worlds joined by
lanes, sides made of members (empires) with home worlds and a will to fight, alliances with a
council, strategies that decide from each side's picture, battles fought by the aggregate
engine."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

# isort: off
from .model import Clock, Id, Law, Strict, WithFiles  # first: command builds on it
from .command import CommandSection
# isort: on

Box = Annotated[list[float], Field(min_length=4, max_length=4,
                                   description="[x0, y0, x1, y1]: worlds inside the box.")]
WorldRef = Annotated[Id | Annotated[list[float], Field(min_length=2, max_length=2)], Field(
    description="A world: its id, or [x, y] for the world nearest that point.")]


def _exactly_one(model: Strict, names: tuple[str, ...], what: str) -> None:
    given = [k for k in names if getattr(model, k) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one {what}; found {', '.join(given) or 'none'}")


KINDS = ("raid", "relieve", "offensive", "raid_homes")  # a strategy's kinds


class StellarField(Strict):
    """A seeded stellar field: worlds scattered in a square, lanes between near ones."""

    worlds: int = Field(ge=1, le=200_000, description="How many worlds (ids w0, w1, ...).")
    size: float = Field(1000.0, gt=0, le=1e6, description="Side of the square.")
    degree: float = Field(4.0, gt=0, le=50, description="Mean lanes per world.")
    speed: float = Field(1.0, gt=0, le=1e6, description="Distance travelled per unit of time.")
    seed: int = Field(0, ge=0)


class WorldSpec(Strict):
    id: Id
    x: float = 0.0
    y: float = 0.0


class TheaterSpec(Strict):
    """Where the war is: generated, or read (GraphML, or CSV of worlds and lanes), or given
    here; exactly one of `generate`, `graphml`, `worlds` (with `lanes`)."""

    generate: StellarField | None = None
    graphml: str | None = Field(None, description="A GraphML file (edges with a `time`).")
    worlds: str | list[WorldSpec] | None = Field(
        None, description="A CSV file (id, x, y) or the worlds themselves.")
    lanes: str | list[tuple[Id, Id, float]] | None = Field(
        None, description="A CSV file (from, to, time) or [from, to, time] entries.")

    @model_validator(mode="after")
    def _one(self) -> TheaterSpec:
        _exactly_one(self, ("generate", "graphml", "worlds"), "of generate, graphml or worlds "
                     "(with lanes)")
        if (self.worlds is None) != (self.lanes is None):
            raise ValueError("worlds and lanes go together")
        return self


class Defences(Strict):
    """A world's own guns (planetary cannons, orbital artillery, space traps): they fight
    hostile fleets at the world as one more force of its owner."""

    strength: float = Field(0.0, ge=0, description="In ships' worth.")
    rate: float = Field(0.0, ge=0, description="Enemy ships put out of action per unit of "
                        "strength per day.")


class Region(Strict):
    """Worlds given an owner and what they hold: those listed, or those inside `within`, or
    all; later regions override earlier ones."""

    owner: Id | None = Field(None, description="A side (none: unowned).")
    member: Id | None = Field(None, description="The member of the owner that holds them.")
    worlds: list[WorldRef] | None = None
    within: Box | None = None
    defences: Defences | None = None
    dock: float | None = Field(None, ge=0, description="Crippled ships repaired per day.")
    production: float | None = Field(None, ge=0, le=1000, description="Fleets built per year "
                                     "(at a member's home world).")
    population: float | None = Field(None, ge=0)


class ShipType(Strict):
    id: Id
    rate: float = Field(gt=0, description="Enemy ships put out of action per ship per day.")
    cripple: float = Field(0.5, ge=0, le=1, description="Share of its losses crippled "
                           "(repairable at a dock) rather than destroyed.")


class FleetGroup(Strict):
    """`count` fleets alike, at a world; they may arrive later."""

    id: Id
    count: int = Field(1, ge=1, le=100_000)
    at: WorldRef
    ships: dict[Id, float] = Field(min_length=1, description="Ships of each type per fleet.")
    arrives: float | None = Field(None, ge=0, description="When they enter the war.")
    spread: bool = Field(False, description="One fleet at each of the `count` worlds of its "
                         "side nearest `at` (isolated garrisons), rather than all at `at`.")


class Will(Strict):
    """A member's will to fight, in [0, 1]: 1 less `losses` times the share of its fleets
    lost, `weariness` per year of war, and `threat` while its home is threatened."""

    losses: float = Field(1.0, ge=0)
    weariness: float = Field(0.0, ge=0)
    threat: float = Field(0.0, ge=0)
    leave: float = Field(0.0, ge=0, le=1, description="Probability that it takes its fleets "
                         "home, against orders, when its home world is attacked.")
    builds_above: float = Field(0.0, ge=0, le=1, description="It stops building and sending "
                                "fleets below this will.")


class Member(Strict):
    id: Id
    home: WorldRef | None = Field(None, description="Its home world (required).")
    will: Will = Field(default_factory=Will)
    fleets: list[FleetGroup] = Field(default_factory=list)
    builds: dict[Id, float] | None = Field(None, description="The ships of each fleet its "
                                           "home world builds (default: its first group's).")


class Supply(Strict):
    """Fleets within `reach` travel time of the side's worlds, over lanes no enemy holds,
    are supplied; beyond, they fight at 1 - `penalty`."""

    reach: float = Field(ge=0)
    penalty: float = Field(ge=0, le=1)
    every: float = Field(7.0, gt=0, description="How often the lines are worked out.")


class CampaignSide(Strict):
    id: Id
    members: list[Member] = Field(min_length=1)
    supply: Supply | None = None


class Council(Strict):
    """Votes on offensive orders (conquer, destroy, raid): refused while the mean will of
    the alliance's members is below `threshold`."""

    threshold: float = Field(ge=0, le=1)


class Alliance(Strict):
    """Sides that fight together (not each other)."""

    id: Id
    sides: list[Id] = Field(min_length=1)
    council: Council | None = None


class BattleRules(Strict):
    """How a battle where hostile fleets meet is fought (by the aggregate engine)."""

    law: Law = Law.square
    solver: Literal["ctmc", "tau_leap", "ode"] = "tau_leap"
    days: float = Field(3.0, gt=0, le=365, description="The longest a battle lasts.")
    breaks: float = Field(0.5, ge=0, lt=1, description="A side leaves below this share of "
                          "what it brought.")
    destroyed_below: float = Field(0.3, ge=0, lt=1, description="A fleet reduced below this "
                                   "share of its ships is destroyed.")
    siege: float = Field(7.0, ge=0, description="Days a defenceless world holds out against "
                         "a fleet ordered to conquer or destroy it.")


class RaidStrategy(Strict):
    """Strike the weakest enemy fleets believed alone at a world, in groups, and withdraw
    at the first sign of relief; intercept enemy fleets whose orders it reads."""

    side: Id
    members: list[Id] | None = Field(None, description="Whose fleets raid (default: all).")
    group: int = Field(3, ge=1, description="Fleets per raiding group.")
    odds: float = Field(2.0, gt=0, description="Least ratio of strength to attack.")
    reach: float = Field(60.0, gt=0, description="Longest journey to a target.")
    dwell: float = Field(5.0, gt=0, description="Longest stay at a target.")
    fit: float = Field(0.0, ge=0, le=1, description="Least share of its ships in action (the "
                       "rest crippled) a fleet raids with; below it, it stays to be repaired.")
    ambush: bool = Field(True, description="Intercept enemy fleets whose orders it reads "
                         "or that were reported on a lane.")
    strike: bool = Field(True, description="Raid worlds; false: hunters, which only "
                         "intercept fleets on the move (with `ambush`).")
    docks: bool = Field(False, description="Fleets below `fit` go to the nearest of the "
                        "side's docks to be repaired (false: they wait where they are).")
    every: float = Field(1.0, gt=0)


class RelieveStrategy(Strict):
    """Answer pleas: send `detachment` fleets of the reserve to the world of each plea."""

    side: Id
    reserve: Id = Field(description="A fleet group.")
    detachment: int = Field(10, ge=1)
    every: float = Field(1.0, gt=0)


class OffensiveStrategy(Strict):
    """Concentrate when a share of the side's fleets is lost, attack when gathered: conquer
    (or destroy, a share of them) the enemy's worlds inside `first`, then order the wave on
    into `then` (the council may refuse it)."""

    side: Id
    concentrate_after: float = Field(0.3, ge=0, le=1, description="Share lost of the fleets "
                                     "it went to war with.")
    rally: WorldRef
    gathered: float = Field(0.8, gt=0, le=1, description="Share of the fleets at the rally "
                            "point to attack.")
    wait: float = Field(180.0, gt=0, description="Longest wait at the rally point.")
    first: Box
    then: Box | None = None
    task_force: int = Field(5, ge=1, description="Fleets sent to each world.")
    destroy: float = Field(0.0, ge=0, le=1, description="Share of the worlds destroyed "
                           "rather than conquered.")
    every: float = Field(1.0, gt=0)


class RaidHomesStrategy(Strict):
    """Attack the home worlds of the enemy's members that no fleet defends."""

    side: Id
    enemy: Id = Field(description="The side whose homes it attacks.")
    task_force: int = Field(2, ge=1)
    every: float = Field(7.0, gt=0)


class Strategy(Strict):
    """One controller of a side: exactly one of its kinds."""

    raid: RaidStrategy | None = None
    relieve: RelieveStrategy | None = None
    offensive: OffensiveStrategy | None = None
    raid_homes: RaidHomesStrategy | None = None

    @model_validator(mode="after")
    def _one(self) -> Strategy:
        _exactly_one(self, KINDS, "strategy kind")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in KINDS if getattr(self, k) is not None)

    @property
    def spec(self):
        return getattr(self, self.kind)


class ScriptedOrder(Strict):
    """An order given at a time to every fleet of a group (or a member)."""

    at: float = Field(ge=0)
    fleets: Id = Field(description="A fleet group or a member.")
    do: Literal["move", "raid", "conquer", "destroy", "home", "hold"]
    world: WorldRef | None = Field(None, description="Where (not for home or hold).")


class Milestone(Strict):
    id: Id
    at: float = Field(ge=0)


class CampaignScenario(WithFiles):
    """A campaign: fleets of sides' members on a theater of worlds, day by day."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    version: Literal[1]
    scale: Literal["campaign"]
    name: Id
    title: str | None = None
    description: str | None = None
    sources: list[str] = Field(default_factory=list)
    seed: int = Field(0, ge=0)
    clock: Clock = Field(description="`step`: the length of one campaign step (days).")
    theater: TheaterSpec
    regions: list[Region] = Field(default_factory=list)
    ships: list[ShipType] = Field(min_length=1)
    sides: list[CampaignSide] = Field(min_length=2)
    alliances: list[Alliance] = Field(default_factory=list)
    battle: BattleRules = Field(default_factory=BattleRules)
    strategies: list[Strategy] = Field(default_factory=list)
    orders: list[ScriptedOrder] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list, description="Named times at "
                                        "which the results count fleets, worlds and losses.")
    command: CommandSection
