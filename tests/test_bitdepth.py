"""A page's bit depth is judged from its pixels, whatever file holds it; a 1-bit page never counts a bare row."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers import run
from PIL import Image

from scanner.classify import BLANK_ON_BILEVEL, INK_LOST
from scanner.load import inspect_file, load_page
from scanner.model import PageImage, PageRef
from scanner.settings import DEFAULT_READER
from scanner.store import Store


@pytest.fixture(scope="module")
def one_bit_page(template12: Path, tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """A 1-bit scan of a marked ballot with many bare rows, as 0/255 pixels."""
    out = tmp_path_factory.mktemp("bilevel")
    run("simulate", template12, "--ballots", "1", "--out", out, "--seed", "5", "--profile", "scanner-bilevel",
        "--format", "png", "--blank-rate", "0.4")  # fmt: skip
    (png,) = out.glob("*.png")
    pixels = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
    assert set(np.unique(pixels)) == {0, 255}
    return pixels


@pytest.fixture(scope="module")
def grey_page(template12: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grey")
    run("simulate", template12, "--ballots", "1", "--out", out, "--seed", "6", "--profile", "photocopy")
    (jpeg,) = out.glob("*.jpg")
    return jpeg


def _load(path: Path) -> PageImage:
    f = inspect_file(path)
    loaded = load_page(PageRef(f.path, f.sha256, 0), f.kind, DEFAULT_READER)
    assert isinstance(loaded, tuple), loaded
    return loaded[0]


def _jpeg(pixels: np.ndarray, quality: int) -> bytes:
    return cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


def _pdf(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=200.0)
    return buffer.getvalue()


CONTAINERS = {
    "png-8bit": lambda p: cv2.imencode(".png", p)[1].tobytes(),
    "jpeg-q60": lambda p: _jpeg(p, 60),
    "jpeg-q95": lambda p: _jpeg(p, 95),
    "tiff-g4": lambda p: _tiff_g4(p),
    # a scanner's black-and-white PDF mode: the page is one 1-bit image
    "pdf-1bit": lambda p: _pdf(Image.fromarray(p).convert("1")),
    # a JPEG of the 1-bit scan inside a PDF: rendering it blurs the edges into grey
    "pdf-jpeg-of-1bit": lambda p: _pdf(Image.open(io.BytesIO(_jpeg(p, 85)))),
    # resized by a viewer or a copy program: interpolation puts grey on every edge
    "png-resized": lambda p: cv2.imencode(".png", cv2.resize(p, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA))[
        1
    ].tobytes(),
    # one 1-bit page stored as two strips: the page is rendered, the images' bit depth still counts
    "pdf-two-1bit-strips": lambda p: _two_strips(p),
}
SUFFIX = {"png-8bit": ".png", "jpeg-q60": ".jpg", "jpeg-q95": ".jpg", "tiff-g4": ".tif"}


def _two_strips(pixels: np.ndarray) -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    h, w = pixels.shape
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(w * 72 / 200, h * 72 / 200))
    for top, part in ((0, pixels[: h // 2]), (h // 2, pixels[h // 2 :])):
        strip = io.BytesIO()
        Image.fromarray(part).convert("1").save(strip, "PNG")
        page.drawImage(
            ImageReader(strip), 0, (h - top - part.shape[0]) * 72 / 200, w * 72 / 200, part.shape[0] * 72 / 200
        )
    page.save()
    return buffer.getvalue()


def _tiff_g4(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).convert("1").save(buffer, "TIFF", compression="group4")
    return buffer.getvalue()


@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_a_one_bit_scan_is_known_in_any_file(container: str, one_bit_page: np.ndarray, tmp_path: Path) -> None:
    path = tmp_path / f"page{SUFFIX.get(container, '.pdf')}"
    path.write_bytes(CONTAINERS[container](one_bit_page))
    assert _load(path).bilevel


def test_a_grey_scan_is_not_taken_for_one_bit(grey_page: Path, tmp_path: Path) -> None:
    assert not _load(grey_page).bilevel
    pixels = cv2.imread(str(grey_page), cv2.IMREAD_GRAYSCALE)
    inside = tmp_path / "grey.pdf"
    inside.write_bytes(_pdf(Image.fromarray(pixels)))
    assert not _load(inside).bilevel


def test_bare_rows_of_a_one_bit_pdf_wait_for_a_person(
    template12: Path, one_bit_page: np.ndarray, tmp_path: Path
) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "bw.pdf").write_bytes(CONTAINERS["pdf-1bit"](one_bit_page))
    db = tmp_path / "count.db"
    result = run("scan", "--db", db, "--template", template12, "--workers", "1", scans)
    assert "Pages scanned in black and white (1-bit): 1" in result.stdout
    with Store(db) as store:
        (page,) = store.export_pages()
    assert page["bilevel"] is True
    rows = page["rows"]
    blank = [r for r in rows if r["reading"] == "blank"]  # type: ignore[union-attr]
    assert blank and all(r["needs_review"] and BLANK_ON_BILEVEL in r["reasons"] for r in blank)
    if INK_LOST in page["page_reasons"]:  # type: ignore[operator]
        assert "scan these sheets again in grey" in result.stdout.lower()


def test_an_image_too_large_to_hold_is_unreadable_and_the_scan_goes_on(template12: Path, tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    huge = Image.new("1", (40000, 40000), 1)  # a few hundred bytes of PDF claiming 1.6 billion pixels
    huge.save(scans / "a-huge.pdf", resolution=200.0)
    (scans / "b-bw.pdf").write_bytes(CONTAINERS["pdf-1bit"](np.full((2339, 1654), 255, np.uint8)))
    result = run("scan", "--db", tmp_path / "c.db", "--template", template12, "--workers", "1", scans, check=False)
    assert result.returncode == 3, result.stderr
    assert "a-huge.pdf, page 1" in result.stdout and "b-bw.pdf, page 1" in result.stdout
