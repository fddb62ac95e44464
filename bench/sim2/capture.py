"""Shared steps of every capture: scanner counts, augraphy paper texture, and what stays visible.

A scanner calibrates on its white strip: scan value = 255 * reflectance / white, with white a
little brighter than any paper.  :func:`measure` decides, for each drawn item, which share of
its ink core still stands out from the paper after the profile's tone response (contrast
curve, fixed threshold): that share goes into the truth so that ink the scanner itself lost is
not counted against the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .ink import Sheet
from .paper import seed_augraphy
from .voter import Drawing

WHITE_STRIP = 0.98
VISIBLE_STEP = 28.0  # grey levels between ink and paper that a person sees at a glance
FAINT_STEP = 10.0  # ... that a person still makes out when looking closely


@dataclass(frozen=True)
class Scan:
    image: np.ndarray  # uint8 H x W ("L"), H x W x 3 ("RGB"); bool H x W, True = black ("1")
    mode: str
    artefacts: tuple[str, ...]
    extra: tuple[tuple[str, object], ...] = ()  # profile facts for the truth file (threshold, ...)


def counts(reflectance: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """Scan values (float32, 0..255) of a reflectance image."""
    return (reflectance * (255.0 * gain / WHITE_STRIP)).astype(np.float32)


def grey_step(gain: float = 1.0) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Darkness of the ink in a grey capture: paper minus ink, in scan grey levels."""

    def darkness(base: np.ndarray, comp: np.ndarray) -> np.ndarray:
        return counts(base, gain) - counts(comp, gain)

    return darkness


def measure(
    sheet: Sheet,
    drawing: Drawing,
    comp: np.ndarray,
    darkness: Callable[[np.ndarray, np.ndarray], np.ndarray],
    blur_px: float = 0.0,
) -> None:
    """Set ``visible`` and ``faint`` of every drawn item: share of its ink core that the capture
    shows plainly (``VISIBLE_STEP`` levels darker than the paper) or at all (``FAINT_STEP``)."""
    paper = float(np.percentile(sheet.reflectance[::16, ::16], 90))
    totals: dict[int, list[int]] = {}
    for p in sheet.patches:
        if p.item < 0:
            continue
        pos = p.amount[p.amount > 0.05]
        if pos.size == 0:
            continue
        core = p.amount >= 0.5 * float(np.percentile(pos, 95))
        h, w = p.amount.shape
        base = sheet.reflectance[p.y0 : p.y0 + h, p.x0 : p.x0 + w]
        region = comp[p.y0 : p.y0 + h, p.x0 : p.x0 + w]
        if blur_px > 0:
            region = cv2.GaussianBlur(region, (0, 0), blur_px)
        core &= base > 0.6 * paper  # ink on top of a printed rule does not count either way
        n = int(core.sum())
        if n == 0:
            continue
        dark = darkness(base, region)[core]
        t = totals.setdefault(p.item, [0, 0, 0])
        t[0] += int((dark >= VISIBLE_STEP).sum())
        t[1] += int((dark >= FAINT_STEP).sum())
        t[2] += n
    for i, it in enumerate(drawing.items):
        seen, faint, n = totals.get(i, [0, 0, 0])
        it.visible = seen / n if n else 0.0
        it.faint = faint / n if n else 0.0


def paper_texture(img: np.ndarray, rng: np.random.Generator, seed: int, strength: float = 1.0) -> list[str]:
    """Paper grain and fibre cloudiness through augraphy, multiplied into ``img`` (in place).

    augraphy's textures are made on a flat sheet at half resolution and applied as a gain (the
    paper's fibres modulate everything printed or drawn on it); ``strength`` scales how much of
    augraphy's texture is kept (its defaults are very strong).
    """
    from augraphy import BrightnessTexturize, NoiseTexturize, SubtleNoise

    h, w = img.shape[:2]
    level = 220
    u8 = np.full((h // 2, w // 2), level, np.uint8)
    labels = []
    seed_augraphy(seed)
    if rng.random() < 0.6:
        u8 = NoiseTexturize(sigma_range=(2, 4), turbulence_range=(2, 4))(u8, force=True)
        labels.append("noise-texturize")
    if rng.random() < 0.4:
        u8 = BrightnessTexturize(texturize_range=(0.95, 0.99), deviation=0.03)(u8, force=True)
        labels.append("brightness-texturize")
    if rng.random() < 0.6 or not labels:
        u8 = SubtleNoise(subtle_range=6)(u8, force=True)
        labels.append("subtle-noise")
    gain = np.asarray(u8, np.float32) / float(np.mean(u8))
    keep = float(np.clip(0.35 * strength, 0.0, 1.0))
    gain = cv2.resize(1 + keep * (gain - 1), (w, h), interpolation=cv2.INTER_LINEAR)
    img *= gain if img.ndim == 2 else gain[..., None]
    return labels


def to_u8(img: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)
