"""`scanner count` and `scanner report` on the bundled samples, as a counting board would use them."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers import run

from scanner.store import Store
from scanner.truthcheck import decide_as_truth

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "out" / "screenshots"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples scanned once; each test copies the database."""
    db = tmp_path_factory.mktemp("samples") / "count.db"
    template = ROOT / "templates" / "uy-ban-thuong-vu-12"
    assert run("scan", "--db", db, "--template", template, ROOT / "samples" / "scans", check=False).returncode == 3
    return db


def _copy(db: Path, tmp_path: Path) -> Path:
    with Store(db) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = tmp_path / "count.db"
    shutil.copy(db, target)
    return target


def _pdf_pages(pdf: Path) -> list[str]:
    # -raw keeps the order the text was drawn in, so the watermark does not cut into sentences
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def _png_pages(pdf: Path, prefix: Path) -> list[np.ndarray]:
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(prefix)], check=True)
    return [cv2.imread(str(p)) for p in sorted(prefix.parent.glob(prefix.name + "*.png"))]


def test_count_settings_from_the_command_line_and_a_file(scanned: Path, tmp_path: Path) -> None:
    db = _copy(scanned, tmp_path)
    shown = run("count", "show", "--db", db).stdout
    assert "Still to set for the minutes: --title, --organisation, --place, --date" in shown
    run("count", "set", "--db", db, "--from", ROOT / "samples" / "count.toml")
    out = run("count", "set", "--db", db, "--present", "29", "--framework", "qd96").stdout
    assert "29 present  (QUORUM NOT MET)" in out  # 29 of 45 is under two thirds
    assert "30 present  (quorum met)" in run("count", "set", "--db", db, "--members", "45", "--present", "30").stdout
    bad = run("count", "set", "--db", db, "--present", "46", check=False)
    assert bad.returncode == 1 and "present (46) cannot be more than members summoned (45)" in bad.stderr
    run("count", "set", "--db", db, "--board", "Phạm Minh Châu, Trưởng ban")
    shown = run("count", "show", "--db", db).stdout
    assert "Counting board: Phạm Minh Châu (Trưởng ban)" in shown and "Still to set" not in shown
    run("count", "set", "--db", db, "--framework", "nq96", "--unset", "issued")
    assert "Still to set for the minutes: --issued" in run("count", "show", "--db", db).stdout
    table = run("report", "--db", db).stdout
    assert "no percentages, because ballots issued is not set" in table


def test_minutes_while_review_is_pending_then_final(scanned: Path, tmp_path: Path) -> None:
    db = _copy(scanned, tmp_path)
    run("count", "set", "--db", db, "--from", ROOT / "samples" / "count.toml")
    out = tmp_path / "out"
    out.mkdir()
    files = {"pdf": out / "bien-ban.pdf", "csv": out / "ket-qua.csv", "json": out / "ket-qua.json"}
    done = run("report", "--db", db, *(x for k, v in files.items() for x in (f"--{k}", v)))
    assert "PROVISIONAL" in done.stderr
    pages = _pdf_pages(files["pdf"])
    assert len(pages) >= 2
    assert all("KẾT QUẢ TẠM THỜI (PROVISIONAL)" in page for page in pages)  # every page
    text = "\n".join(pages)
    headings = ("BIÊN BẢN KIỂM PHIẾU", "ĐẢNG CỘNG SẢN VIỆT NAM", "TỈNH ỦY QUẢNG BÌNH", "I. SỐ LƯỢNG",
                "II. KẾT QUẢ LẤY PHIẾU TÍN NHIỆM", "III. BIỂU ĐỒ MỨC ĐỘ TÍN NHIỆM", "(Ký, ghi rõ họ tên)")  # fmt: skip
    names_and_date = ("Dương Văn Bảo", "Nguyễn Quốc Hải", "Trần Thị Bích Ngọc", "ngày 23 tháng 11 năm 2026")
    for words in (*headings, *names_and_date):
        assert words in text, words
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    assert data["provisional"] is True and data["count"]["quorum_met"] is True
    (ballot,) = data["ballots"]
    assert ballot["denominator"] == ballot["collected"] == 30
    for o in ballot["officials"]:  # every row of the table: name, then each level's count and percentage
        cells = "".join(f"{x['count']}\n{x['percent'].replace('.', ',')}%\n" for x in o["levels"])
        assert f"{o['stt']} {o['name']}" in text and cells in text, o["name"]
    digest = hashlib.sha256(files["json"].read_bytes()).hexdigest()
    assert digest in text.replace("\n", "").replace(" ", "")
    pictures = _png_pages(files["pdf"], tmp_path / "provisional")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for i, picture in enumerate(pictures, 1):
        assert picture.shape[0] > picture.shape[1]  # A4 upright
        assert 0.01 < float(np.mean(picture < 128)) < 0.3  # printed, not blank, not black
        cv2.imwrite(str(SHOTS / f"minutes-provisional-{i}.png"), picture)

    # the same store gives the same bytes
    again = {k: v.with_name("again-" + v.name) for k, v in files.items()}
    run("report", "--db", db, *(x for k, v in again.items() for x in (f"--{k}", v)))
    for kind in files:
        assert files[kind].read_bytes() == again[kind].read_bytes(), kind

    # once every row and page is decided, the watermark is gone and the figures are final
    decide_as_truth(db, ROOT / "samples" / "truth.json")
    with Store(db) as store:
        for page_id, _path, _index, why in store.pages_to_review():
            assert why.startswith("unusable")
            store.review_page(page_id, "not_a_ballot", {}, reviewer="lan")
    run("report", "--db", db, "--pdf", files["pdf"], "--json", files["json"])
    final = "\n".join(_pdf_pages(files["pdf"]))
    assert "PROVISIONAL" not in final and "TẠM THỜI" not in final
    assert json.loads(files["json"].read_text(encoding="utf-8"))["provisional"] is False
    assert hashlib.sha256(files["json"].read_bytes()).hexdigest() != digest
    for i, picture in enumerate(_png_pages(files["pdf"], tmp_path / "final"), 1):
        cv2.imwrite(str(SHOTS / f"minutes-final-{i}.png"), picture)


def test_minutes_of_a_national_assembly_style_count(scanned: Path, tmp_path: Path) -> None:
    """NQ 85 divides by all members; the heading is the state's; flags carry the framework's consequence."""
    db = _copy(scanned, tmp_path)
    run("count", "set", "--db", db, "--framework", "nq85", "--members", "40", "--present", "35",
        "--organisation", "Hội đồng nhân dân tỉnh", "--title", "Lấy phiếu tín nhiệm tại kỳ họp thứ 9",
        "--place", "Hà Nội", "--date", "25/10/2026 09:00")  # fmt: skip
    pdf = tmp_path / "m.pdf"
    run("report", "--db", db, "--pdf", pdf)
    text = "\n".join(_pdf_pages(pdf))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "tổng số người được triệu tập (40)" in text
    assert "Không có người nào có trên một nửa số phiếu tín nhiệm thấp." in text
    run("report", "--db", db, "--json", tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["ballots"][0]["denominator"] == 40 and data["count"]["denominator"] == "members"
    low_counts = [o["levels"][2]["count"] for o in data["ballots"][0]["officials"]]
    # a denominator just under twice the largest "thấp" count: that official has more than half
    issued = 2 * max(low_counts) - 1
    assert issued > 1
    run("count", "set", "--db", db, "--denominator", "issued", "--issued", str(issued))
    run("report", "--db", db, "--pdf", pdf, "--json", tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    flagged = [o["name"] for o in data["ballots"][0]["officials"] if o["low_over_half"]]
    assert flagged == [
        o["name"] for o, low in zip(data["ballots"][0]["officials"], low_counts, strict=True) if 2 * low > issued
    ]
    assert flagged and len(flagged) < len(low_counts)
    text = "\n".join(_pdf_pages(pdf))
    assert "Có thể xin từ chức." in text and "(*)" in text
    assert f"số phiếu thu về (30) nhiều hơn số phiếu phát ra ({issued})" in " ".join(text.split())
