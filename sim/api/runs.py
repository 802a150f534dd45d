"""``sim run``, ``validate``, ``compare``, ``sweep`` and ``tradeoff`` as functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import output
from sim.analysis.compare import Comparison
from sim.analysis.compare import compare as compare_scenarios
from sim.analysis.results import Results
from sim.analysis.sweep import Sweep
from sim.analysis.sweep import sweep as sweep_grid
from sim.analysis.tables import per_draw
from sim.analysis.tables import summarise as summarise_yearly
from sim.analysis.tradeoff import Tradeoff
from sim.analysis.tradeoff import tradeoff as tradeoff_grid
from sim.analysis.validation import Validation
from sim.api.folders import check as _check
from sim.api.folders import written as _written
from sim.config.errors import InputError
from sim.config.loader import ScenarioSource, option_overrides, scenario_from
from sim.config.loader import load_scenario as load_file
from sim.config.schema import Scenario
from sim.deprecation import keyword_first
from sim.runner.pool import Jobs
from sim.runner.replications import Block, Replications, run_scenario

Progress = Callable[[int], None]
"""``on_progress`` of a run: called with each finished replication's number."""
PROGRESS = {"on_replication_done": "on_progress"}


@keyword_first(positional=("overrides",))
def load_scenario(source: str | Path, *, overrides: Iterable[str] = ()) -> Scenario:
    """Load, merge (``extends``) and validate a scenario file, with ``overrides``
    (``KEY=VALUE`` strings as for ``--set``) applied."""
    return load_file(source, overrides)


RUN_OPTIONS = ("replications", "seed", "years", "jobs", "households", "overrides")


@keyword_first(positional=(*RUN_OPTIONS, "on_progress"), renamed=PROGRESS)
def run(
    scenario: ScenarioSource,
    *,
    replications: int | None = None,
    seed: int | None = None,
    years: int | None = None,
    jobs: Jobs = 1,
    households: bool = False,
    overrides: Iterable[str] = (),
    on_progress: Progress | None = None,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
    sink: Callable[[Block], None] | None = None,
    stream: bool = False,
    keep_yearly: bool = True,
    yearly_csv: bool | None = None,
) -> Results:
    """Run a scenario (an object or a file path) and return its results (``sim run``).

    ``seed``, ``years`` and ``replications`` replace the scenario's own; ``overrides``
    are ``KEY=VALUE`` strings as for ``--set``. ``households`` keeps one record per
    household (``results.households``). ``jobs`` worker processes (0: every core) give
    the same results as one. With ``out`` the result folder is written there too;
    ``yearly_csv`` writes its yearly.csv always (``True``), never (``False``) or if a
    spreadsheet opens it (``None``). With ``stream`` each replication's rows go to the
    folder as they arrive and are not kept (``results.yearly`` stays empty,
    ``results.table`` has the summary: memory does not grow with the replications);
    ``keep_yearly=False`` then keeps only the summary. With ``sink`` (and no ``out``)
    each replication's rows go to it instead (see
    :class:`sim.analysis.stream.YearlyStream`).
    """
    loaded, file = scenario_from(scenario, option_overrides(overrides, seed, years, replications))
    _check(out, force, scenario)
    if out is None or not stream:
        results = Results.of(run_scenario(loaded, None, jobs, households, on_progress, sink=sink))
        results.scenario_file = file
        if out is not None and sink is None:
            results.write(out, force, command=command, yearly_csv=yearly_csv)
        return results
    from sim.analysis.stream import YearlyStream  # (pyarrow's parquet: only when streaming)

    csv_limit = {None: output.CSV_MAX_ROWS, True: None, False: 0}[yearly_csv]
    draws = per_draw(loaded)
    with YearlyStream(Path(out), loaded.replications, csv_limit, keep_yearly, draws) as rows:
        results = Results.of(
            run_scenario(loaded, None, jobs, households, on_progress, sink=rows.add)
        )
        rows.close()
        results.scenario_file = file
        results.write(out, force, command=command, stream=rows)
        results.table = rows.summary()
    return results


def summarise(results: Replications | pd.DataFrame) -> pd.DataFrame:
    """Summary over replications (mean, sd, 95 % t-interval, p10/p50/p90, n)."""
    if isinstance(results, Results):
        return results.table
    if isinstance(results, Replications):
        return summarise_yearly(results.yearly, draws=per_draw(results.scenario))
    return summarise_yearly(results)


@keyword_first(positional=("overrides",))
def validate(files: Iterable[str | Path], *, overrides: Iterable[str] = ()) -> Validation:
    """Load and check every file (``sim validate``), collecting every problem."""
    overrides = list(overrides)
    validation = Validation()
    for file in files:
        try:
            validation.scenarios.append((Path(file), load_file(file, overrides)))
        except InputError as error:
            validation.problems.extend(error.problems)
    return validation


@keyword_first(
    positional=("alternatives", "replications", "jobs", "metrics", "on_progress"),
    renamed=PROGRESS,
)
def compare(
    base: ScenarioSource,
    *,
    alternatives: Sequence[ScenarioSource],
    replications: int | None = None,
    jobs: Jobs = 1,
    metrics: Sequence[str] | None = None,
    overrides: Iterable[str] = (),
    on_progress: Progress | None = None,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Comparison:
    """Compare alternatives with a base, paired by replication (``sim compare``).

    Every scenario runs with the base's seed and replications (common random numbers);
    ``overrides`` (``KEY=VALUE`` as for ``--set``) apply to every one, e.g.
    ``calibration.posterior=FILE``. ``.table`` has the paired differences with 95 %
    intervals, ``.summary()`` the text.
    """
    _check(out, force, base, *alternatives)
    result = compare_scenarios(
        base, alternatives, replications, jobs, metrics, on_progress, list(overrides)
    )
    return _written(result, out, force, command)


@keyword_first(
    positional=("vary", "replications", "jobs", "metrics", "overrides", "on_progress"),
    renamed=PROGRESS,
)
def sweep(
    scenario: ScenarioSource,
    *,
    vary: Mapping[str, Sequence[Any]] | Iterable[str],
    replications: int | None = None,
    jobs: Jobs = 1,
    metrics: Sequence[str] | None = None,
    overrides: Iterable[str] = (),
    on_progress: Progress | None = None,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Sweep:
    """Run a grid of variants with the same random numbers (``sim sweep``).

    ``vary`` is ``{key: [values]}`` or ``--vary`` texts (``"policy.renewal=strict,always"``);
    the full grid runs. ``.table`` has every metric per point and year, ``.horizon()``
    the means over the reported years.
    """
    _check(out, force, scenario)
    result = sweep_grid(scenario, vary, replications, jobs, metrics, overrides, on_progress)
    return _written(result, out, force, command)


@keyword_first(
    positional=("vary", "replications", "jobs", "overrides", "on_progress"), renamed=PROGRESS
)
def tradeoff(
    scenario: ScenarioSource,
    *,
    vary: Mapping[str, Sequence[Any]] | Iterable[str],
    replications: int | None = None,
    jobs: Jobs = 1,
    overrides: Iterable[str] = (),
    on_progress: Progress | None = None,
    out: str | Path | None = None,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Tradeoff:
    """Throughput against stability over a grid of policies (``sim tradeoff``).

    ``.table`` has, per policy, the measures with their 95 % intervals; ``.overview()``
    the means.
    """
    _check(out, force, scenario)
    result = tradeoff_grid(scenario, vary, replications, jobs, overrides, on_progress)
    return _written(result, out, force, command)
