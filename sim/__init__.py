"""Discrete-event simulation of municipal social housing.

Layers, each importing only those before it: ``sim.config`` (scenario files) →
``sim.model`` (one replication) → ``sim.runner`` (replications, workers) →
``sim.analysis`` and ``sim.calibration`` (summaries, comparisons, sizing, calibration,
result folders) → ``sim.api`` (every command as a function, exported here) and
``sim.app`` (the seminar app in a browser; needs the ``app`` extra) → ``sim.cli`` (the
command line; ``sim app`` starts the app). Importing ``sim`` imports neither of the last
two.
"""

from sim.api import (
    Comparison,
    Results,
    Scenario,
    Sensitivity,
    SizingResult,
    Sweep,
    Tradeoff,
    Validation,
    calibrate,
    compare,
    load_scenario,
    run,
    sensitivity,
    size,
    summarise,
    sweep,
    tradeoff,
    validate,
    write_calibration,
    write_comparison,
    write_results,
    write_sensitivity,
    write_sizing,
    write_sweep,
    write_tradeoff,
)
from sim.config.errors import InputError, ScenarioError

__version__ = "0.2.0"

__all__ = [
    "Comparison",
    "InputError",
    "Results",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "SizingResult",
    "Sweep",
    "Tradeoff",
    "Validation",
    "__version__",
    "calibrate",
    "compare",
    "load_scenario",
    "run",
    "sensitivity",
    "size",
    "summarise",
    "sweep",
    "tradeoff",
    "validate",
    "write_calibration",
    "write_comparison",
    "write_results",
    "write_sensitivity",
    "write_sizing",
    "write_sweep",
    "write_tradeoff",
]
