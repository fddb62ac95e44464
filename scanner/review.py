"""The review station: a local web page where people decide every flagged row and page.

A Flask application over the count database.  Every page but the sign-in needs a signed-in
session; every state-changing request carries the session's CSRF token; images are served by
id from the store only.  Decisions are appended to the store's decisions table and never
change the scan's own results.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from flask import Flask, Response, abort, g, jsonify, redirect, render_template, request, url_for

from . import render, report
from .auth import verify_password
from .model import Reading
from .results import of_store as results_of
from .resulttext import DENOMINATOR_NAMES, FLAG_WORDS, notice_text, vi_number
from .store import ItemKey, Store
from .webtext import LANGUAGES, REJECT_REASONS, text

SESSION_COOKIE = "scanner_session"
LANG_COOKIE = "scanner_lang"
SESSION_HOURS = 12
LEASE_SECONDS = 120  # an item shown to one reviewer is not offered to another for this long
FAILED_LOGIN_DELAY_S = 1.0  # every wrong password costs this much, doubling per failure up to the cap
FAILED_LOGIN_CAP_S = 8.0
MAX_BODY_BYTES = 64 * 1024
MAX_SESSIONS = 10_000
PAGE_SCALE = 3.0  # px/mm of the whole-page view
ROW_SCALE = 9.0  # px/mm of the enlarged row


@dataclass
class Session:
    token: str
    csrf: str
    reviewer: str | None = None
    expires: float = 0.0


@dataclass
class StationState:
    """What the server keeps in memory: sessions, item leases, failed sign-ins, rendered pages."""

    sessions: dict[str, Session] = field(default_factory=dict)
    leases: dict[str, tuple[str, float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    pictures: OrderedDict[tuple[int, float], np.ndarray] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def create_app(db: Path, two_reviewers: bool = False) -> Flask:
    """The review application for the count in ``db``."""
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    state = StationState()
    with Store(db) as store:
        if two_reviewers:
            store.set_setting("two_reviewers", "1")
        app.config["TWO_REVIEWERS"] = store.setting("two_reviewers") == "1"

    def open_store() -> Store:
        if "store" not in g:
            g.store = Store(db)
        return g.store

    @app.teardown_appcontext
    def close_store(_exc: BaseException | None) -> None:
        store = g.pop("store", None)
        if store is not None:
            store.close()

    # -- sessions, CSRF, language -------------------------------------------------------------

    def current_session() -> Session:
        token = request.cookies.get(SESSION_COOKIE, "")
        with state.lock:
            if len(state.sessions) > MAX_SESSIONS:  # forget expired and, if need be, signed-out visitors
                now = time.time()
                for key in [k for k, v in state.sessions.items() if v.expires < now or v.reviewer is None]:
                    del state.sessions[key]
            s = state.sessions.get(token)
            if s is None or s.expires < time.time():
                s = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), None, time.time() + 3600)
                state.sessions[s.token] = s
        g.new_session = s.token != token
        return s

    @app.before_request
    def guard() -> Response | None:
        g.session = current_session()
        g.lang = request.cookies.get(LANG_COOKIE, "vi") if request.cookies.get(LANG_COOKIE) in LANGUAGES else "vi"
        g.t = text(g.lang)
        if request.method == "POST":
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf", "")
            if not hmac.compare_digest(sent.encode(), g.session.csrf.encode()):
                abort(403, description="missing or wrong CSRF token")
        public = request.endpoint in ("login", "static", "language")
        if not public and g.session.reviewer is None:
            if request.method == "GET" and not request.path.startswith("/image/"):
                return redirect(url_for("login"))  # type: ignore[return-value]
            abort(401)
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        s = g.get("session")
        if s is not None:
            response.set_cookie(SESSION_COOKIE, s.token, httponly=True, samesite="Strict", path="/",
                                max_age=int(max(s.expires - time.time(), 0)))  # fmt: skip
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        )
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/language/<lang>")
    def language(lang: str) -> Response:
        if lang not in LANGUAGES:
            abort(404)
        back = request.args.get("next", "/")
        if not back.startswith("/") or back.startswith("//") or "\\" in back:
            back = "/"  # only a path on this station: never an open redirect
        response = redirect(back)
        response.set_cookie(LANG_COOKIE, lang, samesite="Strict", max_age=365 * 86400, path="/")
        return response  # type: ignore[return-value]

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        error = ""
        if request.method == "POST":
            name = request.form.get("name", "").strip()[:100]
            password = request.form.get("password", "")[:1000]
            stored = open_store().reviewer_hash(name) if name else None
            if stored is not None and verify_password(password, stored):
                with state.lock:
                    state.failures.pop(name, None)
                    state.sessions.pop(g.session.token, None)  # a new session id on sign-in (no fixation)
                    g.session = Session(
                        secrets.token_urlsafe(32), secrets.token_urlsafe(32), name, time.time() + SESSION_HOURS * 3600
                    )
                    state.sessions[g.session.token] = g.session
                return redirect(url_for("queue"))
            with state.lock:
                failures = state.failures.get(name, 0) + 1
                state.failures[name] = failures
            time.sleep(min(FAILED_LOGIN_DELAY_S * 2 ** (failures - 1), FAILED_LOGIN_CAP_S))
            error = g.t["bad_login"]
        page = render_template("login.html", t=g.t, lang=g.lang, csrf=g.session.csrf, error=error)
        return page, 401 if error else 200

    @app.post("/logout")
    def logout() -> Any:
        with state.lock:
            state.sessions.pop(g.session.token, None)
        g.session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), None, time.time() + 3600)
        state.sessions[g.session.token] = g.session
        return redirect(url_for("login"))

    # -- the queue ----------------------------------------------------------------------------

    def reviewer() -> str:
        return str(g.session.reviewer)

    def leased_by_others() -> set[str]:
        now = time.time()
        with state.lock:
            for key in [k for k, (_, until) in state.leases.items() if until < now]:
                del state.leases[key]
            return {k for k, (who, _) in state.leases.items() if who != reviewer()}

    def lease(key: str) -> None:
        with state.lock:
            state.leases[key] = (reviewer(), time.time() + LEASE_SECONDS)

    @app.get("/")
    def index() -> Any:
        return redirect(url_for("queue"))

    @app.get("/queue")
    def queue() -> Any:
        store = open_store()
        two = app.config["TWO_REVIEWERS"]
        pending = store.pending_items(reviewer(), two)
        wanted = request.args.get("item", "")
        if wanted:
            key = ItemKey.parse(wanted)
            if key is None:
                abort(404)
        else:
            busy = leased_by_others()
            free = [k for k in pending if str(k) not in busy]
            key = free[0] if free else (pending[0] if pending else None)
        total = store.review_item_count()
        if key is None:
            return render_template("done.html", t=g.t, lang=g.lang, csrf=g.session.csrf, who=reviewer(),
                                   left=0, total=total)  # fmt: skip
        item = store.review_item(key)
        if item is None:
            abort(404)
        lease(str(key))
        keys = [str(k) for k in pending]
        here = keys.index(str(key)) if str(key) in keys else -1
        nav = {
            "next": keys[(here + 1) % len(keys)] if keys else "",
            "prev": keys[(here - 1) % len(keys)] if keys else "",
        }
        templates = store.templates()
        return render_template(
            "item.html", t=g.t, lang=g.lang, csrf=g.session.csrf, who=reviewer(), item=item, key=str(key),
            left=len(pending), total=total, nav=nav, describe=lambda r, lv, tp: describe(r, lv, tp, templates),
            reasons=[reason_text(r, item) for r in item["reasons"]], reject_reasons=REJECT_REASONS,
            templates=templates, two=two, pending=str(key) in keys,
        )  # fmt: skip

    def describe(reading: str | None, level: int | None, template: str | None, templates: dict[str, Any]) -> str:
        t = g.t
        if reading == "level" and level is not None and template in templates:
            return t["reading_level"].format(name=templates[template].levels[level])
        return {"blank": t["reading_blank"], "multi": t["reading_multi"]}.get(str(reading), t["reading_none"])

    def reason_text(reason: str, item: dict[str, Any]) -> str:
        if reason == "unusable":
            return g.t["why_unusable"].format(detail=item.get("detail", ""))
        return g.t.get(f"why_{reason}", reason)

    def form_int(name: str, low: int, high: int) -> int | None:
        raw = request.form.get(name, "")
        if raw == "":
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            abort(400, description=f"{name} must be a whole number from {low} to {high}")
        return int(raw)

    def requested_item(kind: str) -> tuple[Store, ItemKey, dict[str, Any], str]:
        """The store, the item a POST names (of ``kind``), what it is, and the reviewer's comment."""
        store = open_store()
        key = ItemKey.parse(request.form.get("item", ""))
        if key is None or key.kind != kind:
            abort(400, description=f"item must name a {kind}")
        item = store.review_item(key)
        if item is None:
            abort(404)
        return store, key, item, request.form.get("comment", "")[:500]

    @app.post("/decide")
    def decide() -> Any:
        store, key, item, comment = requested_item("row")
        choice = request.form.get("reading", "")
        levels = len(store.templates()[item["template"]].levels)
        if choice == "accept":
            reading, level = Reading(item["machine_reading"]), item["machine_level"]
        elif choice in ("blank", "multi"):
            reading, level = Reading(choice), None
        elif choice == "level":
            level = form_int("level", 0, levels - 1)
            if level is None:
                abort(400, description="a level decision needs a level")
            reading = Reading.LEVEL
        else:
            abort(400, description="reading must be level, blank, multi or accept")
        outcome = store.review_row(key.id, reading, level, reviewer(), comment, app.config["TWO_REVIEWERS"])
        release(str(key))
        return jsonify(ok=True, outcome=outcome)

    @app.post("/page")
    def page_verdict() -> Any:
        store, key, item, comment = requested_item("page")
        verdict = request.form.get("verdict", "")
        payload: dict[str, Any] = {}
        templates = store.templates()
        if verdict == "reject":
            reason = request.form.get("reason", "")
            if reason not in REJECT_REASONS:
                abort(400, description="unknown reason")
            other = request.form.get("other", "").strip()[:300]
            if reason == "other" and not other:
                abort(400, description="say why")
            payload = {"reason": reason, "other": other}
            if item["status"] == "unusable" and reason != "not_ballot":
                payload.update(ballot_page(templates))
            kind = "not_a_ballot" if reason == "not_ballot" else "reject_page"
        elif verdict == "accept":
            if item["status"] != "read":
                abort(400, description="an unreadable page is entered by hand or rejected")
            kind = "accept_page"
        elif verdict == "enter":
            if item["status"] != "unusable":
                abort(400, description="only an unreadable page is entered by hand")
            payload = ballot_page(templates)
            layout = templates[payload["template"]].pages[payload["page_number"] - 1]
            levels = len(templates[payload["template"]].levels)
            rows = []
            for row in layout.rows:
                value = request.form.get(f"row{row.official_index}", "")
                if value in ("blank", "multi"):
                    rows.append([row.official_index, value, None])
                elif value.isdigit() and int(value) < levels:
                    rows.append([row.official_index, "level", int(value)])
                else:
                    abort(400, description=f"row {row.official_index + 1} has no reading")
            payload["rows"] = rows
            kind = "enter_page"
        else:
            abort(400, description="verdict must be accept, reject or enter")
        outcome = store.review_page(key.id, kind, payload, reviewer(), comment, app.config["TWO_REVIEWERS"])
        release(str(key))
        return jsonify(ok=True, outcome=outcome)

    def ballot_page(templates: dict[str, Any]) -> dict[str, Any]:
        """Which ballot page an unreadable page is, as the reviewer chose it: ``fingerprint:number``."""
        fingerprint, _, number = request.form.get("ballot_page", "").partition(":")
        if fingerprint not in templates:
            abort(400, description="unknown ballot")
        if not number.isdigit() or not 1 <= int(number) <= len(templates[fingerprint].pages):
            abort(400, description="which page of the ballot?")
        return {"template": fingerprint, "page_number": int(number)}

    def release(key: str) -> None:
        with state.lock:
            state.leases.pop(key, None)

    @app.post("/undo")
    def undo() -> Any:
        key = open_store().undo_last(reviewer())
        return jsonify(ok=key is not None, item=str(key) if key else "")

    # -- images, by id from the store only ----------------------------------------------------

    def picture(page_id: int, scale: float) -> np.ndarray:
        cache_key = (page_id, scale)
        with state.lock:
            if cache_key in state.pictures:
                state.pictures.move_to_end(cache_key)
                return state.pictures[cache_key]
        try:
            drawn = render.stored_page_picture(open_store(), page_id, scale, with_legend=False)
        except render.NotShowable:
            abort(404)
        with state.lock:
            state.pictures[cache_key] = drawn
            while len(state.pictures) > 64:
                state.pictures.popitem(last=False)
        return drawn

    def png(pixels: np.ndarray) -> Response:
        ok, data = cv2.imencode(".png", pixels, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        if not ok:
            abort(500)
        response = Response(data.tobytes(), mimetype="image/png")
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @app.get("/image/page/<int:page_id>")
    def page_image(page_id: int) -> Response:
        store = open_store()
        record = store.page_record(page_id)
        if record is None:
            abort(404)
        if record["status"] != "read":
            stored = store.page_image(page_id)
            if stored is None:
                abort(404)
            raw = render.decode_image(stored[1])
            scale = 1200 / max(raw.shape[:2])
            return png(cv2.resize(raw, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else raw)
        drawn = picture(page_id, PAGE_SCALE)
        official = request.args.get("row", "")
        if official.isdigit():
            drawn = render.highlight_row(drawn, store.templates(), record, int(official), PAGE_SCALE)
        return png(drawn)

    @app.get("/image/row/<int:row_id>")
    def row_image(row_id: int) -> Response:
        store = open_store()
        where = store.row_place(row_id)
        if where is None:
            abort(404)
        page_id, official = where
        record = store.page_record(page_id)
        if record is None:
            abort(404)
        return png(render.row_crop(picture(page_id, ROW_SCALE), store.templates(), record, official, ROW_SCALE))

    # -- results ------------------------------------------------------------------------------

    @app.get("/results")
    def results() -> Any:
        store = open_store()
        outcome = results_of(store)
        return render_template("results.html", t=g.t, lang=g.lang, csrf=g.session.csrf, who=reviewer(), r=outcome,
                               denominators=DENOMINATOR_NAMES[g.lang], flags=FLAG_WORDS[g.lang],
                               notices=[notice_text(n, g.lang) for n in outcome.notices],
                               pct=vi_number if g.lang == "vi" else str,
                               left=len(store.pending_items(reviewer(), app.config["TWO_REVIEWERS"])),
                               total=store.review_item_count())  # fmt: skip

    @app.get("/results.<fmt>")
    def results_file(fmt: str) -> Any:
        if fmt not in ("csv", "json", "pdf"):
            abort(404)
        store = open_store()
        outcome = results_of(store)
        if fmt == "pdf":
            from .minutes import render_minutes

            body = render_minutes(outcome, report.results_sha256(outcome), store.path.name)
            media_type, name = "application/pdf", "bien-ban-kiem-phieu.pdf"
        else:
            text = report.to_csv(outcome) if fmt == "csv" else report.to_json(outcome)
            body, media_type, name = (
                text.encode("utf-8"),
                f"text/{fmt}" if fmt == "csv" else "application/json",
                f"ket-qua.{fmt}",
            )
        return Response(body, mimetype=media_type, headers={"Content-Disposition": f"attachment; filename={name}"})

    return app


def serve(db: Path, host: str, port: int, two_reviewers: bool) -> None:
    """Run the station with waitress until interrupted."""
    from waitress import serve as waitress_serve

    waitress_serve(create_app(db, two_reviewers), host=host, port=port, threads=8, ident="scanner-review")
