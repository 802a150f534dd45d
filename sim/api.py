"""The Python API: everything the command line does, as functions.

>>> import sim
>>> scenario = sim.load_scenario("scenarios/lorenskog.yaml")    # doctest: +SKIP
>>> results = sim.run(scenario, replications=4, jobs=2)        # doctest: +SKIP
>>> sim.summarise(results).query("metric == 'waiting'")         # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from sim.analysis.output import write_results
from sim.analysis.tables import summarise as summarise_yearly
from sim.config.loader import load_scenario, option_overrides
from sim.config.schema import Scenario
from sim.runner.replications import Results, run_scenario


def run(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    years: int | None = None,
    jobs: int = 1,
    households: bool = False,
    overrides: Iterable[str] = (),
    on_replication_done: Callable[[int], None] | None = None,
) -> Results:
    """Run a scenario (an object or a file path) and return its results.

    ``seed`` and ``years`` replace the scenario's own; ``overrides`` are ``KEY=VALUE``
    strings as for ``--set`` (only with a file path).
    """
    overrides = option_overrides(overrides, seed, years, replications)
    if isinstance(scenario, str | Path):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        scenario = _override(scenario, overrides)
    return run_scenario(scenario, None, jobs, households, on_replication_done)


def _override(scenario: Scenario, overrides: list[str]) -> Scenario:
    from sim.config.loader import apply_overrides, plain_data, validate_data

    data = apply_overrides(plain_data(scenario), overrides, {})
    return validate_data(data, f"<{scenario.name}>")


def summarise(results: Results | pd.DataFrame) -> pd.DataFrame:
    """Summary over replications (mean, sd, 95 % t-interval, p10/p50/p90, n)."""
    yearly = results.yearly if isinstance(results, Results) else results
    return summarise_yearly(yearly)


__all__ = ["Results", "Scenario", "load_scenario", "run", "summarise", "write_results"]
