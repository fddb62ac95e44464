"""Hand movements for doubtful marks, struck-out names and writing in the margins.

Doubtful marks are the ones a careful reviewer would not count without a look: a pen rested
on the paper (a dot), a hesitant feather-light tick, an X put beside the box instead of in it,
a sweeping mark that runs from one box into the next.  Struck-out names are one or two pen
lines through the printed name; margin writing is a few words of joined-up handwriting.
"""

from __future__ import annotations

import numpy as np

from .layout import Rect
from .shapes import Move, check, cross, move, pressure, spline, tremor


def dot(box: Rect, rng: np.random.Generator, pen_mm: float) -> list[Move]:
    """The pen set down and lifted: a dot 0.5-1 mm across somewhere inside the box."""
    d = rng.uniform(0.5, 1.0)
    cx = box.cx + rng.uniform(-1.8, 1.8)
    cy = box.cy + rng.uniform(-1.8, 1.8)
    r = max(0.0, (d - pen_mm) / 2)
    if r < 0.05:
        pts = np.array([[cx, cy], [cx + 0.04, cy + 0.02]])
    else:
        t = np.linspace(0, 2 * np.pi * 1.4, 24)
        rr = r * np.linspace(1.0, 0.3, len(t))
        pts = np.column_stack([cx + rr * np.cos(t), cy + rr * np.sin(t)])
    return [(pts, np.full(len(pts), rng.uniform(0.9, 1.2)))]


def faint_tick(box: Rect, rng: np.random.Generator) -> list[Move]:
    """A short hesitant tick made with almost no pressure."""
    moves = check(box, rng, level=rng.uniform(0.12, 0.28), size=rng.uniform(2.2, 3.6))
    return [(tremor(p, rng, 0.08), pr) for p, pr in moves]


def beside(box: Rect, rng: np.random.Generator) -> list[Move]:
    """A small X in the box's cell but outside its frame, clear of it or just touching it."""
    size = rng.uniform(3.0, 4.6)
    hw = size / 2
    gap = rng.uniform(-0.1, 1.6)  # distance from the frame to the X's nearest arm tip
    side = -1 if rng.random() < 0.5 else 1
    cx = box.cx + side * (box.w / 2 + gap + hw)
    cy = box.cy + rng.uniform(-0.8, 0.8)
    moves: list[Move] = []
    for sign in (1, -1):
        a = (cx - hw, cy - sign * hw * rng.uniform(0.8, 1.1))
        b = (cx + hw, cy + sign * hw * rng.uniform(0.8, 1.1))
        moves.append(move([a, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + rng.normal(0, 0.15)), b], rng))
    return moves


def straddle(box: Rect, other: Rect, rng: np.random.Generator) -> list[Move]:
    """A sweeping mark whose body is in ``box`` and whose long tail runs into ``other``."""
    toward = 1 if other.cx > box.cx else -1
    if rng.random() < 0.5:  # a check flung from this box into the next
        vx, vy = box.cx + toward * rng.uniform(0.0, 1.5), box.cy + rng.uniform(1.5, 2.8)
        sx, sy = vx - toward * rng.uniform(1.5, 2.5), vy - rng.uniform(2.0, 3.0)
        ex = other.cx - toward * rng.uniform(0.5, 2.8)
        ey = other.cy - rng.uniform(1.0, 3.0)
        ctrl = [(sx, sy), (vx, vy), ((vx + ex) / 2, (vy + ey) / 2 + 0.8), (ex, ey)]
        path, pr = move(ctrl, rng)
        return [(path, pr * np.linspace(1.0, 0.6, len(pr)))]
    moves = cross(box, rng, size=rng.uniform(5.0, 6.5))  # an X whose arm overshoots into the next box
    tail_x = other.cx - toward * rng.uniform(0.8, 2.5)
    tail_y = other.cy + rng.uniform(-2.5, 2.5)
    path, _ = moves[0]
    end = path[-1] if (path[-1][0] - path[0][0]) * toward > 0 else path[0]
    ext = spline(np.array([end, ((end[0] + tail_x) / 2, (end[1] + tail_y) / 2), (tail_x, tail_y)]))
    ext = tremor(ext, rng, 0.08)
    moves.append((ext, pressure(len(ext), rng, 0.9)))
    return moves


def strike(span: tuple[float, float], area: Rect, rng: np.random.Generator) -> list[Move]:
    """One or two pen lines drawn through a printed name (sometimes a zigzag)."""
    x0 = span[0] - rng.uniform(0.5, 3.5)
    x1 = min(span[1] + rng.uniform(0.5, 5.0), area.right - 1.0)
    y = area.cy + rng.uniform(-0.9, 0.7)
    moves: list[Move] = []
    if rng.random() < 0.15:
        n = int((x1 - x0) / 3)
        xs = np.linspace(x0, x1, max(n, 3))
        ys = y + np.where(np.arange(len(xs)) % 2 == 0, -1.3, 1.3)
        return [move(np.column_stack([xs, ys]), rng, 1.1, 0.1)]
    lines = 2 if rng.random() < 0.25 else 1
    for k in range(lines):
        dy = (k - (lines - 1) / 2) * rng.uniform(0.9, 1.6)
        slope = rng.uniform(-0.025, 0.025)
        a = (x0 + rng.normal(0, 0.6), y + dy)
        b = (x1 + rng.normal(0, 0.6), y + dy + slope * (x1 - x0))
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + rng.normal(0, 0.3))
        moves.append(move([a, mid, b], rng, 1.05, 0.12))
    return moves


def _letter(x: float, base: float, xh: float, rng: np.random.Generator) -> tuple[list[tuple[float, float]], float]:
    """Control points of one joined-up letter starting at ``x`` on the baseline; returns points and advance."""
    kind = str(rng.choice(["n", "e", "o", "l", "a", "i", "u", "g", "t", "m"]))
    w = xh * rng.uniform(0.7, 1.0)
    up = base - xh
    if kind == "n":
        pts = [(x, base), (x + 0.1 * w, up), (x + 0.5 * w, up - 0.1), (x + 0.75 * w, base)]
    elif kind == "m":
        pts = [(x, base), (x + 0.1 * w, up), (x + 0.4 * w, base), (x + 0.7 * w, up), (x + 1.1 * w, base)]
        w *= 1.3
    elif kind == "e":
        pts = [(x, base - 0.4 * xh), (x + 0.7 * w, up + 0.2), (x + 0.3 * w, up), (x + 0.2 * w, base), (x + w, base)]
    elif kind == "o":
        pts = [
            (x + 0.6 * w, up),
            (x + 0.1 * w, up + 0.4 * xh),
            (x + 0.4 * w, base),
            (x + 0.8 * w, up + 0.3),
            (x + 0.6 * w, up),
            (x + w, up + 0.1),
        ]
    elif kind == "l":
        top = base - 2.2 * xh
        pts = [(x, base - 0.3 * xh), (x + 0.6 * w, top), (x + 0.2 * w, top + 0.3), (x + 0.3 * w, base), (x + w, base)]
    elif kind == "t":
        top = base - 1.8 * xh
        pts = [(x + 0.3 * w, top), (x + 0.35 * w, base), (x + w, base - 0.2)]
    elif kind == "g":
        low = base + 1.3 * xh
        pts = [
            (x + 0.7 * w, up),
            (x + 0.1 * w, up + 0.5 * xh),
            (x + 0.7 * w, base - 0.2),
            (x + 0.7 * w, low),
            (x, low - 0.3),
            (x + w, base - 0.4),
        ]
    elif kind == "a":
        pts = [
            (x + 0.7 * w, up + 0.1),
            (x + 0.1 * w, up + 0.5 * xh),
            (x + 0.5 * w, base),
            (x + 0.75 * w, up),
            (x + 0.8 * w, base),
            (x + w, base - 0.2),
        ]
    else:  # "i", "u"
        pts = [(x, base - 0.2), (x + 0.25 * w, up), (x + 0.35 * w, base), (x + 0.7 * w, up + 0.1), (x + w, base)]
    return [(px, py + rng.normal(0, 0.08 * xh)) for px, py in pts], w


def handwriting(x: float, y: float, width: float, rng: np.random.Generator, xh: float | None = None) -> list[Move]:
    """A few joined-up words on a line starting at (x, y baseline), at most ``width`` mm long."""
    xh = xh or rng.uniform(1.8, 2.8)
    slant = rng.uniform(0.1, 0.35)
    moves: list[Move] = []
    cursor = x
    while cursor < x + width - 4 * xh:
        pts: list[tuple[float, float]] = []
        for _ in range(int(rng.integers(2, 7))):
            letter, adv = _letter(cursor, y, xh, rng)
            pts += letter
            cursor += adv
            if cursor > x + width:
                break
        arr = np.array(pts)
        arr[:, 0] += (y - arr[:, 1]) * slant  # letters lean forward
        path = tremor(spline(arr, 0.12), rng, 0.05)
        moves.append((path, pressure(len(path), rng, rng.uniform(0.85, 1.1), 0.02, 0.05)))
        cursor += rng.uniform(1.2, 2.2) * xh  # space between words
    return moves
