"""The independent simulator (bench/sim2): writes scans and a truth file the project can read, repeatably."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "uy-ban-thuong-vu-12"
KINDS = {"clear", "blank", "multi", "doubtful", "correction"}

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _make(out: Path, profile: str, ballots: int = 2, seed: int = 7) -> dict:
    from bench.sim2 import make

    truth = out / "truth.json"
    assert (
        make.main(
            [
                str(TEMPLATE),
                "--profile",
                profile,
                "--ballots",
                str(ballots),
                "--seed",
                str(seed),
                "--out",
                str(out / "scans"),
                "--truth",
                str(truth),
                "--quiet",
            ]
        )
        == 0
    )
    return json.loads(truth.read_text(encoding="utf-8"))


def _check_truth(data: dict, scans: Path, ballots: int) -> None:
    from scanner.truthcheck import truth_counts

    assert data["template"] == json.loads((TEMPLATE / "template.json").read_text(encoding="utf-8"))["fingerprint"]
    assert [b["ballot"] for b in data["ballots"]] == list(range(ballots))
    for b in data["ballots"]:
        assert [r["official_index"] for r in b["rows"]] == list(range(12))
        for r in b["rows"]:
            assert r["kind"] in KINDS and r["intended"] in {"level", "blank", "multi"}
            assert (r["level"] is None) == (r["intended"] != "level")
            assert all(0 <= m < 3 for m in r["marks"])
        (sheet,) = b["sheets"]
        assert (scans / sheet["file"]).stat().st_size > 1000
        assert sheet["page_number"] == 1 and sheet["orientation"] in (0, 180)
        for key in ("struck_name", "margin_writing", "pen", "profile", "dpi", "page_index", "artefacts", "bilevel"):
            assert key in sheet
    counts = truth_counts(scans.parent / "truth.json", 3)
    assert sum(sum(c) for c in counts.values()) == 12 * ballots


def test_cli_script_writes_scans_and_truth(tmp_path: Path) -> None:
    out = tmp_path / "office"
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "sim2" / "make.py"),
        str(TEMPLATE),
        "--profile",
        "office",
        "--ballots",
        "2",
        "--seed",
        "1",
        "--out",
        str(out / "scans"),
        "--truth",
        str(out / "truth.json"),
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "2/2 ballots" in run.stdout
    data = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    _check_truth(data, out / "scans", 2)
    assert all(b["sheets"][0]["file"].endswith(".jpg") for b in data["ballots"])


def test_bilevel_profile_and_same_seed_same_bytes(tmp_path: Path) -> None:
    first = _make(tmp_path / "a", "bilevel")
    _check_truth(first, tmp_path / "a" / "scans", 2)
    assert all(b["sheets"][0]["bilevel"] for b in first["ballots"])
    second = _make(tmp_path / "b", "bilevel")
    assert first == second
    names = sorted(p.name for p in (tmp_path / "a" / "scans").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b" / "scans").iterdir())
    for name in names:
        assert (tmp_path / "a" / "scans" / name).read_bytes() == (tmp_path / "b" / "scans" / name).read_bytes()


def test_shares_no_code_with_the_project_simulator() -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import bench.sim2.make, bench.sim2.profiles, bench.sim2.photo\n"
        "bad = [m for m in sys.modules if m in ('scanner.marks', 'scanner.scanfx', 'scanner.simulate')]\n"
        "print(','.join(bad) or 'clean')\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "clean"
