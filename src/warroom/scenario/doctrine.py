"""The `doctrine:` section of a scenario file: how each side's headquarters decides, from
what it knows (its picture, the pleas that reach it, the enemy orders it reads)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .model import Id, Strict


class Relieve(Strict):
    """Answer pleas: send the reserve to the place of the newest plea (aggregate places)."""

    reserve: Id
    answers: list[Id] = Field(min_length=1, description="The forces whose pleas it answers.")


class Raid(Strict):
    """Strike the targets in turn; move on when one is destroyed, after `dwell`, or at the
    first sign of relief (an enemy order read that sends a force to the raider's place, or
    an enemy other than the target met there)."""

    raider: Id
    targets: list[Id] = Field(min_length=1, description="Enemy forces, each at its place.")
    dwell: float | None = Field(None, gt=0, description="Longest stay at one target.")


class Respond(Strict):
    """At the first enemy the side believes in (of the forces `to`, if given), give `forces`
    an order."""

    forces: list[Id] = Field(min_length=1)
    to: list[Id] = Field(default_factory=list, description="Enemy forces that call for it "
                         "(default: any).")
    order: Literal["advance", "hold", "commit", "hold_back"] = Field(
        "advance", description="Tactical: advance or hold; aggregate: commit or hold_back.")


class SideDoctrine(Strict):
    """One doctrine of one side: exactly one of relieve, raid or respond."""

    side: Id
    every: float = Field(gt=0, description="Time between its decisions.")
    relieve: Relieve | None = None
    raid: Raid | None = None
    respond: Respond | None = None

    @model_validator(mode="after")
    def _one(self) -> SideDoctrine:
        given = [k for k in ("relieve", "raid", "respond") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of relieve, raid or respond, found "
                             + (", ".join(given) or "none"))
        return self


DoctrineSection = Annotated[list[SideDoctrine] | None, Field(
    None, description="How the sides decide as the battle runs, from what they know.")]
