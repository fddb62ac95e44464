"""Fill simulated ballots with seeded random votes and write them as scans, with the truth.

Used by the tests, the committed samples, the demo and the benchmarks.  Marks come from
:mod:`scanner.marks` (pens, clear and doubtful marks, corrections, struck-out names,
margin writing); scans from a profile of :mod:`scanner.scanfx` (scanner, copier, phone).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from . import marks
from .ballotpdf import render_pdf
from .model import BallotTemplate, Rect
from .scanfx import PROFILES, ScanProfile, apply_profile

FORMATS = ("jpeg", "png", "tiff", "tiff-g4", "pdf")
MULTI_PAGE = {"tiff", "tiff-g4", "pdf"}
SUFFIX = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "tiff-g4": ".tif", "pdf": ".pdf"}


@dataclass(frozen=True)
class SimOptions:
    ballots: int = 100
    seed: int = 0
    profile: ScanProfile = PROFILES["scanner-gray"]
    sheets_per_file: int = 25  # for multi-page formats
    blank_rate: float = 0.02  # rows left blank
    multi_rate: float = 0.01  # rows with two clear marks (must go to review)
    doubtful_rate: float = 0.0  # rows with a dot, a faint stroke, an erasure or a mark outside the box
    correction_rate: float = 0.0  # rows with one box scribbled over and another marked
    struck_name_rate: float = 0.0  # sheets with a printed name struck out (the ballot is invalid)
    margin_writing_rate: float = 0.0  # sheets with writing in the margin
    pens: tuple[str, ...] = ("black-ballpoint", "blue-ballpoint")
    marks: tuple[str, ...] = ("cross", "tick", "fill")
    level_weights: tuple[float, ...] = ()  # default: decreasing, e.g. 0.55/0.33/0.12 for three levels


REALISTIC = {
    "doubtful_rate": 0.03,
    "correction_rate": 0.02,
    "struck_name_rate": 0.03,
    "margin_writing_rate": 0.03,
    "pens": tuple(marks.PENS),
    "marks": marks.CLEAR_MARKS,
}


@dataclass(frozen=True)
class SheetTruth:
    file: str  # relative to the output folder
    page_index: int
    page_number: int
    orientation: int
    dpi: int
    profile: str = ""
    struck_name: bool = False  # the page must be flagged
    margin_writing: bool = False
    pen: str = ""  # the voter's pen for this sheet


@dataclass(frozen=True)
class RowTruth:
    official_index: int
    stt: int
    intended: str  # "level", "blank" or "multi": what a careful reviewer would record
    level: int | None
    kind: str  # "clear", "blank", "multi", "doubtful" or "correction"; all but clear and blank need review
    marks: tuple[int, ...] = ()  # levels whose box holds a clear mark
    drawn: tuple[str, ...] = ()  # what was drawn, for people reading the truth file


@dataclass(frozen=True)
class BallotTruth:
    ballot: int
    rows: tuple[RowTruth, ...]
    sheets: tuple[SheetTruth, ...] = field(default=())


def _encode_single(img: np.ndarray, fmt: str, quality: int) -> bytes:
    if fmt == "jpeg":
        ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    else:
        ok, data = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:
        raise RuntimeError(f"could not encode a {fmt} image")
    return data.tobytes()


def _pil(img: np.ndarray) -> Image.Image:
    return Image.fromarray(img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2RGB))


def _write_multi(path: Path, images: list[tuple[np.ndarray, int, int]], fmt: str) -> None:
    if fmt == "tiff-g4":
        pil = [
            Image.fromarray(
                i if i.ndim == 2 and set(np.unique(i)) <= {0, 255} else _otsu(i)
            ).convert("1")
            for i, _, _ in images
        ]  # fmt: skip
        pil[0].save(path, save_all=True, append_images=pil[1:], compression="group4", dpi=(images[0][1],) * 2)
    elif fmt == "tiff":
        pil = [_pil(i) for i, _, _ in images]
        pil[0].save(path, save_all=True, append_images=pil[1:], compression="tiff_lzw", dpi=(images[0][1],) * 2)
    else:  # scanner-style PDF: each page one JPEG image
        pil = [Image.open(io.BytesIO(_encode_single(i, "jpeg", q))) for i, _, q in images]
        pil[0].save(path, save_all=True, append_images=pil[1:], resolution=float(images[0][1]))


def _otsu(img: np.ndarray) -> np.ndarray:
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    return cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]


def render_pages(template: BallotTemplate, dpi: int) -> list[np.ndarray]:
    """The template's pages as BGR images at ``dpi``, as the printer would put them on white paper."""
    from pdf2image import convert_from_bytes

    pages = convert_from_bytes(render_pdf(template), dpi=dpi, grayscale=True)
    return [cv2.cvtColor(np.array(p.convert("L")), cv2.COLOR_GRAY2BGR) for p in pages]


def _choose_rows(template: BallotTemplate, opts: SimOptions, rng: np.random.Generator) -> tuple[RowTruth, ...]:
    levels = len(template.levels)
    weights = np.array(opts.level_weights or [0.6**k for k in range(levels)], float)
    weights /= weights.sum()
    cuts = np.cumsum([opts.blank_rate, opts.multi_rate, opts.doubtful_rate, opts.correction_rate])
    rows = []
    for i, official in enumerate(template.officials):
        u = rng.random()
        level = int(rng.choice(levels, p=weights))
        other = int(rng.choice([k for k in range(levels) if k != level]))
        mark = str(rng.choice(opts.marks))
        if u < cuts[0]:
            rows.append(RowTruth(i, official.stt, "blank", None, "blank"))
        elif u < cuts[1]:
            pair = tuple(sorted((level, other)))
            rows.append(RowTruth(i, official.stt, "multi", None, "multi", pair, (mark, mark)))
        elif u < cuts[2]:
            doubt = str(rng.choice((*marks.DOUBTFUL_MARKS, "erased-alone")))
            if doubt == "erased":  # changed mind: one box erased, another marked
                rows.append(RowTruth(i, official.stt, "level", level, "doubtful", (level,), (mark, f"erased@{other}")))
            elif doubt == "erased-alone":  # a mark rubbed out and nothing drawn instead: the row is blank
                rows.append(RowTruth(i, official.stt, "blank", None, "doubtful", (), (f"erased@{level}",)))
            else:
                rows.append(RowTruth(i, official.stt, "level", level, "doubtful", (), (f"{doubt}@{level}",)))
        elif u < cuts[3]:
            rows.append(RowTruth(i, official.stt, "level", level, "correction", (level,), (mark, f"scribble@{other}")))
        else:
            rows.append(RowTruth(i, official.stt, "level", level, "clear", (level,), (mark,)))
    return tuple(rows)


def _draw_row(ink: marks.Ink, boxes: tuple[Rect, ...], truth: RowTruth, pen: marks.Pen) -> None:
    clear = [d for d in truth.drawn if "@" not in d]
    for level, kind in zip(truth.marks, clear * len(truth.marks), strict=False):
        marks.draw(ink, boxes[level], kind, pen)
    for extra in (d for d in truth.drawn if "@" in d):
        kind, where = extra.split("@")
        if kind == "scribble":
            marks.scribble_over(ink, boxes[int(where)], pen)
        else:
            marks.draw(ink, boxes[int(where)], kind, pen)


def _feed(profile: ScanProfile, rng: np.random.Generator) -> int:
    """How the sheet went into the scanner: degrees turned clockwise."""
    u = rng.random()
    if u < profile.upside_down:
        return 180
    if u < profile.upside_down + profile.sideways:
        return int(rng.choice([90, 270]))
    return 0


def simulate(template: BallotTemplate, out: Path, opts: SimOptions) -> Iterator[BallotTruth]:
    """Write ``opts.ballots`` simulated ballots as scans under ``out``; yields each ballot's truth when written."""
    rng = np.random.default_rng(opts.seed)
    profile = opts.profile
    out.mkdir(parents=True, exist_ok=True)
    base = {dpi: render_pages(template, dpi) for dpi in sorted(set(profile.dpis))}
    pending: list[tuple[np.ndarray, int, int]] = []
    pending_ballots: list[BallotTruth] = []
    file_number = fmt_index = 0

    def flush() -> Iterator[BallotTruth]:
        nonlocal file_number, fmt_index, pending, pending_ballots
        if pending:
            fmt = profile.formats[fmt_index % len(profile.formats)]
            name = f"stack-{file_number:04d}{SUFFIX[fmt]}"
            _write_multi(out / name, pending, fmt)
            file_number += 1
            fmt_index += 1
            for b in pending_ballots:
                named = tuple(
                    SheetTruth(name, t.page_index, t.page_number, t.orientation, t.dpi, t.profile, t.struck_name,
                               t.margin_writing, t.pen)
                    for t in b.sheets
                )  # fmt: skip
                yield BallotTruth(b.ballot, b.rows, named)
        pending, pending_ballots = [], []

    for ballot in range(opts.ballots):
        dpi = profile.dpis[ballot % len(profile.dpis)]
        s = dpi / 25.4
        rows = _choose_rows(template, opts, rng)
        sheets: list[SheetTruth] = []
        fmt = profile.formats[fmt_index % len(profile.formats)]
        for page in template.pages:
            paper = np.array(profile.papers[int(rng.integers(len(profile.papers)))], np.float32)
            img = (base[dpi][page.number - 1].astype(np.float32) * paper / 255.0).astype(np.uint8)
            ink = marks.Ink(img, s, rng)
            pen = marks.PENS[str(rng.choice(opts.pens))]  # one voter, one pen
            for row in page.rows:
                _draw_row(ink, row.boxes, rows[row.official_index], pen)
            struck = bool(rng.random() < opts.struck_name_rate)
            if struck:
                marks.strike_out(ink, page.rows[int(rng.integers(len(page.rows)))].name_rect, pen)
            margin = bool(rng.random() < opts.margin_writing_rate)
            if margin:
                last = page.rows[-1].name_rect
                marks.margin_writing(ink, last.x_mm, min(last.y_mm + last.h_mm + 6, 262), pen)
            orientation = _feed(profile, rng)
            scanned = apply_profile(img, s, profile, orientation, rng)
            quality = int(rng.integers(profile.jpeg_quality[0], profile.jpeg_quality[1] + 1))
            truth = SheetTruth("", 0, page.number, orientation, dpi, profile.name, struck, margin, pen.name)
            if fmt in MULTI_PAGE:
                sheets.append(SheetTruth(**{**asdict(truth), "page_index": len(pending)}))
                pending.append((scanned, dpi, quality))
            else:
                name = f"ballot-{ballot + 1:04d}-p{page.number}{SUFFIX[fmt]}"
                (out / name).write_bytes(_encode_single(scanned, fmt, quality))
                sheets.append(SheetTruth(**{**asdict(truth), "file": name}))
        if fmt in MULTI_PAGE:
            pending_ballots.append(BallotTruth(ballot, rows, tuple(sheets)))
            if len(pending) >= opts.sheets_per_file:
                yield from flush()
        else:
            fmt_index += 1 if len(profile.formats) > 1 else 0
            yield BallotTruth(ballot, rows, tuple(sheets))
    yield from flush()


def truth_document(template: BallotTemplate, opts: SimOptions, ballots: list[BallotTruth]) -> str:
    data = {
        "template": template.fingerprint,
        "options": asdict(opts),
        "ballots": [asdict(b) for b in ballots],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
