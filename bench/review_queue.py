"""How fast the review station answers with a long queue: 10,000 pending rows by default.

Builds a count database with that many rows waiting for review (834 pages of the 12-official
ballot, every row flagged; the page images are small, since this measures the queue, not
drawing), signs a reviewer in, and times the station's requests in-process with Flask's test
client: the queue page, a given item's page, a decision, undo, and the results page.  Prints
the median and the 90th percentile of each over repeated requests.

Target (issue 4): queue pages under 100 ms with 10,000 pending items.

Run:  .venv/bin/python bench/review_queue.py                  # 10,000 items
      .venv/bin/python bench/review_queue.py --items 2000     # quicker
"""

from __future__ import annotations

import argparse
import hashlib
import re
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

from scanner import templatefile
from scanner.auth import hash_password
from scanner.load import ScanFile
from scanner.model import BoxScore, PageRef, PageResult, Reading, RowDecision, RowScores
from scanner.review import create_app
from scanner.store import Store

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "uy-ban-thuong-vu-12"
TARGET_MS = 100.0


def build(db: Path, items: int) -> None:
    template = templatefile.load(TEMPLATE)
    rows_per_page = len(template.pages[0].rows)
    image = cv2.imencode(".png", np.full((60, 40), 255, np.uint8))[1].tobytes()
    h = tuple(float(v) for v in np.diag([0.2, 0.2, 1.0]).ravel())
    with Store(db, create=True) as store:
        store.add_template(template)
        store.add_reviewer("bench", hash_password("bench password"))
        for n in range((items + rows_per_page - 1) // rows_per_page):
            sha = hashlib.sha256(f"page {n}".encode()).hexdigest()
            store.begin_file(ScanFile(f"scans/ballot-{n:05d}.png", sha, 1000, "png", 1))
            boxes = tuple(BoxScore(k, 0.04, 0.2, 0.05, 0.0, 0.0, 0.0, 0.05, 2.0) for k in range(3))
            scores = tuple(RowScores(r.official_index, boxes) for r in template.pages[0].rows)
            decisions = tuple(
                RowDecision(r.official_index, Reading.LEVEL, 0, ("marginal_mark",)) for r in template.pages[0].rows
            )
            store.save_page(
                PageResult(PageRef(f"scans/ballot-{n:05d}.png", sha, 0), "read",
                           template_fingerprint=template.fingerprint, page_number=1, orientation=0, fit_error_mm=0.05,
                           scores=scores, decisions=decisions, homography=h, image_media_type="image/png",
                           image_bytes=image)
            )  # fmt: skip
            store.finish_file(sha)


def timed(call, repeats: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code < 400, response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench" / "queue")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    db = args.out / f"queue-{args.items}.db"
    if not db.exists():
        print(f"Building a count with {args.items} rows to review ...")
        build(db, args.items)
    client = create_app(db).test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" content="([^"]+)"', login).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"name": "bench", "password": "bench password", "csrf": token})
    queue = client.get("/queue").get_data(as_text=True)
    token = re.search(r'name="csrf" content="([^"]+)"', queue).group(1)  # type: ignore[union-attr]
    pending = int(re.search(r"(\d+) / (\d+)", queue).group(1))  # type: ignore[union-attr]
    item = re.search(r'data-item="(r\d+)"', queue).group(1)  # type: ignore[union-attr]
    print(f"Pending items: {pending}")
    rows = [
        ("GET /queue (next item)", lambda: client.get("/queue")),
        ("GET /queue?item= (a given item)", lambda: client.get(f"/queue?item={item}")),
        (
            "POST /decide + POST /undo",
            lambda: (
                client.post("/decide", data={"item": item, "reading": "blank", "csrf": token}),
                client.post("/undo", data={"csrf": token}),
            )[1],
        ),  # fmt: skip
        ("GET /results", lambda: client.get("/results")),
    ]
    print(f"{'request':34}{'median ms':>12}{'p90 ms':>10}")
    worst = 0.0
    for name, call in rows:
        median, p90 = timed(call, args.repeats)
        print(f"{name:34}{median:12.1f}{p90:10.1f}")
        if name.startswith("GET /queue"):
            worst = max(worst, median)
    verdict = "met" if worst < TARGET_MS else "NOT met"
    print(f"\nQueue pages: median {worst:.1f} ms with {pending} pending items; target < {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
