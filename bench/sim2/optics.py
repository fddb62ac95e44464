"""Geometry and sharpness of the capture: a flatbed or feeder scanner, a copier, a phone camera.

* skew: a sheet fed or laid a little crooked is rotated (and shifted) in the scan;
* feed: a sheet put in upside down is turned 180 degrees;
* MTF: optics and sensor blur the image slightly (a Gaussian point spread);
* a phone photo sees the sheet through a pinhole-like camera: a homography (the sheet tilted
  towards the lens) and the lens's barrel distortion, with the table around the sheet.
"""

from __future__ import annotations

import cv2
import numpy as np


def skew(img: np.ndarray, angle_deg: float, shift_px: tuple[float, float], border: float) -> np.ndarray:
    """Rotate the sheet by ``angle_deg`` about the scan's centre and shift it; the uncovered scan shows ``border``."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    m[:, 2] += np.asarray(shift_px, np.float64)
    bv = (border,) * (img.shape[2] if img.ndim == 3 else 1)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=bv)


def turn(img: np.ndarray, degrees: int) -> np.ndarray:
    """The sheet fed turned clockwise by ``degrees`` (0, 90, 180, 270)."""
    return np.ascontiguousarray(np.rot90(img, k=-(degrees // 90) % 4))


def mtf(img: np.ndarray, sigma_px: float) -> np.ndarray:
    """The optics' point spread: a Gaussian blur of ``sigma_px`` pixels."""
    if sigma_px <= 0.05:
        return img
    return cv2.GaussianBlur(img, (0, 0), sigma_px)


def camera(
    img: np.ndarray,
    page_px: tuple[int, int],
    out_size: tuple[int, int],
    rng: np.random.Generator,
    background: np.ndarray,
    tilt: float = 0.06,
    barrel: float = -0.01,
) -> np.ndarray:
    """Photograph the sheet ``img`` (H x W x 3) lying on ``background`` (out H x out W x 3).

    The sheet's corners land on a jittered quadrilateral (perspective from a hand-held phone held
    slightly off-axis); the lens then bends straight lines outward (barrel, k1 < 0).
    """
    ph, pw = page_px
    oh, ow = out_size
    margin_x, margin_y = (ow - pw) / 2, (oh - ph) / 2
    quad = np.array(
        [[margin_x, margin_y], [margin_x + pw, margin_y], [margin_x + pw, margin_y + ph], [margin_x, margin_y + ph]],
        np.float32,
    )
    jitter = rng.normal(0, tilt * min(pw, ph) / 2, (4, 2)).astype(np.float32)
    keystone = rng.uniform(-tilt, tilt) * pw  # top edge shorter or longer: the phone leaned forward or back
    jitter[0, 0] += keystone
    jitter[1, 0] -= keystone
    quad = quad + np.clip(jitter, -0.9 * min(margin_x, margin_y), 0.9 * min(margin_x, margin_y))
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    h_inv = cv2.getPerspectiveTransform(quad, src)
    step = 4  # the maps are smooth: compute them on a coarse grid and interpolate
    ys, xs = np.mgrid[0 : oh + step : step, 0 : ow + step : step].astype(np.float32)
    cx, cy, norm = ow / 2, oh / 2, float(np.hypot(ow, oh) / 2)
    dx, dy = (xs - cx) / norm, (ys - cy) / norm
    f = 1 + barrel * (dx * dx + dy * dy)  # where an ideal ray lands, seen from the distorted pixel
    ux, uy = cx + dx * norm / f, cy + dy * norm / f
    den = h_inv[2, 0] * ux + h_inv[2, 1] * uy + h_inv[2, 2]
    mx = ((h_inv[0, 0] * ux + h_inv[0, 1] * uy + h_inv[0, 2]) / den).astype(np.float32)
    my = ((h_inv[1, 0] * ux + h_inv[1, 1] * uy + h_inv[1, 2]) / den).astype(np.float32)
    size = (xs.shape[1] * step, xs.shape[0] * step)
    mx = cv2.resize(mx, size, interpolation=cv2.INTER_LINEAR)[:oh, :ow]
    my = cv2.resize(my, size, interpolation=cv2.INTER_LINEAR)[:oh, :ow]
    sheet = cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    inside = cv2.remap(np.ones((ph, pw), np.float32), mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    inside = inside[..., None]
    return (sheet * inside + background * (1 - inside)).astype(np.float32)
