"""A what-if against the scenario it extends: what ``sim run`` of a file with ``extends``
answers by default.

A scenario file that ``extends`` another (``flexbo.yaml`` extends
``lorenskog-calibrated.yaml``) asks what its changes do (a calibrated overlay such as
``lorenskog-calibrated.yaml`` is a baseline: it runs alone). Its parent (the file named by
its own ``extends``) runs with the same seed, replications, years and posterior, so
replication r of both shares its random numbers, as in ``sim compare``; the paired
differences (:func:`sim.analysis.compare.compare_tables`) are printed beside the
absolute values and written to the run's folder (:data:`~sim.analysis.output.DIFFERENCE_FILE`).
The parent runs as its file says: ``--set`` changes only the what-if, so its settings
are part of the difference. The parent's run doubles the work of ``sim run``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.analysis.compare import HORIZON, compare_tables, load_alternatives
from sim.analysis.labels import check_metrics, label, number, scenario_label
from sim.analysis.output import CSV_MAX_ROWS, write_results
from sim.analysis.provenance import Input
from sim.analysis.replace import written_overlay
from sim.analysis.results import Results
from sim.analysis.tables import KEY_METRICS, per_draw
from sim.config.errors import InputError, Problem
from sim.config.loader import read_yaml
from sim.config.schema import Scenario
from sim.runner.blocks import Block, yearly_table
from sim.runner.pool import Jobs
from sim.runner.replications import run_scenario


def parent_file(path: str | Path) -> Path | None:
    """The file a what-if's own ``extends`` names; ``None`` for a file that extends none
    and for a calibrated overlay (written by ``sim calibrate --scenario-out``: a baseline
    with fitted values, not a what-if of the scenario it extends)."""
    if written_overlay(Path(path)):
        return None
    reference = read_yaml(Path(path)).get("extends")
    if not isinstance(reference, str) or not reference.strip():
        return None
    parent = Path(path).parent / reference
    return parent if _changes_the_model(Path(path), parent) else None


NOT_A_CHANGE = ("name", "label", "description", "calibration")
"""Keys whose change leaves the simulated world as it is (a file that extends another
only to name it or its posterior is no what-if)."""


def _changes_the_model(path: Path, parent: Path) -> bool:
    """Whether the file sets anything its parent does not (other than NOT_A_CHANGE);
    where either cannot be read, the run tells why."""
    from sim.config.loader import merge_scenario

    try:
        mine, _ = merge_scenario(path)
        theirs, _ = merge_scenario(parent)
    except InputError:
        return True
    return {k: v for k, v in mine.items() if k not in NOT_A_CHANGE} != {
        k: v for k, v in theirs.items() if k not in NOT_A_CHANGE
    }


def load_parent(whatif: Scenario, file: Path, overrides: Sequence[str] = ()) -> Scenario:
    """The parent ``file`` with the what-if's seed, replications and years, and
    ``overrides`` (the run's posterior setting); an input error where the two cannot be
    paired replication by replication."""
    span = whatif.time
    shared = [
        *overrides,
        f"time.start={span.start}",
        f"time.years={span.years}",
        f"time.warmup_years={span.warmup_years}",
    ]
    try:
        scenarios, _ = load_alternatives(whatif, [file], shared)
    except InputError as error:
        hint = Problem(
            str(file),
            "extends",
            f"the scenario {whatif.name} extends, run beside it to show what it changes; "
            "--no-baseline runs it alone",
        )
        raise InputError([*error.problems, hint]) from None
    return next(iter(scenarios.values()))


class Totals:
    """A sink (:func:`sim.runner.replications.run_scenario`) that keeps the rows of the
    totals of ``metrics`` (all groups and categories) and hands each block on to ``then``."""

    def __init__(self, metrics: Sequence[str], then: Callable[[Block], None] | None = None):
        self.metrics = list(metrics)
        self.then = then
        self.parts: list[pd.DataFrame] = []

    def add(self, block: Block) -> None:
        rows = yearly_table([block])
        kept = (rows.group == "") & (rows.category == "") & rows.metric.isin(self.metrics)
        self.parts.append(rows[kept])
        if self.then is not None:
            self.then(block)

    @property
    def yearly(self) -> pd.DataFrame:
        return pd.concat(self.parts, ignore_index=True) if self.parts else yearly_table([])


@dataclass
class WhatIf:
    """A what-if's run (``results``, its result folder) and its paired differences from
    the scenario it extends (``table``: the columns of ``comparison.csv``)."""

    results: Results
    parent: Scenario
    parent_file: Path
    table: pd.DataFrame
    metrics: list[str] = field(default_factory=list)

    @property
    def streamed(self) -> int | None:
        return self.results.streamed

    def summary(self) -> str:
        """The run's summary, then what the what-if changes (what ``sim run`` prints)."""
        return (
            self.results.summary()
            + "\n"
            + difference_text(self.table, self.results.scenario, self.parent)
        )


def run_whatif(
    whatif: Scenario,
    file: Path,
    parent: Scenario,
    parent_path: Path,
    out: Path,
    *,
    jobs: Jobs = 1,
    force: bool = False,
    households: bool = False,
    keep_yearly: bool = True,
    yearly_csv: bool | None = None,
    on_progress: Callable[[int], None] | None = None,
    command: Sequence[str] | None = None,
) -> WhatIf:
    """Run the parent, then the what-if streamed into its result folder at ``out`` (as
    :func:`sim.run` with ``stream=True``), with the paired differences of the key totals
    in :data:`~sim.analysis.output.DIFFERENCE_FILE`."""
    from sim.analysis.stream import YearlyStream  # (pyarrow's parquet: only when streaming)

    metrics = check_metrics(KEY_METRICS)
    base = Totals(metrics)
    run_scenario(parent, None, jobs, False, on_progress, sink=base.add)
    csv_limit = {None: CSV_MAX_ROWS, True: None, False: 0}[yearly_csv]
    draws = per_draw(whatif)
    with YearlyStream(out, whatif.replications, csv_limit, keep_yearly, draws) as rows:
        own = Totals(metrics, then=rows.add)
        results = Results.of(
            run_scenario(whatif, None, jobs, households, on_progress, sink=own.add)
        )
        rows.close()
        results.scenario_file = file
        name = whatif.name if whatif.name != parent.name else whatif.name + "'"
        table = compare_tables(base.yearly, {name: own.yearly}, metrics, draws)
        baseline = Input("baseline", parent.name, parent_path)
        write_results(results, out, force, file, command, None, yearly_csv, rows, table, baseline)
        results.table = rows.summary()
    return WhatIf(results, parent, parent_path, table, metrics)


def _signed(value: float) -> str:
    text = number(value, "en")
    return f"+{text}" if value > 0 and text.strip("0.,") else text


def _change(row: pd.Series | None) -> str:
    if row is None or pd.isna(row["difference"]):
        return "–"
    low, high = row["ci_low"], row["ci_high"]
    if pd.isna(low) or math.isclose(low, high):
        return _signed(row["difference"])
    return f"{_signed(row['difference'])} [{_signed(low)}, {_signed(high)}]"


def difference_text(table: pd.DataFrame, whatif: Scenario, parent: Scenario) -> str:
    """What the what-if changes: per key total, the parent's and the what-if's means in
    the last reported year, the paired difference then and over the reported years, with
    95 % intervals."""
    first, last = whatif.time.start, whatif.time.end - 1
    rows = {(r.metric, r.year): r for _, r in table.iterrows()}
    header = [
        "metric",
        f"base {last}",
        f"what-if {last}",
        f"change {last}",
        f"change, mean {first}–{last}",
    ]
    body = []
    present = set(table.metric)
    for metric in [m for m in KEY_METRICS if m in present]:
        final, whole = rows.get((metric, str(last))), rows.get((metric, HORIZON))
        body.append(
            [
                label(str(metric), with_unit=True),
                number(final["base_mean"], "en") if final is not None else "–",
                number(final["alternative_mean"], "en") if final is not None else "–",
                _change(final),
                _change(whole),
            ]
        )
    n = int(table["n"].max()) if len(table) else 0
    lines = [
        f"\nWhat {scenario_label(whatif, 'en')} changes against "
        f"{scenario_label(parent, 'en')} (base: {parent.name}, the scenario it extends)",
        f"(means; changes with their 95 % CI, paired by replication: the same seed "
        f"{whatif.seed} and {n} replications each; --no-baseline: no base run)",
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(lines)
