from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import run, write_officials
from pdf2image import convert_from_path

from scanner import templatefile
from scanner.errors import TemplateError


def test_pdf_text_has_exact_vietnamese(tmp_path: Path) -> None:
    csv = tmp_path / "o.csv"
    csv.write_text("STT,Họ và tên,Chức vụ\n1,Nguyễn Thị Kim Ngân,Chủ tịch Quốc hội\n2,Đỗ Bá Tỵ,Phó Chủ tịch\n", "utf-8")
    run("template", "new", csv, "--title", "Lấy phiếu tín nhiệm đối với người giữ chức vụ", "--out", tmp_path / "t")
    text = subprocess.run(
        ["pdftotext", tmp_path / "t" / "ballot.pdf", "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())  # table headings wrap onto two lines
    for expected in (
        "Nguyễn Thị Kim Ngân",
        "Đỗ Bá Tỵ",
        "Tín nhiệm thấp",
        "Tín nhiệm cao",
        "PHIẾU TÍN NHIỆM",
        "Lấy phiếu tín nhiệm đối với người giữ chức vụ",
    ):
        assert expected in text
    fonts = subprocess.run(["pdffonts", tmp_path / "t" / "ballot.pdf"], capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts and " yes " in fonts  # embedded


def test_boxes_are_printed_where_the_template_says(template12: Path) -> None:
    t = templatefile.load(template12)
    dpi = 150
    page = np.asarray(convert_from_path(str(template12 / "ballot.pdf"), dpi=dpi, grayscale=True)[0])
    s = dpi / 25.4
    for row in t.pages[0].rows:
        for box in row.boxes:
            # the frame's edges, sampled half a line inside, are dark; 0.6 mm outside and inside they are paper
            inset = t.box_line_mm / 2
            left = int(round((box.x_mm + inset) * s))
            outside = int(round((box.x_mm - 0.6) * s))
            inside = int(round((box.x_mm + 1.0) * s))
            y = int(round(box.cy_mm * s))
            assert page[y, left] < 128, (row.official_index, box)
            assert page[y, outside] > 200 and page[y, inside] > 200
            top = int(round((box.y_mm + inset) * s))
            x = int(round(box.cx_mm * s))
            assert page[top, x] < 128


def test_levels_are_a_setting(tmp_path: Path) -> None:
    officials = write_officials(tmp_path / "o.csv", 3)
    run(
        "template",
        "new",
        officials,
        "--title",
        "Quân đội",
        "--levels",
        "Tín nhiệm cao;Tín nhiệm;Không tín nhiệm",
        "--out",
        tmp_path / "t",
    )
    t = templatefile.load(tmp_path / "t")
    assert t.levels == ("Tín nhiệm cao", "Tín nhiệm", "Không tín nhiệm")
    assert all(len(r.boxes) == 3 for r in t.pages[0].rows)
    bad = run("template", "new", officials, "--title", "x", "--levels", "Một", "--out", tmp_path / "u", check=False)
    assert bad.returncode == 1 and "2 to 5 levels" in bad.stderr


def test_forty_four_officials_take_two_self_identifying_pages(tmp_path: Path) -> None:
    officials = write_officials(tmp_path / "o.csv", 44)
    run("template", "new", officials, "--title", "Quốc hội", "--out", tmp_path / "t")
    t = templatefile.load(tmp_path / "t")
    assert len(t.pages) == 2
    assert sorted(r.official_index for p in t.pages for r in p.rows) == list(range(44))
    ids = [m.marker_id for p in t.pages for m in p.markers]
    assert len(set(ids)) == 8  # each page's marks are its own
    info = subprocess.run(["pdfinfo", tmp_path / "t" / "ballot.pdf"], capture_output=True, text=True).stdout
    assert "Pages:           2" in info and "595.276 x 841.89" in info  # A4


def test_hand_edited_template_is_refused(template12: Path, tmp_path: Path) -> None:
    data = json.loads((template12 / "template.json").read_text("utf-8"))
    data["pages"][0]["rows"][0]["boxes"][0]["x_mm"] += 1
    (tmp_path / "template.json").write_text(json.dumps(data), "utf-8")
    with pytest.raises(TemplateError, match="fingerprint"):
        templatefile.load(tmp_path)


def test_schema_document_names_every_key(template12: Path) -> None:
    doc = (Path(__file__).parent.parent / "docs" / "template-format.md").read_text("utf-8")
    data = json.loads((template12 / "template.json").read_text("utf-8"))
    keys = set(data) | set(data["pages"][0]) | set(data["pages"][0]["rows"][0]) | set(data["officials"][0])
    for key in keys:
        assert f"`{key}`" in doc, key


def test_long_texts_shrink_instead_of_losing_words(tmp_path: Path) -> None:
    csv = tmp_path / "o.csv"
    position = "Phó Bí thư Tỉnh ủy, Chủ tịch Hội đồng nhân dân tỉnh kiêm Trưởng đoàn đại biểu Quốc hội tỉnh"
    csv.write_text(f'STT,Họ và tên,Chức vụ\n1,Tôn Nữ Thị Ninh,"{position}"\n', "utf-8")
    title = "Lấy phiếu tín nhiệm đối với người giữ chức vụ do Hội đồng nhân dân bầu " * 3
    run("template", "new", csv, "--title", title.strip(), "--out", tmp_path / "t")
    text = subprocess.run(["pdftotext", tmp_path / "t" / "ballot.pdf", "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    folded = " ".join(text.split())
    assert position in folded and title.strip() in folded
