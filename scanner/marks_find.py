"""Find the ArUco registration marks on a scan: a quick look, and harder ones when it misses marks.

The quick look reads a reduced copy of the page with OpenCV's default detector settings;
clean scans need nothing more, and get nothing more.  Cheap scanners and photocopiers
leave marks a person sees plainly but the detector misses: toner specks in a white cell,
a roller streak along a mark's edge, a corner darkened and mottled, a washed-out copy.
The harder looks clean the image in a few ways and read each with a few detector
settings, stopping once every mark wanted is found: first around where the page's other
marks put a missing one (at full resolution), then over the whole reduced image.

A mark found by a harder look is a candidate: :func:`drop_misplaced` keeps it only when
it lies where the page's other marks put it, and only ids of pages some template has.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from functools import cache

import cv2
import numpy as np

from .model import BallotTemplate, Marker, PageImage, PageLayout
from .settings import DEFAULT_READER, ReaderSettings

MARKS_PER_PAGE = 4  # ids 4(n-1) .. 4n-1 are the corners of page n
# Paper under uneven light is taken as the brightest grey within this distance (mm): wider
# than half a 10 mm mark, so the mark's middle still sees the paper around it.
BACKGROUND_MM = 7.0
# Dark specks and lines narrower than these (mm) are wiped out by a closing: toner specks and
# roller streaks are 0.1-0.6 mm, a mark's cells 1.67 mm.
SPECK_MM = 1.25
FINE_SPECK_MM = 0.6
# A missing mark is looked for within this distance (mm) of where the others put it: its
# half-diagonal (7 mm) and 8 mm to spare (the prediction is off by ~2 mm on flatbed scans).
CROP_RADIUS_MM = 15.0
# A mark found by a harder look is kept only when each of its corners lies within this
# distance (mm) of where the page's other marks put it (a similarity from two, an affine map
# from three).  A false reading with the right id would otherwise be absorbed by the
# homography: one mark 5 mm out of place leaves a fit error of only 0.14-0.21 mm.  On
# simulated scans (mild perspective) the affine prediction from three marks is off by up to
# 2.4 mm, and a degraded mark's corner by up to 1.2 mm more.
HARD_MARK_TOLERANCE_MM = 4.0

_CRITERIA = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.01)
Prepare = Callable[[np.ndarray, float], np.ndarray]  # (image, px per mm) -> cleaned image


@cache
def _detector(dictionary: str, min_perimeter_rate: float, tuning: str = "default") -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.minMarkerPerimeterRate = min_perimeter_rate
    if tuning in ("tolerant", "faint"):
        # correct one bad bit: DICT_4X4_250 can (maxCorrectionBits 1) but the default rate of
        # 0.6 rounds that down to none.  A wrong id this lets through is caught by drop_misplaced.
        params.errorCorrectionRate = 1.0
    if tuning == "faint":  # a washed-out or darkened mark: a lower threshold offset, wider windows
        params.adaptiveThreshConstant = 3.0
        params.adaptiveThreshWinSizeMin = 5
        params.adaptiveThreshWinSizeMax = 45
        params.adaptiveThreshWinSizeStep = 10
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, dictionary)), params)


def _closed(image: np.ndarray, size_mm: float, px_per_mm: float) -> np.ndarray:
    """Dark specks and lines narrower than ``size_mm`` filled with the paper around them."""
    size = max(3, int(round(size_mm * px_per_mm)) | 1)
    return np.asarray(cv2.morphologyEx(image, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))))


def _opened(image: np.ndarray, size_mm: float, px_per_mm: float) -> np.ndarray:
    """Light lines narrower than ``size_mm`` across dark ink filled in: a streak of lost toner, or a
    1-bit scan's dropout line, cutting through a registration mark."""
    size = max(3, int(round(size_mm * px_per_mm)) | 1)
    return np.asarray(cv2.morphologyEx(image, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))))


def evened(image: np.ndarray, px_per_mm: float) -> np.ndarray:
    """``image`` divided by its paper's local brightness, so dark corners and gradients read as white paper."""
    coarse = 1.0 / px_per_mm  # the paper is estimated at 1 px/mm
    small = cv2.resize(image, None, fx=coarse, fy=coarse, interpolation=cv2.INTER_AREA)
    size = int(2 * BACKGROUND_MM) | 1
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    paper = cv2.GaussianBlur(paper.astype(np.float32), (0, 0), BACKGROUND_MM / 2)
    paper = cv2.resize(paper, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.clip(image.astype(np.float32) * (240.0 / np.maximum(paper, 1.0)), 0, 255).astype(np.uint8)


def _median(image: np.ndarray, size_mm: float, px_per_mm: float) -> np.ndarray:
    return np.asarray(cv2.medianBlur(image, max(3, int(round(size_mm * px_per_mm)) | 1)))


def _contrast(image: np.ndarray) -> np.ndarray:
    return np.asarray(cv2.createCLAHE(3.0, (4, 4)).apply(image))


# What the harder looks try, in order: how the image is cleaned, and the detector tuning;
# each stops once every wanted mark is found.  Chosen on ~100 degraded simulated pages the
# quick look failed on: closing away specks and streaks finds most missed marks, evening out
# the light and CLAHE the darkened and washed-out ones, a median what is left; opening fills
# light lines through a mark (the independent simulator's 1-bit pages with dropout lines).
WHOLE_ATTEMPTS: tuple[tuple[Prepare, str], ...] = (
    (lambda im, s: _closed(im, FINE_SPECK_MM, s), "tolerant"),
    (lambda im, s: _closed(evened(im, s), SPECK_MM, s), "tolerant"),
    (lambda im, s: _median(evened(im, s), SPECK_MM, s), "faint"),
    (lambda im, s: _closed(evened(im, s), SPECK_MM, s), "faint"),
    (lambda im, s: _closed(im, FINE_SPECK_MM, s), "faint"),
    (lambda im, s: _opened(im, FINE_SPECK_MM, s), "tolerant"),
)
NEAR_ATTEMPTS: tuple[tuple[Prepare, str], ...] = (
    (lambda im, s: _closed(im, FINE_SPECK_MM, s), "tolerant"),
    (lambda im, s: _closed(_contrast(im), FINE_SPECK_MM, s), "tolerant"),
    (lambda im, s: _median(im, FINE_SPECK_MM, s), "tolerant"),
    (lambda im, s: _closed(evened(im, s), SPECK_MM, s), "faint"),
    (lambda im, s: _closed(im, FINE_SPECK_MM, s), "faint"),
    (lambda im, s: _closed(_contrast(im), FINE_SPECK_MM, s), "faint"),
    (lambda im, s: _median(im, FINE_SPECK_MM, s), "faint"),
    (lambda im, s: im, "tolerant"),
    (lambda im, s: _opened(im, FINE_SPECK_MM, s), "tolerant"),
)


def _reduced(pixels: np.ndarray, px_per_mm: float, settings: ReaderSettings) -> tuple[np.ndarray, float]:
    scale = min(1.0, settings.detect_px_per_mm / px_per_mm)
    if scale == 1.0:
        return pixels, scale
    return cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def _refined(
    pixels: np.ndarray, corners: np.ndarray, scale: float, px_per_mm: float, settings: ReaderSettings
) -> np.ndarray:
    window = max(2, int(round(settings.refine_window_mm * px_per_mm)))
    full = (corners.reshape(4, 2) / scale).astype(np.float32)
    refined = cv2.cornerSubPix(pixels, full.reshape(-1, 1, 2), (window, window), (-1, -1), _CRITERIA)
    return np.asarray(refined.reshape(4, 2), np.float64)


def _detections(image: np.ndarray, dictionary: str, rate: float, tuning: str) -> list[tuple[int, np.ndarray]]:
    corners, ids, _ = _detector(dictionary, rate, tuning).detectMarkers(image)
    return [] if ids is None else [(int(i), c) for c, i in zip(corners, ids.ravel(), strict=True)]


def find_markers(
    pixels: np.ndarray, dictionary: str, px_per_mm: float, settings: ReaderSettings = DEFAULT_READER
) -> dict[int, np.ndarray]:
    """Marker id -> its four corners in image pixels (the marker's own TL, TR, BR, BL).

    Marks are detected on a reduced copy (four times fewer pixels at 200 DPI) and their
    corners refined on the full image.
    """
    small, scale = _reduced(pixels, px_per_mm, settings)
    found: dict[int, np.ndarray] = {}
    for key, corners in _detections(small, dictionary, settings.min_marker_perimeter_rate, "default"):
        if key not in found:
            found[key] = _refined(pixels, corners, scale, px_per_mm, settings)
    return found


def find_markers_harder(
    pixels: np.ndarray,
    dictionary: str,
    px_per_mm: float,
    wanted: Collection[int] | None = None,
    settings: ReaderSettings = DEFAULT_READER,
) -> dict[int, np.ndarray]:
    """Marks the quick look missed, from cleaned copies of the reduced image.

    Only ids in ``wanted`` are kept (any when None), the first reading of each; the search
    stops once all are found.  Corners are refined on a median-filtered full image, so a
    toner speck on a corner does not pull it.
    """
    small, scale = _reduced(pixels, px_per_mm, settings)
    raw: dict[int, np.ndarray] = {}
    for prepare, tuning in WHOLE_ATTEMPTS:
        image = prepare(small, px_per_mm * scale)
        for key, corners in _detections(image, dictionary, settings.min_marker_perimeter_rate, tuning):
            if key not in raw and (wanted is None or key in wanted):
                raw[key] = corners
        if wanted is not None and all(key in raw for key in wanted):
            break
    if not raw:
        return {}
    cleaned = cv2.medianBlur(pixels, 3)
    return {key: _refined(cleaned, c, scale, px_per_mm, settings) for key, c in raw.items()}


def find_marker_near(
    pixels: np.ndarray,
    dictionary: str,
    marker_id: int,
    centre_px: tuple[float, float],
    px_per_mm: float,
    settings: ReaderSettings = DEFAULT_READER,
) -> np.ndarray | None:
    """Corners of mark ``marker_id`` looked for within CROP_RADIUS_MM of ``centre_px`` at full resolution."""
    radius = int(round(CROP_RADIUS_MM * px_per_mm))
    x0, y0 = max(0, int(centre_px[0]) - radius), max(0, int(centre_px[1]) - radius)
    crop = np.ascontiguousarray(pixels[y0 : y0 + 2 * radius, x0 : x0 + 2 * radius])
    if min(crop.shape) < radius:
        return None  # the mark would lie off the image
    rate = 0.6 * 40.0 / (2 * CROP_RADIUS_MM)  # a 10 mm mark's 40 mm perimeter, at 60% of its size or more
    for prepare, tuning in NEAR_ATTEMPTS:
        for key, corners in _detections(prepare(crop, px_per_mm), dictionary, rate, tuning):
            if key == marker_id:
                local = _refined(cv2.medianBlur(crop, 3), corners, 1.0, px_per_mm, settings)
                return local + np.array([x0, y0], np.float64)
    return None


def marker_points_mm(marker: Marker) -> np.ndarray:
    """The mark's four corners on the page (mm), in the order the detector gives them."""
    r = marker.rect
    return np.array(
        [[r.x_mm, r.y_mm], [r.x_mm + r.w_mm, r.y_mm], [r.x_mm + r.w_mm, r.y_mm + r.h_mm], [r.x_mm, r.y_mm + r.h_mm]]
    )


def point_pairs(markers: Sequence[Marker], found: dict[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray, int]:
    """Page corners (mm) and image corners (px) of the marks found, and how many marks that is."""
    pairs = [(m, found[m.marker_id]) for m in markers if m.marker_id in found]
    if not pairs:
        return np.empty((0, 2)), np.empty((0, 2)), 0
    return np.vstack([marker_points_mm(m) for m, _ in pairs]), np.vstack([c for _, c in pairs]), len(pairs)


def least_squares_map(src: np.ndarray, dst: np.ndarray, similarity: bool) -> np.ndarray:
    """3x3 affine (or similarity: a turn, one scale and a shift) map from ``src`` to ``dst``, least squares."""
    x, y, one, zero = src[:, 0], src[:, 1], np.ones(len(src)), np.zeros(len(src))
    if similarity:  # u = a x - b y + c, v = b x + a y + d
        rows = np.vstack([np.column_stack([x, -y, one, zero]), np.column_stack([y, x, zero, one])])
        (a, b, c, d), *_ = np.linalg.lstsq(rows, np.concatenate([dst[:, 0], dst[:, 1]]), rcond=None)
        return np.array([[a, -b, c], [b, a, d], [0, 0, 1]])
    solution, *_ = np.linalg.lstsq(np.column_stack([x, y, one]), dst, rcond=None)
    return np.vstack([solution.T, [0, 0, 1]])


def page_of(marker_id: int) -> int:
    return marker_id // MARKS_PER_PAGE + 1


def _predicted(markers: Sequence[Marker], found: dict[int, np.ndarray]) -> np.ndarray | None:
    """The map the marks found give (a similarity from two, an affine map from more), or None."""
    src, dst, count = point_pairs(markers, found)
    return None if count < 2 else least_squares_map(src, dst, similarity=count == 2)


def _look_near(
    page: PageImage, layout: PageLayout, dictionary: str, found: dict[int, np.ndarray], settings: ReaderSettings
) -> None:
    """Add to ``found`` the page's missing marks, looked for where its marks found put them."""
    matrix = _predicted(layout.markers, found)
    if matrix is None:
        return
    for marker in layout.markers:
        if marker.marker_id not in found:
            centre = matrix @ np.append(marker_points_mm(marker).mean(axis=0), 1.0)
            where = (float(centre[0]), float(centre[1]))
            corners = find_marker_near(page.pixels, dictionary, marker.marker_id, where, page.px_per_mm, settings)
            if corners is not None:
                found[marker.marker_id] = corners


def find_page_marks(
    page: PageImage, templates: Sequence[BallotTemplate], settings: ReaderSettings = DEFAULT_READER
) -> tuple[dict[int, np.ndarray], set[int]]:
    """Every mark found, and the ids the quick look found (the others came from the harder looks).

    When the quick look misses marks of a page: the regions where the page's other marks
    put the missing ones, then the whole image (for any id when fewer than two marks of a
    page were seen), then the regions again.  Harder looks keep only ids of pages a template has.
    """
    dictionaries = sorted({t.marker_dictionary for t in templates})
    found: dict[int, np.ndarray] = {}
    for dictionary in dictionaries:
        found.update(find_markers(page.pixels, dictionary, page.px_per_mm, settings))
    quick = set(found)
    known_pages = max(len(t.pages) for t in templates)
    looked_near: set[frozenset[int]] = set()  # the marks each look near was predicted from
    whole_done = False
    while True:
        votes = Counter(n for n in map(page_of, found) if n <= known_pages)
        number, count = votes.most_common(1)[0] if votes else (0, 0)
        page_marks = {k: c for k, c in found.items() if page_of(k) == number}
        if count >= MARKS_PER_PAGE:
            break
        if count >= 2 and frozenset(page_marks) not in looked_near:
            looked_near.add(frozenset(page_marks))
            template = next(t for t in templates if number <= len(t.pages))
            _look_near(page, template.pages[number - 1], template.marker_dictionary, page_marks, settings)
            found.update(page_marks)
            if len(page_marks) >= MARKS_PER_PAGE:
                break
        if whole_done:
            break
        whole_done = True
        ids = set(range((number - 1) * MARKS_PER_PAGE, number * MARKS_PER_PAGE))
        wanted = None if count < 2 else ids - set(found)
        for dictionary in dictionaries:
            more = find_markers_harder(page.pixels, dictionary, page.px_per_mm, wanted, settings)
            for key, corners in more.items():
                if page_of(key) <= known_pages:
                    found.setdefault(key, corners)
    return found, quick


def drop_misplaced(markers: Sequence[Marker], found: dict[int, np.ndarray], trusted: Collection[int]) -> None:
    """Remove from ``found`` each mark not ``trusted`` that is not where the page's other marks put it.

    A mark with fewer than two others to check it against stays; the fit and the page code
    strips check it then.
    """
    for marker in markers:
        key = marker.marker_id
        if key not in found or key in trusted:
            continue
        matrix = _predicted(markers, {k: c for k, c in found.items() if k != key})
        if matrix is None:
            continue
        predicted = (marker_points_mm(marker) @ matrix[:2, :2].T) + matrix[:2, 2]
        scale = np.sqrt(abs(np.linalg.det(matrix[:2, :2])))  # image px per page mm, from the map
        if np.max(np.linalg.norm(predicted - found[key], axis=1)) > HARD_MARK_TOLERANCE_MM * scale:
            del found[key]
