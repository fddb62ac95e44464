"""Read the list of officials (STT, họ và tên, chức vụ) from CSV or XLSX."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import OfficialsError
from .model import MAX_OFFICIALS, Official

# Accepted header spellings, compared after removing diacritics, case and punctuation.
_HEADER_ALIASES = {
    "stt": ("stt", "so thu tu", "tt", "no", "number"),
    "name": ("ho va ten", "ho ten", "ho_ten", "hoten", "name", "full name"),
    "position": ("chuc vu", "chuc_vu", "chucvu", "position", "title"),
}


def _fold(text: str) -> str:
    """Lower-case ASCII form of a header: 'Họ và tên' -> 'ho va ten'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(ascii_only.lower().replace("_", " ").replace(".", " ").split())


def _column_map(header: Sequence[str], path: str) -> dict[str, int]:
    folded = [_fold(h) for h in header]
    found: dict[str, int] = {}
    for key, aliases in _HEADER_ALIASES.items():
        wanted = {_fold(a) for a in aliases}
        for i, h in enumerate(folded):
            if h in wanted:
                found[key] = i
                break
    missing = [k for k in ("stt", "name", "position") if k not in found]
    if missing:
        names = {"stt": "STT", "name": "Họ và tên", "position": "Chức vụ"}
        raise OfficialsError(
            path,
            1,
            "the header must have the columns STT, Họ và tên, Chức vụ "
            f"(or stt, ho_ten, chuc_vu); missing: {', '.join(names[m] for m in missing)}; "
            f"found: {', '.join(repr(h) for h in header)}",
        )
    return found


def parse_officials(rows: Iterable[tuple[int, Sequence[object]]], path: str) -> tuple[Official, ...]:
    """Officials from ``(line number, cells)`` pairs, the first pair being the header.

    >>> parse_officials([(1, ["stt", "ho_ten", "chuc_vu"]), (2, ["1", "Lê Văn A", "Bí thư"])], "x.csv")
    (Official(stt=1, name='Lê Văn A', position='Bí thư'),)
    """
    iterator = iter(rows)
    try:
        _, header = next(iterator)
    except StopIteration:
        raise OfficialsError(path, None, "the file is empty") from None
    columns = _column_map([str(h or "").strip() for h in header], path)
    officials: list[Official] = []
    seen: dict[int, int] = {}
    for line, cells in iterator:
        values = [unicodedata.normalize("NFC", str(c if c is not None else "").strip()) for c in cells]
        if not any(values):
            continue

        def cell(key: str, values: list[str] = values) -> str:
            i = columns[key]
            return values[i] if i < len(values) else ""

        stt_text, name, position = cell("stt"), cell("name"), cell("position")
        try:
            stt_number = float(stt_text)
            if not stt_number.is_integer() or stt_number < 1:
                raise ValueError
            stt = int(stt_number)
        except ValueError:
            raise OfficialsError(path, line, f"STT must be a whole number from 1, not {stt_text!r}") from None
        if not name:
            raise OfficialsError(path, line, "the name (họ và tên) is empty")
        if stt in seen:
            raise OfficialsError(path, line, f"STT {stt} is used twice (also on line {seen[stt]})")
        seen[stt] = line
        officials.append(Official(stt=stt, name=" ".join(name.split()), position=" ".join(position.split())))
    if not officials:
        raise OfficialsError(path, None, "no officials listed below the header")
    if len(officials) > MAX_OFFICIALS:
        raise OfficialsError(path, None, f"{len(officials)} officials listed; a ballot holds at most {MAX_OFFICIALS}")
    return tuple(sorted(officials, key=lambda o: o.stt))


def read_officials(path: Path) -> tuple[Official, ...]:
    """Read a CSV (UTF-8, with or without BOM) or XLSX file of officials."""
    if not path.is_file():
        raise OfficialsError(str(path), None, "no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_officials(_xlsx_rows(path), str(path))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise OfficialsError(str(path), line, "the file is not UTF-8; save it as 'CSV UTF-8'") from None
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return parse_officials(((reader.line_num, row) for row in reader), str(path))


def _xlsx_rows(path: Path) -> Iterable[tuple[int, Sequence[object]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise OfficialsError(str(path), None, f"cannot open the workbook: {exc}") from exc
    sheet = workbook.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(row)
    workbook.close()
