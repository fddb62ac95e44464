from __future__ import annotations

from scanner.classify import MARGINAL_MARK, MULTIPLE_MARKS, classify_row
from scanner.model import BoxScore, Reading, RowScores
from scanner.settings import Thresholds

T = Thresholds()


def _row(*fills: float) -> RowScores:
    return RowScores(0, tuple(BoxScore(i, f, f, 0.0, 0.0, 0.0) for i, f in enumerate(fills)))


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
    assert below.needs_review and below.reasons == (MARGINAL_MARK,)
    assert below.level == 0  # the guess shown to the reviewer
    under = classify_row(_row(T.marginal_fill - 0.001, 0, 0), T)
    assert (under.reading, under.needs_review) == (Reading.BLANK, False)


def test_a_clear_mark_beside_a_faint_one_goes_to_review() -> None:
    d = classify_row(_row(0.3, T.marginal_fill + 0.001, 0), T)
    assert d.needs_review and d.level == 0


def test_two_marks_go_to_review_by_default_or_count_invalid_when_set() -> None:
    d = classify_row(_row(0.3, 0.0, 0.2), T)
    assert (d.reading, d.reasons) == (Reading.MULTI, (MULTIPLE_MARKS,))
    direct = classify_row(_row(0.3, 0.0, 0.2), Thresholds(multi_mark_to_review=False))
    assert (direct.reading, direct.needs_review) == (Reading.MULTI, False)


def test_page_reasons_send_every_row_to_review() -> None:
    d = classify_row(_row(0.3, 0, 0), T, ("page_code_unreadable",))
    assert d.needs_review and d.level == 0
