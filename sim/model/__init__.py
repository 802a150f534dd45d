"""Model layer: one replication of the housing system, a pure function of scenario and seed."""

from sim.model.housing import HousingModel, run_replication
from sim.model.streams import Stream, Streams

__all__ = ["HousingModel", "Stream", "Streams", "run_replication"]
