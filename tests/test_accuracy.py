"""A short run of bench/accuracy.py's scenario: realistic marks under every scan profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

from scanner.scanfx import PROFILES
from scanner.truthcheck import compare

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "uy-ban-thuong-vu-12"


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_no_row_is_counted_wrongly(profile: str, tmp_path: Path) -> None:
    scans, truth, db = tmp_path / "scans", tmp_path / "truth.json", tmp_path / "count.db"
    run("simulate", TEMPLATE, "--ballots", "3", "--out", scans, "--truth", truth, "--seed", "40",
        "--profile", profile, "--realistic")  # fmt: skip
    result = run("scan", "--db", db, "--template", TEMPLATE, "--workers", "1", scans, check=False)
    assert result.returncode in (0, 3), result.stderr
    c = compare(db, truth)
    assert c.pages_unusable == 0
    assert c.silent_errors == []
    assert c.multi_not_reviewed == 0
    assert c.outcomes[("correction", "counted, right")] + c.outcomes[("correction", "counted, wrong")] == 0
