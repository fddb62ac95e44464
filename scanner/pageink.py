"""Ink on a page where no vote belongs: a printed name struck out, writing in the margins.

Raw measurements only; :mod:`scanner.classify` decides what they mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .model import Alignment, BallotRow
from .score import CanonicalPage
from .settings import ReaderSettings


@dataclass(frozen=True)
class PageInk:
    strike_mm: float  # the longest horizontal line drawn across any row's printed name, in mm
    strike_row: int | None  # the official whose name it crosses
    margin_ink_mm2: float  # handwriting-sized ink in the margins, mm²
    # 0..1, share of the table's printed horizontal rules missing: a 1-bit scan whose threshold
    # was too dark breaks thin printed lines into dashes, and a light pen's strokes with them
    rule_gaps: float = 0.0
    # the longest light line through a printed name seen only in the gaps between its words, in
    # mm, and the official whose name it crosses (see _gap_lines)
    gap_line_mm: float = 0.0
    gap_line_row: int | None = None
    # the level columns a straight line runs down, through the paper between one row's box and
    # the next's all the way: a scanner's streak (or a ruler's line), which passes through every
    # box of the column and reads as a stroke in each (see _column_streaks)
    streak_levels: tuple[int, ...] = ()


def _darkness(pixels: np.ndarray, ink_density: float, background_px: int) -> np.ndarray:
    """Darkness against the paper around it, 0 for paper and 1 for printed black.

    The brightest pixel within ``background_px`` is paper wherever pen lines and letters are
    thinner than that, even in a shadow or a gradient.
    """
    paper = cv2.dilate(pixels, np.ones((background_px, background_px), np.uint8)).astype(np.float32)
    return np.clip((1.0 - pixels.astype(np.float32) / np.maximum(paper, 1.0)) / ink_density, 0.0, 1.0)


def measure_page_ink(canon: CanonicalPage, alignment: Alignment, settings: ReaderSettings) -> PageInk:
    s = canon.px_per_mm
    ink_density = max(1.0 - canon.ink / max(canon.paper, 1.0), 0.2)
    # a strike: a horizontal run longer than any printed letter, inside the name and position cells
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (int(settings.strike_kernel_mm * s), 1))
    longest, where = 0.0, None
    background = int(settings.background_mm * s) | 1
    inset = settings.cell_inset_mm + 0.4
    thin = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(settings.strike_thickness_mm * s))))
    gap = cv2.getStructuringElement(cv2.MORPH_RECT, (max(1, int(settings.strike_gap_mm * s)), 1))
    # ink must stand out of the paper's own noise: a photocopy's grey speckle joins letters and
    # words into long lines at the usual cut
    noise = _paper_noise(canon, alignment, ink_density, settings)
    rules = tuple(sorted({r.name_rect.y_mm for r in alignment.page.rows}
                         | {r.name_rect.y_mm + r.name_rect.h_mm for r in alignment.page.rows}))  # fmt: skip
    # bare paper a streak crosses and a pen line through a name does not: the margins beside the table
    left, right = _table_edges(alignment)
    margins = (
        (settings.margin_edge_mm, left - 1.5),
        (right + 1.5, alignment.template.page_width_mm - settings.margin_edge_mm),
    )
    strips: dict[int, tuple[float, np.ndarray]] = {}

    def streak(row: BallotRow, xs: np.ndarray, ys: np.ndarray) -> bool:
        """Whether the line through ``row`` at (xs, ys) (mm) is a scanner streak across the whole row.

        The page's full width round the row is made once, when a line is first found: a crease or
        a skewed streak crosses the row at a slant and carries on through the rows above or below.
        """
        if row.official_index not in strips:
            r = row.name_rect
            top = max(r.y_mm - settings.strike_streak_reach_mm, 0.0)
            around = canon.pixels[int(top * s) : int((r.y_mm + r.h_mm + settings.strike_streak_reach_mm) * s)]
            strips[row.official_index] = (top, _darkness(around, ink_density, background))
        top, strip = strips[row.official_index]
        return _runs_on(strip, top, row, rules, margins, xs, ys, s, settings)

    for row in alignment.page.rows:
        r = row.name_rect
        band = max(inset, settings.strike_band_inset_mm)
        y0, y1 = int((r.y_mm + band) * s), int((r.y_mm + r.h_mm - band) * s)
        x0, x1 = int((r.x_mm + inset) * s), int((r.x_mm + r.w_mm - inset) * s)
        dark = _darkness(canon.pixels[y0:y1, x0:x1], ink_density, background)
        # three looks: the ink as it is (a felt-tip line as thick as a letter), only what is
        # thinner than a letter is tall, with small gaps closed (a grainy pencil line), and ink
        # joined into one piece wider than any printed word over the cell's whole height (a wavy
        # or arched line through the letters, which has no long straight run near the middle)
        flat = dark - cv2.morphologyEx(dark, cv2.MORPH_OPEN, thin)
        tall_y0 = int((r.y_mm + inset) * s)
        tall = _darkness(canon.pixels[tall_y0 : int((r.y_mm + r.h_mm - inset) * s), x0:x1], ink_density, background)
        # the speckle can be patchy: the cell's own paper counts too (printing covers far less of it)
        speckle = max(noise, float(np.percentile(tall, settings.strike_cell_noise_percentile)))
        cut = max(settings.strike_darkness, speckle + settings.strike_noise_margin)
        # ink joined across words must be darker still: speckle chains letters to the cell's rule
        joined = max(settings.strike_joined_darkness, speckle + 2 * settings.strike_noise_margin)
        looks = ((dark, y0, False, True, cut), (flat, y0, True, True, cut), (tall, tall_y0, False, False, joined))
        # each look's longest line that is no streak, and the streaks found: the looks see one
        # streak at slightly different heights and thicknesses, and may follow one of them off it
        lines_seen: list[tuple[float, float, float, float]] = []  # (length, middle y, x from, x to), mm
        streaks_seen: list[tuple[float, float, float]] = []  # (middle y, x from, x to), mm
        for source, top, bridge, straight, at in looks:
            inked = (source >= at).astype(np.uint8)
            mask = cv2.dilate(inked, np.ones((3, 1), np.uint8))  # tolerate a slightly sloping line
            if bridge:
                mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, gap)
            lines = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel) if straight else mask
            # the longest single line: separate pieces (words of bold letters) do not add up
            count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
            for piece in sorted(range(1, count), key=lambda i: -int(stats[i, cv2.CC_STAT_WIDTH])):
                length = float(stats[piece, cv2.CC_STAT_WIDTH]) / s
                if length <= longest:
                    break
                ys, xs = np.nonzero(labels == piece)
                xs_mm, ys_mm = (xs + x0) / s, (ys + top) / s
                span = (float(np.median(ys_mm)), float(xs_mm.min()), float(xs_mm.max()))
                if not streak(row, xs_mm, ys_mm):
                    lines_seen.append((length, *span))
                    break
                streaks_seen.append(span)  # a scanner streak across the whole row, not a pen through the name
        for length, y, a, b in sorted(lines_seen, reverse=True):
            on_streak = any(
                abs(y - sy) <= settings.strike_thickness_mm and min(b, sb) - max(a, sa) >= 0.5 * min(b - a, sb - sa)
                for sy, sa, sb in streaks_seen
            )
            if not on_streak:  # (a line along a streak another look followed across the row is that streak)
                longest, where = length, row.official_index
                break

    # a light line the looks above break into pieces shorter than a word, seen where no letter is
    # printed: in the gaps between words and beside the name
    gap_reach = _gap_lines(canon, alignment, ink_density, settings, streak)
    gap_longest = max(gap_reach, default=0.0)
    gap_where = alignment.page.rows[gap_reach.index(gap_longest)].official_index if gap_longest > 0 else None
    margin = _margin_ink(canon, alignment, ink_density, settings)
    gaps = _rule_gaps(canon, alignment, ink_density, settings)
    streaks = _column_streaks(canon, alignment, ink_density, settings)
    return PageInk(
        round(longest, 2), where, round(margin, 2), round(gaps, 4), round(gap_longest, 2), gap_where, streaks
    )


def _column_streaks(
    canon: CanonicalPage, alignment: Alignment, ink_density: float, settings: ReaderSettings
) -> tuple[int, ...]:
    """The levels whose column of boxes a straight line runs down, from box to box.

    Between one row's box and the next one's, the paper is bare but for the printed rule across
    it.  A voter's stroke reaches into a gap or two round its own box; a scanner's streak (or a
    line drawn with a ruler) is in every gap, at the same place across the page, give or take
    the sheet's skew.  Each gap's darkness is averaged down its height (printed lines masked: any
    line of pixels whose median across the column is dark), and a line is followed from gap to
    gap within ``column_streak_drift_mm``; one found in ``column_streak_min_gaps`` gaps in a row
    (and ``column_streak_share`` of them) runs down the column.
    """
    s = canon.px_per_mm
    rows = alignment.page.rows
    if len(rows) < 2 or len({len(r.boxes) for r in rows}) != 1:
        return ()
    background = int(settings.background_mm * s) | 1
    drift = max(1, int(round(settings.column_streak_drift_mm * s)))
    clear = settings.column_streak_clear_mm
    pad = background // 2 + 1  # paper round each gap, for its darkness
    found = []
    for level in range(len(rows[0].boxes)):
        boxes = sorted((r.boxes[level] for r in rows), key=lambda b: b.y_mm)
        # across the boxes' scored interiors only: a frame's side, a little out of place on a
        # warped photo, pokes into every gap at one place too
        x0 = max(int((min(b.x_mm for b in boxes) + settings.interior_margin_mm) * s), 0)
        x1 = int((max(b.x_mm + b.w_mm for b in boxes) - settings.interior_margin_mm) * s)
        profiles = []
        for above, below in zip(boxes, boxes[1:], strict=False):
            y0, y1 = int((above.y_mm + above.h_mm + clear) * s), int((below.y_mm - clear) * s)
            top = max(y0 - pad, 0)
            region = canon.pixels[top : y1 + pad, x0:x1]
            if y1 <= y0 or region.size == 0:
                return ()
            dark = _darkness(region, ink_density, background)[y0 - top : y1 - top]
            paper_rows = np.median(dark, axis=1) < settings.column_streak_darkness  # not a printed line
            if not paper_rows.any():
                profiles.append(np.zeros(dark.shape[1], np.float32))
                continue
            profiles.append(dark[paper_rows].mean(axis=0))
        run = np.zeros(x1 - x0, np.int32)
        longest = 0
        for profile in profiles:
            inked = profile >= settings.column_streak_darkness
            carried = cv2.dilate(run.astype(np.float32)[None, :], np.ones((1, 2 * drift + 1), np.uint8))[0]
            run = np.where(inked, carried.astype(np.int32) + 1, 0)
            longest = max(longest, int(run.max(initial=0)))
        if longest >= max(settings.column_streak_min_gaps, settings.column_streak_share * len(profiles)):
            found.append(level)
    return tuple(found)


def _gap_lines(
    canon: CanonicalPage, alignment: Alignment, ink_density: float, settings: ReaderSettings,
    streak: Callable[[BallotRow, np.ndarray, np.ndarray], bool],
) -> list[float]:  # fmt: skip
    """Per row, the reach (mm, 0 for none) of a thin line through the name seen in the columns no
    printed letter reaches.

    Printed letters are black; a dry ballpoint's line through them is far lighter, and its pieces
    between the letters are too short for a strike.  Where no letter is printed (the gaps between
    words, the paper beside the name), print leaves nothing on one line and a pen line is there in
    every gap.  Each column clear of print gets the row, within the strike band, where the ink
    (averaged ``strike_gap_blur_mm`` along the row) is darkest against the paper
    ``strike_gap_side_mm`` above and below it; a column counts when that stands
    ``strike_gap_margin`` above the page's usual column (the grain of its paper).  The best
    straight line through them (slope up to ``strike_gap_slope``, within
    ``strike_gap_tolerance_mm``) is followed along the clear columns, over at most
    ``strike_gap_miss_mm`` of clear paper off it at a time; it must lie in ``strike_gap_share`` of
    the clear columns it passes, and in ``strike_gap_cover_mm`` of them in all.  A line that is
    also there in the bare paper between the row's boxes and in both margins
    (``strike_streak_share`` of each), or that ``streak`` (given the row and the line's points,
    mm) finds carrying on across the sheet, is a scanner's streak or a crease, not a pen.
    """
    s = canon.px_per_mm
    # (paper from farther round than for the other looks: a roller's grey patch as tall as that
    # window would be its own paper in the middle, leaving its edges as two lines)
    background = int(settings.strike_gap_background_mm * s) | 1
    inset = settings.cell_inset_mm + 0.4
    clear = max(int(round(settings.strike_gap_print_clear_mm * s)), 1) | 1
    blur = max(int(round(settings.strike_gap_blur_mm * s)), 1) | 1
    side = max(int(round(settings.strike_gap_side_mm * s)), 1)
    thin = max(int(round(settings.strike_gap_side_mm * s / 2)), 1) | 1
    tops: dict[int, int] = {}
    left_edge, right_edge = _table_edges(alignment)
    margins = (
        [(settings.margin_edge_mm, left_edge - 1.5)],
        [(right_edge + 1.5, alignment.template.page_width_mm - settings.margin_edge_mm)],
    )

    def line_contrast(top: int, bottom: int) -> tuple[np.ndarray, np.ndarray]:
        """Over the sheet's rows ``top:bottom``: how far the ink, averaged along the row, stands out
        of the paper above and below it; and where no print is."""
        # a scanner's white streak, thinner than a pen line, is no paper (taken as such, it makes
        # the paper beside it look inked)
        rows = cv2.morphologyEx(canon.pixels[max(top, 0) : bottom], cv2.MORPH_OPEN, np.ones((thin, 1), np.uint8))
        dark = _darkness(rows, ink_density, background)
        printed = cv2.dilate(
            (dark >= settings.strike_gap_print_darkness).astype(np.uint8), np.ones((clear, clear), np.uint8)
        )
        free = 1.0 - printed.astype(np.float32)
        # the ink along the row, from the paper only (letters would darken a gap beside them)
        share = cv2.blur(free, (blur, 1))
        along = np.where(share > 0.3, cv2.blur(dark * free, (blur, 1)) / np.maximum(share, 1e-6), 0.0)
        above, below = np.zeros_like(along), np.zeros_like(along)
        above[side:], below[:-side] = along[:-side], along[side:]
        return along - np.maximum(above, below), free

    found = []
    for row in alignment.page.rows:
        r = row.name_rect
        y0, y1 = int((r.y_mm + inset) * s), int((r.y_mm + r.h_mm - inset) * s)
        x0, x1 = int((r.x_mm + inset) * s), int((r.x_mm + r.w_mm - inset) * s)
        contrast, free = line_contrast(y0, y1)
        band = slice(
            int((settings.strike_band_inset_mm - inset) * s), int((r.h_mm - settings.strike_band_inset_mm - inset) * s)
        )
        looked = contrast[band]
        open_cols = np.nonzero(free[band].min(axis=0) > 0)[0]
        found.append((row, looked, open_cols[(open_cols >= x0) & (open_cols < x1)]))
        tops[row.official_index] = y0 + band.start
    # the usual darkest point of a clear column of the names: the paper's grain (the page's, when
    # a line through most of a row's clear columns raises the row's own)
    usual = [float(np.median(looked.max(axis=0)[cols])) if len(cols) else None for _, looked, cols in found]
    page_usual = float(np.median([u for u in usual if u is not None] or [0.0]))
    lines = []
    for (row, looked, cols), u in zip(found, usual, strict=True):
        at = min(page_usual if u is None else u, page_usual) + settings.strike_gap_margin
        ys = looked.argmax(axis=0)
        reach, slope, offset, on = _follow_gap_line(ys, looked.max(axis=0), cols, at, s, settings)
        between = _bare_spans(row, settings.cell_inset_mm + settings.strike_streak_clear_mm)
        if reach > 0:
            # looked for over the rows round the row too: a skewed sheet tilts a streak out of the band
            top = tops[row.official_index]
            lift = min(int(round(settings.strike_streak_reach_mm * s)), top)
            around, _ = line_contrast(top - lift, top + looked.shape[0] + lift)
            if all(
                _line_there(around, spans, slope, offset + lift, at, s, settings) for spans in (between, *margins)
            ) or streak(row, on / s, (ys[on] + top) / s):
                reach = 0.0  # a streak across the sheet
        lines.append(reach)
    return lines


def _line_there(
    looked: np.ndarray, spans: list[tuple[float, float]], slope: float, offset: float, at: float, s: float,
    settings: ReaderSettings,
) -> bool:  # fmt: skip
    """Whether a line (y = slope * x + offset, pixels of ``looked``) carries on over the x ranges
    ``spans`` (mm): standing ``at`` or more out of the paper, within the tolerance, over
    ``strike_streak_share`` of their columns."""
    cols = np.concatenate([np.arange(int(a * s), int(b * s)) for a, b in spans if b > a] or [np.zeros(0, int)])
    cols = cols[(cols >= 0) & (cols < looked.shape[1])]
    if not len(cols):
        return False
    reach = max(int(round(settings.strike_gap_tolerance_mm * s)), 1)
    hit = 0
    for col, y in zip(cols.tolist(), np.round(slope * cols + offset).astype(int).tolist(), strict=True):
        top, bottom = max(y - reach, 0), min(y + reach + 1, looked.shape[0])
        hit += bottom > top and float(looked[top:bottom, col].max()) >= at
    return hit >= settings.strike_streak_share * len(cols)


def _follow_gap_line(
    ys: np.ndarray, values: np.ndarray, clear: np.ndarray, at: float, s: float, settings: ReaderSettings
) -> tuple[float, float, float, np.ndarray]:
    """The longest run of one straight line through a row's clear columns (see :func:`_gap_lines`):
    its reach (mm, 0 when it is no strike), slope and offset (pixels), and the columns on it."""
    inked = clear[values[clear] >= at] if len(clear) else clear
    if len(inked) < 3:
        return 0.0, 0.0, 0.0, inked[:0]
    x, y = inked.astype(np.float32), ys[inked].astype(np.float32)
    tolerance = settings.strike_gap_tolerance_mm * s
    best, fit = np.zeros(len(inked), bool), (0.0, 0.0)
    for slope in np.linspace(-settings.strike_gap_slope, settings.strike_gap_slope, 25):
        offset = y - slope * x
        for level in np.unique(np.round(offset)):
            on = np.abs(offset - level) <= tolerance
            if on.sum() > best.sum():
                best, fit = on, (float(slope), float(level))
    on_line = np.zeros(int(clear.max()) + 1, bool)
    on_line[inked[best]] = True
    # follow it along the clear columns (where letters are printed the line is hidden under them),
    # over at most ``miss`` clear columns off it at a time
    miss = max(int(round(settings.strike_gap_miss_mm * s)), 1)
    runs: list[tuple[int, int, int]] = []  # (columns on the line, first, last)
    count, first, last, off = 0, -1, -1, 0
    for col in clear.tolist():
        if on_line[col]:
            count, first, last, off = (count + 1, first if count else col, col, 0)
        elif count:
            off += 1
            if off > miss:
                runs.append((count, first, last))
                count, off = 0, 0
    if count:
        runs.append((count, first, last))
    count, first, last = max(runs, key=lambda run: (run[2] - run[1], run[0]))
    passed = int(np.count_nonzero((clear >= first) & (clear <= last)))
    if count / s < settings.strike_gap_cover_mm or count < settings.strike_gap_share * passed:
        return 0.0, 0.0, 0.0, inked[:0]
    return (last - first) / s, fit[0], fit[1], inked[best]


def _bare_spans(row: BallotRow, clear_mm: float) -> list[tuple[float, float]]:
    """The x ranges (mm) of bare paper between a row's level boxes, ``clear_mm`` off the boxes and
    off the printed rule between two level columns."""
    boxes = sorted(row.boxes, key=lambda b: b.x_mm)
    spans = []
    for a, b in zip(boxes, boxes[1:], strict=False):
        rule = (a.x_mm + a.w_mm + b.x_mm) / 2  # the printed rule between two level columns
        spans += [(a.x_mm + a.w_mm + clear_mm, rule - clear_mm), (rule + clear_mm, b.x_mm - clear_mm)]
    return spans


def _paper_noise(canon: CanonicalPage, alignment: Alignment, ink_density: float, settings: ReaderSettings) -> float:
    """How dark the page's bare paper gets: a high percentile of the darkness between the level boxes."""
    s = canon.px_per_mm
    background = int(settings.background_mm * s) | 1
    clear = settings.cell_inset_mm + settings.strike_streak_clear_mm
    samples = []
    for row in alignment.page.rows:
        y0, y1 = int((row.name_rect.y_mm + clear) * s), int((row.name_rect.y_mm + row.name_rect.h_mm - clear) * s)
        for xa, xb in _bare_spans(row, clear):
            if xb - xa >= 1.0 / s:
                area = canon.pixels[y0:y1, int(xa * s) - background : int(xb * s) + background]
                samples.append(_darkness(area, ink_density, background)[:, background:-background].ravel())
    if not samples:
        return 0.0
    return float(np.percentile(np.concatenate(samples), settings.strike_noise_percentile))


def _runs_on(
    strip: np.ndarray, strip_top_mm: float, row: BallotRow, rules: tuple[float, ...],
    margins: tuple[tuple[float, float], ...], xs_mm: np.ndarray, ys_mm: np.ndarray, s: float,
    settings: ReaderSettings,
) -> bool:  # fmt: skip
    """Whether a line found through a name carries on, straight, across the paper between the row's boxes.

    A pen stroke through a name stops near the name; a streak from a dirty roller or a copier's
    drum runs the whole width of the page at constant width.  The line is extended along its own
    slope and looked for in the bare paper between the level boxes (away from the column rules)
    and in the ``margins`` beside the table (x ranges, mm).
    ``strip`` is the darkness of the page's full width round the row, from ``strip_top_mm`` down;
    ``rules`` are where the printed rules between rows lie (mm): a sloping line extended far
    enough crosses one, which is no streak.
    """
    spans = _bare_spans(row, settings.cell_inset_mm + settings.strike_streak_clear_mm) + list(margins)
    path = _follow_across(strip, strip_top_mm, xs_mm, ys_mm, spans, s, settings)

    def darkest(shift_mm: float, over: list[tuple[float, float]] = spans) -> list[float]:
        """Per half millimetre of bare paper across the row (``over``), the darkest ink near the line."""
        found = []
        for start, end in over:
            for x in np.arange(start, end, 0.5):
                y = path(float(x)) - strip_top_mm + shift_mm
                if any(abs(y + strip_top_mm - rule) < 2 * settings.rule_search_mm for rule in rules):
                    continue
                top, bottom = int((y - settings.rule_search_mm) * s), int((y + settings.rule_search_mm) * s) + 1
                if top < 0 or bottom > strip.shape[0]:
                    continue
                found.append(float(strip[top:bottom, int(x * s)].max()))
        return found

    line = darkest(0.0)
    if not line or np.mean(np.array(line) >= settings.faint_darkness) < settings.strike_streak_share:
        return False
    # ... and in both margins beside the table: a scanner's line crosses the whole sheet, a pen
    # line drawn on from the name to one edge of the page does not
    for margin in margins:
        beside = darkest(0.0, [margin])
        if beside and np.mean(np.array(beside) >= settings.faint_darkness) < settings.strike_streak_share:
            return False
    # ... and is a line there, darker than the paper above and below it: on a photocopy's grey
    # speckle every pen line would otherwise pass for a streak
    control = [darkest(d) for d in (-settings.strike_streak_control_mm, settings.strike_streak_control_mm)]
    # (the lighter side: the other may fall on the printed rule between rows)
    paper = min((float(np.median(c)) for c in control if c), default=0.0)
    darker = float(np.median(line))
    return darker - paper >= settings.strike_streak_contrast or darker >= settings.strike_streak_ratio * paper


def _column_medians(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One point per distinct x of a piece's pixels: the median of their ys there."""
    order = np.lexsort((ys, xs))
    xs, ys = xs[order], ys[order]
    columns, starts, counts = np.unique(xs, return_index=True, return_counts=True)
    middle = ys[starts + counts // 2] * 0.5 + ys[starts + (counts - 1) // 2] * 0.5
    return columns, middle


def _follow_across(
    strip: np.ndarray, strip_top_mm: float, xs_mm: np.ndarray, ys_mm: np.ndarray,
    spans: list[tuple[float, float]], s: float, settings: ReaderSettings,
) -> Callable[[float], float]:  # fmt: skip
    """Where (y, mm) a line found at (``xs_mm``, ``ys_mm``) lies at any x of ``spans``, followed out
    from its ends along the ink it meets.

    A crease or a skewed streak is not quite straight: extended along the slope of a 20 mm piece,
    it is a millimetre off 100 mm further.  So from each end the line is followed step by step over
    the spans' columns (every half millimetre), to the darkest point within ``rule_search_mm`` of
    where it is expected, where that is faint ink at least, starting from the slope of the piece's
    last ``strike_streak_end_mm`` at that end; the slope follows slowly, and the place moves
    ``strike_streak_follow`` of the way to the darkest point at each step.
    """
    # (a line's height at each of its columns, the median of its pixels there: a letter the line
    # runs into adds ink above or below it in a few columns, which would tilt a fit to them all)
    xs_mm, ys_mm = _column_medians(xs_mm, ys_mm)
    slope, offset = np.polyfit(xs_mm, ys_mm, 1) if np.ptp(xs_mm) > 0 else (0.0, float(np.mean(ys_mm)))
    grid = sorted({round(float(x), 1) for a, b in spans for x in np.arange(a, b, 0.5)})
    ends = (float(np.min(xs_mm)), float(np.max(xs_mm)))
    where: dict[float, float] = {}
    search = settings.rule_search_mm
    for outward, start in ((-1, ends[0]), (1, ends[1])):
        # from the piece's own end: its last stretch sets where and how it leaves the name
        part = np.abs(xs_mm - start) <= settings.strike_streak_end_mm
        k, c = np.polyfit(xs_mm[part], ys_mm[part], 1) if np.ptp(xs_mm[part]) > 0 else (slope, offset)
        x0, y0 = start, k * start + c
        for x in sorted((x for x in grid if (x - start) * outward > 0), key=lambda x: abs(x - start)):
            expected = y0 + k * (x - x0)
            where[x] = expected
            top, bottom = int((expected - strip_top_mm - search) * s), int((expected - strip_top_mm + search) * s) + 1
            if top < 0 or bottom > strip.shape[0] or not 0 <= int(x * s) < strip.shape[1]:
                continue
            column = strip[top:bottom, int(x * s)]
            if float(column.max()) >= settings.faint_darkness:
                # (only part of the way: a crease is a grey band a millimetre wide, and its darkest
                # pixel jumps about in it from column to column; taken whole, a few jumps the same
                # way walk the path off the band onto a box's frame or a rule)
                found = expected + settings.strike_streak_follow * (
                    strip_top_mm + (top + int(column.argmax())) / s - expected
                )
                if abs(x - x0) >= 1.0:
                    k = 0.9 * k + 0.1 * (found - y0) / (x - x0)
                x0, y0 = x, found

    def path(x: float) -> float:
        return where.get(round(x, 1), slope * x + offset)

    return path


def _rule_gaps(canon: CanonicalPage, alignment: Alignment, ink_density: float, settings: ReaderSettings) -> float:
    """Share of the printed rules between the rows where no line is found, 0..1.

    Each rule is followed across the names and the level columns; a column of the rule counts as
    present when any pixel within ``rule_search_mm`` of where it is printed shows faint ink (a
    grey scan blurs a 0.25 mm rule to a light line; a 1-bit one keeps it black or drops it).
    """
    s = canon.px_per_mm
    rows = alignment.page.rows
    x0 = min(r.name_rect.x_mm for r in rows) + settings.cell_inset_mm
    x1 = max(b.x_mm + b.w_mm for r in rows for b in r.boxes)
    ys = sorted({r.name_rect.y_mm for r in rows} | {r.name_rect.y_mm + r.name_rect.h_mm for r in rows})
    reach = settings.rule_search_mm + settings.background_mm  # room for the paper around the rule
    background = int(settings.background_mm * s) | 1
    present = total = 0
    for y in ys:
        band = canon.pixels[int((y - reach) * s) : int((y + reach) * s), int(x0 * s) : int(x1 * s)]
        if band.size == 0:
            continue
        dark = _darkness(band, ink_density, background)
        middle = dark[int(settings.background_mm * s) : dark.shape[0] - int(settings.background_mm * s)]
        line = middle.max(axis=0) >= settings.faint_darkness
        present += int(line.sum())
        total += line.size
    return 1.0 - present / total if total else 0.0


def _table_edges(alignment: Alignment) -> tuple[float, float]:
    """Where the printed table starts and ends across the page (mm)."""
    rows = alignment.page.rows
    left = min(r.name_rect.x_mm for r in rows) - 11.0  # the STT column starts 11 mm left of the names
    right = max(b.x_mm + b.w_mm for r in rows for b in r.boxes) + 7.5  # the last level cell's edge
    return left, right


def _on_streak(dark: np.ndarray, x: int, y: int, w: int, h: int, s: float, settings: ReaderSettings) -> bool:
    """Whether an elongated piece of ink at (x, y, w, h) lies on a line running across all of
    ``dark`` (the whole page's darkness; the piece in its pixels).

    A scanner's streak crosses the whole sheet at one width, and where the sheet darkens (its
    corners, its edges) it passes the ink cut over a few millimetres only.  Followed along its
    own direction over the whole sheet, it is still there (faint ink over ``strike_streak_share``
    of the length) and darker than the paper ``strike_streak_control_mm`` to either side of it.
    Handwriting does not carry on.
    """
    across = w >= 2 * h
    if not (across or h >= 2 * w):
        return False
    band = dark[y : y + h, :] if across else dark[:, x : x + w].T
    line = band.max(axis=0)
    if float(np.mean(line >= settings.faint_darkness)) < settings.strike_streak_share:
        return False
    off = max(int(round(settings.strike_streak_control_mm * s)), 1)
    start, size = (y, h) if across else (x, w)
    sides = []
    for lo in (start - off - size, start + off):
        part = (dark[lo : lo + size, :] if across else dark[:, lo : lo + size].T) if lo >= 0 else np.empty((0, 0))
        if part.shape[0] == size:
            sides.append(float(np.median(part.max(axis=0))))
    paper = min(sides, default=0.0)
    darker = float(np.median(line))
    return darker - paper >= settings.strike_streak_contrast or darker >= settings.strike_streak_ratio * paper


def _stands_out(
    dark: np.ndarray,
    inked: np.ndarray,
    labels: np.ndarray,
    piece: int,
    box: tuple[int, int, int, int],
    s: float,
    settings: ReaderSettings,
) -> bool:
    """Whether a piece of margin ink is darker, by ``margin_local_contrast``, than the paper
    round it (``margin_local_mm`` on every side) where no ink is: a pen line lies on clean
    paper, a grain of a copier's mottle among grains just lighter than the cut."""
    x, y, w, h = box
    reach = max(int(round(settings.margin_local_mm * s)), 1)
    window = (slice(max(y - reach, 0), y + h + reach), slice(max(x - reach, 0), x + w + reach))
    paper = dark[window][inked[window] == 0]
    if not paper.size:
        return True
    grain = float(np.percentile(paper, settings.margin_noise_percentile))
    own = (slice(y, y + h), slice(x, x + w))  # the piece's own box: the whole margin's labels are large
    return float(np.median(dark[own][labels[own] == piece])) - grain >= settings.margin_local_contrast


def _margin_ink(canon: CanonicalPage, alignment: Alignment, ink_density: float, settings: ReaderSettings) -> float:
    """Area of handwriting-sized ink left and right of the table and below it, mm²."""
    s = canon.px_per_mm
    rows = alignment.page.rows
    left, right = _table_edges(alignment)
    top = min(r.name_rect.y_mm for r in rows)
    bottom = max(r.name_rect.y_mm + r.name_rect.h_mm for r in rows)
    page_w = alignment.template.page_width_mm
    regions = [
        (settings.margin_edge_mm, top, left - 1.5, 268.0),
        (right + 1.5, top, page_w - settings.margin_edge_mm, 268.0),
        (left, bottom + 1.5, right, 268.0),
    ]
    total = 0.0
    page: np.ndarray | None = None  # the whole page's darkness, made when a streak is suspected
    smallest = settings.margin_mark_min_mm * s
    k = max(3, int(round(settings.stroke_kernel_mm * s)) | 1)
    pen = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    for x0, y0, x1, y1 in regions:
        if x1 - x0 < 1 or y1 - y0 < 1:
            continue
        area = canon.pixels[int(y0 * s) : int(y1 * s), int(x0 * s) : int(x1 * s)]
        dark = _darkness(area, ink_density, int(settings.background_mm * s) | 1)
        # ink must stand out of the paper's own noise (a photocopy's speckle): writing covers
        # a few per cent of a margin, so a high percentile of it is still paper
        cut = max(settings.ink_darkness, float(np.percentile(dark, settings.margin_noise_percentile))
                  + settings.strike_noise_margin)  # fmt: skip
        inked: np.ndarray = (dark >= cut).astype(np.uint8)
        # handwriting is pen lines: blots wider than a pen (a copier's mottled toner, a dark
        # corner's shadow) are left out
        mask = cv2.subtract(inked, cv2.morphologyEx(inked, cv2.MORPH_OPEN, pen))
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, count):
            x, y, w, h, pixels = (int(v) for v in stats[i, :5])
            if max(w, h) < smallest:
                continue  # dust, a speck of toner
            if (h > 2 * w and pixels < 3 * h) or (w > 2 * h and pixels < 3 * w):
                continue  # a roller streak: one thin straight line (slanted by the page's skew)
            if h >= settings.margin_streak_share * area.shape[0] or w >= settings.margin_streak_share * area.shape[1]:
                continue  # ink running the whole length of the margin: a streak, not a word
            if not _stands_out(dark, inked, labels, i, (x, y, w, h), s, settings):
                continue  # a grain of a patch of copier's mottle, hardly darker than the grain round it
            if page is None:
                page = _darkness(canon.pixels, ink_density, int(settings.background_mm * s) | 1)
            if _on_streak(page, x + int(x0 * s), y + int(y0 * s), w, h, s, settings):
                continue  # the darker end of a streak crossing the whole sheet
            total += float(pixels) / (s * s)
    return total
