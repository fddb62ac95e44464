from __future__ import annotations

from scanner.classify import BLANK_ON_BILEVEL, FAINT_MARK, MARGINAL_MARK, MARK_OUTSIDE, MULTIPLE_MARKS, classify_row
from scanner.model import BoxScore, Reading, RowScores
from scanner.settings import Thresholds

T = Thresholds()


def _row(*fills: float) -> RowScores:
    return RowScores(0, tuple(BoxScore(i, f, f, f, 0.0, 0.0, 0.0) for i, f in enumerate(fills)))


def test_one_clear_mark_is_counted() -> None:
    d = classify_row(_row(0.0, 0.0, 0.25), T)
    assert (d.reading, d.level, d.needs_review) == (Reading.LEVEL, 2, False)


def test_nothing_is_a_counted_blank() -> None:
    d = classify_row(_row(0.0, 0.004, 0.0), T)
    assert (d.reading, d.needs_review) == (Reading.BLANK, False)


def test_definite_threshold_is_inclusive_and_marginal_goes_to_review() -> None:
    at = classify_row(_row(T.definite_fill, 0, 0), T)
    assert (at.level, at.needs_review) == (0, False)
    below = classify_row(_row(T.definite_fill - 0.001, 0, 0), T)
    assert below.needs_review and MARGINAL_MARK in below.reasons
    assert below.level == 0  # the guess shown to the reviewer
    # under the marginal fill, visible light ink still goes to review (as a faint mark) ...
    under = classify_row(_row(T.marginal_fill - 0.001, 0, 0), T)
    assert under.needs_review and FAINT_MARK in under.reasons
    # ... and only a box with no more ink than its row's lightest is blank
    clean = RowScores(0, tuple(_box(i, faint=T.faint_marginal * 0.5 if i == 0 else 0.0) for i in range(3)))
    assert (classify_row(clean, T).reading, classify_row(clean, T).needs_review) == (Reading.BLANK, False)


def test_a_clear_mark_beside_a_faint_one_goes_to_review() -> None:
    d = classify_row(_row(0.3, T.marginal_fill + 0.001, 0), T)
    assert d.needs_review and d.level == 0


def test_two_marks_go_to_review_by_default_or_count_invalid_when_set() -> None:
    d = classify_row(_row(0.3, 0.0, 0.2), T)
    assert (d.reading, d.reasons) == (Reading.MULTI, (MULTIPLE_MARKS,))
    direct = classify_row(_row(0.3, 0.0, 0.2), Thresholds(multi_mark_to_review=False))
    assert (direct.reading, direct.needs_review) == (Reading.MULTI, False)


def test_page_reasons_come_from_page_ink_and_the_code() -> None:
    from scanner.classify import PAGE_CODE_UNREAD, STRUCK_OUT_NAME, WRITING_OUTSIDE, page_reasons
    from scanner.pageink import PageInk

    assert page_reasons(PageInk(6.0, 3, 0.0), True, T) == ()
    assert page_reasons(PageInk(T.strike_min_mm, 3, 0.0), True, T) == (STRUCK_OUT_NAME,)
    assert page_reasons(PageInk(0.0, None, T.margin_ink_min_mm2), False, T) == (PAGE_CODE_UNREAD, WRITING_OUTSIDE)


def _box(level: int, fill: float = 0.0, faint: float = 0.0, outside: float = 0.0) -> BoxScore:
    return BoxScore(level, fill, faint, faint, outside, 0.0, 0.0)


def test_light_ink_in_one_box_goes_to_review() -> None:
    d = classify_row(RowScores(0, (_box(0), _box(1, faint=0.03), _box(2))), T)
    assert d.needs_review and FAINT_MARK in d.reasons and d.level == 1


def test_ink_common_to_the_whole_row_is_not_a_mark() -> None:
    fold = RowScores(0, (_box(0, faint=0.12), _box(1, faint=0.118), _box(2, faint=0.121)))
    d = classify_row(fold, T)
    assert (d.reading, d.needs_review) == (Reading.BLANK, False)
    marked = RowScores(0, (_box(0, fill=0.3, faint=0.4), _box(1, faint=0.12), _box(2, faint=0.12)))
    assert classify_row(marked, T).level == 0 and not classify_row(marked, T).needs_review


def test_a_mark_beside_an_unmarked_box_goes_to_review() -> None:
    d = classify_row(RowScores(0, (_box(0), _box(1, outside=0.05), _box(2))), T)
    assert d.needs_review and MARK_OUTSIDE in d.reasons
    overrun = RowScores(0, (_box(0, fill=0.3, faint=0.3, outside=0.05), _box(1), _box(2)))
    assert not classify_row(overrun, T).needs_review  # a big cross spilling out of its own box


def test_blank_rows_of_one_bit_scans_go_to_review() -> None:
    row = RowScores(0, (_box(0), _box(1), _box(2)))
    assert not classify_row(row, T).needs_review
    assert classify_row(row, T, bilevel=True).reasons == (BLANK_ON_BILEVEL,)
    assert not classify_row(
        RowScores(0, (_box(0, fill=0.3, faint=0.3), _box(1), _box(2))), T, bilevel=True
    ).needs_review
