"""Scenario files: schema, loading with located errors, and cross-section checks."""

from .load import load_scenario, scenario_hash, validate
from .model import Scenario

__all__ = ["Scenario", "load_scenario", "scenario_hash", "validate"]
