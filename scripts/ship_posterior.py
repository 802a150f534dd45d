"""Ship a Bayesian fit with a calibrated baseline.

After ``sim calibrate calibration/NAME.yaml --method abc --out FOLDER``, this copies the
fit's posterior, its parameter table and its posterior predictive check into
``calibration/fit/`` (``NAME-posterior.csv``, ``NAME-parameters.csv``,
``NAME-predictive.csv``); with ``--name-it`` it also makes
``scenarios/NAME-calibrated.yaml`` name the posterior (``calibration.posterior``), so
runs of the baseline and of every scenario built on it draw their parameters from it:

    python scripts/ship_posterior.py lorenskog results/abc-lorenskog [--name-it]

The calibrated scenario's fixed values (the optimiser's best point) are left as they are:
``--posterior none`` runs at them.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"\n# The posterior of `sim calibrate.*?\ncalibration:\n(?:  .*\n)+", re.S)


def ship(name: str, folder: Path, name_it: bool = False) -> None:
    fit = ROOT / "calibration" / "fit"
    for source, target in (
        ("posterior.csv", f"{name}-posterior.csv"),
        ("parameters.csv", f"{name}-parameters.csv"),
        ("predictive.csv", f"{name}-predictive.csv"),
    ):
        shutil.copyfile(folder / source, fit / target)
    if not name_it:
        return
    scenario = ROOT / "scenarios" / f"{name}-calibrated.yaml"
    text = BLOCK.sub("\n", scenario.read_text(encoding="utf-8")).rstrip("\n") + "\n"
    text += (
        f"\n# The posterior of `sim calibrate calibration/{name}.yaml --method abc` (its "
        f"parameters and\n# posterior predictive check beside it in calibration/fit/; "
        "shipped by\n# scripts/ship_posterior.py): runs draw their fitted values from it, "
        "and\n# --posterior none runs at the fixed values above.\n"
        "calibration:\n"
        f"  posterior: ../calibration/fit/{name}-posterior.csv\n"
    )
    scenario.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--name-it"]
    if len(arguments) != 2:
        sys.exit("usage: python scripts/ship_posterior.py NAME RESULT_FOLDER [--name-it]")
    ship(arguments[0], Path(arguments[1]), "--name-it" in sys.argv)
