"""Memory of collecting many replications: what ``sim run`` holds while it streams.

One real replication of a scenario (default: the calibrated Asker, 7,800 rows) is run
once; its block is then fed ``--replications`` times (values shifted by the replication
number, so no two are alike) through :class:`sim.analysis.stream.YearlyStream`, which
appends them to ``yearly.parquet`` and keeps one value per key and replication, and the
summary is made, as ``sim run`` does after the last replication. The simulation itself
is left out: its memory is the workers' and does not grow with the replications.

Printed: the process's peak resident memory before and after, and the time per
replication collected. Usage:

    python benchmarks/memory.py [--scenario FILE] [--replications N] [--no-keep]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from sim.analysis.stream import YearlyStream
from sim.config.loader import load_scenario
from sim.model.housing import run_replication
from sim.runner.blocks import encode

ROOT = Path(__file__).resolve().parent.parent


def peak_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "asker-calibrated.yaml"))
    parser.add_argument("--replications", type=int, default=10_000)
    parser.add_argument("--no-keep", action="store_true", help="no yearly.parquet")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    rows, records = run_replication(scenario, 0)
    block = encode(0, rows, records)
    print(f"scenario: {scenario.name}, {len(block):,} rows a replication")
    print(f"peak before collecting: {peak_mb():,.0f} MB")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as temporary:
        target = Path(temporary) / "run"
        with YearlyStream(target, args.replications, 0, not args.no_keep) as stream:
            for r in range(args.replications):
                stream.add(replace(block, replication=r, values=block.values + r))
            stream.close()
            summary = stream.summary()
            size = (stream.folder / "yearly.parquet").stat().st_size if stream.keep else 0
    seconds = time.perf_counter() - started
    each = 1e3 * seconds / args.replications
    print(f"replications: {args.replications:,}; rows: {stream.rows:,}; summary: {len(summary):,}")
    print(f"yearly.parquet: {size / 1e6:,.0f} MB; {seconds:.1f} s ({each:.2f} ms a replication)")
    print(f"peak_resident_mb: {peak_mb():,.0f}")


if __name__ == "__main__":
    main()
