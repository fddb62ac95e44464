"""Where the mark thresholds come from: every box's scores beside what was drawn in it.

Simulates realistic ballots for each calibration profile (bench/accuracy.py's CALIBRATION: every
profile of the own simulator, and the independent one's cheap, photocopy, phone and streaky) on seeds apart from
bench/accuracy.py's (so thresholds are not fitted to the figures they are judged by), scans them with the CLI and
labels every box of every page not held for review by what the simulator drew there:
``empty``, a clear mark (``clear`` with a light pen, pencil, apart as ``clear-pencil``),
``erased``, ``dot``, ``faint-stroke``, ``outside`` (drawn beside it), ``scribble``.

Prints percentiles of each score per label and writes every box to
out/bench/calibrate/boxes.csv.  The settings quote these figures.

Run:  .venv/bin/python bench/calibrate.py                 # 60 ballots a profile
      .venv/bin/python bench/calibrate.py --simulator independent
      .venv/bin/python bench/calibrate.py --ballots 10    # quick
      # the sets rich in erasures that settings.py's ghost_* rules quote (40% doubtful rows):
      .venv/bin/python bench/calibrate.py --simulator independent --profiles cheap --seed 800 \
          --ballots 150 --doubtful 0.4 --out out/bench/calibrate-doubts
      .venv/bin/python bench/calibrate.py --simulator independent --profiles photocopy --seed 900 \
          --ballots 150 --doubtful 0.4 --out out/bench/calibrate-doubts-pc
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from accuracy import CALIBRATE_SEED, CALIBRATION, ROOT, scan_profile

from scanner.store import BOX_FIELDS
from scanner.truthcheck import rows_with_truth

SCORES = (
    "fill",
    "faint",
    "darkness",
    "outside",
    "outside_faint",
    "stroke",
    "span_mm",
    "edge",
    "peak",
    "pieces",
    "ring",
    "over_rule",
    "joined_above",
    "joined_below",
    "off_middle_mm",
)


def box_labels(row: dict[str, object], pen: str) -> dict[int, str]:
    """Level -> what the simulator drew in that box."""
    labels: dict[int, str] = {}
    for level in row["marks"]:  # type: ignore[attr-defined]
        labels[level] = "clear-pencil" if pen == "pencil" else "clear"
    for extra in (d for d in row["drawn"] if "@" in d):  # type: ignore[attr-defined]
        kind, where = extra.split("@")
        for level in where.split("-"):  # "straddle@0-1": a mark across two boxes
            labels[int(level)] = kind
    return labels


def collect(db: Path, truth_path: Path, profile: str) -> list[dict[str, object]]:
    out = []
    for page, row, t, sheet in rows_with_truth(db, truth_path):
        labels = box_labels(t, sheet.get("pen", ""))
        for box in row["boxes"]:
            out.append(
                {"profile": profile, "page_id": page["page_id"], "official_index": row["official_index"],
                 "row_kind": t["kind"], "intended": t["intended"], "intended_level": t["level"],
                 "pen": sheet.get("pen", ""), "label": labels.get(box["level"], "empty"),
                 "bilevel": profile == "scanner-bilevel", "level": box["level"],
                 **{f: box[f] for f in BOX_FIELDS}}
            )  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=60, help="ballots per profile")
    parser.add_argument("--simulator", choices=sorted(CALIBRATION), default="own")
    parser.add_argument("--seed", type=int, help="first seed (default: the simulator's calibration seed)")
    parser.add_argument("--profiles", help="default: the simulator's calibration profiles (see bench/accuracy.py)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--doubtful", type=float, help="independent simulator: share of rows with a doubtful mark")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench" / "calibrate")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    boxes: list[dict[str, object]] = []
    seed = CALIBRATE_SEED[args.simulator] if args.seed is None else args.seed
    profiles = args.profiles.split(",") if args.profiles else CALIBRATION[args.simulator]
    for i, name in enumerate(p.strip() for p in profiles):
        db, truth = scan_profile(name, args.ballots, seed + i, args.out, args.workers, args.simulator, args.doubtful)
        boxes += collect(db, truth, name)
    with (args.out / "boxes.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(boxes[0]))
        writer.writeheader()
        writer.writerows(boxes)
    labels = sorted({str(b["label"]) for b in boxes})
    qs = (0, 1, 5, 50, 95, 99, 100)
    for score in SCORES:
        print(f"\n{score}: percentiles {', '.join(map(str, qs))}")
        for label in labels:
            values = np.array([float(b[score]) for b in boxes if b["label"] == label])  # type: ignore[arg-type]
            cells = " ".join(f"{np.percentile(values, q):8.3f}" for q in qs)
            print(f"  {label:14} n={len(values):6}  {cells}")
    print(f"\nevery box: {args.out / 'boxes.csv'}")


if __name__ == "__main__":
    main()
