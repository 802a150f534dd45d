"""App benchmark: the run budget's estimate (:mod:`sim.app.budget`) against the events a
replication really has, and the seconds an event takes.

For the shipped calibrated municipalities and variants of ``tests/data/app-small.yaml``
that stress each source of work (many dwellings, short contracts, many applications,
long lists, fast exits), one replication is run in this process; its events are counted
by the engine's own counter. One line per case:

    <case>  events=N  estimate=M  ratio=M/N  us_per_event=X

The estimate is meant to be an upper one (ratio >= 1) and within a few times the events;
``SECONDS_PER_EVENT`` in :mod:`sim.app.budget` follows the ``us_per_event`` column.

Usage: python benchmarks/app_budget.py
"""

from __future__ import annotations

import time
from pathlib import Path

from sim.app.budget import replication_events
from sim.config.loader import load_scenario, scenario_from
from sim.model.housing import HousingModel

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "app-small.yaml"
CASES: list[tuple[Path, list[str]]] = [
    (SMALL, []),
    (SMALL, ["stock.ordinary.units=5000"]),
    (SMALL, ["stock.ordinary.units=5000", "stock.ordinary.contract_years=0.1"]),
    (SMALL, ["groups.disadvantaged.applications_per_year=5000"]),
    (
        SMALL,
        [
            "groups.disadvantaged.applications_per_year=5000",
            "groups.disadvantaged.withdraw_per_year=5",
        ],
    ),
    (SMALL, ["groups.disadvantaged.initial_waiting=5000"]),
    (
        SMALL,
        [
            "groups.disadvantaged.breakdown_per_year=20",
            "groups.disadvantaged.applications_per_year=2000",
        ],
    ),
    (
        SMALL,
        [
            "stock.ordinary.units=3000",
            "groups.disadvantaged.applications_per_year=3000",
            "groups.disadvantaged.other_exit_per_year=5",
        ],
    ),
    (ROOT / "scenarios" / "lorenskog-calibrated.yaml", []),
    (ROOT / "scenarios" / "asker-calibrated.yaml", []),
]


def main() -> None:
    for file, settings in CASES:
        base = load_scenario(file)
        scenario = scenario_from(base, settings)[0] if settings else base
        model = HousingModel(scenario, 0)
        began = time.process_time()
        model.run()
        seconds = time.process_time() - began
        events = model.engine.processed
        estimate = replication_events(scenario)
        case = f"{file.stem} {' '.join(settings)}".strip()
        print(
            f"{case}  events={events}  estimate={estimate:.0f}  ratio={estimate / events:.2f}  "
            f"us_per_event={1e6 * seconds / events:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
