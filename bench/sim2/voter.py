"""What one voter draws on a sheet, and the truth a careful reviewer would record for it.

Every thing drawn is an :class:`Item` with a role: ``clear`` (a plain mark in a box), ``doubt``
(a mark that needs a look: dot, faint tick, X beside the box, mark running into the next box),
``erased`` (a mark rubbed out), ``scribble`` (a box blacked out to cancel it), ``strike`` (a
name struck through) or ``margin`` (writing outside the table).  The row truth is derived from
the items that are still visible after the scan (see :func:`row_truth`), so a mark the scanner
dropped is not held against the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from . import pens, shapes, writing
from .ink import Sheet
from .layout import Page, Rect, Row, Template, blank_rows, name_text_span, table_bottom


@dataclass(frozen=True)
class Rates:
    """How often each kind of row and sheet occurs."""

    blank: float = 0.02
    multi: float = 0.01
    doubtful: float = 0.03
    correction: float = 0.02
    struck_name: float = 0.03
    margin_writing: float = 0.03


@dataclass
class Item:
    role: str
    level: int | None
    label: str
    official: int = -1
    visible: float = 1.0  # share of the item's ink core still plainly visible after the scan
    faint: float = 1.0  # share of it still to be made out at all


@dataclass
class Drawing:
    pen: str
    items: list[Item] = field(default_factory=list)

    def add(self, role: str, level: int | None, label: str, official: int = -1) -> int:
        self.items.append(Item(role, level, label, official))
        return len(self.items) - 1


DOUBTS = ("dot", "faint-tick", "erased-alone", "erased", "beside", "straddle")


def _level_weights(n: int) -> np.ndarray:
    w = np.array([0.62, 0.28, 0.10]) if n == 3 else 0.5 ** np.arange(n)
    return w / w.sum()


def choose_pen(rng: np.random.Generator) -> pens.Pen:
    names = list(pens.PEN_WEIGHTS)
    p = np.array([pens.PEN_WEIGHTS[n] for n in names])
    return pens.PENS[names[int(rng.choice(len(names), p=p / p.sum()))]]


def _clear_shape(rng: np.random.Generator) -> str:
    names = list(shapes.CLEAR_SHAPES)
    p = np.array([shapes.CLEAR_SHAPES[n][1] for n in names])
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def _moves(shape: str, box: Rect, rng: np.random.Generator, pen: pens.Pen) -> list[shapes.Move]:
    """A clear mark's movements, kept off the neighbouring rows' boxes (at most 1.6 mm above or below)."""
    if shape == "fill":
        return shapes.fill(box, rng, pen_mm=pen.width_mm)
    fn = shapes.CLEAR_SHAPES[shape][0]
    moves = fn(box, rng)
    ys = np.concatenate([m[0][:, 1] for m in moves])
    reach = max(box.cy - float(ys.min()), float(ys.max()) - box.cy) + pen.width_mm / 2
    limit = box.h / 2 + 1.6
    if reach > limit:
        k = limit / reach
        cx = float(np.mean(np.concatenate([m[0][:, 0] for m in moves])))
        moves = [(np.column_stack([cx + (p[:, 0] - cx) * k, box.cy + (p[:, 1] - box.cy) * k]), pr) for p, pr in moves]
    return moves


def _ink(sheet: Sheet, pen: pens.Pen, moves: list[shapes.Move], rng: np.random.Generator, item: int) -> None:
    for path, pr in moves:
        pens.draw(sheet, pen, path, pr, rng, item)


def _erase(sheet: Sheet, pen: pens.Pen, box: Rect, rng: np.random.Generator, item: int) -> str:
    """A mark drawn then rubbed out: ghost strokes of the pen and the eraser's grey smudge."""
    shape = str(rng.choice(["cross", "check", "slash"]))
    first = len(sheet.patches)
    _ink(sheet, pen, _moves(shape, box, rng, pen), rng, item)
    ghost = rng.uniform(0.05, 0.13) if pen.grain > 0 else rng.uniform(0.07, 0.18)
    for p in sheet.patches[first:]:  # the eraser lifts the ink unevenly: broken, patchy ghost strokes
        rub = cv2.GaussianBlur(rng.random(p.amount.shape).astype(np.float32), (0, 0), 0.25 * sheet.px_per_mm)
        rub = np.clip((rub - rub.mean()) / (float(rub.std()) + 1e-6) * 0.6 + 0.8, 0.0, 1.6)
        p.amount = (p.amount * np.float32(ghost) * rub).astype(np.float32)
    pens.smudge(
        sheet,
        box.cx + rng.normal(0, 0.6),
        box.cy + rng.normal(0, 0.5),
        rng.uniform(3.0, 4.5),
        rng.uniform(2.5, 3.8),
        rng.uniform(0.06, 0.18),
        rng,
        item,
    )
    return shape


def _row(
    sheet: Sheet, d: Drawing, row: Row, rates: Rates, levels: int, pen: pens.Pen, rng: np.random.Generator
) -> None:
    """Draw what one voter puts on one official's row: mostly one clear mark, sometimes more or less."""
    boxes, off = row.boxes, row.official
    level = int(rng.choice(levels, p=_level_weights(levels)))
    other = int(rng.choice([k for k in range(levels) if k != level]))
    u = rng.random()
    cuts = np.cumsum([rates.blank, rates.multi, rates.doubtful, rates.correction])
    if u < cuts[0]:
        return
    if u < cuts[1]:  # two clear marks
        for lv in (level, other):
            shape = _clear_shape(rng)
            _ink(sheet, pen, _moves(shape, boxes[lv], rng, pen), rng, d.add("clear", lv, f"{shape}@{lv}", off))
        return
    if u < cuts[2]:
        doubt = str(rng.choice(DOUBTS))
        if doubt == "dot":
            _ink(
                sheet,
                pen,
                writing.dot(boxes[level], rng, pen.width_mm),
                rng,
                d.add("doubt", level, f"dot@{level}", off),
            )
        elif doubt == "faint-tick":
            _ink(
                sheet,
                pen,
                writing.faint_tick(boxes[level], rng),
                rng,
                d.add("doubt", level, f"faint-tick@{level}", off),
            )
        elif doubt == "beside":
            _ink(sheet, pen, writing.beside(boxes[level], rng), rng, d.add("doubt", level, f"beside@{level}", off))
        elif doubt == "straddle":
            nb = level + 1 if level + 1 < levels else level - 1
            i = d.add("doubt", level, f"straddle@{level}-{nb}", off)
            _ink(sheet, pen, writing.straddle(boxes[level], boxes[nb], rng), rng, i)
        elif doubt == "erased-alone":
            i = d.add("erased", level, f"erased@{level}", off)
            d.items[i].label = f"erased-{_erase(sheet, pen, boxes[level], rng, i)}@{level}"
        else:  # changed mind: the first box rubbed out, another one marked
            i = d.add("erased", other, f"erased@{other}", off)
            d.items[i].label = f"erased-{_erase(sheet, pen, boxes[other], rng, i)}@{other}"
            shape = _clear_shape(rng)
            _ink(sheet, pen, _moves(shape, boxes[level], rng, pen), rng, d.add("clear", level, f"{shape}@{level}", off))
        return
    if u < cuts[3]:  # correction: one box blacked out, the chosen one marked
        i = d.add("scribble", other, f"scribble@{other}", off)
        if rng.random() < 0.5:  # the X that was being cancelled, under the scribble
            _ink(sheet, pen, shapes.cross(boxes[other], rng), rng, i)
        heavy = shapes.fill(boxes[other], rng, 1.0, pen.width_mm, heavy=True, overrun=rng.uniform(0.0, 0.6))
        _ink(sheet, pen, heavy, rng, i)
    shape = _clear_shape(rng)
    _ink(sheet, pen, _moves(shape, boxes[level], rng, pen), rng, d.add("clear", level, f"{shape}@{level}", off))


def _margin_place(template: Template, page: Page, rng: np.random.Generator, lines: int) -> tuple[float, float, float]:
    """Where margin writing goes: an unprinted band below the table, clear of the markers, the code
    strips and the footer (x, first baseline, width), all in millimetres."""
    top = table_bottom(page) + 4
    bottom = min(m.y for m in page.markers if m.y > template.height_mm / 2) - 3
    bottom = min([bottom, *(s.y - 3 for s in page.strips if s.y > template.height_mm / 2)])
    need = 7.0 + 7.5 * (lines - 1)  # ascenders ~5 mm over the baseline, descenders ~3 mm under it
    free = blank_rows(template, page, 22.0, template.width_mm - 22.0)
    ys = np.arange(top, bottom - need, 0.5)
    fits = [y for y in ys if free(y, y + need)]
    y0 = float(rng.choice(fits)) if fits else 24.0  # no room under the table: the space right of the title
    x = rng.uniform(22, 90)
    return x, y0 + 5.0, rng.uniform(25, min(90, template.width_mm - 25 - x))


def draw_sheet(
    sheet: Sheet, template: Template, page: Page, dpi: int, pen: pens.Pen, rates: Rates, rng: np.random.Generator
) -> Drawing:
    """Draw one voter's marks for every row of ``page``, and possibly a struck name and margin writing."""
    d = Drawing(pen.name)
    levels = len(template.levels)
    for row in page.rows:
        _row(sheet, d, row, rates, levels, pen, rng)
    if rng.random() < rates.struck_name:
        row = page.rows[int(rng.integers(len(page.rows)))]
        span = name_text_span(template, page, row, dpi)
        _ink(
            sheet,
            pen,
            writing.strike(span, row.name_area, rng),
            rng,
            d.add("strike", None, "struck-name", row.official),
        )
    if rng.random() < rates.margin_writing:
        lines = 2 if rng.random() < 0.35 else 1
        x, y, w = _margin_place(template, page, rng, lines)
        moves = writing.handwriting(x, y, w, rng)
        if lines == 2:
            moves += writing.handwriting(x + rng.uniform(-2, 4), y + rng.uniform(6, 7.5), w * rng.uniform(0.4, 1), rng)
        _ink(sheet, pen, moves, rng, d.add("margin", None, "margin-writing"))
    return d


def row_truth(items: list[Item]) -> tuple[str, int | None, str, tuple[int, ...], tuple[str, ...]]:
    """(intended, level, kind, marks, drawn) of one row from what is visible on it.

    Items whose ink the scan lost (less than a tenth can still be made out) are left out; a clear
    mark that is not plainly visible over at least half its core counts as doubtful.
    """
    drawn = []
    seen = []
    for it in items:
        if it.faint < 0.1:
            drawn.append(f"lost-{it.label}")
            continue
        if it.role == "clear" and it.visible < 0.5:
            drawn.append(f"faded-{it.label}")
            seen.append(Item("doubt", it.level, it.label))
            continue
        drawn.append(it.label)
        seen.append(it)
    clears = sorted({it.level for it in seen if it.role == "clear" and it.level is not None})
    doubts = [it for it in seen if it.role == "doubt"]
    others = [it for it in seen if it.role in ("erased", "scribble")]
    extra = tuple(drawn)
    if not seen:
        return "blank", None, "blank", (), extra
    if len(clears) >= 2 and not doubts and not others:
        return "multi", None, "multi", tuple(clears), extra
    if len(clears) == 1 and not doubts and not others:
        return "level", clears[0], "clear", tuple(clears), extra
    if len(clears) == 1 and any(it.role == "scribble" for it in others) and not doubts:
        return "level", clears[0], "correction", tuple(clears), extra
    if len(clears) == 1:
        return "level", clears[0], "doubtful", tuple(clears), extra
    if len(clears) >= 2:
        return "multi", None, "doubtful", tuple(clears), extra
    if doubts:
        lv = {it.level for it in doubts}
        if len(lv) == 1:
            return "level", doubts[0].level, "doubtful", (), extra
        return "multi", None, "doubtful", (), extra
    return "blank", None, "doubtful", (), extra  # only erasures or a scribble: nothing chosen
