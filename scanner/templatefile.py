"""template.json: the versioned, machine-readable form of a :class:`BallotTemplate`.

See docs/template-format.md for the schema.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .errors import TemplateError
from .model import SCHEMA, BallotRow, BallotTemplate, CodeStrip, Marker, Official, PageLayout, Rect

TEMPLATE_FILE = "template.json"
PDF_FILE = "ballot.pdf"


def _rect(r: Rect) -> dict[str, float]:
    return {"x_mm": r.x_mm, "y_mm": r.y_mm, "w_mm": r.w_mm, "h_mm": r.h_mm}


def to_dict(t: BallotTemplate, with_fingerprint: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "title": t.title,
        "levels": list(t.levels),
        "page": {"width_mm": t.page_width_mm, "height_mm": t.page_height_mm},
        "marker_dictionary": t.marker_dictionary,
        "box_line_mm": t.box_line_mm,
        "officials": [{"stt": o.stt, "name": o.name, "position": o.position} for o in t.officials],
        "pages": [
            {
                "number": p.number,
                "markers": [{"id": m.marker_id, "corner": m.corner, **_rect(m.rect)} for m in p.markers],
                "code_strips": [
                    {"x_mm": c.x_mm, "y_mm": c.y_mm, "cell_w_mm": c.cell_w_mm, "cell_h_mm": c.cell_h_mm, "bits": c.bits}
                    for c in p.code_strips
                ],
                "rows": [
                    {
                        "official": r.official_index,
                        "name_area": _rect(r.name_rect),
                        "boxes": [_rect(b) for b in r.boxes],
                    }
                    for r in p.rows
                ],
            }
            for p in t.pages
        ],
    }
    if with_fingerprint:
        data["fingerprint"] = t.fingerprint
    return data


def compute_fingerprint(t: BallotTemplate) -> str:
    """SHA-256 (hex) of the template's canonical JSON without its fingerprint."""
    canonical = json.dumps(
        to_dict(t, with_fingerprint=False), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _to_rect(d: dict[str, Any]) -> Rect:
    return Rect(float(d["x_mm"]), float(d["y_mm"]), float(d["w_mm"]), float(d["h_mm"]))


def from_dict(data: dict[str, Any], source: str = "template") -> BallotTemplate:
    if data.get("schema") != SCHEMA:
        raise TemplateError(f"{source}: schema {data.get('schema')!r} is not {SCHEMA!r}")
    try:
        template = BallotTemplate(
            title=str(data["title"]),
            levels=tuple(str(x) for x in data["levels"]),
            officials=tuple(Official(int(o["stt"]), str(o["name"]), str(o["position"])) for o in data["officials"]),
            page_width_mm=float(data["page"]["width_mm"]),
            page_height_mm=float(data["page"]["height_mm"]),
            marker_dictionary=str(data["marker_dictionary"]),
            box_line_mm=float(data["box_line_mm"]),
            pages=tuple(
                PageLayout(
                    number=int(p["number"]),
                    markers=tuple(Marker(int(m["id"]), int(m["corner"]), _to_rect(m)) for m in p["markers"]),
                    code_strips=tuple(
                        CodeStrip(
                            float(c["x_mm"]),
                            float(c["y_mm"]),
                            float(c["cell_w_mm"]),
                            float(c["cell_h_mm"]),
                            int(c["bits"]),
                        )
                        for c in p["code_strips"]
                    ),
                    rows=tuple(
                        BallotRow(int(r["official"]), _to_rect(r["name_area"]), tuple(_to_rect(b) for b in r["boxes"]))
                        for r in p["rows"]
                    ),
                )
                for p in data["pages"]
            ),
            fingerprint=str(data["fingerprint"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TemplateError(f"{source}: malformed template ({exc.__class__.__name__}: {exc})") from exc
    if compute_fingerprint(template) != template.fingerprint:
        raise TemplateError(f"{source}: the fingerprint does not match the content; the file was edited by hand")
    return template


def save(t: BallotTemplate, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / TEMPLATE_FILE
    path.write_text(json.dumps(to_dict(t), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load(path: Path) -> BallotTemplate:
    """Load a template from its folder or from its template.json."""
    file = path / TEMPLATE_FILE if path.is_dir() else path
    if not file.is_file():
        raise TemplateError(f"{path}: no {TEMPLATE_FILE} here; make one with 'scanner template new'")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TemplateError(f"{file}: not valid JSON ({exc})") from exc
    return from_dict(data, str(file))


def loads(text: str, source: str = "template") -> BallotTemplate:
    return from_dict(json.loads(text), source)


def dumps(t: BallotTemplate) -> str:
    return json.dumps(to_dict(t), ensure_ascii=False, sort_keys=True)
