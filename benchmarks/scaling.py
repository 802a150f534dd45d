"""Scaling benchmark: the model's cost per dwelling in a small and in a large municipality.

A scenario (default ``scenarios/asker-calibrated.yaml``) is made bigger by two factors
(default 10 and 100): every category's ``units``, every group's ``applications_per_year``
and ``initial_waiting``, the builds, follow-up capacity, emergency units and hospits
capacity are multiplied, so the municipality has the same shape, only bigger. Each side
is timed on the same amount of work: the larger municipality for one replication, the
smaller for ``large / small`` replications (default 10: replications 0-9, one after the
other), so both simulate about as many households. Their time divided by their dwellings
(the scaled stock at the start, times the replications) is the cost per dwelling; the
last line printed is

    per_unit_ratio: X

(seconds per dwelling of the larger scale over those of the smaller; 1.0 is a model
whose cost is linear in its size). Times are the process's CPU time
(``time.process_time``), which other jobs on a busy machine disturb less than wall time;
the wall time is printed too. The two sides are timed alternately, ``--rounds`` times
(default 5), and ``per_unit_ratio`` is the ratio of each side's best round, as
``timeit`` reports the best of its repeats: other work on the machine only ever adds
time, and it adds more to the larger municipality, whose data does not fit in the
processor's cache and which therefore waits longer on memory that others use too. The
median of the rounds' own ratios is printed as well (``median_round_ratio``); on a
busy machine it moves with whichever side a disturbance falls on (rounds of one build
have ranged from 0.94 to 1.81). Equal work on both sides keeps the best of each fair: a
single small replication lasts under a second, and the best of a few such could fall
in a fast spell that a run ten times as long cannot. The line ``engine:`` says
whether the installed model is the mypyc-compiled build (see setup.py) or pure Python;
run it with ``SIM_PURE_PYTHON=1`` to time the pure-Python source.

Usage: python benchmarks/scaling.py [--scenario FILE] [--small N] [--large N]
       [--rounds N] [--replication N] [--small-replications N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from sim.config.loader import merge_scenario, validate_data
from sim.config.schema import Scenario
from sim.model import COMPILED
from sim.model.housing import run_replication

ROOT = Path(__file__).resolve().parent.parent


def _times(value: Any, factor: float, whole: bool) -> Any:
    """A count or rate (or a series of them by year or date) multiplied by ``factor``."""
    if isinstance(value, dict):
        return {key: _times(item, factor, whole) for key, item in value.items()}
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return round(value * factor) if whole else value * factor


def scaled_data(data: dict[str, Any], factor: float) -> dict[str, Any]:
    """Merged scenario data of a municipality ``factor`` times as big (a new dict)."""
    data = dict(data)
    data["stock"] = {
        k: {**cat, "units": _times(cat["units"], factor, True)}
        for k, cat in data.get("stock", {}).items()
    }
    groups = {}
    for g, grp in data.get("groups", {}).items():
        grp = dict(grp)
        grp["applications_per_year"] = _times(grp["applications_per_year"], factor, False)
        if "initial_waiting" in grp:
            grp["initial_waiting"] = _times(grp["initial_waiting"], factor, True)
        groups[g] = grp
    data["groups"] = groups
    builds = []
    for build in data.get("builds") or []:
        build = dict(build)
        for key in ("units", "units_per_year"):
            if key in build:
                build[key] = _times(build[key], factor, True)
        builds.append(build)
    if builds:
        data["builds"] = builds
    for section, key in (
        ("followup", "capacity"),
        ("emergency", "units"),
        ("homelessness", "hospits_capacity"),
    ):
        if isinstance(data.get(section), dict) and key in data[section]:
            data[section] = {**data[section], key: _times(data[section][key], factor, True)}
    return data


def scaled_scenario(scenario_file: Path, factor: float) -> Scenario:
    data, _ = merge_scenario(scenario_file)
    data.setdefault("name", scenario_file.stem)
    data = scaled_data(data, factor)
    data["name"] = f"{data['name']}-x{factor:g}"
    return validate_data(data, str(scenario_file), None, scenario_file.parent)


def units(scenario: Scenario) -> int:
    """Dwellings at the start (before builds)."""
    return sum(cat.units for cat in scenario.stock.values())


def replication_seconds(scenario: Scenario, first: int, count: int = 1) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of replications ``first`` to ``first + count - 1``."""
    wall = time.perf_counter()
    cpu = time.process_time()
    for replication in range(first, first + count):
        run_replication(scenario, replication)
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", type=Path, default=ROOT / "scenarios" / "asker-calibrated.yaml"
    )
    parser.add_argument("--small", type=float, default=10.0)
    parser.add_argument("--large", type=float, default=100.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--replication", type=int, default=0, help="the first replication")
    parser.add_argument(
        "--small-replications",
        type=int,
        default=None,
        help="replications of the smaller scale a round (default: large / small)",
    )
    args = parser.parse_args()
    count = args.small_replications or max(1, round(args.large / args.small))

    small = scaled_scenario(args.scenario, args.small)
    large = scaled_scenario(args.scenario, args.large)
    small_units = units(small) * count
    large_units = units(large)
    per_small: list[float] = []
    per_large: list[float] = []
    ratios: list[float] = []
    for round_index in range(args.rounds):
        seconds_small, wall_small = replication_seconds(small, args.replication, count)
        seconds_large, wall_large = replication_seconds(large, args.replication)
        per_small.append(seconds_small / small_units)
        per_large.append(seconds_large / large_units)
        ratios.append(per_large[-1] / per_small[-1])
        print(
            f"round {round_index + 1}: x{args.small:g} {seconds_small:.2f} s CPU "
            f"({wall_small:.2f} s wall) for {count} replications, x{args.large:g} "
            f"{seconds_large:.2f} s CPU ({wall_large:.2f} s wall), ratio {ratios[-1]:.3f}",
            flush=True,
        )
    print(f"engine: {'compiled with mypyc' if COMPILED else 'pure Python'}")
    print(f"scenario: {args.scenario.name}, from replication {args.replication}")
    print(
        f"x{args.small:g}: {units(small):,} units x {count} replications, "
        f"{min(per_small) * 1e6:.1f} us per unit (best round; median "
        f"{statistics.median(per_small) * 1e6:.1f})"
    )
    print(
        f"x{args.large:g}: {units(large):,} units x 1 replication, "
        f"{min(per_large) * 1e6:.1f} us per unit (best round; median "
        f"{statistics.median(per_large) * 1e6:.1f})"
    )
    print(f"median_round_ratio: {statistics.median(ratios):.3f}")
    print(f"per_unit_ratio: {min(per_large) / min(per_small):.3f}")


if __name__ == "__main__":
    main()
