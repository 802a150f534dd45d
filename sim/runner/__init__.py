"""Runner layer: replications with named random streams, serially or in worker processes."""

from sim.runner.replications import YEARLY_COLUMNS, Replications, household_table, run_scenario

__all__ = ["YEARLY_COLUMNS", "Replications", "household_table", "run_scenario"]
