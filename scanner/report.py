"""Write :class:`Results` as a terminal table, CSV or JSON (formats in docs/results-format.md).

CSV and JSON hold nothing but the results, in a fixed order: the same store gives the same
bytes, and the SHA-256 printed in the minutes is the SHA-256 of the JSON.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata

from .results import BallotResult, OfficialResult, Results
from .resulttext import DENOMINATOR_NAMES, notice_text

SCHEMA = "scanner-results/1"


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in unicodedata.normalize("NFC", text))


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def _flags(o: OfficialResult) -> str:
    return "≥2/3 low" if o.low_two_thirds else ">1/2 low" if o.low_over_half else ""


def _ballot_lines(b: BallotResult, r: Results) -> list[str]:
    out = [f"{b.title}  [template {b.fingerprint[:8].upper()}]"]
    totals = f"Ballots collected: {b.collected}  valid: {b.valid}  invalid: {b.invalid}"
    if b.issued is not None:
        totals = f"Ballots issued: {b.issued}  " + totals
    if len(b.sheets_per_page) > 1:
        totals += f"  (sheets per page: {', '.join(map(str, b.sheets_per_page))})"
    out.append(totals)
    name = DENOMINATOR_NAMES["en"][r.denominator_kind]
    out.append(f"Percentages of {name}: {b.denominator if b.denominator is not None else 'not set'}")
    header = ["STT", "Họ và tên", *b.level_names, "Blank", "Multi", "Pending", "Flag"]
    body = []
    for o in b.officials:
        cells = [str(o.stt), o.name, *(f"{x.count} ({x.percent}%)" for x in o.levels)]
        body.append([*cells, str(o.blank), str(o.multi), str(o.pending), _flags(o)])
    widths = [max(_width(row[i]) for row in [header, *body]) for i in range(len(header))]
    line = "  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip()
    out += [line, "-" * _width(line)]
    for row in body:
        last = len(row) - 1
        padded = (_pad(c, w, right=i not in (1, last)) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        out.append("  ".join(padded).rstrip())
    out.append("")
    return out


def table(r: Results) -> str:
    s = r.settings
    out: list[str] = []
    if s.title:
        out.append(s.title)
    out.append(f"Framework: {s.rules.name_en}" + (" (denominator overridden)" if s.denominator else ""))
    if s.members is not None or s.present is not None:
        quorum = {True: "  quorum met", False: "  QUORUM NOT MET", None: ""}[s.quorum_ok]
        out.append(f"Members summoned: {s.members if s.members is not None else '?'}  present: "
                   f"{s.present if s.present is not None else '?'}{quorum}")  # fmt: skip
    out.append("")
    for b in r.ballots:
        out += _ballot_lines(b, r)
    if not r.ballots:
        out.append("No ballots counted yet.")
    out += [f"Warning: {notice_text(n, 'en')}" for n in r.notices]
    if r.provisional:
        out.append(f"PROVISIONAL: {r.rows_pending} row(s) and {r.pages_pending} page(s) await review.")
    else:
        out.append("Final: nothing awaits review.")
    return "\n".join(out)


def _csv_levels(o: OfficialResult, width: int) -> list[object]:
    cells: list[object] = []
    for k in range(width):
        cells += [o.levels[k].name, o.levels[k].count, o.levels[k].percent] if k < len(o.levels) else ["", "", ""]
    return cells


def to_csv(r: Results) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    width = max((len(b.level_names) for b in r.ballots), default=0)
    header = ["template", "stt", "name", "position", "denominator_kind", "denominator", "issued", "collected"]
    for k in range(width):
        header += [f"level{k + 1}_name", f"level{k + 1}_count", f"level{k + 1}_percent"]
    header += ["blank", "multi", "rejected_ballot_rows", "pending", "low_over_half", "low_two_thirds", "high_rank"]
    writer.writerow([*header, "provisional"])
    for b in r.ballots:
        for o in b.officials:
            row: list[object] = [b.fingerprint[:8].upper(), o.stt, o.name, o.position, r.denominator_kind.value]
            row += ["" if b.denominator is None else b.denominator, "" if b.issued is None else b.issued, b.collected]
            row += _csv_levels(o, width)
            row += [o.blank, o.multi, o.on_rejected, o.pending, int(o.low_over_half), int(o.low_two_thirds)]
            writer.writerow([*row, o.high_rank, int(r.provisional)])
    return buffer.getvalue()


def _official_json(o: OfficialResult) -> dict[str, object]:
    return {
        "stt": o.stt,
        "name": o.name,
        "position": o.position,
        "levels": [{"name": x.name, "count": x.count, "percent": x.percent} for x in o.levels],
        "blank": o.blank,
        "multi": o.multi,
        "rejected_ballot_rows": o.on_rejected,
        "pending": o.pending,
        "low_over_half": o.low_over_half,
        "low_two_thirds": o.low_two_thirds,
        "high_rank": o.high_rank,
    }


def to_data(r: Results) -> dict[str, object]:
    s = r.settings
    return {
        "schema": SCHEMA,
        "count": {
            "title": s.title,
            "organisation": s.organisation,
            "place": s.place,
            "held_at": s.held_at,
            "framework": s.framework,
            "denominator": r.denominator_kind.value,
            "denominator_overridden": s.denominator is not None,
            "members": s.members,
            "present": s.present,
            "quorum": None if s.rules.quorum is None else "{}/{}".format(*s.rules.quorum),
            "quorum_met": s.quorum_ok,
            "issued": s.issued,
            "board": [{"name": m.name, "role": m.role} for m in s.board],
            "remarks": s.remarks,
        },
        "provisional": r.provisional,
        "rows_pending": r.rows_pending,
        "pages_pending": r.pages_pending,
        "ballots": [
            {
                "template": b.fingerprint,
                "title": b.title,
                "levels": list(b.level_names),
                "issued": b.issued,
                "collected": b.collected,
                "valid": b.valid,
                "invalid": b.invalid,
                "sheets_per_page": list(b.sheets_per_page),
                "denominator": b.denominator,
                "officials": [_official_json(o) for o in b.officials],
            }
            for b in r.ballots
        ],
        "notices": [{"code": n.code, "message": notice_text(n, "en")} for n in r.notices],
    }


def to_json(r: Results) -> str:
    return json.dumps(to_data(r), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def results_sha256(r: Results) -> str:
    """The SHA-256 of the results as JSON (UTF-8), as ``scanner report --json`` writes them."""
    return hashlib.sha256(to_json(r).encode("utf-8")).hexdigest()
