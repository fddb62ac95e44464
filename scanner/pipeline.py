"""One page from file to decisions, and the pool that runs pages in parallel."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import cv2

from .align import align_page
from .classify import classify_page, page_reasons
from .load import load_page, load_stored_page
from .model import BallotTemplate, PageImage, PageRef, PageResult, Unreadable
from .pageink import measure_page_ink
from .score import canonical_page, score_canonical
from .settings import DEFAULT_READER, DEFAULT_THRESHOLDS, ReaderSettings, Thresholds

MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}
T = TypeVar("T")


@dataclass(frozen=True)
class ReadContext:
    templates: tuple[BallotTemplate, ...]
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    reader: ReaderSettings = DEFAULT_READER


def read_page(task: tuple[PageRef, str], ctx: ReadContext) -> PageResult:
    """Load, align, score and classify one page; never raises for a bad page."""
    ref, kind = task
    started = time.perf_counter()
    loaded = load_page(ref, kind, ctx.reader)
    if isinstance(loaded, Unreadable):
        return PageResult(ref, "unusable", loaded.reason, loaded.detail, seconds=time.perf_counter() - started)
    page, original = loaded
    if original:
        media_type, image = MEDIA_TYPES[kind], original
    else:
        ok, encoded = cv2.imencode(".png", page.pixels, [cv2.IMWRITE_PNG_COMPRESSION, 3])
        if not ok:
            raise RuntimeError(f"could not encode page {ref.page_index + 1} of {ref.path} as PNG")
        media_type, image = "image/png", encoded.tobytes()
    return _read_prepared(page, ctx, media_type, image, started)


def read_stored_page(task: tuple[PageRef, str, bytes, bool], ctx: ReadContext) -> PageResult:
    """Read a page again from the image the store kept of it (for recount); the result carries no image.

    The task's last item says the page was first read as a 1-bit scan (its stored image may not show it).
    """
    ref, media_type, data, bilevel = task
    started = time.perf_counter()
    page = load_stored_page(ref, media_type, data, ctx.reader, bilevel)
    if isinstance(page, Unreadable):
        return PageResult(ref, "unusable", page.reason, page.detail, seconds=time.perf_counter() - started)
    return _read_prepared(page, ctx, "", b"", started)


def _read_prepared(page: PageImage, ctx: ReadContext, media_type: str, image: bytes, started: float) -> PageResult:
    ref = page.ref
    alignment = align_page(page, ctx.templates, ctx.thresholds, ctx.reader)
    if isinstance(alignment, Unreadable):
        return PageResult(
            ref,
            "unusable",
            alignment.reason,
            alignment.detail,
            image_media_type=media_type,
            image_bytes=image,
            seconds=time.perf_counter() - started,
        )
    canon = canonical_page(page, alignment, ctx.reader)
    scores = score_canonical(canon, alignment, ctx.reader)
    ink = measure_page_ink(canon, alignment, ctx.reader)
    decisions = classify_page(scores, ctx.thresholds, page.bilevel, ink.rule_gaps, ink.streak_levels)
    reasons = page_reasons(ink, alignment.code_read, ctx.thresholds, decisions)
    return PageResult(
        ref,
        "read",
        template_fingerprint=alignment.template.fingerprint,
        page_number=alignment.page_number,
        orientation=int(alignment.orientation),
        fit_error_mm=round(alignment.fit_error_mm, 3),
        scores=scores,
        decisions=decisions,
        bilevel=page.bilevel,
        marks_used=alignment.marks_used,
        page_reasons=reasons,
        strike_mm=max(ink.strike_mm, ink.gap_line_mm),
        margin_ink_mm2=ink.margin_ink_mm2,
        homography=tuple(float(v) for v in alignment.homography.ravel()),
        image_media_type=media_type,
        image_bytes=image,
        seconds=time.perf_counter() - started,
    )


def _init_worker() -> None:
    cv2.setNumThreads(1)  # one page per process; OpenCV's own threads would only compete


def read_pages(tasks: Iterable[tuple[PageRef, str]], ctx: ReadContext, workers: int) -> Iterator[PageResult]:
    """Read pages, in parallel when ``workers`` > 1; results come in completion order."""
    return _in_pool(read_page, tasks, ctx, workers, ordered=False)


def reread_stored_pages(
    tasks: Iterable[tuple[PageRef, str, bytes, bool]], ctx: ReadContext, workers: int
) -> Iterator[PageResult]:
    """Read stored page images again, in parallel when ``workers`` > 1; results in the order given."""
    return _in_pool(read_stored_page, tasks, ctx, workers, ordered=True)


def _in_pool(
    read: Callable[..., PageResult], tasks: Iterable[T], ctx: ReadContext, workers: int, ordered: bool
) -> Iterator[PageResult]:
    if workers <= 1:
        for task in tasks:
            yield read(task, ctx)
        return
    # spawn: a fresh interpreter per worker, safe whatever threads the parent has started
    pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_init_worker)
    try:
        mapper = pool.imap if ordered else pool.imap_unordered
        yield from mapper(partial(read, ctx=ctx), tasks, chunksize=2)
        pool.close()
    finally:
        pool.terminate()
        pool.join()
