"""Hand movements for every mark a voter makes, in page millimetres.

A movement is a path (N x 2) and the pen pressure along it.  Paths go through a few control
points with a Catmull-Rom spline and then get the hand's tremor: a smooth sideways wobble.
Pressure rises as the pen lands and falls as it lifts (a flick leaves a tapering tail).
Marks are placed as a hurried hand places them: off-centre, sometimes bigger than the box and
across its frame.
"""

from __future__ import annotations

import numpy as np

from .layout import Rect

Move = tuple[np.ndarray, np.ndarray]  # path (N x 2, mm) and pressure (N)


def spline(ctrl: np.ndarray, step: float = 0.15) -> np.ndarray:
    """A Catmull-Rom curve through the control points, sampled about every ``step`` mm."""
    c = np.asarray(ctrl, np.float64)
    if len(c) < 3:
        n = max(2, int(np.hypot(*(c[-1] - c[0])) / step) + 1)
        return np.linspace(c[0], c[-1], n)
    ext = np.vstack([2 * c[0] - c[1], c, 2 * c[-1] - c[-2]])
    out = []
    for i in range(1, len(ext) - 2):
        p0, p1, p2, p3 = ext[i - 1], ext[i], ext[i + 1], ext[i + 2]
        n = max(2, int(np.hypot(*(p2 - p1)) / step) + 1)
        t = np.linspace(0, 1, n, endpoint=False)[:, None]
        out.append(
            0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (3 * p1 - p0 - 3 * p2 + p3) * t**3)
        )
    out.append(c[-1:])
    return np.vstack(out)


def tremor(path: np.ndarray, rng: np.random.Generator, amp: float = 0.06) -> np.ndarray:
    """The hand's small sideways wobble along the path (``amp`` mm)."""
    if len(path) < 3:
        return path
    d = np.gradient(path, axis=0)
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / (np.hypot(d[:, 0], d[:, 1])[:, None] + 1e-9)
    s = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(path, axis=0).T))])
    knots = np.arange(0, s[-1] + 3.0, 1.2)
    wob = np.interp(s, knots, rng.standard_normal(len(knots))) * amp
    return path + normal * wob[:, None]


def pressure(
    n: int, rng: np.random.Generator, level: float = 1.0, land: float = 0.08, lift: float = 0.18
) -> np.ndarray:
    """Pen pressure along ``n`` points: landing, a steady middle with a little variation, lifting."""
    t = np.linspace(0, 1, n)
    up = np.clip(t / max(land, 1e-3), 0, 1) * 0.55 + 0.45
    down = np.clip((1 - t) / max(lift, 1e-3), 0, 1) * rng.uniform(0.5, 0.75) + rng.uniform(0.25, 0.5)
    wav = 1 + 0.08 * np.sin(2 * np.pi * (t * rng.uniform(0.5, 2) + rng.random()))
    return level * np.minimum(up, np.minimum(down, 1.0)) * wav


def move(
    ctrl: list[tuple[float, float]] | np.ndarray, rng: np.random.Generator, level: float = 1.0, amp: float = 0.06
) -> Move:
    path = tremor(spline(np.asarray(ctrl, np.float64)), rng, amp)
    return path, pressure(len(path), rng, level)


def _frame(box: Rect, rng: np.random.Generator, spread: float = 0.7) -> tuple[float, float, float]:
    """Where a hurried hand aims: the box centre give or take, and the mark's size factor."""
    cx = box.cx + float(np.clip(rng.normal(0, spread), -1.8, 1.8))
    cy = box.cy + float(np.clip(rng.normal(0, spread), -1.8, 1.8))
    big = rng.uniform(1.15, 1.45) if rng.random() < 0.12 else 1.0  # some marks overrun the box
    return cx, cy, big


def _rot(pts: np.ndarray, cx: float, cy: float, ang: float) -> np.ndarray:
    c, s = np.cos(ang), np.sin(ang)
    d = pts - (cx, cy)
    return np.column_stack([cx + c * d[:, 0] - s * d[:, 1], cy + s * d[:, 0] + c * d[:, 1]])


def cross(box: Rect, rng: np.random.Generator, level: float = 1.0, size: float | None = None) -> list[Move]:
    """An X: two strokes, each bowed a little, of various sizes and aspect ratios."""
    cx, cy, big = _frame(box, rng)
    size = (size or rng.uniform(4.2, 7.8)) * big
    aspect = rng.uniform(0.72, 1.38)
    hw, hh = size / 2 * np.sqrt(aspect), size / 2 / np.sqrt(aspect)
    ang = rng.uniform(-0.2, 0.2)
    out = []
    for sign in (1, -1):
        a = np.array([cx - hw, cy - sign * hh]) + rng.normal(0, 0.35, 2)
        b = np.array([cx + hw, cy + sign * hh]) + rng.normal(0, 0.35, 2)
        if rng.random() < 0.5:
            a, b = b, a
        mid = (a + b) / 2 + rng.normal(0, 0.25, 2)
        ctrl = _rot(np.array([a, mid, b]), cx, cy, ang)
        out.append(move(ctrl, rng, level))
    return out


def check(
    box: Rect, rng: np.random.Generator, level: float = 1.0, size: float | None = None, style: str | None = None
) -> list[Move]:
    """A check mark: short left arm down, long right arm up; plain, hooked, rounded or with a lead-in."""
    cx, cy, big = _frame(box, rng)
    s = (size or rng.uniform(4.5, 8.0)) * big
    style = style or str(rng.choice(["plain", "hooked", "rounded", "lead-in", "steep"]))
    lean = rng.uniform(-0.15, 0.2)
    vx, vy = cx - rng.uniform(0.1, 0.25) * s, cy + rng.uniform(0.25, 0.4) * s
    sx, sy = vx - rng.uniform(0.2, 0.35) * s, vy - rng.uniform(0.25, 0.45) * s
    ex, ey = vx + rng.uniform(0.5, 0.75) * s, vy - rng.uniform(0.75, 1.0) * s
    if style == "steep":
        ex, ey = vx + rng.uniform(0.3, 0.45) * s, vy - rng.uniform(0.9, 1.1) * s
    pts: list[tuple[float, float]] = [(sx, sy), ((sx + vx) / 2, (sy + vy) / 2 + 0.1), (vx, vy)]
    if style == "hooked":
        pts = [(sx - 0.5, sy + 0.2), (sx - 0.2, sy - 0.4), (sx + 0.2, sy - 0.1), *pts[1:]]
    elif style == "lead-in":
        pts = [(sx - 1.2, sy + 0.5), (sx - 0.5, sy + 0.1), *pts]
    if style == "rounded":
        pts[-1] = (vx + 0.25, vy - 0.1)
        pts.append((vx + 0.7, vy - 0.6))
    pts += [((vx + ex) / 2 + rng.normal(0, 0.2), (vy + ey) / 2 + rng.normal(0, 0.2)), (ex, ey)]
    ctrl = _rot(np.array(pts), cx, cy, lean)
    path, pr = move(ctrl, rng, level)
    pr = pr * np.linspace(1.0, rng.uniform(0.55, 0.9), len(pr))  # the long arm is flicked
    return [(path, pr)]


def slash(box: Rect, rng: np.random.Generator, level: float = 1.0) -> list[Move]:
    """A single diagonal line through the box."""
    cx, cy, big = _frame(box, rng, 0.5)
    s = rng.uniform(5.0, 8.5) * big
    ang = rng.uniform(0.6, 1.0) * (1 if rng.random() < 0.75 else -1)
    dx, dy = np.cos(ang) * s / 2, np.sin(ang) * s / 2
    return [move([(cx - dx, cy + dy), (cx + rng.normal(0, 0.15), cy), (cx + dx, cy - dy)], rng, level)]


def dash(box: Rect, rng: np.random.Generator, level: float = 1.0) -> list[Move]:
    """A horizontal dash across the middle of the box."""
    cx, cy, _ = _frame(box, rng, 0.5)
    hw = rng.uniform(1.9, 3.0)
    tilt = rng.uniform(-0.5, 0.5)
    return [move([(cx - hw, cy + tilt), (cx, cy + rng.normal(0, 0.1)), (cx + hw, cy - tilt)], rng, level * 1.1)]


def vee(box: Rect, rng: np.random.Generator, level: float = 1.0) -> list[Move]:
    """A V drawn in one movement."""
    cx, cy, big = _frame(box, rng)
    hw, hh = rng.uniform(1.8, 3.0) * big, rng.uniform(2.0, 3.0) * big
    bx = cx + rng.normal(0, 0.3)
    return [move([(cx - hw, cy - hh), (bx - 0.15, cy + hh - 0.2), (bx, cy + hh), (cx + hw, cy - hh * 1.1)], rng, level)]


def asterisk(box: Rect, rng: np.random.Generator, level: float = 1.0) -> list[Move]:
    """Three or four short strokes through one point."""
    cx, cy, _ = _frame(box, rng, 0.5)
    n = int(rng.choice([3, 4]))
    base = rng.uniform(0, np.pi)
    out = []
    for k in range(n):
        a = base + k * np.pi / n + rng.normal(0, 0.08)
        r = rng.uniform(2.0, 3.0)
        dx, dy = np.cos(a) * r, np.sin(a) * r
        out.append(move([(cx - dx, cy - dy), (cx + dx, cy + dy)], rng, level))
    return out


def heavy_cross(box: Rect, rng: np.random.Generator, level: float = 1.0) -> list[Move]:
    """An X gone over two or three times, pressed hard."""
    size = rng.uniform(4.5, 7.0)
    out: list[Move] = []
    seed = int(rng.integers(1 << 30))
    for _ in range(int(rng.integers(2, 4))):
        again = np.random.default_rng(seed)  # the same X, re-traced with a slightly shifted hand
        for path, pr in cross(box, again, level * 1.2, size):
            out.append((path + rng.normal(0, 0.2, 2), pr))
    return out


def fill(
    box: Rect,
    rng: np.random.Generator,
    level: float = 1.0,
    pen_mm: float = 0.4,
    heavy: bool = False,
    overrun: float = 0.0,
) -> list[Move]:
    """The box filled in with a back-and-forth hatch (``heavy``: blacked out in several directions)."""
    inset = rng.uniform(0.3, 0.9) - overrun
    x0, x1 = box.x + inset, box.right - inset
    y0, y1 = box.y + inset, box.bottom - inset
    out = []
    passes = int(rng.integers(2, 4)) if heavy else 1
    for k in range(passes):
        ang = rng.uniform(-0.5, 0.5) + k * np.pi / passes
        gap = pen_mm * rng.uniform(1.0, 1.7) if heavy else pen_mm * rng.uniform(1.2, 2.4)
        gap = max(gap, 0.35)
        half = max(x1 - x0, y1 - y0) * 0.75
        offsets = np.arange(-half, half, gap)
        c, s = np.cos(ang), np.sin(ang)
        pts = []
        for i, o in enumerate(offsets):
            ends = [(-half, o), (half, o)] if i % 2 == 0 else [(half, o), (-half, o)]
            for u, v in ends:
                px, py = box.cx + c * u - s * v, box.cy + s * u + c * v
                pts.append((float(np.clip(px, x0, x1)) + rng.normal(0, 0.15), float(np.clip(py, y0, y1))))
        pts_arr = np.array(pts)
        keep = np.ones(len(pts_arr), bool)
        keep[1:] = np.hypot(*np.diff(pts_arr, axis=0).T) > 0.05
        path = tremor(spline(pts_arr[keep], 0.12), rng, 0.05)
        out.append((path, pressure(len(path), rng, level * (1.25 if heavy else 1.0), 0.02, 0.03)))
    return out


def circle(box: Rect, rng: np.random.Generator, level: float = 1.0) -> list[Move]:
    """A loop drawn around the box, not quite round, not always closed, often crossing the frame."""
    cx, cy = box.cx + rng.normal(0, 0.5), box.cy + rng.normal(0, 0.4)
    rx, ry = rng.uniform(4.3, 6.3), rng.uniform(4.0, 5.8)
    start = rng.uniform(0, 2 * np.pi)
    sweep = 2 * np.pi + rng.uniform(-0.35, 0.7)
    t = np.linspace(start, start + sweep, 140)
    wob = 1 + 0.04 * np.sin(3 * t + rng.random() * 6) + np.linspace(0, rng.uniform(-0.08, 0.08), len(t))
    pts = np.column_stack([cx + rx * wob * np.cos(t), cy + ry * wob * np.sin(t)])
    path = tremor(pts, rng, 0.07)
    return [(path, pressure(len(path), rng, level))]


CLEAR_SHAPES = {
    "cross": (cross, 0.33),
    "check": (check, 0.30),
    "heavy-cross": (heavy_cross, 0.05),
    "vee": (vee, 0.06),
    "slash": (slash, 0.06),
    "fill": (fill, 0.06),
    "circle": (circle, 0.06),
    "asterisk": (asterisk, 0.04),
    "dash": (dash, 0.04),
}
