"""The model-discrepancy share a calibration's best fit supports: the share ``s`` (each
target's discrepancy ``s`` times its observed value, at least ``abc.discrepancy.minimum``)
that makes the fitted targets most probable at the optimiser's best point, by the
likelihood of ``sim.calibration.likelihood`` (chance and discrepancy). A share far above
the spec's says the model misses the counts by more than the spec assumes.

It reads the optimiser's ``fit.csv`` (the shipped one by default); the chance spread of
each target is taken from its 5th-95th percentile range (a normal's 3.29 standard
deviations):

    python benchmarks/discrepancy_share.py                    # Asker
    python benchmarks/discrepancy_share.py calibration/lorenskog.yaml calibration/fit/lorenskog.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from scipy.optimize import minimize_scalar

from sim.calibration import load_calibration
from sim.calibration.likelihood import EXACT, term_log, terms_of

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", nargs="?", default=str(ROOT / "calibration/asker.yaml"))
    parser.add_argument("fit", nargs="?", default=str(ROOT / "calibration/fit/asker.csv"))
    args = parser.parse_args()
    calibration = load_calibration(args.spec)
    settings = calibration.spec.abc.discrepancy
    targets = calibration.targets
    fitted = targets[~targets.year.isin(set(calibration.spec.holdout_years))]
    fit = pd.read_csv(args.fit).set_index("target")

    def minus_log_likelihood(share: float) -> float:
        terms = terms_of(fitted, settings.model_copy(update={"share": share, "targets": {}}))
        total = 0.0
        for term in terms:
            if term.weight == 0 or term.kind == EXACT:
                continue
            row = fit.loc[term.target]
            chance = ((row.simulated_p95 - row.simulated_p05) / 3.29) ** 2
            total -= term_log(term, float(row.simulated_mean), float(chance))
        return total

    best = minimize_scalar(minus_log_likelihood, bounds=(0.005, 2.0), method="bounded")
    print(f"{args.spec} at the best point of {args.fit}:")
    for share in (settings.share, 0.2, 0.3, 0.5):
        print(f"  share {share:.2f}: -log-likelihood {minus_log_likelihood(share):.1f}")
    print(
        f"  most probable share {best.x:.2f} (-log-likelihood {best.fun:.1f}; the spec "
        f"assumes {settings.share:.2f})"
    )


if __name__ == "__main__":
    main()
