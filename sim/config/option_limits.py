"""Limits of command options and calibration specs (``scenarios/README.md``, "Limits").

Every number a command takes is checked before any work: finite, a whole number where a
count is meant, and inside a documented range. The limits lie far beyond real use; they
keep a slip of the keyboard (``--budget 1e14``, a grid of a million points) a clear
message instead of a crash, a full memory or a run of days.

>>> check_number("--confidence", 0.8, 0, 1, low_open=True)
0.8
>>> check_number("--confidence", float("nan"), 0, 1, low_open=True)
Traceback (most recent call last):
...
sim.config.errors.InputError: --confidence: nan: must be a number above 0 and at most 1
"""

from __future__ import annotations

import math
from typing import Any

from sim.config.errors import InputError, Problem, brief

MAX_JOBS = 256
"""Most worker processes (``--jobs``)."""
MAX_POINTS = 5_000
"""Most points of a sweep or trade-off grid, or sample points of a sensitivity analysis."""
MAX_POINT_REPLICATIONS = 25_000
"""Most replications in all (points × replications) of a sweep, trade-off or sensitivity
analysis: every point's results are held in memory until the table is made."""
MAX_BUDGET = 10_000
"""Most evaluations of a calibration (``budget``, ``--budget``, ``optimiser.initial``)."""
MAX_CALIBRATION_REPLICATIONS = 1_000
"""Most replications of one calibration evaluation (``replications``)."""
MAX_CALIBRATION_RUNS = 100_000
"""Most replications a calibration runs in all: (budget + profile evaluations) ×
replications, as many as the largest ``sim run``; the fit check's ``fit_replications``
has the limit of a scenario's replications."""
MAX_ABC_RUNS = 2_000_000
"""Replications a Bayesian fit (``--method abc``) may run at most."""
MAX_PARAMETERS = 100
"""Most fitted parameters of a calibration."""
MAX_TARGET_WEIGHT = 1e6
"""Largest weight of a calibration target."""


def check_number(
    option: str,
    value: Any,
    low: float,
    high: float,
    *,
    whole: bool = False,
    low_open: bool = False,
    file: str | None = None,
) -> Any:
    """``value`` if it is a finite number in [``low``, ``high``] (above ``low`` with
    ``low_open``; a whole number with ``whole``), else an input error naming ``option``
    (under ``file`` if given: ``file: option: message``), the rule and the range."""
    kind = "a whole number" if whole else "a number"
    if low_open:
        rule = f"must be {kind} above {_shown(low)} and at most {_shown(high)}"
    else:
        rule = f"must be {kind} from {_shown(low)} to {_shown(high)}"
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and isinstance(value, float):
        number = math.isfinite(value) and (value.is_integer() or not whole)
    # an int is compared exactly, however large
    if not (number and (low < value if low_open else low <= value) and value <= high):
        shown = brief(value, 40)
        where = Problem(file, option, f"{shown}: {rule}") if file else None
        raise InputError([where or Problem(option, shown, rule)])
    return value


def _shown(limit: float) -> str:
    """A limit as the messages write it: 2020, 10,000, 0.5."""
    if float(limit).is_integer():
        return f"{int(limit):,}" if abs(limit) >= 10_000 else str(int(limit))
    return f"{limit:g}"


def check_points(
    points: int, replications: int, option: str, how: str, noun: str = "points"
) -> None:
    """An input error unless ``points`` (counted as ``how`` says, set by ``option``) and
    ``points`` × ``replications`` are within :data:`MAX_POINTS` and
    :data:`MAX_POINT_REPLICATIONS`: checked before any point is made or run."""
    if points > MAX_POINTS:
        raise InputError(
            [
                Problem(
                    option,
                    f"{points:,} {noun}",
                    f"at most {MAX_POINTS:,} {noun} are allowed ({how})",
                )
            ]
        )
    if points * replications > MAX_POINT_REPLICATIONS:
        raise InputError(
            [
                Problem(
                    "--replications",
                    f"{points:,} {noun} × {replications:,}",
                    f"are {points * replications:,} replications; at most "
                    f"{MAX_POINT_REPLICATIONS:,} in all are allowed: lower --replications "
                    f"or the number of {noun}",
                )
            ]
        )
