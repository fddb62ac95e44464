"""Run a scan: files in, pages read in parallel, each page stored as it comes.

The edge between the pure reading stages and the database; the CLI calls it once,
or again and again when watching a folder a scanner is writing into.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .classify import INK_LOST
from .load import inspect_file
from .model import PageRef
from .pipeline import ReadContext, read_pages
from .store import Store


@dataclass(frozen=True)
class Unusable:
    path: str
    page: int  # 1-based; 0 when the whole file is unreadable
    detail: str


@dataclass(frozen=True)
class ScanOutcome:
    pages: int = 0
    rows: int = 0
    review: int = 0
    already_scanned: int = 0
    unusable: tuple[Unusable, ...] = field(default=())
    reading_seconds: float = 0.0
    flagged: int = 0  # pages read but held for a person as a whole (struck-out name, writing, no code)
    bilevel: int = 0  # pages read as 1-bit scans
    ink_lost: tuple[PageRef, ...] = field(default=())  # 1-bit pages that visibly lost ink: scan again in grey

    def __add__(self, other: ScanOutcome) -> ScanOutcome:
        return ScanOutcome(
            self.pages + other.pages,
            self.rows + other.rows,
            self.review + other.review,
            self.already_scanned + other.already_scanned,
            self.unusable + other.unusable,
            self.reading_seconds + other.reading_seconds,
            self.flagged + other.flagged,
            self.bilevel + other.bilevel,
            self.ink_lost + other.ink_lost,
        )


class ScanInterrupted(KeyboardInterrupt):
    """Ctrl-C while pages were being read: what had been read and stored by then."""

    def __init__(self, outcome: ScanOutcome) -> None:
        super().__init__()
        self.outcome = outcome


@dataclass(frozen=True)
class ScanPlan:
    """What is left to read after the files were checked against the database."""

    tasks: tuple[tuple[PageRef, str], ...]
    already_scanned: int
    unusable: tuple[Unusable, ...]


def register_files(store: Store, files: Iterable[Path], on_file: Callable[[], None] = lambda: None) -> ScanPlan:
    """Hash each file and record it; list the pages not stored yet.  Files seen before are skipped."""
    tasks: list[tuple[PageRef, str]] = []
    seen: set[str] = set()
    already = 0
    unusable: list[Unusable] = []
    for path in files:
        f = inspect_file(path)
        on_file()
        if not f.sha256:  # not even readable from disk: nothing to identify it by
            unusable.append(Unusable(f.path, 0, f.error))
            continue
        if f.sha256 in seen:
            already += 1
            continue
        seen.add(f.sha256)
        state = store.file_state(f.sha256)
        if state is not None and state.status != "scanning":
            already += 1
            continue
        store.begin_file(f)
        if f.error:
            unusable.append(Unusable(f.path, 0, f.error))
            continue
        todo = [i for i in range(f.page_count) if state is None or i not in state.pages_done]
        if not todo:
            store.finish_file(f.sha256)
        tasks += [(PageRef(f.path, f.sha256, i), f.kind) for i in todo]
    return ScanPlan(tuple(tasks), already, tuple(unusable))


def read_plan(
    store: Store, ctx: ReadContext, plan: ScanPlan, workers: int, on_page: Callable[[], None] = lambda: None
) -> ScanOutcome:
    """Read the planned pages (in parallel), storing each as it comes; a file is done with its last page.

    Ctrl-C raises :class:`ScanInterrupted` with what was stored until then.
    """
    remaining = Counter(ref.file_sha256 for ref, _ in plan.tasks)
    unusable = list(plan.unusable)
    pages = rows = review = flagged = bilevel = 0
    ink_lost: list[PageRef] = []
    started = time.perf_counter()

    def outcome() -> ScanOutcome:
        return ScanOutcome(
            pages, rows, review, plan.already_scanned, tuple(unusable), time.perf_counter() - started, flagged,
            bilevel, tuple(sorted(ink_lost, key=lambda r: (r.path, r.page_index))),
        )  # fmt: skip

    try:
        for result in read_pages(plan.tasks, ctx, min(workers, max(len(plan.tasks), 1))):
            store.save_page(result)
            pages += 1
            if result.status == "unusable":
                unusable.append(Unusable(result.ref.path, result.ref.page_index + 1, result.detail))
            rows += len(result.decisions)
            review += sum(d.needs_review for d in result.decisions)
            flagged += bool(result.page_reasons)
            bilevel += result.bilevel
            if INK_LOST in result.page_reasons:
                ink_lost.append(result.ref)
            remaining[result.ref.file_sha256] -= 1
            if remaining[result.ref.file_sha256] == 0:
                store.finish_file(result.ref.file_sha256)
            on_page()
    except KeyboardInterrupt:
        raise ScanInterrupted(outcome()) from None
    return outcome()


def scan_files(store: Store, ctx: ReadContext, files: Iterable[Path], workers: int) -> ScanOutcome:
    """Register and read ``files`` in one go."""
    return read_plan(store, ctx, register_files(store, files), workers)


@dataclass
class SettledFiles:
    """Tells which files in a folder a scanner has finished writing: unchanged since the last look."""

    last_seen: dict[Path, tuple[int, int]] = field(default_factory=dict)
    taken: set[tuple[Path, int, int]] = field(default_factory=set)

    def poll(self, files: Iterable[Path]) -> list[Path]:
        now: dict[Path, tuple[int, int]] = {}
        for path in files:
            try:
                stat = path.stat()
            except OSError:
                continue  # removed or renamed between listing and looking
            now[path] = (stat.st_size, stat.st_mtime_ns)
        ready = [
            p for p, sig in now.items() if sig[0] > 0 and self.last_seen.get(p) == sig and (p, *sig) not in self.taken
        ]
        self.taken.update((p, *now[p]) for p in ready)
        self.last_seen = now
        return sorted(ready)
