"""Shared helpers: run the CLI as a user would, and read a count back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scanner.store import Store
from scanner.tally import tally


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
