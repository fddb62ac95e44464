"""Alignment on dirty copies and damaged sheets: every visible mark found, fewer marks read strictly.

Pages are rendered from the committed templates, placed on a scanner bed by a plain turn
and shift (no perspective, so a fit from fewer marks can be compared with the four-mark
fit to a tenth of a millimetre), then degraded here: dark mottled corners, a light
gradient, toner specks, roller streaks and JPEG at quality 60.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from scanner import align, marks_find, templatefile
from scanner.load import reduce_resolution
from scanner.model import Alignment, BallotTemplate, PageImage, PageRef, Unreadable
from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS
from scanner.simulate import render_pages

ROOT = Path(__file__).resolve().parent.parent
DPI = 200
S = DPI / 25.4  # px per mm of the rendered page
BED = 246  # the scanner lid's grey around the sheet


@cache
def _template(name: str) -> BallotTemplate:
    return templatefile.load(ROOT / "templates" / name)


@cache
def _rendered(name: str) -> tuple[np.ndarray, ...]:
    return tuple(cv2.cvtColor(p, cv2.COLOR_BGR2GRAY) for p in render_pages(_template(name), DPI))


def _t12() -> BallotTemplate:
    return _template("uy-ban-thuong-vu-12")


def _placed(sheet: np.ndarray, angle: float, orientation: int = 0) -> np.ndarray:
    """The sheet on the bed: turned by ``angle`` degrees and by ``orientation`` (0/90/180/270), 8 mm of bed around."""
    h, w = sheet.shape
    margin = int(8 * S + max(h, w) * abs(np.sin(np.radians(angle))) / 2)
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turn[:, 2] += margin
    out = cv2.warpAffine(sheet, turn, (w + 2 * margin, h + 2 * margin), flags=cv2.INTER_LINEAR, borderValue=BED)
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(out, turns[orientation]) if orientation else out


def _blotches(shape: tuple[int, int], rng: np.random.Generator, size_mm: float) -> np.ndarray:
    """A smooth random field in 0..1 with blotches about ``size_mm`` across."""
    step = max(1, int(size_mm * S / 2))
    coarse = rng.random((shape[0] // step + 2, shape[1] // step + 2)).astype(np.float32)
    field = cv2.resize(coarse, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)
    field = cv2.GaussianBlur(field, (0, 0), step / 2)
    return np.clip((field - field.mean()) / (field.std() + 1e-6) + 0.5, 0, 1)  # sharp-edged


def degrade(
    image: np.ndarray,
    seed: int,
    dark: tuple[float, float] = (0.35, 0.6),
    specks: float = 1.5e-3,
    washed: float = 70,
    quality: int = 60,
) -> np.ndarray:
    """A cheap copier's version of ``image``: corners darkened to ``dark`` of the light, mottled, and the rest."""
    rng = np.random.default_rng(seed)
    h, w = image.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    corner = np.zeros((h, w), np.float32)
    for cy, cx in ((0, 0), (0, w), (h, 0), (h, w)):
        corner = np.maximum(corner, np.clip(1.9 - np.hypot(yy - cy, xx - cx) / (32 * S), 0, 1))
    light = 1 - corner * (1 - (dark[0] + (dark[1] - dark[0]) * _blotches((h, w), rng, 2.0)))
    g = rng.normal(0, 1, 2)
    gradient = (xx / w - 0.5) * g[0] + (yy / h - 0.5) * g[1]
    light *= 1 - 0.4 * (gradient - gradient.min()) / float(np.ptp(gradient))
    out = image.astype(np.float32) * light
    for x in rng.integers(0, w, 3):  # roller streaks
        out[:, x : x + int(rng.integers(2, 5))] *= rng.uniform(0.5, 0.7)
    for _ in range(int(specks * h * w)):  # toner specks, 0.25-1 mm across
        x, y, r = int(rng.integers(0, w)), int(rng.integers(0, h)), int(rng.integers(1, 5))
        cv2.circle(out, (x, y), r, float(rng.uniform(20, 80)), -1)
    out = washed + out * (1 - washed / 255)  # a copier's grey toner floor
    out = cv2.GaussianBlur(out, (0, 0), 1.0) + rng.normal(0, 10, (h, w))
    ok, data = cv2.imencode(".jpg", np.clip(out, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.asarray(cv2.imdecode(data, cv2.IMREAD_GRAYSCALE))


def _page(pixels: np.ndarray) -> PageImage:
    reduced, px_per_mm = reduce_resolution(pixels, DEFAULT_READER)
    return PageImage(PageRef("test", "0" * 64, 0), reduced, px_per_mm)


def _aligned(pixels: np.ndarray, template: BallotTemplate | None = None) -> Alignment:
    result = align.align_page(_page(pixels), [template or _t12()], DEFAULT_THRESHOLDS)
    assert isinstance(result, Alignment), result
    return result


def _paint(pixels: np.ndarray, alignment: Alignment, x_mm: float, y_mm: float, w_mm: float, h_mm: float) -> None:
    """Paint a page rectangle (mm) over with the bed's grey, as if that part of the sheet were missing."""
    scale = pixels.shape[0] / _page(pixels).pixels.shape[0]  # the alignment is on the reduced page
    corners = np.array([[x_mm, y_mm], [x_mm + w_mm, y_mm], [x_mm + w_mm, y_mm + h_mm], [x_mm, y_mm + h_mm]])
    image = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), alignment.homography).reshape(-1, 2) * scale
    cv2.fillPoly(pixels, [np.round(image).astype(np.int32)], BED)


def _cut_corner(pixels: np.ndarray, alignment: Alignment, corner: int) -> None:
    """The sheet's corner ``corner`` (0 TL, 1 TR, 2 BR, 3 BL) torn off: 28 mm square, mark and all."""
    t = alignment.template
    x = 0.0 if corner in (0, 3) else t.page_width_mm - 28
    y = 0.0 if corner in (0, 1) else t.page_height_mm - 28
    _paint(pixels, alignment, x - 10, y - 10, 38, 38)


def _box_offsets_mm(a: Alignment, b: Alignment) -> float:
    """How far apart the two fits put the page's boxes (mm, the largest over every box corner)."""
    boxes = [r for row in a.page.rows for r in row.boxes]
    corners = np.array([[(r.x_mm, r.y_mm), (r.x_mm + r.w_mm, r.y_mm + r.h_mm)] for r in boxes]).reshape(-1, 1, 2)
    pa = cv2.perspectiveTransform(corners, a.homography).reshape(-1, 2)
    pb = cv2.perspectiveTransform(corners, b.homography).reshape(-1, 2)
    scale = np.sqrt(abs(np.linalg.det(a.homography[:2, :2] / a.homography[2, 2])))  # px per mm near the origin
    return float(np.max(np.linalg.norm(pa - pb, axis=1)) / scale)


# -- every mark a person sees is found ---------------------------------------------------------------


@pytest.mark.parametrize(("seed", "orientation"), [(0, 0), (5, 90), (2, 180), (7, 270)])
def test_dark_mottled_corners_still_give_four_marks(seed: int, orientation: int) -> None:
    clean = _placed(_rendered("uy-ban-thuong-vu-12")[0], angle=2.5, orientation=orientation)
    reference = _aligned(clean)
    dirty = degrade(clean, seed)
    page = _page(dirty)
    quick = marks_find.find_markers(page.pixels, "DICT_4X4_250", page.px_per_mm)
    assert len(quick) < 4, "the degradation must defeat the quick look, or this test tests nothing new"
    result = _aligned(dirty)
    assert result.marks_used == 4 and result.code_read
    assert result.orientation == orientation
    assert _box_offsets_mm(result, reference) < 0.3


def test_clean_pages_never_take_the_harder_look(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("harder look on a clean page")

    monkeypatch.setattr(marks_find, "find_markers_harder", refuse)
    monkeypatch.setattr(marks_find, "find_marker_near", refuse)
    for orientation in (0, 90, 180, 270):
        result = _aligned(_placed(_rendered("uy-ban-thuong-vu-12")[0], angle=-1.5, orientation=orientation))
        assert result.marks_used == 4 and result.orientation == orientation


# -- fewer marks: read strictly, or not at all --------------------------------------------------------


@pytest.mark.parametrize("corner", [0, 1, 2, 3])
def test_one_corner_torn_off_reads_from_three_marks(corner: int) -> None:
    clean = _placed(_rendered("uy-ban-thuong-vu-12")[0], angle=3.0, orientation=180)
    reference = _aligned(clean)
    torn = clean.copy()
    _cut_corner(torn, reference, corner)
    result = _aligned(degrade(torn, seed=corner, dark=(0.55, 0.8), specks=3e-4, washed=0, quality=75))
    assert result.marks_used == 3
    assert result.code_read
    assert _box_offsets_mm(result, reference) < 0.3


def test_three_marks_with_the_code_strip_by_the_lost_corner_inked_over_are_unusable() -> None:
    clean = _placed(_rendered("uy-ban-thuong-vu-12")[0], angle=1.0)
    reference = _aligned(clean)
    torn = clean.copy()
    _cut_corner(torn, reference, 2)  # bottom right: the bottom strip checks that corner
    strip = reference.page.code_strips[1]
    _paint(torn, reference, strip.x_mm + 64, strip.y_mm - 1, 66, strip.cell_h_mm + 2)  # its right half
    result = align.align_page(_page(torn), [_t12()], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable) and result.reason == "too_few_registration_marks", result


def test_a_corner_cropped_off_the_image_reads_from_three_marks() -> None:
    clean = _placed(_rendered("uy-ban-thuong-vu-12")[0], angle=3.0)
    reference = _aligned(clean)
    right = {m.corner: m for m in reference.page.markers if m.corner in (1, 2)}
    xs = {
        c: cv2.perspectiveTransform(marks_find.marker_points_mm(m).reshape(-1, 1, 2), reference.homography)[:, 0, 0]
        for c, m in right.items()
    }
    cut, kept = (1, 2) if xs[1].max() > xs[2].max() else (2, 1)
    edge = int((xs[kept].max() + xs[cut].min()) / 2) + 3  # through the outer mark, clear of the inner one
    assert xs[kept].max() < edge < xs[cut].max()
    result = _aligned(clean[:, :edge].copy())
    assert result.marks_used == 3 and result.code_read
    assert _box_offsets_mm(result, reference) < 0.3


def test_three_marks_out_of_shape_are_held_to_the_tighter_limit() -> None:
    clean = _placed(_rendered("uy-ban-thuong-vu-12")[0], angle=1.5)
    reference = _aligned(clean)
    damaged = clean.copy()
    _cut_corner(damaged, reference, 2)
    (marker,) = [m for m in reference.page.markers if m.corner == 0]  # copied 15% too large
    centre = cv2.perspectiveTransform(np.array([[[marker.rect.cx_mm, marker.rect.cy_mm]]]), reference.homography)
    half, x, y = int(9 * S), int(centre[0, 0, 0]), int(centre[0, 0, 1])
    patch = damaged[y - half : y + half, x - half : x + half].copy()
    grow = cv2.getRotationMatrix2D((half, half), 0, 1.15)
    damaged[y - half : y + half, x - half : x + half] = cv2.warpAffine(patch, grow, patch.shape[::-1], borderValue=255)
    result = align.align_page(_page(damaged), [_t12()], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable) and result.reason == "alignment_failed", result
    error = float(result.detail.split(" mm out of place")[0].split()[-1])
    assert DEFAULT_THRESHOLDS.max_fit_error_mm * align.FEW_MARKS_FIT_SHARE < error < DEFAULT_THRESHOLDS.max_fit_error_mm


@pytest.mark.parametrize("lost", [(0, 2), (1, 3), (1, 2), (0, 1), (2, 3)])
def test_two_corners_torn_off_read_only_with_the_code(lost: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(align, "READ_FROM_TWO_MARKS", True)
    clean = _placed(_rendered("uy-ban-thuong-vu-12")[0], angle=-2.0, orientation=90)
    reference = _aligned(clean)
    torn = clean.copy()
    for corner in lost:
        _cut_corner(torn, reference, corner)
    result = _aligned(torn)
    assert result.marks_used == 2 and result.code_read
    assert _box_offsets_mm(result, reference) < 0.3
    # one of the two code strips unreadable: two marks are no longer enough
    strip = reference.page.code_strips[int(lost == (0, 1))]
    _paint(torn, reference, strip.x_mm - 1, strip.y_mm - 1, strip.bits * strip.cell_w_mm + 2, strip.cell_h_mm + 2)
    refused = align.align_page(_page(torn), [_t12()], DEFAULT_THRESHOLDS)
    assert isinstance(refused, Unreadable) and refused.reason == "too_few_registration_marks", refused


def test_two_marks_are_not_read_while_switched_off() -> None:
    clean = _placed(_rendered("uy-ban-thuong-vu-12")[0], angle=-2.0)
    reference = _aligned(clean)
    for corner in (0, 2):
        _cut_corner(clean, reference, corner)
    assert not align.READ_FROM_TWO_MARKS
    result = align.align_page(_page(clean), [_t12()], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable) and result.reason == "too_few_registration_marks", result
    assert "only 2 of the 4" in result.detail


# -- wrong fits are refused ---------------------------------------------------------------------------


def _pasted(top: np.ndarray, bottom: np.ndarray, vertical: bool) -> np.ndarray:
    """Two sheets cut in half and taped together: the top (or left) half of one, the rest of the other."""
    out = bottom.copy()
    if vertical:
        out[:, : out.shape[1] // 2] = top[:, : out.shape[1] // 2]
    else:
        out[: out.shape[0] // 2] = top[: out.shape[0] // 2]
    return out


@pytest.mark.parametrize("vertical", [False, True])
def test_halves_of_two_pages_pasted_together_are_refused(vertical: bool) -> None:
    first, second = (_placed(p, angle=1.0) for p in _rendered("quoc-hoi-44"))
    t44 = _template("quoc-hoi-44")
    assert _aligned(first, t44).page_number == 1 and _aligned(second, t44).page_number == 2
    result = align.align_page(_page(_pasted(first, second, vertical)), [t44], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable) and result.reason == "inconsistent_page", result


def test_a_corner_of_another_page_pasted_on_is_refused() -> None:
    first, second = (_placed(p, angle=1.0) for p in _rendered("quoc-hoi-44"))
    t44 = _template("quoc-hoi-44")
    reference = _aligned(first, t44)
    patched = first.copy()
    mask = np.zeros(first.shape, np.uint8)
    _cut_corner(mask, reference, 1)  # paints the corner region (value BED) into the mask
    patched[mask > 0] = second[mask > 0]
    result = align.align_page(_page(patched), [t44], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable), result


def _move_mark(pixels: np.ndarray, alignment: Alignment, corner: int, dx_mm: float, dy_mm: float) -> None:
    """Cut the mark of ``corner`` out of the sheet and stick it back (dx, dy) mm off its place."""
    (marker,) = [m for m in alignment.page.markers if m.corner == corner]
    r = marker.rect
    scale = pixels.shape[0] / _page(pixels).pixels.shape[0]
    box = np.array([[r.x_mm - 2, r.y_mm - 2], [r.x_mm + r.w_mm + 2, r.y_mm + r.h_mm + 2]]).reshape(-1, 1, 2)
    (x0, y0), (x1, y1) = np.round(cv2.perspectiveTransform(box, alignment.homography).reshape(-1, 2) * scale)
    x0, x1, y0, y1 = int(min(x0, x1)), int(max(x0, x1)), int(min(y0, y1)), int(max(y0, y1))
    patch = pixels[y0:y1, x0:x1].copy()
    pixels[y0:y1, x0:x1] = BED
    shift = (alignment.homography[:2, :2] / alignment.homography[2, 2]) @ np.array([dx_mm, dy_mm]) * scale
    sx, sy = int(round(shift[0])), int(round(shift[1]))
    pixels[y0 + sy : y1 + sy, x0 + sx : x1 + sx] = patch


@pytest.mark.parametrize(("corner", "dx", "dy"), [(1, 5.0, 0.0), (2, 0.0, 5.0), (3, -3.5, -3.5)])
def test_a_mark_moved_by_5_mm_is_refused(corner: int, dx: float, dy: float) -> None:
    clean = _placed(_rendered("uy-ban-thuong-vu-12")[0], angle=2.0)
    reference = _aligned(clean)
    moved = clean.copy()
    _move_mark(moved, reference, corner, dx, dy)
    page = _page(moved)
    # the four-mark homography bends to absorb the moved mark: its fit error stays within the limit ...
    quick = marks_find.find_markers(page.pixels, "DICT_4X4_250", page.px_per_mm)
    fit = align.fit_homography(reference.page.markers, quick, page.px_per_mm)
    assert fit is not None and fit[1] < DEFAULT_THRESHOLDS.max_fit_error_mm
    # ... and the page code strips, found off their place, refuse it
    result = align.align_page(page, [_t12()], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable) and result.reason == "alignment_failed", result
    # with another corner torn off too, three marks (an affine fit) are refused as well
    _cut_corner(moved, reference, (corner + 2) % 4)
    result = align.align_page(_page(moved), [_t12()], DEFAULT_THRESHOLDS)
    assert isinstance(result, Unreadable), result


def test_a_mark_found_only_by_a_harder_look_is_dropped_when_out_of_place() -> None:
    reference = _aligned(_placed(_rendered("uy-ban-thuong-vu-12")[0], angle=1.0))
    markers = reference.page.markers
    px = cv2.perspectiveTransform(
        np.vstack([marks_find.marker_points_mm(m) for m in markers]).reshape(-1, 1, 2), reference.homography
    ).reshape(4, 4, 2)
    found = {m.marker_id: px[i] for i, m in enumerate(markers)}
    scale = np.sqrt(abs(np.linalg.det(reference.homography[:2, :2])))
    for shift_mm, kept in ((2.0, True), (6.0, False)):
        trial = dict(found)
        trial[2] = found[2] + shift_mm * scale
        marks_find.drop_misplaced(markers, trial, trusted={0, 1, 3})
        assert (2 in trial) is kept
        trial[2] = found[2] + 6.0 * scale  # the quick look's own marks are left to the fit
        marks_find.drop_misplaced(markers, trial, trusted={0, 1, 2, 3})
        assert 2 in trial
