"""Turn box scores into one decision per row.  The only place the mark thresholds are applied."""

from __future__ import annotations

from .model import BoxScore, Reading, RowDecision, RowScores
from .pageink import PageInk
from .settings import Thresholds

# Review reasons, as stored and shown to reviewers.
MARGINAL_MARK = "marginal_mark"  # a box between the marginal and definite fill
MULTIPLE_MARKS = "multiple_marks"  # two or more marked boxes: an overvote or a correction
PAGE_CODE_UNREAD = "page_code_unreadable"  # the page was identified from its marks alone
FAINT_MARK = "faint_mark"  # light ink in a box: pencil, a dot, a hesitant stroke, an erasure
MARK_OUTSIDE = "mark_outside_box"  # ink beside a box that is not itself marked
BLANK_ON_BILEVEL = "blank_on_bilevel_scan"  # a 1-bit scan may have dropped a light mark
STRUCK_OUT_NAME = "struck_out_name"  # a printed name crossed out: the whole ballot is invalid (QĐ 96)
WRITING_OUTSIDE = "writing_outside_boxes"  # handwriting in the margins


def page_reasons(ink: PageInk, code_read: bool, thresholds: Thresholds) -> tuple[str, ...]:
    """Reasons a person must look at the whole page before its rows count.

    The page becomes one review item (accept it, or reject the ballot); its rows wait in
    the tally until then, but are not review items of their own.
    """
    reasons = []
    if not code_read:
        reasons.append(PAGE_CODE_UNREAD)
    if ink.strike_mm >= thresholds.strike_min_mm:
        reasons.append(STRUCK_OUT_NAME)
    if ink.margin_ink_mm2 >= thresholds.margin_ink_min_mm2:
        reasons.append(WRITING_OUTSIDE)
    return tuple(reasons)


def is_marked(box: BoxScore, thresholds: Thresholds) -> bool:
    """A box the machine may count by itself: pen lines across it, or ink over much of it.

    A box with ink but neither (a grey smudge, a pencil shading, a dot) is not marked, and the
    row goes to review instead: an erasure looks the same.
    """
    lines = (
        box.stroke >= thresholds.line_stroke
        and box.span_mm >= thresholds.line_span_mm
        and (box.fill >= thresholds.line_fill or box.span_mm >= thresholds.line_span_long_mm)
    )
    return lines or box.fill >= thresholds.solid_fill


def classify_row(
    row: RowScores, thresholds: Thresholds, bilevel: bool = False, column_floor: tuple[float, ...] = ()
) -> RowDecision:
    """One row's decision.

    ``column_floor`` is, per level, the faint coverage that boxes of that column carry on this
    page anyway (a scanner streak down the column); it is not taken for a mark.

    >>> from scanner.model import BoxScore
    >>> box = lambda level, fill, stroke: BoxScore(level, fill, fill, fill, 0.0, 0.0, 0.0, stroke, 5.0)
    >>> classify_row(RowScores(0, (box(0, 0, 0), box(1, 0.3, 0.25), box(2, 0, 0))), Thresholds()).level
    1
    >>> classify_row(RowScores(0, (box(0, 0.3, 0.25), box(1, 0.3, 0.25), box(2, 0, 0))), Thresholds()).reasons
    ('multiple_marks',)
    """
    floors = column_floor or (0.0,) * len(row.boxes)
    row_floor = min(b.faint for b in row.boxes)  # ink common to every box (a fold) is not a mark

    def excess(b: BoxScore) -> float:
        return b.faint - max(row_floor, floors[b.level])

    marked = [b for b in row.boxes if is_marked(b, thresholds)]
    rest = [b for b in row.boxes if b not in marked]
    # with a mark in the row, specks and a mark's overrun beside it are ignored; a row with no
    # mark at all is looked at for the least trace of ink (a mark lost to a light pen)
    faint_cut = thresholds.faint_marginal if marked else thresholds.faint_trace
    outside_cut = thresholds.outside_marginal if marked else thresholds.outside_trace
    marginal = [b for b in rest if b.fill >= thresholds.marginal_fill or b.stroke >= thresholds.marginal_stroke]
    faint = [b for b in rest if excess(b) >= faint_cut]
    beside = [b for b in rest if b.outside >= outside_cut]
    reasons: list[str] = []
    if marginal:
        reasons.append(MARGINAL_MARK)
    if faint:
        reasons.append(FAINT_MARK)
    if beside:
        reasons.append(MARK_OUTSIDE)
    if len(marked) >= 2:
        if thresholds.multi_mark_to_review:
            reasons.append(MULTIPLE_MARKS)
        return RowDecision(row.official_index, Reading.MULTI, None, tuple(reasons))
    if len(marked) == 1:
        return RowDecision(row.official_index, Reading.LEVEL, marked[0].level, tuple(reasons))
    doubtful = marginal + faint
    if doubtful:  # the machine's best guess, for the reviewer
        strongest = max(doubtful, key=lambda b: (b.stroke, b.fill, excess(b)))
        return RowDecision(row.official_index, Reading.LEVEL, strongest.level, tuple(reasons))
    if bilevel and thresholds.bilevel_blank_to_review:
        reasons.append(BLANK_ON_BILEVEL)
    return RowDecision(row.official_index, Reading.BLANK, None, tuple(reasons))


def column_floors(rows: tuple[RowScores, ...], thresholds: Thresholds) -> tuple[float, ...]:
    """Per level, the median faint coverage of the page's unmarked boxes in that column.

    A streak from a dirty scanner roller runs down one column of boxes; a real mark sits in
    one row.  With fewer than ``thresholds.column_min_rows`` unmarked boxes, no floor.
    """
    if not rows:
        return ()
    floors = []
    for level in range(len(rows[0].boxes)):
        values = sorted(r.boxes[level].faint for r in rows if not is_marked(r.boxes[level], thresholds))
        floors.append(values[len(values) // 2] if len(values) >= thresholds.column_min_rows else 0.0)
    return tuple(floors)


def classify_page(
    rows: tuple[RowScores, ...], thresholds: Thresholds, bilevel: bool = False
) -> tuple[RowDecision, ...]:
    floors = column_floors(rows, thresholds)
    return tuple(classify_row(r, thresholds, bilevel, floors) for r in rows)
