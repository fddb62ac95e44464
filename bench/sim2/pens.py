"""Pens: how a hand movement (a path with a pressure at every point) becomes ink on paper.

Each pen is a small physical model:

* a ballpoint rolls a viscous paste: the line width hardly follows pressure, the amount of ink
  does (roughly with its square root); it may leave a blob where the ball first lands and skips
  when pressed lightly;
* a gel pen lays a dense, even line but a drying cartridge skips: gaps along the line;
* an almost dry ballpoint lays a patchy, striated line with many small gaps;
* a fineliner lays a constant, crisp line whatever the pressure;
* a felt tip is wide and wet: ink feathers into the paper fibres around the line and pools
  where the tip rests at the ends;
* a fountain pen (the purple school ink) widens under pressure and pools at stroke ends;
* a pencil deposits graphite only on the peaks of the paper's tooth: a grainy grey whose
  coverage grows steeply with pressure.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .ink import InkPatch, Sheet, rasterise


@dataclass(frozen=True)
class Pen:
    name: str
    od: tuple[float, float, float]  # optical density per R, G, B of a normal line (amount 1)
    width_mm: float
    flow: float = 1.0  # ink amount at normal pressure
    pressure_width: float = 0.15  # relative width gained per unit of extra pressure
    pressure_flow: float = 0.6  # amount ~ pressure ** pressure_flow
    grain: float = 0.0  # 0: liquid ink; towards 1: graphite caught only by the paper's tooth
    skips_per_mm: float = 0.0  # gaps in the line at normal pressure
    light_skips: float = 0.0  # extra gaps per mm when pressing lightly (a ballpoint's ball stops rolling)
    skip_mm: tuple[float, float] = (0.15, 0.6)
    dry: float = 0.0  # 0..1, patchy striated deposit of an almost empty refill
    bleed_mm: float = 0.0  # feathering distance of a wet tip into the fibres
    pooling: float = 0.0  # extra ink where the tip rests at a stroke's ends
    blob: float = 0.0  # chance of a blob where the ball lands
    hand: float = 1.0  # the voter's usual pressure (a light-handed pencil voter presses ~0.5)


PENS: dict[str, Pen] = {
    "blue-ballpoint": Pen("blue-ballpoint", (0.85, 0.62, 0.24), 0.38, light_skips=0.8, blob=0.3),
    "red-ballpoint": Pen("red-ballpoint", (0.06, 0.78, 0.62), 0.38, light_skips=0.8, blob=0.3),
    "purple-ink": Pen(
        "purple-ink", (0.28, 0.58, 0.1), 0.5, pressure_width=0.5, pressure_flow=0.3, bleed_mm=0.05, pooling=0.5
    ),
    "black-fineliner": Pen("black-fineliner", (1.05, 1.05, 1.0), 0.36, pressure_width=0.03, pressure_flow=0.1),
    "felt-tip": Pen(
        "felt-tip", (0.95, 0.9, 0.75), 0.95, pressure_width=0.3, pressure_flow=0.2, bleed_mm=0.14, pooling=0.6
    ),
    "gel-skipping": Pen(
        "gel-skipping",
        (1.1, 1.1, 1.0),
        0.45,
        pressure_width=0.1,
        pressure_flow=0.3,
        skips_per_mm=0.45,
        skip_mm=(0.2, 0.9),
    ),
    "dry-ballpoint": Pen(
        "dry-ballpoint", (0.5, 0.38, 0.16), 0.36, flow=0.9, skips_per_mm=0.3, light_skips=1.5, dry=0.65
    ),
    "pencil-2b": Pen("pencil-2b", (0.55, 0.55, 0.52), 0.6, pressure_width=0.35, pressure_flow=1.3, grain=0.55),
    "pencil-hb": Pen("pencil-hb", (0.36, 0.36, 0.34), 0.5, pressure_width=0.3, pressure_flow=1.4, grain=0.7),
    "pencil-hb-light": Pen(
        "pencil-hb-light", (0.36, 0.36, 0.34), 0.45, pressure_width=0.3, pressure_flow=1.4, grain=0.75, hand=0.6
    ),
}

# how often each pen is the voter's pen (a few % light pencil voters)
PEN_WEIGHTS: dict[str, float] = {
    "blue-ballpoint": 0.30,
    "black-fineliner": 0.11,
    "purple-ink": 0.08,
    "red-ballpoint": 0.07,
    "felt-tip": 0.09,
    "gel-skipping": 0.08,
    "dry-ballpoint": 0.08,
    "pencil-2b": 0.08,
    "pencil-hb": 0.07,
    "pencil-hb-light": 0.04,
}

SMUDGE_OD = (0.2, 0.2, 0.19)  # rubber crumbs and smeared graphite or ink of an erasure


def _resample(path: np.ndarray, pressure: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points every ``step`` mm along the path; returns points, pressure and arc length."""
    seg = np.hypot(*np.diff(path, axis=0).T) if len(path) > 1 else np.zeros(0)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    if s[-1] <= step:
        return path, pressure, s
    t = np.linspace(0.0, s[-1], int(np.ceil(s[-1] / step)) + 1)
    pts = np.column_stack([np.interp(t, s, path[:, 0]), np.interp(t, s, path[:, 1])])
    return pts, np.interp(t, s, pressure), t


def _smooth_noise(s: np.ndarray, scale_mm: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth random function of arc length, mean 0, unit spread, features ~ ``scale_mm`` long."""
    knots = np.arange(0.0, s[-1] + 2 * scale_mm, scale_mm) if len(s) else np.zeros(1)
    return np.interp(s, knots, rng.standard_normal(len(knots)))


def _gaps(s: np.ndarray, rate: np.ndarray, lengths: tuple[float, float], rng: np.random.Generator) -> np.ndarray:
    """1 where ink reaches the paper, 0 in the gaps of a skipping pen (rate per mm may vary along s)."""
    keep = np.ones(len(s), np.float32)
    if len(s) < 2 or float(rate.max()) <= 0:
        return keep
    ds = np.diff(s, prepend=s[0])
    starts = rng.random(len(s)) < rate * ds
    for i in np.flatnonzero(starts):
        if s[i] < 0.3 or s[i] > s[-1] - 0.3:
            continue  # the pen has ink where it lands and where it lifts
        gap = rng.uniform(*lengths)
        keep[(s >= s[i]) & (s < s[i] + gap)] = 0.0
    return keep


def draw(
    sheet: Sheet, pen: Pen, path_mm: np.ndarray, pressure: np.ndarray, rng: np.random.Generator, item: int = -1
) -> None:
    """Move ``pen`` along ``path_mm`` (N x 2, page millimetres) with ``pressure`` (0..~1.5) and ink the sheet."""
    s_px = sheet.px_per_mm
    p_in = np.clip(np.asarray(pressure, np.float64) * pen.hand, 0.02, 2.0)
    step = max(0.06, min(0.2, pen.width_mm / 3))
    pts, p, s = _resample(np.asarray(path_mm, np.float64), p_in, step)
    width = pen.width_mm * (1 + pen.pressure_width * (p - 1)) * (1 + 0.05 * _smooth_noise(s, 1.5, rng))
    amount = pen.flow * p**pen.pressure_flow * (1 + 0.08 * _smooth_noise(s, 0.8, rng))
    rate = pen.skips_per_mm + pen.light_skips * np.clip(0.55 - p, 0, None)
    touch = np.clip(p / 0.35, 0.0, 1.0)  # barely touching: the tip meets the paper only now and then
    amount = amount * touch**0.9
    rate = rate + 2.5 * (1 - touch)
    amount = amount * _gaps(s, rate, pen.skip_mm, rng)
    if pen.dry > 0:  # patchy ink along the line: the ball is only partly wetted
        patchy = np.clip(1 - pen.dry * (0.6 + 0.5 * _smooth_noise(s, 0.35, rng)), 0.15, 1.0)
        amount = amount * patchy
    if pen.pooling > 0 and s[-1] > 0:  # the tip rests at both ends
        amount = amount * (1 + pen.pooling * (np.exp(-s / 0.3) + np.exp(-(s[-1] - s) / 0.3)))
    if pen.blob > 0 and rng.random() < pen.blob:  # a gob of paste where the ball lands
        near = np.exp(-s / 0.25)
        amount = amount * (1 + 0.8 * near)
        width = width * (1 + 0.5 * near)
    y0, x0, patch = rasterise(pts * s_px, np.maximum(width * s_px, 0.6), amount.astype(np.float32))
    patch = _surface(patch, pen, s_px, rng)
    sheet.add(InkPatch(y0, x0, patch, pen.od, item))


def _surface(patch: np.ndarray, pen: Pen, s_px: float, rng: np.random.Generator) -> np.ndarray:
    """What the paper surface does to the deposited ink: graphite grain, dry striation, fibre bleed."""
    if pen.grain > 0 or pen.dry > 0:
        tooth = rng.standard_normal(patch.shape).astype(np.float32)
        tooth = cv2.GaussianBlur(tooth, (0, 0), max(0.45, 0.04 * s_px))
        tooth /= float(tooth.std()) + 1e-6
        if pen.grain > 0:  # graphite sticks to the tooth's peaks; pressing harder reaches the valleys
            reach = np.clip(0.45 + 0.6 * tooth + 0.9 * (patch - 0.6), 0.0, 1.0)
            patch = patch * ((1 - pen.grain) + pen.grain * reach)
        if pen.dry > 0:
            patch = patch * np.clip(0.75 + 0.5 * tooth, 0.0, 1.0) ** pen.dry
    if pen.bleed_mm > 0:  # wet ink wicks along paper fibres beyond the line
        sigma = pen.bleed_mm * s_px
        pad = int(3 * sigma) + 2
        big = np.pad(patch, pad)
        fibres = rng.random(big.shape).astype(np.float32)
        fibres = cv2.GaussianBlur(fibres, (0, 0), max(0.5, sigma / 3))
        halo = cv2.GaussianBlur(big, (0, 0), max(0.5, sigma)) * (0.4 + 1.2 * (fibres - 0.5)).clip(0, None)
        big = np.maximum(big, 0.55 * halo)
        return big[pad:-pad, pad:-pad].astype(np.float32)
    return patch.astype(np.float32)


def smudge(
    sheet: Sheet, cx: float, cy: float, rx: float, ry: float, strength: float, rng: np.random.Generator, item: int = -1
) -> None:
    """The grey cloud an eraser leaves: rubber crumbs and smeared pigment, blotchy and soft-edged (mm units)."""
    s = sheet.px_per_mm
    hx, hy = int(rx * s * 1.6) + 2, int(ry * s * 1.6) + 2
    yy, xx = np.mgrid[-hy:hy, -hx:hx].astype(np.float32)
    ang = rng.uniform(-0.6, 0.6)
    u = (xx * np.cos(ang) + yy * np.sin(ang)) / (rx * s)
    v = (-xx * np.sin(ang) + yy * np.cos(ang)) / (ry * s)
    envelope = np.exp(-((u * u + v * v) ** 1.5))
    blot = cv2.GaussianBlur(rng.random(envelope.shape).astype(np.float32), (0, 0), 0.5 * s)
    blot = (blot - blot.min()) / (float(np.ptp(blot)) + 1e-6)
    amount = strength * envelope * (0.4 + 1.2 * blot)
    sheet.add(InkPatch(int(cy * s) - hy, int(cx * s) - hx, amount.astype(np.float32), SMUDGE_OD, item))
