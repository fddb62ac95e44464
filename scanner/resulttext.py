"""Words for results in Vietnamese and English: notices, denominators, flags; shared by every report."""

from __future__ import annotations

from .results import Notice
from .rules import Denominator

DENOMINATOR_NAMES = {
    "vi": {
        Denominator.COLLECTED: "số phiếu thu về",
        Denominator.ISSUED: "số phiếu phát ra",
        Denominator.MEMBERS: "tổng số người được triệu tập",
    },
    "en": {
        Denominator.COLLECTED: "ballots collected",
        Denominator.ISSUED: "ballots issued",
        Denominator.MEMBERS: "all members",
    },
}

_NOTICES = {
    "vi": {
        "quorum_not_met": "Không đủ số người dự theo quy định: có mặt {present}/{members}, chưa đạt {quorum} "
        "số người được triệu tập.",
        "no_denominator": "{title}: chưa tính được tỷ lệ vì chưa nhập {denominator}.",
        "collected_over_issued": "{title}: số phiếu thu về ({collected}) nhiều hơn số phiếu phát ra ({issued}).",
        "pages_uneven": "{title}: số tờ đọc được của các trang phiếu không bằng nhau (trang {sheets}); "
        "có trang bị thiếu hoặc thừa.",
    },
    "en": {
        "quorum_not_met": "Quorum not met: {present} of {members} present, fewer than {quorum} of those summoned.",
        "no_denominator": "{title}: no percentages, because {denominator} is not set (scanner count set --{kind} N).",
        "collected_over_issued": "{title}: {collected} ballots collected, more than the {issued} issued.",
        "pages_uneven": "{title}: the pages of the ballot were not read the same number of times "
        "(sheets per page {sheets}); a page is missing or extra.",
    },
}

FLAG_WORDS = {
    "vi": {"over_half": "Trên 1/2 tín nhiệm thấp", "two_thirds": "Từ 2/3 trở lên tín nhiệm thấp"},
    "en": {"over_half": "More than 1/2 low", "two_thirds": "2/3 or more low"},
}


def notice_text(n: Notice, lang: str) -> str:
    values = dict(n.values)
    if n.code == "no_denominator":
        values["denominator"] = DENOMINATOR_NAMES[lang][Denominator(str(values["kind"]))]
    return _NOTICES[lang][n.code].format(**values)


def vi_number(text: str) -> str:
    """A percentage as Vietnamese writes it, with a decimal comma: ``"90.10"`` → ``"90,10"``."""
    return text.replace(".", ",")
