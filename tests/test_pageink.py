"""Ink where no vote belongs: a struck-out name holds the page for a person, who may reject the ballot."""

from __future__ import annotations

from pathlib import Path

from helpers import run, stored_tally

from scanner import templatefile
from scanner.simulate import SimOptions, simulate, truth_document
from scanner.store import Store
from scanner.truthcheck import compare, decide_as_truth

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "uy-ban-thuong-vu-12"


def _stack(tmp_path: Path, **rates: float) -> tuple[Path, Path]:
    template = templatefile.load(TEMPLATE)
    opts = SimOptions(ballots=3, seed=5, **rates)  # type: ignore[arg-type]
    ballots = list(simulate(template, tmp_path / "scans", opts))
    truth = tmp_path / "truth.json"
    truth.write_text(truth_document(template, opts, ballots), encoding="utf-8")
    return tmp_path / "scans", truth


def test_struck_out_names_hold_the_page_and_a_rejected_ballot_counts_for_nobody(tmp_path: Path) -> None:
    scans, truth = _stack(tmp_path, struck_name_rate=1.0)
    db = tmp_path / "count.db"
    out = run("scan", "--db", db, "--template", TEMPLATE, scans).stdout
    assert "Pages held for review as a whole: 3" in out
    c = compare(db, truth)
    assert c.struck_flagged == c.struck_pages == 3 and c.silent_errors == []
    with Store(db) as store:
        assert [reasons for *_, reasons in store.flagged_pages()] == ["struck_out_name"] * 3
    table = run("tally", "--db", db).stdout
    assert "PROVISIONAL" in table and "3 page(s) await review" in table
    decide_as_truth(db, truth)  # a person rejects each ballot
    assert all(counts == (0, 0, 0, 0, 0) for counts in stored_tally(db).values())
    assert "Ballots collected: 3" in run("tally", "--db", db).stdout


def test_writing_in_the_margin_holds_the_page_until_accepted(tmp_path: Path) -> None:
    scans, truth = _stack(tmp_path, margin_writing_rate=1.0)
    db = tmp_path / "count.db"
    run("scan", "--db", db, "--template", TEMPLATE, scans)
    c = compare(db, truth)
    assert c.margin_flagged == c.margin_pages == 3
    decide_as_truth(db, truth)  # accepted: the votes on it count
    assert sum(sum(counts[:3]) for counts in stored_tally(db).values()) > 0
    assert "Final" in run("tally", "--db", db).stdout


def test_clean_pages_are_not_held(tmp_path: Path) -> None:
    scans, truth = _stack(tmp_path)
    db = tmp_path / "count.db"
    out = run("scan", "--db", db, "--template", TEMPLATE, scans).stdout
    assert "held for review as a whole" not in out
    assert compare(db, truth).clean_pages_flagged == 0
