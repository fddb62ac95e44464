"""Shared helpers: run the CLI as a user would, and compare a count with the simulator's truth."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from scanner.model import Reading
from scanner.store import Store
from scanner.tally import tally


def run(*args: str | Path, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``python -m scanner ARGS``; fails the test with the output when the exit code is not 0 and check is set."""
    proc = subprocess.run(
        [sys.executable, "-m", "scanner", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=900
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def write_officials(path: Path, count: int, bom: bool = False) -> Path:
    lines = ["STT,Họ và tên,Chức vụ"] + [f"{i},Nguyễn Thị Người {i},Ủy viên Ban Thường vụ" for i in range(1, count + 1)]
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Comparison:
    rows: int = 0
    counted: int = 0
    review: int = 0
    silent_errors: list[str] = field(default_factory=list)
    clear_rows: int = 0
    clear_review: int = 0
    multi_not_reviewed: int = 0


def compare_with_truth(db: Path, truth_path: Path) -> Comparison:
    """Every stored row against the row the simulator meant to draw."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    by_sheet: dict[tuple[str, int], dict[int, dict[str, object]]] = {}
    for ballot in truth["ballots"]:
        rows = {r["official_index"]: r for r in ballot["rows"]}
        for sheet in ballot["sheets"]:
            by_sheet[(Path(sheet["file"]).name, sheet["page_index"])] = rows
    out = Comparison()
    with Store(db) as store:
        for page in store.export_pages():
            if page["status"] != "read":
                continue  # unusable pages have no rows; the tests check their reasons
            key = (Path(str(page["file"])).name, int(page["page_index"]))  # type: ignore[call-overload]
            expected = by_sheet[key]
            for row in page["rows"]:  # type: ignore[attr-defined]
                t = expected[row["official_index"]]
                out.rows += 1
                if t["kind"] == "clear":
                    out.clear_rows += 1
                if row["needs_review"]:
                    out.review += 1
                    out.clear_review += t["kind"] == "clear"
                    continue
                out.counted += 1
                got = (row["reading"], row["level"])
                want = (t["intended"], t["level"])
                if t["kind"] == "multi":
                    out.multi_not_reviewed += 1
                if got != want:
                    out.silent_errors.append(f"{key} official {row['official_index']}: read {got}, truth {want}")
    return out


def review_to_truth(db: Path, truth_path: Path) -> int:
    """Decide every pending row as the truth says, as a careful reviewer would; returns how many."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    by_sheet = {}
    for ballot in truth["ballots"]:
        for sheet in ballot["sheets"]:
            by_sheet[(Path(sheet["file"]).name, sheet["page_index"])] = {r["official_index"]: r for r in ballot["rows"]}
    with Store(db) as store:
        pending = store.review_rows()
        for row_id, path, page_index, _template, _number, official in pending:
            t = by_sheet[(Path(path).name, page_index)][official]
            store.record_row_decision(row_id, Reading(t["intended"]), t["level"], reviewer="test")
    return len(pending)


def truth_tally(truth_path: Path, levels: int) -> dict[int, tuple[int, ...]]:
    """Official index -> (count per level..., blank, multi) as the truth has it."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    counts: dict[int, Counter[tuple[str, int | None]]] = {}
    for ballot in truth["ballots"]:
        for r in ballot["rows"]:
            counts.setdefault(r["official_index"], Counter())[(r["intended"], r["level"])] += 1
    return {
        i: tuple(c[("level", k)] for k in range(levels)) + (c[("blank", None)], c[("multi", None)])
        for i, c in counts.items()
    }


def stored_tally(db: Path) -> dict[int, tuple[int, ...]]:
    with Store(db) as store:
        result = tally(store.templates(), store.tally_rows(), store.pages_pending())
    (tt,) = result.templates
    return {i: (*o.levels, o.blank, o.multi) for i, o in enumerate(tt.officials)}
