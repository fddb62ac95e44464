"""Every threshold and tolerance of the reader, each with where its value came from.

Thresholds live here and are applied only in :mod:`scanner.classify` (and the
alignment tolerances in :mod:`scanner.align`).  Values marked *provisional* were
set from the simulator's clean profile (``bench/reading.py`` prints the fill
distributions it sees) and are to be calibrated on realistic marks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """How box scores become row decisions."""

    # Figures below are from bench/calibrate.py (60 realistic ballots a profile, 8 profiles,
    # seed 500; boxes labelled by what the simulator drew in them), a different seed from
    # the accuracy benchmark's, which judges them.
    #
    # A box is marked by pen lines: line ink (ReaderSettings.stroke_*) over at least
    # ``line_stroke`` of the interior, reaching ``line_span_mm`` across it.  Clear marks of
    # every pen: median 0.26 (pencil 0.18); erasures at most 0.022, dots 0.047 (reaching
    # 1.3 mm), empty boxes 0.012; small crosses reach 2.5 mm.
    line_stroke: float = 0.08
    line_span_mm: float = 2.5
    # ... with at least this share of the interior dark as ink, or reaching ``line_span_long_mm``:
    # faint short strokes carry line ink of up to 0.14 over 3.5 mm (a felt marker barely
    # touching) but fill at most 0.029; light pencil crosses fill as little as 0, and reach
    # 4.2-5 mm.
    line_fill: float = 0.02
    line_span_long_mm: float = 4.0
    # ... or by ink over this share of its interior (a filled box has no thin lines).  Erasures
    # reach 0.226 (the ghost of a felt marker), pencil fills start at 0.068; those lie below
    # and go to review.  VotingWorks counts a bubble at 7% fill, SDAPS 10% as certain, AMC 15%:
    # our boxes are scored for lines first, so the fill cut only has to clear erasures.
    solid_fill: float = 0.35
    # Doubts are measured above what the box's whole level column shows: this percentile of each
    # score down the page (a quarter of a column's boxes are empty even when most rows choose
    # that level), on pages of at least ``column_min_rows`` rows.  A scanner streak or a
    # copier's drum mark down a column put "faint ink" in every box of it (bench/accuracy.py,
    # independent cheap, photocopy and streaky profiles).
    column_percentile: float = 25.0
    column_min_rows: int = 6
    # ... and only where the cells round the column's boxes show that ink too (a 2 px streak
    # through a 22 mm cell: ~0.015), and only beside a clear mark: a bare row, or a voter marking
    # most rows lightly in one column, is judged on its own ink.  A light pencil check repeated
    # down a column hid itself on the independent simulator's office profile before this.
    column_streak_outside: float = 0.008
    # A box this full of ink may be a vote filled in, or a mark scribbled out; when it is the only
    # mark of its row, the rest of the row is judged as a blank row is, to the least trace.
    # bench/accuracy.py, independent simulator: a scribbled-out box (fill 1.0) beside a circle
    # drawn round the chosen box was counted for the scribble; filled votes have fill 0.5-1.0.
    blacked_out_fill: float = 0.6
    # A box holding less than a mark but this much fill or line ink is "maybe marked": the
    # row goes to review.  Empty boxes: fill 0.026 and line ink 0.012 at the very most.
    marginal_fill: float = 0.025
    marginal_stroke: float = 0.03
    # Light ink in a box (``faint`` above the row's lightest box and the column's usual level)
    # sends the row to review.  Beside a mark: this much, above scanner dust in empty boxes
    # (0.018 at most) and below a dot (0.024 at least).
    faint_marginal: float = 0.02
    # ... and so does a box beside a mark that is grey all over while its cell is bare (``outside_faint``
    # under ``outside_trace``): an erasure rubbed down below the faint cut, or ink paler than it.
    # Grey is its mean darkness above the page's bare boxes' median (classify.bare_darkness: boxes
    # with no line ink and no trace at the faint cut, ``column_min_rows`` of them at least) by
    # ``grey_excess`` and by ``grey_spread_z`` times their spread (90th percentile less the median,
    # at least ``grey_spread_floor``): a copier's mottle or a phone's shadow spreads over the cell
    # too, and a noisy page's bare boxes vary more.  bench/accuracy.py's independent scans (seeds
    # 196 on, rows counted without review): erasures beside a mark 0.037 and 0.05 above bare (18
    # and 25 spreads) on office scans, 0.025 (7 spreads), 0.035 (2.8) and 0.008 (1.5) on cheap
    # ones; of 21,000 bare boxes beside a counted mark 7 pass both cuts with a bare cell, all on
    # photocopies.
    grey_excess: float = 0.02
    grey_spread_z: float = 6.0
    grey_spread_floor: float = 0.002
    # A box not marked whose table cell around it is this much inked (above its column's usual)
    # has a mark beside it, such as the tail of a check flung from the marked box into this one.
    # bench/calibrate.py's sets (own seeds 500 on; independent seeds 800 on, 40% doubtful rows):
    # at 0.03, 74 of 356 such straddling marks passed unflagged; at 0.025, 31, and no clear row
    # more goes to review in either simulator (at 0.02, 30: big crosses spilling into their own
    # cell send 0.2-0.3% more of the own simulator's clear rows).
    outside_marginal: float = 0.025
    # A row with no mark at all is a vote for no one, so it is counted only when it is truly
    # bare: any trace of ink in a box sends it to a person (blank rows' boxes reach 0.0045
    # above their row's lightest, a pencil dot 0.034), and so does faint ink beside a box,
    # measured at the faint cut (``BoxScore.outside_faint``): blank rows' cells reach 0.0089,
    # ticks drawn beside a box 0.029 at least, pencil included.
    faint_trace: float = 0.004
    outside_trace: float = 0.015
    # ... and a row with no trace at all still goes to a person: a hesitant tick lighter than the
    # faint cut leaves nothing to measure (the independent simulator's faint ticks, and dots, were
    # counted blank), while a row left blank is rare (2-3% of rows) and quick to confirm.
    blank_to_review: bool = True
    # ... and so does ink along one box's printed frame (``BoxScore.edge``) above the row's other
    # frames and its column's: bench/accuracy.py's calibration set (independent simulator at
    # 20 ballots a profile, own at 40): empty boxes 0.018 at the 95th percentile, 0.036 at the
    # 99th; circles drawn round a box 0.03 at the 5th, 0.11 at the median.
    edge_trace: float = 0.03
    # Beside a mark, a box's frame ink this far above the others' sends the row to a person too:
    # a tick in one box and a circle round another (the independent simulator's phone profile
    # counted two such rows as the tick).  Higher than the trace: empty boxes reach 0.036 at the
    # 99th percentile, and every marked row has two of them.
    edge_marginal: float = 0.06
    # A loop drawn round one box (``BoxScore.ring``, the share of sectors round it that a drawn
    # line reaches) in a row with no mark is that box's mark when it closes ``ring_closed`` of
    # them and the box's cell is not grey with grain (``outside_faint`` under ``cell_ink_faint``);
    # the rest of the row is then judged as beside any mark (classify.loop_mark).  Round a box
    # beside a mark, at ``ring_beside``, the row goes to a person.  bench/calibrate.py,
    # independent simulator, cheap, photocopy, phone and streaky (100 ballots each, seeds
    # 700-703): loops round a box 0.55 at the 5th percentile, 0.94 at the median, 169 of 237 at
    # 0.8125 or more; 8,529 empty boxes 0.25 at the 99th percentile, 0.875 at the most in a cell
    # covered with a photocopy's grain, 0.5625 at the most in any other.  The own simulator (40
    # ballots a profile, seed 500): empty boxes 0.625 at the most, except on 1-bit scans, whose
    # printed lines break into dashes (0.75): there the rule beside a mark is not applied.
    # A loop left open by a quarter (11 of 16 sectors) is still plainly round one box: the
    # calibration scans of 2026-12-06 (independent simulator, cheap, phone, photocopy and office,
    # 150 ballots each, seeds 800-803) hold 58 loops of 337 at 0.6875-0.75, while 2,960 boxes with
    # no loop in rows with no mark, cells clean, reach 0.4375 at the most (an X drawn beside the
    # box); on the own simulator's 480 ballots no such box reaches 0.6875.  A loop round two boxes
    # rings both, and the second one's ring beside the first sends the row to a person.
    # QĐ 96 asks for one box marked per row, not for a shape: a board that wants every loop
    # seen by a person sets ``count_circled_boxes`` off.
    # A row's mark whose own ink (joined to its box's interior) crosses the printed rule into the
    # next row by ``over_rule_min`` (mm) or more goes to a person too (classify.shared_strokes)
    # when its lines keep ``off_middle_min`` (mm) off the box's middle row, or the box across that
    # rule has a loop round it (``ring_beside``), or a box of that row holding line ink has its own
    # ink crossing that rule too: a loop taller than its row runs through the next row's box and
    # passes for a line across it, one line drawn from a box into the next row's marks both (in
    # the same column or the next: such a line crosses the rule half way between the columns, so
    # the crossing is looked for across the whole row), and so does a loop drawn round the rule
    # between two rows (hand-made pages: 25 loop arcs and 14 such lines were counted as votes
    # before this rule, none after; attack pages of 2026-12-03: lines, ticks and crosses' arms
    # from one row's box into the next column's box of the next row were, until the crossing was
    # looked for across the row).  A big cross running into the next row's gap beside that row's
    # own mark is no shared stroke: the overrun is not joined to the other box.  Cost,
    # bench/accuracy.py's independent scans (seeds 196 on, 2,040 ballots): clear rows to review
    # 23.2% with any ink across the rule beside a mark in the same column, 17.0% with joined ink.
    over_rule_min: float = 0.3
    off_middle_min: float = 0.4
    count_circled_boxes: bool = True
    ring_closed: float = 0.6875
    ring_beside: float = 0.5
    # A mark unlike the voter's other marks on the page (classify.is_ghost, when the page has at
    # least ``pen_min_marks`` others) goes to a person: a rubbed-out mark's ghost that still
    # passes for a mark.  Measured with bench/calibrate.py on the independent simulator's cheap
    # (150 ballots) and photocopy (150) profiles with 40% doubtful rows, and its cheap and
    # streaky ones (150 each): 85 erasures read as marks, 4,538 clear marks.
    # - its line core (``BoxScore.peak``) below ``ghost_peak_ratio`` of the voter's lighter marks
    #   (their ``pen_peak_percentile``): erasures 0.37 to 1.2, clear marks 0.67 at the least of
    #   3,533 (0.78 at the 0.5th percentile);
    # - or a grey smear round its lines (faint ink per unit of line ink) ``ghost_halo_ratio``
    #   times the voter's median (floored at ``pen_halo_floor``), when that median shows a pen
    #   drawing crisp lines (at most ``pen_halo_crisp``; pencil is grey all through, and its
    #   ratio sent 2.5% of the own simulator's clear scanner-gray rows to review): clear marks
    #   1.48 at the 95th percentile, 2.9 at the 99th;
    # - or its lines in ``ghost_pieces_excess`` more pieces than the voter's median, and lighter
    #   than ``ghost_pieces_peak_ratio``.
    # Together they flag 72 of the 85 erasures (83 go to a person, with the other rules), and
    # 2.0% of the clear marks; the 2 counted are photocopies whose copier printed the ghost
    # black and unbroken, like the voter's other marks.
    # - or its ink thinner over the area it covers (``BoxScore.darkness`` per ``faint``) than
    #   ``ghost_density_ratio`` of the voter's median: an eraser leaves grey round a core that a
    #   copier prints black.  On bench/accuracy.py's independent scans (2,040 ballots, seeds 196
    #   on) the two photocopied erasures counted as marks measure 0.59 and 0.63; of 15,224 clear
    #   marks 57 lie below 0.65 (0.5th percentile 0.68), 54 of them flagged by the rules above.
    ghost_peak_ratio: float = 0.63
    pen_peak_percentile: float = 25.0
    ghost_halo_ratio: float = 2.5
    pen_halo_floor: float = 0.2
    pen_halo_crisp: float = 1.0
    ghost_pieces_excess: float = 2.0
    ghost_pieces_peak_ratio: float = 0.85
    ghost_density_ratio: float = 0.65
    pen_min_marks: int = 3
    # A row with no mark whose one inked box holds a light line like the voter's own lines on the
    # page is that voter's mark (classify.light_mark): a dry ballpoint or a light pencil draws
    # every mark of a ballot this lightly, while a doubt is lighter than the voter's usual (a
    # hesitant tick) or thinner and smeared (a ghost).  The box's light line ink
    # (``BoxScore.light_stroke``, at the faint cut) must reach ``marginal_stroke`` over
    # ``line_span_mm``; its core (``BoxScore.peak``) at least ``light_peak_ratio`` of the median
    # of the voter's other lines (lone marks, and lone light lines like this one, at least
    # ``pen_min_marks`` of them), its inked density at least ``light_density_ratio`` of theirs,
    # in at most ``light_pieces_excess`` more pieces; every other box and every cell of the row
    # bare to the blank row's traces; not on 1-bit scans.
    # bench/accuracy.py's independent office and cheap scans (seeds 196-197, 7,032 clear rows):
    # light clear marks 0.61-0.71 at the 5th percentile of the peak ratio, 0.83-0.99 at the
    # median; faint ticks 0.75 at the most (of 11), erasures 0.42 (of 10), dots reach only
    # 1.5 mm; density ratio of clear marks 0.84-0.97 at the 5th percentile.  The other boxes'
    # cores (``BoxScore.peak``) must lie within ``light_rest_peak`` of each other: a dry
    # ballpoint's erased check beside its cross left nothing at the faint cut and a core 0.043
    # darker than the bare box's; bare boxes beside light marks 0.037 at the 99th percentile.
    # And the line's core must be plainly visible, ``light_min_levels`` grey levels below the
    # paper at least (``BoxScore.peak_levels``: on a phone photo the paper is grey and the
    # black pale, so the same darkness on its scale is less ink to the eye); and the row's cells
    # together hold less than ``light_rest_cells`` of faint ink above the row's barest cell
    # (``outside_faint``, summed: a copier's grain covers every cell alike).
    # bench/calibrate.py of 2026-12-06 (independent simulator, cheap, phone, photocopy, office,
    # 150 ballots each, seeds 800-803): light lines that pass the rest, clear marks 41 at the 1st
    # percentile, 65 at the median (192); the phone's clear marks that its capture faded (less
    # than half their core plainly visible, doubtful by the simulator's truth) 38-49 (11).  At 55
    # the light clear marks counted without a person go from 29 to 62 on office, 15 to 55 on
    # cheap, 18 to 20 on phone.  The one other doubt passing (a light check flung from its box
    # into the next, office) had 0.022 of faint ink in the row's cells above the barest, the clear
    # marks 0.017 at the most (145; on bench/accuracy.py's held-out scans 0.017 of 277).
    light_peak_ratio: float = 0.8
    light_density_ratio: float = 0.85
    light_pieces_excess: int = 1
    light_rest_peak: float = 0.04
    light_min_levels: float = 55.0
    light_rest_cells: float = 0.02
    # A mark whose table cell is itself covered with faint ink (``BoxScore.outside_faint`` at
    # least ``cell_ink_faint``), hardly darker than it (by less than ``cell_ink_contrast`` at
    # the faint cut) and in ``cell_ink_pieces`` pieces or more goes to a person: a photocopy's
    # speckle read as line ink.  Calibration sets above: clear marks' cells 0.18 at the 99th
    # percentile, their boxes 0.06 darker than the cell at the 1st, none of 1,794 in 3 pieces
    # too; a speckled empty box read as a mark, 0.59, 0.03 and 8 pieces.  (A cross spilling far
    # into its cell on a phone photo has the first two, in one piece.)
    cell_ink_faint: float = 0.25
    cell_ink_contrast: float = 0.1
    cell_ink_pieces: int = 3
    # On a 1-bit scan a pencil or red mark can fall below the scanner's threshold and vanish,
    # so a blank row there is shown to a person rather than counted.
    bilevel_blank_to_review: bool = True
    # ... and when this many rows of a 1-bit page show lost or broken ink, every row of the page
    # goes to a person: a box scribbled out can then read as the only mark, its replacement
    # gone.  bench/accuracy.py (250 1-bit ballots): the 4 such corrections counted wrongly
    # were all on pages with 2 to 11 rows of lost ink.
    bilevel_light_pen_rows: int = 2
    # ... and so does a 1-bit page whose printed rules (0.25 mm) are broken over this share of
    # their length: a threshold that breaks printed black lines drops pencil and coloured ink.
    # Simulated grey pages of every profile measure 0 (they are not judged anyway); 1-bit pages
    # 0 with a light threshold to 0.26 for Otsu at 150 DPI (the G4 samples: 0.019 to 0.26).
    bilevel_rule_gaps: float = 0.02
    # A line this long (mm) through a printed name strikes it out: QĐ 96 makes the whole
    # ballot invalid, so the page goes to review.  The JPEG and PNG pages of bench/calibrate.py
    # and bench/accuracy.py (2,240 sheets): struck names measure 29.5 mm (a grainy pencil line)
    # to 60.7 mm; clean pages at most 14.7 mm (bold letters run together on a photocopy).
    strike_min_mm: float = 20.0
    # ... and so does a light line seen through the gaps between a name's words
    # (``ReaderSettings.strike_gap_*``) over this reach: the gaps show it only where no letter
    # hides it, so less than its drawn length (the phone photo's light strike: 18.7 mm).
    strike_min_gap_mm: float = 12.0
    # This much handwriting-sized ink in the margins (mm²) flags the page for review.
    # Provisional, from bench/accuracy.py.
    margin_ink_min_mm2: float = 3.0
    # A correction looks like two marks, so two or more marked boxes go to review
    # unless the counting board decides otherwise (QĐ 96 makes such a row invalid).
    multi_mark_to_review: bool = True
    # A page whose registration corners fit worse than this (RMS, mm) after
    # alignment is not trusted.  Simulated scans with skew and mild perspective fit
    # within 0.064 mm (300 pages, 200-DPI JPEG) and 0.106 mm (150 pages, 150-DPI G4 TIFF),
    # as stored in pages.fit_error_mm by bench/reading.py; 1 mm still keeps a box's
    # 0.7 mm unscored margin plus the 1.2 mm local search ahead of any misfit.
    max_fit_error_mm: float = 1.0


@dataclass(frozen=True)
class ReaderSettings:
    """Geometry of reading, independent of any threshold."""

    # A page is a 1-bit scan, whatever file holds it now, when at most ``bilevel_other_share`` of
    # its pixels lie more than ``bilevel_extreme_levels`` from black or white.  Simulated 1-bit
    # pages as 8-bit PNG and as JPEG q60-95: at most 0.5%; grey scans of every profile, phone
    # and photocopy included: 5.2% at the least (bench/accuracy.py counts pages judged wrongly,
    # column "1-bit miss/false").  A PDF page that is one image is judged by that image's bits
    # per component first: rendering it would blur a 1-bit scan's edges into grey.
    bilevel_extreme_levels: int = 16
    bilevel_other_share: float = 0.02
    # The second sign, for a 1-bit scan resized or rendered from a PDF (edges blurred to grey):
    # with at most ``bilevel_edge_other_share`` grey, at most ``bilevel_grey_away_share`` of the
    # grey pixels lie farther than ``bilevel_edge_px`` from both black and white.  Measured on the
    # simulators' pages: rendered and resized 1-bit pages 0.03-0.28; grey scans 0.50 at the least.
    bilevel_edge_other_share: float = 0.08
    bilevel_edge_px: int = 2
    bilevel_grey_away_share: float = 0.35
    # Resolution of the canonical, aligned page the boxes are scored on
    # (6 px/mm is about 152 DPI, the lowest scan resolution we accept).
    canonical_px_per_mm: float = 6.0
    # Scans finer than ``reduce_above_px_per_mm`` (~250 DPI) are first reduced to
    # ``working_px_per_mm`` (~200 DPI): pen strokes stay several pixels wide, 600 DPI pages
    # align as quickly as 200 DPI ones, and 200 DPI scans (whose size estimate is inflated
    # by the scanner bed around the sheet) are read as they are.
    working_px_per_mm: float = 8.0
    reduce_above_px_per_mm: float = 10.0
    # Smallest registration mark looked for, as its perimeter over the image's longer side.
    # A 10 mm mark has a 40 mm perimeter, so 0.06 finds it while the image's long side is
    # under ~667 mm (the sheet fills at least ~45% of it).  Smaller shapes (letters) are
    # skipped, which halves detection time (bench/throughput.py: 30 -> 13 ms a page).
    min_marker_perimeter_rate: float = 0.06
    # Marks are searched for on a copy reduced to this resolution (a 10 mm mark is then
    # 40 px, its cells ~7 px, well above ArUco's needs) and their corners refined on the
    # full image within this half-window (mm).
    detect_px_per_mm: float = 4.0
    refine_window_mm: float = 0.6
    # The page code is read only when its darkest and lightest cells differ by at least
    # this share of the grey range (printed codes on simulated 150-300 DPI scans: 0.99;
    # a blank strip: under 0.05).
    code_min_contrast: float = 0.25
    # A box's own position is trusted when the printed frame answers with at least this
    # share of an ideal frame's response; otherwise the row's common shift is used (a
    # box filled with ink hides its frame).  On 32 simulated 200-DPI scans, frames answered
    # 0.54-0.76 (1st-95th percentile); the lowest, 0.38, were boxes covered by a mark.
    frame_confidence: float = 0.45
    # How far a printed box may sit from where the homography puts it (mm); local
    # refinement searches this far.  Covers paper stretch and scanner feed wobble.
    box_search_mm: float = 1.2
    # Part of the box interior next to the printed border that is not scored (mm):
    # border ink bleeds into it after blur and sub-pixel misfit.
    interior_margin_mm: float = 0.7
    # A pixel counts as ink when its darkness, scaled between the page's paper and
    # the registration marks' black, is at least this (0..1).  Blue ballpoint in
    # grayscale sits near 0.5; JPEG noise on paper stays below 0.1.
    ink_darkness: float = 0.3
    # The lower cut for ``faint`` coverage: pencil, a light stroke, an erased mark's ghost.
    # Empty boxes stay below it after local paper normalisation (bench/accuracy.py).
    faint_darkness: float = 0.12
    # ``BoxScore.peak`` is the mean darkness of this share of the interior, its darkest: a
    # 0.4 mm pen line 4 mm long covers 6% of a box's interior, a dot 2%.
    peak_share: float = 0.02
    # Line ink: darkness above an opening of the page by a disc this wide (mm), which keeps
    # pen lines up to a felt marker's 1.3 mm and drops broad smudges (an eraser's leftovers).
    stroke_kernel_mm: float = 1.6
    # ... and standing out from that opening by at least this darkness.
    stroke_contrast: float = 0.2
    # ... and, for a light pen's lines (``BoxScore.light_stroke``), at the faint cut: a light
    # pencil's line 0.2-0.3 dark at its core stands out from the opening by 0.2 only here and there.
    light_stroke_contrast: float = 0.12
    # Line ink in pieces smaller than this (mm²) is scanner noise, not a pen line.
    stroke_speck_mm2: float = 0.15
    # Streaks and creases (load.even_out_lines): a column's or row's paper is this percentile
    # of its pixels (printed grid lines cover at most ~85% of a line, marks a few mm), compared
    # with the median of its neighbours within ``line_window_mm``; a line darker than them by
    # a gain of ``line_gain_min`` or more is lifted, by at most ``line_gain_max``: a roller
    # streak takes 15-45% of the light (bench/calibrate.py, dirty-rollers and folds), a speck on
    # a feeder's glass up to 65% (the independent simulator's streaks), and at a gain of 2 those
    # still read as a line through every box of their column.
    line_paper_percentile: float = 95.0
    line_window_mm: float = 5.0
    line_gain_min: float = 1.03
    line_gain_max: float = 4.0
    # Around each box, paper is taken as this percentile of the pixels within
    # ``paper_ring_mm`` of the box: shadows, folds and coloured paper change it locally.
    paper_percentile: float = 90.0
    paper_ring_mm: float = 2.2
    # ``outside`` is measured over the box's table cell less this much next to the box and
    # the grid lines (mm), so printed lines never count as ink.
    cell_inset_mm: float = 0.6
    # ``BoxScore.ring``: a loop drawn round a box is looked for from ``ring_inner_mm`` of the box's
    # centre (inside the frame's corners, where a loop tight round the box crosses it; a cross's
    # arms reach there in 4 directions only) to ``ring_reach_mm`` beyond its frame, in
    # ``ring_sectors`` sectors, clear of the printed frame by ``ring_frame_clear_mm``, and
    # vertically up to that short of the next row's boxes.  Print is taken away as what lies on
    # straight lines ``ring_print_mm`` long (frames and rules are 7 mm and more; a hand-drawn loop
    # 4-7 mm round bends away from any straight line within that); what is left counts where thin
    # (the line-ink top-hat) and darker than the faint cut, in pieces of ``ring_piece_mm2`` and
    # ``ring_piece_mm`` long or more: a pen line 0.3 mm wide crossing a sector 4.5 mm out covers
    # 0.5 mm² over 1.8 mm, a speck of dust or toner 0.01-0.1 mm².
    ring_inner_mm: float = 3.0
    ring_reach_mm: float = 3.5
    ring_sectors: int = 16
    ring_frame_clear_mm: float = 0.3
    ring_piece_mm2: float = 0.4
    ring_piece_mm: float = 1.5
    ring_print_mm: float = 5.0
    over_rule_piece_mm2: float = 0.2
    over_rule_slant_mm: float = 1.5
    # A stroke crossing a printed line (a box's frame's top or bottom, a row's rule: 0.25-0.4 mm,
    # blurred by the scan) is cut where that line is taken away as print: pieces one above the
    # other this close are one when asking which ink is joined to a box's interior (a line drawn
    # from one box into the next is cut twice, at 0.6 mm at most on 150-300 dpi scans).
    over_rule_bridge_mm: float = 0.8
    # ... and on the printed lines of the window across the row (classify.shared_strokes), pieces this
    # close in any direction: a stroke crossing a 0.4 mm line at 20 degrees is cut over 1.2 mm of it
    # (attack pages of 2026-12-03: a tick's tail leaving its box by the corner at a shallow slant).
    over_rule_print_bridge_mm: float = 1.2
    # Two boxes' joined ink (one box each side of a rule) is one stroke where it lies on the same
    # pixels, give or take this much: each box measures it against the paper round itself, so a
    # line's edge may fall a pixel or two apart (0.13-0.17 mm a pixel at 150-200 dpi).
    over_rule_same_ink_mm: float = 0.3
    # A struck-out name is found as a horizontal line at least this long (mm) through the
    # name cell: printed letters and the cell's vertical rules are far shorter.
    strike_kernel_mm: float = 5.0
    # A strike is looked for at this darkness cut, lighter than a box's ink: a pencil line
    # breaks into pieces at 0.3 (bench/calibrate.py scans: 6-20 mm pieces of 50 mm strikes),
    # in ink thinner than ``strike_thickness_mm`` (a line, not letters 2.5 mm tall), with gaps
    # up to ``strike_gap_mm`` in a grainy pencil line closed.
    strike_darkness: float = 0.2
    # ... or, on a page whose bare paper is darker than that at its ``strike_noise_percentile``
    # (between the level boxes), ``strike_noise_margin`` above it: at 0.2, a photocopy's grey
    # speckle (0.25-0.33 at the 98th percentile; clean scans 0.02-0.1) joins letters and words
    # into lines longer than a strike.
    strike_noise_percentile: float = 98.0
    # ... or than the name cell's own paper at this percentile (its printed letters cover less):
    # photocopy speckle comes in patches, 0.16-0.23 in speckled name cells, 0.02-0.11 elsewhere.
    strike_cell_noise_percentile: float = 70.0
    # A wavy line through a name has no long straight run: it is found as ink joined into one
    # piece wider than any printed word, at this cut or twice the margin above the speckle
    # (bench/accuracy.py's independent cheap and photocopy pages: wavy strikes 22.7-35.8 mm at
    # 0.3-0.35; a speckled photocopy's clean name 12.7 mm at 0.36, 23.5 at 0.26).
    strike_joined_darkness: float = 0.3
    strike_noise_margin: float = 0.1
    strike_thickness_mm: float = 1.6
    strike_gap_mm: float = 1.0
    # ... and only this far (mm) inside the cell's top and bottom rules: on phone photos the
    # lens bends a rule by up to ~1.5 mm off its place, where it would read as a long line.
    # A strike goes through the name, near the middle of the 9 mm row.
    strike_band_inset_mm: float = 2.0
    # A line through a name that carries on, along its own slope, over this share of the bare
    # paper between the row's boxes (``strike_streak_clear_mm`` clear of boxes and rules) is a
    # scanner streak, not a strike: a pen stops near the name, a streak crosses the whole page.
    # Tuned on bench/accuracy.py's independent "streaky" profile (streaks, no strikes).
    strike_streak_share: float = 0.6
    strike_streak_clear_mm: float = 0.5
    # ... followed this far (mm) above and below the row: a crease across the sheet rises 10 mm
    # over the level columns (the independent simulator's streaky profile).
    strike_streak_reach_mm: float = 20.0
    # ... and followed out from each end of the piece, along the ink it meets, from the slope of
    # its last this many mm: a crease bends, and a straight extension of a whole name cell's
    # piece was off by a millimetre 15 mm further (pageink._follow_across).
    strike_streak_end_mm: float = 15.0
    # ... moving at each half millimetre this share of the way to the darkest point near where it is
    # expected: a crease's grey band is a millimetre wide and its darkest pixel jumps about in it;
    # followed all the way, a crease on the independent streaky profile walked off onto the box
    # frames (0.7 mm in 2.5 mm) and a clean page was held for a 101 mm strike.  A crease bending a
    # millimetre over 100 mm moves 0.005 mm a step.
    strike_streak_follow: float = 0.25
    # ... and stands out there (the median of its darkest pixels) by ``strike_streak_contrast``
    # from the paper ``strike_streak_control_mm`` above and below: a photocopy's grey speckle
    # shows ink everywhere, and every pen line would otherwise pass for a streak.
    strike_streak_control_mm: float = 2.5
    strike_streak_contrast: float = 0.08
    # ... or is this many times as dark as that paper: a faint streak on clean paper, after
    # load.even_out_lines has lifted most of it (0.1 over 0.03).
    strike_streak_ratio: float = 1.6
    # A line down a level column (pageink._column_streaks) is looked for in the paper between one
    # row's box and the next's (``column_streak_clear_mm`` clear of their frames, across the
    # boxes' scored interiors: ``interior_margin_mm`` in from their sides), averaged down each gap: ink there
    # at ``column_streak_darkness`` in ``column_streak_min_gaps`` consecutive gaps and
    # ``column_streak_share`` of them, followed within ``column_streak_drift_mm`` from gap to gap
    # (a streak down a sheet skewed 0.3 degrees drifts 0.05 mm in a 9 mm row).  A voter's stroke
    # overruns into the gap above or below its own box; a 0.25 mm black streak down a 300 dpi scan
    # measures 0.3-0.4 there, and read as a mark in every box it crossed.  Provisional: attack
    # pages of 2026-12-03.
    column_streak_clear_mm: float = 0.3
    column_streak_darkness: float = 0.12
    column_streak_min_gaps: int = 4
    column_streak_share: float = 0.6
    column_streak_drift_mm: float = 0.25
    # A light line through a name (a dry ballpoint's, darkness 0.15-0.25 on a phone photo whose
    # grain reaches 0.11) breaks into pieces of 8.5 mm or less at every cut above the grain, and
    # closing wider gaps joins printed letters.  It is also looked for where no letter is printed
    # (pageink._gap_lines): columns of the name cell clear of print (darker than
    # ``strike_gap_print_darkness``, and ``strike_gap_print_clear_mm`` round it) get the row where
    # the ink, averaged ``strike_gap_blur_mm`` along, stands out most of the paper
    # ``strike_gap_side_mm`` above and below; columns ``strike_gap_margin`` above the page's usual
    # count; one straight line through them (slope up to ``strike_gap_slope``, within
    # ``strike_gap_tolerance_mm``), followed over at most ``strike_gap_miss_mm`` of clear paper off
    # it, must lie in ``strike_gap_share`` of the clear columns it passes and in
    # ``strike_gap_cover_mm`` of them in all; its reach is then a strike's length, against
    # ``Thresholds.strike_min_gap_mm``.  bench/accuracy.py's independent scans (seeds 196 on): the
    # light strike on a phone photo that every other look missed reaches 18.7 mm, in every clear
    # column it passes (3.7 mm of them); of 340 clean phone pages none shows such a line, of 340
    # cheap ones two did (21.7 and 10.5 mm) before scanner streaks were told apart: a white streak
    # makes the paper beside it look inked (opened away first), a dark one carries on across the
    # bare paper between the boxes and both margins.  At a margin of 0.04 a cheap scanner's faint
    # banding still passed on 3 of 320 clean pages (22-82 mm); at 0.06 none does, and the phone's
    # strike reads 18.3 mm (it stands about 0.08 above the grain).  The paper is looked at 0.5 mm
    # above and below: a pen line is thinner than that is far, a roller's grey bar (1.5-3 mm) is
    # not; at 0.8 mm such bars passed on 11 clean streaky pages, at 0.5 on 5 (the phone's strike
    # 18.5 mm, no clean page of office, cheap, photocopy or phone over 3.4 mm).
    strike_gap_print_darkness: float = 0.4
    strike_gap_background_mm: float = 6.0
    strike_gap_print_clear_mm: float = 0.8
    strike_gap_blur_mm: float = 2.0
    strike_gap_side_mm: float = 0.5
    strike_gap_margin: float = 0.06
    strike_gap_slope: float = 0.12
    strike_gap_tolerance_mm: float = 0.4
    strike_gap_miss_mm: float = 0.7
    strike_gap_share: float = 0.85
    strike_gap_cover_mm: float = 2.5
    # Ink in the margins counts only in pieces at least this large (mm): dust and toner
    # specks are smaller, a handwritten word larger.
    margin_mark_min_mm: float = 2.0
    # ... and not when one piece runs over this share of the margin's height or width: a streak.
    margin_streak_share: float = 0.9
    # The margins are searched from this far (mm) in from the sheet's edge: the registration
    # marks' inset.  A cheap scanner's dark sheet edge and a copier's border shadow lie outside
    # it (bench/accuracy.py, independent "cheap" profile); a written word hardly does.
    margin_edge_mm: float = 10.0
    # ... and ink there counts only ``strike_noise_margin`` darker than the margin's paper at
    # this percentile, when that is above ``ink_darkness``: a photocopy's speckle.
    margin_noise_percentile: float = 90.0
    # ... and only a piece whose median darkness is ``margin_local_contrast`` above the paper
    # within ``margin_local_mm`` round it (that percentile of what lies below the cut there):
    # a copier's mottle is patchy, and in a dark patch its grains pass the margin's cut.  On
    # bench/accuracy.py's independent photocopy and cheap pages (seeds 196 on), the grains that
    # flagged clean pages stood 0.03-0.10 above the grain round them, written words 0.55-0.86,
    # pencil-light pieces of a word 0.24.
    margin_local_contrast: float = 0.15
    margin_local_mm: float = 5.0
    # A printed rule between rows is looked for this far (mm) above and below where it is printed:
    # the table's 0.25 mm rules after a fit within ``Thresholds.max_fit_error_mm``'s typical 0.1 mm.
    rule_search_mm: float = 0.6
    # For ink outside the boxes, paper is the brightest pixel within this distance (mm):
    # wider than any pen line or printed letter stroke, narrower than a shadow's edge.
    background_mm: float = 3.0


DEFAULT_THRESHOLDS = Thresholds()
DEFAULT_READER = ReaderSettings()
