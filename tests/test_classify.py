from __future__ import annotations

from dataclasses import replace

from scanner.classify import (
    BLANK_ON_BILEVEL,
    FAINT_MARK,
    MARGINAL_MARK,
    MARK_OUTSIDE,
    MULTIPLE_MARKS,
    UNLIKE_MARK,
    classify_page,
    classify_row,
    is_marked,
)
from scanner.model import BoxScore, Reading, RowDecision, RowScores
from scanner.settings import Thresholds

T = Thresholds(blank_to_review=False)  # the trace rules seen on their own: by default every bare row waits


def _box(
    level: int,
    fill: float = 0.0,
    faint: float = 0.0,
    outside: float = 0.0,
    stroke: float = 0.0,
    span: float = 0.0,
    outside_faint: float | None = None,
) -> BoxScore:
    beside = outside if outside_faint is None else outside_faint
    return BoxScore(level, fill, faint, faint, outside, 0.0, 0.0, stroke, span, beside)


def _cross(level: int) -> BoxScore:
    """A ballpoint cross as the reader measures one: lines across the box."""
    return _box(level, fill=0.25, faint=0.35, stroke=0.26, span=5.0)


def _row(*boxes: BoxScore) -> RowScores:
    return RowScores(0, boxes)


def test_one_clear_mark_is_counted() -> None:
    d = classify_row(_row(_box(0), _box(1), _cross(2)), T)
    assert (d.reading, d.level, d.needs_review) == (Reading.LEVEL, 2, False)


def test_nothing_reads_blank_and_a_person_confirms_it() -> None:
    from dataclasses import replace as with_

    from scanner.classify import BLANK_ROW

    default = with_(T, blank_to_review=True)
    assert Thresholds() == default
    d = classify_row(_row(_box(0), _box(1, faint=T.faint_trace - 0.001), _box(2)), default)
    assert (d.reading, d.reasons) == (Reading.BLANK, (BLANK_ROW,))
    # a count that trusts bare rows can say so
    d = classify_row(_row(_box(0), _box(1), _box(2)), T)
    assert (d.reading, d.needs_review) == (Reading.BLANK, False)


def test_a_light_pencil_cross_counts_by_its_lines_though_its_fill_is_low() -> None:
    pencil = _box(1, fill=0.03, faint=0.22, stroke=T.line_stroke, span=T.line_span_mm)
    assert is_marked(pencil, T)
    d = classify_row(_row(_box(0), pencil, _box(2)), T)
    assert (d.level, d.needs_review) == (1, False)


def test_line_ink_too_short_or_too_thin_is_not_a_mark() -> None:
    short = _box(1, fill=0.01, faint=0.08, stroke=0.07, span=T.line_span_mm - 0.1)  # a hesitant short stroke
    thin = _box(1, fill=0.01, faint=0.08, stroke=T.line_stroke - 0.001, span=5.0)
    for box in (short, thin):
        assert not is_marked(box, T)
        d = classify_row(_row(_box(0), box, _box(2)), T)
        assert d.needs_review and d.level == 1  # shown to a person, with the machine's guess


def test_a_grey_smudge_without_lines_goes_to_review_unless_it_covers_the_box() -> None:
    smudge = _box(0, fill=0.22, faint=0.89, stroke=0.02, span=2.0)  # an erased felt-marker cross
    d = classify_row(_row(smudge, _box(1), _box(2)), T)
    assert d.needs_review and MARGINAL_MARK in d.reasons
    filled = _box(0, fill=T.solid_fill, faint=0.99)
    assert is_marked(filled, T) and not classify_row(_row(filled, _box(1), _box(2)), T).needs_review


def test_an_erasure_beside_a_mark_goes_to_review() -> None:
    erased = _box(0, fill=0.0, faint=0.3, stroke=0.0)
    d = classify_row(_row(erased, _cross(1), _box(2)), T)
    assert d.needs_review and FAINT_MARK in d.reasons and d.level == 1


def test_dust_beside_a_mark_is_ignored_but_not_in_a_row_with_no_mark() -> None:
    speck = _box(2, faint=T.faint_marginal - 0.002)
    assert not classify_row(_row(_cross(0), _box(1), speck), T).needs_review
    alone = classify_row(_row(_box(0), _box(1), speck), T)
    assert alone.needs_review and FAINT_MARK in alone.reasons


def test_two_marks_go_to_review_by_default_or_count_invalid_when_set() -> None:
    d = classify_row(_row(_cross(0), _box(1), _cross(2)), T)
    assert (d.reading, d.reasons) == (Reading.MULTI, (MULTIPLE_MARKS,))
    direct = classify_row(_row(_cross(0), _box(1), _cross(2)), Thresholds(multi_mark_to_review=False))
    assert (direct.reading, direct.needs_review) == (Reading.MULTI, False)


def test_page_reasons_come_from_page_ink_and_the_code() -> None:
    from scanner.classify import PAGE_CODE_UNREAD, STRUCK_OUT_NAME, WRITING_OUTSIDE, page_reasons
    from scanner.pageink import PageInk

    assert page_reasons(PageInk(6.0, 3, 0.0), True, T) == ()
    assert page_reasons(PageInk(T.strike_min_mm, 3, 0.0), True, T) == (STRUCK_OUT_NAME,)
    assert page_reasons(PageInk(0.0, None, T.margin_ink_min_mm2), False, T) == (PAGE_CODE_UNREAD, WRITING_OUTSIDE)


def test_ink_common_to_the_whole_row_is_not_a_mark() -> None:
    inside = _row(_box(0, faint=0.12), _box(1, faint=0.118), _box(2, faint=0.121))
    assert FAINT_MARK in classify_row(inside, T).reasons  # three boxes rubbed alike, the cells clean
    # a fold runs on through the cells round the boxes, the marked one's too
    marked = _row(_cross(0), _box(1, faint=0.12), _box(2, faint=0.12))
    folded = RowScores(0, tuple(replace(b, outside_faint=0.12) for b in marked.boxes))
    assert classify_row(folded, T).level == 0 and not classify_row(folded, T).needs_review
    # ink in the boxes alone is the voter's, however evenly two of them carry it
    d = classify_row(marked, T)
    assert (d.level, d.reasons) == (0, (FAINT_MARK,))
    half = RowScores(0, tuple(replace(b, outside_faint=0.05) for b in marked.boxes))
    assert classify_row(half, T).needs_review  # the cells show less of it than the boxes


def test_a_mark_beside_an_unmarked_box_goes_to_review() -> None:
    pencil_tick = _box(1, outside=0.0, outside_faint=T.outside_trace)  # too light for the ink cut
    d = classify_row(_row(_box(0), pencil_tick, _box(2)), T)
    assert d.needs_review and MARK_OUTSIDE in d.reasons and d.level == 1
    bare = _box(1, outside_faint=T.outside_trace - 0.001)
    assert not classify_row(_row(_box(0), bare, _box(2)), T).needs_review
    overrun = _row(_cross(0), _box(1, outside=T.outside_marginal - 0.001), _box(2))
    assert not classify_row(overrun, T).needs_review  # a big cross spilling into the next cell
    beside = _row(_cross(0), _box(1, outside=T.outside_marginal), _box(2))
    assert MARK_OUTSIDE in classify_row(beside, T).reasons
    # a check whose tail was flung into the next box, as a scan of one measures: thin in the next
    # box's cell, with no more than a speck in the box itself
    flung = _row(_cross(1), _box(2, fill=0.0044, faint=0.0067, outside=0.0253, outside_faint=0.0363), _box(0))
    assert MARK_OUTSIDE in classify_row(flung, T).reasons


def test_blank_rows_of_one_bit_scans_go_to_review() -> None:
    row = _row(_box(0), _box(1), _box(2))
    assert not classify_row(row, T).needs_review
    assert classify_row(row, T, bilevel=True).reasons == (BLANK_ON_BILEVEL,)
    assert not classify_row(_row(_cross(0), _box(1), _box(2)), T, bilevel=True).needs_review


def test_a_one_bit_page_that_lost_ink_on_several_rows_goes_to_review_whole() -> None:
    from scanner.classify import LIGHT_PEN_BILEVEL, classify_page

    clean = tuple(_row(_cross(0), _box(1), _box(2)) for _ in range(10))
    lost = _row(_box(0), _box(1), _box(2))  # blank on a 1-bit scan: a light mark may have vanished
    one = (*clean, lost)
    assert sum(d.needs_review for d in classify_page(one, T, bilevel=True)) == 1
    several = (*clean, *(lost,) * T.bilevel_light_pen_rows)
    decisions = classify_page(several, T, bilevel=True)
    assert all(d.needs_review for d in decisions)
    assert decisions[0].reasons == (LIGHT_PEN_BILEVEL,) and decisions[0].level == 0
    assert not any(d.needs_review for d in classify_page(several, T, bilevel=False)[:10])


def test_a_one_bit_page_with_printed_rules_broken_into_dashes_goes_to_review_whole() -> None:
    from scanner.classify import INK_LOST, LIGHT_PEN_BILEVEL, classify_page, page_reasons
    from scanner.pageink import PageInk

    clean = tuple(_row(_cross(0), _box(1), _box(2)) for _ in range(12))
    intact = classify_page(clean, T, bilevel=True, rule_gaps=T.bilevel_rule_gaps - 0.001)
    assert not any(d.needs_review for d in intact)
    assert page_reasons(PageInk(0.0, None, 0.0), True, T, intact) == ()
    broken = classify_page(clean, T, bilevel=True, rule_gaps=T.bilevel_rule_gaps)
    assert all(d.reasons == (LIGHT_PEN_BILEVEL,) for d in broken)
    assert page_reasons(PageInk(0.0, None, 0.0), True, T, broken) == (INK_LOST,)
    # a grey scan's rules are not judged: nothing was thresholded away
    assert not any(d.needs_review for d in classify_page(clean, T, bilevel=False, rule_gaps=0.5))


def test_a_box_blacked_out_is_not_trusted_over_a_light_trace_elsewhere() -> None:
    # a voter scribbles out one box and circles another lightly, hugging its frame
    scribbled = _box(1, fill=1.0, faint=1.0, stroke=0.05, span=5.0)
    circled = _box(0, outside_faint=T.outside_trace)
    d = classify_row(_row(circled, scribbled, _box(2)), T)
    assert d.needs_review and MARK_OUTSIDE in d.reasons
    # the same trace beside a box crossed with pen lines is the cross's own overrun
    crossed = _cross(1)
    assert not classify_row(_row(circled, crossed, _box(2)), T).needs_review
    # a filled-in box alone in a clean row counts
    assert classify_row(_row(_box(0), scribbled, _box(2)), T).level == 1


def test_ink_down_a_whole_column_is_no_doubt_but_a_doubt_beside_it_is() -> None:
    from scanner.classify import FAINT_MARK, classify_page

    streak = _box(1, faint=0.05, outside_faint=0.04)  # a roller streak through every box of column 1
    rows = tuple(RowScores(i, (_cross(0), streak, _box(2))) for i in range(12))
    assert not any(d.needs_review for d in classify_page(rows, T))
    dotted = replace(streak, faint=0.05 + T.faint_marginal + 0.01)  # a dot on the streak
    doubtful = classify_page((*rows[:11], RowScores(11, (_cross(0), dotted, _box(2)))), T)
    assert FAINT_MARK in doubtful[11].reasons and not any(d.needs_review for d in doubtful[:11])
    # when nearly every row chose the column, its marks are not taken for the paper
    chosen = tuple(RowScores(i, (_box(0), _cross(1), _box(2))) for i in range(11))
    light = RowScores(11, (_cross(0), _box(1, faint=T.faint_marginal + 0.01), _box(2)))
    assert FAINT_MARK in classify_page((*chosen, light), T)[11].reasons


def test_a_circle_tight_round_a_box_of_a_bare_row_goes_to_review() -> None:
    frame = 0.3  # the printed frame's own share of the band along it
    bare = _row(replace(_box(0), edge=frame), replace(_box(1), edge=frame), replace(_box(2), edge=frame))
    assert not classify_row(bare, T).needs_review
    circled = _row(
        replace(_box(0), edge=frame), replace(_box(1), edge=frame + T.edge_trace + 0.001), replace(_box(2), edge=frame)
    )
    d = classify_row(circled, T)
    assert d.needs_review and MARK_OUTSIDE in d.reasons and d.level == 1


def test_a_light_mark_repeated_down_a_column_is_never_taken_for_the_paper() -> None:
    from scanner.classify import classify_page

    light = _box(0, fill=0.01, faint=0.06, stroke=0.03, span=2.0)  # a light pencil check, not a sure mark
    rows = tuple(RowScores(i, (light, _box(1), _box(2))) for i in range(12))
    assert all(d.needs_review and d.level == 0 for d in classify_page(rows, T))


def test_a_circle_round_a_second_box_beside_a_mark_goes_to_review() -> None:
    frame = 0.3
    tick = replace(_cross(0), edge=0.5)
    circled = replace(_box(2), edge=frame + T.edge_marginal + 0.001)
    d = classify_row(_row(tick, replace(_box(1), edge=frame), circled), T)
    assert d.needs_review and MARK_OUTSIDE in d.reasons
    quiet = replace(_box(2), edge=frame + T.edge_marginal - 0.01)
    assert not classify_row(_row(tick, replace(_box(1), edge=frame), quiet), T).needs_review


def _page_of(peaks: list[float], odd: float) -> tuple[RowScores, ...]:
    """Rows each with one cross of the given line darkness; the last row's cross is ``odd``."""
    return tuple(RowScores(i, (replace(_cross(0), peak=p), _box(1), _box(2))) for i, p in enumerate([*peaks, odd]))


def test_a_mark_far_lighter_than_the_voters_others_goes_to_review() -> None:
    felt = [0.92, 0.95, 0.9, 0.97, 0.93, 0.91, 0.96]  # one pen, one density
    ghost = classify_page(_page_of(felt, 0.45), T)[-1]
    assert ghost.needs_review and UNLIKE_MARK in ghost.reasons and ghost.level == 0
    assert not any(d.needs_review for d in classify_page(_page_of(felt, 0.8), T))


def test_a_dry_ballpoints_uneven_lines_are_not_taken_for_erasures() -> None:
    dry = [0.9, 0.42, 0.75, 0.5, 0.88, 0.39, 0.6]  # the pen skips: some lines half as dark as others
    assert not any(d.needs_review for d in classify_page(_page_of(dry, 0.36), T))
    assert classify_page(_page_of(dry, 0.2), T)[-1].reasons == (UNLIKE_MARK,)


def test_too_few_marks_or_a_one_bit_page_make_no_pen_to_compare_with() -> None:
    assert not classify_page(_page_of([0.95, 0.9], 0.3), T)[-1].needs_review
    assert not classify_page(_page_of([0.95] * 6, 0.3), T, bilevel=True)[-1].needs_review


def test_a_mark_smeared_grey_or_broken_unlike_the_voters_others_goes_to_review() -> None:
    pen = [replace(_cross(0), peak=0.9, pieces=1) for _ in range(6)]  # faint 0.35 over fill 0.25: a thin halo
    smeared = replace(_cross(0), faint=0.25 + 0.25 * 3, peak=0.9, pieces=1)  # grey all round its lines
    broken = replace(_cross(0), peak=0.7, pieces=4)  # in dashes, and lighter
    dashed_pen = replace(_cross(0), peak=0.9, pieces=4)  # as dark as the others: a skipping pen, once
    for odd, flagged in ((smeared, True), (broken, True), (dashed_pen, False)):
        rows = tuple(RowScores(i, (b, _box(1), _box(2))) for i, b in enumerate([*pen, odd]))
        assert (UNLIKE_MARK in classify_page(rows, T)[-1].reasons) is flagged, odd
    # a pencil is grey all through: a grey-rimmed mark among its marks is no smear
    pencil = [replace(_cross(0), fill=0.05, faint=0.2, peak=0.4, pieces=1) for _ in range(6)]
    grey = replace(_cross(0), fill=0.03, faint=0.25, peak=0.4, pieces=1)
    rows = tuple(RowScores(i, (b, _box(1), _box(2))) for i, b in enumerate([*pencil, grey]))
    assert not classify_page(rows, T)[-1].needs_review
    # every mark of a skipping pen is in pieces: none stands out
    skipping = tuple(RowScores(i, (replace(_cross(0), peak=0.7, pieces=4), _box(1), _box(2))) for i in range(7))
    assert not any(d.needs_review for d in classify_page(skipping, T))


def test_a_mark_no_darker_than_the_speckled_cell_around_it_goes_to_review() -> None:
    speckled = replace(_cross(2), faint=0.62, outside_faint=0.59, pieces=8)
    assert MARK_OUTSIDE in classify_row(_row(_box(0), _box(1), speckled), T).reasons
    overrun = replace(_cross(2), faint=0.34, outside_faint=0.33, pieces=1)  # a big cross spilling into its cell
    assert not classify_row(_row(_box(0), _box(1), overrun), T).needs_review


def test_a_closed_loop_round_one_box_of_a_row_with_no_mark_counts_for_that_box() -> None:
    loop = replace(_box(1), ring=T.ring_closed, edge=0.4, outside_faint=0.08)  # the loop crosses its cell
    d = classify_row(_row(_box(0), loop, _box(2)), T)
    assert (d.reading, d.level, d.needs_review) == (Reading.LEVEL, 1, False)
    # anything else in the row is judged as beside a mark: a light stroke in another box waits
    d = classify_row(_row(_box(0, faint=T.faint_marginal + 0.01), loop, _box(2)), T)
    assert d.needs_review and FAINT_MARK in d.reasons
    # an open hook, two loops, a loop in a cell grey with a copier's grain, a 1-bit scan, or a
    # board that wants every loop seen: a person decides
    hook = replace(loop, ring=T.ring_closed - 0.07)
    assert classify_row(_row(_box(0), hook, _box(2)), T).needs_review
    assert classify_row(_row(replace(loop, level=0), loop, _box(2)), T).needs_review
    # one loop round two boxes, wider round one of them: the other's ring sends the row to a person
    assert classify_row(_row(replace(_box(0), ring=T.ring_beside), loop, _box(2)), T).needs_review
    grainy = replace(loop, outside_faint=T.cell_ink_faint)
    assert classify_row(_row(_box(0), grainy, _box(2)), T).needs_review
    assert classify_row(_row(_box(0), loop, _box(2)), T, bilevel=True).needs_review
    assert classify_row(_row(_box(0), loop, _box(2)), replace(T, count_circled_boxes=False)).needs_review


def test_a_loop_round_a_second_box_beside_a_mark_goes_to_review() -> None:
    second = replace(_box(2), ring=T.ring_beside)
    d = classify_row(_row(_cross(0), _box(1), second), T)
    assert d.needs_review and MARK_OUTSIDE in d.reasons
    assert not classify_row(_row(_cross(0), _box(1), replace(second, ring=T.ring_beside - 0.07)), T).needs_review


def test_a_mark_that_is_part_of_the_next_rows_stroke_goes_to_review() -> None:
    from scanner.classify import shared_strokes

    m = T.over_rule_min
    up = replace(_cross(1), over_rule=m, joined_above=m, shared_above=m)  # its own ink runs over the rule above
    down = replace(
        _cross(1), over_rule=m, joined_below=m, shared_below=m
    )  # ... below, each time the next row's ink too
    alone = RowScores(1, (_box(0), up, _box(2)))
    above = RowScores(0, (_box(0), replace(_box(1), ring=T.ring_beside), _box(2)))  # a loop round the box above
    d = classify_page((above, alone, RowScores(2, (_cross(0), _box(1), _box(2)))), T)[1]
    assert d.needs_review and MARK_OUTSIDE in d.reasons
    # ... but not the loop round the box below, on the side its ink keeps off
    assert not classify_page((RowScores(0, (_cross(0), _box(1), _box(2))), alone, above), T)[1].needs_review
    # an arc clipping the box keeps off its middle; a cross crossing a rule beside plain boxes is counted
    rows = (RowScores(0, (_cross(0), _box(1), _box(2))), alone, RowScores(2, (_cross(0), _box(1), _box(2))))
    assert shared_strokes(rows, classify_page(rows, T), T) == set()
    clipped = RowScores(1, (_box(0), replace(up, off_middle_mm=T.off_middle_min), _box(2)))
    rows = (rows[0], clipped, rows[2])
    assert shared_strokes(rows, classify_page(rows, T), T) == {1}
    # one line from a box into the next row's, or one loop round the rule between them, marks both
    pair = (
        RowScores(0, (_box(0), down, _box(2))),
        RowScores(1, (_box(0), up, _box(2))),
    )
    assert shared_strokes(pair, classify_page(pair, T), T) == {0, 1}
    # a big cross running over the rule into the next row's gap, beside that row's own cross: the
    # overrun is not joined to the other box, whose ink keeps to its side of the rule
    overrun = (
        RowScores(0, (_box(0), replace(_cross(1), over_rule=m), _box(2))),
        RowScores(1, (_box(0), up, _box(2))),
    )
    assert shared_strokes(overrun, classify_page(overrun, T), T) == set()
    # a line through the row, over both its rules (a slash down the whole table), beside blank rows
    through = (RowScores(0, (_box(0), _box(1), _box(2))), RowScores(1, (_box(0), replace(up, joined_below=m), _box(2))))
    assert shared_strokes(through, classify_page(through, T), T) == {1}
    # a line from a box into the next column's box of the next row: the same, in any column
    slant = (
        RowScores(0, (_box(0), down, _box(2))),
        RowScores(1, (_box(0), _box(1), replace(_cross(2), joined_above=m, shared_above=m))),
    )
    assert shared_strokes(slant, classify_page(slant, T), T) == {0, 1}
    # ... but two marks that each run over the rule, their ink apart, are two votes
    apart = tuple(
        RowScores(r.official_index, tuple(replace(b, shared_above=0.0, shared_below=0.0) for b in r.boxes))
        for r in slant
    )
    assert shared_strokes(apart, classify_page(apart, T), T) == set()
    # each box holds part of one loop round the rule between them (ringed 0.31-0.38 on hand-made pages)
    pair = (
        RowScores(0, (_box(0), replace(down, ring=0.31), _box(2))),
        RowScores(1, (_box(0), replace(up, ring=0.31), _box(2))),
    )
    assert shared_strokes(pair, classify_page(pair, T), T) == {0, 1}
    # the same loop seen across the rule from a box whose own ink keeps away from it
    pair = (pair[0], RowScores(1, (_box(0), replace(_cross(1), over_rule=m, ring=0.31), _box(2))))
    assert shared_strokes(pair, classify_page(pair, T), T) == set()


def test_a_mark_whose_ink_is_thin_over_its_area_unlike_the_voters_goes_to_review() -> None:
    """An erased line photocopied: its core printed black (peak and fill like a pen's), the grey
    the eraser left round it still lighter than the voter's ink is where it lies."""
    pen = [replace(_cross(0), darkness=0.35 * 0.82, peak=1.0, pieces=1) for _ in range(6)]
    erased = replace(_cross(0), fill=0.19, faint=0.25, darkness=0.25 * 0.48, peak=0.9, pieces=1)
    unlike = classify_page(tuple(RowScores(i, (b, _box(1), _box(2))) for i, b in enumerate([*pen, erased])), T)[-1]
    assert unlike.needs_review and UNLIKE_MARK in unlike.reasons
    # a line a little lighter than the rest, as one pen draws from one mark to the next
    lighter = replace(erased, darkness=0.25 * 0.62)
    rows = tuple(RowScores(i, (b, _box(1), _box(2))) for i, b in enumerate([*pen, lighter]))
    assert not classify_page(rows, T)[-1].needs_review


def _light(level: int, peak: float = 0.45, levels_per_unit: float = 216.0) -> BoxScore:
    """A light pencil's check as the reader measures one: line ink short of a certain mark's, and
    at the line-ink cut hardly any (its line stands out only at the faint cut)."""
    return replace(
        _box(level, fill=0.01, faint=0.08, stroke=0.01, span=1.0),
        darkness=0.08 * 0.4,
        peak=peak,
        peak_levels=peak * levels_per_unit,
        pieces=3,
        light_stroke=0.08,
        light_span_mm=3.5,
        light_pieces=1,
    )


def _light_page(*last: BoxScore, rows: int = 6) -> tuple[RowScores, ...]:
    """``rows`` rows of one voter's light checks (in box 1 or 2), then one row of ``last``."""
    page = [RowScores(i, (_box(0), *((_light(1), _box(2)) if i % 2 else (_box(1), _light(2))))) for i in range(rows)]
    return (*page, RowScores(rows, last))


def test_a_light_pens_lines_like_the_voters_others_count_and_a_lighter_one_waits() -> None:
    decisions = classify_page(_light_page(_light(0), _box(1), _box(2)), T)
    assert not any(d.needs_review for d in decisions)
    assert [d.level for d in decisions] == [2, 1, 2, 1, 2, 1, 0]
    # a hesitant tick, lighter than this voter's usual, or too light to be plainly seen at all
    for peak in (0.33, 0.3):
        hesitant = classify_page(_light_page(_light(0, peak), _box(1), _box(2)), T)[-1]
        assert hesitant.needs_review and hesitant.reasons
    low = tuple(RowScores(r.official_index, tuple(replace(b, peak=0.36) if b.light_stroke else b for b in r.boxes))
                for r in _light_page(_light(0, 0.36), _box(1), _box(2)))  # fmt: skip
    assert not classify_page(low, T)[-1].needs_review  # a pen this light throughout
    grain = 0.8 * T.outside_trace  # a copier's grain, alike in every cell of the row
    grainy = (replace(_light(0), outside_faint=grain), _box(1, outside_faint=grain), _box(2, outside_faint=grain))
    assert not classify_page(_light_page(*grainy), T)[-1].needs_review
    assert classify_page(_light_page(_light(0, 0.36), _box(1), _box(2)), T)[-1].needs_review  # among 0.45s
    # the same lines on a phone photo, whose grey paper and pale black leave fewer grey levels
    # between them: too light to be plainly seen, whatever the voter's other marks
    pale = T.light_min_levels / 0.45 - 1.0
    faded = tuple(RowScores(r.official_index, tuple(replace(b, peak_levels=b.peak * pale) if b.light_stroke else b
                                                     for b in r.boxes))
                  for r in _light_page(_light(0), _box(1), _box(2)))  # fmt: skip
    assert classify_page(faded, T)[-1].needs_review


def test_a_light_line_with_anything_else_in_its_row_or_without_a_pen_to_compare_waits() -> None:
    erased_unseen = replace(_box(2), peak=0.1)  # a light pen's erasure: nothing at the faint cut, a darker core
    for row in (
        (_light(0), _box(1, faint=0.01), _box(2)),  # a trace in another box
        (_light(0), _box(1, faint=0.05), _box(2, faint=0.05)),  # ... or the same trace in both
        (_light(0), _box(1, outside_faint=0.02), _box(2)),  # ink beside one
        (replace(_light(0), outside_faint=0.02), _box(1), _box(2)),  # the line runs out of its own box
        (_light(0), _box(1), erased_unseen),
        (_light(0), replace(_box(1), peak=0.1), erased_unseen),  # two such erasures alike
        (replace(_light(0), light_pieces=3), _box(1), _box(2)),  # broken unlike the voter's
        (_light(0), _box(1, outside_faint=0.012), _box(2, outside_faint=0.01)),  # a tail through two cells
        (replace(_light(0), light_joined_below=T.over_rule_min), _box(1), _box(2)),  # a light line into the next row
        (replace(_light(0), darkness=0.08 * 0.3), _box(1), _box(2)),  # thinner over its area
    ):
        assert classify_page(_light_page(*row), T)[-1].needs_review, row
    assert classify_page(_light_page(_light(0), _box(1), _box(2), rows=2), T)[-1].needs_review
    assert classify_page(_light_page(_light(0), _box(1), _box(2)), T, bilevel=True)[-1].needs_review


def test_a_box_rubbed_down_to_grey_beside_a_mark_goes_to_review_but_the_papers_own_grey_does_not() -> None:
    """An erasure that left nothing at the faint cut still greys its box all over: darker than the
    page's bare boxes by many times their spread, while its cell stays bare.  A copier's mottle or
    a phone's shadow greys the cell too, and a noisy page's bare boxes vary as much."""

    def page(rubbed: BoxScore, bare: list[float]) -> RowDecision:
        rows = [
            RowScores(i, (_cross(0), replace(_box(1), darkness=d), replace(_box(2), darkness=d)))
            for i, d in enumerate(bare)
        ]
        return classify_page((*rows, RowScores(len(rows), (rubbed, _box(1), _cross(2)))), T)[-1]

    clean = [0.004, 0.005, 0.006, 0.004, 0.005, 0.006, 0.005, 0.004]
    rubbed = replace(_box(0), darkness=0.005 + T.grey_excess + 0.005)
    d = page(rubbed, clean)
    assert (d.level, d.needs_review, FAINT_MARK in d.reasons) == (2, True, True)
    assert not page(replace(rubbed, darkness=0.005 + T.grey_excess - 0.005), clean).needs_review  # not grey enough
    assert not page(replace(rubbed, outside_faint=T.outside_trace), clean).needs_review  # its cell grey too: the paper
    noisy = [0.004, 0.01, 0.016, 0.022, 0.028, 0.012, 0.018, 0.008]  # a page whose bare boxes vary by 0.01 and more
    assert not page(rubbed, noisy).needs_review
