"""What scanners, copiers and phones do to a page: the simulator's scan profiles.

A profile turns a marked page (BGR, as printed and filled in) into the image a file
would hold: grey, colour or 1-bit, skewed, noisy, streaked, folded, or photographed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class ScanProfile:
    name: str
    formats: tuple[str, ...] = ("jpeg",)
    dpis: tuple[int, ...] = (200,)
    color: bool = False  # keep colour in the file
    bilevel: tuple[int, int] | None = None  # threshold range of a 1-bit scan
    jpeg_quality: tuple[int, int] = (80, 95)
    skew_deg: float = 3.0
    noise: float = 4.0  # grey levels
    blur: tuple[float, float] = (0.4, 0.9)  # px sigma
    upside_down: float = 0.1
    sideways: float = 0.0
    papers: tuple[tuple[int, int, int], ...] = ((250, 250, 250),)  # BGR paper colours to draw from
    photocopy: bool = False
    streaks: bool = False
    folds: bool = False
    phone: bool = False


PROFILES: dict[str, ScanProfile] = {
    p.name: p
    for p in (
        ScanProfile("scanner-gray", dpis=(200, 300)),
        ScanProfile("scanner-bilevel", formats=("tiff-g4",), dpis=(200,), bilevel=(110, 175), noise=3.0),
        ScanProfile("photocopy", photocopy=True, jpeg_quality=(70, 90)),
        ScanProfile("dirty-rollers", streaks=True),
        ScanProfile(
            "colored-paper",
            color=True,
            papers=((205, 200, 250), (185, 240, 250), (250, 225, 200), (200, 245, 205)),  # pink, yellow, blue, green
        ),
        ScanProfile("folds", folds=True),
        ScanProfile("jpeg-low", jpeg_quality=(50, 65)),
        ScanProfile(
            "phone", color=True, phone=True, dpis=(150,), noise=5.0, jpeg_quality=(80, 92), upside_down=0.05, skew_deg=0
        ),
    )
}


def _place_on_bed(
    page: np.ndarray, s: float, skew_deg: float, rng: np.random.Generator, angle: float | None
) -> np.ndarray:
    h, w = page.shape[:2]
    widest = max(skew_deg, abs(angle or 0.0))
    margin = int(round(6 * s + max(h, w) * np.sin(np.radians(widest)) / 2))
    out_w, out_h = w + 2 * margin, h + 2 * margin
    theta = np.radians(rng.uniform(-skew_deg, skew_deg) if angle is None else angle)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    moved = (corners - [w / 2, h / 2]) @ rot.T + [out_w / 2, out_h / 2] + rng.uniform(-3, 3, 2) * s
    moved += rng.normal(0, 0.4 * s, moved.shape)  # mild perspective: corners off by ~0.4 mm
    matrix = cv2.getPerspectiveTransform(corners, moved.astype(np.float32))
    return cv2.warpPerspective(page, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=(246, 246, 246))


def _photograph(page: np.ndarray, s: float, rng: np.random.Generator) -> np.ndarray:
    """The sheet on a table, photographed at an angle in uneven light, with a shadow."""
    h, w = page.shape[:2]
    out_w, out_h = int(w * rng.uniform(1.25, 1.45)), int(h * rng.uniform(1.15, 1.3))
    table = np.empty((out_h, out_w, 3), np.float32)
    table[:] = rng.choice([(60, 90, 120), (40, 50, 60), (150, 150, 145), (90, 110, 140)])
    table += cv2.GaussianBlur(rng.normal(0, 12, (out_h, out_w, 1)).astype(np.float32), (0, 0), 6)[:, :, None]
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    scale = min(out_w / w, out_h / h) * rng.uniform(0.78, 0.88)
    centre = np.array([out_w / 2, out_h / 2]) + rng.normal(0, 0.02, 2) * [out_w, out_h]
    placed = (corners - [w / 2, h / 2]) * scale + centre
    placed += rng.uniform(-0.05, 0.05, (4, 2)) * [w * scale, h * scale]  # perspective: a tilted phone
    theta = np.radians(rng.uniform(-8, 8))
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    placed = (placed - centre) @ rot.T + centre
    matrix = cv2.getPerspectiveTransform(corners, placed.astype(np.float32))
    warped = cv2.warpPerspective(page, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR)
    sheet = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (out_w, out_h)) > 127
    image = np.where(sheet[:, :, None], warped.astype(np.float32), table)
    # light: a gradient across the frame, and a soft shadow over one part
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    gx, gy = rng.normal(0, 1, 2)
    gradient = (xx / out_w - 0.5) * gx + (yy / out_h - 0.5) * gy
    light = 1.0 - 0.35 * (gradient - gradient.min()) / max(float(np.ptp(gradient)), 1e-6)
    shadow = np.zeros((out_h, out_w), np.float32)
    sx, sy = rng.uniform(0, out_w), rng.uniform(0, out_h)
    cv2.ellipse(shadow, (int(sx), int(sy)), (int(out_w * 0.35), int(out_h * 0.2)), rng.uniform(0, 180), 0, 360, 1.0, -1)
    soft_shadow = np.asarray(cv2.GaussianBlur(shadow, (0, 0), out_w * 0.05), np.float32)
    light = light * (1.0 - float(rng.uniform(0.15, 0.3)) * soft_shadow)
    return np.clip(image * light[:, :, None], 0, 255).astype(np.uint8)


def _photocopy(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    background = rng.uniform(205, 228)
    out = background - (background - gray.astype(np.float32)) * rng.uniform(0.85, 1.1)
    speckle = rng.random(gray.shape) < 0.0015
    out[speckle] = rng.uniform(40, 120)
    return np.clip(out, 0, 255).astype(np.uint8)


def _streaks(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = gray.astype(np.float32)
    for _ in range(int(rng.integers(1, 4))):
        x = int(rng.integers(0, gray.shape[1]))
        width = int(rng.integers(1, 4))
        out[:, x : x + width] *= rng.uniform(0.55, 0.85)
    for _ in range(int(rng.integers(20, 60))):  # dust
        y, x = int(rng.integers(0, gray.shape[0])), int(rng.integers(0, gray.shape[1]))
        cv2.circle(out, (x, y), int(rng.integers(1, 3)), float(rng.uniform(60, 150)), -1)
    return np.clip(out, 0, 255).astype(np.uint8)


def _folds(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = image.astype(np.float32)
    h = image.shape[0]
    for y in (int(h / 3 + rng.normal(0, 8)), int(2 * h / 3 + rng.normal(0, 8))):
        rows = np.arange(h, dtype=np.float32)
        shade = 1.0 - 0.12 * np.exp(-(((rows - y) / (h * 0.01)) ** 2))
        out *= shade[:, None, None] if out.ndim == 3 else shade[:, None]
        out[max(y - 1, 0) : y + 1] *= 0.8  # the crease itself
    return np.clip(out, 0, 255).astype(np.uint8)


def to_gray(bgr: np.ndarray) -> np.ndarray:
    """What a grey scanner records: luminance (so coloured inks come out paler than black)."""
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)


def apply_profile(
    page: np.ndarray,
    px_per_mm: float,
    profile: ScanProfile,
    orientation: int,
    rng: np.random.Generator,
    angle_deg: float | None = None,
) -> np.ndarray:
    """The marked BGR page as the profile's device records it (grey, colour or 0/255 bilevel)."""
    s = px_per_mm
    image = _photograph(page, s, rng) if profile.phone else _place_on_bed(page, s, profile.skew_deg, rng, angle_deg)
    if not profile.color:
        image = to_gray(image)
    if profile.photocopy:
        image = _photocopy(image if image.ndim == 2 else to_gray(image), rng)
    if profile.streaks:
        image = _streaks(image if image.ndim == 2 else to_gray(image), rng)
    if profile.folds:
        image = _folds(image, rng)
    if orientation:
        turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
        image = cv2.rotate(image, turns[orientation])
    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(*profile.blur))
    noisy = image.astype(np.float32) + np.asarray(rng.normal(0, profile.noise, image.shape), np.float32)
    image = np.clip(noisy, 0, 255).astype(np.uint8)
    if profile.bilevel:
        gray = image if image.ndim == 2 else to_gray(image)
        threshold = float(rng.integers(profile.bilevel[0], profile.bilevel[1] + 1))
        image = np.where(gray > threshold, 255, 0).astype(np.uint8)
    return image
