from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run, write_officials

from scanner import templatefile
from scanner.model import BallotTemplate


@pytest.fixture(scope="session")
def template12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 12-official template folder made through the CLI."""
    folder = tmp_path_factory.mktemp("template12")
    officials = write_officials(folder / "officials.csv", 12)
    run("template", "new", officials, "--title", "Lấy phiếu tín nhiệm Ban Thường vụ", "--out", folder / "t")
    return folder / "t"


@pytest.fixture(scope="session")
def template12_obj(template12: Path) -> BallotTemplate:
    return templatefile.load(template12)


@pytest.fixture(scope="session")
def foreign_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another ballot, with four officials: its pages must be refused by a 12-official count."""
    folder = tmp_path_factory.mktemp("foreign")
    officials = write_officials(folder / "officials.csv", 4)
    run("template", "new", officials, "--title", "Một cuộc bỏ phiếu khác", "--out", folder / "t")
    return folder / "t"
