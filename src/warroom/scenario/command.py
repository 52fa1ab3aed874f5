"""The `command:` section of a scenario file: per side, a network of headquarters, hubs and
relays over which its forces report and receive orders, with jamming and leaks to the enemy.
The same section serves every scale; a side without an entry has perfect command (orders
take effect at once, it sees what its sensors see)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from .model import Id, Strict

Point = Annotated[list[float], Field(min_length=2, max_length=2, description="[x, y] in metres.")]
Box = Annotated[list[float], Field(min_length=4, max_length=4,
                                   description="[x0, y0, x1, y1] in metres.")]


class Lognormal(Strict):
    median: float = Field(gt=0)
    sigma: float = Field(ge=0, description="Standard deviation of the log.")


class Gamma(Strict):
    mean: float = Field(ge=0)
    shape: float = Field(gt=0)


class Distribution(Strict):
    """A latency drawn per message: exactly one of these."""

    exponential: float | None = Field(None, ge=0, description="Mean of an exponential.")
    uniform: tuple[float, float] | None = Field(None, description="[low, high], both >= 0.")
    lognormal: Lognormal | None = None
    gamma: Gamma | None = None

    @model_validator(mode="after")
    def _one(self) -> Distribution:
        given = [k for k in ("exponential", "uniform", "lognormal", "gamma")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of exponential, uniform, lognormal or gamma, "
                             "found " + (", ".join(given) or "none"))
        if self.uniform is not None and not 0 <= self.uniform[0] <= self.uniform[1]:
            raise ValueError(f"uniform latency needs 0 <= low <= high, found {self.uniform}")
        return self


def _latency_ok(lat: float | Distribution) -> float | Distribution:
    if isinstance(lat, float | int) and lat < 0:
        raise ValueError(f"a latency must be >= 0, found {lat}")
    return lat


Latency = Annotated[float | Distribution, AfterValidator(_latency_ok), Field(
    description="A latency: a fixed time (>= 0) or a distribution.")]


class CommandNode(Strict):
    """A node of the network beside the forces (which are nodes by their ids)."""

    id: Id
    kind: Literal["headquarters", "hub", "relay"] = "relay"
    service: float | None = Field(None, gt=0, description="Messages it handles per unit of "
                                  "time, one at a time, each in an exponential time: messages "
                                  "queue for it (none: no wait).")
    at: Point | None = Field(None, description="Tactical: where it is (for jamming zones).")


class CommandLink(Strict):
    """A link between two nodes or forces, both ways unless `one_way`."""

    between: tuple[Id, Id] = Field(description="Two node or force ids.")
    latency: Latency = 0.0
    loss: float = Field(0.0, ge=0, le=1, description="Probability that a message is lost.")
    capacity: float | None = Field(None, gt=0, description="Messages per unit of time it "
                                   "carries, one after another (none: no limit).")
    one_way: bool = False


class Radio(Strict):
    """Tactical: each entity's hop to its force's node."""

    latency: Latency = 0.0
    loss: float = Field(0.0, ge=0, le=1)


class Jamming(Strict):
    """Raises the loss and delay of this side's links, for a period, in a zone, or around
    the enemy's jammer entities (tactical)."""

    id: Id | None = None
    start: float | None = Field(None, description="From (default: always).")
    end: float | None = Field(None, description="Until (default: always).")
    area: Box | None = Field(None, description="Tactical: hops that start inside this box.")
    by: Id | None = Field(None, description="Tactical: an entity type whose living entities "
                          "jam hops that start within `radius` of them.")
    radius: float | None = Field(None, gt=0, description="With `by`: metres.")
    loss: float = Field(0.0, ge=0, le=1, description="Extra loss probability (independent).")
    delay: float = Field(0.0, ge=0, description="Extra latency per hop.")

    @model_validator(mode="after")
    def _shape(self) -> Jamming:
        if self.area is not None and self.by is not None:
            raise ValueError("give a jamming zone as an `area` or as jammers `by`, not both")
        if (self.by is None) != (self.radius is None):
            raise ValueError("jammers `by` an entity type need a `radius`, and only they")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"jamming end ({self.end}) must be after its start ({self.start})")
        return self


class Leak(Strict):
    """A spy or a broken code: the enemy `by` reads each message through a link or a node,
    `delay` after it passes."""

    id: Id | None = None
    link: tuple[Id, Id] | None = Field(None, description="The link (both directions).")
    node: Id | None = Field(None, description="Or the node (what reaches it).")
    by: Id = Field(description="The side that reads the traffic.")
    delay: float = Field(0.0, ge=0)
    probability: float = Field(1.0, ge=0, le=1, description="Share of messages it reads.")

    @model_validator(mode="after")
    def _one(self) -> Leak:
        if (self.link is None) == (self.node is None):
            raise ValueError("give a leak's `link` or its `node`")
        return self


class Reports(Strict):
    every: float = Field(gt=0, description="Time between the reports each force (tactical: "
                         "each entity) sends up: what it sees and its state.")
    noise: float = Field(0.0, ge=0, le=1, description="Aggregate: relative error of a "
                         "reported enemy strength (normal).")
    drift: float = Field(0.0, ge=0, description="Aggregate: growth per unit of time of the "
                         "uncertainty of a believed strength, as a share of it.")
    forget: float | None = Field(None, gt=0, description="Belief older than this is dropped.")
    pleas: bool = Field(True, description="A force that took losses since its last report "
                        "also calls for help.")


class SideCommand(Strict):
    """One side's command network."""

    side: Id
    headquarters: Id = Field(description="A node or force: where the side's picture is "
                             "held and its orders leave from.")
    nodes: list[CommandNode] = Field(default_factory=list)
    links: list[CommandLink] = Field(default_factory=list)
    radio: Radio = Field(default_factory=Radio)
    reports: Reports | None = Field(None, description="Routine reports (none: only pleas, "
                                    "and only if `reports` says so, so: none at all).")
    commanders: list[Id] | None = Field(None, description="Forces that are commanders: "
                                        "while one has nobody left, what reaches it is "
                                        "dropped (default, tactical: forces of role "
                                        "commander or officer).")
    succession: float | None = Field(None, ge=0, description="A dead commander's successor "
                                     "takes over this long after (none: never).")
    jamming: list[Jamming] = Field(default_factory=list)
    leaks: list[Leak] = Field(default_factory=list)
    require_paths: bool = Field(False, description="A force with no path to headquarters "
                                "is an error (otherwise a warning).")
    keep_messages: int = Field(100_000, ge=0, description="Finished messages of this side "
                               "kept in messages.parquet; above it a systematic sample of about "
                               "this many (each row's `weight` says how many it stands for); "
                               "every message is counted in the summary either way.")


CommandSection = Annotated[list[SideCommand] | None, Field(
    None, description="Command and control per side: networks, reports, jamming, leaks.")]
