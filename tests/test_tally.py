from __future__ import annotations

import pytest

from scanner.model import BallotTemplate, Reading
from scanner.tally import RowRecord, percent, tally


@pytest.mark.parametrize(
    ("count", "denominator", "shown"),
    [
        (187, 481, "38.88"),
        (437, 485, "90.10"),
        (34, 485, "7.01"),
        (4, 485, "0.82"),
        (1, 8, "12.50"),
        (1, 200, "0.50"),
        (1, 400, "0.25"),
        (1, 80000, "0.00"),
        (1, 40000, "0.00"),
        (3, 40000, "0.01"),
        (5, 5, "100.00"),
        (0, 7, "0.00"),
    ],
)
def test_percent_rounds_half_up_from_integers(count: int, denominator: int, shown: str) -> None:
    assert percent(count, denominator) == shown


def _rec(
    t: str,
    official: int,
    reading: Reading,
    level: int | None,
    review: bool = False,
    decided: tuple[Reading, int | None] | None = None,
) -> RowRecord:
    return RowRecord(
        t, 1, official, reading, level, review, decided[0] if decided else None, decided[1] if decided else None
    )


def test_review_rows_are_pending_until_decided(template12_obj: BallotTemplate) -> None:
    fp = template12_obj.fingerprint
    rows = [
        _rec(fp, 0, Reading.LEVEL, 0),
        _rec(fp, 0, Reading.LEVEL, 1, review=True),
        _rec(fp, 0, Reading.MULTI, None, review=True, decided=(Reading.LEVEL, 2)),
        _rec(fp, 0, Reading.BLANK, None),
        _rec(fp, 1, Reading.LEVEL, 0, decided=(Reading.MULTI, None)),  # a person overrules a counted row
    ]
    result = tally({fp: template12_obj}, rows, pages_pending=0)
    (tt,) = result.templates
    first, second = tt.officials[0], tt.officials[1]
    assert first.levels == (1, 0, 1) and first.blank == 1 and first.pending == 1
    assert second.levels == (0, 0, 0) and second.multi == 1
    assert result.provisional and result.rows_pending == 1
    assert tt.collected == 4


def test_final_when_nothing_pending(template12_obj: BallotTemplate) -> None:
    fp = template12_obj.fingerprint
    result = tally({fp: template12_obj}, [_rec(fp, 0, Reading.LEVEL, 0)], pages_pending=0)
    assert not result.provisional
    assert tally({fp: template12_obj}, [_rec(fp, 0, Reading.LEVEL, 0)], pages_pending=1).provisional
