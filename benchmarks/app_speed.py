"""App benchmark: the seconds a run of the trade-off page takes, as ``sim app`` runs it.

For each shipped calibrated baseline, a run of ``--replications`` (default 8) with
household records and the trade-off measures, three ways, in one process:

- ``serial``: in this process (what ``--jobs 1`` gives);
- ``warm pool``: on the app's worker pool, already started (what a click on Run costs
  once the page is open);
- ``cached``: the same settings again (answered from the app's cache).

Every run has its own scenario (a different follow-up capacity), so only ``cached``
hits the cache. Timed alternately, best of ``--rounds``. The last line is

    ratio_warm_pool_to_serial: X

Usage: python benchmarks/app_speed.py [--replications 8] [--rounds 3] [--jobs 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.app.runs import Runner
from sim.config.loader import load_scenario, scenario_from
from sim.model import COMPILED

ROOT = Path(__file__).resolve().parent.parent
BASELINES = ("lorenskog-calibrated.yaml", "asker-calibrated.yaml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replications", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    options = parser.parse_args()
    print(f"engine: {'compiled' if COMPILED else 'pure Python'}")
    serial_runner, pooled_runner = Runner(jobs=1), Runner(jobs=options.jobs)
    _ = pooled_runner.pool  # started before timing, as the app starts it with the page
    time.sleep(3)
    ratios = []
    try:
        for name in BASELINES:
            base = load_scenario(ROOT / "scenarios" / name)
            best = {"serial": float("inf"), "warm pool": float("inf"), "cached": float("inf")}
            for round_ in range(options.rounds):
                for way, runner in (("serial", serial_runner), ("warm pool", pooled_runner)):
                    capacity = 100 + 2 * round_ + (way == "warm pool")
                    scenario = scenario_from(base, [f"followup.capacity={capacity}"])[0]
                    began = time.perf_counter()
                    runner.point(scenario, way, (), options.replications)
                    best[way] = min(best[way], time.perf_counter() - began)
                began = time.perf_counter()
                point = pooled_runner.point(scenario, "again", (), options.replications)
                assert point.cached
                best["cached"] = min(best["cached"], time.perf_counter() - began)
            shown = ", ".join(f"{way} {seconds:.2f} s" for way, seconds in best.items())
            print(f"{name}: {options.replications} replications: {shown}")
            ratios.append(best["warm pool"] / best["serial"])
    finally:
        pooled_runner.close()
    print(f"ratio_warm_pool_to_serial: {max(ratios):.2f}")


if __name__ == "__main__":
    main()
