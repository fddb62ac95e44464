"""Frozen records passed between the stages.

Geometry is in millimetres from the page's top-left corner, as printed upright.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum

import numpy as np

SCHEMA = "scanner.template/1"
DEFAULT_LEVELS = ("Tín nhiệm cao", "Tín nhiệm", "Tín nhiệm thấp")
MIN_LEVELS = 2
MAX_LEVELS = 5
MAX_OFFICIALS = 60


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in millimetres."""

    x_mm: float
    y_mm: float
    w_mm: float
    h_mm: float

    @property
    def cx_mm(self) -> float:
        return self.x_mm + self.w_mm / 2

    @property
    def cy_mm(self) -> float:
        return self.y_mm + self.h_mm / 2


@dataclass(frozen=True)
class Official:
    """One row of the ballot: người được lấy phiếu."""

    stt: int
    name: str
    position: str


@dataclass(frozen=True)
class Marker:
    """An ArUco registration mark; ``corner`` is 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left."""

    marker_id: int
    corner: int
    rect: Rect


@dataclass(frozen=True)
class CodeStrip:
    """Where the page code's bits are printed: ``bits`` cells side by side from ``x_mm``."""

    x_mm: float
    y_mm: float
    cell_w_mm: float
    cell_h_mm: float
    bits: int


@dataclass(frozen=True)
class BallotRow:
    """One official's row on a page: the printed name area and one box per level."""

    official_index: int  # index into BallotTemplate.officials
    name_rect: Rect
    boxes: tuple[Rect, ...]  # one per level, in level order


@dataclass(frozen=True)
class PageLayout:
    number: int  # 1-based
    markers: tuple[Marker, ...]
    code_strips: tuple[CodeStrip, ...]
    rows: tuple[BallotRow, ...]


@dataclass(frozen=True)
class BallotTemplate:
    """Everything the printer and the reader need; ``fingerprint`` is the SHA-256 of the rest."""

    title: str
    levels: tuple[str, ...]
    officials: tuple[Official, ...]
    page_width_mm: float
    page_height_mm: float
    marker_dictionary: str
    box_line_mm: float
    pages: tuple[PageLayout, ...]
    fingerprint: str = ""

    @property
    def code_id(self) -> int:
        """The 32 bits of the fingerprint that the printed page code carries."""
        return int(self.fingerprint[:8], 16)

    @property
    def short_id(self) -> str:
        return self.fingerprint[:8].upper()


@dataclass(frozen=True)
class PageRef:
    """Where a page comes from: a file (by path and content hash) and the page's index in it."""

    path: str
    file_sha256: str
    page_index: int  # 0-based


@dataclass(frozen=True, eq=False)
class PageImage:
    ref: PageRef
    pixels: np.ndarray  # uint8 grayscale, rows x columns
    px_per_mm: float  # estimated from the image size, assuming the scan shows the whole A4 sheet
    bilevel: bool = False  # a 1-bit scan: light ink may have been lost to the threshold


class Orientation(int, Enum):
    """How far the page is turned clockwise in the image, in degrees."""

    UPRIGHT = 0
    RIGHT = 90
    UPSIDE_DOWN = 180
    LEFT = 270


@dataclass(frozen=True, eq=False)
class Alignment:
    """A page found on the image: which template page, and the map from page millimetres to pixels."""

    template: BallotTemplate
    page_number: int
    homography: np.ndarray  # 3x3, maps (x_mm, y_mm, 1) to image pixels
    orientation: Orientation
    fit_error_mm: float  # RMS of the registration corners after the fit
    code_read: bool  # False when the page was identified from its registration marks alone
    # how many of the four registration marks the fit rests on: 4 (a homography), 3 (affine),
    # or 2 (a similarity, only when the page code was read): fewer marks, stricter checks
    marks_used: int = 4

    @property
    def page(self) -> PageLayout:
        return self.template.pages[self.page_number - 1]


@dataclass(frozen=True)
class Unreadable:
    """A page that cannot be used; ``reason`` is a short code, ``detail`` a sentence for people."""

    reason: str
    detail: str

    def __bool__(self) -> bool:  # a failed alignment is falsy, like skimage's FailedEstimation
        return False


@dataclass(frozen=True)
class BoxScore:
    """Raw measurements of one box; no thresholds have been applied."""

    level: int
    fill: float  # 0..1, share of the box interior covered by ink
    faint: float  # 0..1, share of the interior with any visible ink (a lower cut than fill)
    darkness: float  # 0..1, mean ink density of the interior (0 = paper, 1 = printed black)
    outside: float  # 0..1, share of the box's table cell (less the box itself) covered by ink
    dx_mm: float  # where the printed box was found, relative to the template
    dy_mm: float
    # 0..1, share of the interior covered by pen-line-thin ink standing out from its
    # surroundings: a pencil line has it, an erasure's broad smudge does not
    stroke: float = 0.0
    span_mm: float = 0.0  # how far that line ink reaches across the box (mm)
    outside_faint: float = 0.0  # as ``outside``, at the faint cut (a pencil tick beside the box)
    # 0..1, share of the band along the printed frame (the unscored margin inside it, the frame,
    # and the cell inset outside it) with faint ink: the frame itself on every box, plus a circle
    # drawn tight round the box or a tick that only touches it
    edge: float = 0.0
    # 0..1, mean darkness of the interior's darkest ``ReaderSettings.peak_share``: the core of a
    # pen line, whatever its length.  A pen lays its ink at one density; an eraser leaves ghosts
    # of it, a stroke's width of the same line many times lighter
    peak: float = 0.0
    # that core as grey levels (of 255) below the paper round the box: how plainly a person sees
    # it, whatever the page's own contrast (a phone photo's paper is grey and its black pale)
    peak_levels: float = 0.0
    # ``stroke``, ``span_mm`` and ``pieces`` of line ink at the faint cut
    # (``ReaderSettings.light_stroke_contrast``): a light pencil's lines, which the line-ink cut
    # breaks into specks
    light_stroke: float = 0.0
    light_span_mm: float = 0.0
    light_pieces: int = 0
    # how many separate pieces that line ink is in: a pen line drawn is one or two, the ghost an
    # eraser leaves (or a copier's threshold makes of it) is broken into dashes
    pieces: int = 0
    # 0..1, share of the sectors round the box (``ReaderSettings.ring_sectors``) holding faint ink
    # beyond what every box of the page shows there: a loop drawn round the box closes most of them,
    # a tick touching it or a cross beside it a few
    ring: float = 0.0
    # mm of the printed rules above and below the box that drawn ink crosses (ink just above a
    # rule and just below it, in the box's column): a stroke shared with the next row, such as a
    # loop drawn round that row's box reaching into this one
    over_rule: float = 0.0
    # mm of the rule above, and of the rule below, that ink joined to this box's scored interior
    # crosses, anywhere across the row: this box's own stroke running into the next row (another
    # row's stroke reaching into this row's gap is not joined to it)
    joined_above: float = 0.0
    joined_below: float = 0.0
    # mm of the rule above, and of the rule below, where that joined ink is the same ink as what
    # is joined to the interior of a box of the row across the rule (any column): one stroke
    # through both rows' boxes.  Two marks each running over the rule, apart, share none of it
    shared_above: float = 0.0
    shared_below: float = 0.0
    # as ``joined_above`` and ``joined_below``, for the line ink at the faint cut: a light pen's
    # stroke running into the next row
    light_joined_above: float = 0.0
    light_joined_below: float = 0.0
    # mm between the interior's middle row and the nearest line ink, 0 when the lines reach it:
    # a cross, a tick or a dash drawn in the box do; the arc of a loop drawn round the next
    # row's box, clipping this one along its top or bottom, does not
    off_middle_mm: float = 0.0


@dataclass(frozen=True)
class RowScores:
    official_index: int
    boxes: tuple[BoxScore, ...]


class Reading(StrEnum):
    """What a row says: one level, nothing, or more than one mark (an invalid row)."""

    LEVEL = "level"
    BLANK = "blank"
    MULTI = "multi"


@dataclass(frozen=True)
class RowDecision:
    """The machine's reading of a row. ``needs_review`` rows are not counted until a person decides."""

    official_index: int
    reading: Reading
    level: int | None  # set when reading is LEVEL; for review rows, the machine's best guess
    reasons: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return bool(self.reasons)


@dataclass(frozen=True, eq=False)
class PageResult:
    """Everything the scan learned about one page, ready to store."""

    ref: PageRef
    status: str  # "read" or "unusable"
    reason: str = ""
    detail: str = ""
    template_fingerprint: str | None = None
    page_number: int | None = None
    orientation: int | None = None
    fit_error_mm: float | None = None
    scores: tuple[RowScores, ...] = ()
    decisions: tuple[RowDecision, ...] = ()
    page_reasons: tuple[str, ...] = field(default=())
    strike_mm: float | None = None  # longest line through a printed name
    margin_ink_mm2: float | None = None  # handwriting-sized ink in the margins
    homography: tuple[float, ...] = ()  # 3x3 row by row: template mm to the stored image's pixels
    bilevel: bool = False  # read as a 1-bit scan (PageImage.bilevel)
    marks_used: int | None = None  # registration marks the alignment rests on (Alignment.marks_used)
    image_media_type: str = ""
    image_bytes: bytes = b""
    seconds: float = 0.0
