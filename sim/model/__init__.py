"""Model layer: one replication of the housing system, a pure function of scenario and seed."""

from sim.model import housing as _housing
from sim.model.housing import HousingModel, run_replication
from sim.model.streams import Stream, Streams

#: True when the event loop runs as a mypyc-compiled extension (see setup.py).
COMPILED = not _housing.__file__.endswith(".py")

__all__ = ["COMPILED", "HousingModel", "Stream", "Streams", "run_replication"]
