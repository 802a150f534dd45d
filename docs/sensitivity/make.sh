#!/usr/bin/env bash
# Makes docs/sensitivity/lorenskog.png and lorenskog.csv (docs/guide/sensitivity.md, "Which assumptions
# matter?"): Morris screening of every number that the calibrated Lørenskog scenario's
# files call an assumption, each varied ±20 % (inside its limits), 8 trajectories, two
# replications a point with the scenario's seeds. Needs the sensitivity extra
# (python -m pip install ".[sensitivity]"); a few minutes on two cores with the
# compiled engine (python -m pip install ".[sensitivity]" without -e compiles it).
set -euo pipefail
cd "$(dirname "$0")/../.."
sim sensitivity scenarios/lorenskog-calibrated.yaml --from-assumptions --range 0.2 \
    --method morris --samples 8 --replications 2 --sample-seed 1 --jobs 2 \
    --out results/sensitivity-lorenskog --force
cp results/sensitivity-lorenskog/figures/sensitivity.png docs/sensitivity/lorenskog.png
cp results/sensitivity-lorenskog/sensitivity.csv docs/sensitivity/lorenskog.csv
