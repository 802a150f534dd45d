"""Discrete-event simulation of municipal social housing.

Layers, each importing only those before it: ``sim.config`` (scenario files) →
``sim.model`` (one replication) → ``sim.runner`` (replications, workers) →
``sim.analysis`` (summaries, figures, result folders) → ``sim.cli`` (command line).
"""

from sim.api import Results, Scenario, load_scenario, run, summarise, write_results
from sim.config.errors import InputError, ScenarioError

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
    "summarise",
    "write_results",
]
