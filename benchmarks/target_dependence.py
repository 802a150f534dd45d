"""Which fitted targets each calibrated parameter moves, and the independent blocks that
follow: a measurement behind the cost of a Bayesian fit.

Each parameter is set to its lower and to its upper bound, the others kept at their
guesses, and the fitted targets are simulated with the same random numbers as at the
guesses (a household's draws do not depend on other settings). A target that keeps its
value in every replication does not depend on that parameter. Parameters that move a
common target form one block; blocks whose targets and parameters are disjoint are
independent, and a likelihood over them is a product:

    python benchmarks/target_dependence.py                         # Asker
    python benchmarks/target_dependence.py calibration/lorenskog.yaml --seeds 1 2 3
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from sim.calibration import load_calibration
from sim.calibration.engine import _replication_values, target_keys
from sim.calibration.spec import fit_scenario

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", nargs="?", default=str(ROOT / "calibration/asker.yaml"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--replications", type=int, default=2)
    args = parser.parse_args()
    calibration = load_calibration(args.spec)
    spec = calibration.spec
    targets = calibration.targets
    fitted = targets[~targets.year.isin(set(spec.holdout_years))].reset_index(drop=True)
    keys = target_keys(fitted)
    guesses = {name: p.guess for name, p in spec.parameters.items()}

    def simulate(values: dict[str, float], seed: int) -> np.ndarray:
        scenario = fit_scenario(calibration, values).model_copy(update={"seed": seed})
        return np.array(
            [_replication_values((scenario, r, keys)) for r in range(args.replications)]
        )

    moved: dict[str, set[str]] = {name: set() for name in spec.parameters}
    for seed in args.seeds:
        base = simulate(guesses, seed)
        for name, parameter in spec.parameters.items():
            for value in (parameter.low, parameter.high):
                changed = np.any(simulate({**guesses, name: value}, seed) != base, axis=0)
                moved[name] |= {str(fitted.target[i]) for i in np.flatnonzero(changed)}
    blocks: list[tuple[set[str], set[str]]] = []
    for name, touched in moved.items():
        joined = [b for b in blocks if b[1] & touched]
        block = ({name}, set(touched))
        for other in joined:
            blocks.remove(other)
            block[0].update(other[0])
            block[1].update(other[1])
        blocks.append(block)
    print(
        f"{args.spec}: {len(spec.parameters)} parameters, {len(fitted)} fitted targets, "
        f"seeds {args.seeds}, {args.replications} replications"
    )
    for number, (names, block_targets) in enumerate(blocks, 1):
        print(f"block {number}: {len(names)} parameters, {len(block_targets)} targets")
        for name in spec.parameters:
            if name in names:
                print(f"    {name}")
        print(f"    targets: {', '.join(sorted(block_targets))}")
    untouched = set(fitted.target.astype(str)) - set().union(*moved.values())
    print(f"moved by no parameter: {', '.join(sorted(untouched)) or 'none'}")


if __name__ == "__main__":
    main()
