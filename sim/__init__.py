"""Discrete-event simulation of municipal social housing.

Layers, each importing only those before it: ``sim.config`` (scenario files) →
``sim.model`` (one replication) → ``sim.runner`` (replications, workers) →
``sim.analysis``, then ``sim.calibration`` and ``sim.kostra`` (summaries, comparisons,
sizing, calibration, result folders; a municipality's baseline from its KOSTRA
counts) → ``sim.api`` (every command as a function, exported here) and ``sim.app`` (the
seminar app in a browser; needs the ``app`` extra) → ``sim.cli`` (the command line;
``sim app`` starts the app). Importing ``sim`` imports neither of the last
two.

The public names are :data:`sim.api.__all__` (one list) with the two input errors and
the version.
"""

from sim.api import *  # noqa: F403  (the names of sim.api.__all__)
from sim.api import __all__ as _api
from sim.config.errors import InputError, ScenarioError

__version__ = "0.2.0"

__all__ = [*_api, "InputError", "ScenarioError", "__version__"]
