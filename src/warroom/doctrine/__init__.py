"""Doctrine: controllers of the core written once, deciding from a side's `Observation`
only (its picture, its pleas, the enemy orders it reads), never from the battle itself.
Scenario files declare them (`doctrine:`); a user's own is a class with `side`, `wake` and
`decide` (see docs/tutorial-command.md)."""

from .rules import Periodic, Raid, Relieve, Respond

__all__ = ["Periodic", "Raid", "Relieve", "Respond"]
