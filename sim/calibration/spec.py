"""Calibration specs: load and validate (errors name file, key, rule).

A spec (YAML) names a base scenario, a targets file, the parameters to fit (dotted
scenario keys with bounds, a guess and an optional log scale), the replications per
evaluation, the evaluation budget, the seed and optional hold-out years. The targets
file it names is read by :mod:`sim.calibration.targets`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    model_validator,
)

from sim.calibration.priors import BoundedPrior, Prior
from sim.calibration.targets import CalibrationInputError, load_targets
from sim.config.errors import Problem, single
from sim.config.loader import _display, apply_overrides, merge_scenario, read_yaml, validate_data
from sim.config.option_limits import (
    MAX_ABC_RUNS,
    MAX_BUDGET,
    MAX_CALIBRATION_REPLICATIONS,
    MAX_CALIBRATION_RUNS,
    MAX_PARAMETERS,
    check_number,
)
from sim.config.parameters import (  # noqa: F401  (also imported from here)
    WHOLE_NUMBER_KEYS,
    apply_parameters,
    key_part,
)
from sim.config.schema import Scenario
from sim.config.types import MAX_REPLICATIONS, MAX_SEED, Year, integral
from sim.config.yaml_io import FileProblem

# whole numbers (5.0 is read as 5; true and "5" are not numbers) within their limits
Budget = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=1, le=MAX_BUDGET)]
Replications = Annotated[
    int, BeforeValidator(integral), Strict(), Field(ge=1, le=MAX_CALIBRATION_REPLICATIONS)
]
FitReplications = Annotated[
    int, BeforeValidator(integral), Strict(), Field(ge=1, le=MAX_REPLICATIONS)
]
Seed = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=0, le=MAX_SEED)]
PROFILE_OFFSETS = (-0.2, -0.08, 0.08, 0.2)
"""Offsets on the unit scale of each parameter at which its profile is evaluated."""


class Parameter(BaseModel):
    """One fitted parameter: bounds, starting guess, optional log scale."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    low: float
    high: float
    guess: float
    log: bool = False
    prior: Prior | None = None  # --method abc; default uniform (log-uniform with log)

    @model_validator(mode="after")
    def _bounds(self) -> Parameter:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        if not self.low <= self.guess <= self.high:
            raise ValueError(f"guess {self.guess:g} must lie in [{self.low:g}, {self.high:g}]")
        if self.log and self.low <= 0:
            raise ValueError("a log-scale parameter needs low > 0")
        self.bounded_prior()  # a prior with no weight on the bounds is an error here
        return self

    def prior_or_default(self) -> Prior:
        if self.prior is not None:
            return self.prior
        return Prior(kind="log-uniform" if self.log else "uniform")

    def bounded_prior(self) -> BoundedPrior:
        """The prior cut to the bounds (see :mod:`sim.calibration.priors`)."""
        return BoundedPrior(self.prior_or_default(), self.low, self.high)

    def to_unit(self, value: float) -> float:
        """Map a value in [low, high] to [0, 1] (on the log scale if ``log``)."""
        if self.log:
            return (math.log(value) - math.log(self.low)) / (
                math.log(self.high) - math.log(self.low)
            )
        return (value - self.low) / (self.high - self.low)

    def from_unit(self, unit: float) -> float:
        unit = min(max(unit, 0.0), 1.0)
        if self.log:
            return math.exp(math.log(self.low) + unit * (math.log(self.high) - math.log(self.low)))
        return self.low + unit * (self.high - self.low)


class Optimiser(BaseModel):
    """Sobol design over the box, then Nelder–Mead from its best point."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = Field(default="sobol+nelder-mead", pattern="^sobol\\+nelder-mead$")
    initial: Budget | None = None  # design size; default: a third of the budget


PositiveCount = Annotated[int, BeforeValidator(integral), Strict(), Field(ge=1)]


class Discrepancy(BaseModel):
    """The model-discrepancy term of a Bayesian fit: how far a reported figure may lie from
    what the model can reach, besides chance (a standard deviation per target)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    share: float = Field(default=0.1, ge=0, le=10)  # of the observed value or the range's middle
    minimum: float = Field(default=1.0, ge=0)  # for counts (households, persons, units)
    targets: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)  # by target id


class Abc(BaseModel):
    """Settings of ``--method abc`` (sequential Monte Carlo with pyabc)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    population: Annotated[int, BeforeValidator(integral), Strict(), Field(ge=10, le=10_000)] = 200
    generations: Annotated[int, BeforeValidator(integral), Strict(), Field(ge=1, le=100)] = 8
    replications: Annotated[
        int, BeforeValidator(integral), Strict(), Field(ge=2, le=MAX_CALIBRATION_REPLICATIONS)
    ] = 4
    min_acceptance_rate: float = Field(default=0.002, ge=0, lt=1)
    max_simulations: PositiveCount = 50_000  # particles evaluated, at most
    predictive_draws: Annotated[
        int, BeforeValidator(integral), Strict(), Field(ge=10, le=10_000)
    ] = 200
    discrepancy: Discrepancy = Field(default_factory=Discrepancy)


class Spec(BaseModel):
    """A calibration spec (paths resolved relative to the spec file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    scenario: str
    targets: str
    parameters: dict[str, Parameter] = Field(min_length=1, max_length=MAX_PARAMETERS)
    replications: Replications = 8
    budget: Budget = 100
    seed: Seed = 1
    holdout_years: tuple[Year, ...] = ()
    fit_replications: FitReplications = 30
    profile: bool = True  # evaluate a profile of each parameter around the best
    method: Literal["optimise", "abc"] = "optimise"
    abc: Abc = Field(default_factory=Abc)

    def evaluations(self) -> int:
        """Evaluations at most: the budget and the profile's."""
        return self.budget + (len(PROFILE_OFFSETS) * len(self.parameters) if self.profile else 0)

    optimiser: Optimiser = Field(default_factory=Optimiser)


class Calibration(BaseModel):
    """A loaded spec with its base scenario data and validated targets."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    spec: Spec
    file: str
    scenario_file: Path
    base_data: dict[str, Any]
    base: Scenario
    targets: pd.DataFrame


def load_calibration(
    path: str | Path,
    budget: int | None = None,
    seed: int | None = None,
    holdout_years: tuple[int, ...] | None = None,
    overrides: Iterable[str] = (),
    method: str | None = None,
) -> Calibration:
    """Load and validate a spec, its base scenario and its targets.

    ``budget``, ``seed`` and ``holdout_years`` replace the spec's own when given;
    ``overrides`` are ``KEY=VALUE`` settings of spec keys (e.g. ``replications=2``).
    """
    path = Path(path)
    shown = _display(path)
    if budget is not None:
        check_number("--budget", budget, 1, MAX_BUDGET, whole=True)
    if seed is not None:
        check_number("--seed", seed, 0, MAX_SEED, whole=True)
    for year in holdout_years or ():
        check_number("--holdout", year, 1800, 2500, whole=True)
    data = apply_overrides(read_yaml(path), overrides, {})
    if budget is not None:
        data["budget"] = budget
    if seed is not None:
        data["seed"] = seed
    if holdout_years is not None:
        data["holdout_years"] = list(holdout_years)
    if method is not None:
        data["method"] = method
    try:
        spec = Spec.model_validate(data)
    except ValidationError as error:
        raise CalibrationInputError(
            [_spec_problem(item, shown) for item in error.errors()]
        ) from None
    runs = spec.evaluations() * spec.replications
    if spec.method == "abc":
        runs = spec.abc.max_simulations * spec.abc.replications
        if runs > MAX_ABC_RUNS:
            raise single(
                shown,
                "abc.max_simulations",
                f"{spec.abc.max_simulations:,} particles of {spec.abc.replications:,} "
                f"replications are {runs:,} replications; at most {MAX_ABC_RUNS:,} are "
                "allowed: lower abc.max_simulations or abc.replications",
                CalibrationInputError,
            )
    elif runs > MAX_CALIBRATION_RUNS:
        raise single(
            shown,
            "budget",
            f"{spec.evaluations():,} evaluations (budget {spec.budget:,}"
            f"{' and the profile' if spec.profile else ''}) of {spec.replications:,} "
            f"replications are {runs:,} replications; at most {MAX_CALIBRATION_RUNS:,} "
            "are allowed: lower budget or replications",
            CalibrationInputError,
        )
    scenario_file = path.parent / spec.scenario
    try:
        base_data, origins = merge_scenario(scenario_file)
    except FileProblem as error:
        if error.problems[0].file != _display(scenario_file):
            raise
        raise single(
            shown,
            "scenario",
            f"file {spec.scenario!r}: {error.problems[0].message}",
            CalibrationInputError,
        ) from None
    base_data.setdefault("name", scenario_file.stem)
    base = validate_data(base_data, str(scenario_file), origins, scenario_file.parent)
    problems = []
    for key, parameter in spec.parameters.items():
        problems += _check_parameter(key, parameter, base_data, shown)
    if problems:
        raise CalibrationInputError(problems)
    targets_file = path.parent / spec.targets
    targets = load_targets(targets_file, base)
    for year in spec.holdout_years:
        if year not in set(targets.year):
            raise single(
                shown,
                "holdout_years",
                f"no target in year {year}; years with targets: {sorted(set(targets.year))}",
                CalibrationInputError,
            )
    return Calibration(
        spec=spec,
        file=shown,
        scenario_file=scenario_file,
        base_data=base_data,
        base=base,
        targets=targets,
    )


def _spec_problem(item: Any, file: str) -> Problem:
    loc = [str(part) for part in item.get("loc", ())]
    key = ".".join(loc)
    if item.get("type") == "extra_forbidden":
        valid = list(_model_at(loc[:-1]).model_fields)
        guess = difflib.get_close_matches(loc[-1], valid, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else "."
        return Problem(
            file, key, f"unknown key {loc[-1]!r}{hint} Valid keys here: {', '.join(valid)}"
        )
    if item.get("type") == "missing":
        return Problem(file, key, "is required but missing")
    return Problem(file, key, str(item.get("msg", "is invalid")).removeprefix("Value error, "))


def _model_at(loc: list[str]) -> type[BaseModel]:
    """The spec model that holds the key at ``loc`` (for the valid keys of an error)."""
    if not loc:
        return Spec
    if loc[0] == "parameters":
        return Prior if len(loc) >= 3 and loc[2] == "prior" else Parameter
    if loc[0] == "abc":
        return Discrepancy if len(loc) >= 2 and loc[1] == "discrepancy" else Abc
    return Optimiser


def _check_parameter(
    key: str, parameter: Parameter, data: dict[str, Any], file: str
) -> list[Problem]:
    where = f"parameters.{key}"
    current: Any = data
    for name in key.split("."):
        part = key_part(current, name)
        if not isinstance(current, dict) or part not in current:
            return [
                Problem(
                    file,
                    where,
                    f"{key!r} is not a key of the base scenario; give "
                    "the dotted path of a number it sets, e.g. "
                    "groups.<id>.applications_per_year",
                )
            ]
        current = current[part]
    if isinstance(current, bool) or not isinstance(current, int | float):
        return [
            Problem(
                file,
                where,
                f"{key!r} is {current!r} in the base scenario; only a single number can be fitted",
            )
        ]
    if not math.isclose(float(current), parameter.guess, rel_tol=1e-9, abs_tol=1e-12):
        return [
            Problem(
                file,
                f"{where}.guess",
                f"guess {parameter.guess:g} differs from the "
                f"base scenario's value {current:g}; make them equal",
            )
        ]
    return []


def scenario_with(
    calibration: Calibration, values: dict[str, float], written: bool = True
) -> Scenario:
    """The base scenario with ``values`` set, over its whole horizon (``written`` false:
    one only simulated, see :func:`~sim.config.loader.validate_data`)."""
    data = apply_parameters(calibration.base_data, values)
    folder = calibration.scenario_file.parent
    return validate_data(
        data, str(calibration.scenario_file), base_dir=folder, room=False, written=written
    )


def fit_scenario(calibration: Calibration, values: dict[str, float]) -> Scenario:
    """The scenario a fit simulates: :func:`scenario_with`, ending with the last year that
    has a target (fitted or held out). A replication's years do not depend on the years
    after them (every household's draws are its own), so the targets' values are the
    same as over the whole horizon, at less cost: Lørenskog's spec reads 2008 only, and
    the years 2009-2020 were a third of every replication."""
    scenario = scenario_with(calibration, values, written=False)
    last = int(calibration.targets.year.max())
    years = min(scenario.time.years, last - scenario.time.start + 1)
    if years == scenario.time.years:
        return scenario
    return scenario.model_copy(update={"time": scenario.time.model_copy(update={"years": years})})
