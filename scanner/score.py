"""Measure every box of an aligned page.  Raw numbers only: no thresholds are applied here."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from .align import warp_region
from .model import Alignment, BallotRow, BoxScore, PageImage, Rect, RowScores
from .settings import ReaderSettings


@dataclass(frozen=True, eq=False)
class CanonicalPage:
    """The page resampled upright in template space, with its paper and ink levels."""

    pixels: np.ndarray  # uint8, page mm * px_per_mm
    px_per_mm: float
    paper: float  # grey level of blank paper
    ink: float  # grey level of the printed registration marks

    def darkness(self, region: np.ndarray) -> np.ndarray:
        """0 for paper, 1 for printed black, clipped."""
        span = max(self.paper - self.ink, 1.0)
        return np.clip((self.paper - region.astype(np.float32)) / span, 0.0, 1.0)


def canonical_page(page: PageImage, alignment: Alignment, settings: ReaderSettings) -> CanonicalPage:
    t = alignment.template
    s = settings.canonical_px_per_mm
    pixels = warp_region(page.pixels, alignment.homography, 0, 0, t.page_width_mm, t.page_height_mm, s)
    # black: the marks' one-cell outer border is always black; sample its middle
    samples = []
    for marker in alignment.page.markers:
        r = marker.rect
        cell = r.w_mm / 6
        x0, y0 = int((r.x_mm + cell * 0.25) * s), int((r.y_mm + cell * 0.25) * s)
        x1, y1 = int((r.x_mm + cell * 0.75) * s), int((r.y_mm + r.h_mm - cell * 0.25) * s)
        samples.append(pixels[y0:y1, x0:x1].ravel())
    ink = float(np.median(np.concatenate(samples)))
    paper = float(np.percentile(pixels[::4, ::4], 90))
    return CanonicalPage(pixels, s, paper, ink)


@dataclass(frozen=True)
class _FrameKernel:
    kernel: np.ndarray
    pad: int  # px of outer ring around the box
    ideal: float  # response of a perfectly printed frame


def _frame_kernel(box_px: int, line_px: int) -> _FrameKernel:
    """+1 on the printed frame, negative just inside and just outside it, summing to zero."""
    pad = line_px
    size = box_px + 2 * pad
    kernel = np.zeros((size, size), np.float32)
    frame = np.zeros_like(kernel, dtype=bool)
    frame[pad : pad + box_px, pad : pad + box_px] = True
    frame[pad + line_px : pad + box_px - line_px, pad + line_px : pad + box_px - line_px] = False
    around = np.zeros_like(frame)
    around[:, :] = True
    around[2 * pad : size - 2 * pad, 2 * pad : size - 2 * pad] = False
    around &= ~frame
    kernel[frame] = 1.0
    kernel[around] = -float(frame.sum()) / float(around.sum())
    return _FrameKernel(kernel, pad, float(frame.sum()))


def _locate_box(
    dark: np.ndarray, box: Rect, s: float, search_px: int, fk: _FrameKernel, ox: int, oy: int
) -> tuple[int, int, float]:
    """Offset (px) of the printed frame near ``box``, and its confidence 0..1.

    ``dark`` is the darkness of the canonical page cropped at (``ox``, ``oy``).
    """
    x0 = int(round(box.x_mm * s)) - fk.pad - search_px - ox
    y0 = int(round(box.y_mm * s)) - fk.pad - search_px - oy
    size = fk.kernel.shape[0] + 2 * search_px
    window = dark[max(y0, 0) : y0 + size, max(x0, 0) : x0 + size]
    if window.shape != (size, size):
        return 0, 0, 0.0
    response = cv2.matchTemplate(window, fk.kernel, cv2.TM_CCORR)
    _, peak, _, (px, py) = cv2.minMaxLoc(response)
    return px - search_px, py - search_px, float(peak) / fk.ideal


def _against_paper(pixels: np.ndarray, paper: float, ink_density: float) -> np.ndarray:
    """0 for ``paper``, 1 for ink as dark as the printed black (``ink_density`` of paper), clipped."""
    return np.clip((1.0 - pixels.astype(np.float32) / paper) / ink_density, 0.0, 1.0)


def _cell_fill(
    canon: CanonicalPage, row: BallotRow, box: Rect, dx: int, dy: int, paper: float, ink_density: float,
    settings: ReaderSettings,
) -> tuple[float, float]:  # fmt: skip
    """Shares of the box's table cell (less the box and the grid lines) covered by ink, and by faint ink.

    On a clean ballot this is bare paper; a mark drawn beside the box lands here.
    """
    s = canon.px_per_mm
    gap = settings.cell_inset_mm
    pitch = abs(row.boxes[1].cx_mm - row.boxes[0].cx_mm) if len(row.boxes) > 1 else box.w_mm * 3
    x0, x1 = box.cx_mm - pitch / 2 + gap, box.cx_mm + pitch / 2 - gap
    y0, y1 = row.name_rect.y_mm + gap, row.name_rect.y_mm + row.name_rect.h_mm - gap
    cell = canon.pixels[int(y0 * s) + dy : int(y1 * s) + dy, int(x0 * s) + dx : int(x1 * s) + dx]
    dark = (1.0 - cell.astype(np.float32) / paper) / ink_density
    bx0, by0 = int((box.x_mm - gap - x0) * s), int((box.y_mm - gap - y0) * s)
    bx1, by1 = int((box.x_mm + box.w_mm + gap - x0) * s), int((box.y_mm + box.h_mm + gap - y0) * s)
    dark[max(by0, 0) : by1, max(bx0, 0) : bx1] = 0.0
    free = cell.size - max(by1 - max(by0, 0), 0) * max(bx1 - max(bx0, 0), 0)
    if free <= 0:
        return 0.0, 0.0
    return float((dark >= settings.ink_darkness).sum()) / free, float((dark >= settings.faint_darkness).sum()) / free


@dataclass(frozen=True)
class _RingGeometry:
    """Where a loop drawn round a box is looked for: a window centred on the box, in pixels."""

    half: int  # window half-size
    sector: np.ndarray  # int, sector of each window pixel; -1 where not looked at
    # the bands just inside and just outside the row's rules above and below the box, over the
    # window's width: (inside rows, outside rows, columns looked at), per rule
    rule_bands: tuple[tuple[slice, slice, np.ndarray], ...]

    @staticmethod
    def build(box: Rect, row: BallotRow, line_mm: float, s: float, settings: ReaderSettings) -> _RingGeometry:
        half = int(round((box.w_mm / 2 + settings.ring_reach_mm) * s))
        y, x = np.mgrid[-half : half + 1, -half : half + 1].astype(np.float32) / s  # mm from the box centre
        r = np.hypot(x, y)
        # the printed frame, and what the blur of the scan spreads of it, is never a voter's ink
        frame_out, frame_in = (
            box.w_mm / 2 + settings.ring_frame_clear_mm,
            box.w_mm / 2 - line_mm - settings.ring_frame_clear_mm,
        )
        on_frame = (np.maximum(abs(x), abs(y)) <= frame_out) & (np.maximum(abs(x), abs(y)) >= frame_in)
        # nor what lies past the gap between this row's box and the next row's (the row rule
        # between them is print, and taken away as such)
        gap = box.y_mm - row.name_rect.y_mm
        reach_y = box.h_mm / 2 + 2 * gap - settings.ring_frame_clear_mm
        looked = (r >= settings.ring_inner_mm) & (r <= box.w_mm / 2 + settings.ring_reach_mm) & ~on_frame
        looked &= abs(y) <= reach_y
        sectors = settings.ring_sectors
        sector = (np.floor((np.arctan2(y, x) + np.pi) / (2 * np.pi) * sectors).astype(np.int32)) % sectors
        clear, depth = settings.ring_frame_clear_mm, gap - settings.ring_frame_clear_mm

        def rows_px(a_mm: float, b_mm: float) -> slice:
            return slice(half + int(round(min(a_mm, b_mm) * s)), half + int(round(max(a_mm, b_mm) * s)) + 1)

        # as wide as a loop round the box reaches, clear of the frame's upright sides (their ends,
        # blurred, reach past the frame into the gap towards the rule, in this row and the next)
        across = abs(x[half])
        sides = (across >= box.w_mm / 2 - line_mm - clear) & (across <= box.w_mm / 2 + clear)
        cols = ~sides
        bands = []
        for side in (-1, 1):  # the rule above the box, and below it
            rule = side * (box.h_mm / 2 + gap)
            inside, outside = (
                rows_px(rule - side * clear, rule - side * depth),
                rows_px(rule + side * clear, rule + side * depth),
            )
            bands.append((inside, outside, cols))
        return _RingGeometry(half, np.where(looked, sector, -1), tuple(bands))


@dataclass(frozen=True)
class _RuleGeometry:
    """Where strokes across the row rules above and below a box are looked for: a window centred on
    the box, in pixels, as tall as :class:`_RingGeometry`'s and ``half_x`` each side of it."""

    half_x: int
    # (inside rows, outside rows, columns looked at) for the rule above the box, and below it
    rule_bands: tuple[tuple[slice, slice, np.ndarray], ...]
    # bool, the columns where upright lines are printed (box frames' sides, the table's column
    # rules), with the scan's blur: taken away as print
    print_cols: np.ndarray
    # bool, every printed line of the window (those columns, the frames' tops and bottoms, the row
    # rules), with the blur: a stroke is followed across them in any direction
    print_zone: np.ndarray

    @staticmethod
    def across_the_row(
        ring: _RingGeometry, row: BallotRow, level: int, line_mm: float, s: float, settings: ReaderSettings
    ) -> _RuleGeometry:
        """As wide as from the box to its neighbours' middles (one column's pitch each side): a
        stroke from this box to a box of the next row in the next column crosses the rule half way."""
        box = row.boxes[level]
        pitch = abs(row.boxes[1].cx_mm - row.boxes[0].cx_mm) if len(row.boxes) > 1 else box.w_mm * 3
        half_x = int(round(pitch * s))
        x = np.arange(-half_x, half_x + 1, dtype=np.float32) / s  # mm from the box centre
        reach = line_mm / 2 + settings.ring_frame_clear_mm
        printed = np.zeros(x.shape, bool)
        for b in row.boxes:
            for line in (b.x_mm + line_mm / 2, b.x_mm + b.w_mm - line_mm / 2, b.cx_mm - pitch / 2, b.cx_mm + pitch / 2):
                printed |= abs(x - (line - box.cx_mm)) <= reach
        # (upright print is taken away, so the crossing is looked for over every column: a stroke
        # from one row to the next column's box crosses the rule where a column rule does)
        bands = tuple((inside, outside, np.ones_like(printed)) for inside, outside, _ in ring.rule_bands)
        y = np.arange(-ring.half, ring.half + 1, dtype=np.float32) / s
        gap = box.y_mm - row.name_rect.y_mm
        across = np.zeros(y.shape, bool)
        for line in (box.h_mm / 2 - line_mm / 2, box.h_mm / 2 + gap):
            across |= abs(abs(y) - line) <= reach
        return _RuleGeometry(half_x, bands, printed, across[:, np.newaxis] | printed[np.newaxis, :])


def _drawn_lines(
    window: np.ndarray,
    s: float,
    settings: ReaderSettings,
    cut: float,
    upright_print: bool = True,
    upright_cols: np.ndarray | None = None,
) -> np.ndarray:
    """Where ``window`` (darkness round a box) holds drawn line, as a 0/1 mask.

    Print is straight and long (the frame's sides, the row rules, 7 mm and more): an opening
    along each axis finds it and it is taken away.  What is left counts only where thin (a
    top-hat, as for line ink) and at least ``cut`` dark, so a copier's grey smudge does not.
    Without ``upright_print`` only horizontal print is taken away: between a row's rule and its
    boxes nothing upright is printed, and a pen line drawn straight down from one row's box into
    the next is no print; or upright print only in ``upright_cols``, where it is known to be.
    """
    k = max(int(round(settings.ring_print_mm * s)), 3)
    sizes = ((k, 1), (1, k)) if upright_print or upright_cols is not None else ((k, 1),)
    along = [cv2.morphologyEx(window, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, e)) for e in sizes]
    if upright_cols is not None and not upright_print:
        along[1] = along[1] * upright_cols[np.newaxis, :]
    printed = np.max(along, axis=0)
    drawn = np.clip(window - printed, 0.0, 1.0)
    d = max(3, int(round(settings.stroke_kernel_mm * s)) | 1)
    thin = cv2.morphologyEx(drawn, cv2.MORPH_TOPHAT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (d, d)))
    return (thin >= cut).astype(np.uint8)


def _ring_share(lines: np.ndarray, geometry: _RingGeometry, s: float, settings: ReaderSettings) -> float:
    """Share of the sectors round a box that drawn line (:func:`_drawn_lines`) reaches, in pieces
    of ``ring_piece_mm2`` and ``ring_piece_mm`` or more, so that a copier's speckle does not."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines * (geometry.sector >= 0), connectivity=8)
    pieces = [
        i
        for i in range(1, n)
        if stats[i, cv2.CC_STAT_AREA] >= settings.ring_piece_mm2 * s * s
        and max(stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]) >= settings.ring_piece_mm * s
    ]
    held = np.unique(geometry.sector[np.isin(labels, pieces)]) if pieces else ()
    return round(len(held) / settings.ring_sectors, 4)


def _joinable(
    lines: np.ndarray, zone: np.ndarray | None, s: float, settings: ReaderSettings
) -> tuple[np.ndarray, np.ndarray]:
    """Drawn line (:func:`_drawn_lines`) with its pieces joined across the print taken away: the
    labels of the joined pieces, and the lines left once specks are out.

    A stroke is cut where it crosses printed lines: pieces one above the other within
    ``over_rule_bridge_mm`` are one (the rules, the frames' tops and bottoms), and so are pieces
    within ``over_rule_print_bridge_mm`` of each other in any direction on the printed lines of
    ``zone`` (a stroke crossing a printed line at a shallow slant is cut over a long stretch of
    it).  Specks (under ``over_rule_piece_mm2``) are left out once pieces are joined: the stub of a
    stroke between a frame's corner and the rule may be one.
    """
    bridge = max(int(round(settings.over_rule_bridge_mm * s)), 2) | 1
    closed = cv2.morphologyEx(lines, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    if zone is not None:
        k = max(int(round(settings.over_rule_print_bridge_mm * s)), 3) | 1
        across = cv2.morphologyEx(lines, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        closed = np.where(zone, np.maximum(closed, across), closed).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    keep = np.zeros(n, np.uint8)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= settings.over_rule_piece_mm2 * s * s
    return labels, keep[labels] & lines


def _crossing(ink: np.ndarray, band: tuple[slice, slice, np.ndarray], s: float, settings: ReaderSettings) -> float:
    """mm of a rule where ``ink`` lies just inside it and, within ``over_rule_slant_mm`` across
    (a loop's flat top crosses a rule at a slant), just outside it: one stroke crossing the rule."""
    inside, outside, cols = band
    looked = cols.astype(np.uint8)
    near, far = ink[inside] * looked, ink[outside] * looked
    if not (near.size and far.size):
        return 0.0
    reach = max(int(round(settings.over_rule_slant_mm * s)), 1)
    across = cv2.dilate(far.max(axis=0).reshape(1, -1), np.ones((1, 2 * reach + 1), np.uint8)).ravel()
    return int(np.count_nonzero((near.max(axis=0) > 0) & (across > 0))) / s


def _over_rules(lines: np.ndarray, geometry: _RingGeometry, s: float, settings: ReaderSettings) -> float:
    """mm of the rules above and below the box that drawn line crosses, by any piece, over the
    window round the box: a stroke shared with the next row, such as a loop drawn round its box."""
    _, kept = _joinable(lines, None, s, settings)
    return round(sum(_crossing(kept, band, s, settings) for band in geometry.rule_bands), 2)


def _joined_ink(
    lines: np.ndarray, rule: _RuleGeometry, interior: tuple[slice, slice], s: float, settings: ReaderSettings
) -> np.ndarray:
    """Drawn line joined to the box's scored interior (``interior``, window pixels), across the
    row, as a 0/1 mask: this box's own strokes, however far they run."""
    labels, kept = _joinable(lines, rule.print_zone, s, settings)
    own = np.zeros(int(labels.max()) + 1, np.uint8)
    own[np.unique(labels[interior][labels[interior] > 0])] = 1
    joined: np.ndarray = own[labels] & kept
    return joined


def _shared_ink(
    mine: np.ndarray,
    at: tuple[int, int],
    theirs: np.ndarray,
    their_at: tuple[int, int],
    s: float,
    settings: ReaderSettings,
) -> np.ndarray:
    """Where ``mine`` (a joined-ink mask whose top left corner is at ``at`` on the page) is the same
    ink as ``theirs`` (another box's, at ``their_at``), within ``over_rule_same_ink_mm``: in ``mine``'s
    pixels.  Both masks are measured on the same page pixels, each against its own box's paper."""
    dy, dx = their_at[0] - at[0], their_at[1] - at[1]
    h, w = mine.shape
    placed = np.zeros_like(mine)
    ys, xs = slice(max(dy, 0), min(h, dy + theirs.shape[0])), slice(max(dx, 0), min(w, dx + theirs.shape[1]))
    if ys.start >= ys.stop or xs.start >= xs.stop:
        return placed
    placed[ys, xs] = theirs[ys.start - dy : ys.stop - dy, xs.start - dx : xs.stop - dx]
    k = 2 * max(int(round(settings.over_rule_same_ink_mm * s)), 1) + 1
    return mine & cv2.dilate(placed, np.ones((k, k), np.uint8))


def _thin_ink(local: np.ndarray, interior: tuple[slice, slice], s: float, settings: ReaderSettings) -> np.ndarray:
    """How far the interior's ink stands out from an opening of ``local`` (darkness, ink bright,
    around the box): its top-hat keeps what is narrower than the kernel, pen lines, not the broad
    smudge an eraser leaves."""
    k = max(3, int(round(settings.stroke_kernel_mm * s)) | 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    tophat: np.ndarray = cv2.morphologyEx(local, cv2.MORPH_TOPHAT, disc)[interior]
    return tophat


def _line_ink(
    tophat: np.ndarray, s: float, settings: ReaderSettings, contrast: float
) -> tuple[float, float, int, float]:
    """Share of the interior covered by thin ink (``tophat``, from :func:`_thin_ink`) standing out
    by ``contrast``, how far it reaches (mm), in how many pieces, and how far (mm) it stays above
    or below the interior's middle row."""
    lines = (tophat >= contrast).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= settings.stroke_speck_mm2 * s * s]
    if not keep:
        return 0.0, 0.0, 0, 0.0
    x0 = min(stats[i, cv2.CC_STAT_LEFT] for i in keep)
    y0 = min(stats[i, cv2.CC_STAT_TOP] for i in keep)
    x1 = max(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] for i in keep)
    y1 = max(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] for i in keep)
    area = sum(int(stats[i, cv2.CC_STAT_AREA]) for i in keep)
    middle = lines.shape[0] / 2
    off_middle = max(y0 - middle, middle - y1, 0.0) / s  # 0 when the lines reach the middle row
    return area / lines.size, max(x1 - x0, y1 - y0) / s, len(keep), off_middle


def score_page(page: PageImage, alignment: Alignment, settings: ReaderSettings) -> tuple[RowScores, ...]:
    """BoxScore for every box of the page, row by row."""
    canon = canonical_page(page, alignment, settings)
    return score_canonical(canon, alignment, settings)


def score_canonical(canon: CanonicalPage, alignment: Alignment, settings: ReaderSettings) -> tuple[RowScores, ...]:
    s = canon.px_per_mm
    t = alignment.template
    # darkness only where boxes are, with room for the search and the outside ring
    boxes_all = [b for row in alignment.page.rows for b in row.boxes]
    room = settings.box_search_mm + 2.0
    ox = max(int((min(b.x_mm for b in boxes_all) - room) * s), 0)
    oy = max(int((min(b.y_mm for b in boxes_all) - room) * s), 0)
    x1 = int((max(b.x_mm + b.w_mm for b in boxes_all) + room) * s)
    y1 = int((max(b.y_mm + b.h_mm for b in boxes_all) + room) * s)
    dark = canon.darkness(canon.pixels[oy:y1, ox:x1])
    box_px = int(round(t.pages[0].rows[0].boxes[0].w_mm * s))
    line_px = max(2, int(round(t.box_line_mm * s)))
    fk = _frame_kernel(box_px, line_px)
    search_px = int(round(settings.box_search_mm * s))
    margin_px = line_px + int(round(settings.interior_margin_mm * s))
    ring_paper = int(round(settings.paper_ring_mm * s))
    ink_density = max(1.0 - canon.ink / max(canon.paper, 1.0), 0.2)  # the printed black, relative to paper
    geometry = _RingGeometry.build(alignment.page.rows[0].boxes[0], alignment.page.rows[0], t.box_line_mm, s, settings)
    windows: list[np.ndarray] = []  # round every box, darkness as ``local``: for ``BoxScore.ring``
    first = alignment.page.rows[0]
    rule_geometry = [
        _RuleGeometry.across_the_row(geometry, first, level, t.box_line_mm, s, settings)
        for level in range(len(first.boxes))
    ]
    wides: list[tuple[np.ndarray, tuple[slice, slice], _RuleGeometry, tuple[int, int]] | None] = []
    rows: list[RowScores] = []
    for row in alignment.page.rows:
        located = [_locate_box(dark, b, s, search_px, fk, ox, oy) for b in row.boxes]
        trusted = [(dx, dy) for dx, dy, conf in located if conf >= settings.frame_confidence]
        median = (
            (int(np.median([d[0] for d in trusted])), int(np.median([d[1] for d in trusted]))) if trusted else (0, 0)
        )
        boxes: list[BoxScore] = []
        for level, (box, (dx, dy, conf)) in enumerate(zip(row.boxes, located, strict=True)):
            if conf < settings.frame_confidence or abs(dx - median[0]) > s * 0.5 or abs(dy - median[1]) > s * 0.5:
                dx, dy = median
            x0, y0 = int(round(box.x_mm * s)) + dx - ox, int(round(box.y_mm * s)) + dy - oy
            w, h = int(round(box.w_mm * s)), int(round(box.h_mm * s))
            # darkness relative to the paper right around this box (light falls unevenly)
            gx, gy = x0 + ox, y0 + oy  # in the canonical page
            around = canon.pixels[
                max(gy - ring_paper, 0) : gy + h + ring_paper, max(gx - ring_paper, 0) : gx + w + ring_paper
            ]
            paper = max(float(np.percentile(around, settings.paper_percentile)), 1.0)
            local = _against_paper(around, paper, ink_density)
            lx, ly = gx - max(gx - ring_paper, 0), gy - max(gy - ring_paper, 0)  # box corner within ``local``
            inside = (slice(ly + margin_px, ly + h - margin_px), slice(lx + margin_px, lx + w - margin_px))
            interior = local[inside]
            thin = _thin_ink(local, inside, s, settings)
            stroke, span, pieces, off_middle = _line_ink(thin, s, settings, settings.stroke_contrast)
            light = _line_ink(thin, s, settings, settings.light_stroke_contrast)
            reach = int(round(settings.cell_inset_mm * s))
            band = (
                local[max(ly - reach, 0) : ly + h + reach, max(lx - reach, 0) : lx + w + reach]
                >= settings.faint_darkness
            )
            core = band[ly + margin_px - max(ly - reach, 0) : ly + h - margin_px - max(ly - reach, 0),
                        lx + margin_px - max(lx - reach, 0) : lx + w - margin_px - max(lx - reach, 0)]  # fmt: skip
            edge = (float(band.sum()) - float(core.sum())) / max(band.size - core.size, 1)
            inked = interior >= settings.ink_darkness
            top = max(int(interior.size * settings.peak_share), 1)
            peak = float(np.partition(interior.ravel(), interior.size - top)[-top:].mean()) if interior.size else 0.0
            outside, outside_faint = _cell_fill(canon, row, box, dx, dy, paper, ink_density, settings)
            cx, cy, hw = int(round(box.cx_mm * s)) + dx, int(round(box.cy_mm * s)) + dy, geometry.half
            window = np.zeros((2 * hw + 1, 2 * hw + 1), np.float32)
            part = canon.pixels[max(cy - hw, 0) : cy + hw + 1, max(cx - hw, 0) : cx + hw + 1]
            wy, wx = max(hw - cy, 0), max(hw - cx, 0)
            window[wy : wy + part.shape[0], wx : wx + part.shape[1]] = _against_paper(part, paper, ink_density)
            wy0 = gy + margin_px - (cy - hw)  # the box's scored interior starts this far down the window
            windows.append(window)
            # ... and across the row, for strokes over the rules into the next row (none is joined to
            # an interior with no pixel as dark as the faint cut: most boxes are bare)
            if not (interior >= settings.faint_darkness).any():
                wides.append(None)
            else:
                rule = rule_geometry[level]
                hx = rule.half_x
                wide = np.zeros((2 * hw + 1, 2 * hx + 1), np.float32)
                part = canon.pixels[max(cy - hw, 0) : cy + hw + 1, max(cx - hx, 0) : cx + hx + 1]
                wy, wx = max(hw - cy, 0), max(hx - cx, 0)
                wide[wy : wy + part.shape[0], wx : wx + part.shape[1]] = _against_paper(part, paper, ink_density)
                wx0 = gx + margin_px - (cx - hx)
                inner = (slice(wy0, wy0 + h - 2 * margin_px), slice(wx0, wx0 + w - 2 * margin_px))
                wides.append((wide, inner, rule, (cy - hw, cx - hx)))
            boxes.append(
                BoxScore(
                    level=level,
                    fill=round(float(inked.mean()), 4),
                    faint=round(float((interior >= settings.faint_darkness).mean()), 4),
                    darkness=round(float(interior.mean()), 4),
                    outside=round(outside, 4),
                    outside_faint=round(outside_faint, 4),
                    dx_mm=round(dx / s, 2),
                    dy_mm=round(dy / s, 2),
                    stroke=round(stroke, 4),
                    span_mm=round(span, 2),
                    edge=round(edge, 4),
                    peak=round(peak, 4),
                    peak_levels=round(peak * ink_density * paper, 1),
                    light_stroke=round(light[0], 4),
                    light_span_mm=round(light[1], 2),
                    light_pieces=light[2],
                    pieces=pieces,
                    off_middle_mm=round(off_middle, 2),
                )
            )
        rows.append(RowScores(row.official_index, tuple(boxes)))
    # the page's loops and strokes across rules, from the ink drawn round every box
    found: list[tuple[float, float]] = []
    joined: list[tuple[np.ndarray, tuple[int, int], _RuleGeometry] | None] = []
    lightly: list[tuple[float, ...]] = []  # the light line's crossings, above and below
    for around_box, across_row in zip(windows, wides, strict=True):
        ring = _ring_share(_drawn_lines(around_box, s, settings, settings.faint_darkness), geometry, s, settings)
        drawn = _drawn_lines(around_box, s, settings, settings.ink_darkness, upright_print=False)
        found.append((ring, _over_rules(drawn, geometry, s, settings)))
        if across_row is None:
            joined.append(None)
            lightly.append((0.0, 0.0))
            continue
        wide, wide_interior, rule, at = across_row
        # at the line-ink cut, as a certain mark is read; and at the faint cut, as a light line is
        ink, faint_ink = (
            _joined_ink(
                _drawn_lines(wide, s, settings, cut, upright_print=False, upright_cols=rule.print_cols),
                rule,
                wide_interior,
                s,
                settings,
            )
            for cut in (settings.ink_darkness, settings.faint_darkness)
        )
        lightly.append(tuple(round(_crossing(faint_ink, band, s, settings), 2) for band in rule.rule_bands))
        joined.append((ink, at, rule) if ink[wide_interior].any() else None)
    # ... and which of it is the same ink as a box's across the rule: one stroke through both rows
    starts = np.cumsum([0] + [len(r.boxes) for r in rows]).tolist()
    row_of = [r for r, row in enumerate(rows) for _ in row.boxes]
    crossings: list[tuple[float, float, float, float]] = []
    for i, mine in enumerate(joined):
        if mine is None:
            crossings.append((0.0, 0.0, 0.0, 0.0))
            continue
        ink, at, rule = mine
        rule_above, rule_below = rule.rule_bands
        r = row_of[i]
        shared = [0.0, 0.0]
        for side, (rule_band, other_row) in enumerate(((rule_above, r - 1), (rule_below, r + 1))):
            best = 0.0
            if 0 <= other_row < len(rows):
                for theirs in joined[starts[other_row] : starts[other_row + 1]]:
                    if theirs is not None:
                        same = _shared_ink(ink, at, theirs[0], theirs[1], s, settings)
                        best = max(best, _crossing(same, rule_band, s, settings))
            shared[side] = round(best, 2)
        crossings.append(
            (
                round(_crossing(ink, rule_above, s, settings), 2),
                round(_crossing(ink, rule_below, s, settings), 2),
                shared[0],
                shared[1],
            )
        )
    scored = iter(zip(found, crossings, lightly, strict=True))

    def measured(b: BoxScore) -> BoxScore:
        (ring, over), (above, below, shared_above, shared_below), (light_above, light_below) = next(scored)
        return replace(
            b,
            ring=ring,
            over_rule=over,
            joined_above=above,
            joined_below=below,
            shared_above=shared_above,
            shared_below=shared_below,
            light_joined_above=light_above,
            light_joined_below=light_below,
        )

    return tuple(RowScores(r.official_index, tuple(measured(b) for b in r.boxes)) for r in rows)
