"""Display names of a report's scenarios, groups and categories in the report's language
(:mod:`sim.analysis.labels`), read from the merged scenario the folder keeps and, for a
comparison's alternatives, from the scenario files its manifest names (the id where no
label exists)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.analysis.labels import category_label, group_label, scenario_label
from sim.config.errors import InputError
from sim.config.loader import read_yaml


def view(scenario: dict[str, Any], name: str = "") -> dict[str, Any]:
    """A merged scenario (a mapping), named ``name`` where it has no ``name``, as the
    display functions of :mod:`sim.analysis.labels` read it."""
    return {**scenario, "name": str(scenario.get("name") or name)}


class Names:
    """The display names of one report's scenarios, groups and categories."""

    def __init__(self, manifest: dict[str, Any], scenario: dict[str, Any], language: str):
        self.language = language
        self.scenario = view(scenario, str(manifest.get("scenario", "")))
        self.others: dict[str, str] = {}
        for entry in manifest.get("inputs", []) or []:
            if isinstance(entry, dict) and entry.get("role") == "alternative":
                key = str(entry.get("name", ""))
                self.others[key] = scenario_label(view(_own(entry.get("file")), key), language)

    def base(self) -> str:
        """The folder's scenario (a comparison's base)."""
        return scenario_label(self.scenario, self.language)

    def of_scenario(self, key: str) -> str:
        """A scenario of the folder by its id: the base or an alternative."""
        if key == self.scenario["name"]:
            return self.base()
        return self.others.get(key, key)

    def group(self, key: str) -> str:
        return group_label(self.scenario, key, self.language) if key else key

    def category(self, key: str) -> str:
        return category_label(self.scenario, key, self.language) if key else key


def _own(file: Any) -> dict[str, Any]:
    """The top-level keys of a scenario file (its own ``label``: not inherited through
    ``extends``); ``{}`` if the file is gone or unreadable."""
    if not isinstance(file, str) or not file:
        return {}
    try:
        path = Path(file)
        if not path.is_file():
            return {}
        data = read_yaml(path)
    except (InputError, OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
