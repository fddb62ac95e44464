"""Draw a template as a printable A4 PDF with an embedded Vietnamese-capable font."""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

import cv2
import numpy as np
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from . import layout, pagecode
from .model import BallotTemplate, Marker, PageLayout

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


@cache
def register_fonts() -> tuple[str, str]:
    """Register the fonts shipped with the package; returns (regular, bold) names."""
    folder = resources.files("scanner") / "fonts"
    for name in (FONT, FONT_BOLD):
        with resources.as_file(folder / f"{name}.ttf") as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    return FONT, FONT_BOLD


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` that the shipped font cannot draw."""
    register_fonts()
    font = pdfmetrics.getFont(FONT)
    widths = font.face.charWidths
    return {c for c in text if c.strip() and ord(c) not in widths}


@cache
def marker_cells(dictionary: str, marker_id: int) -> np.ndarray:
    """The marker as a 6x6 array of cells (1 = black), border included."""
    aruco_dict = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, dictionary))
    image = cv2.aruco.generateImageMarker(aruco_dict, marker_id, 6)
    return (image < 128).astype(np.uint8)


class _Page:
    """Millimetre drawing on a reportlab canvas with a top-left origin."""

    def __init__(self, canvas: Canvas, height_mm: float) -> None:
        self.c = canvas
        self.h = height_mm

    def rect(self, x: float, y: float, w: float, h: float, fill: bool = False, stroke: bool = True) -> None:
        self.c.rect(x * mm, (self.h - y - h) * mm, w * mm, h * mm, fill=int(fill), stroke=int(stroke))

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.c.line(x1 * mm, (self.h - y1) * mm, x2 * mm, (self.h - y2) * mm)

    def text(self, x: float, baseline: float, text: str, font: str, size: float, align: str = "left") -> None:
        self.c.setFont(font, size)
        y = (self.h - baseline) * mm
        if align == "center":
            self.c.drawCentredString(x * mm, y, text)
        elif align == "right":
            self.c.drawRightString(x * mm, y, text)
        else:
            self.c.drawString(x * mm, y, text)


def _fit(text: str, font: str, size: float, width_mm: float, smallest: float = 6.5) -> float:
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width_mm * mm:
        size -= 0.25
    return size


def _wrap(text: str, font: str, size: float, width_mm: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and pdfmetrics.stringWidth(candidate, font, size) > width_mm * mm:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _fit_lines(text: str, font: str, size: float, width_mm: float, max_lines: int) -> tuple[float, list[str]]:
    """The largest size (down to 5 pt) at which ``text`` wraps into ``max_lines``; never drops words."""
    while size > 5:
        lines = _wrap(text, font, size, width_mm)
        if len(lines) <= max_lines and all(pdfmetrics.stringWidth(x, font, size) <= width_mm * mm for x in lines):
            return size, lines
        size -= 0.25
    return size, _wrap(text, font, size, width_mm)


def _draw_marker(p: _Page, template: BallotTemplate, marker: Marker) -> None:
    cells = marker_cells(template.marker_dictionary, marker.marker_id)
    cell = marker.rect.w_mm / cells.shape[0]
    p.c.setFillGray(0)
    p.rect(marker.rect.x_mm, marker.rect.y_mm, marker.rect.w_mm, marker.rect.h_mm, fill=True, stroke=False)
    p.c.setFillGray(1)
    for row in range(cells.shape[0]):
        for col in range(cells.shape[1]):
            if not cells[row, col]:
                p.rect(
                    marker.rect.x_mm + col * cell, marker.rect.y_mm + row * cell, cell, cell, fill=True, stroke=False
                )
    p.c.setFillGray(0)


def _draw_heading(p: _Page, template: BallotTemplate, page: PageLayout, regular: str, bold: str) -> None:
    centre = template.page_width_mm / 2
    if page.number == 1:
        p.text(centre, 30, "PHIẾU TÍN NHIỆM", bold, 16, "center")
        size, lines = _fit_lines(template.title, bold, 11, 170, max_lines=2)
        for i, line in enumerate(lines):
            p.text(centre, 37 + 5 * i, line, bold, size, "center")
        instructions = (
            "Ở mỗi dòng, đánh dấu (X hoặc ✓) vào MỘT ô duy nhất ứng với mức tín nhiệm của mình.",
            "Dòng để trống hoặc đánh dấu từ hai ô trở lên không được tính cho người đó.",
            "Không gạch tên, không viết thêm nội dung khác lên phiếu.",
        )
        for i, line in enumerate(instructions):
            p.text(layout.GEOMETRY.table_left_mm, 50 + 4.3 * i, line, regular, 9)
    else:
        p.text(
            centre, 27, f"PHIẾU TÍN NHIỆM (tiếp theo) — trang {page.number}/{len(template.pages)}", bold, 11, "center"
        )


def _draw_table(p: _Page, template: BallotTemplate, page: PageLayout, regular: str, bold: str) -> None:
    g = layout.GEOMETRY
    levels = len(template.levels)
    level_w = layout.level_column_mm(levels)
    name_w, position_w = layout.name_columns_mm(levels)
    top = layout.table_top_mm(page.number)
    bottom = top + g.header_row_mm + len(page.rows) * g.row_mm
    columns = [g.table_left_mm, g.table_left_mm + g.stt_col_mm]
    columns.append(columns[-1] + name_w)
    columns.append(columns[-1] + position_w)
    columns += [columns[3] + (k + 1) * level_w for k in range(levels)]
    p.c.setLineWidth(0.25 * mm)
    p.c.setStrokeGray(0.25)
    for x in columns:
        p.line(x, top, x, bottom)
    p.line(g.table_left_mm, top, g.table_right_mm, top)
    for i in range(len(page.rows) + 1):
        y = top + g.header_row_mm + i * g.row_mm
        p.line(g.table_left_mm, y, g.table_right_mm, y)
    headings = ["STT", "Họ và tên", "Chức vụ", *template.levels]
    for i, heading in enumerate(headings):
        width = columns[i + 1] - columns[i] - 1.5
        lines = _wrap(heading, bold, 8.5, width)[:2]
        size = min(_fit(line, bold, 8.5, width) for line in lines)
        first = top + g.header_row_mm / 2 + 1.2 - 1.8 * (len(lines) - 1)
        for j, line in enumerate(lines):
            p.text((columns[i] + columns[i + 1]) / 2, first + 3.6 * j, line, bold, size, "center")
    for row in page.rows:
        official = template.officials[row.official_index]
        y = row.name_rect.y_mm
        mid = y + g.row_mm / 2 + 1.3
        p.text((columns[0] + columns[1]) / 2, mid, str(official.stt), regular, 10, "center")
        p.text(columns[1] + 1.5, mid, official.name, bold, _fit(official.name, bold, 10, name_w - 3), "left")
        size, lines = _fit_lines(official.position, regular, 8.5, position_w - 3, max_lines=2)
        if len(lines) == 1:
            p.text(columns[2] + 1.5, mid, lines[0], regular, size)
        else:
            for j, line in enumerate(lines):
                p.text(columns[2] + 1.5, y + 3.9 + 3.3 * j, line, regular, size)
        p.c.setStrokeGray(0)
        p.c.setLineWidth(template.box_line_mm * mm)
        for box in row.boxes:
            # the stroke is centred on the path, so inset by half a line to keep the outer edge on the rectangle
            half = template.box_line_mm / 2
            p.rect(box.x_mm + half, box.y_mm + half, box.w_mm - 2 * half, box.h_mm - 2 * half)
        p.c.setLineWidth(0.25 * mm)
        p.c.setStrokeGray(0.25)


def _draw_code(p: _Page, template: BallotTemplate, page: PageLayout, regular: str) -> None:
    bits = pagecode.encode(pagecode.PageCode(template.code_id, page.number, len(template.pages)))
    p.c.setFillGray(0)
    for strip in page.code_strips:
        for i, bit in enumerate(bits):
            if bit:
                p.rect(
                    strip.x_mm + i * strip.cell_w_mm,
                    strip.y_mm,
                    strip.cell_w_mm,
                    strip.cell_h_mm,
                    fill=True,
                    stroke=False,
                )
    label = f"Mẫu phiếu {template.short_id} · trang {page.number}/{len(template.pages)}"
    p.text(template.page_width_mm / 2, layout.GEOMETRY.table_bottom_mm + 4.5, label, regular, 7, "center")


def render_pdf(template: BallotTemplate) -> bytes:
    """The ballot as PDF bytes, one A4 page per template page."""
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(template.page_width_mm * mm, template.page_height_mm * mm), invariant=True)
    canvas.setTitle(template.title)
    canvas.setSubject(f"Mẫu phiếu {template.fingerprint}")
    canvas.setCreator("scanner")
    for page in template.pages:
        p = _Page(canvas, template.page_height_mm)
        for marker in page.markers:
            _draw_marker(p, template, marker)
        _draw_heading(p, template, page, regular, bold)
        _draw_table(p, template, page, regular, bold)
        _draw_code(p, template, page, regular)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
