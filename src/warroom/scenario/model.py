"""The scenario file's schema: pydantic models used only at the boundary.

Every model forbids unknown keys so that a typo is an error (with a did-you-mean), and the file
carries `version:` so that later releases can add terrain, entities, a theater graph, command and
morale as new optional sections without breaking files written against version 1.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .bounds import bounded

Id = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$",
        description="An identifier: a letter, then letters, digits, '_' or '-'.",
    ),
]


TRUSTED: dict = {"built by the engine": True}  # `model_validate(..., context=TRUSTED)`


class Strict(BaseModel):
    # inf and nan are refused everywhere a field does not say it takes them (a sensor's range)
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value, info: ValidationInfo):
        # data the engine builds itself from a validated scenario (a campaign's battles)
        # is bounded already, and is validated thousands of times over
        if info.context is TRUSTED:
            return value
        return bounded(value, info.field_name or "")


class WithFiles(Strict):
    """A scenario that reads files named relative to its own (a map, a theater) and keeps
    what validation found worth saying but not refusing."""

    _base_dir: Path = PrivateAttr(default_factory=lambda: Path("."))
    _warnings: list[str] = PrivateAttr(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """What validation found worth saying but not refusing (located, one per line)."""
        return self._warnings

    @property
    def base_dir(self) -> Path:
        """The folder the files it names are read from (the scenario file's)."""
        return self._base_dir

    def with_base_dir(self, folder: Path) -> Self:
        self._base_dir = folder  # a private attribute: not part of the frozen scenario's data
        return self


class TimeUnit(str, Enum):
    second = "second"
    minute = "minute"
    hour = "hour"
    day = "day"
    week = "week"
    salvo = "salvo"


class Clock(Strict):
    """When the battle starts and may last until, and how often the state is recorded."""

    start: float = Field(0.0, description="Time at which the battle starts.")
    end: float = Field(description="Time at which the battle stops if no side has broken.")
    step: float = Field(
        gt=0,
        description="Recording interval; also the time step of the tau-leap solver.",
    )
    unit: TimeUnit = Field(TimeUnit.day, description="Unit of every time in the file.")

    @model_validator(mode="after")
    def _ordered(self) -> Clock:
        if self.end <= self.start:
            raise ValueError(f"clock end ({self.end}) must be after start ({self.start})")
        return self


class Transfer(Strict):
    """Troops that join (reinforcement) or leave (withdrawal) a force.

    Either all at once (`at` and `amount`), or spread evenly over an interval (`start`, `end` and
    either `rate` per unit of time or a total `amount`).
    """

    id: Id | None = Field(None, description="Name used in events and by `warroom ablate`.")
    at: float | None = Field(None, description="Time of a one-off transfer.")
    start: float | None = Field(None, description="Start of a transfer spread over time.")
    end: float | None = Field(None, description="End of a transfer spread over time.")
    amount: float | None = Field(None, ge=0, description="Total number transferred.")
    rate: float | None = Field(None, ge=0, description="Number per unit time, with start/end.")

    @model_validator(mode="after")
    def _one_shape(self) -> Transfer:
        if self.at is not None:
            if self.start is not None or self.end is not None or self.rate is not None:
                raise ValueError(
                    "give either `at` + `amount`, or `start` + `end` + `rate`/`amount`")
            if self.amount is None:
                raise ValueError("a transfer `at` a time needs an `amount`")
            return self
        if self.start is None or self.end is None:
            raise ValueError("give either `at` + `amount`, or `start` + `end` + `rate`/`amount`")
        if self.end <= self.start:
            raise ValueError(f"transfer end ({self.end}) must be after start ({self.start})")
        if (self.rate is None) == (self.amount is None):
            raise ValueError("a transfer over an interval needs exactly one of `rate` or `amount`")
        return self

    @property
    def t_from(self) -> float:
        return self.at if self.at is not None else self.start  # type: ignore[return-value]

    @property
    def t_to(self) -> float:
        return self.at if self.at is not None else self.end  # type: ignore[return-value]

    @property
    def total(self) -> float:
        if self.amount is not None:
            return self.amount
        return self.rate * (self.t_to - self.t_from)  # type: ignore[operator]


class Force(Strict):
    """One force type of a side: its strength and when it grows or shrinks."""

    id: Id
    name: str | None = Field(None, description="Name shown in reports.")
    strength: float = Field(ge=0, description="Initial strength (people, vehicles, ships...).")
    reinforcements: list[Transfer] = Field(default_factory=list, description="Arrivals.")
    withdrawals: list[Transfer] = Field(
        default_factory=list, description="Departures, never more than the force has.")


class StrengthBreakpoint(Strict):
    kind: Literal["strength"]
    id: Id | None = None
    below: float = Field(
        gt=0, lt=1, description="The side breaks below this fraction of its initial strength."
    )


class RatioBreakpoint(Strict):
    kind: Literal["force_ratio"]
    id: Id | None = None
    below: float = Field(
        gt=0, description="The side breaks when its strength over its enemies' falls below this."
    )


class TimeBreakpoint(Strict):
    kind: Literal["time"]
    id: Id | None = None
    at: float = Field(description="The side breaks (gives up) at this time if still fighting.")


Breakpoint = Annotated[
    StrengthBreakpoint | RatioBreakpoint | TimeBreakpoint, Field(discriminator="kind")
]


CIVILIAN = ("A population, not a belligerent: its forces never fire, never break and never "
            "win, and do not keep a battle going; fire aimed at them (aggregate) or blasts "
            "that reach them (tactical) harm them, counted as their losses.")


class Side(Strict):
    """A belligerent: its forces and the conditions under which it breaks off the battle."""

    id: Id
    name: str | None = None
    forces: list[Force] = Field(description="At least one force.")
    breakpoints: list[Breakpoint] = Field(
        default_factory=list, description="Any one reached breaks the side (it leaves the "
        "battle); a side with no strength left always breaks.")
    civilian: bool = Field(False, description=CIVILIAN)


class Law(str, Enum):
    square = "square"
    linear = "linear"
    logarithmic = "logarithmic"
    mixed = "mixed"
    exponents = "exponents"
    salvo = "salvo"


class SolverName(str, Enum):
    ode = "ode"
    closed_form = "closed_form"
    ctmc = "ctmc"
    tau_leap = "tau_leap"
    salvo = "salvo"


class Allocation(str, Enum):
    proportional = "proportional"
    fixed = "fixed"
    priority = "priority"


class Fire(Strict):
    """Which force shoots at which, and how effectively."""

    shooter: Id
    target: Id
    rate: float = Field(
        0.0,
        ge=0,
        description="Kill rate: targets removed per shooter per unit time (per unit of the "
        "law's exponents). Unused by the salvo law.",
    )
    share: float | None = Field(
        None, gt=0, description="Share of the shooter's fire, with allocation: fixed."
    )
    priority: int | None = Field(
        None, ge=1, description="Rank of this target (1 first), with allocation: priority."
    )


class Fleet(Strict):
    """Hughes' salvo-model parameters of one force of missile ships."""

    force: Id
    offensive: float = Field(ge=0, description="Well-aimed missiles fired per ship per salvo.")
    defensive: float = Field(0.0, ge=0, description="Missiles one ship can intercept per salvo.")
    staying: float = Field(gt=0, description="Hits needed to put one ship out of action.")
    scouting: float = Field(1.0, ge=0, le=1, description="Fraction of the enemy found (sigma).")
    readiness: float = Field(
        1.0, ge=0, le=1, description="Fraction of offensive power that is ready (tau)."
    )
    alertness: float = Field(
        1.0, ge=0, le=1, description="Fraction of defensive power that is alert (delta)."
    )


class Leg(Strict):
    between: tuple[Id, Id] = Field(description="Two places.")
    time: float = Field(ge=0, description="Travel time between them (either way).")


class Places(Strict):
    """Where forces are: each force starts at a place, goes to another when ordered to
    (`move`), arriving after the travel time, and fights in the engagements of the place it
    is at. A force on its way is at no place. Travel takes the quickest way, through other
    places where that is quicker."""

    ids: list[Id] = Field(min_length=1, description="The places.")
    travel: float = Field(0.0, ge=0, description="Travel time between any two places "
                          "(default for the pairs `legs` does not list).")
    legs: list[Leg] = Field(default_factory=list, description="Travel times of some pairs.")
    start: dict[Id, Id] = Field(description="Each force's place at the start (force -> "
                                "place); every force with fire at a place needs one.")


class Engagement(Strict):
    """A fight between forces of two sides under one attrition law and solver."""

    id: Id
    law: Law
    solver: SolverName | None = Field(
        None, description="Defaults to `ode`, or `salvo` for the salvo law."
    )
    start: float | None = Field(None, description="Time the engagement opens (clock start).")
    end: float | None = Field(None, description="Time the engagement closes (clock end).")
    allocation: Allocation = Field(
        Allocation.proportional,
        description="How a shooter force splits its aimed fire over its targets: in "
        "proportion to their strengths, by fixed `share`s, or all on the live target of best "
        "`priority`. Fire with a target exponent p > 0 (area fire) is not split.")
    area_fire_by: Id | None = Field(
        None, description="With law: mixed, the side whose fire is area fire (Deitchman)."
    )
    p: float | None = Field(None, ge=0, description="With law: exponents, the target exponent.")
    q: float | None = Field(None, ge=0, description="With law: exponents, the shooter exponent.")
    interval: float | None = Field(
        None, gt=0, description="With law: salvo, time between salvos (default: clock step)."
    )
    fire: list[Fire] = Field(default_factory=list, description="Who shoots at whom.")
    fleets: list[Fleet] = Field(default_factory=list, description="With law: salvo.")
    at: Id | None = Field(None, description="A place of `places`: the engagement is open "
                          "while every force of its `fire` is there (its `start` and `end` "
                          "then do not apply; orders cannot open or close it).")

    @property
    def solver_name(self) -> SolverName:
        if self.solver is not None:
            return self.solver
        return SolverName.salvo if self.law is Law.salvo else SolverName.ode


from .command import CommandSection  # noqa: E402  (it builds on Strict and Id above)
from .doctrine import DoctrineSection  # noqa: E402
from .morale import MoraleSection  # noqa: E402


class Scenario(Strict):
    """A warroom scenario, format version 1."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    version: Literal[1] = Field(description="Scenario format version.")
    name: Id
    title: str | None = Field(None, description="Human-readable title for reports.")
    description: str | None = Field(None, description="What the scenario represents.")
    sources: list[str] = Field(default_factory=list, description="Where the numbers come from.")
    seed: int = Field(0, ge=0, description="Default seed; `warroom run --seed` overrides it.")
    clock: Clock = Field(description="Start, end, recording step and time unit.")
    sides: list[Side] = Field(min_length=2, description="The belligerents (at least two).")
    engagements: list[Engagement] = Field(
        min_length=1, description="Who fights whom, under which law and solver.")
    places: Places | None = Field(None, description="Places the forces are at and move "
                                  "between (engagements `at` a place).")
    morale: MoraleSection
    command: CommandSection
    doctrine: DoctrineSection
    _warnings: list[str] = PrivateAttr(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """What validation found worth saying but not refusing (located, one per line)."""
        return self._warnings
