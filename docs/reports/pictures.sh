#!/usr/bin/env bash
# The README's pictures of a report: runs flexbo.yaml with --report --lang nb, then
# draws the first page of report.nb.html (headless Chromium) and of report.nb.xlsx
# (LibreOffice to PDF, pdftoppm to PNG). Needs Debian's chromium, libreoffice-calc-nogui
# and poppler-utils. Run from the repository folder:  bash docs/reports/pictures.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sim run scenarios/flexbo.yaml --replications 30 --jobs 2 --quiet --report --lang nb \
    --out "$work/flexbo"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" --hide-scrollbars --window-size=1000,1400 \
    --screenshot=docs/reports/report-html.png "file://$work/flexbo/report.nb.html" 2>/dev/null
soffice --headless --convert-to pdf --outdir "$work" "$work/flexbo/report.nb.xlsx" >/dev/null
pdftoppm -r 80 -f 1 -l 1 -singlefile -png "$work/report.nb.pdf" docs/reports/report-xlsx
echo "wrote docs/reports/report-html.png and docs/reports/report-xlsx.png"
