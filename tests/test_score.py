"""Box scores measured on a real aligned page with ink drawn on it: what classify's rules rely on."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from helpers import TEMPLATE, clean_canonical

from scanner import templatefile
from scanner.score import CanonicalPage, score_canonical
from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS
from scanner.simulate import SimOptions, simulate

T = DEFAULT_THRESHOLDS


def _page(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A clean page with every row left blank, upright in template space; its alignment and paper grey."""
    list(simulate(templatefile.load(TEMPLATE), tmp_path / "scans", SimOptions(ballots=1, seed=11, blank_rate=1.0)))
    canon, alignment = clean_canonical(tmp_path / "scans")
    return canon, alignment, int(np.percentile(canon.pixels, 90))


def _loop(pixels: np.ndarray, box, s: float, ink: int, sweep: float = 360.0, start: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """A hand-drawn-sized loop round ``box``: 5.2 by 4.8 mm radii, a 0.4 mm pen."""
    centre = (round(box.cx_mm * s), round(box.cy_mm * s))
    axes = (round(5.2 * s), round(4.8 * s))
    cv2.ellipse(pixels, centre, axes, 0, start, start + sweep, ink, max(2, round(0.4 * s)), cv2.LINE_AA)


def _rings(canon: CanonicalPage, alignment) -> list[list[float]]:  # type: ignore[no-untyped-def]
    return [[b.ring for b in r.boxes] for r in score_canonical(canon, alignment, DEFAULT_READER)]


def test_a_loop_drawn_round_a_box_closes_its_ring_and_nothing_else_does(tmp_path: Path) -> None:
    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    bare = _rings(canon, alignment)
    assert max(max(r) for r in bare) < T.ring_beside  # print, frames and row rules are no loop
    pixels = canon.pixels.copy()
    rows = alignment.page.rows
    _loop(pixels, rows[3].boxes[1], s, int(paper * 0.3))  # closed, dark
    _loop(pixels, rows[5].boxes[2], s, int(paper * 0.3), sweep=320.0)  # not quite closed
    _loop(pixels, rows[7].boxes[0], s, int(paper * 0.3), sweep=170.0)  # a hook round one side
    _loop(pixels, rows[1].boxes[2], s, int(paper * 0.3), sweep=235.0)  # left open by a third
    b = rows[9].boxes[0]  # a cross inside the box, corner to corner
    pen = max(2, round(0.4 * s))
    for (x0, y0), (x1, y1) in (((0.8, 0.8), (6.2, 6.2)), ((6.2, 0.8), (0.8, 6.2))):
        start, end = (
            (round((b.x_mm + x0) * s), round((b.y_mm + y0) * s)),
            (round((b.x_mm + x1) * s), round((b.y_mm + y1) * s)),
        )
        cv2.line(pixels, start, end, int(paper * 0.3), pen)
    rings = _rings(CanonicalPage(pixels, s, canon.paper, canon.ink), alignment)
    assert rings[3][1] >= T.ring_closed and rings[5][2] >= T.ring_closed and rings[1][2] >= T.ring_closed
    assert T.ring_beside * 0.5 <= rings[7][0] < T.ring_closed
    assert rings[9][0] < T.ring_beside
    others = [
        r for i, row in enumerate(rings) for j, r in enumerate(row) if (i, j) not in {(3, 1), (5, 2), (7, 0), (1, 2)}
    ]
    assert max(others) < T.ring_beside  # a loop's ink is never another box's


def test_a_copiers_grain_makes_no_loop(tmp_path: Path) -> None:
    canon, alignment, _paper = _page(tmp_path)
    rng = np.random.default_rng(8)
    for density in (0.05, 0.15, 0.3):
        grain = (rng.random(canon.pixels.shape) < density) * rng.uniform(50, 120, canon.pixels.shape)
        pixels = np.clip(canon.pixels.astype(np.float32) - grain, 0, 255).astype(np.uint8)
        scores = score_canonical(
            CanonicalPage(pixels, canon.px_per_mm, canon.paper, canon.ink), alignment, DEFAULT_READER
        )
        # a loop needs a clean cell too (classify.loop_mark): either the grain makes no ring, or it covers the cell
        assert all(b.ring < T.ring_closed or b.outside_faint >= T.cell_ink_faint for r in scores for b in r.boxes), (
            density
        )


def test_a_loop_taller_than_its_row_is_never_counted_for_the_next_row(tmp_path: Path) -> None:
    from scanner.classify import MARK_OUTSIDE, classify_page

    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    pixels = canon.pixels.copy()
    rows = alignment.page.rows
    box = rows[4].boxes[1]
    centre = (round(box.cx_mm * s), round(box.cy_mm * s))
    # 12.6 mm wide and 15 mm tall: its arcs run through the frames of the boxes above and below
    cv2.ellipse(pixels, centre, (round(6.3 * s), round(7.5 * s)), 0, 0, 360, int(paper * 0.3), max(2, round(0.4 * s)))
    scores = score_canonical(CanonicalPage(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    # the arcs run through the boxes above and below, and on over the rule towards the loop's row
    assert scores[3].boxes[1].joined_below >= T.over_rule_min and scores[5].boxes[1].joined_above >= T.over_rule_min
    from dataclasses import replace

    trusting = replace(T, blank_to_review=False)  # so that only the arc can hold these rows
    decisions = classify_page(scores, trusting)
    for neighbour in (3, 5):  # rows a person would call blank: never counted for the arc
        d = decisions[neighbour]
        assert d.needs_review, (neighbour, d)
    # the arcs do read as lines across those boxes: without the rule they would count
    assert any(decisions[n].level == 1 and MARK_OUTSIDE in decisions[n].reasons for n in (3, 5))
    # a cross drawn inside a box crosses no rule and reaches the box's middle
    plain = score_canonical(canon, alignment, DEFAULT_READER)
    assert all(b.over_rule == 0 for r in plain for b in r.boxes)


def test_one_line_drawn_from_a_box_into_the_next_rows_is_not_two_votes(tmp_path: Path) -> None:
    from dataclasses import replace

    from scanner.classify import classify_page

    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    pixels = canon.pixels.copy()
    rows = alignment.page.rows
    top, below = rows[2].boxes[1], rows[3].boxes[1]
    start, end = (round(top.cx_mm * s), round(top.cy_mm * s)), (round(below.cx_mm * s), round(below.cy_mm * s))
    cv2.line(pixels, start, end, int(paper * 0.3), max(2, round(0.4 * s)))
    scores = score_canonical(CanonicalPage(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    assert scores[2].boxes[1].joined_below >= T.over_rule_min and scores[3].boxes[1].joined_above >= T.over_rule_min
    # ... and it is one ink: each box's crossing is the other's
    assert scores[2].boxes[1].shared_below >= T.over_rule_min and scores[3].boxes[1].shared_above >= T.over_rule_min
    decisions = classify_page(scores, replace(T, blank_to_review=False))
    assert all(decisions[i].needs_review for i in (2, 3)), decisions[2:4]


def test_one_stroke_into_the_next_columns_box_of_the_next_row_or_through_a_row_is_no_vote(tmp_path: Path) -> None:
    """A line from one row's box to the next row's box in the next column crosses the rule half way
    between the columns, far from either box; a tick's arm can end in the row above; a slash down
    the table runs through a row over both its rules.  None of them is counted as it reads."""
    from dataclasses import replace

    from scanner.classify import classify_page

    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    pixels = canon.pixels.copy()
    rows = alignment.page.rows
    pen, ink = max(2, round(0.6 * s)), int(paper * 0.2)

    def centre(row: int, level: int) -> tuple[int, int]:
        b = rows[row].boxes[level]
        return round(b.cx_mm * s), round(b.cy_mm * s)

    cv2.line(pixels, centre(1, 0), centre(2, 1), ink, pen, cv2.LINE_AA)  # rows 1 and 2, columns 0 and 1
    # a tick in row 5's middle box whose long arm ends in row 4's last box
    b = rows[5].boxes[1]
    elbow = (round((b.cx_mm - 1.0) * s), round((b.cy_mm + 2.0) * s))
    cv2.line(pixels, (round((b.cx_mm - 2.5) * s), round(b.cy_mm * s)), elbow, ink, pen, cv2.LINE_AA)
    cv2.line(pixels, elbow, centre(4, 2), ink, pen, cv2.LINE_AA)
    # a straight line from above row 8's middle box down through it to below row 8
    top, bottom = rows[8].boxes[1], rows[8].boxes[1]
    cv2.line(pixels, (round((top.cx_mm - 3.0) * s), round((top.cy_mm - 7.0) * s)),
             (round((bottom.cx_mm + 3.0) * s), round((bottom.cy_mm + 7.0) * s)), ink, pen, cv2.LINE_AA)  # fmt: skip
    scores = score_canonical(CanonicalPage(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    decisions = classify_page(scores, replace(T, blank_to_review=False))
    for i in (1, 2, 4, 5, 8):
        assert decisions[i].needs_review, (i, decisions[i], scores[i])
    # the same page without the strokes: nothing waits
    plain = classify_page(score_canonical(canon, alignment, DEFAULT_READER), replace(T, blank_to_review=False))
    assert not any(d.needs_review for d in plain)


def test_a_ticks_tail_leaving_its_box_by_the_corner_at_a_shallow_slant_is_followed(tmp_path: Path) -> None:
    """A tick whose tail runs on out of the box's corner, low and flat, over the rule and the column
    rule into the next row's box in the next column: cut over a long stretch of the frame and of
    each rule it crosses, it is still one stroke through two rows."""
    from dataclasses import replace

    from scanner.classify import classify_page

    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    pixels = canon.pixels.copy()
    rows = alignment.page.rows
    a, b = rows[2].boxes[0], rows[3].boxes[1]
    points = [(a.cx_mm - 2.5, a.cy_mm - 0.5), (a.cx_mm - 1.0, a.cy_mm + 1.5), (a.x_mm + a.w_mm, a.y_mm + a.h_mm)]
    points.append((b.cx_mm, b.cy_mm))
    track = np.array([[round(x * s), round(y * s)] for x, y in points], np.int32)
    cv2.polylines(pixels, [track], False, int(paper * 0.3), max(2, round(0.5 * s)), cv2.LINE_AA)
    scores = score_canonical(CanonicalPage(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    decisions = classify_page(scores, replace(T, blank_to_review=False))
    assert decisions[2].needs_review and decisions[3].needs_review, (decisions[2], decisions[3])


def _arms(pixels: np.ndarray, box, arms, s: float, ink: int, pen: int) -> None:  # type: ignore[no-untyped-def]
    """Straight strokes between points given in mm from ``box``'s top left corner."""
    for (x0, y0), (x1, y1) in arms:
        start = (round((box.x_mm + x0) * s), round((box.y_mm + y0) * s))
        cv2.line(pixels, start, (round((box.x_mm + x1) * s), round((box.y_mm + y1) * s)), ink, pen, cv2.LINE_AA)


def test_a_big_cross_running_over_the_rule_is_not_joined_to_the_next_rows_own_cross(tmp_path: Path) -> None:
    """A cross whose arms run 1.7 mm out of its box (the rule is 1 mm below it, the next box 2 mm),
    over the rule into the next row's gap, beside that row's own cross in the same column, itself
    running up into the gap 2 mm from the other's arms: two votes, each in its row, not one stroke."""
    from dataclasses import replace

    from scanner.classify import classify_page

    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    pixels = canon.pixels.copy()
    rows = alignment.page.rows
    big, below = rows[2].boxes[1], rows[3].boxes[1]
    pen, ink = max(2, round(0.5 * s)), int(paper * 0.3)
    _arms(
        pixels,
        big,
        (((-1.0, 0.5), (big.w_mm + 1.0, big.h_mm + 1.7)), ((big.w_mm + 1.0, 0.5), (-1.0, big.h_mm + 1.7))),
        s,
        ink,
        pen,
    )
    # the cross below runs out of its box too, up into the gap, to 0.3 mm from its frame
    _arms(
        pixels,
        below,
        (((2.0, -0.3), (below.w_mm - 2.0, below.h_mm)), ((below.w_mm - 2.0, -0.3), (2.0, below.h_mm))),
        s,
        ink,
        pen,
    )
    scores = score_canonical(CanonicalPage(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    crossing, own = scores[2].boxes[1], scores[3].boxes[1]
    assert crossing.joined_below >= T.over_rule_min  # the big cross's arms do cross the rule
    assert own.over_rule >= T.over_rule_min  # ... and are seen from the box below
    assert own.joined_above < T.over_rule_min  # ... not joined to its cross
    decisions = classify_page(scores, replace(T, blank_to_review=False))
    assert [(d.level, d.needs_review) for d in decisions[2:4]] == [(1, False), (1, False)]


def test_two_crosses_each_running_over_the_rule_apart_are_two_votes(tmp_path: Path) -> None:
    """Two big crosses in neighbouring rows, in neighbouring columns, whose arms each run 1.7 mm out
    of their box over the rule between them, and pass 4 mm and more apart: each is joined to ink
    across the rule, none of it the other's."""
    from dataclasses import replace

    from scanner.classify import classify_page

    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    pixels = canon.pixels.copy()
    rows = alignment.page.rows
    upper, lower = rows[2].boxes[0], rows[3].boxes[1]
    pen, ink = max(2, round(0.5 * s)), int(paper * 0.3)
    for box, arms in (
        (
            upper,
            (((-1.0, 0.5), (upper.w_mm + 1.0, upper.h_mm + 1.7)), ((upper.w_mm + 1.0, 0.5), (-1.0, upper.h_mm + 1.7))),
        ),
        (
            lower,
            (
                ((-1.0, -1.7), (lower.w_mm + 1.0, lower.h_mm - 0.5)),
                ((lower.w_mm + 1.0, -1.7), (-1.0, lower.h_mm - 0.5)),
            ),
        ),
    ):
        _arms(pixels, box, arms, s, ink, pen)
    scores = score_canonical(CanonicalPage(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    top, bottom = scores[2].boxes[0], scores[3].boxes[1]
    assert top.joined_below >= T.over_rule_min and bottom.joined_above >= T.over_rule_min  # both cross the rule
    assert top.shared_below < T.over_rule_min and bottom.shared_above < T.over_rule_min  # ... each its own ink
    decisions = classify_page(scores, replace(T, blank_to_review=False))
    assert [(d.level, d.needs_review) for d in decisions[2:4]] == [(0, False), (1, False)]


def _cross_in(pixels: np.ndarray, box, s: float, ink: int, pen_mm: float) -> None:  # type: ignore[no-untyped-def]
    """A cross drawn corner to corner inside ``box``."""
    pen = max(2, round(pen_mm * s))
    for (x0, y0), (x1, y1) in (((0.8, 0.8), (6.2, 6.2)), ((6.2, 0.8), (0.8, 6.2))):
        start = (round((box.x_mm + x0) * s), round((box.y_mm + y0) * s))
        cv2.line(pixels, start, (round((box.x_mm + x1) * s), round((box.y_mm + y1) * s)), ink, pen, cv2.LINE_AA)


def test_two_boxes_rubbed_alike_beside_a_mark_go_to_review_and_a_fold_across_the_row_does_not(
    tmp_path: Path,
) -> None:
    from scanner.classify import classify_page

    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    pixels = canon.pixels.copy()
    rows = alignment.page.rows
    # a bold cross, and the ghosts of two crosses rubbed out to the same grey beside it
    _cross_in(pixels, rows[2].boxes[1], s, int(paper * 0.3), 1.2)
    for level in (0, 2):
        _cross_in(pixels, rows[2].boxes[level], s, int(paper * 0.8), 0.6)
    # a plain cross on a row a fold's shadow runs across, the whole width of the sheet
    _cross_in(pixels, rows[6].boxes[0], s, int(paper * 0.3), 0.5)
    ys = np.arange(pixels.shape[0], dtype=np.float32)
    fold_y = rows[6].boxes[0].cy_mm * s
    shade = 1.0 - 0.12 * np.exp(-(((ys - fold_y) / (3.0 * s)) ** 2))
    folded = (pixels.astype(np.float32) * shade[:, None]).astype(np.uint8)
    scores = score_canonical(CanonicalPage(folded, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    decisions = classify_page(scores, T)
    assert decisions[2].needs_review and decisions[2].reasons, decisions[2]
    assert (decisions[6].level, decisions[6].needs_review) == (0, False), decisions[6]


def test_a_light_pencils_line_is_line_ink_at_the_faint_cut_and_its_core_is_measured_in_grey_levels(
    tmp_path: Path,
) -> None:
    """A check drawn 45 grey levels below the paper with a 0.35 mm lead, blurred as a scanner's
    optics blur it: at the line-ink cut it is hardly there, at the faint cut it reaches like a line."""
    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    drawn = np.zeros(canon.pixels.shape, np.float32)
    box = alignment.page.rows[4].boxes[1]
    pen = max(1, round(0.35 * s))
    for (x0, y0), (x1, y1) in (((1.5, 3.8), (3.0, 5.8)), ((3.0, 5.8), (6.0, 1.2))):
        start = (round((box.x_mm + x0) * s), round((box.y_mm + y0) * s))
        cv2.line(drawn, start, (round((box.x_mm + x1) * s), round((box.y_mm + y1) * s)), 45.0, pen, cv2.LINE_AA)
    drawn = cv2.GaussianBlur(drawn, (0, 0), 0.08 * s)
    pixels = np.clip(canon.pixels.astype(np.float32) - drawn, 0, 255).astype(np.uint8)
    scores = score_canonical(CanonicalPage(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    check = scores[4].boxes[1]
    assert check.stroke < T.marginal_stroke  # the line-ink cut breaks it into specks
    assert check.light_stroke >= T.marginal_stroke and check.light_span_mm >= T.line_span_mm
    assert 40 <= check.peak_levels <= 55  # about the 45 levels it was drawn at, with the paper's own grain
    bare = [b for r in scores for b in r.boxes if b is not check]
    assert max(b.light_stroke for b in bare) == 0.0 and max(b.peak_levels for b in bare) < 15


def test_one_light_stroke_through_two_rows_boxes_is_no_vote_in_either(tmp_path: Path) -> None:
    """A light pencil voter's checks count by themselves; a light line drawn from one row's box into
    the next row's box is one stroke, read at the faint cut running over the rule: both rows wait."""
    from dataclasses import replace

    from scanner.classify import classify_page

    canon, alignment, paper = _page(tmp_path)
    s = canon.px_per_mm
    rows = alignment.page.rows
    drawn = np.zeros(canon.pixels.shape, np.float32)
    pen = max(1, round(0.4 * s))

    def line(a: tuple[float, float], b: tuple[float, float]) -> None:
        start, end = (round(a[0] * s), round(a[1] * s)), (round(b[0] * s), round(b[1] * s))
        cv2.line(drawn, start, end, 62.0, pen, cv2.LINE_AA)

    for r, level in ((0, 0), (2, 2), (8, 0), (10, 2), (11, 1)):  # the voter's own light checks
        box = rows[r].boxes[level]
        line((box.x_mm + 1.5, box.y_mm + 3.8), (box.x_mm + 3.0, box.y_mm + 5.8))
        line((box.x_mm + 3.0, box.y_mm + 5.8), (box.x_mm + 6.0, box.y_mm + 1.2))
    top, below = rows[4].boxes[1], rows[5].boxes[1]
    line((top.cx_mm - 1.0, top.cy_mm - 1.5), (below.cx_mm + 1.0, below.cy_mm + 1.5))
    drawn = cv2.GaussianBlur(drawn, (0, 0), 0.08 * s)
    pixels = np.clip(canon.pixels.astype(np.float32) - drawn, 0, 255).astype(np.uint8)
    scores = score_canonical(CanonicalPage(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    assert scores[4].boxes[1].light_joined_below >= T.over_rule_min
    assert scores[5].boxes[1].light_joined_above >= T.over_rule_min
    decisions = classify_page(scores, replace(T, blank_to_review=False))
    assert [(decisions[r].level, decisions[r].needs_review) for r in (0, 2, 8, 10)] == [
        (0, False), (2, False), (0, False), (2, False)
    ]  # fmt: skip
    assert decisions[4].needs_review and decisions[5].needs_review, decisions[4:6]
