from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run, write_officials

from scanner import templatefile
from scanner.model import BallotTemplate


def _make_template(factory: pytest.TempPathFactory, officials: int, title: str) -> Path:
    folder = factory.mktemp(f"template{officials}")
    listing = write_officials(folder / "officials.csv", officials)
    run("template", "new", listing, "--title", title, "--out", folder / "t")
    return folder / "t"


@pytest.fixture(scope="session")
def template12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 12-official template folder made through the CLI."""
    return _make_template(tmp_path_factory, 12, "Lấy phiếu tín nhiệm Ban Thường vụ")


@pytest.fixture(scope="session")
def template12_obj(template12: Path) -> BallotTemplate:
    return templatefile.load(template12)


@pytest.fixture(scope="session")
def foreign_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another ballot, with four officials: its pages must be refused by a 12-official count."""
    return _make_template(tmp_path_factory, 4, "Một cuộc bỏ phiếu khác")
