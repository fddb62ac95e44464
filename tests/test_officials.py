from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from scanner.errors import OfficialsError
from scanner.officials import read_officials


def test_vietnamese_headers_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("\ufeffSTT,Họ và tên,Chức vụ\n2,Trần Văn Bình,Phó Bí thư\n1,Nguyễn Thị Kim Ngân,Bí thư\n", "utf-8")
    officials = read_officials(path)
    assert [o.stt for o in officials] == [1, 2]
    assert officials[0].name == "Nguyễn Thị Kim Ngân"


def test_plain_headers_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("stt;ho_ten;chuc_vu\n1;Lê Văn Đức;Chủ tịch\n", "utf-8")
    assert read_officials(path)[0].position == "Chủ tịch"


def test_decomposed_unicode_is_normalised(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("stt,ho_ten,chuc_vu\n1,Nguye\u0302\u0303n,x\n", "utf-8")
    assert read_officials(path)[0].name == "Nguyễn"


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("stt,ho_ten,chuc_vu\n1,A,x\nhai,B,y\n", 3, "STT must be a whole number"),
        ("stt,ho_ten,chuc_vu\n1,A,x\n1,B,y\n", 3, "used twice"),
        ("stt,ho_ten,chuc_vu\n1,,x\n", 2, "name"),
        ("stt,ten\n1,A\n", 1, "Chức vụ"),
    ],
)
def test_bad_rows_name_their_line(tmp_path: Path, body: str, line: int, words: str) -> None:
    path = tmp_path / "o.csv"
    path.write_text(body, "utf-8")
    with pytest.raises(OfficialsError) as info:
        read_officials(path)
    assert info.value.line == line
    assert words in str(info.value)


def test_not_utf8_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_bytes(b"stt,ho_ten,chuc_vu\n1,Nguy\xea\xd5n,x\n")
    with pytest.raises(OfficialsError, match="UTF-8"):
        read_officials(path)


def test_too_many_officials(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("stt,ho_ten,chuc_vu\n" + "".join(f"{i},N{i},x\n" for i in range(1, 62)), "utf-8")
    with pytest.raises(OfficialsError, match="at most 60"):
        read_officials(path)


def test_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Họ và tên", "Chức vụ"])
    sheet.append([1, "Phạm Minh Chính", "Thủ tướng"])
    sheet.append([2.0, "Vương Đình Huệ", "Chủ tịch Quốc hội"])
    book.save(tmp_path / "o.xlsx")
    officials = read_officials(tmp_path / "o.xlsx")
    assert [(o.stt, o.name) for o in officials] == [(1, "Phạm Minh Chính"), (2, "Vương Đình Huệ")]
