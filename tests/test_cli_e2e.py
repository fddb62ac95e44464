"""End to end through the command line, as a counting board would run it."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers import run, stored_tally, write_officials

from scanner.truthcheck import compare, decide_as_truth, truth_counts

EXIT_UNUSABLE = 3


@pytest.mark.slow
def test_three_hundred_ballots_counted_exactly(template12: Path, tmp_path: Path) -> None:
    scans, truth, db = tmp_path / "scans", tmp_path / "truth.json", tmp_path / "count.db"
    run("simulate", template12, "--ballots", "300", "--out", scans, "--truth", truth, "--seed", "7")
    result = run("scan", "--db", db, "--template", template12, scans)
    assert "Pages read: 300" in result.stdout
    check = compare(db, truth)
    assert check.rows == 300 * 12
    assert check.silent_errors == []
    assert check.multi_not_reviewed == 0
    # every blank row waits for a person (2% of these rows); of the clear marks, hardly any
    assert check.clear_review / check.clear_rows <= 0.02, check
    assert check.outcomes[("blank", "review")] == sum(n for (kind, _), n in check.outcomes.items() if kind == "blank")
    # provisional until reviewed; then exactly the truth
    assert "PROVISIONAL" in run("tally", "--db", db).stdout
    assert decide_as_truth(db, truth) == check.review
    assert stored_tally(db) == truth_counts(truth, 3)
    table = run("tally", "--db", db).stdout
    assert "Final" in table and "Ballots collected: 300" in table
    data = json.loads(run("tally", "--db", db, "--format", "json").stdout)
    assert data["provisional"] is False and data["ballots"][0]["collected"] == 300


@pytest.mark.parametrize("fmt", ["jpeg", "png", "tiff", "tiff-g4", "pdf"])
def test_every_input_format(template12: Path, tmp_path: Path, fmt: str) -> None:
    scans, truth, db = tmp_path / "scans", tmp_path / "truth.json", tmp_path / "count.db"
    run(
        "simulate",
        template12,
        "--ballots",
        "4",
        "--out",
        scans,
        "--truth",
        truth,
        "--seed",
        "3",
        "--format",
        fmt,
        "--dpi",
        "150,300",
        "--upside-down",
        "0.5",
        "--sideways",
        "0.3",
    )
    run("scan", "--db", db, "--template", template12, scans, "--workers", "1")
    check = compare(db, truth)
    # a 1-bit page whose printed rules broke into dashes waits for a person as a whole
    assert fmt == "tiff-g4" or check.ink_lost_pages == 0
    assert check.rows + 12 * check.ink_lost_pages == 4 * 12 and check.silent_errors == []
    assert check.counted >= check.rows - 2


def test_scanner_style_pdf_has_one_jpeg_per_page(template12: Path, tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    run("simulate", template12, "--ballots", "3", "--out", scans, "--seed", "1", "--format", "pdf")
    (pdf,) = scans.glob("*.pdf")
    listing = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True, check=True).stdout
    images = [line.split() for line in listing.splitlines()[2:]]
    assert len(images) == 3 and all(row[8] == "jpeg" for row in images)


def test_multi_page_ballot(tmp_path: Path) -> None:
    officials = write_officials(tmp_path / "o.csv", 44)
    run("template", "new", officials, "--title", "Quốc hội", "--out", tmp_path / "t")
    scans, truth, db = tmp_path / "scans", tmp_path / "truth.json", tmp_path / "count.db"
    run("simulate", tmp_path / "t", "--ballots", "6", "--out", scans, "--truth", truth, "--seed", "2")
    run("scan", "--db", db, "--template", tmp_path / "t", scans)
    check = compare(db, truth)
    assert check.rows == 6 * 44 and check.silent_errors == []
    decide_as_truth(db, truth)
    assert stored_tally(db) == truth_counts(truth, 3)
    assert "Ballots collected: 6" in run("tally", "--db", db).stdout


def test_scanning_again_changes_nothing(template12: Path, tmp_path: Path) -> None:
    scans, db = tmp_path / "scans", tmp_path / "count.db"
    run("simulate", template12, "--ballots", "8", "--out", scans, "--seed", "4")
    run("scan", "--db", db, "--template", template12, scans)
    first = run("tally", "--db", db, "--format", "json").stdout
    # the same files again, also under another name
    (scans / "copy.jpg").write_bytes(next(scans.glob("*.jpg")).read_bytes())
    again = run("scan", "--db", db, scans)
    assert "Pages read: 0" in again.stdout and "already scanned: 9" in again.stdout
    assert run("tally", "--db", db, "--format", "json").stdout == first


def _pages_stored(db: Path) -> int:
    if not db.exists():
        return 0
    # read-write: after a kill, the WAL must be recovered, which a read-only connection cannot do
    connection = sqlite3.connect(db, timeout=30)
    try:
        return int(connection.execute("SELECT count(*) FROM pages").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not written yet
        return 0
    finally:
        connection.close()


@pytest.mark.slow
def _ctrl_c_as_at_a_terminal() -> None:
    """In the child: Ctrl-C interrupts, as at a terminal, even when the tests run in a background job
    (a shell starts those with SIGINT ignored, and Python then never raises KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_killed_scan_resumes_to_the_same_tally(template12: Path, tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    run(
        "simulate",
        template12,
        "--ballots",
        "60",
        "--out",
        scans,
        "--seed",
        "5",
        "--format",
        "jpeg,pdf",
        "--sheets-per-file",
        "20",
    )
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    run("scan", "--db", clean, "--template", template12, scans)
    for sig in (signal.SIGINT, signal.SIGKILL):
        for leftover in (killed, killed.with_name(killed.name + "-wal"), killed.with_name(killed.name + "-shm")):
            leftover.unlink(missing_ok=True)
        proc = subprocess.Popen(
            [sys.executable, "-m", "scanner", "scan", "--db", str(killed), "--template", str(template12), str(scans)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_ctrl_c_as_at_a_terminal,
        )
        deadline = time.monotonic() + 120
        while _pages_stored(killed) < 15 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert 0 < _pages_stored(killed) < 60, f"the scan should have been stopped midway: {err.decode()[-2000:]}"
        run("scan", "--db", killed, "--template", template12, scans)
        assert _pages_stored(killed) == 60
        assert (
            run("tally", "--db", killed, "--format", "json").stdout
            == run("tally", "--db", clean, "--format", "json").stdout
        )


def test_bad_inputs_are_named_and_the_rest_is_counted(template12: Path, foreign_template: Path, tmp_path: Path) -> None:
    scans, truth, db = tmp_path / "scans", tmp_path / "truth.json", tmp_path / "count.db"
    run("simulate", template12, "--ballots", "5", "--out", scans, "--truth", truth, "--seed", "6")
    run("simulate", foreign_template, "--ballots", "1", "--out", tmp_path / "foreign", "--seed", "1")
    (scans / "zz-foreign.jpg").write_bytes(next((tmp_path / "foreign").glob("*.jpg")).read_bytes())
    (scans / "empty.jpg").write_bytes(b"")
    good = next(scans.glob("ballot-*.jpg")).read_bytes()
    (scans / "truncated.jpg").write_bytes(good[: len(good) // 2])
    (scans / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a pdf\n")
    run(
        "simulate",
        template12,
        "--ballots",
        "2",
        "--out",
        tmp_path / "other",
        "--seed",
        "2",
        "--format",
        "tiff,png",
        "--sheets-per-file",
        "1",
    )
    for name in ("stack-0000.tif", "ballot-0002-p1.png"):
        data = (tmp_path / "other" / name).read_bytes()
        (scans / f"cut-{name}").write_bytes(data[: len(data) * 6 // 10])
    photo = np.random.default_rng(0).integers(0, 255, (1200, 900, 3), np.uint8)
    photo = cv2.GaussianBlur(photo, (0, 0), 8)
    cv2.imwrite(str(scans / "holiday-photo.jpg"), photo)
    (scans / "notes.txt").write_text("not a scan")
    result = run("scan", "--db", db, "--template", template12, scans, check=False)
    assert result.returncode == EXIT_UNUSABLE, result.stderr
    out = result.stdout
    assert "Unusable pages: 7" in out
    assert "cut-stack-0000.tif: cannot open the TIFF file" in out
    assert "cut-ballot-0002-p1.png, page 1: the PNG file is damaged" in out
    assert "empty.jpg: the file is empty" in out
    assert "truncated.jpg, page 1: the JPEG file is truncated" in out
    assert "corrupt.pdf: cannot open the PDF file" in out
    assert "holiday-photo.jpg, page 1: no registration marks found" in out
    assert "zz-foreign.jpg, page 1: page of another ballot" in out
    assert "Files ignored (not PDF/TIFF/JPEG/PNG): 1" in out
    check = good_rows_match_truth(db, truth)
    assert check == 5 * 12
    table = run("tally", "--db", db).stdout
    assert "Ballots collected: 5" in table and "7 page(s) await review" in table


def good_rows_match_truth(db: Path, truth: Path) -> int:
    """Rows of the good pages, all read as the truth says (bad pages have no rows)."""
    check = compare(db, truth)
    assert check.silent_errors == []
    return check.rows


def test_help_has_an_example_for_every_command() -> None:
    commands = [["template"], ["template", "new"], ["simulate"], ["scan"], ["tally"], ["export"], ["show"]]
    commands += [["reviewer"], ["review"], ["count"], ["count", "set"], ["count", "show"], ["report"], ["recount"]]
    for command in commands:
        text = run(*command, "--help").stdout
        assert "Example" in text and "scanner " + command[0] in text


def test_usage_errors(tmp_path: Path, template12: Path) -> None:
    missing = run("scan", "--db", tmp_path / "c.db", "--template", template12, tmp_path / "nope", check=False)
    assert missing.returncode == 1 and "no such file or folder" in missing.stderr
    no_db = run("tally", "--db", tmp_path / "none.db", check=False)
    assert no_db.returncode == 1 and "no such count database" in no_db.stderr
    not_db = tmp_path / "x.db"
    not_db.write_text("hello")
    assert "not a count database" in run("tally", "--db", not_db, check=False).stderr


def test_export_jsonl(template12: Path, tmp_path: Path) -> None:
    scans, db = tmp_path / "scans", tmp_path / "count.db"
    run("simulate", template12, "--ballots", "2", "--out", scans, "--seed", "8")
    run("scan", "--db", db, "--template", template12, scans)
    lines = run("export", "--db", db, "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 2
    page = json.loads(lines[0])
    assert page["status"] == "read" and page["page_number"] == 1 and len(page["file_sha256"]) == 64
    assert len(page["rows"]) == 12
    row = page["rows"][0]
    assert set(row) == {"official_index", "reading", "level", "needs_review", "reasons", "decision", "boxes"}
    assert [b["level"] for b in row["boxes"]] == [0, 1, 2]
    assert all(0 <= b["fill"] <= 1 for b in row["boxes"])


def test_watch_reads_files_as_the_scanner_finishes_them(template12: Path, tmp_path: Path) -> None:
    source, inbox, truth, db = tmp_path / "source", tmp_path / "inbox", tmp_path / "truth.json", tmp_path / "count.db"
    run("simulate", template12, "--ballots", "3", "--out", source, "--truth", truth, "--seed", "21")
    inbox.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "scanner", "scan", "--db", str(db), "--template", str(template12), "--watch",
         "--poll", "0.5", "--workers", "1", str(inbox)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_ctrl_c_as_at_a_terminal,
    )  # fmt: skip
    try:
        files = sorted(source.glob("*.jpg"))
        for f in files[:2]:
            (inbox / f.name).write_bytes(f.read_bytes())
        # the third arrives slowly, in pieces closer together than one look
        data = files[2].read_bytes()
        with (inbox / files[2].name).open("wb") as out:
            for start in range(0, len(data), len(data) // 8 + 1):
                out.write(data[start : start + len(data) // 8 + 1])
                out.flush()
                time.sleep(0.15)
        deadline = time.monotonic() + 60
        while _pages_stored(db) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        out_text, err_text = proc.communicate(timeout=60)
    assert proc.returncode == 0, err_text
    assert "Pages read: 3" in out_text and "Unusable" not in out_text
    assert compare(db, truth).silent_errors == []


def test_missing_poppler_stops_the_scan_without_blaming_the_file(template12: Path, tmp_path: Path) -> None:
    scans, db = tmp_path / "scans", tmp_path / "count.db"
    run("simulate", template12, "--ballots", "1", "--out", scans, "--seed", "1", "--format", "pdf")
    env = {"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)}  # no pdfinfo, no pdftoppm
    proc = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "--db", str(db), "--template", str(template12), str(scans)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1 and "poppler-utils" in proc.stderr
    # nothing was recorded against the file: once poppler is there, it reads normally
    assert "Pages read: 1" in run("scan", "--db", db, scans).stdout


def _outline_colour(picture: np.ndarray, template: object, row: int, level: int, box: dict[str, float]) -> tuple:
    """The colour of a box's drawn outline, sampled on its left edge (show draws at 6 px/mm)."""
    from scanner.render import legend

    s = 6.0
    rect = template.pages[0].rows[row].boxes[level]  # type: ignore[attr-defined]
    top = legend(picture.shape[1], s).shape[0]
    thick = max(2, int(round(s * 0.45)))
    x = int(round((rect.x_mm + box["dx_mm"]) * s)) - thick
    y = top + int(round((rect.cy_mm + box["dy_mm"]) * s))
    return tuple(int(v) for v in picture[y, x])


def test_show_draws_each_box_in_its_decisions_colour(template12: Path, template12_obj: object, tmp_path: Path) -> None:
    from scanner.model import Reading
    from scanner.render import COLOURS, BoxState
    from scanner.store import Store

    scans, db = tmp_path / "scans", tmp_path / "count.db"
    run("simulate", template12, "--ballots", "1", "--out", scans, "--seed", "3", "--multi-rate", "0.3")
    run("scan", "--db", db, "--template", template12, scans, check=False)
    listing = run("show", "--db", db).stdout
    assert "row(s) to review" in listing
    page = json.loads(run("export", "--db", db).stdout.splitlines()[0])
    rows = page["rows"]
    pending = next(r for r in rows if r["needs_review"])
    counted = next(r for r in rows if not r["needs_review"] and r["reading"] == "level")

    def colours(out: Path) -> tuple[tuple, tuple, tuple]:
        run("show", "--db", db, str(page["page_id"]), "--out", out)
        picture = cv2.imread(str(out))
        c = counted["official_index"]
        other = (counted["level"] + 1) % 3
        return (
            _outline_colour(picture, template12_obj, c, counted["level"], counted["boxes"][counted["level"]]),
            _outline_colour(picture, template12_obj, c, other, counted["boxes"][other]),
            _outline_colour(picture, template12_obj, pending["official_index"], 0, pending["boxes"][0]),
        )

    assert colours(tmp_path / "before.png") == (COLOURS[BoxState.COUNTED], COLOURS[BoxState.EMPTY],
                                                COLOURS[BoxState.REVIEW])  # fmt: skip
    with Store(db) as store:
        row_id = next(r[0] for r in store.review_rows() if r[5] == pending["official_index"])
        store.review_row(row_id, Reading.LEVEL, 0, reviewer="test")
    after = colours(tmp_path / "after.png")
    assert after[2] == COLOURS[BoxState.DECIDED]
    missing = run("show", "--db", db, "999", check=False)
    assert missing.returncode == 1 and "no page 999" in missing.stderr
