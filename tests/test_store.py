from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import run

from scanner.errors import StoreError
from scanner.model import Reading
from scanner.store import Store


@pytest.fixture
def scanned(template12: Path, tmp_path: Path) -> tuple[Path, Path]:
    scans, db = tmp_path / "scans", tmp_path / "count.db"
    run("simulate", template12, "--ballots", "3", "--out", scans, "--seed", "12", "--multi-rate", "0.2")
    run("scan", "--db", db, "--template", template12, scans)
    return scans, db


def test_real_tables_and_wal(scanned: tuple[Path, Path]) -> None:
    _, db = scanned
    with sqlite3.connect(db) as c:
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"files", "pages", "rows", "box_scores", "decisions", "page_images", "templates"} <= tables
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("SELECT count(*) FROM page_images").fetchone()[0] == 3
        assert c.execute("SELECT count(*) FROM box_scores").fetchone()[0] == 3 * 12 * 3


def test_a_rescan_never_overwrites_a_decision(scanned: tuple[Path, Path], template12: Path) -> None:
    scans, db = scanned
    with Store(db) as store:
        pending = store.review_rows()
        assert pending, "the fixture draws two marks on a fifth of the rows"
        row_id = pending[0][0]
        store.review_row(row_id, Reading.LEVEL, 1, reviewer="an")
        with pytest.raises(ValueError):
            store.review_row(row_id, Reading.LEVEL, None, reviewer="an")
        before = list(store.tally_rows())
    run("scan", "--db", db, "--template", template12, scans)
    with Store(db) as store:
        assert list(store.tally_rows()) == before
        assert row_id not in [r[0] for r in store.review_rows()]


def test_decisions_are_append_only(scanned: tuple[Path, Path]) -> None:
    _, db = scanned
    with Store(db) as store:
        row_id = store.review_rows()[0][0]
        store.review_row(row_id, Reading.BLANK, None, reviewer="an", comment="faint")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute("UPDATE decisions SET reviewer = 'x'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute("DELETE FROM decisions")


def test_page_image_kept_for_review(scanned: tuple[Path, Path]) -> None:
    _, db = scanned
    with Store(db) as store:
        media, data = store.page_image(1) or ("", b"")
        assert media == "image/jpeg" and data[:3] == b"\xff\xd8\xff"


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE t (x)")
        c.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="schema 99"):
        Store(db)
