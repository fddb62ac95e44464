"""How the reader does on a simulated stack: silent errors, review rate, and the fill distributions
that the definite and marginal thresholds in scanner/settings.py are set from.

Simulates the end-to-end test's stack (300 ballots of the 12-official template, seed 7,
200-DPI JPEG with the simulator's default effects) unless told otherwise, scans it with the
CLI and compares every row with the truth file.

Run:  .venv/bin/python bench/reading.py [--ballots 300] [--seed 7] [--dpi 200] [--format jpeg]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

from scanner.settings import DEFAULT_THRESHOLDS
from scanner.truthcheck import compare

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "uy-ban-thuong-vu-12"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dpi", default="200")
    parser.add_argument("--format", default="jpeg")
    args = parser.parse_args()
    work = ROOT / "out" / "bench" / f"reading-{args.ballots}-{args.seed}-{args.dpi}-{args.format}".replace(",", "_")
    scans, truth, db = work / "scans", work / "truth.json", work / "count.db"
    if not truth.exists():
        subprocess.run(
            [sys.executable, "-m", "scanner", "simulate", str(TEMPLATE), "--ballots", str(args.ballots), "--out",
             str(scans), "--truth", str(truth), "--seed", str(args.seed), "--dpi", args.dpi, "--format", args.format],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "--db", str(db), "--template", str(TEMPLATE), str(scans)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    c = compare(db, truth)
    t = DEFAULT_THRESHOLDS
    print(f"Stack: {args.ballots} ballots x 12 rows, seed {args.seed}, {args.dpi} DPI, {args.format}")
    print(f"Rows read: {c.rows}; counted without review: {c.counted}; sent to review: {c.review} "
          f"({100 * c.review / c.rows:.2f}%)")  # fmt: skip
    print(f"Silent errors (counted, and wrong): {len(c.silent_errors)}")
    for line in c.silent_errors[:10]:
        print("  " + line)
    print(f"Clear rows sent to review: {c.clear_review} of {c.clear_rows} ({100 * c.clear_review / c.clear_rows:.2f}%)")
    print(f"Rows with two marks: {c.multi_rows}; counted without review: {c.multi_not_reviewed}")
    empty, marked = np.array(c.empty_fills), np.array(c.marked_fills)
    q = [50, 99, 99.9, 100]
    print(f"\nFill of empty boxes ({empty.size}): percentiles {q} = {np.percentile(empty, q).round(4).tolist()}")
    q2 = [0, 0.1, 1, 50]
    print(f"Fill of marked boxes ({marked.size}): percentiles {q2} = {np.percentile(marked, q2).round(4).tolist()}")
    print(f"Thresholds in use: marginal fill {t.marginal_fill}, solid fill {t.solid_fill}, "
          f"line ink {t.line_stroke} over {t.line_span_mm} mm")  # fmt: skip
    print(
        f"Empty boxes at or above marginal fill: {(empty >= t.marginal_fill).sum()}; "
        f"marked boxes below solid fill (counted by their lines or reviewed): {(marked < t.solid_fill).sum()}"
    )


if __name__ == "__main__":
    main()
