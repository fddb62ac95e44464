"""The count minutes (biên bản kiểm phiếu): an A4 PDF in Vietnamese drawn from :class:`Results`.

Heading, the count's facts, the totals, the table of officials with counts, percentages and
flags, a stacked bar per official, the flags' consequences under the framework, remarks and
signature lines for the counting board.  While anything awaits review every page says
PROVISIONAL.  The PDF is reproducible: the same results give the same bytes.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .ballotpdf import register_fonts
from .countinfo import CountSettings
from .results import BallotResult, OfficialResult, Results
from .resulttext import DENOMINATOR_NAMES, FLAG_WORDS, notice_text, vi_number

MARGIN_LEFT_MM, MARGIN_RIGHT_MM, MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 20, 15, 15, 18
WIDTH_MM = A4[0] / mm - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
# level colours from the highest level to the lowest: dark to light green, then orange for the
# lowest, so the bars stay distinct when printed in grey
LEVEL_COLOURS = {
    2: ("#1b5e20", "#e65100"),
    3: ("#1b5e20", "#7cb87f", "#e65100"),
    4: ("#1b5e20", "#4f9a53", "#a5d6a7", "#e65100"),
    5: ("#1b5e20", "#4f9a53", "#a5d6a7", "#ffb74d", "#e65100"),
}
OTHER_COLOUR = "#d0d0d0"  # invalid, pending and rows not returned
PROVISIONAL_WORDS = "TẠM THỜI · PROVISIONAL"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    # DejaVu Sans ships no italic here: <i> falls back to the upright face
    registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
    base = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, alignment=TA_JUSTIFY)
    return {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=8, leading=10, alignment=0),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=9.6, alignment=0),
        "num": ParagraphStyle("num", base, fontSize=8, leading=9.6, alignment=TA_CENTER),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=7.5, leading=9, alignment=TA_CENTER),
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=15, leading=19, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", base, fontName=bold, fontSize=11, leading=14, alignment=TA_CENTER),
        "centre": ParagraphStyle("centre", base, alignment=TA_CENTER),
        "centre_bold": ParagraphStyle("centre_bold", base, fontName=bold, alignment=TA_CENTER),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT),
        "section": ParagraphStyle("section", base, fontName=bold, fontSize=10.5, spaceBefore=8, spaceAfter=4),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _section(title: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A section heading, on a new page when less than a few lines would follow it on this one."""
    return [CondPageBreak(35 * mm), _p(title, styles["section"])]


def _b(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def _date_words(held_at: str) -> tuple[str, str]:
    """("ngày 23 tháng 11 năm 2026", "14 giờ 30") from "2026-11-23 14:30"; dotted blanks when unknown."""
    if not held_at:
        return "ngày ..... tháng ..... năm ..........", "..... giờ ....."
    day = held_at[:10]
    year, month, d = day.split("-")
    time = held_at[11:]
    hours = f"{int(time[:2])} giờ {time[3:5]}" if time else "..... giờ ....."
    return f"ngày {int(d)} tháng {int(month)} năm {year}", hours


def _or_blank(value: object, blank: str = "..........") -> str:
    return blank if value is None or value == "" else str(value)


class _StackedBars(Flowable):
    """One horizontal stacked bar per official: each level's share of the denominator."""

    ROW_MM, LABEL_MM, GAP_MM = 6.0, 52.0, 2.0

    def __init__(self, ballot: BallotResult, officials: tuple[OfficialResult, ...]) -> None:
        super().__init__()
        self.ballot, self.officials = ballot, officials
        self.width = WIDTH_MM * mm
        self.height = (len(officials) + 1.6) * self.ROW_MM * mm

    def draw(self) -> None:
        regular, _ = register_fonts()
        c = self.canv
        bar_mm = WIDTH_MM - self.LABEL_MM - self.GAP_MM
        palette = LEVEL_COLOURS[len(self.ballot.level_names)]
        d = self.ballot.denominator or 0
        top = self.height / mm
        for i, o in enumerate(self.officials):
            y = (top - (i + 1) * self.ROW_MM) * mm
            c.setFont(regular, 7.5)
            c.setFillColor(colors.black)
            label = f"{o.stt}. {o.name}"
            c.drawString(0, y + 1.8 * mm, label[:38])
            x = self.LABEL_MM + self.GAP_MM
            c.setFillColor(colors.HexColor(OTHER_COLOUR))
            c.rect(x * mm, y + 0.8 * mm, bar_mm * mm, 3.8 * mm, stroke=0, fill=1)
            for k, level in enumerate(o.levels):
                if d <= 0 or level.count <= 0:
                    continue
                w = bar_mm * level.count / d
                c.setFillColor(colors.HexColor(palette[k]))
                c.rect(x * mm, y + 0.8 * mm, w * mm, 3.8 * mm, stroke=0, fill=1)
                if w >= 9:
                    c.setFillColor(colors.white if k in (0, len(o.levels) - 1) else colors.black)
                    c.setFont(regular, 6.5)
                    c.drawCentredString((x + w / 2) * mm, y + 1.8 * mm, vi_number(level.percent) + "%")
                x += w
        # axis: 0, 50, 2/3 and 100 per cent of the denominator
        y0 = (top - (len(self.officials) + 1) * self.ROW_MM + 2.5) * mm
        left = (self.LABEL_MM + self.GAP_MM) * mm
        c.setStrokeColor(colors.HexColor("#555555"))
        c.setLineWidth(0.4)
        c.line(left, y0, left + bar_mm * mm, y0)
        c.setFont(regular, 6.5)
        c.setFillColor(colors.HexColor("#333333"))
        for share, text in ((0, "0%"), (0.5, "50%"), (2 / 3, "2/3"), (1, "100%")):
            x = left + share * bar_mm * mm
            c.line(x, y0 - 1 * mm, x, y0 + 1 * mm)
            c.drawCentredString(x, y0 - 3.6 * mm, text)


def _legend(ballot: BallotResult, styles: dict[str, ParagraphStyle]) -> Table:
    palette = LEVEL_COLOURS[len(ballot.level_names)]
    cells: list[Any] = []
    widths: list[float] = []
    for name, colour in (*zip(ballot.level_names, palette, strict=True), ("Không hợp lệ, chờ xem xét", OTHER_COLOUR)):
        swatch = Table([[""]], colWidths=[4 * mm], rowHeights=[3 * mm])
        swatch.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(colour))]))
        cells += [swatch, _p(name, styles["small"])]
        widths += [6 * mm, (WIDTH_MM / (len(palette) + 1) - 6) * mm]
    legend = Table([cells], colWidths=widths)
    legend.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return legend


def _heading(s: CountSettings, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    left = [_b(s.organisation.upper() or "..............................."), "<b>BAN KIỂM PHIẾU</b>", "———"]
    body = s.rules.body_heading
    right = [_b(body[0])] + [f"<u>{escape(x)}</u>" for x in body[1:]]
    if len(body) == 1:
        right.append("———")
    date, _ = _date_words(s.held_at)
    place = s.place.split(",")[-1].strip() if s.place else "..........."
    right.append(f"<i>{escape(place)}, {date}</i>")
    head = Table(
        [[Paragraph("<br/>".join(left), styles["centre"]), Paragraph("<br/>".join(right), styles["centre"])]],
        colWidths=[WIDTH_MM * 0.42 * mm, WIDTH_MM * 0.58 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [
        head,
        Spacer(1, 7 * mm),
        _p("BIÊN BẢN KIỂM PHIẾU", styles["title"]),
        _p(s.title or "Lấy phiếu tín nhiệm", styles["subtitle"]),
        _p(f"(theo {s.rules.name})", styles["centre"]),
        Spacer(1, 4 * mm),
    ]


def _opening(s: CountSettings, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    date, hours = _date_words(s.held_at)
    out: list[Flowable] = [
        _p(f"Hôm nay, vào lúc {hours}, {date}, tại {_or_blank(s.place)}, Ban kiểm phiếu gồm:", styles["body"])
    ]
    rows = [[f"{i}.", m.name, m.role] for i, m in enumerate(s.board, 1)] or [
        [f"{i}.", "........................................", "........................"] for i in (1, 2, 3)
    ]
    board = Table(
        [[_p(a, styles["body"]), _p(b, styles["body"]), _p(c, styles["body"])] for a, b, c in rows],
        colWidths=[10 * mm, 80 * mm, 70 * mm],
    )
    board.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    out += [
        board,
        _p(
            "đã tiến hành kiểm phiếu lấy phiếu tín nhiệm. Phiếu được đọc bằng máy; mọi dòng máy đọc không chắc "
            "chắn, mọi tờ phiếu bị gạch tên hoặc không đọc được đều do người xem xét và quyết định. "
            "Kết quả như sau:",
            styles["body"],
        ),
    ]
    return out


def _totals(r: Results, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    s = r.settings
    rows: list[list[str]] = []
    if s.members is not None or s.rules.quorum:
        rows.append(["Số người được triệu tập", _or_blank(s.members)])
        present = _or_blank(s.present)
        if s.quorum_ok is not None and s.rules.quorum:
            num, den = s.rules.quorum
            present += f" ({'đạt' if s.quorum_ok else 'KHÔNG ĐẠT'} tối thiểu {num}/{den} số được triệu tập)"
        rows.append(["Số người có mặt", present])
    for b in r.ballots:
        prefix = f"{b.title}: " if len(r.ballots) > 1 else ""
        rows += [
            [f"{prefix}Số phiếu phát ra", _or_blank(b.issued)],
            [f"{prefix}Số phiếu thu về", str(b.collected)],
            [f"{prefix}Số phiếu hợp lệ", str(b.valid)],
            [f"{prefix}Số phiếu không hợp lệ", str(b.invalid)],
        ]
    name = DENOMINATOR_NAMES["vi"][r.denominator_kind]
    shown = ", ".join(_or_blank(b.denominator, "chưa nhập") for b in r.ballots) or "—"
    rows.append(["Tỷ lệ phần trăm tính trên", f"{name} ({shown})"])
    table = Table(
        [[_p(a, styles["body"]), Paragraph(_b(v), styles["body"])] for a, v in rows],
        colWidths=[75 * mm, (WIDTH_MM - 75) * mm],
    )
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    return [*_section("I. SỐ LƯỢNG", styles), table]


def _official_table(b: BallotResult, r: Results, styles: dict[str, ParagraphStyle]) -> Table:
    pending = any(o.pending for o in b.officials)
    n = len(b.level_names)
    fixed = 10 + 40 + 36 + 15 + (13 if pending else 0)
    level_w = (WIDTH_MM - fixed) / n
    header = [_p(x, styles["head"]) for x in ("STT", "Họ và tên", "Chức vụ", *b.level_names, "Không hợp lệ")]
    widths = [10, 40, 36, *([level_w] * n), 15]
    if pending:
        header.append(_p("Chờ xem xét", styles["head"]))
        widths.append(13)
    body: list[list[Any]] = [header]
    flagged: list[int] = []
    for i, o in enumerate(b.officials, 1):
        mark = " (**)" if o.low_two_thirds else " (*)" if o.low_over_half else ""
        if mark:
            flagged.append(i)
        row: list[Any] = [
            _p(str(o.stt), styles["num"]),
            _p(o.name + mark, styles["cell"]),
            _p(o.position, styles["cell"]),
        ]
        row += [_p(f"{x.count}\n{vi_number(x.percent)}%", styles["num"]) for x in o.levels]
        row.append(_p(str(o.invalid), styles["num"]))
        if pending:
            row.append(_p(str(o.pending), styles["num"]))
        body.append(row)
    table = Table(body, colWidths=[w * mm for w in widths], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#444444")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), colors.HexColor("#fde3cf")) for i in flagged]
    table.setStyle(TableStyle(style))
    return table


def _results(r: Results, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = _section("II. KẾT QUẢ LẤY PHIẾU TÍN NHIỆM", styles)
    name = DENOMINATOR_NAMES["vi"][r.denominator_kind]
    for b in r.ballots:
        if len(r.ballots) > 1:
            out.append(_p(b.title, styles["centre_bold"]))
        out.append(_official_table(b, r, styles))
        out.append(
            _p(
                f"Mỗi ô: số phiếu và tỷ lệ trên {name}. Không hợp lệ: dòng để trống hoặc đánh dấu từ hai ô trở lên "
                "(chỉ không hợp lệ đối với người đó). (*) trên 1/2, (**) từ 2/3 trở lên tín nhiệm thấp.",
                styles["small"],
            )
        )
    return out


def _charts(r: Results, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = []
    for n, b in enumerate(r.ballots):
        lead: list[Flowable] = [_p("III. BIỂU ĐỒ MỨC ĐỘ TÍN NHIỆM", styles["section"])] if n == 0 else []
        if len(r.ballots) > 1:
            lead.append(_p(b.title, styles["centre_bold"]))
        lead += [_legend(b, styles), Spacer(1, 2 * mm)]
        # in slices of 25, so a long list may continue on the next page; the heading stays with the first
        slices = [_StackedBars(b, b.officials[i : i + 25]) for i in range(0, len(b.officials), 25)]
        out.append(KeepTogether([*lead, slices[0]]))
        out += slices[1:]
    return out


def _flags(r: Results, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    rules = r.settings.rules
    out: list[Flowable] = _section("IV. TRƯỜNG HỢP CÓ TỶ LỆ TÍN NHIỆM THẤP CAO", styles)
    flagged = [(b, o) for b in r.ballots for o in b.officials if o.low_over_half]
    if not flagged:
        out.append(_p("Không có người nào có trên một nửa số phiếu tín nhiệm thấp.", styles["body"]))
    for b, o in flagged:
        low = o.levels[-1]
        kind = "two_thirds" if o.low_two_thirds else "over_half"
        consequence = rules.two_thirds if o.low_two_thirds else rules.over_half
        out.append(
            Paragraph(
                f"{_b(o.name)} ({escape(o.position)}): {low.count} phiếu {escape(b.level_names[-1].lower())}, "
                f"{vi_number(low.percent)}%: {escape(FLAG_WORDS['vi'][kind].lower())}. {escape(consequence)}",
                styles["body"],
            )
        )
    high = [(b, o) for b in r.ballots for o in b.officials if o.high_rank == 1 and b.denominator]
    for b, o in high:
        out.append(
            _p(
                f"Người có tỷ lệ “{b.level_names[0]}” cao nhất: {o.name}, {o.levels[0].count} phiếu "
                f"({vi_number(o.levels[0].percent)}%).",
                styles["body"],
            )
        )
    return out


def _remarks(r: Results, sha256: str, source: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    items = [notice_text(n, "vi") for n in r.notices]
    if r.provisional:
        items.insert(
            0,
            f"KẾT QUẢ TẠM THỜI: còn {r.rows_pending} dòng và {r.pages_pending} trang phiếu chờ xem xét; "
            "biên bản này chưa phải kết quả cuối cùng.",
        )
    if r.settings.remarks:
        items.append(r.settings.remarks)
    out: list[Flowable] = _section("V. GHI CHÚ", styles)
    out += [_p(f"- {x}", styles["body"]) for x in items] or [_p("Không có.", styles["body"])]
    out.append(Spacer(1, 2 * mm))
    out.append(
        _p(
            f"Mã kiểm tra SHA-256 của kết quả (tệp JSON do lệnh “scanner report --json” tạo từ {source}): {sha256}",
            styles["small"],
        )
    )
    out.append(Spacer(1, 3 * mm))
    out.append(_p("Biên bản kết thúc lúc ..... giờ ..... cùng ngày.", styles["body"]))
    return out


def _signatures(s: CountSettings, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    people = list(s.board) or []
    cells: list[Any] = []
    if people:
        for m in people:
            text = f"{_b(m.role.upper())}<br/><font size=8>(Ký, ghi rõ họ tên)</font><br/><br/><br/><br/>{_b(m.name)}"
            cells.append(Paragraph(text, styles["centre"]))
    else:
        for role in ("TRƯỞNG BAN", "THÀNH VIÊN", "THÀNH VIÊN"):
            text = (
                f"<b>{role}</b><br/><font size=8>(Ký, ghi rõ họ tên)</font><br/><br/><br/><br/>......................"
            )
            cells.append(Paragraph(text, styles["centre"]))
    grid = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    if len(grid[-1]) == 1:
        grid[-1].append("")
    table = Table(grid, colWidths=[WIDTH_MM / 2 * mm] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    return [Spacer(1, 4 * mm), KeepTogether([_p("BAN KIỂM PHIẾU", styles["centre_bold"]), Spacer(1, 2 * mm), table])]


def _page_decoration(provisional: bool, sha256: str) -> type[Canvas]:
    """A canvas that numbers pages "Trang i/n", prints the results' hash and, when provisional, a watermark."""

    class MinutesCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            regular, bold = register_fonts()
            width, _ = A4
            self.saveState()
            self.setFont(regular, 7.5)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(MARGIN_LEFT_MM * mm, 9 * mm, f"SHA-256 kết quả: {sha256[:16]}…")
            self.drawRightString(width - MARGIN_RIGHT_MM * mm, 9 * mm, f"Trang {number}/{total}")
            if provisional:
                self.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.16))
                self.setFont(bold, 44)
                self.translate(width / 2, A4[1] / 2)
                self.rotate(50)
                self.drawCentredString(0, 0, PROVISIONAL_WORDS)
                self.rotate(-50)
                self.translate(-width / 2, -A4[1] / 2)
                self.setFillColor(colors.HexColor("#b71c1c"))
                self.setFont(bold, 8)
                self.drawCentredString(
                    width / 2, A4[1] - 8 * mm, "KẾT QUẢ TẠM THỜI (PROVISIONAL): CÒN PHIẾU CHỜ XEM XÉT"
                )
            self.restoreState()

    return MinutesCanvas


def render_minutes(r: Results, sha256: str, source: str) -> bytes:
    """The minutes as PDF bytes; ``sha256`` is the results' JSON hash, ``source`` the database's name."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT_MM * mm,
        rightMargin=MARGIN_RIGHT_MM * mm,
        topMargin=MARGIN_TOP_MM * mm,
        bottomMargin=MARGIN_BOTTOM_MM * mm,
        title=f"Biên bản kiểm phiếu: {r.settings.title}".rstrip(": "),
        author=r.settings.organisation or "Ban kiểm phiếu",
        subject=f"SHA-256 {sha256}",
        lang="vi",
        invariant=1,
    )
    story: list[Flowable] = []
    story += _heading(r.settings, styles)
    story += _opening(r.settings, styles)
    story += _totals(r, styles)
    story += _results(r, styles)
    story += _charts(r, styles)
    story += _flags(r, styles)
    story += _remarks(r, sha256, source, styles)
    story += _signatures(r.settings, styles)
    doc.build(story, canvasmaker=_page_decoration(r.provisional, sha256))
    return buffer.getvalue()
