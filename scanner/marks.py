"""Hand-drawn marks for the simulator: pens with colour, width and pressure, and the shapes voters draw.

All drawing is subtractive on a BGR page: ink darkens the paper by its colour, with an
opacity that varies along the stroke the way pressure does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .model import Rect


@dataclass(frozen=True)
class Pen:
    name: str
    bgr: tuple[int, int, int]  # colour of a full-pressure line on white paper
    width_mm: tuple[float, float]
    opacity: tuple[float, float]  # 0..1, how much of the paper the ink covers
    grain: float = 0.0  # share of the stroke left uncovered (pencil on paper tooth)


PENS: dict[str, Pen] = {
    "black-ballpoint": Pen("black-ballpoint", (35, 35, 40), (0.3, 0.5), (0.8, 0.95)),
    "blue-ballpoint": Pen("blue-ballpoint", (150, 70, 30), (0.3, 0.5), (0.75, 0.95)),
    "felt-marker": Pen("felt-marker", (25, 25, 25), (0.8, 1.3), (0.9, 1.0)),
    "pencil": Pen("pencil", (95, 95, 100), (0.4, 0.7), (0.55, 0.8), grain=0.3),
    "red-ink": Pen("red-ink", (45, 45, 205), (0.3, 0.5), (0.8, 0.95)),
    "green-ink": Pen("green-ink", (60, 140, 35), (0.3, 0.5), (0.8, 0.95)),
    "gel-pen": Pen("gel-pen", (110, 40, 25), (0.4, 0.6), (0.85, 1.0)),
}

CLEAR_MARKS = ("cross", "cross-large", "cross-small", "tick", "slash", "plus", "fill", "circle")
DOUBTFUL_MARKS = ("dot", "faint-stroke", "erased", "outside")


class Ink:
    """Strokes on a patch of a BGR page, drawn into a coverage mask and laid on at the end."""

    def __init__(self, page: np.ndarray, px_per_mm: float, rng: np.random.Generator) -> None:
        self.page = page
        self.s = px_per_mm
        self.rng = rng

    def stroke(self, points_mm: np.ndarray, pen: Pen, pressure: float = 1.0) -> None:
        """A stroke through ``points_mm`` with a wobble, varying width and varying pressure."""
        rng, s = self.rng, self.s
        dense = []
        for a, b in zip(points_mm[:-1], points_mm[1:], strict=True):
            steps = max(int(np.hypot(*(b - a)) / 0.3), 2)
            dense.append(np.linspace(a, b, steps, endpoint=False))
        dense.append(points_mm[-1:])
        path = np.vstack(dense)
        path = path + np.cumsum(rng.normal(0, 0.03, path.shape), axis=0)
        lo = np.floor(path.min(axis=0) - 3).astype(int)
        hi = np.ceil(path.max(axis=0) + 3).astype(int)
        x0, y0 = max(int(lo[0] * s), 0), max(int(lo[1] * s), 0)
        x1 = min(int(hi[0] * s), self.page.shape[1])
        y1 = min(int(hi[1] * s), self.page.shape[0])
        if x1 <= x0 or y1 <= y0:
            return
        mask = np.zeros((y1 - y0, x1 - x0), np.float32)
        width = rng.uniform(*pen.width_mm) * s
        base = rng.uniform(*pen.opacity) * pressure
        phase = rng.uniform(0, 6.28)
        n = len(path)
        for i, (p, q) in enumerate(zip(path[:-1], path[1:], strict=True)):
            # pressure rises at the start and fades at the end of a stroke, with a slow wander
            envelope = min(1.0, (i + 1) / (0.15 * n + 1), (n - i) / (0.2 * n + 1))
            alpha = base * (0.75 + 0.25 * envelope) * (0.9 + 0.1 * np.sin(phase + i / 6))
            w = max(1, int(round(width * (0.8 + 0.3 * envelope))))
            a = (int(round((p[0] * s - x0) * 4)), int(round((p[1] * s - y0) * 4)))
            b = (int(round((q[0] * s - x0) * 4)), int(round((q[1] * s - y0) * 4)))
            segment = np.zeros_like(mask)
            cv2.line(segment, a, b, float(alpha), w, cv2.LINE_AA, 2)
            np.maximum(mask, segment, out=mask)
        if pen.grain:
            mask = mask * np.asarray(rng.random(mask.shape) > pen.grain, np.float32)
        self._lay(mask, pen.bgr, x0, y0)

    def blot(self, centre_mm: tuple[float, float], radius_mm: float, bgr: tuple[int, int, int], opacity: float) -> None:
        """A soft round smudge (an eraser's leftovers, a dot)."""
        s = self.s
        r = int(radius_mm * s * 2) + 2
        cx, cy = int(centre_mm[0] * s), int(centre_mm[1] * s)
        x0, y0 = max(cx - r, 0), max(cy - r, 0)
        mask = np.zeros((2 * r, 2 * r), np.float32)
        cv2.circle(mask, (r, r), max(int(radius_mm * s), 1), float(opacity), -1, cv2.LINE_AA)
        soft = np.asarray(cv2.GaussianBlur(mask, (0, 0), max(radius_mm * s / 3, 0.5)), np.float32)
        mask = soft[: self.page.shape[0] - y0, : self.page.shape[1] - x0]
        self._lay(mask, bgr, x0, y0)

    def _lay(self, mask: np.ndarray, bgr: tuple[int, int, int], x0: int, y0: int) -> None:
        h, w = mask.shape
        region = self.page[y0 : y0 + h, x0 : x0 + w].astype(np.float32)
        ink = np.array(bgr, np.float32) / 255.0
        # subtractive: paper * (1 - coverage * (1 - ink colour))
        region *= 1.0 - mask[:, :, None] * (1.0 - ink[None, None, :])
        self.page[y0 : y0 + h, x0 : x0 + w] = np.clip(region, 0, 255).astype(np.uint8)


def _jitter(rng: np.random.Generator, points: list[tuple[float, float]], mm: float) -> np.ndarray:
    return np.array(points, float) + rng.normal(0, mm, (len(points), 2))


def draw(ink: Ink, box: Rect, kind: str, pen: Pen) -> None:
    """Draw a mark of ``kind`` in (or around) ``box``."""
    rng = ink.rng
    cx = box.cx_mm + rng.normal(0, 0.25)
    cy = box.cy_mm + rng.normal(0, 0.25)
    h = box.w_mm / 2
    shapes: dict[str, Callable[[], None]] = {
        "cross": lambda: _cross(ink, cx, cy, h * rng.uniform(0.6, 0.85), pen),
        "cross-large": lambda: _cross(ink, cx, cy, h * rng.uniform(1.1, 1.5), pen),
        "cross-small": lambda: _cross(ink, cx, cy, h * rng.uniform(0.35, 0.5), pen),
        "tick": lambda: ink.stroke(
            _jitter(rng, [(cx - 0.7 * h, cy), (cx - 0.2 * h, cy + 0.6 * h), (cx + 0.9 * h, cy - 0.9 * h)], 0.15), pen
        ),
        "slash": lambda: ink.stroke(
            _jitter(rng, [(cx - 0.7 * h, cy + 0.7 * h), (cx + 0.7 * h, cy - 0.7 * h)], 0.15), pen
        ),
        "plus": lambda: _plus(ink, cx, cy, h * 0.7, pen),
        "fill": lambda: _scribble(ink, cx, cy, h * 0.8, pen),
        "circle": lambda: ink.stroke(
            _jitter(rng, [(cx + 0.6 * h * np.cos(t), cy + 0.6 * h * np.sin(t)) for t in np.linspace(0, 6.6, 24)], 0.08),
            pen,
        ),
        # doubtful, but visible on the page: a person looking at the scan can see them
        "dot": lambda: ink.blot((cx, cy), rng.uniform(0.4, 0.6), pen.bgr, rng.uniform(0.8, 1.0)),
        # faint whatever the pen: about a third of the paper's light taken, like a hesitant pencil touch
        "faint-stroke": lambda: ink.stroke(
            _jitter(rng, [(cx - 0.4 * h, cy + 0.3 * h), (cx + 0.4 * h, cy - 0.3 * h)], 0.1),
            pen,
            pressure=float(rng.uniform(0.28, 0.38)) / max(pen.opacity),
        ),
        "erased": lambda: _erased(ink, cx, cy, h, pen),
        "outside": lambda: _outside(ink, box, pen),
    }
    if kind not in shapes:
        raise ValueError(f"unknown mark {kind!r}")
    shapes[kind]()


def _cross(ink: Ink, cx: float, cy: float, half: float, pen: Pen, pressure: float = 1.0) -> None:
    j = 0.08 * half
    ink.stroke(_jitter(ink.rng, [(cx - half, cy - half), (cx + half, cy + half)], j), pen, pressure)
    ink.stroke(_jitter(ink.rng, [(cx + half, cy - half), (cx - half, cy + half)], j), pen, pressure)


def _plus(ink: Ink, cx: float, cy: float, half: float, pen: Pen) -> None:
    ink.stroke(_jitter(ink.rng, [(cx - half, cy), (cx + half, cy)], 0.12), pen)
    ink.stroke(_jitter(ink.rng, [(cx, cy - half), (cx, cy + half)], 0.12), pen)


def _erased(ink: Ink, cx: float, cy: float, half: float, pen: Pen) -> None:
    """What is left of a cross rubbed out: a ghost of its strokes in a grey smudge."""
    _cross(ink, cx, cy, half * 0.7, pen, pressure=0.18)
    ink.blot((cx, cy), half * 0.8, (120, 120, 125), float(ink.rng.uniform(0.12, 0.22)))


def _scribble(ink: Ink, cx: float, cy: float, half: float, pen: Pen) -> None:
    step = max(min(pen.width_mm) * 0.8, 0.3)
    rows = np.arange(cy - half, cy + half, step)
    points = [(cx - half if i % 2 == 0 else cx + half, y) for i, y in enumerate(rows)]
    ink.stroke(_jitter(ink.rng, points, 0.1), pen)


def _outside(ink: Ink, box: Rect, pen: Pen) -> None:
    """A tick drawn beside the box, its tail crossing the border a little way in."""
    rng = ink.rng
    side = rng.choice([-1, 1])
    x_edge = box.x_mm if side < 0 else box.x_mm + box.w_mm
    x_out = x_edge + side * rng.uniform(3.0, 5.0)
    y = box.cy_mm + rng.normal(0, 0.5)
    points = [(x_out - side * 0.5, y - 1.5), (x_out, y + 1.0), (x_edge - side * rng.uniform(0.5, 1.2), y - 1.0)]
    ink.stroke(_jitter(rng, points, 0.1), pen)


def scribble_over(ink: Ink, box: Rect, pen: Pen) -> None:
    """A correction: the box blacked out with a dense zigzag that spills over its edges."""
    _scribble(ink, box.cx_mm, box.cy_mm, box.w_mm * 0.6, pen)
    _scribble(ink, box.cx_mm + 0.2, box.cy_mm + 0.2, box.w_mm * 0.55, pen)


def strike_out(ink: Ink, area: Rect, pen: Pen) -> None:
    """A line through a printed name."""
    y = area.cy_mm + ink.rng.normal(0, 0.4)
    ink.stroke(
        _jitter(ink.rng, [(area.x_mm + 2, y), (area.x_mm + area.w_mm * 0.55, y + ink.rng.normal(0, 0.5))], 0.1), pen
    )


def margin_writing(ink: Ink, x_mm: float, y_mm: float, pen: Pen) -> None:
    """A few words of handwriting: loops along a line."""
    rng = ink.rng
    t = np.linspace(0, rng.uniform(18, 30), 90)
    points = np.stack([x_mm + t * 1.2, y_mm + 1.2 * np.sin(t * 2.2) + rng.normal(0, 0.1, t.size)], axis=1)
    ink.stroke(points, pen)
