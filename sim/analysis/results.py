"""The results of ``sim run`` in Python: the runner's replications with their summary
table, its text and their result folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.analysis.output import write_results
from sim.analysis.tables import per_draw, summarise, summary_text
from sim.runner.replications import Replications

if TYPE_CHECKING:  # (pyarrow's parquet is imported only where rows are streamed)
    from sim.analysis.stream import YearlyStream


@dataclass
class Results(Replications):
    """What a run produced (:class:`sim.runner.replications.Replications`: the tidy yearly
    table and, optionally, household records), with ``table``, the summary over
    replications (``summary.csv``), ``summary()``, the text ``sim run`` prints, and
    ``write(out)``, its result folder."""

    summary_rows: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, run: Replications) -> Results:
        """The results of a run of the runner."""
        return cls(**{f.name: getattr(run, f.name) for f in fields(Replications)})

    @property
    def table(self) -> pd.DataFrame:
        """The summary over replications: mean, sd, 95 % t-interval, p10/p50/p90, n."""
        if self.summary_rows is None:
            self.summary_rows = summarise(self.yearly, draws=per_draw(self.scenario))
        return self.summary_rows

    @table.setter
    def table(self, summary: pd.DataFrame) -> None:
        self.summary_rows = summary

    def summary(self) -> str:
        """Key totals in the first and last reported year with their 95 % intervals."""
        span = self.scenario.time
        return summary_text(self.table, span.start, span.end - 1, self.replications)

    def write(
        self,
        out: str | Path,
        force: bool = False,
        *,
        command: Sequence[str] | None = None,
        scenario_file: str | Path | None = None,
        on_step: Callable[[str], None] | None = None,
        yearly_csv: bool | None = None,
        stream: YearlyStream | None = None,
    ) -> Path:
        """Write the result folder (:func:`sim.analysis.output.write_results`); return it."""
        file = scenario_file if scenario_file is not None else self.scenario_file
        return write_results(self, out, force, file, command, on_step, yearly_csv, stream)
