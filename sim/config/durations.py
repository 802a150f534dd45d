"""Duration distributions of a scenario (``{distribution: ..., ...}`` in YAML).

A duration is its mean in years times a standardised duration with mean 1, which the
model draws from one uniform of the household (``sim.model.durations.sampler``). The forms:

- ``{distribution: exponential, mean: 3}`` (what a plain number means)
- ``{distribution: lognormal, mean: 3, cv: 0.8}``, ``{distribution: gamma, mean: 3, cv: 0.5}``
- ``{distribution: triangular, min: 0.5, mode: 1, max: 4}`` (mean (min + mode + max) / 3)
- ``{distribution: fixed, mean: 2}``
- ``{distribution: empirical, file: durations.csv, column: years}``: observed durations in
  years, one a row under a header. The file is read when the scenario is validated,
  relative to the scenario file's folder (the ``base_dir`` of the validation context,
  else the current folder), and its sorted values are kept, so a resolved scenario
  stands alone: it is written ``{distribution: empirical, values: [...]}``, which is
  accepted as input too.
"""

from __future__ import annotations

import csv
import math
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import ConfigDict, Field, Strict, ValidationInfo, field_validator, model_validator

from sim.config.errors import brief, brief_text
from sim.config.types import (
    MAX_CV,
    MAX_DURATION,
    MAX_LABEL,
    MIN_CV,
    MIN_DURATION,
    MIN_SPREAD,
    Frozen,
)
from sim.config.yaml_io import FileProblem, read_text

MIN_OBSERVATIONS = 2
MAX_OBSERVATIONS = 50_000
"""Most observed durations in an empirical distribution (rows of its file): a resolved
scenario keeps them, and must fit in a scenario file (``sim.config.loader``)."""
MAX_FILE_BYTES = 10_000_000
"""Largest file of observed durations (10 MB)."""

Number = Annotated[float, Strict()]


class Distribution(StrEnum):
    exponential = "exponential"
    lognormal = "lognormal"
    gamma = "gamma"
    triangular = "triangular"
    fixed = "fixed"
    empirical = "empirical"


KEYS: dict[Distribution, tuple[str, ...]] = {
    Distribution.exponential: ("mean",),
    Distribution.lognormal: ("mean", "cv"),
    Distribution.gamma: ("mean", "cv"),
    Distribution.triangular: ("min", "mode", "max"),
    Distribution.fixed: ("mean",),
    Distribution.empirical: ("values",),
}
"""The keys each distribution needs besides ``distribution`` (empirical: or file + column)."""


class DurationSpec(Frozen):
    """A duration distribution: its kind, and its mean in years with the kind's shape."""

    model_config = ConfigDict(populate_by_name=True)  # min and max: attributes low and high

    distribution: Distribution
    mean_years: Number | None = Field(default=None, alias="mean")
    cv: Number | None = None
    low: Number | None = Field(default=None, alias="min")
    mode: Number | None = None
    high: Number | None = Field(default=None, alias="max")
    values: tuple[Number, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _read_file(cls, data: Any, info: ValidationInfo) -> Any:
        """``file`` and ``column`` of an empirical distribution become its ``values``."""
        if not isinstance(data, dict) or ("file" not in data and "column" not in data):
            return data
        if data.get("distribution") != Distribution.empirical:
            raise ValueError("file and column belong to distribution: empirical only")
        if "values" in data:
            raise ValueError("give either file and column or values, not both")
        file, column = data.get("file"), data.get("column")
        if not isinstance(file, str) or not file.strip() or "\0" in file:
            raise ValueError(f"file must be the path of a CSV file, got {brief(file)}")
        if not isinstance(column, str) or not column.strip() or len(column) > MAX_LABEL:
            raise ValueError(
                f"column must name the column of {file} that holds the durations, "
                f"got {brief(column)}"
            )
        context = info.context if isinstance(info.context, dict) else {}
        if not context.get("read_files", True):
            raise ValueError(
                "file is not allowed here: text from a browser names no file on the server; "
                "give the durations as values: [...]"
            )
        base = Path(context.get("base_dir") or ".")
        rest = {key: value for key, value in data.items() if key not in ("file", "column")}
        return {**rest, "values": read_durations(file, column.strip(), base)}

    @field_validator("mean_years")
    @classmethod
    def _mean(cls, value: float | None) -> float | None:
        if value is not None and not MIN_DURATION <= value <= MAX_DURATION:
            raise ValueError(
                f"mean must be ≥ {MIN_DURATION:g} and ≤ {MAX_DURATION:,g} years, got {value:g}"
            )
        return value

    @field_validator("cv")
    @classmethod
    def _cv(cls, value: float | None) -> float | None:
        if value is not None and not MIN_CV <= value <= MAX_CV:
            hint = " (a duration with less spread is distribution: fixed)"
            raise ValueError(
                f"cv must be ≥ {MIN_CV:g} and ≤ {MAX_CV:g}, got {value:g}"
                + (hint if 0.0 < value < MIN_CV else "")
            )
        return value

    @field_validator("low", "mode", "high")
    @classmethod
    def _point(cls, value: float | None) -> float | None:
        if value is not None and not 0.0 <= value <= MAX_DURATION:
            raise ValueError(f"must be ≥ 0 and ≤ {MAX_DURATION:,g} years, got {value:g}")
        return value

    @field_validator("values")
    @classmethod
    def _values(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is None:
            return None
        if not MIN_OBSERVATIONS <= len(value) <= MAX_OBSERVATIONS:
            raise ValueError(
                f"needs {MIN_OBSERVATIONS} to {MAX_OBSERVATIONS:,} observed durations, "
                f"got {len(value):,}"
            )
        for index, item in enumerate(value):
            if not 0.0 < item <= MAX_DURATION:
                raise ValueError(
                    f"value {index + 1} ({item:g}) is not a duration > 0 and ≤ "
                    f"{MAX_DURATION:,g} years"
                )
        return tuple(sorted(value))

    @model_validator(mode="after")
    def _keys_of_the_kind(self) -> DurationSpec:
        given = {
            "mean": self.mean_years,
            "cv": self.cv,
            "min": self.low,
            "mode": self.mode,
            "max": self.high,
            "values": self.values,
        }
        needed = KEYS[self.distribution]
        extra = [key for key, value in given.items() if value is not None and key not in needed]
        missing = [key for key in needed if given[key] is None]
        allowed = " and ".join([", ".join(needed[:-1]), needed[-1]] if needed[:-1] else needed)
        if self.distribution is Distribution.empirical:
            allowed = "file and column, or values"
        if extra:
            raise ValueError(
                f"{' and '.join(extra)} {'do' if len(extra) > 1 else 'does'} not apply to "
                f"distribution {self.distribution.value}; it takes {allowed}"
            )
        if missing:
            raise ValueError(f"distribution {self.distribution.value} needs {allowed}")
        if self.distribution is Distribution.triangular:
            assert self.low is not None and self.mode is not None and self.high is not None
            if not self.low <= self.mode <= self.high:
                raise ValueError(
                    f"triangular needs min ≤ mode ≤ max, got min {self.low:g}, "
                    f"mode {self.mode:g}, max {self.high:g}"
                )
            if not (self.high > self.low and self.high - self.low >= MIN_SPREAD * self.mean):
                raise ValueError(
                    f"triangular needs max > min by at least {MIN_SPREAD:g} × its mean (min + "
                    f"mode + max) / 3 = {self.mean:g}, got max - min = {self.high - self.low:g} "
                    "(a duration with less spread is distribution: fixed)"
                )
        if self.mean < MIN_DURATION:
            raise ValueError(f"the mean duration must be ≥ {MIN_DURATION:g} years")
        return self

    @property
    def mean(self) -> float:
        """Mean duration in years: given, or implied by min, mode and max or the values."""
        if self.low is not None and self.mode is not None and self.high is not None:
            return (self.low + self.mode + self.high) / 3.0
        if self.values is not None:
            return math.fsum(self.values) / len(self.values)
        assert self.mean_years is not None
        return self.mean_years


def read_durations(file: str, column: str, base_dir: Path) -> tuple[float, ...]:
    """The observed durations (years) in ``column`` of the CSV ``file``, sorted.

    The first row names the columns; the delimiter is ``;`` or a tab if the header holds
    one, else ``,``; with ``;`` or a tab a decimal comma is read too (``2,5``). Blank lines
    are skipped; every other row needs a number > 0 and ≤ MAX_DURATION in the column.
    """
    path = Path(file) if Path(file).is_absolute() else base_dir / file
    try:
        text = read_text(path, file, MAX_FILE_BYTES)
    except FileProblem as error:  # the file's name and the rule, never its content
        shown, message = brief_text(file, 120), error.problems[0].message
        if message == "file not found":
            message = f"not found (looked for {brief_text(os.path.abspath(path), 300)})"
        raise ValueError(f"file {shown} {message}") from None
    shown = brief_text(file, 120)
    try:
        return _read_column(text, shown, column)
    except csv.Error as error:
        raise ValueError(f"file {shown} is not a readable CSV file: {error}") from None


def _read_column(text: str, file: str, column: str) -> tuple[float, ...]:
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header_line else "\t" if "\t" in header_line else ","
    rows = csv.reader(text.splitlines(), delimiter=delimiter)
    header = [name.strip() for name in next(rows, [])]
    if column not in header:
        raise ValueError(
            f"file {file} has no column {column!r}: its first line (the header) must name it"
        )
    where = header.index(column)
    values: list[float] = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(values) == MAX_OBSERVATIONS:
            raise ValueError(
                f"file {file} has more than {MAX_OBSERVATIONS:,} rows; at most "
                f"{MAX_OBSERVATIONS:,} are allowed"
            )
        cell = row[where].strip() if where < len(row) else ""
        value = _number(cell.replace(",", ".") if delimiter != "," else cell)
        if value is None or not 0.0 < value <= MAX_DURATION:
            raise ValueError(
                f"file {file}: row {len(values) + 1} of column {column!r} (line {line}) is "
                f"not a positive number of years ≤ {MAX_DURATION:,g}"
            )
        values.append(value)
    if len(values) < MIN_OBSERVATIONS:
        raise ValueError(
            f"file {file} has {len(values)} durations in column {column!r}; at least "
            f"{MIN_OBSERVATIONS} are needed"
        )
    return tuple(sorted(values))


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
