"""Template geometry read straight from ``template.json`` and the printed ballot rendered from its PDF.

Positions are millimetres from the page's top-left corner, as in the template file.  The printed
ballot is rendered by poppler (pdf2image) once per page and DPI and kept in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle on the page, in millimetres."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Row:
    """One official's row: where the name is printed and the boxes, one per level."""

    official: int
    name_area: Rect
    boxes: tuple[Rect, ...]


@dataclass(frozen=True)
class Page:
    number: int
    markers: tuple[Rect, ...]
    strips: tuple[Rect, ...]  # printed page-code strips: keep hand writing off them
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Template:
    directory: Path
    fingerprint: str
    levels: tuple[str, ...]
    stts: tuple[int, ...]  # printed number of each official, by official index
    width_mm: float
    height_mm: float
    box_line_mm: float
    pages: tuple[Page, ...]

    @property
    def pdf(self) -> Path:
        return self.directory / "ballot.pdf"


def _rect(d: dict[str, float]) -> Rect:
    return Rect(float(d["x_mm"]), float(d["y_mm"]), float(d["w_mm"]), float(d["h_mm"]))


def load_template(directory: Path) -> Template:
    """Read ``directory/template.json`` into plain geometry."""
    data = json.loads((directory / "template.json").read_text(encoding="utf-8"))
    pages = []
    for p in data["pages"]:
        strips = tuple(
            Rect(float(s["x_mm"]), float(s["y_mm"]), float(s["cell_w_mm"]) * int(s["bits"]), float(s["cell_h_mm"]))
            for s in p.get("code_strips", ())
        )
        rows = tuple(
            Row(int(r["official"]), _rect(r["name_area"]), tuple(_rect(b) for b in r["boxes"])) for r in p["rows"]
        )
        pages.append(Page(int(p["number"]), tuple(_rect(m) for m in p["markers"]), strips, rows))
    return Template(
        directory=directory,
        fingerprint=str(data.get("fingerprint", "")),
        levels=tuple(data["levels"]),
        stts=tuple(int(o["stt"]) for o in data["officials"]),
        width_mm=float(data["page"]["width_mm"]),
        height_mm=float(data["page"]["height_mm"]),
        box_line_mm=float(data.get("box_line_mm", 0.4)),
        pages=tuple(pages),
    )


@lru_cache(maxsize=8)
def printed_page(pdf: Path, number: int, dpi: int) -> np.ndarray:
    """The printed ballot page as grey values 0..255 (uint8), rendered by poppler at ``dpi``."""
    from pdf2image import convert_from_path

    images = convert_from_path(str(pdf), dpi=dpi, grayscale=True, first_page=number, last_page=number)
    arr = np.asarray(images[0].convert("L"), dtype=np.uint8)
    arr.setflags(write=False)
    return arr


def name_text_span(template: Template, page: Page, row: Row, dpi: int) -> tuple[float, float]:
    """Where the official's printed name runs across the name area, as (x0, x1) in millimetres.

    Found from the rendered PDF: dark columns in the middle band of the name area, ignoring
    vertical table rules, first cluster of text from the left.
    """
    img = printed_page(template.pdf, page.number, dpi)
    s = dpi / 25.4
    a = row.name_area
    y0, y1 = int((a.y + 2.0) * s), int((a.bottom - 2.0) * s)
    x0, x1 = int((a.x + 0.8) * s), int((a.right - 0.8) * s)
    band = img[y0:y1, x0:x1] < 128
    frac = band.mean(axis=0)
    cols = np.flatnonzero((frac > 0) & (frac < 0.8))
    if cols.size == 0:
        return a.x + 2.0, a.x + min(40.0, a.w - 2.0)
    gap = int(4.0 * s)  # a gap this wide ends the name (the position column follows)
    end = cols[0]
    for c in cols[1:]:
        if c - end > gap:
            break
        end = c
    return a.x + 0.8 + cols[0] / s, a.x + 0.8 + end / s


def table_bottom(page: Page) -> float:
    """The lowest printed row's bottom edge, in millimetres."""
    return max(max(r.name_area.bottom, *(b.bottom for b in r.boxes)) for r in page.rows)


def blank_rows(template: Template, page: Page, x0: float, x1: float) -> Callable[[float, float], bool]:
    """A test of whether the page is unprinted between two heights (mm) across ``x0``..``x1`` mm."""
    dpi = 50
    img = printed_page(template.pdf, page.number, dpi)
    s = dpi / 25.4
    inked = (img[:, int(x0 * s) : int(x1 * s)] < 200).any(axis=1)
    cum = np.concatenate([[0], np.cumsum(inked)])

    def free(y0: float, y1: float) -> bool:
        a, b = max(0, int(y0 * s) - 1), min(len(inked), int(np.ceil(y1 * s)) + 1)
        return b > a and cum[b] - cum[a] == 0

    return free
