"""Pictures of what was read: the page upright with every box outlined in its decision's colour.

Used by ``scanner show`` and by the review station.  Pure functions over arrays; the caller
reads the stored image and records from the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .align import warp_region
from .model import BallotTemplate, PageLayout, Rect

if TYPE_CHECKING:
    from .store import Store


NAME_KEPT_MM = 62.0  # of the name column, in the enlarged row (the position is cut out)


class BoxState(StrEnum):
    COUNTED = "counted"  # the box the count takes for this row, read by the machine
    DECIDED = "decided"  # the box a person chose in review
    REVIEW = "review"  # the row waits for a person
    INVALID = "invalid"  # a mark in a row counted invalid (two or more marks), or a rejected ballot
    EMPTY = "empty"  # not chosen


# BGR; chosen to stay apart for colour-blind readers (blue/orange) with red and green kept for
# the obvious meanings, and drawn thick enough to see on a printout
COLOURS: dict[BoxState, tuple[int, int, int]] = {
    BoxState.COUNTED: (40, 150, 20),
    BoxState.DECIDED: (200, 90, 0),
    BoxState.REVIEW: (0, 140, 255),
    BoxState.INVALID: (30, 30, 210),
    BoxState.EMPTY: (150, 150, 150),
}


@dataclass(frozen=True)
class BoxView:
    level: int
    state: BoxState
    fill: float
    stroke: float
    dx_mm: float = 0.0  # where the printed box was found, relative to the template
    dy_mm: float = 0.0


@dataclass(frozen=True)
class RowView:
    official_index: int
    boxes: tuple[BoxView, ...]


def row_view(record: dict[str, object], page_decision: str | None) -> RowView:
    """How one stored row (as Store.export_pages gives it) is drawn."""
    decision = record.get("decision")
    reading, level = record["reading"], record["level"]
    if isinstance(decision, dict):
        reading, level = decision["reading"], decision["level"]
    boxes = []
    for b in record["boxes"]:  # type: ignore[attr-defined]
        chosen = reading == "level" and b["level"] == level
        if page_decision == "reject_page":
            state = BoxState.INVALID if chosen else BoxState.EMPTY
        elif record["needs_review"] and not decision:
            state = BoxState.REVIEW
        elif reading == "multi":
            state = BoxState.INVALID if b["fill"] > 0 or b["stroke"] > 0 else BoxState.EMPTY
        elif chosen:
            state = BoxState.DECIDED if decision else BoxState.COUNTED
        else:
            state = BoxState.EMPTY
        boxes.append(BoxView(b["level"], state, b["fill"], b["stroke"], b["dx_mm"], b["dy_mm"]))
    return RowView(int(record["official_index"]), tuple(boxes))  # type: ignore[call-overload]


def decode_image(data: bytes) -> np.ndarray:
    """A stored page image as BGR."""
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if pixels is None:
        raise ValueError("the stored page image cannot be decoded")
    return pixels


def upright(
    image: np.ndarray, homography: np.ndarray, width_mm: float, height_mm: float, px_per_mm: float
) -> np.ndarray:
    """The page resampled upright in template millimetres."""
    return warp_region(image, homography, 0, 0, width_mm, height_mm, px_per_mm)


def _box_px(box: Rect, view: BoxView, s: float) -> tuple[tuple[int, int], tuple[int, int]]:
    x0, y0 = (box.x_mm + view.dx_mm) * s, (box.y_mm + view.dy_mm) * s
    return (int(round(x0)), int(round(y0))), (int(round(x0 + box.w_mm * s)), int(round(y0 + box.h_mm * s)))


def draw_rows(page: np.ndarray, layout: PageLayout, rows: tuple[RowView, ...], s: float) -> np.ndarray:
    """Outline every box in its state's colour, with its fill and line-ink scores (percent) beside it."""
    out = page.copy()
    by_index = {r.official_index: r for r in rows}
    thick = max(2, int(round(s * 0.45)))
    scale = max(0.3, s / 16)
    for row in layout.rows:
        view = by_index.get(row.official_index)
        if view is None:
            continue
        for box, b in zip(row.boxes, view.boxes, strict=True):
            (x0, y0), (x1, y1) = _box_px(box, b, s)
            pad = thick
            colour = COLOURS[b.state]
            cv2.rectangle(out, (x0 - pad, y0 - pad), (x1 + pad, y1 + pad), colour, thick, cv2.LINE_AA)
            label = f"{round(100 * b.fill)}/{round(100 * b.stroke)}"
            cv2.putText(out, label, (x1 + pad + 2, y1), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)
    return out


def legend(width: int, s: float) -> np.ndarray:
    """A strip explaining the colours and numbers, to stack above the page."""
    height = int(8 * s)
    strip = np.full((height, width, 3), 255, np.uint8)
    scale = max(0.35, s / 14)
    x = int(2 * s)
    for state in BoxState:
        cv2.rectangle(strip, (x, int(2 * s)), (x + int(4 * s), int(6 * s)), COLOURS[state], max(2, int(s * 0.45)))
        cv2.putText(strip, state.value, (x + int(5 * s), int(5.5 * s)), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 1,
                    cv2.LINE_AA)  # fmt: skip
        x += int(26 * s)
    cv2.putText(strip, "numbers: fill % / line ink %", (x, int(5.5 * s)), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0),
                1, cv2.LINE_AA)  # fmt: skip
    return strip


def render_page(
    image: np.ndarray,
    homography: np.ndarray,
    layout: PageLayout,
    size_mm: tuple[float, float],
    rows: tuple[RowView, ...],
    px_per_mm: float = 6.0,
    with_legend: bool = True,
) -> np.ndarray:
    """The whole page upright, boxes outlined, with the legend on top."""
    page = upright(image, homography, size_mm[0], size_mm[1], px_per_mm)
    drawn = draw_rows(page, layout, rows, px_per_mm)
    return np.vstack([legend(drawn.shape[1], px_per_mm), drawn]) if with_legend else drawn


def _row_band(templates: dict[str, BallotTemplate], record: dict[str, object], official: int) -> Rect | None:
    """The row of ``official`` on the page of ``record``: from the STT column to beyond the last box."""
    template = templates.get(str(record["template"]))
    if template is None:
        return None
    layout = template.pages[int(record["page_number"]) - 1]  # type: ignore[call-overload]
    for row in layout.rows:
        if row.official_index == official:
            x0 = row.name_rect.x_mm - 11.0
            x1 = max(b.x_mm + b.w_mm for b in row.boxes) + 9.0
            return Rect(x0, row.name_rect.y_mm, x1 - x0, row.name_rect.h_mm)
    return None


def highlight_row(
    page: np.ndarray, templates: dict[str, BallotTemplate], record: dict[str, object], official: int, s: float
) -> np.ndarray:
    """The page drawing with one row's band tinted, to find it at a glance."""
    band = _row_band(templates, record, official)
    if band is None:
        return page
    out = page.copy()
    y0, y1 = int(band.y_mm * s), int((band.y_mm + band.h_mm) * s)
    x0, x1 = max(int(band.x_mm * s), 0), min(int((band.x_mm + band.w_mm) * s), out.shape[1])
    tint = np.array((0, 200, 255), np.float32)  # amber
    region = out[y0:y1, x0:x1].astype(np.float32)
    out[y0:y1, x0:x1] = (region * 0.65 + tint * 0.35).astype(np.uint8)
    cv2.rectangle(out, (x0, y0), (x1 - 1, y1 - 1), (0, 140, 255), 2)
    return out


def row_crop(
    page: np.ndarray, templates: dict[str, BallotTemplate], record: dict[str, object], official: int, s: float
) -> np.ndarray:
    """One row of the page drawing, with a little of the rows above and below for context.

    The printed name and the boxes are kept and what lies between (the position column) is
    cut out, so that the boxes show large.
    """
    band = _row_band(templates, record, official)
    if band is None:
        return page
    margin = 3.0
    y0, y1 = max(int((band.y_mm - margin) * s), 0), min(int((band.y_mm + band.h_mm + margin) * s), page.shape[0])
    x0, x1 = max(int(band.x_mm * s), 0), min(int((band.x_mm + band.w_mm) * s), page.shape[1])
    template = templates[str(record["template"])]
    layout = template.pages[int(record["page_number"]) - 1]  # type: ignore[call-overload]
    row = next(r for r in layout.rows if r.official_index == official)
    name_end = int((row.name_rect.x_mm + NAME_KEPT_MM) * s)
    boxes_start = int((min(b.x_mm for b in row.boxes) - 6.0) * s)
    if boxes_start - name_end < 10 * s:
        return page[y0:y1, x0:x1].copy()
    gap = np.full((y1 - y0, max(2, int(s)), 3), 90, np.uint8)
    return np.hstack([page[y0:y1, x0:name_end], gap, page[y0:y1, boxes_start:x1]])


class NotShowable(ValueError):
    """The page cannot be drawn: no such page, or it was never aligned."""


def stored_page_picture(store: Store, page_id: int, px_per_mm: float = 6.0, with_legend: bool = True) -> np.ndarray:
    """Draw a stored page as :func:`render_page` does, from what the store holds."""
    record = store.page_record(page_id)
    if record is None:
        raise NotShowable(f"there is no page {page_id} in this count")
    image = store.page_image(page_id)
    homography = store.page_homography(page_id)
    if record["status"] != "read" or homography is None or image is None:
        raise NotShowable(
            f"page {page_id} was not read ({record['reason'] or 'no image'}: {record['detail']}); "
            "there are no boxes to show"
        )
    template = store.templates()[str(record["template"])]
    layout = template.pages[int(record["page_number"]) - 1]  # type: ignore[call-overload]
    decision = record.get("page_decision")
    rows = tuple(row_view(r, decision if isinstance(decision, str) else None) for r in record["rows"])  # type: ignore[attr-defined]
    size = (template.page_width_mm, template.page_height_mm)
    return render_page(decode_image(image[1]), homography, layout, size, rows, px_per_mm, with_legend)
