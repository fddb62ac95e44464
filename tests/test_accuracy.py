"""A short run of bench/accuracy.py's scenario: realistic marks under every scan profile of both simulators."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run

from scanner.scanfx import PROFILES
from scanner.truthcheck import Comparison, compare

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "uy-ban-thuong-vu-12"
INDEPENDENT = ("office", "cheap", "photocopy", "phone", "bilevel", "streaky")  # bench/sim2's profiles


def _scan(scans: Path, truth: Path, db: Path) -> Comparison:
    result = run("scan", "--db", db, "--template", TEMPLATE, "--workers", "1", scans, check=False)
    assert result.returncode in (0, 3), result.stderr
    return compare(db, truth)


def _no_silent_error(c: Comparison) -> None:
    assert c.pages_unusable == 0
    assert c.silent_errors == []
    assert c.multi_not_reviewed == 0
    assert c.outcomes[("correction", "counted, right")] + c.outcomes[("correction", "counted, wrong")] == 0
    assert c.bilevel_missed == 0 and c.bilevel_false == 0


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_no_row_is_counted_wrongly(profile: str, tmp_path: Path) -> None:
    scans, truth, db = tmp_path / "scans", tmp_path / "truth.json", tmp_path / "count.db"
    run("simulate", TEMPLATE, "--ballots", "3", "--out", scans, "--truth", truth, "--seed", "40",
        "--profile", profile, "--realistic")  # fmt: skip
    _no_silent_error(_scan(scans, truth, db))


@pytest.mark.parametrize("profile", INDEPENDENT)
def test_no_row_is_counted_wrongly_on_the_independent_simulator(profile: str, tmp_path: Path) -> None:
    scans, truth, db = tmp_path / "scans", tmp_path / "truth.json", tmp_path / "count.db"
    made = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sim2" / "make.py"), str(TEMPLATE), "--profile", profile,
         "--ballots", "3", "--seed", "40", "--out", str(scans), "--truth", str(truth), "--workers", "1"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-3000:]
    _no_silent_error(_scan(scans, truth, db))


def test_rubbed_out_marks_are_never_counted(tmp_path: Path) -> None:
    """A stack rich in erasures, dots and faint ticks (half the rows doubtful): every one waits.

    Before marks were compared with the voter's own, two erasures of this stack were counted as votes.
    """
    scans, truth, db = tmp_path / "scans", tmp_path / "truth.json", tmp_path / "count.db"
    made = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sim2" / "make.py"), str(TEMPLATE), "--profile", "cheap",
         "--ballots", "8", "--seed", "42", "--doubtful", "0.5", "--out", str(scans), "--truth", str(truth)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-3000:]
    c = _scan(scans, truth, db)
    _no_silent_error(c)
    assert c.outcomes[("doubtful", "review")] >= 20  # the stack holds what it is meant to
