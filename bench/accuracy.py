"""Accuracy of the reader on realistic ballots, per scan profile: the figures a counting board relies on.

For each profile (scanner-gray, scanner-bilevel, photocopy, dirty-rollers, colored-paper,
folds, jpeg-low, phone) it simulates ballots of the 12-official template with all pens and
mark shapes, doubtful marks, corrections, struck-out names and margin writing (seeded,
so every run is the same), scans them with the CLI and compares every row with the truth.

Printed per profile and in total: ballot positions (rows) read, silent errors (a row counted
without review whose reading differs from the truth), review rate among clear rows, share of
doubtful rows and corrections sent to review, struck-out names flagged, unusable pages.
The confusion table (truth class x outcome) is written to out/bench/accuracy/confusion.csv.

Run:  .venv/bin/python bench/accuracy.py                       # 250 ballots a profile, 2,000 in all
      .venv/bin/python bench/accuracy.py --ballots 4 --profiles scanner-gray,phone   # quick
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from scanner.scanfx import PROFILES
from scanner.truthcheck import Comparison, compare

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "uy-ban-thuong-vu-12"
KINDS = ("clear", "blank", "multi", "doubtful", "correction")
OUTCOMES = ("counted, right", "counted, wrong", "review")
PHONE_USABLE_TARGET = 0.99


def scan_profile(profile: str, ballots: int, seed: int, work: Path, workers: int) -> tuple[Path, Path]:
    """Simulate (once) and scan (every time) one profile's ballots; the count database and the truth file."""
    folder = work / f"{profile}-{ballots}-{seed}"
    scans, truth, db = folder / "scans", folder / "truth.json", folder / "count.db"
    if not truth.exists():
        shutil.rmtree(scans, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "scanner", "simulate", str(TEMPLATE), "--ballots", str(ballots), "--out", str(scans),
             "--truth", str(truth), "--seed", str(seed), "--profile", profile, "--realistic"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    scan = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "--db", str(db), "--template", str(TEMPLATE), "--workers",
         str(workers), str(scans)],
        capture_output=True, text=True,
    )  # fmt: skip
    if scan.returncode not in (0, 3):
        raise SystemExit(f"scan of {profile} failed:\n{scan.stdout}\n{scan.stderr}")
    return db, truth


def run_profile(profile: str, ballots: int, seed: int, work: Path, workers: int) -> Comparison:
    return compare(*scan_profile(profile, ballots, seed, work, workers))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=250, help="ballots per profile")
    parser.add_argument("--seed", type=int, default=96)
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench" / "accuracy")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    names = [p.strip() for p in args.profiles.split(",")]
    results = {
        name: run_profile(name, args.ballots, args.seed + i, args.out, args.workers) for i, name in enumerate(names)
    }

    header = ("profile", "rows", "silent errors", "clear to review", "doubtful+corr. to review", "struck flagged",
              "clean flagged", "unusable pages")  # fmt: skip
    widths = (16, 7, 14, 16, 25, 15, 14, 15)
    print("".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))))
    total = Counter[str]()
    outcomes: Counter[tuple[str, str]] = Counter()
    for name, c in results.items():
        doubt = sum(c.outcomes[(k, o)] for k in ("doubtful", "correction") for o in OUTCOMES)
        doubt_review = sum(c.outcomes[(k, "review")] for k in ("doubtful", "correction"))
        cells = (name, str(c.rows), str(len(c.silent_errors)), _pct(c.clear_review, c.clear_rows),
                 _pct(doubt_review, doubt), f"{c.struck_flagged}/{c.struck_pages}",
                 f"{c.clean_pages_flagged}/{c.pages - c.pages_unusable - c.struck_pages - c.margin_pages}",
                 f"{c.pages_unusable}/{c.pages}")  # fmt: skip
        print("".join(x.rjust(w) if i else x.ljust(w) for i, (x, w) in enumerate(zip(cells, widths, strict=True))))
        for key, value in (("rows", c.rows), ("silent", len(c.silent_errors)), ("clear", c.clear_rows),
                           ("clear_review", c.clear_review), ("doubt", doubt), ("doubt_review", doubt_review),
                           ("struck", c.struck_pages), ("struck_flagged", c.struck_flagged), ("pages", c.pages),
                           ("unusable", c.pages_unusable)):  # fmt: skip
            total[key] += value
        outcomes.update(c.outcomes)
    print(f"{'total':16}{total['rows']:>7}{total['silent']:>14}{_pct(total['clear_review'], total['clear']):>16}"
          f"{_pct(total['doubt_review'], total['doubt']):>25}{total['struck_flagged']:>9}/{total['struck']:<5}"
          f"{'':>14}{total['unusable']:>9}/{total['pages']:<5}")  # fmt: skip

    with (args.out / "confusion.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["truth", *OUTCOMES])
        for kind in KINDS:
            writer.writerow([kind, *(outcomes[(kind, o)] for o in OUTCOMES)])
    print(f"\nConfusion (truth class x outcome), also in {args.out / 'confusion.csv'}:")
    print(f"{'':12}" + "".join(o.rjust(16) for o in OUTCOMES))
    for kind in KINDS:
        print(f"{kind:12}" + "".join(str(outcomes[(kind, o)]).rjust(16) for o in OUTCOMES))
    for name, c in results.items():
        for line in c.silent_errors[:5]:
            print(f"silent error, {name}: {line}")


if __name__ == "__main__":
    main()
