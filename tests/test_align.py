from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from scanner import templatefile
from scanner.align import align_page
from scanner.classify import classify_page
from scanner.load import reduce_resolution
from scanner.marks import PENS, Ink, draw
from scanner.model import Alignment, BallotTemplate, PageImage, PageRef, Reading, Unreadable
from scanner.scanfx import PROFILES, apply_profile
from scanner.score import score_page
from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS
from scanner.simulate import render_pages

SCANNER = replace(PROFILES["scanner-gray"], skew_deg=3)


def scan(
    img: np.ndarray, dpi: int, orientation: int, seed: int, skew: float = 3, angle: float | None = None
) -> np.ndarray:
    profile = replace(SCANNER, skew_deg=skew)
    return apply_profile(img, dpi / 25.4, profile, orientation, np.random.default_rng(seed), angle_deg=angle)


def _page(pixels: np.ndarray) -> PageImage:
    reduced, px_per_mm = reduce_resolution(pixels, DEFAULT_READER)
    return PageImage(PageRef("test", "0" * 64, 0), reduced, px_per_mm)


def _marked(t: BallotTemplate, dpi: int, seed: int) -> tuple[np.ndarray, list[int]]:
    rng = np.random.default_rng(seed)
    img = render_pages(t, dpi)[0].copy()
    levels = [int(rng.integers(0, len(t.levels))) for _ in t.pages[0].rows]
    ink = Ink(img, dpi / 25.4, rng)
    for row, level in zip(t.pages[0].rows, levels, strict=True):
        draw(ink, row.boxes[level], "cross", PENS["blue-ballpoint"])
    return img, levels


@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
@pytest.mark.parametrize("dpi", [150, 300])
def test_reads_every_orientation_and_resolution(template12_obj: BallotTemplate, orientation: int, dpi: int) -> None:
    img, levels = _marked(template12_obj, dpi, seed=orientation + dpi)
    page = _page(scan(img, dpi, orientation, seed=1))
    alignment = align_page(page, [template12_obj], DEFAULT_THRESHOLDS)
    assert isinstance(alignment, Alignment), alignment
    assert alignment.orientation == orientation
    assert alignment.code_read
    assert alignment.marks_used == 4  # a clean page rests on all four marks
    assert alignment.fit_error_mm < 0.5
    decisions = classify_page(score_page(page, alignment, DEFAULT_READER), DEFAULT_THRESHOLDS)
    assert [(d.reading, d.level) for d in decisions] == [(Reading.LEVEL, lv) for lv in levels]
    assert not any(d.needs_review for d in decisions)


@pytest.mark.parametrize("skew", [-10.0, 10.0])
def test_ten_degrees_of_skew(template12_obj: BallotTemplate, skew: float) -> None:
    img, levels = _marked(template12_obj, 200, seed=5)
    page = _page(scan(img, 200, 0, seed=0, skew=10, angle=skew))
    alignment = align_page(page, [template12_obj], DEFAULT_THRESHOLDS)
    assert isinstance(alignment, Alignment), alignment
    decisions = classify_page(score_page(page, alignment, DEFAULT_READER), DEFAULT_THRESHOLDS)
    assert [d.level for d in decisions] == levels
    assert not any(d.needs_review for d in decisions)


def test_blank_sheet_is_unreadable_with_a_reason(template12_obj: BallotTemplate) -> None:
    result = align_page(_page(np.full((2339, 1654), 245, np.uint8)), [template12_obj], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable) and not result
    assert result.reason == "no_registration_marks"


def test_page_of_another_template_is_refused(template12_obj: BallotTemplate, foreign_template) -> None:  # type: ignore[no-untyped-def]
    other = templatefile.load(foreign_template)
    img = cv2.cvtColor(render_pages(other, 200)[0], cv2.COLOR_BGR2GRAY)
    result = align_page(_page(img), [template12_obj], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable)
    assert result.reason == "unknown_template"
    assert other.short_id in result.detail


def test_damaged_code_falls_back_to_marks_and_sends_rows_to_review(template12_obj: BallotTemplate) -> None:
    img, _ = _marked(template12_obj, 200, seed=9)
    s = 200 / 25.4
    for strip in template12_obj.pages[0].code_strips:  # ink over both code strips
        y0, y1 = int(strip.y_mm * s), int((strip.y_mm + strip.cell_h_mm) * s)
        x0, x1 = int(strip.x_mm * s), int((strip.x_mm + 20) * s)
        img[y0:y1, x0:x1] = 30
    page = _page(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
    alignment = align_page(page, [template12_obj], DEFAULT_THRESHOLDS)
    assert isinstance(alignment, Alignment) and not alignment.code_read
    from scanner.classify import PAGE_CODE_UNREAD, page_reasons
    from scanner.pageink import PageInk

    assert page_reasons(PageInk(0.0, None, 0.0), alignment.code_read, DEFAULT_THRESHOLDS) == (PAGE_CODE_UNREAD,)
    # with two templates having a page 1, marks alone cannot tell which: unusable
    twin = replace(template12_obj, fingerprint="f" * 64)
    result = align_page(page, [template12_obj, twin], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable) and result.reason == "page_code_unreadable"


def test_six_hundred_dpi_is_reduced_and_read(template12_obj: BallotTemplate) -> None:
    img, levels = _marked(template12_obj, 600, seed=60)
    page = _page(scan(img, 600, 90, seed=6, skew=2))
    assert page.px_per_mm < DEFAULT_READER.reduce_above_px_per_mm  # read at the working resolution
    alignment = align_page(page, [template12_obj], DEFAULT_THRESHOLDS)
    assert isinstance(alignment, Alignment), alignment
    assert alignment.orientation == 90
    decisions = classify_page(score_page(page, alignment, DEFAULT_READER), DEFAULT_THRESHOLDS)
    assert [(d.reading, d.level) for d in decisions] == [(Reading.LEVEL, lv) for lv in levels]
