"""The committed samples count as their truth says, the way `make demo` runs them."""

from __future__ import annotations

from pathlib import Path

from helpers import run, stored_tally

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
    assert check.rows == 30 * 12 and check.silent_errors == [] and check.multi_not_reviewed == 0
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
