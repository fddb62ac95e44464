"""The results of a count under its framework's rules: a pure function of the tally and the settings.

Percentages are taken of the denominator the framework (or the counting board) chose: the
ballots collected, the ballots issued, or all members.  Every comparison is made in integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .countinfo import CountSettings, from_values
from .rules import Denominator, over_half, two_thirds_or_more
from .tally import OfficialTally, Tally, TemplateTally, percent, tally

if TYPE_CHECKING:
    from .store import Store


@dataclass(frozen=True)
class Notice:
    """Something the counting board must see beside the figures; ``code`` names it, ``values`` fill its text."""

    code: str
    values: tuple[tuple[str, object], ...] = ()

    def get(self, key: str) -> object:
        return dict(self.values)[key]


@dataclass(frozen=True)
class LevelResult:
    name: str
    count: int
    percent: str  # two decimals, half up; "—" when there is no denominator


@dataclass(frozen=True)
class OfficialResult:
    stt: int
    name: str
    position: str
    levels: tuple[LevelResult, ...]  # the first is the highest ("Tín nhiệm cao"), the last "Tín nhiệm thấp"
    blank: int  # rows with no mark: invalid for this official only
    multi: int  # rows with two or more marks
    pending: int  # rows still waiting for a person
    on_rejected: int  # rows on ballots rejected as a whole (they count for nobody)
    low_over_half: bool  # 2·low > D
    low_two_thirds: bool  # 3·low ≥ 2·D
    high_rank: int  # 1 = most "Tín nhiệm cao" on this ballot; equal counts share a rank

    @property
    def invalid(self) -> int:
        return self.blank + self.multi

    @property
    def rows(self) -> int:
        return sum(x.count for x in self.levels) + self.invalid + self.pending + self.on_rejected


@dataclass(frozen=True)
class BallotResult:
    """One kind of ballot (one template): its totals and its officials."""

    fingerprint: str
    title: str
    level_names: tuple[str, ...]
    issued: int | None
    collected: int
    invalid: int  # ballots rejected as a whole
    sheets_per_page: tuple[int, ...]
    denominator: int | None
    officials: tuple[OfficialResult, ...]

    @property
    def valid(self) -> int:
        return self.collected - self.invalid


@dataclass(frozen=True)
class Results:
    settings: CountSettings
    ballots: tuple[BallotResult, ...]
    rows_pending: int
    pages_pending: int
    notices: tuple[Notice, ...]

    @property
    def provisional(self) -> bool:
        return self.rows_pending > 0 or self.pages_pending > 0

    @property
    def denominator_kind(self) -> Denominator:
        return self.settings.denominator_kind


def _ranks(counts: list[int]) -> list[int]:
    """Competition ranks, highest first: [5, 9, 5, 1] → [2, 1, 2, 4]."""
    return [1 + sum(other > c for other in counts) for c in counts]


def _official(o: OfficialTally, names: tuple[str, ...], d: int | None, on_rejected: int, rank: int) -> OfficialResult:
    low = o.levels[-1]
    return OfficialResult(
        stt=o.stt,
        name=o.name,
        position=o.position,
        levels=tuple(LevelResult(n, c, percent(c, d or 0)) for n, c in zip(names, o.levels, strict=True)),
        blank=o.blank,
        multi=o.multi,
        pending=o.pending,
        on_rejected=on_rejected,
        low_over_half=d is not None and over_half(low, d),
        low_two_thirds=d is not None and two_thirds_or_more(low, d),
        high_rank=rank,
    )


def _denominator(kind: Denominator, tt: TemplateTally, s: CountSettings) -> int | None:
    value = {Denominator.COLLECTED: tt.collected, Denominator.ISSUED: s.issued, Denominator.MEMBERS: s.members}[kind]
    return value if value else None


def _ballot(tt: TemplateTally, s: CountSettings) -> BallotResult:
    d = _denominator(s.denominator_kind, tt, s)
    ranks = _ranks([o.levels[0] for o in tt.officials])
    officials = tuple(
        # an official's rows on rejected sheets are the rejected sheets of the page it is printed on
        _official(o, tt.level_names, d, tt.rejected_per_page[tt.page_of_official[i]], ranks[i])
        for i, o in enumerate(tt.officials)
    )
    return BallotResult(
        fingerprint=tt.fingerprint,
        title=tt.title,
        level_names=tt.level_names,
        issued=s.issued,
        collected=tt.collected,
        invalid=max(tt.rejected_per_page, default=0),
        sheets_per_page=tt.sheets_per_page,
        denominator=d,
        officials=officials,
    )


def _notices(ballots: tuple[BallotResult, ...], s: CountSettings) -> list[Notice]:
    out: list[Notice] = []
    if s.quorum_ok is False and s.rules.quorum:
        num, den = s.rules.quorum
        out.append(
            Notice("quorum_not_met", (("present", s.present), ("members", s.members), ("quorum", f"{num}/{den}")))
        )
    for b in ballots:
        if b.denominator is None:
            out.append(Notice("no_denominator", (("title", b.title), ("kind", s.denominator_kind.value))))
        if b.issued is not None and b.collected > b.issued:
            out.append(Notice("collected_over_issued", (("title", b.title), ("collected", b.collected),
                                                        ("issued", b.issued))))  # fmt: skip
        if len(set(b.sheets_per_page)) > 1:
            sheets = ", ".join(f"{i + 1}: {n}" for i, n in enumerate(b.sheets_per_page))
            out.append(Notice("pages_uneven", (("title", b.title), ("sheets", sheets))))
    return out


def compute(t: Tally, settings: CountSettings) -> Results:
    """The count's results under ``settings``: denominators, flags, totals and notices."""
    ballots = tuple(_ballot(tt, settings) for tt in t.templates)
    return Results(settings, ballots, t.rows_pending, t.pages_pending, tuple(_notices(ballots, settings)))


def of_store(store: Store) -> Results:
    """The results of the count a store holds, under the settings stored with it."""
    counted = tally(store.templates(), store.tally_rows(), store.pages_pending())
    return compute(counted, from_values(store.settings()))
