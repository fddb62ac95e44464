"""`scanner recount`: the stored pages read again, differences listed, nothing changed."""

from __future__ import annotations

import csv
from pathlib import Path

from helpers import run

from scanner.model import Reading
from scanner.recount import MachineReading, with_overrides
from scanner.settings import DEFAULT_THRESHOLDS
from scanner.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _snapshot(db: Path) -> str:
    return run("export", "--db", db).stdout


def test_recount_lists_changes_and_touches_nothing(tmp_path: Path) -> None:
    db = tmp_path / "count.db"
    template = ROOT / "templates" / "uy-ban-thuong-vu-12"
    run("scan", "--db", db, "--template", template, ROOT / "samples" / "scans", check=False)
    before = _snapshot(db)

    # the same settings read the stored images exactly as the scan did
    same = run("recount", "--db", db, "--workers", "2").stdout
    assert "Read 31 stored page(s) again (360 rows) with the current settings: 0 row(s) and 0 page(s)" in same

    # a stricter reader would send some counted rows to review (lines short of a certain mark
    # still count when they are like the voter's others, unless that rule is made strict too)
    strict = ["--set", "solid_fill=0.2", "--set", "line_stroke=0.3", "--set", "light_peak_ratio=2"]
    changes_csv = tmp_path / "changes.csv"
    out = run("recount", "--db", db, *strict, "--csv", changes_csv, "--workers", "1").stdout
    changes = list(csv.DictReader(changes_csv.open(encoding="utf-8")))
    assert changes and f"{len(changes)} row(s) and 0 page(s) would read differently" in out
    assert all(c["before"].startswith("counted as") and c["after"].startswith("review") for c in changes)
    assert _snapshot(db) == before  # nothing written

    # a person decides one of those rows; recount says the decision stands, and leaves it alone
    first = changes[0]
    with Store(db) as store:
        page = store.page_record(int(first["page_id"]))
        assert page is not None
        official = next(i for i, o in enumerate(store.templates()[str(page["template"])].officials)
                        if o.stt == int(first["stt"]))  # fmt: skip
        row_id = store.conn.execute(
            "SELECT id FROM rows WHERE page_id = ? AND official_index = ?", (page["page_id"], official)
        ).fetchone()[0]
        store.review_row(row_id, Reading.LEVEL, 1, reviewer="lan")
    decided = _snapshot(db)
    again = run("recount", "--db", db, *strict, "--workers", "1").stdout
    line = next(x for x in again.splitlines() if f"STT {first['stt']} " in x and f"page {first['page_id']} " in x)
    assert line.endswith("[a person's decision stands]")
    assert "1 of those rows were decided by a person, and those decisions stand" in again
    assert _snapshot(db) == decided

    bad = run("recount", "--db", db, "--set", "no_such=1", check=False)
    assert bad.returncode == 1 and "no setting 'no_such'" in bad.stderr
    bad = run("recount", "--db", db, "--set", "solid_fill=high", check=False)
    assert bad.returncode == 1 and "solid_fill: 'high' is not a float" in bad.stderr


def test_overrides_reach_the_right_settings() -> None:
    thresholds, reader = with_overrides({"solid_fill": "0.5", "stroke_kernel_mm": "2", "multi_mark_to_review": "0"})
    assert thresholds.solid_fill == 0.5 and reader.stroke_kernel_mm == 2.0
    assert thresholds.multi_mark_to_review is False and thresholds.line_stroke == DEFAULT_THRESHOLDS.line_stroke


def test_a_review_row_stays_a_review_row_whatever_its_best_guess() -> None:
    assert MachineReading("multi", None, True, ("multiple_marks",)).outcome == MachineReading("level", 1, True).outcome
    assert MachineReading("level", 1, False).outcome != MachineReading("level", 2, False).outcome
