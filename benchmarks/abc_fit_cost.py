"""Benchmark: the CPU one small Bayesian fit takes, the fits of the simulation-based
calibration test (``tests/test_abc_sbc.py``: the M/M/c reduction, two unknown rates, 100
particles, two generations of two replications).

Most of such a fit is bookkeeping per candidate (pyabc's, the particle's scenario, the
likelihood) rather than simulation, so this is where that overhead shows. It runs one fit
to load everything, then ``--fits`` fits in this process, and prints the CPU seconds per
fit and the rank statistics of the arrival rate (the same with every change that leaves
the fits' numbers alone):

    python benchmarks/abc_fit_cost.py [--fits 6]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_abc_sbc as sbc  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fits", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        spec = str(sbc.write_case(Path(folder)))
        sbc.fit_one((spec, 0))  # imports pyabc and warms up
        started = time.process_time()
        rows = [sbc.fit_one((spec, index)) for index in range(1, args.fits + 1)]
        seconds = (time.process_time() - started) / args.fits
    ranks = [round(row[f"{sbc.LAMBDA}:rank"], 6) for row in rows]
    print(f"ranks of the arrival rate: {ranks}")
    print(f"cpu_seconds_per_fit {seconds:.2f}")


if __name__ == "__main__":
    main()
