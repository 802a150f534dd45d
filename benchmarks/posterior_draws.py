"""Benchmark: what running over a posterior costs beyond the simulation itself.

One run of a calibrated scenario (default ``scenarios/lorenskog-calibrated.yaml``) of
``--replications`` replications in this process, with and without a posterior whose
``--particles`` particles all hold the scenario's own fitted values (so both runs
simulate the same thing, value for value: checked). The run over the posterior draws a
particle per block of replications and makes (validates) each drawn particle's scenario
once; every round loads the scenario anew, so that cost is inside every timing. Timed
alternately, best of ``--rounds``. The last line is

    ratio_posterior_to_fixed: X

(it should stay under 1.05). Usage:
python benchmarks/posterior_draws.py [--scenario FILE] [--replications 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sim.config.loader import load_scenario, plain_data
from sim.config.parameters import value_at
from sim.model import ENGINE
from sim.runner.replications import run_scenario

ROOT = Path(__file__).resolve().parent.parent
FITTED = (
    "groups.disadvantaged.applications_per_year",
    "groups.disadvantaged.homeless_while_waiting",
    "stock.ordinary.turnaround_days",
    "homelessness.outside_exits.settled_per_year",
)
"""The keys scenarios/lorenskog-calibrated.yaml was fitted at."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scenario", type=Path, default=ROOT / "scenarios/lorenskog-calibrated.yaml"
    )
    parser.add_argument("--replications", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--particles", type=int, default=50)
    options = parser.parse_args()
    print(f"engine: {ENGINE}")
    fixed = load_scenario(options.scenario)
    data = plain_data(fixed)
    values = [repr(float(value_at(data, key))) for key in FITTED]
    with tempfile.TemporaryDirectory() as folder:
        posterior = Path(folder) / "posterior.csv"
        weight = repr(1 / options.particles)
        lines = [",".join(["particle", "weight", *FITTED])]
        lines += [",".join([str(j), weight, *values]) for j in range(options.particles)]
        posterior.write_text("\n".join(lines) + "\n", encoding="utf-8")
        setting = [f"calibration.posterior={posterior}"]
        best = {"fixed": float("inf"), "posterior": float("inf")}
        tables = {}
        for _ in range(options.rounds):
            for way, extra in (("fixed", []), ("posterior", setting)):
                scenario = load_scenario(options.scenario, extra)  # new: no particle kept
                began = time.perf_counter()
                results = run_scenario(scenario, options.replications)
                best[way] = min(best[way], time.perf_counter() - began)
                tables[way] = results.yearly
    assert tables["fixed"].equals(tables["posterior"]), "the particles hold the fixed values"
    name = options.scenario.name
    shown = ", ".join(f"{way} {seconds:.3f} s" for way, seconds in best.items())
    print(f"{name}: {options.replications} replications, best of {options.rounds}: {shown}")
    print(f"ratio_posterior_to_fixed: {best['posterior'] / best['fixed']:.3f}")


if __name__ == "__main__":
    main()
