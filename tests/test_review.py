"""The review station's server, route by route, over a real count database made by the CLI."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from flask.testing import FlaskClient
from helpers import run

from scanner.review import FAILED_LOGIN_DELAY_S, create_app
from scanner.store import Store
from scanner.tally import tally

PASSWORD = "mật khẩu đủ dài"


@pytest.fixture(scope="module")
def count_db(template12: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two ballots with two-mark rows to review, and one sheet that is no ballot at all."""
    folder = tmp_path_factory.mktemp("review")
    scans, db = folder / "scans", folder / "count.db"
    run("simulate", template12, "--ballots", "2", "--out", scans, "--seed", "3", "--multi-rate", "0.3")
    cv2.imwrite(str(scans / "blank-sheet.png"), np.full((1100, 800), 250, np.uint8))
    assert run("scan", "--db", db, "--template", template12, scans, check=False).returncode == 3
    for name in ("an", "binh"):
        run("reviewer", "add", name, "--db", db, "--password-stdin", input_text=PASSWORD + "\n")
    return db


@pytest.fixture()
def db(count_db: Path, tmp_path: Path) -> Path:
    """A fresh copy for each test: decisions are append-only."""
    copy = tmp_path / "count.db"
    shutil.copy(count_db, copy)
    return copy


def _client(db: Path, two: bool = False) -> FlaskClient:
    app = create_app(db, two_reviewers=two)
    app.config["TESTING"] = True
    return app.test_client()


def _csrf(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf" content="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _sign_in(client: FlaskClient, name: str = "an") -> str:
    token = _csrf(client)
    response = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/queue")
    return _csrf(client, "/queue")


def _item(client: FlaskClient) -> str:
    page = client.get("/queue").get_data(as_text=True)
    found = re.search(r'data-item="([rp]\d+)"', page)
    return found.group(1) if found else ""


def _pending(db: Path) -> tuple[int, int]:
    with Store(db) as store:
        result = tally(store.templates(), store.tally_rows(), store.pages_pending())
    return result.rows_pending, result.pages_pending


def test_nothing_is_served_without_signing_in(db: Path) -> None:
    client = _client(db)
    assert client.get("/queue").status_code == 302
    assert client.get("/results").headers["Location"].endswith("/login")
    assert client.get("/image/page/1").status_code == 401
    assert client.get("/image/row/1").status_code == 401
    token = _csrf(client)
    assert client.post("/decide", data={"item": "r1", "reading": "blank", "csrf": token}).status_code == 401
    assert client.post("/undo", data={"csrf": token}).status_code == 401


def test_session_cookie_is_http_only_and_strict(db: Path) -> None:
    cookie = _client(db).get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_wrong_password_is_refused_and_slowed(db: Path) -> None:
    client = _client(db)
    token = _csrf(client)
    started = time.perf_counter()
    response = client.post("/login", data={"name": "an", "password": "wrong password", "csrf": token})
    assert response.status_code == 401 and time.perf_counter() - started >= FAILED_LOGIN_DELAY_S
    assert client.get("/queue").status_code == 302  # still signed out
    unknown = client.post("/login", data={"name": "nobody", "password": PASSWORD, "csrf": token})
    assert unknown.status_code == 401


def test_posts_without_the_csrf_token_are_refused(db: Path) -> None:
    client = _client(db)
    _sign_in(client)
    item = _item(client)
    for data in ({"item": item, "reading": "blank"}, {"item": item, "reading": "blank", "csrf": "forged"}):
        assert client.post("/decide", data=data).status_code == 403
    assert client.post("/login", data={"name": "an", "password": PASSWORD}).status_code == 403
    assert _pending(db)[0] > 0


def test_a_decision_counts_and_undo_takes_it_back(db: Path) -> None:
    client = _client(db)
    token = _sign_in(client)
    rows_before, _ = _pending(db)
    item = _item(client)
    assert item.startswith("r")
    reply = client.post("/decide", data={"item": item, "reading": "level", "level": "1", "csrf": token})
    assert reply.status_code == 200 and reply.get_json()["outcome"] == "decided"
    assert _pending(db)[0] == rows_before - 1
    assert _item(client) != item  # the queue moved on
    undone = client.post("/undo", data={"csrf": token}).get_json()
    assert undone["item"] == item and _pending(db)[0] == rows_before
    with Store(db) as store:  # the log keeps both, and the scan's own reading is untouched
        log = store.decisions_of_page(store.row_place(int(item[1:]))[0])  # type: ignore[index]
        assert [d["action"] for d in log][-2:] == ["decide", "undo"]
        assert log[-2]["machine_reading"] == "multi" and log[-2]["reviewer"] == "an"


def test_bad_requests_are_refused(db: Path) -> None:
    client = _client(db)
    token = _sign_in(client)
    item = _item(client)
    for data in (
        {"item": "r999999", "reading": "blank"},
        {"item": "x1", "reading": "blank"},
        {"item": item, "reading": "level", "level": "7"},
        {"item": item, "reading": "level"},
        {"item": item, "reading": "sideways"},
    ):
        assert client.post("/decide", data={**data, "csrf": token}).status_code in (400, 404)
    assert client.get("/image/page/999999").status_code == 404
    assert client.get("/queue?item=../../etc").status_code == 404
    assert client.post("/decide", data={"item": item, "reading": "blank", "csrf": token,
                                        "comment": "x" * 70000}).status_code == 413  # fmt: skip


def test_images_of_a_row_and_its_page(db: Path) -> None:
    client = _client(db)
    _sign_in(client)
    item = _item(client)
    row = client.get(f"/image/row/{item[1:]}")
    assert row.status_code == 200 and row.mimetype == "image/png"
    picture = cv2.imdecode(np.frombuffer(row.data, np.uint8), cv2.IMREAD_COLOR)
    assert picture.shape[1] > 2 * picture.shape[0]  # a wide strip: one row
    with Store(db) as store:
        page_id, official = store.row_place(int(item[1:]))  # type: ignore[misc]
    page = client.get(f"/image/page/{page_id}?row={official}")
    assert page.status_code == 200 and page.mimetype == "image/png"


def test_two_person_rule(db: Path) -> None:
    an, binh = _client(db, two=True), _client(db, two=True)
    token_an, token_binh = _sign_in(an, "an"), _sign_in(binh, "binh")
    rows_before, _ = _pending(db)
    item = _item(an)
    proposed = an.post("/decide", data={"item": item, "reading": "level", "level": "0", "csrf": token_an})
    assert proposed.get_json()["outcome"] == "proposed"
    assert _pending(db)[0] == rows_before  # not counted on one reviewer's word
    assert item not in [_item(an)]  # An is not offered her own decision again
    page = binh.get(f"/queue?item={item}").get_data(as_text=True)
    assert 'id="proposal"' in page and "an" in page
    # Binh disagrees: it comes back to the queue, now for An to confirm or not
    binh.post("/decide", data={"item": item, "reading": "blank", "csrf": token_binh})
    assert _pending(db)[0] == rows_before
    confirmed = an.post("/decide", data={"item": item, "reading": "blank", "csrf": token_an})
    assert confirmed.get_json()["outcome"] == "confirmed"
    assert _pending(db)[0] == rows_before - 1


def test_an_unreadable_sheet_is_rejected_or_entered_by_hand(db: Path) -> None:
    client = _client(db)
    token = _sign_in(client)
    with Store(db) as store:
        page_id = next(i for i, _, _, why in store.pages_to_review() if why.startswith("unusable"))
        fingerprint = next(iter(store.templates()))
        collected = tally(store.templates(), store.tally_rows(), 0).templates[0].collected
    key = f"p{page_id}"
    assert "blank-sheet.png" in client.get(f"/queue?item={key}").get_data(as_text=True)
    assert client.post("/page", data={"item": key, "verdict": "accept", "csrf": token}).status_code == 400
    reject = {"item": key, "verdict": "reject", "reason": "torn", "ballot_page": f"{fingerprint}:1", "csrf": token}
    assert client.post("/page", data=reject).get_json()["ok"]
    with Store(db) as store:
        result = tally(store.templates(), store.tally_rows(), store.pages_pending())
    assert result.pages_pending == 0 and result.templates[0].collected == collected + 1
    client.post("/undo", data={"csrf": token})
    rows = {f"row{i}": "1" for i in range(12)}
    entered = client.post("/page", data={"item": key, "verdict": "enter", "ballot_page": f"{fingerprint}:1",
                                         "csrf": token, **rows})  # fmt: skip
    assert entered.get_json()["ok"]
    with Store(db) as store:
        after = tally(store.templates(), store.tally_rows(), store.pages_pending()).templates[0]
    assert after.collected == collected + 1 and all(o.levels[1] >= 1 for o in after.officials)


def test_results_and_language(db: Path) -> None:
    client = _client(db)
    _sign_in(client)
    page = client.get("/results").get_data(as_text=True)
    assert "TẠM THỜI" in page and "Kết quả" in page
    switched = client.get("/language/en?next=/results")
    assert switched.headers["Location"] == "/results"
    assert "PROVISIONAL" in client.get("/results").get_data(as_text=True)
    assert client.get("/language/vi?next=//evil.example").headers["Location"] == "/"
    assert client.get("/language/xx").status_code == 404
    token = _csrf(client, "/results")
    assert client.post("/logout", data={"csrf": token}).status_code == 302
    assert client.get("/results").status_code == 302


def test_results_page_follows_the_count_settings_and_serves_the_cli_files(db: Path, tmp_path: Path) -> None:
    # two ballots and NQ 96 with one ballot issued: the denominator is 1, so every "thấp" is over half
    run("count", "set", "--db", db, "--framework", "nq96", "--issued", "1", "--title", "Kỳ họp thứ 9")
    client = _client(db)
    _sign_in(client)
    page = client.get("/results").get_data(as_text=True)
    assert "Kết quả: Kỳ họp thứ 9" in page and "Nghị quyết số 96/2023/QH15" in page
    assert "số phiếu phát ra: 1" in page
    assert "số phiếu thu về (2) nhiều hơn số phiếu phát ra (1)" in page
    run("report", "--db", db, "--csv", tmp_path / "r.csv", "--json", tmp_path / "r.json")
    cli_json = (tmp_path / "r.json").read_bytes()
    served = client.get("/results.json")
    assert served.status_code == 200 and served.data == cli_json
    assert client.get("/results.csv").data == (tmp_path / "r.csv").read_bytes()
    assert client.get("/results.xml").status_code == 404
    minutes = client.get("/results.pdf")
    assert minutes.status_code == 200 and minutes.data.startswith(b"%PDF")
    run("report", "--db", db, "--pdf", tmp_path / "m.pdf")
    assert minutes.data == (tmp_path / "m.pdf").read_bytes()
    flagged = sum(o["low_over_half"] for o in json.loads(cli_json)["ballots"][0]["officials"])
    assert page.count('class="flagged"') == flagged > 0
    assert page.count("Trên 1/2 tín nhiệm thấp") + page.count("Từ 2/3 trở lên tín nhiệm thấp") == flagged
