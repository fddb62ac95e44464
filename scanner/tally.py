"""Count the stored decisions: a pure function over row and page records, integers only."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .model import BallotTemplate, Reading


@dataclass(frozen=True)
class RowRecord:
    template: str
    page_number: int
    official_index: int
    reading: Reading  # the machine's
    level: int | None
    needs_review: bool
    decided_reading: Reading | None = None  # a person's latest decision, if any
    decided_level: int | None = None
    page_held: bool = False  # the whole page is flagged and undecided: nothing on it counts yet
    page_rejected: bool = False  # a person rejected the ballot: its rows count for nobody

    @property
    def effective(self) -> tuple[Reading, int | None] | None:
        """What counts: a person's decision, else a certain machine reading, else None (pending)."""
        if self.page_held:
            return None
        if self.decided_reading is not None:
            return self.decided_reading, self.decided_level
        if self.needs_review:
            return None
        return self.reading, self.level


@dataclass(frozen=True)
class OfficialTally:
    stt: int
    name: str
    position: str
    levels: tuple[int, ...]  # count per level
    blank: int
    multi: int
    pending: int


@dataclass(frozen=True)
class TemplateTally:
    fingerprint: str
    title: str
    level_names: tuple[str, ...]
    collected: int  # ballots collected: the most sheets read of any one page of the ballot
    sheets_per_page: tuple[int, ...]
    rejected_per_page: tuple[int, ...]  # sheets of each page rejected as a whole in review
    page_of_official: tuple[int, ...]  # the page (0-based) each official is printed on
    officials: tuple[OfficialTally, ...]


@dataclass(frozen=True)
class Tally:
    templates: tuple[TemplateTally, ...]
    rows_pending: int
    pages_pending: int  # unusable pages no one has decided yet

    @property
    def provisional(self) -> bool:
        return self.rows_pending > 0 or self.pages_pending > 0


def percent(count: int, denominator: int) -> str:
    """``count / denominator`` as a percentage with two decimals, rounded half up, from integers.

    >>> percent(187, 481), percent(437, 485), percent(1, 8), percent(0, 0)
    ('38.88', '90.10', '12.50', '—')
    """
    if denominator <= 0:
        return "—"
    hundredths = (count * 20000 + denominator) // (2 * denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def tally(templates: Mapping[str, BallotTemplate], rows: Iterable[RowRecord], pages_pending: int) -> Tally:
    per_official: dict[tuple[str, int], Counter[tuple[str, int | None]]] = defaultdict(Counter)
    rows_pending = 0
    for r in rows:
        counter = per_official[(r.template, r.official_index)]
        counter[("rows", None)] += 1
        if r.page_rejected:
            counter[("rejected", None)] += 1
            continue  # collected, but invalid as a whole
        effective = r.effective
        if effective is None:
            counter[("pending", None)] += 1
            rows_pending += 1
        else:
            counter[(effective[0].value, effective[1])] += 1
    out: list[TemplateTally] = []
    for fp, t in templates.items():
        # every sheet of a page carries a row for each official printed on it
        firsts = [per_official[(fp, p.rows[0].official_index)] for p in t.pages]
        per_page = tuple(c[("rows", None)] for c in firsts)
        if not any(per_page):
            continue
        officials = []
        for i, o in enumerate(t.officials):
            c = per_official[(fp, i)]
            officials.append(
                OfficialTally(
                    stt=o.stt,
                    name=o.name,
                    position=o.position,
                    levels=tuple(c[("level", k)] for k in range(len(t.levels))),
                    blank=c[("blank", None)],
                    multi=c[("multi", None)],
                    pending=c[("pending", None)],
                )
            )
        rejected = tuple(c[("rejected", None)] for c in firsts)
        page_of = {row.official_index: k for k, p in enumerate(t.pages) for row in p.rows}
        out.append(
            TemplateTally(
                fp, t.title, t.levels, max(per_page), per_page, rejected,
                tuple(page_of[i] for i in range(len(t.officials))), tuple(officials),
            )
        )  # fmt: skip
    return Tally(tuple(out), rows_pending, pages_pending)
