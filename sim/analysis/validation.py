"""What ``sim validate`` found: the valid scenarios and every problem of the others."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.analysis.provenance import write_manifest
from sim.analysis.replace import atomic_folder
from sim.config.errors import Problem
from sim.config.schema import Scenario

COLUMNS = ["file", "key", "scenario", "groups", "categories", "units", "problem"]


@dataclass
class Validation:
    """The valid scenarios with their files, in the order given, and every problem of
    the others."""

    scenarios: list[tuple[Path, Scenario]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def table(self) -> pd.DataFrame:
        """One row per valid file (its scenario's size) and per problem (file, key and
        what is wrong); ``problem`` is empty for a valid file."""
        rows = [
            {
                "file": str(file),
                "key": "",
                "scenario": scenario.name,
                "groups": len(scenario.groups),
                "categories": len(scenario.stock),
                "units": sum(c.units for c in scenario.stock.values()),
                "problem": "",
            }
            for file, scenario in self.scenarios
        ]
        rows += [
            {"file": p.file, "key": p.key, "scenario": "", "problem": p.message}
            for p in self.problems
        ]
        table = pd.DataFrame(rows, columns=COLUMNS)
        return table.astype({"groups": "Int64", "categories": "Int64", "units": "Int64"})

    def summary(self) -> str:
        """One ``ok:`` line per valid file (what ``sim validate`` prints; it then names
        every problem and exits with code 2)."""
        return "\n".join(
            f"ok: {file} ({scenario.name}: {len(scenario.groups)} groups, "
            f"{len(scenario.stock)} categories, {sum(c.units for c in scenario.stock.values())}"
            f" units{_over_posterior(scenario)})"
            for file, scenario in self.scenarios
        )

    def write(
        self, out: str | Path, force: bool = False, *, command: Sequence[str] | None = None
    ) -> Path:
        """``validation.csv`` (the table) and ``manifest.json`` at ``out``; return it."""
        out = Path(out)
        now = time.time()
        with atomic_folder(out, force) as folder:
            self.table.to_csv(folder / "validation.csv", index=False)
            write_manifest(
                folder,
                kind="validate",
                scenario=None,
                scenario_file=None,
                seed=None,
                replications=None,
                started=now,
                finished=now,
                command=command,
                extra={"valid": len(self.scenarios), "problems": len(self.problems)},
            )
        return out


def _over_posterior(scenario: Scenario) -> str:
    """``, over a posterior of N particles of K parameters`` (empty without one)."""
    posterior = scenario.posterior
    if posterior is None:
        return ""
    return f", over a posterior of {len(posterior)} particles of {len(posterior.keys)} parameters"
