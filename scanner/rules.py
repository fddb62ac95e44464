"""The rules of each framework a confidence vote is held under, as data.

A framework decides three things the count must follow: what the percentages are taken
of (the denominator), whether a quorum of those summoned must be present, and what a
share of "tín nhiệm thấp" over one half, or of two thirds or more, leads to.  Sources are
named beside each entry; where a text was reported rather than read in the original, it
says so, and a counting board that finds otherwise overrides the denominator with
``scanner count set --denominator``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Denominator(StrEnum):
    COLLECTED = "collected"  # ballots collected (thu về)
    ISSUED = "issued"  # ballots issued (phát ra)
    MEMBERS = "members"  # everyone entitled to vote (tổng số đại biểu / thành viên)


@dataclass(frozen=True)
class Framework:
    key: str  # what the CLI and the store call it
    name: str  # as the minutes print it
    name_en: str
    denominator: Denominator
    # quorum as a fraction of those summoned who must be present, e.g. (2, 3); None: not checked
    quorum: tuple[int, int] | None
    body_heading: tuple[str, ...]  # the national heading printed top right of the minutes
    over_half: str  # what more than half "tín nhiệm thấp" leads to
    over_half_en: str
    two_thirds: str  # what two thirds or more leads to
    two_thirds_en: str
    source: str


_PARTY_HEADING = ("ĐẢNG CỘNG SẢN VIỆT NAM",)
_STATE_HEADING = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

FRAMEWORKS: dict[str, Framework] = {
    f.key: f
    for f in (
        Framework(
            key="qd96",
            name="Quy định số 96-QĐ/TW ngày 02/02/2023 của Bộ Chính trị",
            name_en="Politburo Regulation 96-QĐ/TW of 2 February 2023",
            denominator=Denominator.COLLECTED,
            quorum=(2, 3),
            body_heading=_PARTY_HEADING,
            over_half="Không quy hoạch vào chức vụ cao hơn; có thể xem xét cho thôi giữ chức vụ hoặc cho từ chức.",
            over_half_en="Removed from planning for higher posts; may be relieved of the post or allowed to resign.",
            two_thirds="Cấp có thẩm quyền xem xét, đề nghị miễn nhiệm.",
            two_thirds_en="The competent body considers proposing dismissal.",
            source="QĐ 96-QĐ/TW (2023), Điều 6 and 11 as reported; quorum 2/3 of those summoned",
        ),
        Framework(
            key="nq96",
            name="Nghị quyết số 96/2023/QH15 của Quốc hội",
            name_en="National Assembly Resolution 96/2023/QH15",
            denominator=Denominator.ISSUED,
            quorum=None,
            body_heading=_STATE_HEADING,
            over_half="Có thể xin từ chức; nếu không từ chức, cơ quan có thẩm quyền trình bỏ phiếu tín nhiệm.",
            over_half_en="May resign; otherwise the competent body submits a formal vote of confidence.",
            two_thirds="Cơ quan có thẩm quyền trình miễn nhiệm.",
            two_thirds_en="The competent body proposes dismissal.",
            # the published 2023 results divide by the 481 ballots issued (187 / 481 = 38.88%)
            source="NQ 96/2023/QH15 as reported; denominator from the published 2023 National Assembly results",
        ),
        Framework(
            key="nq85",
            name="Nghị quyết số 85/2014/QH13 của Quốc hội",
            name_en="National Assembly Resolution 85/2014/QH13",
            denominator=Denominator.MEMBERS,
            quorum=None,
            body_heading=_STATE_HEADING,
            over_half="Có thể xin từ chức.",
            over_half_en="May resign.",
            two_thirds="Cơ quan có thẩm quyền trình bỏ phiếu tín nhiệm.",
            two_thirds_en="The competent body submits a formal vote of confidence.",
            # the 2018 results divide by 485 deputies though 475 ballots were collected (437 / 485 = 90.10%);
            # two thirds: Luật Tổ chức Quốc hội 2014, Điều 13, as reported
            source="NQ 85/2014/QH13 and Luật Tổ chức Quốc hội 2014 Điều 13, as reported; 2018 published results",
        ),
    )
}
DEFAULT_FRAMEWORK = "qd96"


def over_half(low: int, denominator: int) -> bool:
    """More than one half: ``2·low > D``, in integers.

    >>> over_half(240, 481), over_half(241, 481), over_half(50, 100), over_half(51, 100)
    (False, True, False, True)
    """
    return denominator > 0 and 2 * low > denominator


def two_thirds_or_more(low: int, denominator: int) -> bool:
    """Two thirds or more: ``3·low ≥ 2·D``, in integers.

    >>> two_thirds_or_more(200, 300), two_thirds_or_more(199, 300), two_thirds_or_more(321, 481)
    (True, False, True)
    """
    return denominator > 0 and 3 * low >= 2 * denominator


def quorum_met(present: int, summoned: int, quorum: tuple[int, int]) -> bool:
    """At least ``quorum`` of those summoned are present: ``present·den ≥ summoned·num``.

    >>> quorum_met(8, 12, (2, 3)), quorum_met(7, 12, (2, 3))
    (True, False)
    """
    num, den = quorum
    return present * den >= summoned * num
