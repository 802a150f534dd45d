"""Analysis layer: summaries over replications, figures and result folders."""

from sim.analysis.output import write_results
from sim.analysis.tables import summarise

__all__ = ["summarise", "write_results"]
