"""Benchmark: how much a Bayesian fit's likelihood estimate moves with chance alone.

A candidate's log-likelihood (``sim.calibration.likelihood``) is estimated from its
``abc.replications`` replications. This evaluates it at one particle (the heaviest of a
posterior file) many times, each time with other random numbers, and prints its mean and
standard deviation for each number of replications. Pseudo-marginal samplers work well
when that standard deviation is about 1 to 1.5; far above, the accepted particles' weights
fall on a few lucky ones:

    python benchmarks/likelihood_noise.py                      # Asker, 4 and 16
    python benchmarks/likelihood_noise.py calibration/lorenskog.yaml \\
        calibration/fit/lorenskog-posterior.csv --replications 4 16 --sets 25 10
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration import load_calibration
from sim.calibration.abc import Simulator
from sim.calibration.likelihood import Likelihood, terms_of

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", nargs="?", default=str(ROOT / "calibration/asker.yaml"))
    parser.add_argument(
        "posterior", nargs="?", default=str(ROOT / "calibration/fit/asker-posterior.csv")
    )
    parser.add_argument("--replications", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--sets", type=int, nargs="+", default=[25, 10])
    args = parser.parse_args()
    calibration = load_calibration(args.spec)
    spec = calibration.spec
    targets = calibration.targets
    fitted = targets[~targets.year.isin(set(spec.holdout_years))].reset_index(drop=True)
    likelihood = Likelihood(terms_of(fitted, spec.abc.discrepancy))
    posterior = pd.read_csv(args.posterior)
    heaviest = int(posterior.weight.idxmax())
    particle = {name: float(posterior.loc[heaviest, name]) for name in spec.parameters}
    print(
        f"{args.spec}: {len(spec.parameters)} parameters, {len(likelihood.terms)} fitted "
        f"targets; the heaviest particle of {args.posterior}"
    )
    for replications, sets in zip(args.replications, args.sets, strict=True):
        simulator = Simulator(calibration, replications)
        started = time.perf_counter()
        values = []
        for index in range(sets):
            np.random.seed(1000 + index)  # the candidate's seed, as a fit draws it
            values.append(likelihood.log(simulator(particle)["values"]))
        seconds = time.perf_counter() - started
        print(
            f"{replications:3d} replications: log-likelihood mean {np.mean(values):.1f}, "
            f"standard deviation {np.std(values, ddof=1):.2f} over {sets} sets "
            f"({seconds / sets:.2f} s a set)"
        )


if __name__ == "__main__":
    main()
