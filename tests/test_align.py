from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from scanner import templatefile
from scanner.align import align_page
from scanner.classify import classify_page
from scanner.load import reduce_resolution
from scanner.model import Alignment, BallotTemplate, PageImage, PageRef, Reading, Unreadable
from scanner.score import score_page
from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS
from scanner.simulate import SimOptions, draw_mark, render_pages, scan_effects


def _page(pixels: np.ndarray) -> PageImage:
    reduced, px_per_mm = reduce_resolution(pixels, DEFAULT_READER)
    return PageImage(PageRef("test", "0" * 64, 0), reduced, px_per_mm)


def _marked(t: BallotTemplate, dpi: int, seed: int) -> tuple[np.ndarray, list[int]]:
    rng = np.random.default_rng(seed)
    img = render_pages(t, dpi)[0].copy()
    levels = [int(rng.integers(0, len(t.levels))) for _ in t.pages[0].rows]
    for row, level in zip(t.pages[0].rows, levels, strict=True):
        draw_mark(img, row.boxes[level], dpi / 25.4, "cross", 60, rng)
    return img, levels


@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
@pytest.mark.parametrize("dpi", [150, 300])
def test_reads_every_orientation_and_resolution(template12_obj: BallotTemplate, orientation: int, dpi: int) -> None:
    img, levels = _marked(template12_obj, dpi, seed=orientation + dpi)
    rng = np.random.default_rng(1)
    scanned = scan_effects(img, dpi / 25.4, orientation, SimOptions(skew_deg=3), rng)
    page = _page(scanned)
    alignment = align_page(page, [template12_obj], DEFAULT_THRESHOLDS)
    assert isinstance(alignment, Alignment), alignment
    assert alignment.orientation == orientation
    assert alignment.code_read
    assert alignment.fit_error_mm < 0.5
    decisions = classify_page(score_page(page, alignment, DEFAULT_READER), DEFAULT_THRESHOLDS)
    assert [(d.reading, d.level) for d in decisions] == [(Reading.LEVEL, lv) for lv in levels]
    assert not any(d.needs_review for d in decisions)


@pytest.mark.parametrize("skew", [-10.0, 10.0])
def test_ten_degrees_of_skew(template12_obj: BallotTemplate, skew: float) -> None:
    img, levels = _marked(template12_obj, 200, seed=5)
    scanned = scan_effects(img, 200 / 25.4, 0, SimOptions(skew_deg=10), np.random.default_rng(0), angle_deg=skew)
    page = _page(scanned)
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
    img = render_pages(other, 200)[0]
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
    page = _page(img)
    alignment = align_page(page, [template12_obj], DEFAULT_THRESHOLDS)
    assert isinstance(alignment, Alignment) and not alignment.code_read
    decisions = classify_page(
        score_page(page, alignment, DEFAULT_READER), DEFAULT_THRESHOLDS, ("page_code_unreadable",)
    )
    assert all(d.needs_review for d in decisions)
    # with two templates having a page 1, marks alone cannot tell which: unusable
    twin = replace(template12_obj, fingerprint="f" * 64)
    result = align_page(page, [template12_obj, twin], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable) and result.reason == "page_code_unreadable"


def test_six_hundred_dpi_is_reduced_and_read(template12_obj: BallotTemplate) -> None:
    img, levels = _marked(template12_obj, 600, seed=60)
    scanned = scan_effects(img, 600 / 25.4, 90, SimOptions(skew_deg=2), np.random.default_rng(6))
    page = _page(scanned)
    assert page.px_per_mm < DEFAULT_READER.reduce_above_px_per_mm  # read at the working resolution
    alignment = align_page(page, [template12_obj], DEFAULT_THRESHOLDS)
    assert isinstance(alignment, Alignment), alignment
    assert alignment.orientation == 90
    decisions = classify_page(score_page(page, alignment, DEFAULT_READER), DEFAULT_THRESHOLDS)
    assert [(d.reading, d.level) for d in decisions] == [(Reading.LEVEL, lv) for lv in levels]
