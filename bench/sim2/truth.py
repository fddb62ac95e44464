"""The truth file, in the format of the project's simulator (read by ``scanner.truthcheck``).

Field names and meanings follow that format; sheets carry extra facts (artefacts, bilevel,
container, ...) that the reader must cope with without flagging the page.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SheetTruth:
    file: str  # relative to the output folder
    page_index: int
    page_number: int
    orientation: int  # degrees the sheet was turned clockwise when fed
    dpi: int
    profile: str = ""
    struck_name: bool = False  # a printed name struck through: the ballot is invalid, the page must be flagged
    margin_writing: bool = False  # writing outside the table: the page must be flagged
    pen: str = ""
    artefacts: tuple[str, ...] = ()  # scanner and paper effects the reader must NOT flag
    bilevel: bool = False
    container: str = ""
    quality: int = 0  # JPEG quality, where JPEG was used
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RowTruth:
    official_index: int
    stt: int
    intended: str  # "level", "blank" or "multi": what a careful reviewer would record
    level: int | None
    kind: str  # "clear", "blank", "multi", "doubtful" or "correction"; all but clear and blank need review
    marks: tuple[int, ...] = ()  # levels whose box holds a clear mark
    drawn: tuple[str, ...] = ()  # what was drawn ("shape@level"; "lost-"/"faded-" when the scan lost ink)


@dataclass(frozen=True)
class BallotTruth:
    ballot: int
    rows: tuple[RowTruth, ...]
    sheets: tuple[SheetTruth, ...] = ()


def document(fingerprint: str, options: dict[str, Any], ballots: list[BallotTruth]) -> str:
    """The truth file's text: template fingerprint, generation options and every ballot."""
    data = {
        "template": fingerprint,
        "simulator": "bench.sim2",
        "options": options,
        "ballots": [asdict(b) for b in ballots],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
