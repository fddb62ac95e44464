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

    # A box whose interior is at least this share inked is marked.  Provisional, from the
    # simulator's clean marks (bench/reading.py): empty boxes fill 0.000 at the 100th
    # percentile and clear marks at least 0.133 (300 ballots, 200-DPI JPEG; 0.154 on 150
    # ballots, 150-DPI G4 TIFF).  0.06 sits well inside that gap, near VotingWorks' 0.07 and SDAPS'
    # 0.05-0.10; it is to be recalibrated on realistic, faint and partial marks.
    definite_fill: float = 0.06
    # Between marginal and definite a box is "maybe marked": the row goes to review.
    # Provisional, as above; VotingWorks calls 0.05-0.07 marginal, SDAPS 0.05 checked.
    marginal_fill: float = 0.025
    # A box not marked by ``fill`` whose faint coverage exceeds its row's lightest box by
    # this much holds light ink (pencil, a dot, an erasure's ghost): the row goes to review.
    # Provisional, from bench/accuracy.py.
    faint_marginal: float = 0.01
    # A box not marked whose table cell around it is this much inked has a mark beside it.
    # bench/accuracy.py (12 ballots a profile): empty cells reach 0.013 at most, marks drawn
    # beside a box 0.021 at least.
    outside_marginal: float = 0.017
    # On a 1-bit scan a pencil or red mark can fall below the scanner's threshold and vanish,
    # so a blank row there is shown to a person rather than counted.
    bilevel_blank_to_review: bool = True
    # A line this long (mm) through a printed name strikes it out: QĐ 96 makes the whole
    # ballot invalid, so the page goes to review.  bench/accuracy.py (400 ballots, 8 profiles):
    # struck names measure 48-86 mm; clean pages 6.3 mm at the 99th percentile (one phone
    # photo 51 mm, a grid line bent by the lens angle).
    strike_min_mm: float = 25.0
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
    # Around each box, paper is taken as this percentile of the pixels within
    # ``paper_ring_mm`` of the box: shadows, folds and coloured paper change it locally.
    paper_percentile: float = 90.0
    paper_ring_mm: float = 2.2
    # ``outside`` is measured over the box's table cell less this much next to the box and
    # the grid lines (mm), so printed lines never count as ink.
    cell_inset_mm: float = 0.6
    # A struck-out name is found as a horizontal line at least this long (mm) through the
    # name cell: printed letters and the cell's vertical rules are far shorter.
    strike_kernel_mm: float = 5.0
    # Ink in the margins counts only in pieces at least this large (mm): dust and toner
    # specks are smaller, a handwritten word larger.
    margin_mark_min_mm: float = 2.0
    # For ink outside the boxes, paper is the brightest pixel within this distance (mm):
    # wider than any pen line or printed letter stroke, narrower than a shadow's edge.
    background_mm: float = 3.0


DEFAULT_THRESHOLDS = Thresholds()
DEFAULT_READER = ReaderSettings()
