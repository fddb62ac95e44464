"""Compare a count database with the simulator's truth file: what tests and benchmarks measure."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .classify import INK_LOST, STRUCK_OUT_NAME, WRITING_OUTSIDE
from .store import Store


@dataclass
class Comparison:
    """Rows as read against rows as drawn."""

    rows: int = 0
    counted: int = 0
    review: int = 0
    clear_rows: int = 0
    clear_review: int = 0
    multi_rows: int = 0
    multi_not_reviewed: int = 0
    # counted without review, and wrong: rows, and ballots with a struck-out name nobody was asked about
    silent_errors: list[str] = field(default_factory=list)
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (truth kind, counted/review/wrong)
    pages: int = 0
    pages_unusable: int = 0
    struck_pages: int = 0
    struck_flagged: int = 0
    margin_pages: int = 0
    margin_flagged: int = 0
    clean_pages_flagged: int = 0  # pages with no struck name or margin writing flagged for one all the same
    held_rows: int = 0  # rows of flagged pages: waiting on the page's decision, not review items
    ink_lost_pages: int = 0  # 1-bit pages held as a whole because they visibly lost ink
    bilevel_pages: int = 0  # pages read as 1-bit scans
    bilevel_missed: int = 0  # pages the simulator made 1-bit that were read as grey
    bilevel_false: int = 0  # grey pages read as 1-bit
    empty_fills: list[float] = field(default_factory=list)  # fill of every box the truth left empty
    marked_fills: list[float] = field(default_factory=list)  # fill of every box the truth marked


def _sheets(truth: dict[str, Any]) -> dict[tuple[str, int], dict[int, dict[str, Any]]]:
    by_sheet = {}
    for ballot in truth["ballots"]:
        rows = {r["official_index"]: r for r in ballot["rows"]}
        for sheet in ballot["sheets"]:
            by_sheet[(Path(sheet["file"]).name, sheet["page_index"])] = rows
    return by_sheet


def _sheet_facts(truth: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(Path(s["file"]).name, s["page_index"]): s for b in truth["ballots"] for s in b["sheets"]}


INK_FLAGS = {STRUCK_OUT_NAME, WRITING_OUTSIDE}  # page reasons for ink where no vote belongs


def _made_bilevel(sheet: dict[str, Any]) -> bool:
    """Whether the simulator wrote this sheet as a 1-bit scan (either simulator's truth says so its own way)."""
    return bool(sheet.get("bilevel")) or sheet.get("profile") == "scanner-bilevel"


def load_truth(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def rows_with_truth(
    db: Path, truth_path: Path
) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(stored page, stored row, its truth row, its sheet's facts) for every row of every read page
    that is not held as a whole: what the benchmarks label and break down."""
    truth = load_truth(truth_path)
    sheets = {
        (Path(s["file"]).name, s["page_index"]): (s, {r["official_index"]: r for r in b["rows"]})
        for b in truth["ballots"]
        for s in b["sheets"]
    }
    with Store(db) as store:
        for page in store.export_pages():
            if page["status"] != "read" or page["page_reasons"]:
                continue
            sheet, rows = sheets[(Path(str(page["file"])).name, int(str(page["page_index"])))]
            for row in page["rows"]:  # type: ignore[attr-defined]
                yield page, row, rows[row["official_index"]], sheet


def compare(db: Path, truth_path: Path) -> Comparison:
    """Every stored row of every read page against the row the simulator meant to draw.

    Pages are matched by file name and page index; unusable pages have no rows and are skipped.
    A page held as a whole is judged as a careful reviewer would leave it: a ballot with a struck
    name is rejected (its rows count for nobody); any other page is accepted, and then its rows
    count as read unless they wait for review themselves, so they are compared like the rest.
    Rows of a 1-bit page held for lost ink all wait for a person; they are counted apart.
    """
    truth = load_truth(truth_path)
    by_sheet, facts = _sheets(truth), _sheet_facts(truth)
    out = Comparison()
    with Store(db) as store:
        for page in store.export_pages():
            key = (Path(str(page["file"])).name, int(str(page["page_index"])))
            out.pages += 1
            if page["status"] != "read":
                out.pages_unusable += 1
                continue
            fact = facts.get(key, {})
            flagged = bool(page["page_reasons"])
            ink_flag = bool(INK_FLAGS.intersection(page["page_reasons"]))  # type: ignore[arg-type]
            out.struck_pages += bool(fact.get("struck_name"))
            out.struck_flagged += bool(fact.get("struck_name")) and flagged
            out.margin_pages += bool(fact.get("margin_writing"))
            out.margin_flagged += bool(fact.get("margin_writing")) and flagged
            out.clean_pages_flagged += ink_flag and not (fact.get("struck_name") or fact.get("margin_writing"))
            expected = by_sheet[key]
            judged, made = bool(page.get("bilevel")), _made_bilevel(fact)
            out.bilevel_pages += judged
            out.bilevel_missed += made and not judged
            out.bilevel_false += judged and not made
            if flagged:
                out.held_rows += len(page["rows"])  # type: ignore[arg-type]
            if INK_LOST in page["page_reasons"]:  # type: ignore[operator]
                out.ink_lost_pages += 1
                continue
            if fact.get("struck_name"):
                if not flagged:  # nobody is asked: an invalid ballot counts as valid
                    out.silent_errors.append(f"{key}: a struck-out name not flagged, the ballot counted")
                continue  # rejected by the reviewer: its rows count for nobody
            for row in page["rows"]:  # type: ignore[attr-defined]
                t = expected[row["official_index"]]
                out.rows += 1
                out.clear_rows += t["kind"] == "clear"
                out.multi_rows += t["kind"] == "multi"
                for box in row["boxes"]:
                    (out.marked_fills if box["level"] in t["marks"] else out.empty_fills).append(box["fill"])
                if row["needs_review"]:
                    out.review += 1
                    out.clear_review += t["kind"] == "clear"
                    out.outcomes[(t["kind"], "review")] += 1
                    continue
                out.counted += 1
                out.multi_not_reviewed += t["kind"] == "multi"
                got, want = (row["reading"], row["level"]), (t["intended"], t["level"])
                out.outcomes[(t["kind"], "counted, wrong" if got != want else "counted, right")] += 1
                if got != want:
                    drawn = ", ".join(t.get("drawn", ()))
                    out.silent_errors.append(f"{key} row {row['official_index']} ({drawn}): read {got}, truth {want}")
    return out


def decide_as_truth(db: Path, truth_path: Path, reviewer: str = "truth") -> int:
    """Decide every pending row and flagged page as the truth says, as a careful reviewer would.

    Returns how many rows were decided.
    """
    from .model import Reading

    truth = load_truth(truth_path)
    by_sheet, facts = _sheets(truth), _sheet_facts(truth)
    with Store(db) as store:
        for page_id, path, page_index, _reasons in store.flagged_pages():
            fact = facts[(Path(path).name, page_index)]
            verdict = "reject_page" if fact.get("struck_name") else "accept_page"
            store.review_page(page_id, verdict, {}, reviewer=reviewer)
        pending = store.review_rows()
        for row_id, path, page_index, _template, _number, official in pending:
            t = by_sheet[(Path(path).name, page_index)][official]
            store.review_row(row_id, Reading(t["intended"]), t["level"], reviewer=reviewer)
    return len(pending)


def truth_counts(truth_path: Path, levels: int) -> dict[int, tuple[int, ...]]:
    """Official index -> (count per level..., blank, multi) as the truth has it."""
    counts: dict[int, Counter[tuple[str, int | None]]] = {}
    for ballot in load_truth(truth_path)["ballots"]:
        for r in ballot["rows"]:
            counts.setdefault(r["official_index"], Counter())[(r["intended"], r["level"])] += 1
    return {
        i: tuple(c[("level", k)] for k in range(levels)) + (c[("blank", None)], c[("multi", None)])
        for i, c in counts.items()
    }
