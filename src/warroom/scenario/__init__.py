"""Scenario files: schema, loading with located errors, and cross-section checks."""

from .load import AnyScenario, load_scenario, scenario_hash, validate
from .model import Scenario
from .tactical import TacticalScenario

__all__ = ["AnyScenario", "Scenario", "TacticalScenario", "load_scenario", "scenario_hash",
           "validate"]
