"""The files a scanner writes.

Single-page: ``jpeg`` (grey), ``jpeg-colour`` (phone), ``png`` (grey), ``png-bilevel`` (8-bit PNG
holding only 0 and 255), ``jpeg-bilevel`` (a 1-bit scan saved as JPEG: values near 0 and 255
with ringing).  Multi-page, 10-25 sheets a file: ``pdf-jpeg`` (each page one embedded JPEG, as
scanners write), ``pdf-1bit`` (each page a 1-bit CCITT image), ``tiff-g4``.  Everything is
written with fixed metadata so the same pages give the same bytes.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
from PIL import Image

SUFFIX = {
    "jpeg": ".jpg",
    "jpeg-colour": ".jpg",
    "png": ".png",
    "png-bilevel": ".png",
    "jpeg-bilevel": ".jpg",
    "pdf-jpeg": ".pdf",
    "pdf-1bit": ".pdf",
    "tiff-g4": ".tif",
}
MULTI_PAGE = {"pdf-jpeg", "pdf-1bit", "tiff-g4"}
BILEVEL = {"png-bilevel", "jpeg-bilevel", "pdf-1bit", "tiff-g4"}
FIXED_DATE = time.gmtime(946684800)  # 2000-01-01, so that PDFs are byte-for-byte repeatable


def pil_image(img: np.ndarray, mode: str) -> Image.Image:
    """A Pillow image of a scan: "1" from a bool array with True = black."""
    if mode == "1":
        return Image.fromarray(~img).convert("1") if img.dtype == bool else Image.fromarray(img).convert("1")
    return Image.fromarray(img, mode)


def encode_single(img: np.ndarray, mode: str, container: str, dpi: int, quality: int) -> bytes:
    """One page as the bytes of a single-page file."""
    buf = io.BytesIO()
    if container == "png-bilevel":
        Image.fromarray(np.where(img, 0, 255).astype(np.uint8), "L").save(buf, "PNG", dpi=(dpi, dpi))
    elif container == "jpeg-bilevel":
        grey = Image.fromarray(np.where(img, 0, 255).astype(np.uint8), "L")
        grey.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
    elif container == "png":
        pil_image(img, mode).save(buf, "PNG", dpi=(dpi, dpi))
    else:  # jpeg, jpeg-colour
        pil_image(img, mode).save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()


def pack(img: np.ndarray, mode: str) -> tuple[str, tuple[int, ...], bytes]:
    """A page in a compact picklable form for the process that writes multi-page files."""
    if mode == "1":
        return mode, img.shape, np.packbits(img).tobytes()
    return mode, img.shape, img.tobytes()


def unpack(packed: tuple[str, tuple[int, ...], bytes]) -> Image.Image:
    mode, shape, data = packed
    if mode == "1":
        n = int(np.prod(shape))
        img = np.unpackbits(np.frombuffer(data, np.uint8))[:n].reshape(shape).astype(bool)
        return pil_image(img, "1")
    return Image.fromarray(np.frombuffer(data, np.uint8).reshape(shape), mode)


def write_multi(
    path: Path, pages: list[tuple[str, tuple[int, ...], bytes]], container: str, dpi: int, quality: int
) -> None:
    """Write the pages of one scanner batch as one multi-page file."""
    images = [unpack(p) for p in pages]
    first, rest = images[0], images[1:]
    if container == "tiff-g4":
        images = [im.convert("1") for im in images]
        images[0].save(path, "TIFF", compression="group4", save_all=True, append_images=images[1:], dpi=(dpi, dpi))
        return
    meta: dict[str, object] = {
        "title": "scan",
        "creationDate": FIXED_DATE,
        "modDate": FIXED_DATE,
        "producer": "scanner",
    }
    if container == "pdf-1bit":  # CCITT G4 page images
        first, rest = first.convert("1"), [im.convert("1") for im in rest]
    else:  # one JPEG per page
        meta["quality"] = quality
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=float(dpi), **meta)
