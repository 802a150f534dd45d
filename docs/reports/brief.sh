#!/usr/bin/env bash
# The guide's picture of brief.pdf: compares strict renewal with the calibrated Lørenskog
# (30 replications) with --report --lang nb --format pdf, then draws the brief's first page
# with pdftoppm (Debian's poppler-utils). Run from the repository folder:
#   bash docs/reports/brief.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sim compare scenarios/lorenskog-calibrated.yaml scenarios/policies/lorenskog-renewal-strict.yaml \
    --replications 30 --jobs 2 --quiet --report --lang nb --format pdf --out "$work/compare"
pdftoppm -r 70 -f 1 -l 1 -singlefile -png "$work/compare/brief.nb.pdf" docs/reports/brief-nb
echo "wrote docs/reports/brief-nb.png"
