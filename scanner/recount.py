"""Read every stored page again with the current settings and say what would read differently.

Nothing is written: the machine's stored readings and every person's decision stay as they
are.  A row "would change" when what the machine would do with it changes: count it at
another level, count it blank or invalid instead, or send it to review (or no longer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import ScannerError
from .model import BallotTemplate, PageRef, PageResult
from .pipeline import ReadContext, reread_stored_pages
from .settings import DEFAULT_READER, DEFAULT_THRESHOLDS, ReaderSettings, Thresholds
from .store import Store


@dataclass(frozen=True)
class MachineReading:
    """What the machine makes of a row: its reading, level and whether a person must look."""

    reading: str
    level: int | None
    review: bool
    reasons: tuple[str, ...] = ()

    @property
    def outcome(self) -> tuple[str, int | None]:
        """What the count does with the row: count it so, or wait for a person (whatever the best guess)."""
        return ("review", None) if self.review else (self.reading, self.level)

    def describe(self, template: BallotTemplate | None) -> str:
        if self.reading == "level" and self.level is not None:
            name = template.levels[self.level] if template and self.level < len(template.levels) else str(self.level)
            what = f"“{name}”"
        else:
            what = {"blank": "no mark", "multi": "two or more marks"}.get(self.reading, self.reading)
        return f"review ({', '.join(self.reasons)}; best guess {what})" if self.review else f"counted as {what}"


@dataclass(frozen=True)
class RowChange:
    page_id: int
    file: str
    page_index: int
    stt: int
    name: str
    before: MachineReading
    after: MachineReading
    decided: bool  # a person has decided this row: that decision stands whatever the machine reads
    template: BallotTemplate | None

    def describe(self) -> str:
        line = (
            f"page {self.page_id} ({self.file}, page {self.page_index + 1}), STT {self.stt} {self.name}: "
            f"{self.before.describe(self.template)} -> {self.after.describe(self.template)}"
        )
        return line + ("  [a person's decision stands]" if self.decided else "")


@dataclass(frozen=True)
class PageChange:
    page_id: int
    file: str
    page_index: int
    before: str
    after: str

    def describe(self) -> str:
        return f"page {self.page_id} ({self.file}, page {self.page_index + 1}): {self.before} -> {self.after}"


@dataclass(frozen=True)
class Recount:
    pages: int
    rows: int
    row_changes: tuple[RowChange, ...]
    page_changes: tuple[PageChange, ...]


def with_overrides(overrides: dict[str, str]) -> tuple[Thresholds, ReaderSettings]:
    """The default settings with ``NAME=VALUE`` overrides applied to whichever settings object has NAME."""
    objects: tuple[Any, ...] = (DEFAULT_THRESHOLDS, DEFAULT_READER)
    changes: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
    for name, text in overrides.items():
        owner = next((k for k, obj in enumerate(objects) if name in {f.name for f in fields(obj)}), None)
        if owner is None:
            raise ScannerError(f"no setting {name!r}; the names are the fields in scanner/settings.py")
        current: Any = getattr(objects[owner], name)
        changes[owner][name] = _parse_like(name, text, current)
    return replace(DEFAULT_THRESHOLDS, **changes[0]), replace(DEFAULT_READER, **changes[1])


def _parse_like(name: str, text: str, current: Any) -> Any:
    """``text`` as a value of ``current``'s type (bool, int or float)."""
    try:
        if isinstance(current, bool):
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError(text)
            return text.lower() in ("true", "1")
        return type(current)(text)
    except ValueError:
        raise ScannerError(f"setting {name}: {text!r} is not a {type(current).__name__}") from None


def _page_summary(status: str, reason: str, template: str | None, number: int | None, flags: list[str]) -> str:
    if status != "read":
        return f"unusable ({reason})"
    text = f"template {str(template)[:8].upper()} page {number}"
    return text + (f", held whole for review ({', '.join(flags)})" if flags else "")


def compare_page(
    record: dict[str, Any], new: PageResult, templates: dict[str, BallotTemplate]
) -> tuple[list[RowChange], PageChange | None]:
    """The differences between a stored page (as ``Store.page_record`` gives it) and a fresh reading of it."""
    file, index, page_id = str(record["file"]), int(record["page_index"]), int(record["page_id"])
    before = _page_summary(str(record["status"]), str(record["reason"]), record["template"],
                           record["page_number"], list(record["page_reasons"]))  # fmt: skip
    after = _page_summary(new.status, new.reason, new.template_fingerprint, new.page_number, list(new.page_reasons))
    page_change = PageChange(page_id, file, index, before, after) if before != after else None
    if new.status != "read" or record["status"] != "read" or new.template_fingerprint != record["template"]:
        return [], page_change
    template = templates.get(str(record["template"]))
    fresh = {d.official_index: d for d in new.decisions}
    changes = []
    for row in record["rows"]:
        d = fresh.get(int(row["official_index"]))
        if d is None:
            continue
        old = MachineReading(str(row["reading"]), row["level"], bool(row["needs_review"]), tuple(row["reasons"]))
        now = MachineReading(d.reading.value, d.level, d.needs_review, d.reasons)
        if old.outcome == now.outcome:
            continue
        official = template.officials[d.official_index] if template else None
        changes.append(
            RowChange(
                page_id,
                file,
                index,
                official.stt if official else d.official_index + 1,
                official.name if official else "",
                old,
                now,
                row["decision"] is not None,
                template,
            )  # fmt: skip
        )
    return changes, page_change


def recount(db: Path, ctx_settings: tuple[Thresholds, ReaderSettings], workers: int,
            on_page: Callable[[], None] = lambda: None) -> Recount:  # fmt: skip
    """Read every page stored in ``db`` again and compare; writes nothing."""
    with Store(db) as store:
        templates = store.templates()
        refs = store.stored_page_refs()
    thresholds, reader = ctx_settings
    ctx = ReadContext(tuple(templates.values()), thresholds, reader)

    def tasks() -> Iterator[tuple[PageRef, str, bytes, bool]]:
        # its own connection, opened in whichever thread feeds the workers
        with Store(db) as feeder:
            for page_id, ref, bilevel in refs:
                stored = feeder.page_image(page_id)
                if stored is None:
                    raise ScannerError(f"the image of page {page_id} vanished from {db} during the recount")
                yield ref, stored[0], stored[1], bilevel

    with_images = [page_id for page_id, _, _ in refs]
    row_changes: list[RowChange] = []
    page_changes: list[PageChange] = []
    rows = 0
    with Store(db) as store:
        for page_id, result in zip(with_images, reread_stored_pages(tasks(), ctx, workers), strict=True):
            record = store.page_record(page_id)
            if record is None:
                continue
            rows += len(record["rows"])  # type: ignore[arg-type]
            changed, page = compare_page(record, result, templates)
            row_changes += changed
            if page:
                page_changes.append(page)
            on_page()
    return Recount(len(with_images), rows, tuple(row_changes), tuple(page_changes))
