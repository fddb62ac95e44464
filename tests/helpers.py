"""Shared helpers: run the CLI as a user would, and read a count back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.store import Store
from scanner.tally import tally

if TYPE_CHECKING:
    from scanner.model import Alignment
    from scanner.score import CanonicalPage

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "uy-ban-thuong-vu-12"


def run(
    *args: str | Path, cwd: Path | None = None, check: bool = True, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m scanner ARGS``; fails the test with the output when the exit code is not 0 and check is set."""
    proc = subprocess.run(
        [sys.executable, "-m", "scanner", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        input=input_text,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def write_officials(path: Path, count: int, bom: bool = False) -> Path:
    lines = ["STT,Họ và tên,Chức vụ"] + [f"{i},Nguyễn Thị Người {i},Ủy viên Ban Thường vụ" for i in range(1, count + 1)]
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored_tally(db: Path) -> dict[int, tuple[int, ...]]:
    with Store(db) as store:
        result = tally(store.templates(), store.tally_rows(), store.pages_pending())
    (tt,) = result.templates
    return {i: (*o.levels, o.blank, o.multi) for i, o in enumerate(tt.officials)}


def clean_canonical(scans: Path, _truth: Path | None = None) -> tuple[CanonicalPage, Alignment]:
    """The first page of a folder of scans of the 12-official template, aligned and upright in
    template coordinates, with its alignment."""
    from scanner import templatefile
    from scanner.align import align_page
    from scanner.load import inspect_file, load_page
    from scanner.model import PageRef
    from scanner.score import canonical_page
    from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS

    f = inspect_file(sorted(scans.iterdir())[0])
    loaded = load_page(PageRef(f.path, f.sha256, 0), f.kind, DEFAULT_READER)
    assert isinstance(loaded, tuple)
    alignment = align_page(loaded[0], (templatefile.load(TEMPLATE),), DEFAULT_THRESHOLDS, DEFAULT_READER)
    assert alignment
    return canonical_page(loaded[0], alignment, DEFAULT_READER), alignment
