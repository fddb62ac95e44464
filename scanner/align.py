"""Find the template page on a scanned image: registration marks, page code, homography.

The four corner marks are ArUco markers whose ids give the corner and the page
number, so one detection gives the page's geometry and orientation at once.  The
page code (printed twice) then names the template.  Failure is a value:
:class:`Unreadable` with a reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache

import cv2
import numpy as np

from . import pagecode
from .model import Alignment, BallotTemplate, CodeStrip, Marker, Orientation, PageImage, Unreadable
from .settings import DEFAULT_READER, ReaderSettings, Thresholds

MIN_MARKERS = 3  # a homography from three marks (12 corners) still over-determines the page


@cache
def _detector(dictionary: str, min_perimeter_rate: float) -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.minMarkerPerimeterRate = min_perimeter_rate
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, dictionary)), params)


def find_markers(
    pixels: np.ndarray, dictionary: str, px_per_mm: float, settings: ReaderSettings = DEFAULT_READER
) -> dict[int, np.ndarray]:
    """Marker id -> its four corners in image pixels (the marker's own TL, TR, BR, BL).

    Marks are detected on a reduced copy (four times fewer pixels at 200 DPI) and their
    corners refined on the full image.
    """
    scale = min(1.0, settings.detect_px_per_mm / px_per_mm)
    small = pixels if scale == 1.0 else cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    corners, ids, _ = _detector(dictionary, settings.min_marker_perimeter_rate).detectMarkers(small)
    found: dict[int, np.ndarray] = {}
    if ids is None:
        return found
    window = max(2, int(round(settings.refine_window_mm * px_per_mm)))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.01)
    for marker_corners, marker_id in zip(corners, ids.ravel(), strict=True):
        if int(marker_id) in found:
            continue
        full = (marker_corners.reshape(4, 2) / scale).astype(np.float32)
        refined = cv2.cornerSubPix(pixels, full.reshape(-1, 1, 2), (window, window), (-1, -1), criteria)
        found[int(marker_id)] = refined.reshape(4, 2).astype(np.float64)
    return found


def _marker_points_mm(marker: Marker) -> np.ndarray:
    r = marker.rect
    return np.array(
        [[r.x_mm, r.y_mm], [r.x_mm + r.w_mm, r.y_mm], [r.x_mm + r.w_mm, r.y_mm + r.h_mm], [r.x_mm, r.y_mm + r.h_mm]]
    )


def fit_homography(
    markers: Sequence[Marker], found: dict[int, np.ndarray], px_per_mm: float
) -> tuple[np.ndarray, float] | None:
    """Homography from page mm to image px over the marks found, and its RMS error in mm."""
    pairs = [(m, found[m.marker_id]) for m in markers if m.marker_id in found]
    if len(pairs) < MIN_MARKERS:
        return None
    src = np.vstack([_marker_points_mm(m) for m, _ in pairs])
    dst = np.vstack([c for _, c in pairs])
    homography, _ = cv2.findHomography(src, dst, 0)
    if homography is None:
        return None
    projected = cv2.perspectiveTransform(src.reshape(-1, 1, 2), homography).reshape(-1, 2)
    rms_px = float(np.sqrt(np.mean(np.sum((projected - dst) ** 2, axis=1))))
    return homography, rms_px / px_per_mm


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


def orientation_of(homography: np.ndarray, width_mm: float, height_mm: float) -> Orientation:
    """How the page is turned in the image, from where its 'up' points."""
    centre = np.array([[[width_mm / 2, height_mm / 2]], [[width_mm / 2, height_mm / 2 - 10]]])
    (c, up) = cv2.perspectiveTransform(centre, homography).reshape(2, 2)
    dx, dy = up - c
    angle = (np.degrees(np.arctan2(dx, -dy)) + 360) % 360  # 0 when up points up, clockwise positive
    return Orientation(int(round(angle / 90)) % 4 * 90)


def align_page(
    page: PageImage,
    templates: Sequence[BallotTemplate],
    thresholds: Thresholds,
    settings: ReaderSettings = DEFAULT_READER,
) -> Alignment | Unreadable:
    """Locate ``page`` against the known templates."""
    if not templates:
        raise ValueError("align_page needs at least one template")
    dictionaries = sorted({t.marker_dictionary for t in templates})
    found: dict[int, np.ndarray] = {}
    for dictionary in dictionaries:
        found.update(find_markers(page.pixels, dictionary, page.px_per_mm, settings))
    if not found:
        return Unreadable(
            "no_registration_marks",
            "no registration marks found: a blank sheet, another document, or a scan that cuts off the corners",
        )
    # every mark names its page: take the page most marks agree on
    votes = Counter(marker_id // 4 + 1 for marker_id in found)
    page_number, count = votes.most_common(1)[0]
    if count < MIN_MARKERS:
        return Unreadable(
            "too_few_registration_marks",
            f"only {count} of the 4 registration marks were found; the page may be folded, torn or cut off",
        )
    frames = [t for t in templates if page_number <= len(t.pages)]
    if not frames:
        return Unreadable("unknown_template", f"the marks say page {page_number}, which no template given has")
    fit = fit_homography(frames[0].pages[page_number - 1].markers, found, page.px_per_mm)
    if fit is None:
        return Unreadable("alignment_failed", "the registration marks do not fit a page")
    homography, error_mm = fit
    if error_mm > thresholds.max_fit_error_mm:
        return Unreadable(
            "alignment_failed",
            f"the registration marks are {error_mm:.2f} mm out of place (at most "
            f"{thresholds.max_fit_error_mm} mm allowed): a crumpled, folded or photocopied-at-scale page",
        )
    strips = frames[0].pages[page_number - 1].code_strips
    codes = [read_code_strip(page.pixels, homography, strip, settings) for strip in strips]
    code = next((c for c in codes if c is not None), None)
    if code is None:
        if len(frames) == 1:
            template, code_read = frames[0], False
        else:
            return Unreadable(
                "page_code_unreadable",
                f"the page code cannot be read and {len(frames)} templates have a page {page_number}",
            )
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
        refit = fit_homography(template.pages[page_number - 1].markers, found, page.px_per_mm)
        if refit is None:
            return Unreadable("alignment_failed", "the registration marks do not fit the template")
        homography, error_mm = refit
    return Alignment(
        template=template,
        page_number=page_number,
        homography=homography,
        orientation=orientation_of(homography, template.page_width_mm, template.page_height_mm),
        fit_error_mm=error_mm,
        code_read=code_read,
    )
