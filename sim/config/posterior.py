"""A posterior of fitted parameters: a CSV of weighted particles, read and checked once.

The file (``posterior.csv``, as a Bayesian calibration writes it) has the columns
``particle`` (whole numbers 0..n-1, each once), ``weight`` (numbers >= 0 that sum to 1)
and one column per fitted parameter, named by its dotted scenario key
(``groups.disadvantaged.applications_per_year``, ``groups.g.approval.2008``: see
:mod:`sim.config.parameters`). A scenario names it under ``calibration.posterior``;
:mod:`sim.runner.posterior` draws a particle for each block of replications.

Every problem is a ``ValueError`` whose message names the file, the column (and row)
and the rule; the scenario's validation reports it under ``calibration.posterior``.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.config.errors import brief, brief_text
from sim.config.types import MAX_REPLICATIONS, Frozen, integral
from sim.config.yaml_io import MAX_FILE_BYTES, FileProblem, read_text, yaml_value

PARTICLE = "particle"
WEIGHT = "weight"
MAX_PARTICLES = 100_000
"""Most particles a posterior file may hold."""
MAX_POSTERIOR_BYTES = 20 * MAX_FILE_BYTES
"""Largest posterior file read (20 MB: 100,000 particles of a dozen parameters)."""
WEIGHT_SUM_TOLERANCE = 1e-6
"""How far the weights' sum may lie from 1 (rounding in the file)."""


@dataclass(frozen=True)
class Posterior:
    """Weighted particles: ``values[j]`` holds particle j's value of each of ``keys``."""

    file: str  # the absolute path read
    sha256: str  # of the file's bytes
    keys: tuple[str, ...]
    weights: tuple[float, ...]
    values: tuple[tuple[float, ...], ...]

    def __len__(self) -> int:
        return len(self.weights)

    def particle(self, index: int) -> dict[str, float]:
        """Particle ``index`` as ``{dotted key: value}``."""
        return dict(zip(self.keys, self.values[index], strict=True))

    def pick(self, uniform: float) -> int:
        """The particle a uniform number in [0, 1) picks with the weights (inverse of
        their cumulative sum; a particle of weight 0 is never picked).

        >>> Posterior("f", "", ("a",), (0.25, 0.0, 0.75), ((1.0,), (2.0,), (3.0,))).pick(0.3)
        2
        """
        wanted = uniform * math.fsum(self.weights)
        total = 0.0
        last = 0
        for index, weight in enumerate(self.weights):
            if weight <= 0.0:
                continue
            total += weight
            last = index
            if wanted < total:
                return index
        return last


_READ: dict[tuple[str, int, int], Posterior] = {}
"""Posteriors read in this process, by (path, modification time, size)."""


def read_posterior(path: Path, shown: str) -> Posterior:
    """The posterior in ``path`` (``shown``: its name as the scenario gives it), checked;
    read once per process while the file is unchanged."""
    absolute = os.path.abspath(path)
    try:
        status = os.stat(absolute)
    except (OSError, ValueError):
        status = None
    if status is not None:
        cached = _READ.get((absolute, status.st_mtime_ns, status.st_size))
        if cached is not None:
            return cached
    file = brief_text(shown, 200)
    try:
        text = read_text(Path(absolute), shown, MAX_POSTERIOR_BYTES)
    except FileProblem as error:
        message = error.problems[0].message
        if message == "file not found":
            message = f"not found (looked for {brief_text(absolute, 300)})"
        raise ValueError(f"posterior file {file} {message}") from None
    try:
        posterior = _parse(text, file, absolute)
    except csv.Error as error:
        raise ValueError(f"posterior file {file} is not a readable CSV file: {error}") from None
    if status is not None:
        if len(_READ) >= 16:
            _READ.clear()
        _READ[(absolute, status.st_mtime_ns, status.st_size)] = posterior
    return posterior


def _parse(text: str, file: str, absolute: str) -> Posterior:
    rows = csv.reader(text.splitlines())
    header = [name.strip() for name in next(rows, [])]
    rule = (
        f"its first line must name the columns {PARTICLE}, {WEIGHT} and then one dotted "
        "scenario key per fitted parameter (e.g. groups.<id>.applications_per_year)"
    )
    if header[:2] != [PARTICLE, WEIGHT]:
        found = ", ".join(brief_text(h, 40) for h in header[:3]) or "nothing"
        raise ValueError(f"posterior file {file}: {rule}; found {found}")
    keys = header[2:]
    if not keys:
        raise ValueError(f"posterior file {file} has no parameter column: {rule}")
    for key in keys:
        if not key or any(not part for part in key.split(".")):
            raise ValueError(
                f"posterior file {file}: column {brief_text(key, 60)!r} is not a dotted "
                "scenario key (e.g. stock.ordinary.turnaround_days)"
            )
        if keys.count(key) > 1:
            raise ValueError(f"posterior file {file}: column {key!r} appears twice")
    particles: list[int] = []
    weights: list[float] = []
    values: list[tuple[float, ...]] = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(particles) == MAX_PARTICLES:
            raise ValueError(
                f"posterior file {file} has more than {MAX_PARTICLES:,} particles; at most "
                f"{MAX_PARTICLES:,} are allowed"
            )
        if len(row) != len(header):
            raise ValueError(
                f"posterior file {file}: line {line} has {len(row)} values; the header "
                f"names {len(header)} columns"
            )
        particle = _number(row[0])
        if particle is None or particle != int(particle):
            raise ValueError(
                f"posterior file {file}: column {PARTICLE!r}, line {line}: "
                f"{brief_text(row[0], 40)!r} is not a whole number"
            )
        weight = _number(row[1])
        if weight is None or weight < 0:
            raise ValueError(
                f"posterior file {file}: column {WEIGHT!r}, line {line}: "
                f"{brief_text(row[1], 40)!r} is not a number >= 0"
            )
        numbers = []
        for key, cell in zip(keys, row[2:], strict=True):
            value = _number(cell)
            if value is None:
                raise ValueError(
                    f"posterior file {file}: column {key!r}, line {line}: "
                    f"{brief_text(cell, 40)!r} is not a finite number"
                )
            numbers.append(value)
        particles.append(int(particle))
        weights.append(weight)
        values.append(tuple(numbers))
    count = len(particles)
    if count == 0:
        raise ValueError(f"posterior file {file} has no particle (no line after the header)")
    if sorted(particles) != list(range(count)):
        raise ValueError(
            f"posterior file {file}: column {PARTICLE!r} must number the {count} particles "
            f"0 to {count - 1}, each once"
        )
    total = math.fsum(weights)
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise ValueError(
            f"posterior file {file}: column {WEIGHT!r} must sum to 1 (within "
            f"{WEIGHT_SUM_TOLERANCE:g}); its sum is {total:.9g}"
        )
    order = sorted(range(count), key=particles.__getitem__)
    with open(absolute, "rb") as handle:
        sha256 = hashlib.sha256(handle.read()).hexdigest()
    return Posterior(
        file=absolute,
        sha256=sha256,
        keys=tuple(keys),
        weights=tuple(weights[i] for i in order),
        values=tuple(values[i] for i in order),
    )


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class PosteriorSettings(Frozen):
    """The scenario key ``calibration``: a posterior of fitted parameters to run over.

    With ``posterior`` (a CSV file, relative to the scenario file), replications come in
    blocks of ``replications_per_draw``; each block runs with the parameters of one
    particle drawn with the weights (:mod:`sim.runner.posterior`). Without it (the
    default) the scenario runs at its own values.
    """

    posterior: str | None = None
    replications_per_draw: Annotated[
        int, BeforeValidator(integral), Strict(), Field(ge=1, le=MAX_REPLICATIONS)
    ] = 2
    _particles: Posterior | None = PrivateAttr(default=None)

    @field_validator("posterior")
    @classmethod
    def _resolve(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The file's absolute path (the scenario written out names it so), read and
        checked here so that every problem names the file as given."""
        if value is None:
            return None
        if not value.strip() or "\0" in value:
            raise ValueError(f"must be the path of a posterior CSV file, got {brief(value)}")
        context = info.context if isinstance(info.context, dict) else {}
        if not context.get("read_files", True) and value != context.get("known_posterior"):
            raise ValueError(
                "a posterior file is not allowed here: text from a browser names no file "
                "on the server"
            )
        base = Path(context.get("base_dir") or ".")
        path = Path(value) if Path(value).is_absolute() else base / value
        return read_posterior(path, value).file

    @model_validator(mode="after")
    def _keep(self) -> PosteriorSettings:
        if self.posterior is not None:
            self._particles = read_posterior(Path(self.posterior), self.posterior)
        return self

    @property
    def particles(self) -> Posterior | None:
        """The posterior read (``None``: the scenario runs at its own values)."""
        return self._particles


NO_POSTERIOR = "none"
"""``--posterior none``: run at the scenario's own values, without its posterior."""


def posterior_setting(posterior: str | Path | None) -> list[str]:
    """The ``--set`` overrides of ``--posterior FILE`` (a path relative to the working
    folder) or ``--posterior none``; none without the option.

    >>> posterior_setting(None), posterior_setting("none")
    ([], ['calibration=null'])
    """
    if posterior is None:
        return []
    if str(posterior).strip().lower() == NO_POSTERIOR:
        return ["calibration=null"]
    return [f"calibration.posterior={yaml_value(os.path.abspath(posterior))}"]


def overridden(posterior: Posterior | None, key: str) -> str | None:
    """Why setting the dotted ``key`` is refused over ``posterior`` (it sets one of its
    parameters, which each drawn particle would replace); ``None``: it may be set."""
    if posterior is None:
        return None
    hits = [k for k in posterior.keys if k == key or k.startswith(f"{key}.")]
    if not hits:
        return None
    return (
        f"sets {hits[0]!r}, a parameter of the posterior {posterior.file}: the value of each "
        "drawn particle would replace it; run with --posterior none (or without "
        "calibration.posterior) to set it"
    )
