"""warroom: simulate wars, from Lanchester's equations to a million entities."""

from ._version import __version__
from .errors import ScenarioError, UserError
from .experiment import experiment
from .results.result import Result
from .scenario import Scenario, load_scenario
from .simulate import simulate

__all__ = ["Result", "Scenario", "ScenarioError", "UserError", "__version__", "experiment",
           "load_scenario", "simulate"]
