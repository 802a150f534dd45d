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
    python benchmarks/likelihood_noise.py --known-variance 64 --by-target 5

``--known-variance N`` also prints the standard deviation a fit would have if each
target's chance variance were known (taken from N replications at the particle) instead
of estimated from the candidate's own replications; ``--by-target K`` prints the K
targets whose terms move most; ``--share S`` sets the discrepancy share
(``abc.discrepancy.share``) instead of the spec's.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration import load_calibration
from sim.calibration.abc import Simulator
from sim.calibration.likelihood import EXACT, Likelihood, TargetTerm, term_log, terms_of

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", nargs="?", default=str(ROOT / "calibration/asker.yaml"))
    parser.add_argument(
        "posterior", nargs="?", default=str(ROOT / "calibration/fit/asker-posterior.csv")
    )
    parser.add_argument("--replications", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--sets", type=int, nargs="+", default=[25, 10])
    parser.add_argument("--known-variance", type=int, default=0, metavar="N")
    parser.add_argument("--by-target", type=int, default=0, metavar="K")
    parser.add_argument("--share", type=float, default=None, help="abc.discrepancy.share")
    args = parser.parse_args()
    calibration = load_calibration(args.spec)
    spec = calibration.spec
    targets = calibration.targets
    fitted = targets[~targets.year.isin(set(spec.holdout_years))].reset_index(drop=True)
    discrepancy = spec.abc.discrepancy
    if args.share is not None:
        discrepancy = discrepancy.model_copy(update={"share": args.share})
    likelihood = Likelihood(terms_of(fitted, discrepancy))
    posterior = pd.read_csv(args.posterior)
    heaviest = int(posterior.weight.idxmax())
    particle = {name: float(posterior.loc[heaviest, name]) for name in spec.parameters}
    print(
        f"{args.spec}: {len(spec.parameters)} parameters, {len(likelihood.terms)} fitted "
        f"targets; the heaviest particle of {args.posterior}"
    )
    known = None
    if args.known_variance:
        np.random.seed(7)
        many = Simulator(calibration, args.known_variance)(particle)["values"]
        known = many.var(axis=1, ddof=1)
    for replications, sets in zip(args.replications, args.sets, strict=True):
        simulator = Simulator(calibration, replications)
        started = time.perf_counter()
        values, with_known, by_term = [], [], []
        for index in range(sets):
            np.random.seed(1000 + index)  # the candidate's seed, as a fit draws it
            simulated = simulator(particle)["values"]
            values.append(likelihood.log(simulated))
            by_term.append(
                [
                    Likelihood([t]).log(row[None])
                    for t, row in zip(likelihood.terms, simulated, strict=True)
                ]
            )
            if known is not None:
                with_known.append(_known_variance_log(likelihood.terms, simulated, known))
        seconds = time.perf_counter() - started
        print(
            f"{replications:3d} replications: log-likelihood mean {np.mean(values):.1f}, "
            f"standard deviation {np.std(values, ddof=1):.2f} over {sets} sets "
            f"({seconds / sets:.2f} s a set)"
        )
        if known is not None:
            print(
                f"    with each target's chance variance known ({args.known_variance} "
                f"replications): standard deviation {np.std(with_known, ddof=1):.2f}"
            )
        spread = np.std(np.array(by_term), axis=0, ddof=1)
        for index in np.argsort(-spread)[: args.by_target]:
            print(f"    {likelihood.terms[index].target}: {spread[index]:.2f}")


def _known_variance_log(terms: list[TargetTerm], simulated: np.ndarray, known: np.ndarray) -> float:
    """The log-likelihood of ``simulated`` with each target's chance variance ``known``
    in place of the replications' own (an exact target keeps its count of hits)."""
    replications = simulated.shape[1]
    total = 0.0
    for term, row, variance in zip(terms, simulated, known, strict=True):
        if term.weight == 0:
            continue
        if term.kind == EXACT:
            total += Likelihood([term]).log(row[None])
        else:
            total += term_log(term, float(row.mean()), variance * (1 + 1 / replications))
    return total


if __name__ == "__main__":
    main()
