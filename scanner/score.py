"""Measure every box of an aligned page.  Raw numbers only: no thresholds are applied here."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .align import warp_region
from .model import Alignment, BoxScore, PageImage, Rect, RowScores
from .settings import ReaderSettings


@dataclass(frozen=True, eq=False)
class CanonicalPage:
    """The page resampled upright in template space, with its paper and ink levels."""

    pixels: np.ndarray  # uint8, page mm * px_per_mm
    px_per_mm: float
    paper: float  # grey level of blank paper
    ink: float  # grey level of the printed registration marks

    def darkness(self, region: np.ndarray) -> np.ndarray:
        """0 for paper, 1 for printed black, clipped."""
        span = max(self.paper - self.ink, 1.0)
        return np.clip((self.paper - region.astype(np.float32)) / span, 0.0, 1.0)


def canonical_page(page: PageImage, alignment: Alignment, settings: ReaderSettings) -> CanonicalPage:
    t = alignment.template
    s = settings.canonical_px_per_mm
    pixels = warp_region(page.pixels, alignment.homography, 0, 0, t.page_width_mm, t.page_height_mm, s)
    # black: the marks' one-cell outer border is always black; sample its middle
    samples = []
    for marker in alignment.page.markers:
        r = marker.rect
        cell = r.w_mm / 6
        x0, y0 = int((r.x_mm + cell * 0.25) * s), int((r.y_mm + cell * 0.25) * s)
        x1, y1 = int((r.x_mm + cell * 0.75) * s), int((r.y_mm + r.h_mm - cell * 0.25) * s)
        samples.append(pixels[y0:y1, x0:x1].ravel())
    ink = float(np.median(np.concatenate(samples)))
    paper = float(np.percentile(pixels[::4, ::4], 90))
    return CanonicalPage(pixels, s, paper, ink)


@dataclass(frozen=True)
class _FrameKernel:
    kernel: np.ndarray
    pad: int  # px of outer ring around the box
    ideal: float  # response of a perfectly printed frame


def _frame_kernel(box_px: int, line_px: int) -> _FrameKernel:
    """+1 on the printed frame, negative just inside and just outside it, summing to zero."""
    pad = line_px
    size = box_px + 2 * pad
    kernel = np.zeros((size, size), np.float32)
    frame = np.zeros_like(kernel, dtype=bool)
    frame[pad : pad + box_px, pad : pad + box_px] = True
    frame[pad + line_px : pad + box_px - line_px, pad + line_px : pad + box_px - line_px] = False
    around = np.zeros_like(frame)
    around[:, :] = True
    around[2 * pad : size - 2 * pad, 2 * pad : size - 2 * pad] = False
    around &= ~frame
    kernel[frame] = 1.0
    kernel[around] = -float(frame.sum()) / float(around.sum())
    return _FrameKernel(kernel, pad, float(frame.sum()))


def _locate_box(
    dark: np.ndarray, box: Rect, s: float, search_px: int, fk: _FrameKernel, ox: int, oy: int
) -> tuple[int, int, float]:
    """Offset (px) of the printed frame near ``box``, and its confidence 0..1.

    ``dark`` is the darkness of the canonical page cropped at (``ox``, ``oy``).
    """
    x0 = int(round(box.x_mm * s)) - fk.pad - search_px - ox
    y0 = int(round(box.y_mm * s)) - fk.pad - search_px - oy
    size = fk.kernel.shape[0] + 2 * search_px
    window = dark[max(y0, 0) : y0 + size, max(x0, 0) : x0 + size]
    if window.shape != (size, size):
        return 0, 0, 0.0
    response = cv2.matchTemplate(window, fk.kernel, cv2.TM_CCORR)
    _, peak, _, (px, py) = cv2.minMaxLoc(response)
    return px - search_px, py - search_px, float(peak) / fk.ideal


def _ring_fill(inked: np.ndarray, x0: int, y0: int, w: int, h: int, inner: int, outer: int) -> float:
    """Share of inked pixels in the ring between ``inner`` and ``outer`` px around a box."""

    def count(grow: int) -> tuple[int, int]:
        region = inked[max(y0 - grow, 0) : y0 + h + grow, max(x0 - grow, 0) : x0 + w + grow]
        return int(region.sum()), region.size

    ink_out, area_out = count(outer)
    ink_in, area_in = count(inner)
    return (ink_out - ink_in) / (area_out - area_in) if area_out > area_in else 0.0


def score_page(page: PageImage, alignment: Alignment, settings: ReaderSettings) -> tuple[RowScores, ...]:
    """BoxScore for every box of the page, row by row."""
    canon = canonical_page(page, alignment, settings)
    return score_canonical(canon, alignment, settings)


def score_canonical(canon: CanonicalPage, alignment: Alignment, settings: ReaderSettings) -> tuple[RowScores, ...]:
    s = canon.px_per_mm
    t = alignment.template
    # darkness only where boxes are, with room for the search and the outside ring
    boxes_all = [b for row in alignment.page.rows for b in row.boxes]
    room = settings.box_search_mm + 2.0
    ox = max(int((min(b.x_mm for b in boxes_all) - room) * s), 0)
    oy = max(int((min(b.y_mm for b in boxes_all) - room) * s), 0)
    x1 = int((max(b.x_mm + b.w_mm for b in boxes_all) + room) * s)
    y1 = int((max(b.y_mm + b.h_mm for b in boxes_all) + room) * s)
    dark = canon.darkness(canon.pixels[oy:y1, ox:x1])
    box_px = int(round(t.pages[0].rows[0].boxes[0].w_mm * s))
    line_px = max(2, int(round(t.box_line_mm * s)))
    fk = _frame_kernel(box_px, line_px)
    search_px = int(round(settings.box_search_mm * s))
    margin_px = line_px + int(round(settings.interior_margin_mm * s))
    ring_in, ring_out = line_px + 1, int(round(0.8 * s))
    rows: list[RowScores] = []
    for row in alignment.page.rows:
        located = [_locate_box(dark, b, s, search_px, fk, ox, oy) for b in row.boxes]
        trusted = [(dx, dy) for dx, dy, conf in located if conf >= settings.frame_confidence]
        median = (
            (int(np.median([d[0] for d in trusted])), int(np.median([d[1] for d in trusted]))) if trusted else (0, 0)
        )
        boxes: list[BoxScore] = []
        for level, (box, (dx, dy, conf)) in enumerate(zip(row.boxes, located, strict=True)):
            if conf < settings.frame_confidence or abs(dx - median[0]) > s * 0.5 or abs(dy - median[1]) > s * 0.5:
                dx, dy = median
            x0, y0 = int(round(box.x_mm * s)) + dx - ox, int(round(box.y_mm * s)) + dy - oy
            w, h = int(round(box.w_mm * s)), int(round(box.h_mm * s))
            interior = dark[y0 + margin_px : y0 + h - margin_px, x0 + margin_px : x0 + w - margin_px]
            inked = interior >= settings.ink_darkness
            outside = _ring_fill(dark >= settings.ink_darkness, x0, y0, w, h, ring_in, ring_out)
            boxes.append(
                BoxScore(
                    level=level,
                    fill=round(float(inked.mean()), 4),
                    darkness=round(float(interior.mean()), 4),
                    outside=round(outside, 4),
                    dx_mm=round(dx / s, 2),
                    dy_mm=round(dy / s, 2),
                )
            )
        rows.append(RowScores(row.official_index, tuple(boxes)))
    return tuple(rows)
