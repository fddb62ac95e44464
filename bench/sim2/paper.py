"""The printed ballot as a physical sheet: paper colour and the printer's toner.

The rendered PDF gives where toner lies; toner is not perfectly black (reflectance ~5 %) and a
laser printer with a worn drum or low toner lays it unevenly: faint periodic bands (augraphy
LowInkPeriodicLines) and a mottled density that makes thin rules vary along their length.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from .ink import Sheet
from .layout import Page, Template, printed_page

TONER_REFLECTANCE = 0.05


def seed_augraphy(seed: int) -> None:
    """augraphy draws from python's ``random`` and numpy's global generator: seed both."""
    random.seed(seed)
    np.random.seed(seed % (2**32))


@lru_cache(maxsize=8)
def _cover(pdf: Path, number: int, dpi: int) -> np.ndarray:
    """Share of each pixel covered by toner, for a well-printed ballot."""
    cover = 1.0 - printed_page(pdf, number, dpi).astype(np.float32) / 255.0
    cover.setflags(write=False)
    return cover


def make_sheet(
    template: Template,
    page: Page,
    dpi: int,
    rng: np.random.Generator,
    low_ink: bool = False,
    toner_mottle: float = 0.0,
    aug_seed: int = 0,
) -> Sheet:
    """A fresh printed sheet at ``dpi``: paper reflectance times toner, with the printer's defects."""
    printed = printed_page(template.pdf, page.number, dpi)
    s = dpi / 25.4
    if low_ink:
        from augraphy import LowInkPeriodicLines

        seed_augraphy(aug_seed)
        aug = LowInkPeriodicLines(count_range=(2, 4), period_range=(int(3 * s), int(8 * s)), noise_probability=0.05)
        banded = np.asarray(aug(np.ascontiguousarray(printed), force=True), np.float32)
        k = rng.uniform(0.35, 0.7)  # low toner: the bands are lighter, not empty
        printed = np.clip(printed + k * (banded - printed), 0, 255).astype(np.uint8)
    cover = _cover(template.pdf, page.number, dpi) if not low_ink else 1.0 - printed.astype(np.float32) / 255.0
    if toner_mottle > 0:  # uneven toner density: blotches of ~0.5 mm
        h, w = cover.shape
        small = rng.standard_normal((h // 8 + 1, w // 8 + 1)).astype(np.float32)
        small = cv2.GaussianBlur(small, (0, 0), 0.6)
        mottle = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        cover = cover * np.clip(1 - toner_mottle * (0.5 + 0.5 * mottle), 0.2, 1.0)
    paper = rng.uniform(0.9, 0.97)
    tint = (1.0 + rng.uniform(-0.008, 0.015), 1.0, 1.0 - rng.uniform(-0.008, 0.03))  # white to slightly cream
    reflectance = np.float32(paper) * (1.0 - cover * np.float32(1.0 - TONER_REFLECTANCE))
    return Sheet(reflectance.astype(np.float32), tint, s)
