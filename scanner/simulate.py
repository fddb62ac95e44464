"""Fill simulated ballots with seeded random votes and write them as scans, with the truth.

Used by the tests, the committed samples, the demo and the benchmarks.  Marks are
drawn as hand-like strokes (crosses, ticks, filled boxes) in a few pens; scans get
skew, offsets, upside-down or sideways feeds, mild perspective, blur, noise and
compression at the chosen resolution.
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

from .ballotpdf import render_pdf
from .model import BallotTemplate, Rect

FORMATS = ("jpeg", "png", "tiff", "tiff-g4", "pdf")
MULTI_PAGE = {"tiff", "tiff-g4", "pdf"}
SUFFIX = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "tiff-g4": ".tif", "pdf": ".pdf"}
PENS = {"black": 35, "blue": 95, "dark-blue": 70}  # grey level each ink takes in a grayscale scan
MARKS = ("cross", "tick", "fill")


@dataclass(frozen=True)
class SimOptions:
    ballots: int = 100
    seed: int = 0
    formats: tuple[str, ...] = ("jpeg",)  # cycled per output file
    dpis: tuple[int, ...] = (200,)  # cycled per ballot
    sheets_per_file: int = 25  # for multi-page formats
    skew_deg: float = 3.0  # uniform in +- this
    upside_down: float = 0.1  # share of sheets fed upside-down
    sideways: float = 0.0  # share fed turned 90 or 270 degrees
    blank_rate: float = 0.02  # rows left blank
    multi_rate: float = 0.01  # rows with two marks (must go to review)
    noise: float = 4.0  # grey levels, standard deviation
    jpeg_quality: tuple[int, int] = (80, 95)
    level_weights: tuple[float, ...] = ()  # default: decreasing, e.g. 0.55/0.33/0.12 for three levels


@dataclass(frozen=True)
class SheetTruth:
    file: str  # relative to the output folder
    page_index: int
    page_number: int
    orientation: int
    dpi: int


@dataclass(frozen=True)
class RowTruth:
    official_index: int
    stt: int
    intended: str  # "level", "blank" or "multi"
    level: int | None
    kind: str  # "clear", "blank" or "multi"; multi rows must go to review
    marks: tuple[int, ...] = ()


@dataclass(frozen=True)
class BallotTruth:
    ballot: int
    rows: tuple[RowTruth, ...]
    sheets: tuple[SheetTruth, ...] = field(default=())


# -- marks ---------------------------------------------------------------------------------------


def _stroke(img: np.ndarray, points: np.ndarray, ink: int, width: float, rng: np.random.Generator) -> None:
    """A pen stroke through ``points`` (px), with a wobble and a width that varies along it."""
    dense = []
    for a, b in zip(points[:-1], points[1:], strict=True):
        steps = max(int(np.hypot(*(b - a)) / 2), 2)
        dense.append(np.linspace(a, b, steps, endpoint=False))
    dense.append(points[-1:])
    path = np.vstack(dense)
    path = path + rng.normal(0, width * 0.15, path.shape).cumsum(axis=0) * 0.3
    for p, q in zip(path[:-1], path[1:], strict=True):
        w = max(1, int(round(width * rng.uniform(0.8, 1.15))))
        cv2.line(img, tuple(np.round(p * 4).astype(int)), tuple(np.round(q * 4).astype(int)), ink, w, cv2.LINE_AA, 2)


def draw_mark(img: np.ndarray, box: Rect, px_per_mm: float, kind: str, ink: int, rng: np.random.Generator) -> None:
    """Draw a hand-like mark of ``kind`` in ``box``."""
    s = px_per_mm
    x, y, w, h = box.x_mm * s, box.y_mm * s, box.w_mm * s, box.h_mm * s
    size = rng.uniform(0.6, 1.0)
    cx, cy = x + w / 2 + rng.normal(0, w * 0.04), y + h / 2 + rng.normal(0, h * 0.04)
    half = w * size / 2
    width = s * rng.uniform(0.35, 0.6)  # a 0.35-0.6 mm pen
    if kind == "cross":
        j = lambda: rng.normal(0, half * 0.08)  # noqa: E731
        _stroke(
            img, np.array([[cx - half + j(), cy - half + j()], [cx + half + j(), cy + half + j()]]), ink, width, rng
        )
        _stroke(
            img, np.array([[cx + half + j(), cy - half + j()], [cx - half + j(), cy + half + j()]]), ink, width, rng
        )
    elif kind == "tick":
        pts = np.array([[cx - half, cy], [cx - half * 0.3, cy + half * 0.8], [cx + half * 1.1, cy - half * 1.0]])
        _stroke(img, pts + rng.normal(0, half * 0.06, pts.shape), ink, width, rng)
    elif kind == "fill":
        top, bottom = cy - half * 0.9, cy + half * 0.9
        rows = np.linspace(top, bottom, int((bottom - top) / max(width * 0.8, 1)) + 2)
        pts = np.array([[cx - half * 0.9 if i % 2 == 0 else cx + half * 0.9, r] for i, r in enumerate(rows)])
        _stroke(img, pts, ink, width * 1.3, rng)
    else:
        raise ValueError(f"unknown mark {kind!r}")


# -- scanner effects -----------------------------------------------------------------------------


def scan_effects(
    page: np.ndarray,
    px_per_mm: float,
    orientation: int,
    opts: SimOptions,
    rng: np.random.Generator,
    angle_deg: float | None = None,
) -> np.ndarray:
    """Place the page on a slightly larger scanner bed: skew, offset, perspective, feed, blur, noise.

    The skew is drawn within ``opts.skew_deg`` unless ``angle_deg`` fixes it.
    """
    h, w = page.shape
    widest = max(opts.skew_deg, abs(angle_deg or 0.0))
    margin = int(round(6 * px_per_mm + max(h, w) * np.sin(np.radians(widest)) / 2))
    out_w, out_h = w + 2 * margin, h + 2 * margin
    drawn = rng.uniform(-opts.skew_deg, opts.skew_deg)
    angle = np.radians(drawn if angle_deg is None else angle_deg)
    shift = rng.uniform(-3, 3, 2) * px_per_mm
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    centre = np.array([w / 2, h / 2])
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = (corners - centre) @ rot.T + np.array([out_w / 2, out_h / 2]) + shift
    moved += rng.normal(0, 0.4 * px_per_mm, moved.shape)  # mild perspective: corners off by ~0.4 mm
    matrix = cv2.getPerspectiveTransform(corners, moved.astype(np.float32))
    bed = cv2.warpPerspective(page, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=(246,))
    if orientation:
        bed = cv2.rotate(
            bed, {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}[orientation]
        )
    bed = cv2.GaussianBlur(bed, (0, 0), rng.uniform(0.4, 0.9))
    noisy = bed.astype(np.float32) + np.asarray(rng.normal(0, opts.noise, bed.shape), np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


# -- writing -------------------------------------------------------------------------------------


def _encode_single(img: np.ndarray, fmt: str, quality: int) -> bytes:
    if fmt == "jpeg":
        ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    else:
        ok, data = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:
        raise RuntimeError(f"could not encode a {fmt} image")
    return data.tobytes()


def _to_bilevel(img: np.ndarray) -> Image.Image:
    _, binary = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return Image.fromarray(binary).convert("1")


def _write_multi(path: Path, images: list[tuple[np.ndarray, int, int]], fmt: str) -> None:
    if fmt == "tiff-g4":
        pil = [_to_bilevel(i) for i, _, _ in images]
        pil[0].save(path, save_all=True, append_images=pil[1:], compression="group4", dpi=(images[0][1],) * 2)
    elif fmt == "tiff":
        pil = [Image.fromarray(i) for i, _, _ in images]
        pil[0].save(path, save_all=True, append_images=pil[1:], compression="tiff_lzw", dpi=(images[0][1],) * 2)
    else:  # scanner-style PDF: each page one JPEG image
        pil = [Image.open(io.BytesIO(_encode_single(i, "jpeg", q))) for i, _, q in images]
        pil[0].save(path, save_all=True, append_images=pil[1:], resolution=float(images[0][1]))


# -- the run -------------------------------------------------------------------------------------


def render_pages(template: BallotTemplate, dpi: int) -> list[np.ndarray]:
    """The template's pages as grayscale images at ``dpi``, as the printer would put them on paper."""
    from pdf2image import convert_from_bytes

    return [np.array(p.convert("L")) for p in convert_from_bytes(render_pdf(template), dpi=dpi, grayscale=True)]


def _choose_rows(template: BallotTemplate, opts: SimOptions, rng: np.random.Generator) -> tuple[RowTruth, ...]:
    levels = len(template.levels)
    weights = np.array(opts.level_weights or [0.6**k for k in range(levels)], float)
    weights /= weights.sum()
    rows = []
    for i, official in enumerate(template.officials):
        u = rng.random()
        if u < opts.blank_rate:
            rows.append(RowTruth(i, official.stt, "blank", None, "blank"))
        elif u < opts.blank_rate + opts.multi_rate:
            marks = tuple(sorted(int(k) for k in rng.choice(levels, 2, replace=False)))
            rows.append(RowTruth(i, official.stt, "multi", None, "multi", marks))
        else:
            level = int(rng.choice(levels, p=weights))
            rows.append(RowTruth(i, official.stt, "level", level, "clear", (level,)))
    return tuple(rows)


def simulate(template: BallotTemplate, out: Path, opts: SimOptions) -> Iterator[BallotTruth]:
    """Write ``opts.ballots`` simulated ballots as scans under ``out``; yields each ballot's truth when written."""
    rng = np.random.default_rng(opts.seed)
    out.mkdir(parents=True, exist_ok=True)
    base = {dpi: render_pages(template, dpi) for dpi in sorted(set(opts.dpis))}
    pending: list[tuple[np.ndarray, int, int]] = []
    pending_ballots: list[BallotTruth] = []
    file_number = 0
    fmt_index = 0

    def flush() -> Iterator[BallotTruth]:
        nonlocal file_number, fmt_index, pending, pending_ballots
        if pending:
            fmt = opts.formats[fmt_index % len(opts.formats)]
            name = f"stack-{file_number:04d}{SUFFIX[fmt]}"
            _write_multi(out / name, pending, fmt)
            file_number += 1
            fmt_index += 1
            for b in pending_ballots:
                named = tuple(SheetTruth(name, t.page_index, t.page_number, t.orientation, t.dpi) for t in b.sheets)
                yield BallotTruth(b.ballot, b.rows, named)
        pending, pending_ballots = [], []

    for ballot in range(opts.ballots):
        dpi = opts.dpis[ballot % len(opts.dpis)]
        s = dpi / 25.4
        rows = _choose_rows(template, opts, rng)
        sheets: list[SheetTruth] = []
        fmt = opts.formats[fmt_index % len(opts.formats)]
        for page in template.pages:
            img = base[dpi][page.number - 1].copy()
            for row in page.rows:
                truth = rows[row.official_index]
                pen = PENS[str(rng.choice(list(PENS)))]
                kind = str(rng.choice(MARKS, p=[0.55, 0.3, 0.15]))
                for level in truth.marks:
                    draw_mark(img, row.boxes[level], s, kind, pen, rng)
            u = rng.random()
            orientation = (
                180
                if u < opts.upside_down
                else (int(rng.choice([90, 270])) if u < opts.upside_down + opts.sideways else 0)
            )
            scanned = scan_effects(img, s, orientation, opts, rng)
            quality = int(rng.integers(opts.jpeg_quality[0], opts.jpeg_quality[1] + 1))
            if fmt in MULTI_PAGE:
                sheets.append(SheetTruth("", len(pending), page.number, orientation, dpi))
                pending.append((scanned, dpi, quality))
            else:
                name = f"ballot-{ballot + 1:04d}-p{page.number}{SUFFIX[fmt]}"
                (out / name).write_bytes(_encode_single(scanned, fmt, quality))
                sheets.append(SheetTruth(name, 0, page.number, orientation, dpi))
        if fmt in MULTI_PAGE:
            pending_ballots.append(BallotTruth(ballot, rows, tuple(sheets)))
            if len(pending) >= opts.sheets_per_file:
                yield from flush()
        else:
            fmt_index += 1 if len(opts.formats) > 1 else 0
            yield BallotTruth(ballot, rows, tuple(sheets))
    yield from flush()


def truth_document(template: BallotTemplate, opts: SimOptions, ballots: list[BallotTruth]) -> str:
    data = {
        "template": template.fingerprint,
        "options": asdict(opts),
        "ballots": [asdict(b) for b in ballots],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
