"""The sheet of paper as light sees it, and the rasteriser that turns a pen path into ink.

Physical model: the paper has a reflectance (0..1) that already includes the printed toner.
Every ink layer is a map of deposited ink *amount* (dimensionless, ~1 for a normal ballpoint
line) with an optical density per R, G, B channel; light passing through the layer twice is
attenuated as 10 ** (-od * amount) (Beer-Lambert), so overlapping strokes darken and coloured
inks keep their hue.  Layers are kept as small patches so a page costs little to compose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LUMA = np.array([0.299, 0.587, 0.114], np.float32)  # a scanner's grey is luminance (Rec. 601)
CHUNK = 24  # path segments rasterised together


@dataclass
class InkPatch:
    """Ink amount over a rectangle of the page, with the ink's optical density per RGB channel."""

    y0: int
    x0: int
    amount: np.ndarray  # float32, rows x cols
    od: tuple[float, float, float]
    item: int = -1  # which drawn item this ink belongs to (-1: not tracked)

    def transmittance_rgb(self) -> np.ndarray:
        od = np.asarray(self.od, np.float32)
        return np.power(np.float32(10.0), -self.amount[..., None] * od).astype(np.float32)


@dataclass
class Sheet:
    """A ballot sheet: grey reflectance of the printed paper, its tint, and the ink on it."""

    reflectance: np.ndarray  # float32 H x W, 0..1, paper and toner
    tint: tuple[float, float, float]  # paper colour relative to its grey reflectance
    px_per_mm: float
    patches: list[InkPatch] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, int]:
        h, w = self.reflectance.shape
        return h, w

    def add(self, patch: InkPatch) -> None:
        h, w = self.shape
        y1, x1 = patch.y0 + patch.amount.shape[0], patch.x0 + patch.amount.shape[1]
        if patch.y0 < 0 or patch.x0 < 0 or y1 > h or x1 > w:  # clip to the page
            cy0, cx0 = max(0, -patch.y0), max(0, -patch.x0)
            cy1 = patch.amount.shape[0] - max(0, y1 - h)
            cx1 = patch.amount.shape[1] - max(0, x1 - w)
            if cy1 <= cy0 or cx1 <= cx0:
                return
            patch = InkPatch(patch.y0 + cy0, patch.x0 + cx0, patch.amount[cy0:cy1, cx0:cx1], patch.od, patch.item)
        self.patches.append(patch)

    def _luma_factor(self, patch: InkPatch) -> np.ndarray:
        tint = np.asarray(self.tint, np.float32) * LUMA
        return (patch.transmittance_rgb() @ tint / tint.sum()).astype(np.float32)

    def luminance(self, items: set[int] | None = None) -> np.ndarray:
        """Grey reflectance with the ink (all of it, or only the patches of ``items``)."""
        out = self.reflectance.copy()
        for p in self.patches:
            if items is not None and p.item not in items:
                continue
            h, w = p.amount.shape
            out[p.y0 : p.y0 + h, p.x0 : p.x0 + w] *= self._luma_factor(p)
        return out

    def rgb(self) -> np.ndarray:
        """Colour reflectance H x W x 3 with all the ink."""
        out = self.reflectance[..., None] * np.asarray(self.tint, np.float32)
        for p in self.patches:
            h, w = p.amount.shape
            out[p.y0 : p.y0 + h, p.x0 : p.x0 + w] *= p.transmittance_rgb()
        return out.astype(np.float32)


def rasterise(points: np.ndarray, width: np.ndarray, amount: np.ndarray) -> tuple[int, int, np.ndarray]:
    """Ink left by a round nib moved along ``points`` (pixels, N x 2 as x, y).

    ``width`` (pixels) and ``amount`` are given at every point and interpolated along each segment.
    Each pixel takes the most ink any segment leaves on it (a single trace does not double up where
    its own segments meet); the edge is anti-aliased over one pixel.  Returns (y0, x0, patch).
    """
    pts = np.asarray(points, np.float32)
    if len(pts) == 1:
        pts = np.vstack([pts, pts + 0.01])
        width, amount = np.repeat(width, 2), np.repeat(amount, 2)
    margin = float(np.max(width)) / 2 + 2
    gx0, gy0 = int(np.floor(pts[:, 0].min() - margin)), int(np.floor(pts[:, 1].min() - margin))
    gx1, gy1 = int(np.ceil(pts[:, 0].max() + margin)), int(np.ceil(pts[:, 1].max() + margin))
    out = np.zeros((gy1 - gy0, gx1 - gx0), np.float32)
    for start in range(0, len(pts) - 1, CHUNK):
        sl = slice(start, min(start + CHUNK + 1, len(pts)))
        a, b = pts[sl][:-1], pts[sl][1:]
        wa, wb = width[sl][:-1], width[sl][1:]
        ka, kb = amount[sl][:-1], amount[sl][1:]
        cm = float(max(wa.max(), wb.max())) / 2 + 2
        cx0 = int(np.floor(min(a[:, 0].min(), b[:, 0].min()) - cm))
        cy0 = int(np.floor(min(a[:, 1].min(), b[:, 1].min()) - cm))
        cx1 = int(np.ceil(max(a[:, 0].max(), b[:, 0].max()) + cm))
        cy1 = int(np.ceil(max(a[:, 1].max(), b[:, 1].max()) + cm))
        ys, xs = np.mgrid[cy0:cy1, cx0:cx1].astype(np.float32) + 0.5
        px, py = xs.ravel()[:, None], ys.ravel()[:, None]
        d = b - a
        ll = np.maximum((d * d).sum(axis=1), 1e-6)
        t = np.clip(((px - a[:, 0]) * d[:, 0] + (py - a[:, 1]) * d[:, 1]) / ll, 0.0, 1.0)
        dist = np.hypot(px - (a[:, 0] + t * d[:, 0]), py - (a[:, 1] + t * d[:, 1]))
        half = (wa + t * (wb - wa)) / 2
        cover = np.clip(half - dist + 0.5, 0.0, 1.0) * (ka + t * (kb - ka))
        local = cover.max(axis=1).reshape(cy1 - cy0, cx1 - cx0)
        view = out[cy0 - gy0 : cy1 - gy0, cx0 - gx0 : cx1 - gx0]
        np.maximum(view, local, out=view)
    return gy0, gx0, out
