"""Write a :class:`Tally` as a terminal table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from .tally import Tally, percent


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def table(t: Tally) -> str:
    out: list[str] = []
    for tt in t.templates:
        out.append(f"{tt.title}  [template {tt.fingerprint[:8].upper()}]")
        out.append(
            f"Ballots collected: {tt.collected}"
            + (f"  (sheets per page: {', '.join(map(str, tt.sheets_per_page))})" if len(tt.sheets_per_page) > 1 else "")
        )
        header = ["STT", "Họ và tên", *tt.level_names, "Blank", "Multi", "Pending"]
        body = []
        for o in tt.officials:
            cells = [str(o.stt), o.name]
            cells += [f"{n} ({percent(n, tt.collected)}%)" for n in o.levels]
            cells += [str(o.blank), str(o.multi), str(o.pending)]
            body.append(cells)
        widths = [max(_width(r[i]) for r in [header, *body]) for i in range(len(header))]
        line = "  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True))
        out += [line, "-" * _width(line)]
        for r in body:
            out.append("  ".join(_pad(c, w, right=i != 1) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
        out.append("")
    if not t.templates:
        out.append("No ballots counted yet.")
    if t.provisional:
        out.append(f"PROVISIONAL: {t.rows_pending} row(s) and {t.pages_pending} page(s) await review.")
    else:
        out.append("Final: nothing awaits review.")
    return "\n".join(out)


def to_csv(t: Tally) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    max_levels = max((len(tt.level_names) for tt in t.templates), default=0)
    header = ["template", "stt", "name", "position", "collected"]
    for k in range(max_levels):
        header += [f"level{k + 1}_name", f"level{k + 1}_count", f"level{k + 1}_percent"]
    header += ["blank", "multi", "pending", "provisional"]
    writer.writerow(header)
    for tt in t.templates:
        for o in tt.officials:
            row: list[object] = [tt.fingerprint[:8].upper(), o.stt, o.name, o.position, tt.collected]
            for k in range(max_levels):
                if k < len(o.levels):
                    row += [tt.level_names[k], o.levels[k], percent(o.levels[k], tt.collected)]
                else:
                    row += ["", "", ""]
            row += [o.blank, o.multi, o.pending, int(t.provisional)]
            writer.writerow(row)
    return buffer.getvalue()


def to_json(t: Tally) -> str:
    data = {
        "provisional": t.provisional,
        "rows_pending": t.rows_pending,
        "pages_pending": t.pages_pending,
        "templates": [
            {
                "fingerprint": tt.fingerprint,
                "title": tt.title,
                "levels": list(tt.level_names),
                "ballots_collected": tt.collected,
                "sheets_per_page": list(tt.sheets_per_page),
                "officials": [
                    {
                        "stt": o.stt,
                        "name": o.name,
                        "position": o.position,
                        "levels": [
                            {"name": name, "count": n, "percent": percent(n, tt.collected)}
                            for name, n in zip(tt.level_names, o.levels, strict=True)
                        ],
                        "blank": o.blank,
                        "multi": o.multi,
                        "pending": o.pending,
                    }
                    for o in tt.officials
                ],
            }
            for tt in t.templates
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
