"""Scanner, copier and paper artefacts, on grey scan values (float32, 0..255) in scan coordinates.

Each function models one physical cause and returns the artefact's label for the truth file.
Effects that augraphy provides (dirty rollers, dirty drum, bad photocopy, shadows, lighting)
are computed on a reduced blank sheet and applied as a gain or a toner mask: the physics is
smooth or coarse at that scale, and it keeps a page fast.
"""

from __future__ import annotations

import cv2
import numpy as np

from .paper import seed_augraphy


def _smooth_field(shape: tuple[int, int], cells: int, rng: np.random.Generator) -> np.ndarray:
    """A smooth random field in about -1..1 with ~``cells`` features across the page."""
    h, w = shape
    small = rng.standard_normal((cells + 2, max(2, int(cells * w / h) + 2))).astype(np.float32)
    f = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return f / (float(np.abs(f).max()) + 1e-6)


def augraphy_gain(aug: object, shape: tuple[int, int], seed: int, scale: int = 4) -> np.ndarray:
    """What an augraphy effect does to a blank white sheet, as a gain map (0..1) at full size."""
    h, w = shape
    seed_augraphy(seed)
    white = np.full((h // scale, w // scale), 255, np.uint8)
    out = np.asarray(aug(white, force=True))  # type: ignore[operator]
    if out.ndim == 3:
        out = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    return cv2.resize(out.astype(np.float32) / 255.0, (w, h), interpolation=cv2.INTER_LINEAR)


def uneven_light(img: np.ndarray, rng: np.random.Generator, strength: float) -> str:
    """The lamp is dimmer towards one end of the scan bar and the diffuser is uneven."""
    h, w = img.shape[:2]
    x = np.linspace(-1, 1, w, dtype=np.float32)
    falloff = 1 - strength * (0.5 + 0.5 * x * (1 if rng.random() < 0.5 else -1)) ** 2
    patchy = 1 + 0.35 * strength * _smooth_field((h, w), 3, rng)
    g = falloff[None, :] * patchy
    img *= g if img.ndim == 2 else g[..., None]
    return "uneven-light"


def dark_corners(img: np.ndarray, px_per_mm: float, rng: np.random.Generator, depth: float) -> str:
    """The sheet lifts off the glass at its edges and corners (lid not pressed, curled paper).

    Less light comes back from a lifted area, so it darkens towards the edge, most in the
    corners, in blotches where the paper cockles.  ``depth`` is the darkening at the very corner.
    """
    h, w = img.shape[:2]
    ys = np.linspace(0, h / px_per_mm, h // 8, dtype=np.float32)[:, None]
    xs = np.linspace(0, w / px_per_mm, w // 8, dtype=np.float32)[None, :]
    lift_edge = rng.uniform(6, 14)  # mm over which an edge lifts
    de = np.minimum(np.minimum(xs, xs[:, ::-1]), np.minimum(ys, ys[::-1, :]))
    corners = [(0, 0), (1, 0), (0, 1), (1, 1)]
    reach = [rng.uniform(25, 55) for _ in corners]  # mm from each corner
    weight = [rng.uniform(0.5, 1.0) for _ in corners]
    c = np.zeros((len(ys), xs.shape[1]), np.float32)
    for (cx, cy), r, wt in zip(corners, reach, weight, strict=True):
        dx = xs if cx == 0 else xs[:, ::-1]
        dy = ys if cy == 0 else ys[::-1, :]
        c = np.maximum(c, wt * np.exp(-((dx * dx + dy * dy) ** 0.5) / r))
    edge = 0.45 * np.exp(-de / lift_edge)
    blot = _smooth_field(c.shape, 14, rng) + 0.5 * _smooth_field(c.shape, 40, rng)
    dark = np.clip((c + edge) * (0.8 + 0.5 * blot), 0, 1) * depth
    g = cv2.resize(1 - dark, (w, h), interpolation=cv2.INTER_LINEAR)
    img *= g if img.ndim == 2 else g[..., None]
    return "dark-corners"


def streaks(
    img: np.ndarray, rng: np.random.Generator, vertical: int, horizontal: int, width: tuple[int, int] = (1, 4)
) -> list[str]:
    """Straight lines of constant width over the whole scan.

    Vertical: a speck of dirt or a scratch on the feeder's glass sits under the same sensor
    pixels for the whole sheet (dark), or a dead sensor pixel (light).  Horizontal: the lamp or
    the sensor hiccups for one scan line across the full width.
    """
    h, w = img.shape[:2]
    labels = []
    for axis, n in (("v", vertical), ("h", horizontal)):
        for _ in range(n):
            size = int(rng.integers(width[0], width[1] + 1))
            pos = int(rng.integers(0, (w if axis == "v" else h) - size))
            dark = rng.random() < 0.75
            sl = (slice(None), slice(pos, pos + size)) if axis == "v" else (slice(pos, pos + size), slice(None))
            if dark:
                img[sl] *= rng.uniform(0.35, 0.8)
            else:
                img[sl] = np.maximum(img[sl], rng.uniform(200, 250))
            labels.append(f"streak-{axis}")
    return labels


def roller_marks(img: np.ndarray, px_per_mm: float, rng: np.random.Generator, strength: float) -> str:
    """A dirty pick-up roller prints the same grey smear every turn (its circumference) down the sheet."""
    h, w = img.shape[:2]
    period = rng.uniform(45, 80) * px_per_mm
    x0 = int(rng.uniform(0.15, 0.6) * w)
    span = int(rng.uniform(25, 45) * px_per_mm)
    band = int(rng.uniform(1.5, 4) * px_per_mm)
    y = rng.uniform(0, period)
    while y < h:
        yy = int(y)
        smear = rng.random((band, span)).astype(np.float32)
        smear = cv2.GaussianBlur(smear, (0, 0), max(1.0, 0.4 * px_per_mm))
        smear = 1 - strength * np.clip(smear * 1.6 - 0.3, 0, 1)
        region = img[yy : yy + band, x0 : x0 + span]
        hh, ww = region.shape[:2]
        region *= smear[:hh, :ww] if img.ndim == 2 else smear[:hh, :ww, None]
        y += period
    return "roller-marks"


def crease(img: np.ndarray, px_per_mm: float, rng: np.random.Generator) -> str:
    """A fold line pressed flat: a thin shadow on one side, a highlight on the other, broken fibres."""
    h, w = img.shape[:2]
    vertical = rng.random() < 0.5
    ang = rng.uniform(-0.05, 0.05)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    pos = rng.uniform(0.3, 0.7) * (w if vertical else h)
    d = (xs - pos - ys * ang) if vertical else (ys - pos - xs * ang)
    d /= px_per_mm
    profile = -0.22 * np.exp(-((d + 0.25) ** 2) / 0.08) + 0.06 * np.exp(-((d - 0.5) ** 2) / 0.2)
    fibres = 1 + 0.5 * _smooth_field((h, w), 60, rng)
    g = 1 + profile * fibres
    img *= g if img.ndim == 2 else g[..., None]
    return "crease"


def dust(img: np.ndarray, px_per_mm: float, rng: np.random.Generator, specks: int, hairs: int) -> str:
    """Dust on the glass: dark specks 0.1-0.4 mm and a few fine curled hairs."""
    h, w = img.shape[:2]
    for _ in range(specks):
        r = max(0.5, rng.uniform(0.05, 0.2) * px_per_mm)
        cv2.circle(
            img,
            (int(rng.integers(w)), int(rng.integers(h))),
            int(round(r)),
            float(rng.uniform(40, 150)),
            -1,
            cv2.LINE_AA,
        )
    for _ in range(hairs):
        n = 12
        p = np.array([rng.integers(w), rng.integers(h)], np.float64)
        step = rng.uniform(0.4, 1.0) * px_per_mm
        ang = rng.uniform(0, 2 * np.pi)
        pts = []
        for _ in range(n):
            pts.append(p.copy())
            ang += rng.normal(0, 0.35)
            p += step * np.array([np.cos(ang), np.sin(ang)])
        cv2.polylines(img, [np.array(pts, np.int32)], False, float(rng.uniform(60, 160)), 1, cv2.LINE_AA)
    return "dust"


def toner_speckle(img: np.ndarray, rng: np.random.Generator, density: float) -> str:
    """Stray toner the copier drops on white areas: isolated dark dots of one or two pixels."""
    h, w = img.shape[:2]
    n = int(density * h * w)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    img[ys, xs] = np.minimum(img[ys, xs], rng.uniform(30, 150, n).astype(np.float32))
    big = n // 6
    ys, xs = rng.integers(0, h - 1, big), rng.integers(0, w - 1, big)
    for dy, dx in ((0, 1), (1, 0), (1, 1)):
        img[ys + dy, xs + dx] = np.minimum(img[ys + dy, xs + dx], 110)
    return "toner-speckle"


def sensor_noise(img: np.ndarray, rng: np.random.Generator, sigma: float, column_sigma: float = 0.0) -> None:
    """Shot and read noise of the sensor, plus the fixed column pattern of a CIS bar."""
    cv2.setRNGSeed(int(rng.integers(1 << 31)))  # OpenCV's fast generator, seeded from ours
    noise = np.empty(img.shape[:2], np.float32)
    cv2.randn(noise, 0.0, float(sigma))
    if column_sigma > 0:
        noise += rng.standard_normal(img.shape[1], dtype=np.float32)[None, :] * np.float32(column_sigma)
    img += noise if img.ndim == 2 else noise[..., None]
