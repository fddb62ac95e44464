"""Find the template page on a scanned image: registration marks, page code, and the fit between them.

The four corner marks are ArUco markers whose ids give the corner and the page number,
so one detection gives the page's geometry and orientation at once; the page code
(printed twice) then names the template.  Marks are found by :mod:`scanner.marks_find`.

Four marks give a homography.  With a mark lost (a corner cut off, torn, or too dirty to
read) the page is still read, more strictly: three marks give an affine fit, two a
similarity (switched off for now: READ_FROM_TWO_MARKS), each held to a tighter fit error,
and the page code strip near the lost corner (for two marks: every strip) must be found
where the fit puts it, which checks the corner the marks no longer pin down.  With four
marks the strips are looked for too: one found well off its place means a mark is.
Failure is a value: :class:`Unreadable` with a reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache

import cv2
import numpy as np

from . import pagecode
from .marks_find import (
    MARKS_PER_PAGE,
    drop_misplaced,
    find_markers,
    find_page_marks,
    least_squares_map,
    marker_points_mm,
    page_of,
    point_pairs,
)
from .model import Alignment, BallotTemplate, CodeStrip, Marker, Orientation, PageImage, Unreadable
from .settings import DEFAULT_READER, ReaderSettings, Thresholds

__all__ = ["align_page", "find_markers", "fit_homography", "orientation_of", "read_code_strip", "warp_region"]

MIN_MARKERS = 3  # fit_homography's minimum: three marks (12 corners) still over-determine a homography

# --- alignment tolerances (to move into scanner.settings.Thresholds) ---
# A fit from three or two marks has this share of Thresholds.max_fit_error_mm as its limit
# (half of 1 mm).  With fewer marks there are fewer points to be wrong at: an affine fit from
# three marks (6 unknowns, 12 corners) mostly absorbs a mark out of place, so what error
# is left must count for more.  Measured (leaving out each mark in turn): simulated 200-DPI
# scans fit within 0.10 mm from three marks or two; degraded copies (dark mottled corners,
# specks, JPEG 60-80) within 0.23 mm from three, 0.27 mm from two; a phone photo (perspective
# the affine map cannot follow) 0.47 mm from three.  A mark copied 15% too large: 0.52 mm.
FEW_MARKS_FIT_SHARE = 1 / 2
# The fit is checked against the printed page code: each half of a strip is drawn from the
# code and looked for within STRIP_SEARCH_MM of where the fit puts it, and counts as found
# when it correlates at least STRIP_FOUND_CORRELATION with the drawing (268 strip halves of
# degraded pages: 0.92 and up; the same strips inked over: 0.36 at most, painted out: 0.10).
STRIP_SEARCH_MM = 2.5
STRIP_FOUND_CORRELATION = 0.5
# With fewer than four marks, the strip nearest the missing mark (for two marks, every strip)
# must be found at most this far (mm) from where the fit puts it: the boxes nearest the lost
# corner are then off by about as much.  The code reader alone is no check: it still reads a
# strip 1 mm off along it or 2.5 mm across it.  On scans with no perspective every fit from
# three or two marks passes; with the simulator's mild perspective (corners off by ~0.4 mm)
# about half of them do not, rightly: the affine map cannot follow it there.  0.8 mm, not 0.5:
# a clean unskewed page with one mark painted over measured 0.5 mm and was refused; each box is
# still looked for within ReaderSettings.box_search_mm (1.2 mm) of where the fit puts it.
STRIP_CHECK_MM = 0.8
# With four marks, a strip found further than ReaderSettings.box_search_mm from where the
# homography puts it means a mark is out of place (the homography bends to fit one mark 5 mm
# off with an error of 0.14-0.21 mm).  Degraded copies: 0.47 mm at most; phone photos bend
# printed lines by up to ~1.5 mm, hence the local box search as the limit.
# Reading from two marks is built and tested but off: score.canonical_page takes the printed
# black from the borders of all four marks; with two gone that median lands between black and
# paper (123, not 0), every darkness doubles, and on a trial page an erasure and faint strokes
# the four-mark reading sends to review were counted.  Switch on once scoring samples only the
# marks present.  With three marks the median stays black (decisions differ only towards review).
READ_FROM_TWO_MARKS = False


def _rms_mm(src: np.ndarray, dst: np.ndarray, matrix: np.ndarray, px_per_mm: float) -> float:
    projected = cv2.perspectiveTransform(src.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    return float(np.sqrt(np.mean(np.sum((projected - dst) ** 2, axis=1)))) / px_per_mm


def fit_homography(
    markers: Sequence[Marker], found: dict[int, np.ndarray], px_per_mm: float
) -> tuple[np.ndarray, float] | None:
    """Homography from page mm to image px over the marks found, and its RMS error in mm."""
    src, dst, count = point_pairs(markers, found)
    if count < MIN_MARKERS:
        return None
    homography, _ = cv2.findHomography(src, dst, 0)
    if homography is None:
        return None
    return homography, _rms_mm(src, dst, homography, px_per_mm)


def fit_marks(
    markers: Sequence[Marker], found: dict[int, np.ndarray], px_per_mm: float
) -> tuple[np.ndarray, float, int] | None:
    """Four marks: a homography; three: an affine map; two: a similarity. With its RMS error (mm) and mark count.

    (A homography from three marks would take its perspective from the marks' own 10 mm sides.)
    """
    src, dst, count = point_pairs(markers, found)
    if count >= MARKS_PER_PAGE:
        fit = fit_homography(markers, found, px_per_mm)
        return None if fit is None else (*fit, count)
    if count < 2:
        return None
    matrix = least_squares_map(src, dst, similarity=count == 2)
    if abs(np.linalg.det(matrix[:2, :2])) < 1e-9:
        return None
    return matrix, _rms_mm(src, dst, matrix, px_per_mm), count


def warp_region(
    pixels: np.ndarray, homography: np.ndarray, x_mm: float, y_mm: float, w_mm: float, h_mm: float, px_per_mm: float
) -> np.ndarray:
    """The page rectangle (mm) resampled upright at ``px_per_mm``."""
    to_mm = np.array([[1 / px_per_mm, 0, x_mm], [0, 1 / px_per_mm, y_mm], [0, 0, 1]])
    size = (int(round(w_mm * px_per_mm)), int(round(h_mm * px_per_mm)))
    return cv2.warpPerspective(
        pixels,
        homography @ to_mm,
        size,
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )


def read_code_strip(
    pixels: np.ndarray, homography: np.ndarray, strip: CodeStrip, settings: ReaderSettings = DEFAULT_READER
) -> pagecode.PageCode | None:
    """Sample each cell's centre and decode; None when the strip is unreadable or fails its checksum."""
    cell_px = 8
    image = warp_region(
        pixels,
        homography,
        strip.x_mm,
        strip.y_mm,
        strip.bits * strip.cell_w_mm,
        strip.cell_h_mm,
        cell_px / strip.cell_w_mm,
    ).astype(np.float32)
    height = image.shape[0]
    cells = image[height // 4 : height - height // 4].reshape(image.shape[0] - 2 * (height // 4), strip.bits, cell_px)
    means = cells[:, :, 2:-2].mean(axis=(0, 2))
    low, high = float(means.min()), float(means.max())
    if high - low < settings.code_min_contrast * 255:
        return None
    bits = tuple(int(m < (low + high) / 2) for m in means)
    return pagecode.decode(bits)


def _peak(scores: np.ndarray, at: int, along: int) -> float:
    """Sub-pixel position of the correlation peak ``at`` along axis ``along`` (a parabola through 3 values)."""
    line = scores[:, at] if along == 0 else scores[at, :]
    here = int(np.argmax(line))
    if 0 < here < len(line) - 1:
        left, mid, right = line[here - 1], line[here], line[here + 1]
        bend = left - 2 * mid + right
        return here + (0.5 * (left - right) / bend if bend < 0 else 0.0)
    return float(here)


def _coverage(spans: Sequence[tuple[float, float]], origin_mm: float, count: int, px_per_mm: float) -> np.ndarray:
    """Share of each of ``count`` pixels (pixel i centred at origin + i / px_per_mm) that the mm spans cover."""
    offsets = (np.arange(count * 8) + 0.5) / 8 - 0.5  # 8 sub-samples a pixel, in pixels from its centre
    mm = origin_mm + offsets / px_per_mm
    inside = np.zeros(mm.shape, bool)
    for start, end in spans:
        inside |= (mm >= start) & (mm < end)
    return np.asarray(inside.reshape(count, 8).mean(axis=1))


STRIP_PAD_MM = 0.75  # paper drawn around the strip's cells, for the bars' ends and top and bottom edges


@cache
def _printed_halves(strip: CodeStrip, code: pagecode.PageCode, px_per_mm: float) -> tuple[np.ndarray, ...]:
    """Both halves of the strip as printed, with STRIP_PAD_MM of paper around (0 = black); () if one is blank."""
    bits = pagecode.encode(code)[: strip.bits]
    pad, half = STRIP_PAD_MM, strip.bits // 2
    height = int(round((strip.cell_h_mm + 2 * pad) * px_per_mm))
    rows = _coverage([(strip.y_mm, strip.y_mm + strip.cell_h_mm)], strip.y_mm - pad, height, px_per_mm)
    width = int(round((half * strip.cell_w_mm + 2 * pad) * px_per_mm))
    halves = []
    for first in (0, half):
        x0 = strip.x_mm + first * strip.cell_w_mm
        black = [(x0 + i * strip.cell_w_mm, x0 + (i + 1) * strip.cell_w_mm) for i in range(half) if bits[first + i]]
        if not black:
            return ()
        drawn = 255 * (1 - np.outer(rows, _coverage(black, x0 - pad, width, px_per_mm)))
        halves.append(np.round(drawn).astype(np.uint8))
    return tuple(halves)


def strip_misfit_mm(
    pixels: np.ndarray, homography: np.ndarray, strip: CodeStrip, code: pagecode.PageCode, px_per_mm: float = 4.0
) -> float:
    """How far (mm) the printed strip lies from where ``homography`` puts it; inf when it is not found.

    Each half of the strip is drawn from the code and looked for, by normalised correlation,
    within STRIP_SEARCH_MM of its place (sampled at ``px_per_mm``); the larger of the two
    offsets is returned, so a fit turned or stretched along the strip shows too.
    """
    halves = _printed_halves(strip, code, px_per_mm)
    if not halves:
        return float("inf")  # nothing printed to find
    margin = STRIP_PAD_MM + STRIP_SEARCH_MM
    seen = warp_region(
        pixels,
        homography,
        strip.x_mm - margin,
        strip.y_mm - margin,
        strip.bits * strip.cell_w_mm + 2 * margin,
        strip.cell_h_mm + 2 * margin,
        px_per_mm,
    )
    search = STRIP_SEARCH_MM * px_per_mm  # where a half lies in the region looked at when the fit is right
    worst = 0.0
    for first, drawn in zip((0, strip.bits // 2), halves, strict=True):
        left = int(round(first * strip.cell_w_mm * px_per_mm))
        region = seen[:, left : left + drawn.shape[1] + 2 * int(np.ceil(search))]
        scores = cv2.matchTemplate(region, drawn, cv2.TM_CCOEFF_NORMED)
        _, best, _, (bx, by) = cv2.minMaxLoc(scores)
        if not best >= STRIP_FOUND_CORRELATION:
            return float("inf")
        dx, dy = _peak(scores, by, 1) - search, _peak(scores, bx, 0) - search
        worst = max(worst, float(np.hypot(dx, dy)) / px_per_mm)
    return worst


def orientation_of(homography: np.ndarray, width_mm: float, height_mm: float) -> Orientation:
    """How the page is turned in the image, from where its 'up' points."""
    centre = np.array([[[width_mm / 2, height_mm / 2]], [[width_mm / 2, height_mm / 2 - 10]]])
    (c, up) = cv2.perspectiveTransform(centre, homography).reshape(2, 2)
    dx, dy = up - c
    angle = (np.degrees(np.arctan2(dx, -dy)) + 360) % 360  # 0 when up points up, clockwise positive
    return Orientation(int(round(angle / 90)) % 4 * 90)


def _code_checks(
    pixels: np.ndarray,
    homography: np.ndarray,
    strips: Sequence[CodeStrip],
    lost: Sequence[Marker],
    code: pagecode.PageCode,
    settings: ReaderSettings,
) -> Unreadable | None:
    """Whether the page code strips lie where the fit puts them; None when the fit passes.

    ``lost`` are the page's marks the fit does without.  With all four marks, only a strip
    found well off its place speaks against the fit (measured at 2 px/mm, ~0.5 ms a page);
    with fewer, the strips named in the module notes must be found close to their place.
    """
    if not lost:
        off = [m for m in (strip_misfit_mm(pixels, homography, s, code, 2.0) for s in strips) if m < np.inf]
        if off and max(off) > settings.box_search_mm:
            return Unreadable(
                "alignment_failed",
                f"the page code is printed {max(off):.1f} mm from where the registration marks put it: "
                "a mark is out of place (a folded or torn corner, or marks of two sheets)",
            )
        return None
    misfits = [strip_misfit_mm(pixels, homography, s, code) for s in strips]
    if len(lost) == 1:  # the strip nearest the lost mark checks the corner the three marks extrapolate to
        corner = marker_points_mm(lost[0]).mean(axis=0)
        centres = [(s.x_mm + s.bits * s.cell_w_mm / 2, s.y_mm + s.cell_h_mm / 2) for s in strips]
        required = [int(np.argmin([np.hypot(*(corner - c)) for c in centres]))]
    else:
        required = list(range(len(strips)))
    failed = [misfits[i] for i in required if misfits[i] > STRIP_CHECK_MM]
    failed += [m for m in misfits if STRIP_CHECK_MM < m < np.inf]  # any strip found off its place
    if failed:
        where = "cannot be found" if max(failed) == np.inf else f"is {max(failed):.1f} mm from"
        return Unreadable(
            "too_few_registration_marks",
            f"only {4 - len(lost)} of the 4 registration marks were found and the page code {where} where they "
            f"put it (at most {STRIP_CHECK_MM} mm allowed), so the fit cannot be confirmed",
        )
    return None


def _fit_page(
    markers: Sequence[Marker], found: dict[int, np.ndarray], px_per_mm: float, thresholds: Thresholds
) -> tuple[np.ndarray, float, int] | Unreadable:
    fit = fit_marks(markers, found, px_per_mm)
    if fit is None:
        count = sum(m.marker_id in found for m in markers)
        if count < 2:
            return _too_few(count)
        return Unreadable("alignment_failed", "the registration marks do not fit a page")
    error_mm, marks_used = fit[1], fit[2]
    limit = thresholds.max_fit_error_mm * (1 if marks_used == MARKS_PER_PAGE else FEW_MARKS_FIT_SHARE)
    if error_mm > limit:
        return Unreadable(
            "alignment_failed",
            f"the {marks_used} registration marks found are {error_mm:.2f} mm out of place (at most "
            f"{limit:.2f} mm allowed): a crumpled, folded or photocopied-at-scale page",
        )
    return fit


def _too_few(count: int) -> Unreadable:
    return Unreadable(
        "too_few_registration_marks",
        f"only {count} of the 4 registration marks were found; the page may be folded, torn or cut off",
    )


def align_page(
    page: PageImage,
    templates: Sequence[BallotTemplate],
    thresholds: Thresholds,
    settings: ReaderSettings = DEFAULT_READER,
) -> Alignment | Unreadable:
    """Locate ``page`` against the known templates."""
    if not templates:
        raise ValueError("align_page needs at least one template")
    found, quick = find_page_marks(page, templates, settings)
    if not found:
        return Unreadable(
            "no_registration_marks",
            "no registration marks found: a blank sheet, another document, or a scan that cuts off the corners",
        )
    # every mark names its page: take the page most marks agree on; marks of another page
    # (one the quick look saw, or two) mean two sheets on one image
    votes = Counter(page_of(marker_id) for marker_id in found)
    page_number, count = votes.most_common(1)[0]
    known_pages = max(len(t.pages) for t in templates)
    for other in sorted(n for n in votes if n != page_number and n <= known_pages):
        if votes[other] >= 2 or any(page_of(k) == other for k in quick):
            return Unreadable(
                "inconsistent_page",
                f"registration marks of page {page_number} and of page {other} are on one image: "
                "two sheets overlapping, or a sheet pasted together",
            )
    if count < 2:
        return _too_few(count)
    frames = [t for t in templates if page_number <= len(t.pages)]
    if not frames:
        return Unreadable("unknown_template", f"the marks say page {page_number}, which no template given has")
    markers = frames[0].pages[page_number - 1].markers
    found = {k: c for k, c in found.items() if page_of(k) == page_number}
    drop_misplaced(markers, found, quick)
    fit = _fit_page(markers, found, page.px_per_mm, thresholds)
    if isinstance(fit, Unreadable):
        return fit
    homography, error_mm, marks_used = fit
    if marks_used == 2 and not READ_FROM_TWO_MARKS:
        return _too_few(marks_used)
    strips = frames[0].pages[page_number - 1].code_strips
    codes = [read_code_strip(page.pixels, homography, strip, settings) for strip in strips]
    code = next((c for c in codes if c is not None), None)
    if len(set(codes) - {None}) > 1:
        return Unreadable("inconsistent_page", "the page code strips read different codes: a sheet pasted together")
    if code is None or (marks_used == 2 and None in codes):
        if marks_used < MARKS_PER_PAGE:
            unread = "one of the page code strips cannot" if code else "the page code cannot"
            return Unreadable(
                "too_few_registration_marks",
                f"only {marks_used} of the 4 registration marks were found and {unread} be read to confirm the fit",
            )
        if len(frames) > 1:
            return Unreadable(
                "page_code_unreadable",
                f"the page code cannot be read and {len(frames)} templates have a page {page_number}",
            )
        template, code_read = frames[0], False
    else:
        matches = [t for t in templates if t.code_id == code.template_id]
        if not matches:
            return Unreadable(
                "unknown_template",
                f"page of another ballot (template {code.template_id:08X}, page {code.page_number}/"
                f"{code.page_count}); none of the templates given",
            )
        template, code_read = matches[0], True
        if code.page_number != page_number or code.page_count != len(template.pages):
            return Unreadable(
                "inconsistent_page",
                f"the page code says page {code.page_number}/{code.page_count} but the marks say page {page_number}",
            )
    if template is not frames[0]:
        markers = template.pages[page_number - 1].markers
        fit = _fit_page(markers, found, page.px_per_mm, thresholds)
        if isinstance(fit, Unreadable):
            return fit
        homography, error_mm, marks_used = fit
    # the strips are looked for even when unread: the one template possible says what they carry
    expected = code or pagecode.PageCode(template.code_id, page_number, len(template.pages))
    lost = [m for m in markers if m.marker_id not in found]
    strips = template.pages[page_number - 1].code_strips
    failed = _code_checks(page.pixels, homography, strips, lost, expected, settings)
    if failed is not None and marks_used == 3:
        # the affine map cannot follow a phone photo's perspective; a homography over the three
        # marks' twelve corners can, and the page code by the lost corner checks it the same way
        refit = fit_homography(markers, found, page.px_per_mm)
        if (
            refit is not None
            and refit[1] <= thresholds.max_fit_error_mm * FEW_MARKS_FIT_SHARE
            and _code_checks(page.pixels, refit[0], strips, lost, expected, settings) is None
        ):
            (homography, error_mm), failed = refit, None
    if failed is not None:
        return failed
    return Alignment(
        template=template,
        page_number=page_number,
        homography=homography,
        orientation=orientation_of(homography, template.page_width_mm, template.page_height_mm),
        fit_error_mm=error_mm,
        code_read=code_read,
        marks_used=marks_used,
    )
