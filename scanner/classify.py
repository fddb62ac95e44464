"""Turn box scores into one decision per row.  The only place the mark thresholds are applied."""

from __future__ import annotations

from .model import Reading, RowDecision, RowScores
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


def classify_row(row: RowScores, thresholds: Thresholds, bilevel: bool = False) -> RowDecision:
    """One row's decision.

    >>> from scanner.model import BoxScore
    >>> box = lambda level, fill: BoxScore(level, fill, fill, fill, 0.0, 0.0, 0.0)
    >>> classify_row(RowScores(0, (box(0, 0.0), box(1, 0.3), box(2, 0.0))), Thresholds()).level
    1
    >>> classify_row(RowScores(0, (box(0, 0.3), box(1, 0.3), box(2, 0.0))), Thresholds()).reasons
    ('multiple_marks',)
    """
    marked = [b for b in row.boxes if b.fill >= thresholds.definite_fill]
    marginal = [b for b in row.boxes if thresholds.marginal_fill <= b.fill < thresholds.definite_fill]
    # the row as context: ink common to every box (a fold, a streak) is not a mark
    floor = min(b.faint for b in row.boxes)
    faint = [b for b in row.boxes if b.fill < thresholds.definite_fill and b.faint - floor >= thresholds.faint_marginal]
    beside = [b for b in row.boxes if b.fill < thresholds.definite_fill and b.outside >= thresholds.outside_marginal]
    reasons: list[str] = []
    if marginal:
        reasons.append(MARGINAL_MARK)
    if faint:
        reasons.append(FAINT_MARK)
        marginal += [b for b in faint if b not in marginal]
    if beside:
        reasons.append(MARK_OUTSIDE)
    if len(marked) >= 2:
        if thresholds.multi_mark_to_review:
            reasons.append(MULTIPLE_MARKS)
        return RowDecision(row.official_index, Reading.MULTI, None, tuple(reasons))
    if len(marked) == 1:
        return RowDecision(row.official_index, Reading.LEVEL, marked[0].level, tuple(reasons))
    if marginal:
        strongest = max(marginal, key=lambda b: b.fill)
        return RowDecision(row.official_index, Reading.LEVEL, strongest.level, tuple(reasons))
    if bilevel and thresholds.bilevel_blank_to_review:
        reasons.append(BLANK_ON_BILEVEL)
    return RowDecision(row.official_index, Reading.BLANK, None, tuple(reasons))


def classify_page(
    rows: tuple[RowScores, ...], thresholds: Thresholds, bilevel: bool = False
) -> tuple[RowDecision, ...]:
    return tuple(classify_row(r, thresholds, bilevel) for r in rows)
