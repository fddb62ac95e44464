#!/usr/bin/env bash
# Rebuild the committed sample scans (deterministic): 30 ballots of the 12-official template in
# mixed formats (scanner PDF, 1-bit G4 TIFF, JPEG) and resolutions, some fed upside-down, a few rows with two marks (they need review),
# and one page of another template (it must be refused).
set -euo pipefail
cd "$(dirname "$0")/.."
scanner=${SCANNER:-.venv/bin/scanner}
rm -rf samples/scans samples/truth.json
"$scanner" simulate templates/uy-ban-thuong-vu-12 --ballots 30 --seed 11 --out samples/scans \
  --truth samples/truth.json --format pdf,tiff-g4,jpeg,jpeg,tiff-g4 --dpi 150,200 --sheets-per-file 6 \
  --upside-down 0.15 --multi-rate 0.02 --noise 1.5 --jpeg-quality 55-70
tmp=$(mktemp -d)
"$scanner" simulate templates/bo-4 --ballots 1 --seed 1 --out "$tmp" --dpi 150 --noise 1.5 --jpeg-quality 60
cp "$tmp"/ballot-0001-p1.jpg samples/scans/khac-mau-phieu.jpg
rm -rf "$tmp"
