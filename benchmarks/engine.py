"""Engine benchmark: the model's event rate against bare simpy's, measured in one process.

Bare simpy: processes that do nothing but yield exponential timeouts. The model: whole
replications of a scenario (default ``scenarios/lorenskog.yaml``). Both count the events
processed (simpy's environment, the model's own loop) and divide by wall time; the last
line printed is

    ratio_to_bare_simpy: X

(the model's events per second over bare simpy's). The line before it,
``bare_engine_to_bare_simpy``, compares the same bare processes run on the model's own
engine (``sim/model/engine.py``: callbacks that schedule the next timer) with simpy's.
Machines are noisy, so they are timed alternately, ``--rounds`` times each, and the best
rate of each is compared. The line ``engine:`` says whether the model is the
mypyc-compiled build (see setup.py) or pure Python; run it with ``SIM_PURE_PYTHON=1``
to time the pure-Python source instead. simpy is not a dependency of the model (it is the
definition of event order the engine is tested against): it comes with the test extra,
``pip install ".[test]"``, or ``pip install simpy``.

Usage: python benchmarks/engine.py [--scenario FILE] [--rounds N] [--replications N]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import simpy

from sim.config.loader import load_scenario
from sim.model import COMPILED
from sim.model.engine import SLICES, Engine, Timer
from sim.model.housing import HousingModel

ROOT = Path(__file__).resolve().parent.parent


def processed_events(env: simpy.Environment) -> int:
    """Events the environment has processed (scheduled minus still queued)."""
    scheduled = next(env._eid)  # ids are handed out in order from 0
    return scheduled - len(env._queue)


def bare_simpy(target_events: int, processes: int = 500) -> tuple[int, float]:
    """Processes yielding exponential timeouts; returns (events, seconds)."""
    rng = random.Random(1)
    env = simpy.Environment()

    def ticker(rate: float):  # type: ignore[no-untyped-def]
        expovariate = rng.expovariate
        while True:
            yield env.timeout(expovariate(rate))

    for _ in range(processes):
        env.process(ticker(1.0))
    horizon = target_events / processes
    started = time.perf_counter()
    env.run(until=horizon)
    seconds = time.perf_counter() - started
    return processed_events(env), seconds


def bare_engine(target_events: int, processes: int = 500) -> tuple[int, float]:
    """The same tickers on the model's own engine (``sim.model.engine.Engine``): each
    timer's callback schedules the next with an exponential delay; returns (events,
    seconds)."""
    rng = random.Random(1)
    horizon = target_events / processes
    engine = Engine(0.0, horizon + 1.0, SLICES)
    expovariate = rng.expovariate
    call = engine.call

    def tick(timer: Timer) -> None:
        call(tick, None, expovariate(1.0))

    for _ in range(processes):
        call(tick, None, 0.0)
    started = time.perf_counter()
    engine.run_until(horizon)
    seconds = time.perf_counter() - started
    return engine.processed, seconds


def model_rate(scenario_file: Path, replications: int) -> tuple[int, float]:
    """Whole replications of the model; returns (events, seconds)."""
    scenario = load_scenario(scenario_file)
    events = 0
    seconds = 0.0
    for replication in range(replications):
        started = time.perf_counter()
        model = HousingModel(scenario, replication)
        model.run()
        seconds += time.perf_counter() - started
        events += model.engine.processed
    return events, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "lorenskog.yaml")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--replications", type=int, default=3)
    args = parser.parse_args()

    best_bare = 0.0
    best_model = 0.0
    best_engine = 0.0
    model_events = 0
    for round_index in range(args.rounds):
        events, seconds = model_rate(args.scenario, args.replications)
        model_events = events
        best_model = max(best_model, events / seconds)
        bare_events, bare_seconds = bare_simpy(max(events, 200_000))
        best_bare = max(best_bare, bare_events / bare_seconds)
        engine_events, engine_seconds = bare_engine(max(events, 200_000))
        best_engine = max(best_engine, engine_events / engine_seconds)
        print(
            f"round {round_index + 1}: model {events / seconds:,.0f} events/s "
            f"({events:,} events in {seconds:.2f} s), bare simpy "
            f"{bare_events / bare_seconds:,.0f} events/s"
        )
    print(f"engine: {'compiled with mypyc' if COMPILED else 'pure Python'}")
    print(
        f"scenario: {args.scenario.name}, {args.replications} replications, "
        f"{model_events:,} events per round"
    )
    print(f"bare_simpy_events_per_second: {best_bare:,.0f}")
    print(f"model_events_per_second: {best_model:,.0f}")
    print(f"bare_engine_events_per_second: {best_engine:,.0f}")
    print(f"bare_engine_to_bare_simpy: {best_engine / best_bare:.3f}")
    print(f"ratio_to_bare_simpy: {best_model / best_bare:.3f}")


if __name__ == "__main__":
    main()
