"""Configuration layer: load YAML, merge ``extends`` and overrides, validate."""

from sim.config.errors import InputError, Problem, ScenarioError
from sim.config.loader import load_scenario, merge_scenario, validate_data
from sim.config.schema import Scenario

__all__ = [
    "InputError",
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "merge_scenario",
    "validate_data",
]
