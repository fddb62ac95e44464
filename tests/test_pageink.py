"""Ink where no vote belongs: a struck-out name holds the page for a person, who may reject the ballot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from helpers import clean_canonical, run, stored_tally

from scanner import templatefile
from scanner.model import Alignment
from scanner.score import CanonicalPage
from scanner.simulate import SimOptions, simulate, truth_document
from scanner.store import Store
from scanner.truthcheck import compare, decide_as_truth

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "uy-ban-thuong-vu-12"


def _stack(tmp_path: Path, **rates: float) -> tuple[Path, Path]:
    template = templatefile.load(TEMPLATE)
    opts = SimOptions(ballots=3, seed=5, **rates)  # type: ignore[arg-type]
    ballots = list(simulate(template, tmp_path / "scans", opts))
    truth = tmp_path / "truth.json"
    truth.write_text(truth_document(template, opts, ballots), encoding="utf-8")
    return tmp_path / "scans", truth


def test_struck_out_names_hold_the_page_and_a_rejected_ballot_counts_for_nobody(tmp_path: Path) -> None:
    scans, truth = _stack(tmp_path, struck_name_rate=1.0)
    db = tmp_path / "count.db"
    out = run("scan", "--db", db, "--template", TEMPLATE, scans).stdout
    assert "Pages held for review as a whole: 3" in out
    c = compare(db, truth)
    assert c.struck_flagged == c.struck_pages == 3 and c.silent_errors == []
    with Store(db) as store:
        assert [reasons for *_, reasons in store.flagged_pages()] == ["struck_out_name"] * 3
    table = run("tally", "--db", db).stdout
    assert "PROVISIONAL" in table and "3 page(s) await review" in table
    decide_as_truth(db, truth)  # a person rejects each ballot
    assert all(counts == (0, 0, 0, 0, 0) for counts in stored_tally(db).values())
    assert "Ballots collected: 3" in run("tally", "--db", db).stdout


def test_writing_in_the_margin_holds_the_page_until_accepted(tmp_path: Path) -> None:
    scans, truth = _stack(tmp_path, margin_writing_rate=1.0)
    db = tmp_path / "count.db"
    run("scan", "--db", db, "--template", TEMPLATE, scans)
    c = compare(db, truth)
    assert c.margin_flagged == c.margin_pages == 3
    decide_as_truth(db, truth)  # accepted: the votes on it count
    assert sum(sum(counts[:3]) for counts in stored_tally(db).values()) > 0
    assert "Final" in run("tally", "--db", db).stdout


def test_clean_pages_are_not_held(tmp_path: Path) -> None:
    scans, truth = _stack(tmp_path)
    db = tmp_path / "count.db"
    out = run("scan", "--db", db, "--template", TEMPLATE, scans).stdout
    assert "held for review as a whole" not in out
    assert compare(db, truth).clean_pages_flagged == 0


def _clean_canonical(tmp_path: Path) -> tuple[CanonicalPage, Alignment]:
    """A clean simulated page in template coordinates, with its alignment."""
    return clean_canonical(*_stack(tmp_path))


def _margin_ink_of(canon: CanonicalPage, alignment: Alignment) -> Callable[[np.ndarray], float]:
    """Margin ink (mm²) that the page's pixels, replaced by the given ones, measure."""
    from scanner.pageink import measure_page_ink
    from scanner.settings import DEFAULT_READER

    def margin(pixels: np.ndarray) -> float:
        page = CanonicalPage(pixels, canon.px_per_mm, canon.paper, canon.ink)
        return measure_page_ink(page, alignment, DEFAULT_READER).margin_ink_mm2

    return margin


def _written(pixels: np.ndarray, x_mm: float, y_mm: float, s: float, paper: float) -> np.ndarray:
    """``pixels`` with a handwritten word from (x_mm, y_mm): pen lines 3 mm tall over 35 mm."""
    import cv2

    out = pixels.copy()
    xs = np.arange(x_mm, x_mm + 35.0, 1.2)
    ys = y_mm + np.where(np.arange(len(xs)) % 2 == 0, 0.0, 3.0)
    points = np.column_stack([xs * s, ys * s]).round().astype(np.int32)
    cv2.polylines(out, [points], False, int(paper * 0.25), thickness=max(2, round(0.4 * s)))
    return out


def test_a_wavy_line_through_a_name_is_a_strike_and_copier_speckle_is_not(tmp_path: Path) -> None:
    import cv2

    from scanner.pageink import measure_page_ink
    from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS

    canon, alignment = _clean_canonical(tmp_path)
    s, paper = canon.px_per_mm, int(np.percentile(canon.pixels, 90))
    limit = DEFAULT_THRESHOLDS.strike_min_mm
    assert measure_page_ink(canon, alignment, DEFAULT_READER).strike_mm < limit
    # a photocopy's grey speckle over the whole sheet, darker in patches: no strike
    rng = np.random.default_rng(3)
    patches = cv2.resize(rng.random((8, 6)), canon.pixels.shape[::-1], interpolation=cv2.INTER_CUBIC)
    speckle = (rng.random(canon.pixels.shape) < 0.12 * patches.clip(0, None) + 0.04) * rng.uniform(
        60, 110, canon.pixels.shape
    )
    speckled = np.clip(canon.pixels.astype(np.float32) - speckle, 0, 255).astype(np.uint8)
    noisy = type(canon)(speckled, canon.px_per_mm, canon.paper, canon.ink)
    assert measure_page_ink(noisy, alignment, DEFAULT_READER).strike_mm < limit
    # a zigzag through the third name, 1.3 mm up and down every 1.5 mm: no long straight run
    name = alignment.page.rows[2].name_rect
    xs = np.arange(name.x_mm + 1.5, name.x_mm + 36.0, 1.5)
    ys = name.y_mm + name.h_mm / 2 + np.where(np.arange(len(xs)) % 2 == 0, -1.3, 1.3)
    for base, what in ((canon.pixels, "clean"), (speckled, "speckled")):
        pixels = base.copy()
        points = np.column_stack([xs * s, ys * s]).round().astype(np.int32)
        cv2.polylines(pixels, [points], False, int(paper * 0.2), thickness=max(2, int(0.5 * s)))
        struck = type(canon)(pixels, canon.px_per_mm, canon.paper, canon.ink)
        ink = measure_page_ink(struck, alignment, DEFAULT_READER)
        assert ink.strike_mm >= limit and ink.strike_row == alignment.page.rows[2].official_index, what


def test_printed_rules_broken_into_dashes_are_measured(tmp_path: Path) -> None:

    from scanner.pageink import measure_page_ink
    from scanner.settings import DEFAULT_READER

    canon, alignment = _clean_canonical(tmp_path)
    assert measure_page_ink(canon, alignment, DEFAULT_READER).rule_gaps < 0.005
    # a dark 1-bit threshold: every other 2 mm of each rule between rows gone
    s = canon.px_per_mm
    pixels = canon.pixels.copy()
    rows = alignment.page.rows
    x0 = int(rows[0].name_rect.x_mm * s)
    x1 = int(max(b.x_mm + b.w_mm for b in rows[0].boxes) * s)
    for row in rows:
        for y_mm in (row.name_rect.y_mm, row.name_rect.y_mm + row.name_rect.h_mm):
            y = int(y_mm * s)
            for x in range(x0, x1, int(4 * s)):
                pixels[y - int(s) : y + int(s), x : x + int(2 * s)] = int(np.percentile(pixels, 90))
    dashed = type(canon)(pixels, canon.px_per_mm, canon.paper, canon.ink)
    gaps = measure_page_ink(dashed, alignment, DEFAULT_READER).rule_gaps
    assert 0.35 < gaps < 0.6


def test_margin_writing_is_pen_lines_not_the_dark_ends_of_a_streak(tmp_path: Path) -> None:

    from scanner.settings import DEFAULT_THRESHOLDS

    canon, alignment = _clean_canonical(tmp_path)
    s, paper = canon.px_per_mm, int(np.percentile(canon.pixels, 90))
    limit = DEFAULT_THRESHOLDS.margin_ink_min_mm2
    margin = _margin_ink_of(canon, alignment)

    assert margin(canon.pixels) < limit
    below = max(r.name_rect.y_mm + r.name_rect.h_mm for r in alignment.page.rows) + 25.0
    # a scanner streak across the whole sheet, past the ink cut only near its edges, where the
    # sheet darkens too
    streaked = canon.pixels.astype(np.float32)
    y = round((below + 40) * s)
    across = np.abs(np.linspace(-1, 1, streaked.shape[1]))
    for base, ends, power in ((0.18, 0.25, 8), (0.16, 0.3, 4)):
        lined = streaked.copy()
        lined[y : y + round(1.2 * s), :] *= (1.0 - base - ends * across**power)[None, :]
        lined *= np.clip(1.0 - 0.4 * across**6, 0, 1)[None, :]
        assert margin(lined.clip(0, 255).astype(np.uint8)) < limit, (base, ends, power)
    # a word written below the table: pen lines, a few mm tall
    assert margin(_written(canon.pixels, 60.0, below + 5, s, paper)) >= limit


def test_a_line_through_a_name_drawn_on_to_the_sheets_edge_is_a_strike(tmp_path: Path) -> None:
    import cv2

    from scanner.pageink import measure_page_ink
    from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS

    canon, alignment = _clean_canonical(tmp_path)
    s, paper = canon.px_per_mm, int(np.percentile(canon.pixels, 90))
    name = alignment.page.rows[7].name_rect
    y = round((name.y_mm + name.h_mm / 2) * s)
    pixels = canon.pixels.copy()
    # from the name across the level columns to the right edge: not across the left margin,
    # as a scanner's streak would be
    cv2.line(
        pixels, (round((name.x_mm + 2) * s), y), (pixels.shape[1] - 1, y), int(paper * 0.25), max(2, round(0.4 * s))
    )
    ink = measure_page_ink(type(canon)(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    assert ink.strike_mm >= DEFAULT_THRESHOLDS.strike_min_mm and ink.strike_row == alignment.page.rows[7].official_index


def test_a_copiers_dark_mottle_in_the_margin_is_not_writing_and_a_word_in_it_is(tmp_path: Path) -> None:
    import cv2

    from scanner.settings import DEFAULT_THRESHOLDS

    canon, alignment = _clean_canonical(tmp_path)
    s, paper = canon.px_per_mm, float(np.percentile(canon.pixels, 90))
    limit = DEFAULT_THRESHOLDS.margin_ink_min_mm2
    margin = _margin_ink_of(canon, alignment)

    # below the table, a 50 x 40 mm patch of toner grain whose darkest grains pass the ink cut
    below = max(r.name_rect.y_mm + r.name_rect.h_mm for r in alignment.page.rows) + 20.0
    y0, y1, x0, x1 = (round(v * s) for v in (below, below + 40, 60.0, 110.0))
    rng = np.random.default_rng(5)
    grain = cv2.GaussianBlur(rng.standard_normal((y1 - y0, x1 - x0)).astype(np.float32), (0, 0), 1.2)
    darkness = np.clip(0.27 + 0.1 * grain / grain.std(), 0.0, 0.5)
    mottled = canon.pixels.astype(np.float32)
    mottled[y0:y1, x0:x1] = np.minimum(mottled[y0:y1, x0:x1], paper * (1.0 - darkness))
    mottled_u8 = mottled.clip(0, 255).astype(np.uint8)
    assert margin(mottled_u8) < limit
    # a word written across the mottle: pen lines far darker than the grain round them
    assert margin(_written(mottled_u8, 65.0, below + 15, s, paper)) >= limit


def test_a_light_line_through_a_name_on_a_grainy_photo_is_a_strike_the_grain_is_not(tmp_path: Path) -> None:
    """A dry ballpoint's line, far lighter than the printed letters and hardly darker than a phone
    photo's grain, breaks into pieces too short for a strike; the gaps between the words show it."""
    import cv2

    from scanner.classify import STRUCK_OUT_NAME, page_reasons
    from scanner.pageink import measure_page_ink
    from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS

    canon, alignment = _clean_canonical(tmp_path)
    s, paper = canon.px_per_mm, float(np.percentile(canon.pixels, 90))
    rng = np.random.default_rng(11)
    grain = cv2.GaussianBlur(rng.normal(0.0, 1.0, canon.pixels.shape).astype(np.float32), (0, 0), 0.6)
    grainy = np.clip(canon.pixels.astype(np.float32) - 0.07 * paper * grain / grain.std(), 0, 255)

    def ink_of(pixels: np.ndarray):  # type: ignore[no-untyped-def]
        return measure_page_ink(
            type(canon)(pixels.astype(np.uint8), s, canon.paper, canon.ink), alignment, DEFAULT_READER
        )

    plain = ink_of(grainy)
    assert not page_reasons(plain, True, DEFAULT_THRESHOLDS)
    name = alignment.page.rows[7].name_rect
    y = round((name.y_mm + name.h_mm / 2 + 0.3) * s)
    line = np.zeros_like(grainy)
    cv2.line(
        line, (round((name.x_mm + 1.5) * s), y), (round((name.x_mm + 30) * s), y - 2), 1.0, max(2, round(0.35 * s))
    )
    # broken where the pen skipped, 0.2 dark against the printed black's 1
    skips = cv2.resize(
        (rng.random((1, 400)) > 0.15).astype(np.float32),
        (line.shape[1], line.shape[0]),
        interpolation=cv2.INTER_NEAREST,
    )
    struck = ink_of(grainy - line * skips * 0.2 * (paper - canon.ink))
    assert struck.strike_mm < DEFAULT_THRESHOLDS.strike_min_mm  # too light for the line looks
    assert STRUCK_OUT_NAME in page_reasons(struck, True, DEFAULT_THRESHOLDS)
    assert struck.gap_line_row == alignment.page.rows[7].official_index


def test_a_crease_bending_across_the_whole_sheet_is_no_strike(tmp_path: Path) -> None:
    """A crease or a skewed streak is not quite straight: extended along the slope of the piece seen
    in a name, it is off its place by the far margin; it is followed along its own ink instead."""
    import cv2

    from scanner.pageink import measure_page_ink
    from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS

    canon, alignment = _clean_canonical(tmp_path)
    s, paper = canon.px_per_mm, int(np.percentile(canon.pixels, 90))
    name = alignment.page.rows[4].name_rect
    width = canon.pixels.shape[1] / s
    xs = np.linspace(0.0, width, 200)
    # bowed 2.5 mm over the sheet, through the middle of the fifth name
    ys = name.y_mm + name.h_mm / 2 + 2.5 * ((xs - width * 0.3) / width) ** 2 * 4 - 0.2
    pixels = canon.pixels.copy()
    points = np.column_stack([xs * s, ys * s]).round().astype(np.int32)
    cv2.polylines(pixels, [points], False, int(paper * 0.6), thickness=max(2, round(0.35 * s)))
    ink = measure_page_ink(type(canon)(pixels, s, canon.paper, canon.ink), alignment, DEFAULT_READER)
    assert ink.strike_mm < DEFAULT_THRESHOLDS.strike_min_mm and ink.gap_line_mm < DEFAULT_THRESHOLDS.strike_min_gap_mm


def test_a_streak_down_a_column_of_boxes_is_no_vote_in_any_of_them(tmp_path: Path) -> None:
    """A scanner's thin black streak runs down the middle of a level column: every box it crosses
    shows a stroke that passes for a mark, and may hide one.  Found in the paper between the
    boxes, it sends every row with a mark in that column to a person, and is never ignored: a
    lighter mark elsewhere (an erased one) is not counted for the voter's cross under the streak."""
    import cv2

    from scanner.classify import SCANNER_STREAK, classify_page
    from scanner.pageink import measure_page_ink
    from scanner.score import score_canonical
    from scanner.settings import DEFAULT_READER, DEFAULT_THRESHOLDS

    canon, alignment = _clean_canonical(tmp_path)
    s, paper = canon.px_per_mm, float(np.percentile(canon.pixels, 90))
    rows = alignment.page.rows

    def read(pixels: np.ndarray):  # type: ignore[no-untyped-def]
        page = type(canon)(pixels, s, canon.paper, canon.ink)
        ink = measure_page_ink(page, alignment, DEFAULT_READER)
        scores = score_canonical(page, alignment, DEFAULT_READER)
        return ink, classify_page(scores, DEFAULT_THRESHOLDS, streak_levels=ink.streak_levels)

    def cross(pixels: np.ndarray, row: int, level: int, ink: int, pen: int) -> None:
        b = rows[row].boxes[level]
        for (x0, y0), (x1, y1) in (((0.8, 0.8), (6.2, 6.2)), ((6.2, 0.8), (0.8, 6.2))):
            start = (round((b.x_mm + x0) * s), round((b.y_mm + y0) * s))
            cv2.line(pixels, start, (round((b.x_mm + x1) * s), round((b.y_mm + y1) * s)), ink, pen, cv2.LINE_AA)

    plain, voted = read(canon.pixels)
    assert plain.streak_levels == ()  # the voter's own marks, however many in a column, are no streak
    assert sum(not d.needs_review for d in voted) >= 6
    box = rows[0].boxes[1]
    x = round((box.x_mm + box.w_mm / 2 + 0.4) * s)

    def streak(pixels: np.ndarray) -> np.ndarray:
        out = pixels.copy()
        out[:, x : x + 2] = (out[:, x : x + 2] * 0.15).astype(np.uint8)  # 0.3 mm, nearly black
        return out

    ink, decisions = read(streak(canon.pixels))
    assert ink.streak_levels == (1,)
    # nothing is counted otherwise than without the streak
    assert all(
        d.needs_review or (d.reading, d.level) == (v.reading, v.level) for d, v in zip(decisions, voted, strict=True)
    )
    # on a blank ballot the streak is read in every box of its column, and counted in none
    blank, _ = clean_canonical(*_stack(tmp_path / "blank", blank_rate=1.0))
    ink, decisions = read(streak(blank.pixels))
    assert ink.streak_levels == (1,)
    assert all(d.needs_review for d in decisions), decisions
    assert sum(SCANNER_STREAK in d.reasons for d in decisions) >= 6, decisions
    # the voter's black cross in every row of the streaked column, a lighter one rubbed out beside
    # it: never counted for the rubbed-out one
    marked = blank.pixels.copy()
    for row in range(len(rows)):
        cross(marked, row, 1, int(paper * 0.1), 3)
        cross(marked, row, 2 if row % 2 else 0, int(paper * 0.62), 5)
    _, decisions = read(streak(marked))
    assert all(d.needs_review or d.level == 1 for d in decisions), decisions
    assert all(SCANNER_STREAK in d.reasons for d in decisions), decisions
