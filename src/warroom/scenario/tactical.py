"""The tactical scenario (`scale: tactical`): entity types on a terrain map.

Coordinates are metres with (0, 0) at the map's north-west corner: x runs east along a raster's
columns and y runs south down its rows, as in an image or an inline text map. Times use the
clock's unit; speeds and rates are per that unit.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from .command import CommandSection
from .doctrine import DoctrineSection
from .model import CIVILIAN, Breakpoint, Clock, Id, Strict, WithFiles
from .morale import MoraleSection

Point = Annotated[list[float], Field(min_length=2, max_length=2, description="[x, y] in metres.")]
Box = Annotated[list[float], Field(min_length=4, max_length=4,
                                   description="[x0, y0, x1, y1] in metres.")]


class Mobility(str, Enum):
    foot = "foot"
    wheeled = "wheeled"
    tracked = "tracked"
    hover = "hover"
    air = "air"


class TerrainClass(Strict):
    """A terrain class: how hard it is to cross, how well it hides, how well it protects.

    The built-in classes (open, road, dune, canyon, cliff, ridge, urban, water) can be
    redefined here by id; new ids add classes."""

    id: Id
    cost: dict[Mobility, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict, description="Movement cost per mobility kind (1 = open ground, "
        "2 = half speed, .inf = impassable); kinds not named cost 1.")
    concealment: float = Field(0.0, ge=0, le=1, description="Detection probability is "
                               "multiplied by (1 - concealment) for an entity here.")
    cover: float = Field(0.0, ge=0, le=1, description="Hit probability is multiplied by "
                         "(1 - cover) for an entity here.")


class Generate(Strict):
    """Seeded smooth noise (octaves of interpolated random grids)."""

    seed: int = Field(0, ge=0)
    scale: float = Field(500.0, gt=0, description="Size of the largest hills, in metres.")
    octaves: int = Field(4, ge=1, le=8)


class Elevation(Strict):
    """Ground height in metres: one of `flat`, `rows`, `file` or `generate`."""

    flat: float | None = Field(None, description="The same height everywhere.")
    rows: list[list[float]] | None = Field(None, description="Inline raster, north row first.")
    file: str | None = Field(None, description="A .npy, .csv or grey-scale .png raster "
                             "(relative to the scenario file).")
    generate: Generate | None = None
    relief: float = Field(50.0, ge=0, description="With `generate` or a .png: metres between "
                          "the lowest and the highest point.")

    @model_validator(mode="after")
    def _one(self) -> Elevation:
        given = [k for k in ("flat", "rows", "file", "generate") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `flat`, `rows`, `file` or `generate`, found "
                             + (", ".join(given) or "none"))
        return self


class Band(Strict):
    terrain: Id
    up_to: float = Field(gt=0, le=1, description="Upper quantile of elevation of this band.")


class Terrain(Strict):
    """Terrain classes per cell: one of `fill`, `rows` + `legend`, `file` or `bands`."""

    fill: Id | None = Field(None, description="One class everywhere.")
    rows: list[str] | None = Field(None, description="Inline map, one character per cell, "
                                   "north row first.")
    legend: dict[str, Id] | None = Field(None, description="Character -> class, with `rows`; "
                                         "colour '#rrggbb' -> class, with a .png `file`.")
    file: str | None = Field(None, description="A .npy or .csv of class numbers (the order of "
                             "`classes`), or a colour .png with `legend`.")
    classes: list[Id] | None = Field(None, description="Class of each number in a .npy/.csv.")
    bands: list[Band] | None = Field(None, description="Classes by elevation quantile, lowest "
                                     "first (e.g. water up to 0.05, open up to 0.8, ridge).")

    @model_validator(mode="after")
    def _one(self) -> Terrain:
        given = [k for k in ("fill", "rows", "file", "bands") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `fill`, `rows`, `file` or `bands`, found "
                             + (", ".join(given) or "none"))
        return self


class Feature(Strict):
    """A shape painted over the map, a box or a line (road, river, ridge line) of a given width:
    it sets the terrain class there, raises or cuts the ground, or both."""

    terrain: Id | None = Field(None, description="Terrain class inside the shape.")
    rise: float = Field(0.0, description="Metres added to the elevation inside the shape "
                        "(negative cuts a trench or canyon).")
    area: Box | None = None
    line: list[Point] | None = Field(None, min_length=2)
    width: float = Field(10.0, gt=0, description="Width of a line feature, metres.")

    @model_validator(mode="after")
    def _one(self) -> Feature:
        if (self.area is None) == (self.line is None):
            raise ValueError("give exactly one of `area` or `line`")
        if self.terrain is None and self.rise == 0.0:
            raise ValueError("a feature needs a `terrain` class, a `rise`, or both")
        return self


class MapSpec(Strict):
    """The battlefield raster."""

    cell: float = Field(gt=0, description="Cell size in metres.")
    width: int | None = Field(None, ge=1, description="Cells west to east (from the file when "
                              "a raster is loaded).")
    height: int | None = Field(None, ge=1, description="Cells north to south.")
    elevation: Elevation = Field(default_factory=lambda: Elevation(flat=0.0))
    terrain: Terrain = Field(default_factory=lambda: Terrain(fill="open"))
    features: list[Feature] = Field(default_factory=list)
    height_bonus: float = Field(0.2, ge=0, description="Hit probability is multiplied by up to "
                                "1 + height_bonus for a shooter well above its target.")


class Sensor(Strict):
    range: float = Field(gt=0, allow_inf_nan=True, description="Metres; .inf sees the whole map.")
    detect: float = Field(1.0, ge=0, le=1, description="Probability per step of seeing an "
                          "enemy in range and in line of sight, in the open.")
    discriminates: bool = Field(False, description="Tells a decoy from the real thing at "
                                "any range it sees.")


class Decoy(Strict):
    """A decoy (a hologram, a dummy): seen and believed real until exposed; it has no
    strength, takes no harm and fires nothing."""

    exposed_within: float = Field(0.0, ge=0, description="An enemy that sees it from this "
                                  "close (metres) sees through it; so does a sensor that "
                                  "`discriminates`.")


class Weapon(Strict):
    id: Id
    range: float = Field(gt=0, description="Metres.")
    rate: float = Field(gt=0, description="Shots per unit of time.")
    accuracy: float = Field(ge=0, le=1, description="Hit probability per shot in the open.")
    damage: dict[str, Annotated[float, Field(ge=0)]] = Field(
        description="Damage per hit by target class (soft, armoured, air, structure, monster "
        "or a class of `target_classes`); classes not named take none.")
    radius: float = Field(0.0, ge=0, description="Area effect: every entity within this many "
                          "metres of the target takes the damage.")
    ammo: int | None = Field(None, ge=0, description="Shots carried; none = unlimited.")
    mobility_kill: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict, description="Probability that a hit which does not kill "
        "immobilises the target, by target class.")


class EntityType(Strict):
    id: Id
    role: Id = Field(description="infantry, vehicle, hover, artillery, drone, mech, monster, "
                     "officer, sensor, operator, civilian, commander, or a role of `roles` "
                     "(officers and commanders are their force's leaders, for morale).")
    target_class: Id = Field("soft", alias="class", description="What weapons' damage tables "
                             "name: soft, armoured, air, structure, monster, or `target_classes`.")
    mobility: Mobility = Mobility.foot
    speed: float = Field(ge=0, description="Metres per unit of time on open ground.")
    hp: float = Field(1.0, gt=0, description="Hit points.")
    armour: float = Field(0.0, ge=0, description="Subtracted from the damage of every hit.")
    height: float = Field(2.0, ge=0, description="Metres above ground, for line of sight.")
    sensor: Sensor = Field(default_factory=lambda: Sensor(range=1000.0))
    weapons: list[Weapon] = Field(default_factory=list)
    suppression: float = Field(0.5, ge=0, le=1, description="While suppressed (fired on in "
                               "the last step), accuracy and speed are multiplied by this.")
    decoy: Decoy | None = Field(None, description="Entities of this type are decoys.")


class Deploy(Strict):
    """Where a force starts: uniformly in a box, or around a point."""

    area: Box | None = None
    at: Point | None = None
    radius: float = Field(0.0, ge=0, description="With `at`: scatter within this radius.")

    @model_validator(mode="after")
    def _one(self) -> Deploy:
        if (self.area is None) == (self.at is None):
            raise ValueError("give exactly one of `area` or `at`")
        return self


class OrderKind(str, Enum):
    hold = "hold"
    advance = "advance"
    move = "move"
    withdraw = "withdraw"


class Orders(Strict):
    """hold: stay; advance: close on the nearest seen enemy (or the objective when none is
    seen); move: go to the objective, a point `to` or an `area` (each entity makes for the
    nearest point of it and stops inside); withdraw: follow `route`, firing on the move."""

    kind: OrderKind = OrderKind.advance
    to: Point | None = None
    area: Box | None = None
    route: list[Point] | None = Field(None, min_length=1)
    leave: bool = Field(False, description="withdraw: at the end of the route, leave the battle "
                        "(counted as withdrawn, not lost; no one can see or hit it any more).")
    halt_to_fire: bool = Field(True, description="Stop while a target is in range.")

    @model_validator(mode="after")
    def _one_objective(self) -> Orders:
        if self.to is not None and self.area is not None:
            raise ValueError("give the objective as a point `to` or an `area`, not both")
        return self


class Rule(str, Enum):
    nearest = "nearest"
    priority = "priority"
    weakest = "weakest"
    random = "random"
    area = "area"


class Targeting(Strict):
    """How each shooter picks its target among the enemies its side sees within range."""

    rule: Rule = Rule.nearest
    priority: list[Id] = Field(default_factory=list, description="Roles or target classes, "
                               "first preferred; with rule priority.")
    spread: int = Field(1, ge=1, le=16, description="Fire allocation: pick at random among the "
                        "best `spread` candidates so many shooters don't all take one target.")


class TacticalForce(Strict):
    id: Id
    name: str | None = None
    type: Id = Field(description="An entity type id.")
    count: int = Field(ge=1)
    arrive: float | None = Field(None, description="Time the force enters the battle, at its "
                                 "deployment (default: the clock's start); a reinforcement.")
    deploy: Deploy
    orders: Orders = Field(default_factory=Orders)
    targeting: Targeting = Field(default_factory=Targeting)


class TacticalSide(Strict):
    id: Id
    name: str | None = None
    forces: list[TacticalForce]
    breakpoints: list[Breakpoint] = Field(default_factory=list)
    civilian: bool = Field(False, description=CIVILIAN)


class Output(Strict):
    snapshot_every: int = Field(10, ge=0, description="Entity positions every k steps "
                                "(0: none).")


class TacticalScenario(WithFiles):
    """A tactical battle: entities on a terrain map, stepped in synchronous ticks."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    version: Literal[1]
    scale: Literal["tactical"]
    name: Id
    title: str | None = None
    description: str | None = None
    sources: list[str] = Field(default_factory=list)
    seed: int = Field(0, ge=0)
    clock: Clock = Field(description="`step` is the length of one tick.")
    map: MapSpec
    terrain_classes: list[TerrainClass] = Field(default_factory=list)
    roles: list[Id] = Field(default_factory=list, description="Extra roles beyond the built-in.")
    target_classes: list[Id] = Field(default_factory=list, description="Extra target classes.")
    entity_types: list[EntityType] = Field(min_length=1)
    sides: list[TacticalSide] = Field(min_length=2)
    output: Output = Field(default_factory=Output)
    morale: MoraleSection
    command: CommandSection
    doctrine: DoctrineSection
