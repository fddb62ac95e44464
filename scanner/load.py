"""Find scan files and decode their pages, one page at a time.

This is the only module that decodes image files.  A stack is first listed as
:class:`ScanFile` records (path, content hash, kind, page count) without decoding
any pixels; each page is then decoded on its own by :func:`load_page`, so memory
does not grow with the size of the stack.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .errors import MissingToolError
from .model import PageImage, PageRef, Unreadable
from .settings import ReaderSettings

A4_LONG_SIDE_MM = 297.0
# What the image libraries raise on damaged input (Pillow raises TypeError for a TIFF cut short,
# struct.error for bad tags); caught only around decoding, and reported with the file and page.
# cv2.error: an image larger than OpenCV will hold (a small file that claims 40000 x 40000 pixels).
DECODE_ERRORS = (OSError, ValueError, TypeError, EOFError, SyntaxError, IndexError, struct.error, RuntimeError,
                 cv2.error, MemoryError)  # fmt: skip
SUFFIXES = {".pdf": "pdf", ".tif": "tiff", ".tiff": "tiff", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}
PDF_RENDER_DPI = 200  # pages of a PDF are rendered at this resolution before reading
PDF_TOOL_TIMEOUT_S = 120  # pdfimages on one page; a scanner's page takes well under a second
POPPLER_MISSING = "reading PDF scans needs poppler-utils: run 'make', or 'sudo apt-get install poppler-utils'"


@dataclass(frozen=True)
class ScanFile:
    path: str
    sha256: str
    size_bytes: int
    kind: str  # pdf, tiff, jpeg, png, or "" when not a recognised image
    page_count: int  # 0 when the file cannot be opened
    error: str = ""  # why the file cannot be read at all


def sniff_kind(head: bytes) -> str:
    """The file kind from its first bytes.

    >>> sniff_kind(b"%PDF-1.7"), sniff_kind(b"\\xff\\xd8\\xff\\xe0"), sniff_kind(b"II*\\x00")
    ('pdf', 'jpeg', 'tiff')
    """
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return ""


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Scan files under ``paths`` (folders recursively), sorted; and files skipped for their type."""
    found: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith("."):
                    continue
                (found if child.suffix.lower() in SUFFIXES else skipped).append(child)
        else:
            found.append(path)  # named explicitly: its content decides
    return found, skipped


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inspect_file(path: Path) -> ScanFile:
    """Hash the file and count its pages without decoding pixels."""
    try:
        size = path.stat().st_size
        sha = file_sha256(path)
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        return ScanFile(str(path), "", 0, "", 0, f"cannot read the file: {exc.strerror or exc}")
    kind = sniff_kind(head)
    if size == 0:
        return ScanFile(str(path), sha, 0, "", 0, "the file is empty")
    if not kind:
        return ScanFile(str(path), sha, size, "", 0, "not a PDF, TIFF, JPEG or PNG file")
    try:
        pages = _count_pages(path, kind)
    except DECODE_ERRORS as exc:
        return ScanFile(str(path), sha, size, kind, 0, f"cannot open the {kind.upper()} file: {exc}")
    if pages < 1:
        return ScanFile(str(path), sha, size, kind, 0, f"the {kind.upper()} file has no pages")
    return ScanFile(str(path), sha, size, kind, pages)


def _count_pages(path: Path, kind: str) -> int:
    if kind == "pdf":
        from pdf2image import pdfinfo_from_path
        from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError

        try:
            return int(pdfinfo_from_path(str(path))["Pages"])
        except PDFInfoNotInstalledError as exc:
            raise MissingToolError(POPPLER_MISSING) from exc
        except (PDFPageCountError, PDFSyntaxError, KeyError) as exc:
            raise ValueError(str(exc).strip().splitlines()[-1] if str(exc).strip() else "damaged PDF") from exc
    if kind == "tiff":
        from PIL import Image

        with Image.open(path) as image:
            return int(getattr(image, "n_frames", 1))
    return 1


def reduce_resolution(pixels: np.ndarray, settings: ReaderSettings) -> tuple[np.ndarray, float]:
    """The page at most ``settings.reduce_above_px_per_mm`` fine, and its estimated px/mm."""
    px_per_mm = max(pixels.shape) / A4_LONG_SIDE_MM
    if px_per_mm > settings.reduce_above_px_per_mm:
        scale = settings.working_px_per_mm / px_per_mm
        pixels = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        px_per_mm = max(pixels.shape) / A4_LONG_SIDE_MM
    return pixels, px_per_mm


def _decode_single(data: bytes, kind: str) -> np.ndarray | str:
    if kind == "jpeg" and b"\xff\xd9" not in data[-64:]:
        # libjpeg fills a truncated image with grey, which would read as ink
        return "the JPEG file is truncated (no end-of-image marker)"
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if pixels is None:
        return f"the {kind.upper()} file is damaged and cannot be decoded"
    if pixels.dtype == np.uint16:
        pixels = (pixels.astype(np.uint32) // 257).astype(np.uint8)
    return ink_view(pixels)


def ink_view(pixels: np.ndarray) -> np.ndarray:
    """One channel in which every ink is dark: grey pages as they are, colour pages by their darkest channel.

    Luminance would make red and green ink pale (red ballpoint is ~110 of 255 in luminance,
    but ~60 in its darkest channel); the darkest channel keeps any saturated ink dark, while
    paper of any light colour stays light.

    >>> ink_view(np.array([[[40, 40, 220]]], np.uint8))  # red ink, in OpenCV's BGR order
    array([[40]], dtype=uint8)
    """
    if pixels.ndim == 2:
        return pixels
    if pixels.shape[2] == 4:
        pixels = pixels[:, :, :3]
    if pixels.shape[2] == 1:
        return pixels[:, :, 0]
    return cv2.min(cv2.min(pixels[:, :, 0], pixels[:, :, 1]), pixels[:, :, 2])


def _line_gain(paper: np.ndarray, window: int, settings: ReaderSettings) -> np.ndarray:
    """Per line, the factor that lifts a line darker than its neighbours' paper back to it."""
    level = np.clip(paper, 1, 255).astype(np.uint8).reshape(1, -1)
    around = cv2.medianBlur(level, window).astype(np.float32).ravel()
    gain = around / level.astype(np.float32).ravel()
    gain[gain < settings.line_gain_min] = 1.0
    return np.minimum(gain, settings.line_gain_max)


def even_out_lines(pixels: np.ndarray, px_per_mm: float, settings: ReaderSettings) -> np.ndarray:
    """Remove the streak a dirty roller or sensor draws down a scan, and a crease across it.

    Such a line darkens the paper along a whole column (or row) of the image; a pen mark
    covers only a few millimetres of one.  Each column's paper level is a high percentile of
    the column; one darker than its neighbours' is scaled back up.  Rows likewise.
    """
    window = max(3, int(settings.line_window_mm * px_per_mm) | 1)
    if window > 255 or min(pixels.shape) <= window:  # medianBlur on 8-bit images stops at 255
        return pixels
    step = max(1, int(px_per_mm / 2))  # sample every half millimetre along the line
    columns = _line_gain(np.percentile(pixels[::step, :], settings.line_paper_percentile, axis=0), window, settings)
    rows = _line_gain(np.percentile(pixels[:, ::step], settings.line_paper_percentile, axis=1), window, settings)
    if np.all(columns == 1.0) and np.all(rows == 1.0):
        return pixels
    evened = pixels.astype(np.float32) * columns[None, :] * rows[:, None]
    return np.clip(evened, 0, 255).astype(np.uint8)


def looks_bilevel(pixels: np.ndarray, settings: ReaderSettings) -> bool:
    """Whether decoded grey pixels came from a 1-bit scan, whatever file now holds them.

    Two signs.  A 1-bit scan saved as 8-bit PNG or as JPEG keeps almost every pixel at black or
    white, give or take the file's ringing.  Resized, or drawn into a PDF and rendered, it gains
    grey pixels, but only on the edges between black and white: every grey pixel has both
    within a pixel or two.  A grey scan has grey ink, shadows and sensor noise away from any edge.

    >>> settings = ReaderSettings()
    >>> page = np.full((300, 200), 255, np.uint8); page[100:120] = 3
    >>> looks_bilevel(page, settings), looks_bilevel(page // 2 + 60, settings)
    (True, False)
    >>> looks_bilevel(cv2.resize(page, None, fx=0.7, fy=0.7, interpolation=cv2.INTER_AREA), settings)
    True
    """
    sample = pixels[::2, ::2]
    near = settings.bilevel_extreme_levels
    black, white = sample <= near, sample >= 255 - near
    others = ~(black | white)
    share = float(others.mean())
    if share <= settings.bilevel_other_share:
        return True
    if share > settings.bilevel_edge_other_share:
        return False
    # the second sign at full resolution: grey only where black meets white
    dark, light = pixels <= 40, pixels >= 215
    grey = ~(dark | light)
    reach = np.ones((2 * settings.bilevel_edge_px + 1,) * 2, np.uint8)
    on_edge = cv2.dilate(dark.astype(np.uint8), reach).astype(bool) & cv2.dilate(light.astype(np.uint8), reach).astype(
        bool
    )
    away = float((grey & ~on_edge).sum()) / max(int(grey.sum()), 1)
    return away <= settings.bilevel_grey_away_share


def _decode_tiff_frame(path: Path, index: int) -> tuple[np.ndarray, bool]:
    """The frame as one ink channel, and whether the file stores it at one bit a pixel."""
    from PIL import Image

    with Image.open(path) as image:
        image.seek(index)
        one_bit = image.mode == "1"
        frame = image.convert("L") if image.mode in ("1", "L", "LA", "I;16", "I") else image.convert("RGB")
        frame.load()
        return ink_view(np.asarray(frame)), one_bit


def _poppler(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    tool = shutil.which(args[0])
    if tool is None:
        raise MissingToolError(POPPLER_MISSING)
    return subprocess.run([tool, *args[1:]], capture_output=True, timeout=PDF_TOOL_TIMEOUT_S, check=False)


def _pdf_page_bits(path: Path, index: int) -> tuple[int, ...]:
    """Bits per component of every image drawn on the PDF page (poppler's ``pdfimages -list``).

    A scanner's black-and-white PDF mode stores 1-bit images; rendering the page blurs their
    edges into grey, so the file's own word is taken.  Empty when the page has no images.
    """
    page = str(index + 1)
    listing = _poppler(["pdfimages", "-f", page, "-l", page, "-list", str(path)])
    bits = []
    for line in listing.stdout.decode("utf-8", "replace").splitlines()[2:]:
        fields = line.split()
        if len(fields) >= 8 and fields[2] in ("image", "stencil") and fields[7].isdigit():
            bits.append(int(fields[7]))
    return tuple(bits)


def _render_pdf_page(path: Path, index: int) -> np.ndarray:
    from pdf2image import convert_from_path

    images = convert_from_path(str(path), dpi=PDF_RENDER_DPI, first_page=index + 1, last_page=index + 1)
    if not images:
        raise ValueError("poppler rendered no image")
    return ink_view(np.asarray(images[0].convert("RGB")))


def _decode_pdf_page(path: Path, index: int) -> tuple[np.ndarray, bool]:
    """The page as drawn (all its content, clipped as printed), and whether its images are all 1-bit."""
    bits = _pdf_page_bits(path, index)
    return _render_pdf_page(path, index), bool(bits) and all(b == 1 for b in bits)


def load_page(ref: PageRef, kind: str, settings: ReaderSettings) -> tuple[PageImage, bytes] | Unreadable:
    """Decode one page as grayscale, reduced when finer than the settings allow.

    Returns the page and, for single-image JPEG and PNG files, the file's own bytes
    (kept as the page's stored image); otherwise empty bytes.
    """
    path = Path(ref.path)
    original = b""
    one_bit = False  # the file itself says the page has one bit a pixel
    try:
        if kind in ("jpeg", "png"):
            original = path.read_bytes()
            decoded = _decode_single(original, kind)
            if isinstance(decoded, str):
                return Unreadable("unreadable_file", decoded)
            pixels = decoded
        elif kind == "tiff":
            pixels, one_bit = _decode_tiff_frame(path, ref.page_index)
        elif kind == "pdf":
            pixels, one_bit = _decode_pdf_page(path, ref.page_index)
        else:
            return Unreadable("unreadable_file", "not a PDF, TIFF, JPEG or PNG file")
    except subprocess.TimeoutExpired:
        return Unreadable("unreadable_file", f"page {ref.page_index + 1} took too long to read from the PDF")
    except DECODE_ERRORS as exc:
        return Unreadable("unreadable_file", f"page {ref.page_index + 1} cannot be decoded: {exc}")
    except Exception as exc:  # pdf2image wraps poppler failures in several exception types
        if exc.__class__.__name__ == "PDFInfoNotInstalledError":
            raise MissingToolError(POPPLER_MISSING) from exc
        if exc.__class__.__module__.startswith("pdf2image"):
            return Unreadable("unreadable_file", f"page {ref.page_index + 1} cannot be rendered: {exc}")
        raise
    page = prepare_page(ref, pixels, settings, one_bit)
    if isinstance(page, Unreadable):
        return page
    if page.pixels is not pixels:
        original = b""  # the stored image must be the one that was read
    return page, original


def prepare_page(
    ref: PageRef, pixels: np.ndarray, settings: ReaderSettings, one_bit: bool = False
) -> PageImage | Unreadable:
    """Decoded grey pixels made ready to read: size checked, bit depth judged, reduced, streaks evened out.

    ``one_bit`` says the file stored the page at one bit a pixel; otherwise the pixels decide.
    """
    if min(pixels.shape) < 200:
        return Unreadable("too_small", f"the image is only {pixels.shape[1]}x{pixels.shape[0]} pixels")
    bilevel = one_bit or looks_bilevel(pixels, settings)
    reduced, px_per_mm = reduce_resolution(np.ascontiguousarray(pixels), settings)
    if not bilevel:
        reduced = even_out_lines(reduced, px_per_mm, settings)
    return PageImage(ref, reduced, px_per_mm, bilevel)


def load_stored_page(
    ref: PageRef, media_type: str, data: bytes, settings: ReaderSettings, one_bit: bool = False
) -> PageImage | Unreadable:
    """A page from the image the store kept of it (PNG or JPEG), prepared as :func:`load_page` does.

    ``one_bit``: the page was judged a 1-bit scan when first read (the stored image may not show it).
    """
    kind = {"image/png": "png", "image/jpeg": "jpeg"}.get(media_type)
    if kind is None:
        return Unreadable("unreadable_file", f"the stored image is {media_type!r}, not PNG or JPEG")
    decoded = _decode_single(data, kind)
    if isinstance(decoded, str):
        return Unreadable("unreadable_file", decoded)
    return prepare_page(ref, decoded, settings, one_bit)
