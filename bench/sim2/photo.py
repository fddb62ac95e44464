"""Captures that go through a second imaging step: a photocopy that is then scanned, a phone photo.

Photocopy: the copier reads the sheet, blurs it a little, and prints it again through its tone
curve: anything lighter than a cut-off vanishes, anything darker than a knee prints full black,
and the white paper comes out with a grey toner fog.  The drum and the optics add their own
noise (augraphy BadPhotoCopy, DirtyDrum) and stray toner.  The copy is then scanned.

Phone: the sheet lies on a table under room light; the camera sees it in perspective through a
barrel lens, with a lighting gradient and a shadow (augraphy LightingGradient, ShadowCast as
gain maps), a white-balance cast, sensor noise in colour, and the phone's sharpening.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import artefacts as fx
from . import optics
from .capture import WHITE_STRIP, Scan, counts, measure, paper_texture, to_u8
from .ink import Sheet
from .layout import Page
from .voter import Drawing


def _copier_curve(rng: np.random.Generator) -> tuple[float, float, float, float]:
    """(cut-off, knee, gamma, background) of one copier's tone response, in darkness units 0..1."""
    return rng.uniform(0.03, 0.09), rng.uniform(0.3, 0.5), rng.uniform(0.8, 1.1), rng.uniform(0.8, 0.9)


def _copy(refl: np.ndarray, paper: float, curve: tuple[float, float, float, float]) -> np.ndarray:
    """Reflectance of the copy of a sheet of reflectance ``refl`` (through a lookup table)."""
    cut, knee, gamma, fog = curve
    x = np.linspace(0.0, 1.0, 4096, dtype=np.float32)
    dark = np.clip(1 - x / paper, 0, 1)
    printed = np.clip((dark - cut) / (knee - cut), 0, 1) ** gamma
    lut = (fog * paper * (1 - printed * 0.95)).astype(np.float32)
    return lut[np.clip(refl * 4095, 0, 4095).astype(np.int32)]


def photocopy(sheet: Sheet, d: Drawing, page: Page, rng: np.random.Generator, seed: int, orientation: int) -> Scan:
    from augraphy import BadPhotoCopy, DirtyDrum

    comp = sheet.luminance()
    paper = float(np.percentile(sheet.reflectance[::16, ::16], 90))
    curve = _copier_curve(rng)

    def visible(base: np.ndarray, region: np.ndarray) -> np.ndarray:
        return counts(_copy(base, paper, curve)) - counts(_copy(region, paper, curve))

    blur = rng.uniform(0.6, 1.0)
    measure(sheet, d, comp, visible, float(np.hypot(blur, 0.5)))  # copier and scanner optics
    s = sheet.px_per_mm
    copy = _copy(optics.mtf(comp, blur), paper, curve)
    copy = optics.skew(copy, float(rng.normal(0, 0.5)), (0.0, 0.0), float(curve[3] * paper))
    labels = ["copier-contrast", "grey-background"]
    if rng.random() < 0.8:
        bpc = BadPhotoCopy(
            noise_type=int(rng.choice([1, 2, 3, 5])),
            noise_value=(90, 190),
            noise_sparsity=(0.5, 0.9),
            noise_concentration=(0.05, 0.3),
            blur_noise=0,
            wave_pattern=0,
            edge_effect=0,
        )
        copy *= fx.augraphy_gain(bpc, copy.shape, seed + 3, 3) ** rng.uniform(0.25, 0.7)
        labels.append("bad-photocopy")
    if rng.random() < 0.6:
        drum = DirtyDrum(
            line_width_range=(2, 5),
            line_concentration=rng.uniform(0.03, 0.08),
            direction=-1,
            noise_intensity=rng.uniform(0.2, 0.45),
            noise_value=(80, 170),
            ksize=(3, 3),
        )
        copy *= 1 - rng.uniform(0.3, 0.6) * (1 - fx.augraphy_gain(drum, copy.shape, seed + 4, 2))
        labels.append("dirty-drum")
    v = counts(copy)
    labels.append(fx.toner_speckle(v, rng, rng.uniform(1e-4, 6e-4)))
    v = optics.skew(v, float(np.clip(rng.normal(0, 0.8), -2, 2)), tuple(rng.normal(0, 0.8 * s, 2)), 245.0)
    v = optics.mtf(v, rng.uniform(0.4, 0.7))
    labels += ["skew", *paper_texture(v, rng, seed + 5, 0.8)]
    fx.sensor_noise(v, rng, rng.uniform(1.5, 3.0))
    return Scan(optics.turn(to_u8(v), orientation), "L", tuple(labels))


def _table(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A desk around the sheet: wood grain, grey laminate or a dark cloth (RGB 0..1)."""
    h, w = shape
    kind = int(rng.integers(3))
    base = [np.array([0.55, 0.38, 0.22]), np.array([0.5, 0.5, 0.52]), np.array([0.16, 0.17, 0.2])][kind]
    base = base * rng.uniform(0.8, 1.15)
    if kind == 0:  # grain along one axis
        grain = rng.standard_normal((1, w // 2 + 1)).astype(np.float32)
        grain = cv2.resize(cv2.GaussianBlur(grain, (0, 0), 3), (w, h), interpolation=cv2.INTER_LINEAR)
        tex = 1 + 0.12 * grain / (float(np.abs(grain).max()) + 1e-6)
    else:
        tex = 1 + np.float32(0.04) * rng.standard_normal((h, w), dtype=np.float32)
    return (tex[..., None] * base[None, None, :]).astype(np.float32)


def phone(sheet: Sheet, d: Drawing, page: Page, rng: np.random.Generator, seed: int, orientation: int) -> Scan:
    from augraphy import LightingGradient, ShadowCast

    comp = sheet.luminance()
    exposure = rng.uniform(0.8, 0.92)
    blur = rng.uniform(0.5, 0.9)
    k = 255 * exposure / WHITE_STRIP * 0.8  # the sheet at 150-190 DPI, a shadow over part of it
    measure(sheet, d, comp, lambda b, r: (b - r) * k, float(np.hypot(blur, 0.6)))
    rgb = sheet.rgb()
    scale = rng.uniform(0.76, 0.96)  # 150-190 DPI over the sheet from a 200 DPI sheet
    h, w = sheet.shape
    ph, pw = int(h * scale), int(w * scale)
    rgb = cv2.resize(rgb, (pw, ph), interpolation=cv2.INTER_AREA)
    frame = (int(ph * rng.uniform(1.1, 1.2)), int(pw * rng.uniform(1.12, 1.25)))
    table = _table(frame, rng)
    img = optics.camera(rgb, (ph, pw), frame, rng, table, rng.uniform(0.02, 0.06), rng.uniform(-0.02, -0.004))
    light = LightingGradient(
        light_position=None, direction=None, max_brightness=255, min_brightness=0, mode="gaussian", transparency=0.5
    )
    gain = fx.augraphy_gain(light, frame, seed + 6, 8)
    img *= (1 - rng.uniform(0.15, 0.35) * (1 - gain))[..., None]
    labels = ["perspective", "barrel", "table", "lighting-gradient"]
    if rng.random() < 0.7:
        shadow = ShadowCast(
            shadow_side=str(rng.choice(["top", "bottom", "left", "right"])),
            shadow_vertices_range=(2, 5),
            shadow_opacity_range=(0.3, 0.55),
            shadow_blur_kernel_range=(31, 81),
        )
        img *= fx.augraphy_gain(shadow, frame, seed + 7, 4)[..., None]
        labels.append("shadow")
    cast = np.array([rng.uniform(1.02, 1.09), 1.0, rng.uniform(0.86, 0.97)], np.float32)  # warm room light
    v = img * (255 * exposure / WHITE_STRIP) * cast
    v = optics.mtf(v, blur)
    fx.sensor_noise(v, rng, rng.uniform(1.5, 3.0))  # luminance noise
    hh, ww = v.shape[0] // 2, v.shape[1] // 2
    chroma = cv2.GaussianBlur(rng.standard_normal((hh, ww, 3), dtype=np.float32), (0, 0), 0.8)
    v += cv2.resize(chroma, (v.shape[1], v.shape[0]), interpolation=cv2.INTER_LINEAR) * np.float32(rng.uniform(1.5, 3))
    sharp = v + 0.6 * (v - cv2.GaussianBlur(v, (0, 0), 1.2))  # the phone's sharpening
    return Scan(to_u8(sharp), "RGB", tuple(labels), (("scale", round(200 * scale, 1)),))
