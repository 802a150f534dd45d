"""The Python API: every command of the command line, as a function.

Each takes its subject by position (a scenario file or :class:`Scenario`, the files, the
calibration spec, the results) and every option by keyword (``replications``, ``jobs``,
``on_progress`` ...), and returns a result a Python user can work with. Every result has
``.table`` (a DataFrame), ``.summary()`` (the text its command prints) and
``.write(out, force=False)`` (its command's result folder). Given ``out``, a function
also writes that folder (checked before anything runs; an existing one is replaced only
with ``force`` and only if it is a result folder: :mod:`sim.analysis.replace`).
``on_progress`` is called after each replication (with its number), each sizing
candidate (with its :class:`Evaluation`) or each calibration trial (with the trial and
the best so far). Old spellings (options by position, ``on_replication_done``,
``on_step``, ``on_trial``, ``seed`` of a calibration's search, ``lang="no"``) work for
one more release with a :class:`DeprecationWarning` (:mod:`sim.deprecation`).

>>> import sim
>>> scenario = sim.load_scenario("scenarios/lorenskog.yaml")    # doctest: +SKIP
>>> results = sim.run(scenario, replications=4, jobs=2)        # doctest: +SKIP
>>> sim.summarise(results).query("metric == 'waiting'")         # doctest: +SKIP
>>> flexbo = ["scenarios/flexbo.yaml"]                           # doctest: +SKIP
>>> print(sim.compare(scenario, alternatives=flexbo, replications=4).summary())  # doctest: +SKIP
"""

from __future__ import annotations

from sim.analysis.compare import Comparison
from sim.analysis.results import Results
from sim.analysis.sensitivity import Sensitivity, SensitivityPlan
from sim.analysis.sizing import Evaluation, SizingResult
from sim.analysis.sweep import Sweep
from sim.analysis.tradeoff import Tradeoff
from sim.analysis.validation import Validation
from sim.api.folders import (
    write_calibration,
    write_comparison,
    write_report,
    write_results,
    write_sensitivity,
    write_sizing,
    write_sweep,
    write_tradeoff,
)
from sim.api.runs import compare, load_scenario, run, summarise, sweep, tradeoff, validate
from sim.api.searches import calibrate, plan_sensitivity, run_sensitivity, sensitivity, size
from sim.config.schema import Scenario

__all__ = [
    "Comparison",
    "Evaluation",
    "Results",
    "Scenario",
    "Sensitivity",
    "SensitivityPlan",
    "SizingResult",
    "Sweep",
    "Tradeoff",
    "Validation",
    "calibrate",
    "compare",
    "load_scenario",
    "plan_sensitivity",
    "run",
    "run_sensitivity",
    "sensitivity",
    "size",
    "summarise",
    "sweep",
    "tradeoff",
    "validate",
    "write_calibration",
    "write_comparison",
    "write_report",
    "write_results",
    "write_sensitivity",
    "write_sizing",
    "write_sweep",
    "write_tradeoff",
]
