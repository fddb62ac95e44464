"""The count's SQLite database: one write path, one transaction per page, WAL journal.

Tables (schema version in ``PRAGMA user_version``):

- ``templates``: each template seen, as its JSON.
- ``files``: every input file by SHA-256, with its state (scanning, done, unreadable).
- ``pages``: one row per page of a file: read or unusable (with reason), template, page number.
- ``page_images``: the image each page was read from, for review and recount.
- ``rows`` and ``box_scores``: the machine's decision per official row and every box's raw scores.
- ``decisions``: people's decisions, append-only; never touched by a scan.
- ``reviewers`` and ``count_settings``: accounts, and the count's own facts (see countinfo.py) by key.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from . import templatefile
from .errors import StoreError
from .load import ScanFile
from .model import BallotTemplate, PageRef, PageResult, Reading
from .tally import RowRecord

SCHEMA_VERSION = 10
# the measurements of a box, as columns of box_scores and fields of BoxScore
BOX_FIELDS = ("fill", "faint", "darkness", "outside", "outside_faint", "stroke", "span_mm", "edge", "peak",
              "peak_levels", "light_stroke", "light_span_mm", "light_pieces", "pieces", "ring", "over_rule",
              "joined_above", "joined_below",
              "shared_above", "shared_below", "light_joined_above", "light_joined_below", "off_middle_mm",
              "dx_mm", "dy_mm")  # fmt: skip

_SCHEMA = """
CREATE TABLE templates (
    fingerprint TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    json TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE files (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    kind TEXT NOT NULL,
    page_count INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scanning', 'done', 'unreadable')),
    error TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    file_sha256 TEXT NOT NULL REFERENCES files(sha256),
    page_index INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('read', 'unusable')),
    reason TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    template TEXT REFERENCES templates(fingerprint),
    page_number INTEGER,
    orientation INTEGER,
    fit_error_mm REAL,
    page_reasons TEXT NOT NULL DEFAULT '',
    strike_mm REAL,
    margin_ink_mm2 REAL,
    homography TEXT,
    bilevel INTEGER NOT NULL DEFAULT 0 CHECK (bilevel IN (0, 1)),  -- read as a 1-bit scan
    marks_used INTEGER,  -- registration marks the alignment rests on: 4, 3 or 2
    seconds REAL NOT NULL,
    scanned_at TEXT NOT NULL,
    UNIQUE (file_sha256, page_index)
);
CREATE TABLE page_images (
    page_id INTEGER PRIMARY KEY REFERENCES pages(id),
    media_type TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE rows (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES pages(id),
    official_index INTEGER NOT NULL,
    reading TEXT NOT NULL CHECK (reading IN ('level', 'blank', 'multi')),
    level INTEGER,
    needs_review INTEGER NOT NULL CHECK (needs_review IN (0, 1)),
    reasons TEXT NOT NULL DEFAULT '',
    UNIQUE (page_id, official_index)
);
CREATE TABLE box_scores (
    row_id INTEGER NOT NULL REFERENCES rows(id),
    level INTEGER NOT NULL,
    fill REAL NOT NULL,
    faint REAL NOT NULL,
    darkness REAL NOT NULL,
    outside REAL NOT NULL,
    outside_faint REAL NOT NULL,
    stroke REAL NOT NULL,
    span_mm REAL NOT NULL,
    edge REAL NOT NULL,
    peak REAL NOT NULL,
    peak_levels REAL NOT NULL,
    light_stroke REAL NOT NULL,
    light_span_mm REAL NOT NULL,
    light_pieces INTEGER NOT NULL,
    pieces INTEGER NOT NULL,
    ring REAL NOT NULL,
    over_rule REAL NOT NULL,
    joined_above REAL NOT NULL,
    joined_below REAL NOT NULL,
    shared_above REAL NOT NULL,
    shared_below REAL NOT NULL,
    light_joined_above REAL NOT NULL,
    light_joined_below REAL NOT NULL,
    off_middle_mm REAL NOT NULL,
    dx_mm REAL NOT NULL,
    dy_mm REAL NOT NULL,
    PRIMARY KEY (row_id, level)
);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    row_id INTEGER REFERENCES rows(id),
    page_id INTEGER REFERENCES pages(id),
    -- decide: a reading for the item; confirm: a second reviewer agrees with decision ``target``;
    -- undo: decision ``target`` no longer stands
    action TEXT NOT NULL DEFAULT 'decide' CHECK (action IN ('decide', 'confirm', 'undo')),
    target INTEGER REFERENCES decisions(id),
    reading TEXT CHECK (reading IN ('level', 'blank', 'multi', 'accept_page', 'reject_page', 'enter_page',
                                    'not_a_ballot')),
    level INTEGER,
    payload TEXT NOT NULL DEFAULT '',  -- JSON: a rejection's reason, rows entered by hand
    machine_reading TEXT,
    machine_level INTEGER,
    reviewer TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL,
    CHECK ((row_id IS NULL) <> (page_id IS NULL)),
    CHECK ((action = 'decide') = (target IS NULL))
);
CREATE TABLE reviewers (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE count_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX rows_by_page ON rows(page_id);
CREATE INDEX rows_to_review ON rows(page_id) WHERE needs_review = 1;
CREATE INDEX decisions_by_row ON decisions(row_id);
CREATE INDEX decisions_by_page ON decisions(page_id);
CREATE INDEX decisions_by_target ON decisions(target);
CREATE INDEX decisions_by_reviewer ON decisions(reviewer);
CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
-- decisions and confirmations that were not undone
CREATE VIEW live_decisions AS
    SELECT d.* FROM decisions d
    WHERE d.action IN ('decide', 'confirm')
      AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.action = 'undo' AND u.target = d.id);
"""


# Per item (a row, or a whole page): the latest live decision and whether a different reviewer
# confirmed it; and the one that counts (under the two-person rule only a confirmed one).
_DECISION_VIEWS = """
CREATE VIEW current_{item}_decisions AS
    SELECT d.id, d.{item}_id, d.reading, d.level, d.payload, d.reviewer,
           EXISTS (SELECT 1 FROM live_decisions c WHERE c.action = 'confirm' AND c.target = d.id
                   AND c.reviewer <> d.reviewer) AS confirmed
    FROM live_decisions d
    WHERE d.action = 'decide' AND d.{item}_id IS NOT NULL AND d.id = (
        SELECT max(x.id) FROM live_decisions x WHERE x.action = 'decide' AND x.{item}_id = d.{item}_id);
CREATE VIEW effective_{item}_decisions AS
    SELECT * FROM current_{item}_decisions
    WHERE confirmed OR coalesce((SELECT value FROM count_settings WHERE key = 'two_reviewers'), '0') <> '1';
"""
_SCHEMA += "".join(_DECISION_VIEWS.format(item=item) for item in ("row", "page"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ItemKey:
    """A review item: a row (``r12``) or a whole page (``p3``)."""

    kind: str  # "row" or "page"
    id: int

    def __str__(self) -> str:
        return ("r" if self.kind == "row" else "p") + str(self.id)

    @staticmethod
    def parse(text: str) -> ItemKey | None:
        """``r12`` or ``p3``; None for anything else.

        >>> ItemKey.parse("r12"), ItemKey.parse("p3"), ItemKey.parse("x1"), ItemKey.parse("r../1")
        (ItemKey(kind='row', id=12), ItemKey(kind='page', id=3), None, None)
        """
        if not 2 <= len(text) <= 12 or text[0] not in "rp" or not text[1:].isdigit():
            return None
        return ItemKey("row" if text[0] == "r" else "page", int(text[1:]))


@dataclass(frozen=True)
class FileState:
    status: str
    pages_done: frozenset[int]


class Store:
    """The database of one count.  Use as a context manager."""

    def __init__(self, path: Path, create: bool = False) -> None:
        self.path = path
        if not path.exists() and not create:
            raise StoreError(f"{path}: no such count database; run 'scanner scan --db {path} ...' first")
        try:
            self.conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA foreign_keys = ON")
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a count database ({exc})") from exc
        if version == 0 and tables == 0:
            self.conn.execute("PRAGMA journal_mode = WAL")
            # one script, one transaction: a half-made schema is never left behind
            self.conn.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        elif version != SCHEMA_VERSION:
            self.conn.close()
            raise StoreError(
                f"{path}: database schema {version} is not {SCHEMA_VERSION}; use the matching scanner version"
            )
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- writes ---------------------------------------------------------------------------------

    def add_template(self, template: BallotTemplate) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT OR IGNORE INTO templates (fingerprint, title, json, added_at) VALUES (?, ?, ?, ?)",
                (template.fingerprint, template.title, templatefile.dumps(template), _now()),
            )

    def file_state(self, sha256: str) -> FileState | None:
        row = self.conn.execute("SELECT status FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return None
        done = self.conn.execute("SELECT page_index FROM pages WHERE file_sha256 = ?", (sha256,)).fetchall()
        return FileState(row[0], frozenset(r[0] for r in done))

    def begin_file(self, f: ScanFile) -> None:
        """Record a file before its pages; an unreadable file gets one unusable page for review."""
        with self.transaction() as c:
            c.execute(
                "INSERT OR IGNORE INTO files (sha256, path, size_bytes, kind, page_count, status, error, first_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f.sha256,
                    f.path,
                    f.size_bytes,
                    f.kind,
                    f.page_count,
                    "unreadable" if f.error else "scanning",
                    f.error,
                    _now(),
                ),
            )
            if f.error:
                c.execute(
                    "INSERT OR IGNORE INTO pages (file_sha256, page_index, status, reason, detail, seconds, scanned_at)"
                    " VALUES (?, 0, 'unusable', 'unreadable_file', ?, 0, ?)",
                    (f.sha256, f.error, _now()),
                )

    def finish_file(self, sha256: str) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE files SET status = 'done', finished_at = ? WHERE sha256 = ? AND status = 'scanning'"
                " AND page_count = (SELECT count(*) FROM pages WHERE file_sha256 = ?)",
                (_now(), sha256, sha256),
            )

    def save_page(self, r: PageResult) -> bool:
        """Store one page with its rows and scores in one transaction; False if it was already stored."""
        with self.transaction() as c:
            cursor = c.execute(
                "INSERT OR IGNORE INTO pages (file_sha256, page_index, status, reason, detail, template, page_number,"
                " orientation, fit_error_mm, page_reasons, strike_mm, margin_ink_mm2, homography, bilevel, marks_used,"
                " seconds, scanned_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    r.ref.file_sha256,
                    r.ref.page_index,
                    r.status,
                    r.reason,
                    r.detail,
                    r.template_fingerprint,
                    r.page_number,
                    r.orientation,
                    r.fit_error_mm,
                    ",".join(r.page_reasons),
                    r.strike_mm,
                    r.margin_ink_mm2,
                    json.dumps(r.homography) if r.homography else None,
                    int(r.bilevel),
                    r.marks_used,
                    round(r.seconds, 4),
                    _now(),
                ),
            )
            if cursor.rowcount == 0:
                return False
            page_id = cursor.lastrowid
            if r.image_bytes:
                c.execute(
                    "INSERT INTO page_images (page_id, media_type, data) VALUES (?, ?, ?)",
                    (page_id, r.image_media_type, r.image_bytes),
                )
            scores = {s.official_index: s for s in r.scores}
            for d in r.decisions:
                row_id = c.execute(
                    "INSERT INTO rows (page_id, official_index, reading, level, needs_review, reasons)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (page_id, d.official_index, d.reading.value, d.level, int(d.needs_review), ",".join(d.reasons)),
                ).lastrowid
                c.executemany(
                    f"INSERT INTO box_scores (row_id, level, {', '.join(BOX_FIELDS)})"
                    f" VALUES (?, ?{', ?' * len(BOX_FIELDS)})",
                    [(row_id, b.level, *(getattr(b, f) for f in BOX_FIELDS)) for b in scores[d.official_index].boxes],
                )
        return True

    # -- review ---------------------------------------------------------------------------------

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT OR REPLACE INTO count_settings (key, value) VALUES (?, ?)", (key, value))

    def setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM count_settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_settings(self, values: Mapping[str, str]) -> None:
        """Set several settings in one transaction."""
        with self.transaction() as c:
            c.executemany("INSERT OR REPLACE INTO count_settings (key, value) VALUES (?, ?)", values.items())

    def settings(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.conn.execute("SELECT key, value FROM count_settings")}

    def add_reviewer(self, name: str, password_hash: str, replace: bool = False) -> None:
        """Store a reviewer's account (the hash only).  An existing name is refused unless ``replace``."""
        with self.transaction() as c:
            exists = c.execute("SELECT 1 FROM reviewers WHERE name = ?", (name,)).fetchone()
            if exists and not replace:
                raise StoreError(f"a reviewer named {name!r} already exists; use --replace to set a new password")
            c.execute(
                "INSERT OR REPLACE INTO reviewers (name, password_hash, added_at) VALUES (?, ?, ?)",
                (name, password_hash, _now()),
            )

    def reviewer_hash(self, name: str) -> str | None:
        row = self.conn.execute("SELECT password_hash FROM reviewers WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def reviewers(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM reviewers ORDER BY name")]

    # a row is a review item once its page is neither held as a whole nor rejected
    _ROW_ITEM = (
        "rows.needs_review = 1 AND NOT (pages.page_reasons != '' AND pd.p_id IS NULL)"
        " AND coalesce(pd.p_verdict NOT IN ('reject_page', 'not_a_ballot'), 1)"
    )
    _PAGE_ITEM = "(pages.status = 'unusable' OR pages.page_reasons != '')"

    def pending_items(self, reviewer: str, two_reviewers: bool) -> list[ItemKey]:
        """Every item still waiting for ``reviewer``, in file and page order, a page before its rows.

        Waiting: no decision yet; under the two-person rule also a decision by someone else that
        no one has confirmed (the reviewer confirms it, or disagrees and it comes back).
        """
        waits = "c.id IS NULL" + (" OR (NOT c.confirmed AND c.reviewer <> :who)" if two_reviewers else "")
        query = (
            "SELECT kind, id FROM ("
            " SELECT 'page' AS kind, pages.id AS id, files.path AS path, pages.page_index AS idx, -1 AS official"
            " FROM pages JOIN files ON files.sha256 = pages.file_sha256"
            " LEFT JOIN current_page_decisions c ON c.page_id = pages.id"
            f" WHERE {self._PAGE_ITEM} AND ({waits})"
            " UNION ALL"
            " SELECT 'row', rows.id, files.path, pages.page_index, rows.official_index"
            " FROM rows JOIN pages ON pages.id = rows.page_id JOIN files ON files.sha256 = pages.file_sha256"
            + self._PAGE_DECISION
            + " LEFT JOIN current_row_decisions c ON c.row_id = rows.id"
            f" WHERE {self._ROW_ITEM} AND ({waits})"
            ") ORDER BY path, idx, official"
        )
        return [ItemKey(kind, int(i)) for kind, i in self.conn.execute(query, {"who": reviewer})]

    def review_item_count(self) -> int:
        """How many items the count has had to review in all, decided or not."""
        pages = self.conn.execute(f"SELECT count(*) FROM pages WHERE {self._PAGE_ITEM}").fetchone()[0]
        rows = self.conn.execute(
            "SELECT count(*) FROM rows JOIN pages ON pages.id = rows.page_id" + self._PAGE_DECISION
            + f" WHERE {self._ROW_ITEM}"
        ).fetchone()[0]  # fmt: skip
        return int(pages) + int(rows)

    def row_place(self, row_id: int) -> tuple[int, int] | None:
        """(page id, official index) of a row."""
        row = self.conn.execute("SELECT page_id, official_index FROM rows WHERE id = ?", (row_id,)).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def review_item(self, key: ItemKey) -> dict[str, Any] | None:
        """What a reviewer is shown for one item."""
        if key.kind == "row":
            found = self.conn.execute(
                "SELECT rows.id, rows.page_id, rows.official_index, rows.reading, rows.level, rows.reasons,"
                " pages.template, pages.page_index, files.path, pages.status"
                " FROM rows JOIN pages ON pages.id = rows.page_id JOIN files ON files.sha256 = pages.file_sha256"
                " WHERE rows.id = ?",
                (key.id,),
            ).fetchone()
            if found is None:
                return None
            row_id, page_id, official, reading, level, reasons, fp, index, path, status = found
            template = self.templates()[fp]
            o = template.officials[official]
            current = self.conn.execute(
                "SELECT reviewer, reading, level, confirmed FROM current_row_decisions WHERE row_id = ?", (row_id,)
            ).fetchone()
            return {
                "kind": "row", "id": row_id, "page_id": page_id, "official_index": official, "stt": o.stt,
                "name": o.name, "position": o.position, "template": fp, "levels": template.levels,
                "machine_reading": reading, "machine_level": level, "reasons": [r for r in reasons.split(",") if r],
                "file": path, "page_index": index, "status": status,
                "proposal": {"reviewer": current[0], "reading": current[1], "level": current[2]}
                if current and not current[3] else None,
            }  # fmt: skip
        found = self.conn.execute(
            "SELECT pages.id, pages.status, pages.reason, pages.detail, pages.page_reasons, pages.template,"
            " pages.page_index, files.path FROM pages JOIN files ON files.sha256 = pages.file_sha256"
            " WHERE pages.id = ?",
            (key.id,),
        ).fetchone()
        if found is None:
            return None
        page_id, status, reason, detail, page_reasons, fp, index, path = found
        current = self.conn.execute(
            "SELECT reviewer, reading, confirmed FROM current_page_decisions WHERE page_id = ?", (page_id,)
        ).fetchone()
        reasons = ["unusable"] if status == "unusable" else [r for r in page_reasons.split(",") if r]
        return {
            "kind": "page", "id": page_id, "status": status, "reason": reason, "detail": detail,
            "reasons": reasons, "template": fp, "file": path, "page_index": index, "levels": (),
            "proposal": {"reviewer": current[0], "reading": current[1]} if current and not current[2] else None,
        }  # fmt: skip

    def _decide_or_confirm(
        self, c: sqlite3.Connection, item: str, item_id: int, chosen: tuple[object, ...], reviewer: str,
        two_reviewers: bool, insert: str, values: tuple[object, ...], comment: str,
    ) -> str:  # fmt: skip
        view = "current_row_decisions" if item == "row_id" else "current_page_decisions"
        current = c.execute(
            f"SELECT id, reviewer, confirmed, reading, level, payload FROM {view} WHERE {item} = ?", (item_id,)
        ).fetchone()
        if two_reviewers and current and not current[2] and current[1] != reviewer and tuple(current[3:]) == chosen:
            c.execute(
                f"INSERT INTO decisions ({item}, action, target, reviewer, comment, decided_at)"
                " VALUES (?, 'confirm', ?, ?, ?, ?)",
                (item_id, current[0], reviewer, comment, _now()),
            )
            return "confirmed"
        c.execute(insert, values)
        return "proposed" if two_reviewers else "decided"

    def review_row(
        self, row_id: int, reading: Reading, level: int | None, reviewer: str, comment: str = "",
        two_reviewers: bool = False,
    ) -> str:  # fmt: skip
        """A reviewer's reading of a row: 'decided'; under the two-person rule 'proposed' or 'confirmed'."""
        if (reading is Reading.LEVEL) != (level is not None):
            raise ValueError("a level decision needs a level, and only a level decision has one")
        with self.transaction() as c:
            machine = c.execute("SELECT reading, level FROM rows WHERE id = ?", (row_id,)).fetchone()
            if machine is None:
                raise StoreError(f"no row {row_id} in {self.path}")
            return self._decide_or_confirm(
                c, "row_id", row_id, (reading.value, level, ""), reviewer, two_reviewers,
                "INSERT INTO decisions (row_id, reading, level, machine_reading, machine_level, reviewer, comment,"
                " decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (row_id, reading.value, level, machine[0], machine[1], reviewer, comment, _now()), comment,
            )  # fmt: skip

    def review_page(
        self, page_id: int, verdict: str, payload: dict[str, Any], reviewer: str, comment: str = "",
        two_reviewers: bool = False,
    ) -> str:  # fmt: skip
        """A reviewer's verdict on a whole page: accept_page, reject_page, enter_page or not_a_ballot."""
        if verdict not in ("accept_page", "reject_page", "enter_page", "not_a_ballot"):
            raise ValueError(f"unknown page verdict {verdict!r}")
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False) if payload else ""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM pages WHERE id = ?", (page_id,)).fetchone() is None:
                raise StoreError(f"no page {page_id} in {self.path}")
            return self._decide_or_confirm(
                c, "page_id", page_id, (verdict, None, text), reviewer, two_reviewers,
                "INSERT INTO decisions (page_id, reading, payload, reviewer, comment, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (page_id, verdict, text, reviewer, comment, _now()), comment,
            )  # fmt: skip

    def undo_last(self, reviewer: str) -> ItemKey | None:
        """Withdraw ``reviewer``'s latest standing decision or confirmation; the item it was on."""
        with self.transaction() as c:
            last = c.execute(
                "SELECT id, row_id, page_id FROM live_decisions WHERE reviewer = ? ORDER BY id DESC LIMIT 1",
                (reviewer,),
            ).fetchone()
            if last is None:
                return None
            c.execute(
                "INSERT INTO decisions (row_id, page_id, action, target, reviewer, decided_at)"
                " VALUES (?, ?, 'undo', ?, ?, ?)",
                (last[1], last[2], last[0], reviewer, _now()),
            )
        return ItemKey("row", last[1]) if last[1] is not None else ItemKey("page", last[2])

    def decisions_of_page(self, page_id: int) -> list[dict[str, object]]:
        """The whole decision log of a page and its rows, oldest first."""
        columns = ("id", "action", "target", "row_id", "reading", "level", "payload", "machine_reading",
                   "machine_level", "reviewer", "comment", "decided_at")  # fmt: skip
        query = (
            f"SELECT {', '.join('d.' + c for c in columns)}, rows.official_index FROM decisions d"
            " LEFT JOIN rows ON rows.id = d.row_id WHERE d.page_id = ? OR rows.page_id = ? ORDER BY d.id"
        )
        out = []
        for values in self.conn.execute(query, (page_id, page_id)):
            entry = dict(zip((*columns, "official_index"), values, strict=True))
            entry["payload"] = json.loads(str(entry["payload"])) if entry["payload"] else None
            del entry["row_id"]
            out.append(entry)
        return out

    # -- reads ----------------------------------------------------------------------------------

    def templates(self) -> dict[str, BallotTemplate]:
        rows = self.conn.execute("SELECT fingerprint, json FROM templates ORDER BY added_at, fingerprint")
        return {fp: templatefile.loads(text, f"template {fp[:8]} in {self.path}") for fp, text in rows}

    def stored_page_refs(self) -> list[tuple[int, PageRef, bool]]:
        """(page id, where it came from, read as 1-bit) of every page whose image is stored, in page id order."""
        rows = self.conn.execute(
            "SELECT pages.id, files.path, files.sha256, pages.page_index, pages.bilevel FROM pages"
            " JOIN files ON files.sha256 = pages.file_sha256 JOIN page_images ON page_images.page_id = pages.id"
            " ORDER BY pages.id"
        )
        return [(page_id, PageRef(path, sha, index), bool(bilevel)) for page_id, path, sha, index, bilevel in rows]

    def page_image(self, page_id: int) -> tuple[str, bytes] | None:
        row = self.conn.execute("SELECT media_type, data FROM page_images WHERE page_id = ?", (page_id,)).fetchone()
        return (row[0], bytes(row[1])) if row else None

    # -- counting and export ------------------------------------------------------------------------

    # the decision that counts for each page and row (see the effective_* views)
    _PAGE_DECISION = """
        LEFT JOIN (
            SELECT page_id, reading AS p_verdict, id AS p_id, payload AS p_payload FROM effective_page_decisions
        ) pd ON pd.page_id = pages.id
    """

    _LATEST_DECISION = """
        LEFT JOIN (
            SELECT row_id, reading AS d_reading, level AS d_level, id AS d_id FROM effective_row_decisions
        ) d ON d.row_id = rows.id
    """

    def tally_rows(self) -> Iterator[RowRecord]:
        query = (
            "SELECT pages.template, pages.page_number, rows.official_index, rows.reading, rows.level,"
            " rows.needs_review, d.d_reading, d.d_level, pages.page_reasons != '' AND pd.p_id IS NULL,"
            " coalesce(pd.p_verdict = 'reject_page', 0)"
            " FROM rows JOIN pages ON pages.id = rows.page_id"
            + self._LATEST_DECISION
            + self._PAGE_DECISION
            + " WHERE pd.p_verdict IS NULL OR pd.p_verdict <> 'not_a_ballot'"
        )
        for t, page_number, official, reading, level, review, d_reading, d_level, held, rejected in self.conn.execute(
            query
        ):
            yield RowRecord(
                template=t,
                page_number=page_number,
                official_index=official,
                reading=Reading(reading),
                level=level,
                needs_review=bool(review),
                decided_reading=Reading(d_reading) if d_reading else None,
                decided_level=d_level,
                page_held=bool(held),
                page_rejected=bool(rejected),
            )
        yield from self._unreadable_pages_decided()

    def _unreadable_pages_decided(self) -> Iterator[RowRecord]:
        """Rows of unreadable pages that a person entered by hand or rejected as a ballot."""
        templates = self.templates()
        for verdict, payload in self.conn.execute(
            "SELECT e.reading, e.payload FROM effective_page_decisions e JOIN pages ON pages.id = e.page_id"
            " WHERE pages.status = 'unusable' AND e.reading IN ('enter_page', 'reject_page') ORDER BY e.id"
        ):
            data = json.loads(payload)
            template = templates.get(data.get("template", ""))
            if template is None:
                continue
            number = int(data["page_number"])
            if verdict == "enter_page":
                for official, reading, level in data["rows"]:
                    yield RowRecord(data["template"], number, official, Reading(reading), level, needs_review=False)
            else:
                for row in template.pages[number - 1].rows:
                    yield RowRecord(data["template"], number, row.official_index, Reading.BLANK, None, False,
                                    page_rejected=True)  # fmt: skip

    def pages_pending(self) -> int:
        """Unusable or flagged pages no one has decided on yet."""
        return int(
            self.conn.execute(
                "SELECT count(*) FROM pages WHERE (status = 'unusable' OR page_reasons != '')"
                " AND id NOT IN (SELECT page_id FROM effective_page_decisions)"
            ).fetchone()[0]
        )

    def flagged_pages(self) -> list[tuple[int, str, int, str]]:
        """(page id, path, page index, reasons) of read pages flagged as a whole and not yet decided."""
        return self.conn.execute(
            "SELECT pages.id, files.path, pages.page_index, pages.page_reasons FROM pages"
            " JOIN files ON files.sha256 = pages.file_sha256 WHERE pages.status = 'read' AND pages.page_reasons != ''"
            " AND pages.id NOT IN (SELECT page_id FROM effective_page_decisions)"
            " ORDER BY files.path, pages.page_index"
        ).fetchall()

    def pages_to_review(self) -> list[tuple[int, str, int, str]]:
        """(page id, path, page index, why) of every page with something a person must still decide."""
        undecided_page = "pages.id NOT IN (SELECT page_id FROM effective_page_decisions)"
        return self.conn.execute(
            "SELECT pages.id, files.path, pages.page_index, CASE"
            f" WHEN pages.status = 'unusable' AND {undecided_page} THEN 'unusable: ' || pages.reason"
            f" WHEN pages.page_reasons != '' AND {undecided_page} THEN 'whole page: ' || pages.page_reasons"
            " ELSE (SELECT count(*) FROM rows" + self._LATEST_DECISION + " WHERE rows.page_id = pages.id"
            " AND rows.needs_review = 1 AND d.d_id IS NULL) || ' row(s) to review' END"
            " FROM pages JOIN files ON files.sha256 = pages.file_sha256"
            f" WHERE ((pages.status = 'unusable' OR pages.page_reasons != '') AND {undecided_page})"
            " OR EXISTS (SELECT 1 FROM rows" + self._LATEST_DECISION + " WHERE rows.page_id = pages.id"
            " AND rows.needs_review = 1 AND d.d_id IS NULL)"
            " ORDER BY files.path, pages.page_index"
        ).fetchall()

    def counts(self) -> dict[str, int]:
        """Figures for a scan summary."""
        one = self.conn.execute
        return {
            "files": one("SELECT count(*) FROM files").fetchone()[0],
            "pages": one("SELECT count(*) FROM pages").fetchone()[0],
            "pages_read": one("SELECT count(*) FROM pages WHERE status = 'read'").fetchone()[0],
            "pages_unusable": one("SELECT count(*) FROM pages WHERE status = 'unusable'").fetchone()[0],
            "rows": one("SELECT count(*) FROM rows").fetchone()[0],
            "rows_review": one("SELECT count(*) FROM rows WHERE needs_review = 1").fetchone()[0],
        }

    def review_rows(self) -> list[tuple[int, str, int, str, int, int]]:
        """(row id, path, page index, template, page number, official index) of rows awaiting a person."""
        return self.conn.execute(
            "SELECT rows.id, files.path, pages.page_index, pages.template, pages.page_number, rows.official_index"
            " FROM rows JOIN pages ON pages.id = rows.page_id JOIN files ON files.sha256 = pages.file_sha256"
            + self._LATEST_DECISION
            + " WHERE rows.needs_review = 1 AND d.d_id IS NULL"
            " ORDER BY files.path, pages.page_index, rows.official_index"
        ).fetchall()

    _PAGE_COLUMNS = (
        ("page_id", "pages.id"), ("file", "files.path"), ("file_sha256", "files.sha256"),
        ("page_index", "pages.page_index"), ("template", "pages.template"), ("page_number", "pages.page_number"),
        ("status", "pages.status"), ("reason", "pages.reason"), ("detail", "pages.detail"),
        ("orientation", "pages.orientation"), ("fit_error_mm", "pages.fit_error_mm"),
        ("page_reasons", "pages.page_reasons"), ("strike_mm", "pages.strike_mm"),
        ("margin_ink_mm2", "pages.margin_ink_mm2"), ("bilevel", "pages.bilevel"),
        ("marks_used", "pages.marks_used"), ("page_decision", "pd.p_verdict"),
    )  # fmt: skip

    def _page_records(self, where: str, params: tuple[object, ...]) -> Iterator[dict[str, object]]:
        query = (
            f"SELECT {', '.join(sql for _, sql in self._PAGE_COLUMNS)}"
            " FROM pages JOIN files ON files.sha256 = pages.file_sha256"
            + self._PAGE_DECISION
            + f" {where} ORDER BY files.path, pages.page_index"
        )
        for values in self.conn.execute(query, params).fetchall():
            record = dict(zip((key for key, _ in self._PAGE_COLUMNS), values, strict=True))
            record["page_reasons"] = [x for x in str(record["page_reasons"]).split(",") if x]
            record["bilevel"] = bool(record["bilevel"])
            record["rows"] = self._rows_of(int(record["page_id"]))
            record["decisions"] = self.decisions_of_page(int(record["page_id"]))
            yield record

    def _rows_of(self, page_id: int) -> list[dict[str, object]]:
        rows = []
        for row_id, official, reading, level, review, reasons, d_reading, d_level in self.conn.execute(
            "SELECT rows.id, rows.official_index, rows.reading, rows.level, rows.needs_review, rows.reasons,"
            " d.d_reading, d.d_level FROM rows"
            + self._LATEST_DECISION
            + " WHERE rows.page_id = ? ORDER BY rows.official_index",
            (page_id,),
        ):
            boxes = [
                dict(zip(("level", *BOX_FIELDS), values, strict=True))
                for values in self.conn.execute(
                    f"SELECT level, {', '.join(BOX_FIELDS)} FROM box_scores WHERE row_id = ? ORDER BY level",
                    (row_id,),
                )
            ]
            rows.append(
                {
                    "official_index": official,
                    "reading": reading,
                    "level": level,
                    "needs_review": bool(review),
                    "reasons": [x for x in reasons.split(",") if x],
                    "decision": {"reading": d_reading, "level": d_level} if d_reading else None,
                    "boxes": boxes,
                }
            )
        return rows

    def export_pages(self) -> Iterator[dict[str, object]]:
        """One record per page, in file and page order, for JSON Lines export."""
        return self._page_records("", ())

    def page_record(self, page_id: int) -> dict[str, object] | None:
        """One page as export_pages gives it, or None when there is no such page."""
        return next(self._page_records("WHERE pages.id = ?", (page_id,)), None)

    def page_homography(self, page_id: int) -> np.ndarray | None:
        """The stored map from template mm to the stored image's pixels (read pages only)."""
        row = self.conn.execute("SELECT homography FROM pages WHERE id = ?", (page_id,)).fetchone()
        return np.array(json.loads(row[0]), float).reshape(3, 3) if row and row[0] else None
