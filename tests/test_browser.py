"""A reviewer at the station, in Debian's Chromium driven by Playwright: sign in, clear the queue
with the keyboard, reject an unreadable sheet, and see the count become final.

Screenshots go to out/screenshots/ for people to look at.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers import run

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "out" / "screenshots"
PASSWORD = "đêm khuya vẫn đếm phiếu"
# what works on these machines: no sandbox as root, and no background network (there is none)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's chromium package is not installed: run `make test`, which installs it")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def station(template12: Path, tmp_path: Path) -> Iterator[str]:
    """A count with rows to review and one unreadable sheet, served by `scanner review`."""
    scans, db = tmp_path / "scans", tmp_path / "count.db"
    run("simulate", template12, "--ballots", "2", "--out", scans, "--seed", "3", "--multi-rate", "0.25")
    cv2.imwrite(str(scans / "z-blank-sheet.png"), np.full((1100, 800), 250, np.uint8))
    run("scan", "--db", db, "--template", template12, scans, check=False)
    run("reviewer", "add", "Lan", "--db", db, "--password-stdin", input_text=PASSWORD + "\n")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "scanner", "review", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("the review server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_reviewer_clears_the_queue_and_the_count_becomes_final(station: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(station + "/queue")
        expect(page.locator("h1")).to_have_text("Đăng nhập")  # Vietnamese by default
        page.screenshot(path=str(SHOTS / "1-sign-in.png"))
        page.fill("input[name=name]", "Lan")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#progress")).to_contain_text("Còn")

        first = page.locator("#item").get_attribute("data-item")
        assert first and first.startswith("r")
        expect(page.locator("img.row-image")).to_be_visible()
        page.screenshot(path=str(SHOTS / "2-row.png"))

        def press(key: str) -> None:
            """Press a key on the current item and wait for the page to move on from it."""
            before = page.locator("#item").get_attribute("data-item")
            page.keyboard.press(key)
            page.wait_for_function(
                "before => !document.getElementById('item') || document.getElementById('item').dataset.item !== before",
                arg=before,
            )

        # a level by key, then undo brings the same row back
        press("2")
        page.keyboard.press("u")
        page.wait_for_url(f"**/queue?item={first}")
        expect(page.locator("#item")).to_have_attribute("data-item", first)

        keys = ["1", "Enter", "0", "m"]
        done = 0
        while page.locator("#item[data-kind=row]").count():
            press(keys[done % len(keys)])
            done += 1
            assert done < 50, "the queue does not empty"
        assert done >= 2

        # the unreadable sheet: rejected as a torn ballot
        expect(page.locator("#item[data-kind=page]")).to_be_visible()
        page.screenshot(path=str(SHOTS / "3-unreadable-page.png"), full_page=True)
        page.select_option("#reason", "torn")
        page.click("form#reject button[type=submit]")
        expect(page.locator(".done h1")).to_have_text("Đã rà soát xong")
        page.screenshot(path=str(SHOTS / "4-done.png"))

        page.goto(station + "/results")
        expect(page.locator("#status")).to_have_text("Kết quả đã chốt: không còn gì chờ rà soát.")
        page.screenshot(path=str(SHOTS / "5-results.png"), full_page=True)
        page.click("#lang")
        expect(page.locator("#status")).to_have_text("Final: nothing awaits review.")
        browser.close()
