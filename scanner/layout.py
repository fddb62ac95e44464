"""Lay out a ballot: officials and levels in, every printed rectangle (in mm) out.

The PDF renderer draws from these numbers and the reader looks for them, so the
printed page and the reader can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import templatefile
from .model import (
    DEFAULT_LEVELS,
    MAX_LEVELS,
    MAX_OFFICIALS,
    MIN_LEVELS,
    BallotRow,
    BallotTemplate,
    CodeStrip,
    Marker,
    Official,
    PageLayout,
    Rect,
)
from .pagecode import CODE_BITS


@dataclass(frozen=True)
class PageGeometry:
    """The fixed frame of every page (A4 portrait) shared by all templates."""

    width_mm: float = 210.0
    height_mm: float = 297.0
    marker_mm: float = 10.0  # ArUco 4x4 marks: 1.67 mm cells, ~10 px at 150 DPI
    marker_inset_mm: float = 10.0  # from the sheet edge; printers leave ~5 mm unprinted
    code_cell_w_mm: float = 2.0
    code_cell_h_mm: float = 4.0
    table_left_mm: float = 15.0
    table_right_mm: float = 195.0
    table_top_first_mm: float = 64.0  # below the heading and the instructions
    table_top_next_mm: float = 34.0
    table_bottom_mm: float = 270.0
    header_row_mm: float = 12.0
    row_mm: float = 9.0
    stt_col_mm: float = 11.0
    box_mm: float = 7.0
    box_line_mm: float = 0.4


GEOMETRY = PageGeometry()
MARKER_DICTIONARY = "DICT_4X4_250"  # id = 4 * (page - 1) + corner, so up to 62 pages


def marker_id(page_number: int, corner: int) -> int:
    return 4 * (page_number - 1) + corner


def level_column_mm(levels: int) -> float:
    """Width of each level's column: 22 mm, narrower when five levels must share 90 mm."""
    return min(22.0, 90.0 / levels)


def name_columns_mm(levels: int, g: PageGeometry = GEOMETRY) -> tuple[float, float]:
    """Widths of the name and position columns."""
    free = g.table_right_mm - g.table_left_mm - g.stt_col_mm - levels * level_column_mm(levels)
    name = round(free * 0.54, 2)
    return name, round(free - name, 2)


def rows_per_page(first: bool, g: PageGeometry = GEOMETRY) -> int:
    top = g.table_top_first_mm if first else g.table_top_next_mm
    return int((g.table_bottom_mm - top - g.header_row_mm) // g.row_mm)


def table_top_mm(page_number: int, g: PageGeometry = GEOMETRY) -> float:
    return g.table_top_first_mm if page_number == 1 else g.table_top_next_mm


def _markers(page_number: int, g: PageGeometry) -> tuple[Marker, ...]:
    near, far_x, far_y = (
        g.marker_inset_mm,
        g.width_mm - g.marker_inset_mm - g.marker_mm,
        (g.height_mm - g.marker_inset_mm - g.marker_mm),
    )
    corners = ((near, near), (far_x, near), (far_x, far_y), (near, far_y))
    return tuple(
        Marker(marker_id(page_number, i), i, Rect(x, y, g.marker_mm, g.marker_mm)) for i, (x, y) in enumerate(corners)
    )


def _code_strips(g: PageGeometry) -> tuple[CodeStrip, ...]:
    width = CODE_BITS * g.code_cell_w_mm
    x = (g.width_mm - width) / 2
    top_y = g.marker_inset_mm + (g.marker_mm - g.code_cell_h_mm) / 2
    bottom_y = g.height_mm - g.marker_inset_mm - g.marker_mm + (g.marker_mm - g.code_cell_h_mm) / 2
    return tuple(CodeStrip(x, y, g.code_cell_w_mm, g.code_cell_h_mm, CODE_BITS) for y in (top_y, bottom_y))


def layout_ballot(
    title: str,
    officials: tuple[Official, ...],
    levels: tuple[str, ...] = DEFAULT_LEVELS,
    g: PageGeometry = GEOMETRY,
) -> BallotTemplate:
    """Place every official's row and box, page by page, and fingerprint the result."""
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        raise ValueError(f"a ballot has {MIN_LEVELS} to {MAX_LEVELS} levels, not {len(levels)}")
    if not 1 <= len(officials) <= MAX_OFFICIALS:
        raise ValueError(f"a ballot lists 1 to {MAX_OFFICIALS} officials, not {len(officials)}")
    level_w = level_column_mm(len(levels))
    name_w, position_w = name_columns_mm(len(levels), g)
    first_box_col = g.table_left_mm + g.stt_col_mm + name_w + position_w
    pages: list[PageLayout] = []
    index = 0
    while index < len(officials):
        number = len(pages) + 1
        capacity = rows_per_page(number == 1, g)
        y = table_top_mm(number, g) + g.header_row_mm
        rows: list[BallotRow] = []
        for official_index in range(index, min(index + capacity, len(officials))):
            box_y = y + (g.row_mm - g.box_mm) / 2
            boxes = tuple(
                Rect(
                    round(first_box_col + k * level_w + (level_w - g.box_mm) / 2, 3),
                    round(box_y, 3),
                    g.box_mm,
                    g.box_mm,
                )
                for k in range(len(levels))
            )
            name_rect = Rect(g.table_left_mm + g.stt_col_mm, round(y, 3), round(name_w + position_w, 3), g.row_mm)
            rows.append(BallotRow(official_index, name_rect, boxes))
            y += g.row_mm
        pages.append(PageLayout(number, _markers(number, g), _code_strips(g), tuple(rows)))
        index += capacity
    template = BallotTemplate(
        title=title,
        levels=tuple(levels),
        officials=tuple(officials),
        page_width_mm=g.width_mm,
        page_height_mm=g.height_mm,
        marker_dictionary=MARKER_DICTIONARY,
        box_line_mm=g.box_line_mm,
        pages=tuple(pages),
    )
    return replace(template, fingerprint=templatefile.compute_fingerprint(template))
