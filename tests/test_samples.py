"""The committed samples count as their truth says, the way `make demo` runs them."""

from __future__ import annotations

from pathlib import Path

from helpers import run, stored_tally

from scanner.store import Store
from scanner.truthcheck import compare, decide_as_truth, truth_counts

ROOT = Path(__file__).resolve().parent.parent


def test_samples_count_as_the_truth_says(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = run(
        "scan",
        "--db",
        db,
        "--template",
        ROOT / "templates" / "uy-ban-thuong-vu-12",
        ROOT / "samples" / "scans",
        check=False,
    )
    assert result.returncode == 3  # the page of another template, on purpose
    assert "khac-mau-phieu.jpg, page 1: page of another ballot" in result.stdout
    check = compare(db, ROOT / "samples" / "truth.json")
    # the 1-bit G4 TIFFs break the printed rules into dashes: those pages wait as a whole, and say so
    with Store(db) as store:
        pages = [p for p in store.export_pages() if p["status"] == "read"]
    one_bit = [p for p in pages if p["bilevel"]]
    assert {Path(str(p["file"])).suffix for p in one_bit} == {".tif"}
    lost = [p for p in one_bit if "ink_lost_bilevel_scan" in p["page_reasons"]]  # type: ignore[operator]
    assert lost and "Scan these sheets again in grey" in result.stdout
    assert check.rows == (30 - len(lost)) * 12 and check.silent_errors == [] and check.multi_not_reviewed == 0
    assert check.review > 0  # the samples show the review queue
    assert "PROVISIONAL" in run("tally", "--db", db).stdout
    decide_as_truth(db, ROOT / "samples" / "truth.json")
    assert stored_tally(db) == truth_counts(ROOT / "samples" / "truth.json", 3)


def test_bundled_templates_load_and_match_their_pdfs() -> None:
    from scanner import templatefile
    from scanner.ballotpdf import render_pdf

    sizes = {}
    for folder in sorted((ROOT / "templates").iterdir()):
        t = templatefile.load(folder)
        sizes[folder.name] = len(t.officials)
        # the committed PDF is the one the template draws (reportlab's invariant mode is byte-stable)
        assert (folder / "ballot.pdf").read_bytes() == render_pdf(t), folder
    assert sorted(sizes.values()) == [4, 12, 44]
