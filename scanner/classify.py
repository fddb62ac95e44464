"""Turn box scores into one decision per row.  The only place the mark thresholds are applied."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

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
BLANK_ROW = "blank_row"  # no mark at all: a vote for no one, and a mark too light to measure looks the same
LIGHT_PEN_BILEVEL = "light_pen_on_bilevel_scan"  # a 1-bit scan lost this voter's ink on other rows
STRUCK_OUT_NAME = "struck_out_name"  # a printed name crossed out: the whole ballot is invalid (QĐ 96)
WRITING_OUTSIDE = "writing_outside_boxes"  # handwriting in the margins
INK_LOST = "ink_lost_bilevel_scan"  # a 1-bit scan that visibly lost ink: scan the sheet again in grey
UNLIKE_MARK = "mark_unlike_others"  # lighter, smeared or broken unlike the voter's others: rubbed out?
SCANNER_STREAK = "scanner_streak"  # a line runs down the whole column through this box: a streak, not a vote?


def page_reasons(
    ink: PageInk, code_read: bool, thresholds: Thresholds, decisions: tuple[RowDecision, ...] = ()
) -> tuple[str, ...]:
    """Reasons a person must look at the whole page before its rows count.

    The page becomes one review item (accept it, or reject the ballot); its rows wait in
    the tally until then, but are not review items of their own.  ``decisions`` are the page's
    rows from :func:`classify_page`: a 1-bit page that lost ink says so on its rows.
    """
    reasons = []
    if any(LIGHT_PEN_BILEVEL in d.reasons for d in decisions):
        reasons.append(INK_LOST)
    if not code_read:
        reasons.append(PAGE_CODE_UNREAD)
    if ink.strike_mm >= thresholds.strike_min_mm or ink.gap_line_mm >= thresholds.strike_min_gap_mm:
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


def is_blacked_out(box: BoxScore, thresholds: Thresholds) -> bool:
    """A box covered with ink: a filled-in vote, or a mark scribbled out."""
    return box.fill >= thresholds.blacked_out_fill


def column_background(rows: tuple[RowScores, ...], thresholds: Thresholds) -> tuple[BoxScore, ...] | None:
    """Per level column, the ink its unmarked boxes share: a low percentile of each score down the page.

    A scanner streak or a copier's drum mark runs down a whole column of boxes and through their
    cells; a voter's doubt sits in one box.  None when the page has too few rows to tell.
    """
    if len(rows) < thresholds.column_min_rows or len({len(r.boxes) for r in rows}) != 1:
        return None
    q = thresholds.column_percentile

    def low(values: list[float]) -> float:
        return float(np.percentile(values, q))

    columns = tuple(
        BoxScore(
            level,
            fill=low([r.boxes[level].fill for r in rows]),
            faint=low([r.boxes[level].faint for r in rows]),
            darkness=0.0,
            outside=low([r.boxes[level].outside for r in rows]),
            dx_mm=0.0,
            dy_mm=0.0,
            stroke=low([r.boxes[level].stroke for r in rows]),
            span_mm=low([r.boxes[level].span_mm for r in rows]),
            edge=low([r.boxes[level].edge for r in rows]),
            peak=low([r.boxes[level].peak for r in rows]),
            pieces=int(low([r.boxes[level].pieces for r in rows])),
            outside_faint=low([r.boxes[level].outside_faint for r in rows]),
        )
        for level in range(len(rows[0].boxes))
    )
    # A streak crosses the cells round the boxes too, a voter's ink stays in them: a column whose
    # cells are bare has no background (a voter marking most rows lightly in one column), nor one
    # whose low percentile is itself a mark (nearly every row chose it).
    empty = BoxScore(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return tuple(
        replace(empty, level=c.level)
        if is_marked(c, thresholds) or c.outside_faint < thresholds.column_streak_outside
        else c
        for c in columns
    )


def pen_marks(rows: tuple[RowScores, ...], thresholds: Thresholds) -> tuple[BoxScore, ...]:
    """The page's lone marks, as this voter's pen draws them: what :func:`is_ghost` compares with.

    Only rows with one box marked give one: where two are, one may be a copier's speckle or a
    streak read as line ink, lighter than any pen.  Boxes blacked out are left out too: a
    scribble is many strokes over each other, not one line.
    """
    lone = []
    for r in rows:
        marked = [b for b in r.boxes if is_marked(b, thresholds)]
        if len(marked) == 1 and not is_blacked_out(marked[0], thresholds):
            lone.append(marked[0])
    return tuple(lone)


def _halo(box: BoxScore) -> float:
    """Faint ink round the box's lines, per unit of line ink: an eraser's grey smear."""
    return (box.faint - box.fill) / max(box.fill, 0.01)


def _inked_darkness(box: BoxScore) -> float:
    """Mean darkness of the box's inked share: how much ink a pen lays where it draws."""
    return box.darkness / max(box.faint, 0.001)


def is_ghost(box: BoxScore, marks: tuple[BoxScore, ...], thresholds: Thresholds) -> bool:
    """A marked box unlike the voter's other marks (``marks``, from :func:`pen_marks`): a mark
    rubbed out whose ghost still passes for one.

    One pen lays its ink at one density, in unbroken lines, with no smear; an eraser lifts most
    of the ink unevenly and smears the rest.  So: a line core (``BoxScore.peak``) far lighter
    than the voter's lighter marks (a low percentile: a dry ballpoint's own lines vary), or a
    grey smear round the lines many times the voter's usual, or lines broken into more pieces
    than the voter's and lighter too, or ink far thinner over the area it covers than the
    voter's usual (a copier prints an erased line's core black, not the grey it leaves round
    it).  A page with too few other marks is not judged.
    """
    others = [m for m in marks if m is not box]
    if len(others) < thresholds.pen_min_marks or box.peak <= 0:
        return False
    lighter = box.peak / max(float(np.percentile([m.peak for m in others], thresholds.pen_peak_percentile)), 1e-6)
    usual = float(np.median([_halo(m) for m in others]))
    # (only against a pen that draws crisp lines: pencil is grey all through, its halo is noise)
    smear = _halo(box) / max(usual, thresholds.pen_halo_floor) if usual <= thresholds.pen_halo_crisp else 0.0
    broken = box.pieces - float(np.median([m.pieces for m in others]))
    thinner = _inked_darkness(box) / max(float(np.median([_inked_darkness(m) for m in others])), 1e-6)
    return (
        lighter < thresholds.ghost_peak_ratio
        or thinner < thresholds.ghost_density_ratio
        or smear >= thresholds.ghost_halo_ratio
        or (broken >= thresholds.ghost_pieces_excess and lighter < thresholds.ghost_pieces_peak_ratio)
    )


def _reaches_like_a_line(box: BoxScore, thresholds: Thresholds) -> bool:
    """Light line ink (at the faint cut: ``BoxScore.light_stroke``) over ``marginal_stroke`` of
    the box, reaching ``line_span_mm`` across it."""
    return box.light_stroke >= thresholds.marginal_stroke and box.light_span_mm >= thresholds.line_span_mm


def voter_lines(rows: tuple[RowScores, ...], thresholds: Thresholds) -> tuple[BoxScore, ...]:
    """The page's lone lines as the voter draws them, light ones included: what
    :func:`light_mark` compares with.

    A row with one box marked gives that box (not one blacked out); a row with none gives its
    box of most light line ink when that ink reaches like a line: a dry pen's or a light pencil's
    marks fall short of a certain mark on every row alike.
    """
    lines = list(pen_marks(rows, thresholds))
    for r in rows:
        if any(is_marked(b, thresholds) for b in r.boxes):
            continue
        best = max(r.boxes, key=lambda b: b.light_stroke)
        if _reaches_like_a_line(best, thresholds):
            lines.append(best)
    return tuple(lines)


def fold_floor(row: RowScores) -> float:
    """The faint ink a row's boxes share that is no voter's: a fold or a copier's grain.

    Both run on through the boxes' cells, so the floor is what every box shows and every cell
    shows as well.  Ink that sits in the boxes and not round them (two equal erasures beside a
    mark, say) is the voter's, and is measured from clean paper.
    """
    return min(min(b.faint for b in row.boxes), min(b.outside_faint for b in row.boxes))


def bare_peak(rows: tuple[RowScores, ...], thresholds: Thresholds) -> float | None:
    """The core darkness (``BoxScore.peak``) of the page's typical bare box: the median over boxes
    with no line ink and no trace at the faint cut.  None when there are none."""
    peaks = [b.peak for r in rows for b in r.boxes if b.stroke == 0 and b.faint < thresholds.faint_trace]
    return float(np.median(peaks)) if peaks else None


def bare_darkness(rows: tuple[RowScores, ...], thresholds: Thresholds) -> tuple[float, float] | None:
    """The mean darkness (``BoxScore.darkness``) of the page's bare boxes, as their median and
    spread (90th percentile less the median, floored at ``grey_spread_floor``): boxes with no line
    ink and no trace at the faint cut.  None with fewer than ``column_min_rows`` of them."""
    values = [b.darkness for r in rows for b in r.boxes if b.stroke == 0 and b.faint < thresholds.faint_trace]
    if len(values) < thresholds.column_min_rows:
        return None
    median = float(np.median(values))
    return median, max(float(np.percentile(values, 90)) - median, thresholds.grey_spread_floor)


def is_grey(
    box: BoxScore, paper: tuple[float, float] | None, thresholds: Thresholds, others: tuple[BoxScore, ...] = ()
) -> bool:
    """A box grey all over while its cell is bare, against the page's bare boxes (``paper``, from
    :func:`bare_darkness`) and the lightest of the row's ``others`` (its other boxes beside the
    mark): an erasure rubbed down below the faint cut, or ink paler than it.  A fold's shadow along
    the row greys them all."""
    if paper is None or box.outside_faint >= thresholds.outside_trace:
        return False
    median, spread = paper
    excess = box.darkness - max(median, min((o.darkness for o in others), default=median))
    return excess >= thresholds.grey_excess and excess >= thresholds.grey_spread_z * spread


def light_mark(
    row: RowScores,
    lines: tuple[BoxScore, ...],
    thresholds: Thresholds,
    bilevel: bool,
    paper_peak: float | None = None,
) -> BoxScore | None:
    """The box of a row with no mark that holds a light line like the voter's others, if one does.

    A dry ballpoint or a light pencil draws every mark of the ballot below a certain mark's line
    ink; a doubt is lighter than the voter's own usual, or thinner, or in more pieces.  So the
    box's light line ink must reach like a line, its core be plainly visible in grey levels below
    the paper (``BoxScore.peak_levels``: a phone photo's paper is grey), and with its density close to
    the median of the voter's other lines (``lines``, from :func:`voter_lines`), and everything
    else in the row, the box's own cell included, be as bare as a blank row's (the cells together
    barer still, above what all of them show: a light tick flung from one box into the next leaves
    a trace in both cells, a copier's grain the same in every cell), and its light line keep off
    the rules to the next rows (``BoxScore.light_joined_above``, ``light_joined_below``: one light
    stroke through two rows' boxes, or the arc of a light loop round the box below).  Not on 1-bit
    scans, where every line is black.
    """
    if bilevel or not row.boxes:
        return None
    box = max(row.boxes, key=lambda b: b.light_stroke)
    if not _reaches_like_a_line(box, thresholds) or box.peak_levels < thresholds.light_min_levels:
        return None
    others = [m for m in lines if m is not box]
    cell_floor = min(b.outside_faint for b in row.boxes)  # a copier's grain covers every cell alike
    if (
        len(others) < thresholds.pen_min_marks
        or box.outside_faint >= thresholds.outside_trace
        or max(box.light_joined_above, box.light_joined_below) >= thresholds.over_rule_min
        or sum(b.outside_faint - cell_floor for b in row.boxes) >= thresholds.light_rest_cells
    ):
        return None
    peak = box.peak / max(float(np.median([m.peak for m in others])), 1e-6)
    density = _inked_darkness(box) / max(float(np.median([_inked_darkness(m) for m in others])), 1e-6)
    pieces = box.light_pieces - float(np.median([m.light_pieces for m in others]))
    if (
        peak < thresholds.light_peak_ratio
        or density < thresholds.light_density_ratio
        or pieces > thresholds.light_pieces_excess
    ):
        return None
    floor = fold_floor(row)
    edge_floor = min(b.edge for b in row.boxes)
    # (a light pen's erasure can leave nothing at the faint cut, but a core darker than a bare
    # box's: the page's bare boxes say what bare is, so that two erasures rubbed alike do not)
    peak_floor = min(b.peak for b in row.boxes if b is not box)
    if paper_peak is not None:
        peak_floor = min(peak_floor, paper_peak)
    bare = all(
        b.peak - peak_floor < thresholds.light_rest_peak
        and b.stroke == 0
        and b.faint - floor < thresholds.faint_trace
        and b.outside_faint < thresholds.outside_trace
        and b.edge - edge_floor < thresholds.edge_trace
        and b.ring < thresholds.ring_beside
        for b in row.boxes
        if b is not box
    )
    return box if bare else None


def loop_mark(row: RowScores, marked: list[BoxScore], thresholds: Thresholds, bilevel: bool) -> BoxScore | None:
    """The box of a row with no mark that a closed loop is drawn round, if exactly one is.

    A loop round one box says which box as plainly as a cross in it, so the row is judged as one
    with that box marked: anything in the other boxes, their cells or round their frames sends
    it to a person.  Not where the box's cell is covered with faint ink, nor on 1-bit scans (a
    light mark in another box may be gone), nor when ``thresholds.count_circled_boxes`` is off.
    """
    if marked or bilevel or not thresholds.count_circled_boxes:
        return None
    # (in a cell covered with a copier's grain, the grain itself joins into loops)
    loops = [b for b in row.boxes if b.ring >= thresholds.ring_closed and b.outside_faint < thresholds.cell_ink_faint]
    return loops[0] if len(loops) == 1 else None


def classify_row(
    row: RowScores,
    thresholds: Thresholds,
    bilevel: bool = False,
    background: tuple[BoxScore, ...] | None = None,
    marks: tuple[BoxScore, ...] = (),
    lines: tuple[BoxScore, ...] = (),
    paper_peak: float | None = None,
    streak_levels: tuple[int, ...] = (),
    grey: tuple[float, float] | None = None,
) -> RowDecision:
    """One row's decision; ``background`` is the page's :func:`column_background`, ``marks`` its
    :func:`pen_marks`, ``lines`` its :func:`voter_lines`, ``paper_peak`` its :func:`bare_peak`,
    ``grey`` its :func:`bare_darkness`, if known.  A row counted for a box in a column a streak
    runs down (``streak_levels``) goes to a person: the streak reads as a mark in every box it
    crosses, and may hide or make one.

    >>> from scanner.model import BoxScore
    >>> box = lambda level, fill, stroke: BoxScore(level, fill, fill, fill, 0.0, 0.0, 0.0, stroke, 5.0)
    >>> classify_row(RowScores(0, (box(0, 0, 0), box(1, 0.3, 0.25), box(2, 0, 0))), Thresholds()).level
    1
    >>> classify_row(RowScores(0, (box(0, 0.3, 0.25), box(1, 0.3, 0.25), box(2, 0, 0))), Thresholds()).reasons
    ('multiple_marks',)
    """

    def above(b: BoxScore, score: str) -> float:
        """A doubt's score above what its whole column shows (a streak down the page is no doubt)."""
        value: float = getattr(b, score)
        return value - getattr(background[b.level], score) if background else value

    floor = fold_floor(row)
    marked = [b for b in row.boxes if is_marked(b, thresholds)]
    loop = loop_mark(row, marked, thresholds, bilevel)
    if loop is not None:
        marked = [loop]
    light = None if marked else light_mark(row, lines, thresholds, bilevel, paper_peak)
    if light is not None:
        marked = [light]
    rest = [b for b in row.boxes if b not in marked]
    marginal = [
        b
        for b in rest
        if above(b, "fill") >= thresholds.marginal_fill or above(b, "stroke") >= thresholds.marginal_stroke
    ]
    if marked and not all(is_blacked_out(b, thresholds) for b in marked):
        # beside a mark, specks and the mark's own overrun are ignored
        faint = [b for b in rest if min(b.faint - floor, above(b, "faint")) >= thresholds.faint_marginal]
        faint += [
            b for b in rest if b not in faint and is_grey(b, grey, thresholds, tuple(o for o in rest if o is not b))
        ]
        beside = [b for b in rest if above(b, "outside") >= thresholds.outside_marginal]
        # a second choice circled tight round its box, beside the mark: the row may be two votes
        edge_floor = min(b.edge for b in row.boxes)
        beside += [
            b
            for b in rest
            if b not in beside and min(b.edge - edge_floor, above(b, "edge")) >= thresholds.edge_marginal
        ]
        # ... or a loop drawn round it, whatever its size (not on 1-bit scans: their printed
        # lines break into dashes that pass for drawn ones)
        if not bilevel:
            beside += [b for b in rest if b not in beside and b.ring >= thresholds.ring_beside]
    else:
        # a row with no mark is a vote for no one, and a box blacked out may be one crossed out
        # with the voter's choice drawn lightly elsewhere: the least trace of ink goes to a person
        faint = [b for b in rest if b.faint - floor >= thresholds.faint_trace]
        beside = [b for b in rest if b.outside_faint >= thresholds.outside_trace]
        # ... and ink along a box's printed frame beyond what the row's other frames show: a circle
        # drawn tight round the box, or a tick that only touches it
        edge_floor = min(b.edge for b in row.boxes)
        beside += [b for b in rest if b not in beside and b.edge - edge_floor >= thresholds.edge_trace]
    reasons: list[str] = []
    # a mark lighter, more smeared or more broken than the voter's others: the ghost of one rubbed
    # out, which can still carry enough ink to pass for a mark
    if any(is_ghost(b, marks, thresholds) for b in marked if b is not loop):
        reasons.append(UNLIKE_MARK)
    # a mark in pieces, no darker than the cell around it: a copier's speckle read as line ink
    smothered = [
        b
        for b in marked
        if b is not loop
        and b.outside_faint >= thresholds.cell_ink_faint
        and b.faint - b.outside_faint < thresholds.cell_ink_contrast
        and b.pieces >= thresholds.cell_ink_pieces
    ]
    # a streak down the column reads as a stroke in this box: whatever else is in it, a person sees it
    if any(b.level in streak_levels for b in (*marked, *marginal)):
        reasons.append(SCANNER_STREAK)
    if marginal:
        reasons.append(MARGINAL_MARK)
    if faint:
        reasons.append(FAINT_MARK)
    if beside or smothered:
        reasons.append(MARK_OUTSIDE)
    if len(marked) >= 2:
        if thresholds.multi_mark_to_review:
            reasons.append(MULTIPLE_MARKS)
        return RowDecision(row.official_index, Reading.MULTI, None, tuple(reasons))
    if len(marked) == 1:
        return RowDecision(row.official_index, Reading.LEVEL, marked[0].level, tuple(reasons))
    doubtful = marginal + faint + beside
    if doubtful:  # the machine's best guess, for the reviewer
        strongest = max(doubtful, key=lambda b: (b.stroke, b.fill, b.faint - floor, b.outside_faint))
        return RowDecision(row.official_index, Reading.LEVEL, strongest.level, tuple(reasons))
    if bilevel and thresholds.bilevel_blank_to_review:
        reasons.append(BLANK_ON_BILEVEL)
    elif thresholds.blank_to_review:
        reasons.append(BLANK_ROW)
    return RowDecision(row.official_index, Reading.BLANK, None, tuple(reasons))


LOST_INK = (BLANK_ON_BILEVEL, FAINT_MARK, MARGINAL_MARK)


def shared_strokes(rows: tuple[RowScores, ...], decisions: tuple[RowDecision, ...], thresholds: Thresholds) -> set[int]:
    """Indexes of rows whose mark may be a stroke of the row above or below.

    A loop drawn round a box, taller than the row, runs through the frame of the box above or
    below it, and its arc there passes for a line across that box.  So a row whose marked box
    has ink joined to its interior crossing the printed rule into the next row
    (``BoxScore.joined_above``, ``joined_below``; for a loop round the box, any ink crossing,
    ``over_rule``) goes to a person when that box's lines keep off its middle
    (``BoxScore.off_middle_mm``), or runs on over the other rule too (a line through the row: a
    slash down the whole table), or the box beside it across the rule has a loop round it, or a
    box of that row with line ink has ink crossing that rule that is the same ink as this box's
    (``BoxScore.shared_above``, ``shared_below``): one stroke, two rows (a line from one box into
    the next row's, in any column; a loop round the rule between them).  A big cross running over
    the rule into the next row's gap, beside that row's own mark, is no shared stroke: the overrun
    is not joined to the other box; nor two marks that each run over the rule, apart.  A loop
    round a box is judged by its neighbour's ring only (one loop round both boxes): an arc of it
    through the next row's box is that row's doubt, and a loop is round one box, not round a rule.
    Rows are in page order, top to bottom.
    """
    flagged = set()
    for i, (row, d) in enumerate(zip(rows, decisions, strict=True)):
        if d.reading != Reading.LEVEL or d.level is None or d.level >= len(row.boxes):
            continue
        box = row.boxes[d.level]
        looped = box.ring >= thresholds.ring_closed and not is_marked(box, thresholds)
        if not looped and min(box.joined_above, box.joined_below) >= thresholds.over_rule_min:
            # its own ink runs on over both rules: a line through the row, such as a slash down the table
            flagged.add(i)
            continue
        for j, mine in ((i - 1, box.joined_above), (i + 1, box.joined_below)):
            if max(mine, box.over_rule if looped else 0.0) < thresholds.over_rule_min:
                continue
            if box.off_middle_mm >= thresholds.off_middle_min and not looped:  # lines kept to the edge: an arc
                flagged.add(i)
                break
            if not (0 <= j < len(rows) and len(rows[j].boxes) == len(row.boxes)):
                continue
            near = rows[j].boxes[d.level]
            if looped:  # one loop round this box and the next, or two loops run together
                if near.ring >= thresholds.ring_beside:
                    flagged.add(i)
                    break
                continue
            # a loop round the box across the rule; or a box of that row holding line ink whose own
            # ink crosses the rule between them too: one line through both, a loop round the rule
            # between them, a tick's arm ending in the next row's box (in any column)
            if near.ring >= thresholds.ring_beside or any(
                (is_marked(other, thresholds) or other.stroke >= thresholds.marginal_stroke)
                and (other.shared_below if j < i else other.shared_above) >= thresholds.over_rule_min
                for other in rows[j].boxes
            ):
                flagged.add(i)
                break
    return flagged


def classify_page(
    rows: tuple[RowScores, ...],
    thresholds: Thresholds,
    bilevel: bool = False,
    rule_gaps: float = 0.0,
    streak_levels: tuple[int, ...] = (),
) -> tuple[RowDecision, ...]:
    """Every row's decision, with the page as context on 1-bit scans.

    A scanner's streak, or a ruler's line, down a level column (``streak_levels``) draws a stroke
    through every box of it that passes for a mark: no row is counted for such a box.

    When the scanner's threshold has visibly eaten ink (this voter's on several rows: blank
    rows, broken light marks; or the printed rules, ``PageInk.rule_gaps``, broken into dashes),
    a row that reads as one clean mark may be a scribbled-out box whose chosen mark vanished:
    every row of the page goes to a person, and the page with them (:func:`page_reasons`).
    """
    background = column_background(rows, thresholds)
    marks = () if bilevel else pen_marks(rows, thresholds)  # 1-bit: every line is black, no smear
    lines = () if bilevel else voter_lines(rows, thresholds)
    paper_peak = bare_peak(rows, thresholds)
    grey = bare_darkness(rows, thresholds)
    decisions = tuple(
        classify_row(r, thresholds, bilevel, background, marks, lines, paper_peak, streak_levels, grey) for r in rows
    )
    shared = shared_strokes(rows, decisions, thresholds)
    decisions = tuple(
        RowDecision(d.official_index, d.reading, d.level, (*d.reasons, MARK_OUTSIDE))
        if i in shared and MARK_OUTSIDE not in d.reasons
        else d
        for i, d in enumerate(decisions)
    )
    if not bilevel:
        return decisions
    lost = sum(1 for d in decisions if any(reason in LOST_INK for reason in d.reasons))
    if lost < thresholds.bilevel_light_pen_rows and rule_gaps < thresholds.bilevel_rule_gaps:
        return decisions
    return tuple(
        d if d.needs_review else RowDecision(d.official_index, d.reading, d.level, (LIGHT_PEN_BILEVEL,))
        for d in decisions
    )
