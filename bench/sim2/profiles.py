"""Named scan profiles: how the sheet becomes a file.

office     office flatbed/feeder, grey, 200 or 300 DPI, fine JPEG, small skew, paper texture,
           now and then a sheet fed upside down
cheap      cheap scanner, grey JPEG 200 DPI, low quality: uneven lamp, dark blotchy corners and
           edges (paper lifting off the glass), dirty rollers, full-length streaks, dust, a
           ballot printed with low toner (periodic light bands), strong noise
photocopy  a photocopy scanned: copier tone curve (raised contrast, grey background fog), bad
           photocopy noise, dirty drum bands, toner speckle; JPEG or scanner PDF of JPEG pages
phone      a phone photo of the sheet on a table: colour, perspective, barrel lens, lighting
           gradient and a shadow, about 150-200 DPI over the sheet
bilevel    1-bit scan at 200 DPI with a fixed luminance threshold (drops light ink, breaks thin
           rules when dark), as 1-bit PDF, G4 TIFF, 0/255 PNG or JPEG of the 1-bit image
streaky    clean marks (no doubtful marks, corrections, struck names or margin writing) under
           strong scanner artefacts: long constant-width streaks (some through names and
           boxes), roller marks, a crease
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import artefacts as fx
from . import optics
from .capture import Scan, counts, grey_step, measure, paper_texture, to_u8
from .ink import Sheet
from .layout import Page
from .voter import Drawing, Rates

Capture = Callable[[Sheet, Drawing, Page, np.random.Generator, int, int], Scan]


@dataclass(frozen=True)
class Profile:
    name: str
    dpis: tuple[int, ...]
    containers: tuple[tuple[str, float], ...]  # container and share of files
    capture: Capture
    rates: Rates = field(default_factory=Rates)
    upside_down: float = 0.0
    quality: tuple[int, int] = (85, 95)
    low_ink: float = 0.0  # share of ballots printed with low toner bands
    toner_mottle: tuple[float, float] = (0.0, 0.0)


def _skew_angle(rng: np.random.Generator, limit: float) -> float:
    return float(np.clip(rng.normal(0, limit / 2.5), -limit, limit))


def _finish_grey(v: np.ndarray, orientation: int, labels: list[str], extra: tuple = ()) -> Scan:
    return Scan(optics.turn(to_u8(v), orientation), "L", tuple(labels), extra)


def office(sheet: Sheet, d: Drawing, page: Page, rng: np.random.Generator, seed: int, orientation: int) -> Scan:
    comp = sheet.luminance()
    blur = rng.uniform(0.45, 0.8)
    measure(sheet, d, comp, grey_step(), blur)
    s = sheet.px_per_mm
    v = counts(comp)
    v = optics.skew(v, _skew_angle(rng, 2.0), tuple(rng.normal(0, 0.8 * s, 2)), 250.0)
    v = optics.mtf(v, blur)
    labels = ["skew", *paper_texture(v, rng, seed, 0.5)]
    fx.sensor_noise(v, rng, rng.uniform(1.0, 2.2))
    return _finish_grey(v, orientation, labels)


def cheap(sheet: Sheet, d: Drawing, page: Page, rng: np.random.Generator, seed: int, orientation: int) -> Scan:
    from augraphy import DirtyRollers

    comp = sheet.luminance()
    blur = rng.uniform(0.7, 1.05)
    measure(sheet, d, comp, grey_step(0.8), blur)  # dimmer lamp, darker corners, lower JPEG quality
    s = sheet.px_per_mm
    v = counts(comp, rng.uniform(0.9, 1.0))
    v = optics.skew(v, _skew_angle(rng, 2.5), tuple(rng.normal(0, 1.2 * s, 2)), rng.uniform(60, 130))
    labels = ["skew", fx.uneven_light(v, rng, rng.uniform(0.08, 0.18))]
    labels.append(fx.dark_corners(v, s, rng, rng.uniform(0.55, 0.78)))
    rollers = fx.augraphy_gain(DirtyRollers(line_width_range=(3, 6), scanline_type=0), v.shape, seed + 1, 2)
    v *= 1 - rng.uniform(0.25, 0.5) * (1 - rollers)
    labels.append("dirty-rollers")
    v = optics.mtf(v, blur)
    labels += fx.streaks(v, rng, int(rng.integers(1, 4)), int(rng.integers(0, 3)))
    labels.append(fx.dust(v, s, rng, int(rng.integers(20, 70)), int(rng.integers(0, 4))))
    labels += paper_texture(v, rng, seed + 2, 1.2)
    fx.sensor_noise(v, rng, rng.uniform(3.0, 6.0), rng.uniform(0.8, 2.0))
    return _finish_grey(v, orientation, labels)


def streaky(sheet: Sheet, d: Drawing, page: Page, rng: np.random.Generator, seed: int, orientation: int) -> Scan:
    from augraphy import DirtyRollers

    comp = sheet.luminance()
    blur = rng.uniform(0.45, 0.75)
    measure(sheet, d, comp, grey_step(), blur)
    s = sheet.px_per_mm
    v = counts(comp)
    angle = _skew_angle(rng, 1.2)
    v = optics.skew(v, angle, (0.0, 0.0), 250.0)
    v = optics.mtf(v, blur)
    labels = ["skew"]
    labels += fx.streaks(v, rng, int(rng.integers(2, 6)), int(rng.integers(1, 3)))
    # streaks that run through the printed names and the boxes
    rows = page.rows
    for _ in range(int(rng.integers(1, 4))):
        box = rows[int(rng.integers(len(rows)))].boxes[int(rng.integers(len(rows[0].boxes)))]
        x = int((box.x + rng.uniform(0.5, box.w - 0.5)) * s)
        w = int(rng.integers(1, 5))
        v[:, x : x + w] *= rng.uniform(0.35, 0.75)
        labels.append("streak-v")
    for _ in range(int(rng.integers(1, 3))):
        area = rows[int(rng.integers(len(rows)))].name_area
        y = int((area.y + rng.uniform(2.0, area.h - 2.0)) * s)
        w = int(rng.integers(1, 5))
        v[y : y + w, :] *= rng.uniform(0.35, 0.75)
        labels.append("streak-h")
    if rng.random() < 0.7:
        labels.append(fx.roller_marks(v, s, rng, rng.uniform(0.15, 0.35)))
    if rng.random() < 0.5:
        rollers = fx.augraphy_gain(DirtyRollers(line_width_range=(3, 6), scanline_type=0), v.shape, seed + 1, 2)
        v *= 1 - rng.uniform(0.15, 0.35) * (1 - rollers)
        labels.append("dirty-rollers")
    if rng.random() < 0.6:
        labels.append(fx.crease(v, s, rng))
    labels += paper_texture(v, rng, seed + 2, 0.5)
    fx.sensor_noise(v, rng, rng.uniform(1.0, 2.5))
    return _finish_grey(v, orientation, labels)


def bilevel(sheet: Sheet, d: Drawing, page: Page, rng: np.random.Generator, seed: int, orientation: int) -> Scan:
    """A black-and-white scan: the scanner thresholds the luminance at a fixed level."""
    comp = sheet.luminance()
    threshold = float(rng.uniform(80, 150))
    blur = rng.uniform(0.3, 0.6)  # poppler already area-samples the print; a sharp 1-bit scanner adds little

    def visible(base: np.ndarray, region: np.ndarray) -> np.ndarray:
        return np.where(counts(region) < threshold, 255.0, 0.0)  # black or white, nothing between

    measure(sheet, d, comp, visible, blur)
    s = sheet.px_per_mm
    v = counts(comp)
    v = optics.skew(v, _skew_angle(rng, 1.5), tuple(rng.normal(0, 0.8 * s, 2)), 255.0)
    v = optics.mtf(v, blur)
    fx.sensor_noise(v, rng, rng.uniform(1.5, 4.0))
    labels = ["skew", "threshold"]
    if rng.random() < 0.3:
        labels.append(fx.dust(v, s, rng, int(rng.integers(5, 25)), 0))
    black = optics.turn(v < threshold, orientation)
    return Scan(black, "1", tuple(labels), (("threshold", round(threshold, 1)),))


PROFILES: dict[str, Profile] = {}


def _register(p: Profile) -> None:
    PROFILES[p.name] = p


_register(Profile("office", (200, 300), (("jpeg", 1.0),), office, upside_down=0.04, quality=(85, 95)))
_register(Profile("cheap", (200,), (("jpeg", 1.0),), cheap, upside_down=0.02, quality=(60, 80), low_ink=0.6))
_register(
    Profile(
        "streaky",
        (200, 300),
        (("jpeg", 0.7), ("png", 0.3)),
        streaky,
        Rates(doubtful=0.0, correction=0.0, struck_name=0.0, margin_writing=0.0),  # clean marks, noisy scanner
        upside_down=0.02,
        quality=(88, 95),
    )
)
_register(
    Profile(
        "bilevel",
        (200,),
        (("pdf-1bit", 0.3), ("tiff-g4", 0.3), ("png-bilevel", 0.2), ("jpeg-bilevel", 0.2)),
        bilevel,
        upside_down=0.02,
        quality=(75, 92),
        low_ink=0.2,
        toner_mottle=(0.05, 0.25),
    )
)


def _late() -> None:
    from .photo import phone, photocopy

    _register(
        Profile(
            "photocopy",
            (200, 300),
            (("jpeg", 0.5), ("pdf-jpeg", 0.5)),
            photocopy,
            upside_down=0.02,
            quality=(75, 92),
            toner_mottle=(0.0, 0.15),
        )
    )
    _register(Profile("phone", (200,), (("jpeg-colour", 1.0),), phone, quality=(80, 93)))


_late()
