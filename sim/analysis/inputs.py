"""A scenario given as a file or as an object, with ``--set``-style overrides applied.

Every function of the Python API takes a scenario either way; this is where the two meet.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sim.config.loader import apply_overrides, load_scenario, plain_data, validate_data
from sim.config.schema import Scenario

ScenarioSource = Scenario | str | Path
"""A :class:`Scenario`, or the path of a scenario file."""


def scenario_from(
    source: ScenarioSource, overrides: Iterable[str] = ()
) -> tuple[Scenario, Path | None]:
    """The validated scenario with ``overrides`` (``KEY=VALUE``) applied, and its file.

    A file is loaded (following ``extends``); an object is copied with the overrides and
    validated again (it is never changed). The file is ``None`` for an object.
    """
    overrides = list(overrides)
    if isinstance(source, Scenario):
        if not overrides:
            return source, None
        data = apply_overrides(plain_data(source), overrides, {})
        return validate_data(data, f"<{source.name}>"), None
    return load_scenario(source, overrides), Path(source)
