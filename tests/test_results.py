"""Results under each framework: denominators, flags at their exact boundaries, rounding, rejection, quorum."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import report
from scanner.countinfo import CountSettings, from_values, parse_file, parse_held_at, to_values, with_changes
from scanner.errors import CountSettingsError
from scanner.model import BallotTemplate, Reading
from scanner.results import Results, compute
from scanner.rules import Denominator
from scanner.tally import OfficialTally, RowRecord, Tally, TemplateTally, tally

LEVELS = ("Tín nhiệm cao", "Tín nhiệm", "Tín nhiệm thấp")


def _one(levels: tuple[int, int, int], collected: int, blank: int = 0, pages: tuple[int, ...] = ()) -> Tally:
    official = OfficialTally(1, "Nguyễn Thị Kim Ngân", "Chủ tịch Quốc hội", levels, blank, 0, 0)
    sheets = pages or (collected,)
    tt = TemplateTally("f" * 64, "Phiếu", LEVELS, collected, sheets, (0,) * len(sheets), (0,), (official,))
    return Tally((tt,), 0, 0)


def _results(t: Tally, **settings: object) -> Results:
    return compute(t, with_changes(CountSettings(), settings))


def test_the_2018_national_assembly_figures_under_nq85() -> None:
    """485 deputies, 475 ballots collected: percentages are of the 485."""
    r = _results(_one((437, 34, 4), collected=475), framework="nq85", members=485, present=475)
    (b,) = r.ballots
    assert b.denominator == 485
    assert [x.percent for x in b.officials[0].levels] == ["90.10", "7.01", "0.82"]


def test_the_2023_figure_under_nq96_is_of_ballots_issued() -> None:
    r = _results(_one((150, 144, 187), collected=481), framework="nq96", issued=481)
    assert r.ballots[0].denominator == 481 and r.ballots[0].officials[0].levels[2].percent == "38.88"


def test_each_denominator_and_the_override() -> None:
    t = _one((60, 30, 10), collected=100)
    facts = {"members": 125, "present": 110, "issued": 104}
    assert _results(t, framework="qd96", **facts).ballots[0].denominator == 100
    assert _results(t, framework="nq96", **facts).ballots[0].denominator == 104
    assert _results(t, framework="nq85", **facts).ballots[0].denominator == 125
    overridden = _results(t, framework="qd96", denominator="members", **facts)
    assert overridden.denominator_kind is Denominator.MEMBERS and overridden.ballots[0].denominator == 125
    assert overridden.ballots[0].officials[0].levels[0].percent == "48.00"
    assert _results(t, framework="nq96", denominator="preset", **facts).ballots[0].denominator == 104


def test_a_missing_denominator_gives_no_percentages_and_says_so() -> None:
    r = _results(_one((60, 30, 10), collected=100), framework="nq96")
    (b,) = r.ballots
    assert b.denominator is None and b.officials[0].levels[0].percent == "—"
    assert not b.officials[0].low_over_half
    assert [n.code for n in r.notices] == ["no_denominator"]
    assert "scanner count set --issued" in report.to_json(r)


@pytest.mark.parametrize(
    ("low", "d", "over_half", "two_thirds"),
    [
        (150, 300, False, False),  # exactly one half is not more than half
        (151, 300, True, False),  # just over
        (199, 300, True, False),  # just under two thirds
        (200, 300, True, True),  # exactly two thirds
        (240, 481, False, False),  # 480 < 481
        (241, 481, True, False),
        (320, 481, True, False),  # 960 < 962
        (321, 481, True, True),  # 963 ≥ 962
        (1, 1, True, True),
        (0, 1, False, False),
    ],
)
def test_flags_at_their_exact_boundaries(low: int, d: int, over_half: bool, two_thirds: bool) -> None:
    r = _results(_one((d - low, 0, low), collected=d), framework="qd96")
    o = r.ballots[0].officials[0]
    assert (o.low_over_half, o.low_two_thirds) == (over_half, two_thirds)


@pytest.mark.parametrize(
    ("count", "d", "shown"),
    [(1, 32, "3.13"), (3, 32, "9.38"), (1, 16, "6.25"), (5, 8, "62.50"), (1, 3, "33.33"), (2, 3, "66.67")],
)
def test_percentages_round_half_up(count: int, d: int, shown: str) -> None:
    """3.125% shows 3.13, not the 3.12 that rounding half to even would give."""
    r = _results(_one((count, d - count, 0), collected=d))
    assert r.ballots[0].officials[0].levels[0].percent == shown


def test_a_rejected_ballot_is_collected_and_invalid_and_counts_for_nobody(template12_obj: BallotTemplate) -> None:
    fp, n = template12_obj.fingerprint, len(template12_obj.officials)
    rows = [RowRecord(fp, 1, i, Reading.LEVEL, 0, False) for i in range(n) for _ in range(3)]
    rows += [RowRecord(fp, 1, i, Reading.LEVEL, 2, False, page_rejected=True) for i in range(n)]
    rows += [RowRecord(fp, 1, 0, Reading.BLANK, None, False), RowRecord(fp, 1, 1, Reading.MULTI, None, False)]
    rows += [RowRecord(fp, 1, i, Reading.LEVEL, 1, False) for i in range(2, n)]
    r = compute(tally({fp: template12_obj}, rows, 0), CountSettings())
    (b,) = r.ballots
    assert (b.collected, b.valid, b.invalid) == (5, 4, 1)
    first, second, third = b.officials[:3]
    assert [x.count for x in first.levels] == [3, 0, 0] and first.blank == 1 and first.on_rejected == 1
    assert second.multi == 1 and second.invalid == 1
    assert [x.count for x in third.levels] == [3, 1, 0]
    # the low level of the rejected ballot is not counted: no official has a "thấp"
    assert all(o.levels[2].count == 0 for o in b.officials)
    assert all(o.rows == b.collected for o in b.officials)
    assert first.levels[0].percent == "60.00"  # 3 of 5 collected: the rejected ballot is in the denominator


def test_quorum_under_qd96() -> None:
    t = _one((6, 1, 1), collected=8)
    assert _results(t, framework="qd96", members=12, present=8).settings.quorum_ok is True
    short = _results(t, framework="qd96", members=12, present=7)
    assert short.settings.quorum_ok is False
    assert [n.code for n in short.notices] == ["quorum_not_met"]
    assert "QUORUM NOT MET" in report.table(short)
    assert _results(t, framework="nq96", members=12, present=7, issued=8).settings.quorum_ok is None


def test_warnings_for_more_collected_than_issued_and_a_missing_page() -> None:
    r = _results(_one((6, 1, 1), collected=9, pages=(9, 8)), framework="nq96", issued=8)
    codes = {n.code: n for n in r.notices}
    assert set(codes) == {"collected_over_issued", "pages_uneven"}
    assert codes["pages_uneven"].get("sheets") == "1: 9, 2: 8"


def test_high_rank_shares_equal_counts() -> None:
    officials = tuple(
        OfficialTally(i + 1, f"Người {i + 1}", "Ủy viên", (high, 10 - high, 0), 0, 0, 0)
        for i, high in enumerate((5, 9, 5, 1))
    )
    tt = TemplateTally("f" * 64, "Phiếu", LEVELS, 10, (10,), (0,), (0, 0, 0, 0), officials)
    r = compute(Tally((tt,), 0, 0), CountSettings())
    assert [o.high_rank for o in r.ballots[0].officials] == [2, 1, 2, 4]


def test_reports_are_the_same_bytes_for_the_same_results() -> None:
    settings = {"framework": "nq85", "members": 485, "board": ["Nguyễn Văn An, Trưởng ban"]}
    first, second = (_results(_one((437, 34, 4), collected=475), **settings) for _ in range(2))
    assert report.to_json(first) == report.to_json(second)
    assert report.to_csv(first) == report.to_csv(second)
    assert report.results_sha256(first) == report.results_sha256(second)
    changed = _results(_one((436, 35, 4), collected=475), **settings)
    assert report.results_sha256(changed) != report.results_sha256(first)
    assert "90.10" in report.to_csv(first) and "Nguyễn Thị Kim Ngân" in report.to_csv(first)


def test_settings_round_trip_through_the_stored_values() -> None:
    s = with_changes(
        CountSettings(),
        {"title": "Lấy phiếu", "framework": "NQ 96", "issued": "481", "held_at": "25/10/2023 9:00",
         "board": ["Nguyễn Văn An, Trưởng ban", "Trần Thị Bình"]},
    )  # fmt: skip
    assert s.framework == "nq96" and s.issued == 481 and s.held_at == "2023-10-25 09:00"
    assert [m.role for m in s.board] == ["Trưởng ban", "Thành viên"]
    assert from_values(to_values(s)) == s


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"framework": "qd97"}, "framework 'qd97'"),
        ({"members": 10, "present": 11}, "present (11) cannot be more than members summoned (10)"),
        ({"issued": "many"}, "issued: a whole number"),
        ({"issued": -1}, "issued: -1 is out of range"),
        ({"denominator": "voters"}, "denominator 'voters'"),
        ({"held_at": "tomorrow"}, "date 'tomorrow'"),
        ({"colour": "red"}, "unknown count setting 'colour'"),
    ],
)
def test_bad_settings_are_refused_with_their_name(changes: dict[str, object], message: str) -> None:
    with pytest.raises(CountSettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        with_changes(CountSettings(), changes)


def test_settings_file(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    s = parse_file(root / "samples" / "count.toml", CountSettings())
    assert s.framework == "qd96" and s.members == 45 and s.present == 42 and s.quorum_ok
    assert s.board[0].role == "Trưởng ban" and s.missing() == []
    bad = tmp_path / "bad.toml"
    bad.write_text('members = 10\npresent = "eleven"\n', encoding="utf-8")
    with pytest.raises(CountSettingsError, match="bad.toml: present: a whole number"):
        parse_file(bad, CountSettings())
    assert parse_held_at("2026-11-23T08:00") == "2026-11-23 08:00"
