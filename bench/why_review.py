"""Why clear rows go to a person: the review reasons of clear single marks, by shape and pen.

Reads count databases that bench/accuracy.py or bench/calibrate.py left (each folder holds
``count.db`` and ``truth.json``) and, for the rows the truth calls clear that were sent to
review, counts them by the reasons the reader gave, by the shape drawn and by the pen.  This is
where the "clear to review" figure of bench/accuracy.py comes from, split so that the largest
share can be worked on first.

Run:  .venv/bin/python bench/why_review.py out/bench/accuracy/independent-office-340-196
      .venv/bin/python bench/why_review.py out/bench/calibrate/*/     # several folders at once
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from scanner.truthcheck import rows_with_truth


def _shape(row: dict[str, object]) -> str:
    """The shape the truth drew in the marked box ("cross@1" -> "cross")."""
    drawn = [str(d).split("@")[0] for d in row.get("drawn", ()) if "@" in str(d)]  # type: ignore[attr-defined]
    return drawn[0] if drawn else "?"


def tally(folder: Path) -> tuple[int, Counter[str], Counter[str], Counter[str], Counter[str]]:
    """Clear rows judged; clear rows to review by reason set, by shape, by pen, and all clear rows by shape."""
    clear, reasons, shapes, pens, all_shapes = 0, Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    for _page, row, t, sheet in rows_with_truth(folder / "count.db", folder / "truth.json"):
        if t["kind"] != "clear":
            continue
        clear += 1
        all_shapes[_shape(t)] += 1
        if row["needs_review"]:
            reasons["+".join(sorted(row["reasons"])) or "(none)"] += 1
            shapes[_shape(t)] += 1
            pens[str(sheet.get("pen", "") or "?")] += 1
    return clear, reasons, shapes, pens, all_shapes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    for folder in args.folders:
        clear, reasons, shapes, pens, all_shapes = tally(folder)
        sent = sum(reasons.values())
        print(f"\n{folder}: {sent} of {clear} clear rows to review ({100 * sent / max(clear, 1):.2f}%)")
        for title, counts in (("reasons", reasons), ("shape", shapes), ("pen", pens)):
            print(f"  by {title}:")
            for key, n in counts.most_common(12):
                of = f" of {all_shapes[key]}" if title == "shape" else ""
                print(f"    {n:6}{of:>9}  {key}")


if __name__ == "__main__":
    main()
