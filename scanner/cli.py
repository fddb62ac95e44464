"""The ``scanner`` command line: template, simulate, scan, tally, export, show, reviewer, review, count, report,
recount.

Exit codes: 0 success; 1 an error that stopped the command (message on stderr);
2 wrong usage; 3 the scan finished but some files or pages could not be used
(they are stored with their reason and wait for review; every other page counted);
130 interrupted (everything stored so far is kept: run the same command again).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import click

from . import report, results, templatefile
from .ballotpdf import missing_glyphs, render_pdf
from .cli_results import count, recount_command, report_command
from .errors import ScannerError
from .layout import layout_ballot
from .load import discover
from .model import DEFAULT_LEVELS, BallotTemplate
from .officials import read_officials
from .pipeline import ReadContext
from .scanfx import PROFILES
from .scanjob import ScanInterrupted, ScanOutcome, SettledFiles, read_plan, register_files, scan_files
from .store import Store

EXIT_UNUSABLE = 3
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scanner")
def cli() -> None:
    """Print confidence-vote ballots, scan the marked stack and count it.

    \b
    scanner template new officials.csv --title "Lấy phiếu tín nhiệm ..." --out templates/tinh-uy/
    scanner scan --db count.db --template templates/tinh-uy scans/
    scanner tally --db count.db
    """


@cli.group()
def template() -> None:
    """Make ballot templates (template.json and a printable ballot.pdf).

    \b
    Example:
      scanner template new officials.csv --title "Lấy phiếu tín nhiệm năm 2026" --out templates/tinh-uy/
    """


@template.command("new")
@click.argument("officials", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="The vote's title, printed under the heading.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Folder to write into.")
@click.option("--levels", default=";".join(DEFAULT_LEVELS), show_default=True, help="2 to 5 levels, separated by ';'.")
@click.option("--force", is_flag=True, help="Overwrite a template already in the folder.")
def template_new(officials: Path, title: str, out: Path, levels: str, force: bool) -> None:
    """Lay out a ballot for the officials listed in OFFICIALS (CSV or XLSX).

    The file needs the columns STT, Họ và tên, Chức vụ (or stt, ho_ten, chuc_vu).

    \b
    Example:
      scanner template new officials.csv --title "Lấy phiếu tín nhiệm năm 2026" --out templates/tinh-uy/
    """
    if (out / templatefile.TEMPLATE_FILE).exists() and not force:
        raise click.ClickException(f"{out} already holds a template; pass --force to replace it")
    people = read_officials(officials)
    level_names = tuple(x.strip() for x in levels.split(";") if x.strip())
    text = title + "".join(level_names) + "".join(o.name + o.position for o in people)
    if missing := missing_glyphs(text):
        raise click.ClickException(f"the ballot font cannot print: {' '.join(sorted(missing))}")
    try:
        ballot = layout_ballot(title, people, level_names)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    path = templatefile.save(ballot, out)
    (out / templatefile.PDF_FILE).write_bytes(render_pdf(ballot))
    click.echo(f"{len(people)} officials, {len(ballot.pages)} page(s) per ballot, template {ballot.short_id}")
    click.echo(f"Wrote {path} and {out / templatefile.PDF_FILE}")


@cli.command()
@click.argument("template_dir", type=click.Path(path_type=Path))
@click.option("--ballots", default=100, show_default=True, type=click.IntRange(1))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Folder for the scans.")
@click.option("--truth", type=click.Path(path_type=Path), help="Write every row's intended reading here (JSON).")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option(
    "--profile",
    default="scanner-gray",
    show_default=True,
    type=click.Choice(sorted(PROFILES)),
    help="The device and its faults.",
)
@click.option(
    "--realistic",
    is_flag=True,
    help="All pens and mark shapes, with doubtful marks, corrections, struck-out names and margin writing.",
)
@click.option(
    "--format", "formats", help="jpeg, png, tiff, tiff-g4, pdf, or several separated by commas (cycled per file)."
)
@click.option("--dpi", "dpis", help="Resolution; several separated by commas.")
@click.option("--skew", type=float, help="Largest skew, degrees.")
@click.option("--upside-down", type=float, help="Share of sheets fed upside-down.")
@click.option("--sideways", type=float, help="Share of sheets fed turned a quarter.")
@click.option("--noise", type=float, help="Sensor noise, grey levels (standard deviation).")
@click.option("--jpeg-quality", help="JPEG quality range, e.g. 60-75.")
@click.option("--blank-rate", default=0.02, show_default=True, help="Share of rows left blank.")
@click.option("--multi-rate", default=0.01, show_default=True, help="Share of rows with two marks.")
@click.option("--sheets-per-file", default=25, show_default=True, type=click.IntRange(1))
def simulate(template_dir: Path, ballots: int, out: Path, truth: Path | None, seed: int, profile: str,
             realistic: bool, formats: str | None, dpis: str | None, skew: float | None, upside_down: float | None,
             sideways: float | None, noise: float | None, jpeg_quality: str | None, blank_rate: float,
             multi_rate: float, sheets_per_file: int) -> None:  # fmt: skip
    """Write simulated marked ballots of TEMPLATE_DIR as scans, for tests and demos.

    A profile sets the device (scanner-gray, scanner-bilevel, photocopy, dirty-rollers,
    colored-paper, folds, jpeg-low, phone); the other options override its settings.

    \b
    Example:
      scanner simulate templates/tinh-uy --ballots 300 --out scans/ --truth truth.json --seed 7
      scanner simulate templates/tinh-uy --ballots 50 --profile phone --realistic --out photos/
    """
    from .simulate import FORMATS, REALISTIC, SimOptions, truth_document
    from .simulate import simulate as run

    changes: dict[str, object] = {}
    if formats:
        chosen = tuple(f.strip() for f in formats.split(","))
        if bad := [f for f in chosen if f not in FORMATS]:
            raise click.BadParameter(
                f"unknown format {bad[0]!r}; choose from {', '.join(FORMATS)}", param_hint="--format"
            )
        changes["formats"] = chosen
    if dpis:
        changes["dpis"] = tuple(int(d) for d in dpis.split(","))
    for key, value in (("skew_deg", skew), ("upside_down", upside_down), ("sideways", sideways), ("noise", noise)):
        if value is not None:
            changes[key] = value
    if jpeg_quality:
        changes["jpeg_quality"] = _quality_range(jpeg_quality)
    device = replace(PROFILES[profile], **changes)  # type: ignore[arg-type]
    extra: dict[str, object] = dict(REALISTIC) if realistic else {}
    opts = SimOptions(ballots=ballots, seed=seed, profile=device, sheets_per_file=sheets_per_file,
                      blank_rate=blank_rate, multi_rate=multi_rate, **extra)  # type: ignore[arg-type]  # fmt: skip
    ballot = templatefile.load(template_dir)
    written = []
    with click.progressbar(length=ballots, label="Simulating", file=sys.stderr) as bar:
        for b in run(ballot, out, opts):
            written.append(b)
            bar.update(1)
    if truth:
        truth.parent.mkdir(parents=True, exist_ok=True)
        truth.write_text(truth_document(ballot, opts, written), encoding="utf-8")
    click.echo(f"Wrote {ballots} ballots ({ballots * len(ballot.pages)} sheets) to {out}")


def _quality_range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        bounds = (int(low), int(high or low))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a range like 60-75", param_hint="--jpeg-quality") from None
    if not 1 <= bounds[0] <= bounds[1] <= 100:
        raise click.BadParameter(f"{text!r} must lie within 1-100", param_hint="--jpeg-quality")
    return bounds


def _templates(store: Store, paths: tuple[Path, ...]) -> tuple[BallotTemplate, ...]:
    given = [templatefile.load(p) for p in paths]
    for t in given:
        store.add_template(t)
    known = store.templates()
    if not known:
        raise click.ClickException("no template: pass --template DIR (a folder made by 'scanner template new')")
    return tuple(known.values())


@cli.command()
@click.option("--db", "db", required=True, type=click.Path(path_type=Path), help="The count database (created if new).")
@click.option(
    "--template",
    "template_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Template folder; repeat for several. Templates used before are remembered by the database.",
)
@click.option("--workers", default=os.cpu_count() or 1, show_default="all cores", type=click.IntRange(1))
@click.option("--watch", is_flag=True, help="Keep watching the folders for new scans until Ctrl-C.")
@click.option(
    "--poll",
    default=2.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="With --watch: seconds between looks; a file is read once unchanged for one look.",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def scan(
    db: Path, template_dirs: tuple[Path, ...], workers: int, watch: bool, poll: float, paths: tuple[Path, ...]
) -> None:
    """Read scanned ballots (PDF, TIFF, JPEG, PNG, or folders of them) into the count database.

    Files already scanned (same content) are skipped, and an interrupted scan continues
    where it stopped. Doubtful rows and unusable pages are stored for review, never counted.
    With --watch, files a scanner writes into the folders later are read as they settle.

    \b
    Example:
      scanner scan --db count.db --template templates/tinh-uy scans/
      scanner scan --db count.db --template templates/tinh-uy --watch /srv/scanner-inbox/
    """
    if missing := [p for p in paths if not p.exists()]:
        raise click.ClickException(f"no such file or folder: {missing[0]}")
    started = time.perf_counter()
    with Store(db, create=True) as store:
        ctx = ReadContext(_templates(store, template_dirs))
        files, skipped_types = discover(paths)
        try:
            if watch:
                outcome = _watch(store, ctx, paths, workers, poll)
            else:
                outcome = _scan_with_progress(store, ctx, files, workers)
        except KeyboardInterrupt:
            click.echo("\nInterrupted. Every page read so far is stored; run the same command to continue.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        rate = outcome.pages / max(outcome.reading_seconds, 1e-9)
        click.echo(
            f"Pages read: {outcome.pages} in {time.perf_counter() - started:.1f} s "
            f"({rate:.1f} pages/s, {workers} worker(s))"
        )
        click.echo(f"Rows counted: {outcome.rows - outcome.review}; rows for review: {outcome.review}")
        if outcome.flagged:
            click.echo(
                f"Pages held for review as a whole: {outcome.flagged} "
                "(a struck-out name, writing outside the boxes, or an unreadable page code)"
            )
        if outcome.bilevel:
            _tell_bilevel(outcome)
        if outcome.already_scanned:
            click.echo(f"Files skipped, already scanned: {outcome.already_scanned}")
        if skipped_types and not watch:
            click.echo(f"Files ignored (not PDF/TIFF/JPEG/PNG): {len(skipped_types)}")
        if outcome.unusable:
            click.echo(f"Unusable pages: {len(outcome.unusable)} (stored for review, not counted)")
            for u in outcome.unusable:
                click.echo(f"  {u.path}" + (f", page {u.page}" if u.page else "") + f": {u.detail}")
        totals = store.counts()
        click.echo(
            f"Database {db}: {totals['pages']} pages, {totals['rows']} rows, "
            f"{len(store.review_rows())} row(s) and {store.pages_pending()} page(s) awaiting review"
        )
    if outcome.unusable:
        sys.exit(EXIT_UNUSABLE)


def _tell_bilevel(outcome: ScanOutcome) -> None:
    """Tell the operator which sheets were scanned in black and white, and which of them to scan again."""
    click.echo(
        f"Pages scanned in black and white (1-bit): {outcome.bilevel}. Such a scan can lose pencil and "
        "coloured ink, so no row left bare on them is counted without a person."
    )
    if not outcome.ink_lost:
        return
    click.echo(
        f"Pages that visibly lost ink: {len(outcome.ink_lost)} (held for review as a whole). "
        "Scan these sheets again in grey (8-bit) and mark the 1-bit pages 'not a ballot' in review:"
    )
    for ref in outcome.ink_lost:
        click.echo(f"  {ref.path}, page {ref.page_index + 1}")


def _scan_with_progress(store: Store, ctx: ReadContext, files: list[Path], workers: int) -> ScanOutcome:
    with click.progressbar(length=len(files), label="Checking files", file=sys.stderr) as bar:
        plan = register_files(store, files, on_file=lambda: bar.update(1))
    with click.progressbar(length=len(plan.tasks), label="Reading pages", file=sys.stderr) as bar:
        return read_plan(store, ctx, plan, workers, on_page=lambda: bar.update(1))


def _watch(store: Store, ctx: ReadContext, paths: tuple[Path, ...], workers: int, poll: float) -> ScanOutcome:
    """Read files as a scanner finishes writing them, until Ctrl-C; returns what was read."""
    settled = SettledFiles()
    total = ScanOutcome()
    click.echo(f"Watching {', '.join(map(str, paths))} every {poll:g} s; press Ctrl-C to stop.", err=True)
    try:
        while True:
            ready = settled.poll(discover(paths)[0])
            if ready:
                try:
                    outcome = scan_files(store, ctx, ready, workers)
                except ScanInterrupted as stop:  # the pages stored before Ctrl-C are read, and say so
                    total = total + stop.outcome
                    raise
                total = total + outcome
                click.echo(
                    f"{time.strftime('%H:%M:%S')} read {outcome.pages} page(s) from {len(ready)} file(s); "
                    f"{outcome.review} row(s) for review, {len(outcome.unusable)} unusable page(s)",
                    err=True,
                )
            time.sleep(poll)
    except KeyboardInterrupt:
        click.echo("Stopped watching.", err=True)
    return total


@cli.command("tally")
@click.option("--db", "db", required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--out", "out", type=click.Path(path_type=Path), help="Write to this file instead of the screen.")
def tally_command(db: Path, fmt: str, out: Path | None) -> None:
    """Count the ballots: per official, each level's count and percentage, under the count's framework.

    Percentages are of the denominator the framework sets (see 'scanner count show').  Rows
    awaiting review are not counted; while any remain the count is marked PROVISIONAL.

    \b
    Example:
      scanner tally --db count.db --format csv --out ket-qua.csv
    """
    with Store(db) as store:
        result = results.of_store(store)
    text = {"table": report.table, "csv": report.to_csv, "json": report.to_json}[fmt](result)
    if out:
        out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        click.echo(f"Wrote {out}" + (" (provisional)" if result.provisional else ""))
    else:
        click.echo(text)


@cli.command()
@click.option("--db", "db", required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--out", "out", type=click.Path(path_type=Path), help="Write to this file instead of the screen.")
def export(db: Path, fmt: str, out: Path | None) -> None:
    """Export every page with its rows, decisions and box scores, one JSON object per line.

    The format is described in docs/export-format.md.

    \b
    Example:
      scanner export --db count.db --format jsonl --out pages.jsonl
    """
    import json

    with Store(db) as store:
        lines = (json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n" for p in store.export_pages())
        if out:
            with out.open("w", encoding="utf-8") as f:
                f.writelines(lines)
        else:
            for line in lines:
                click.echo(line, nl=False)


@cli.command()
@click.option("--db", "db", required=True, type=click.Path(path_type=Path))
@click.argument("page", type=int, required=False)
@click.option(
    "--out", "out", type=click.Path(path_type=Path), help="Image file to write (PNG or JPEG).  [default: page-PAGE.png]"
)
@click.option("--scale", type=click.FloatRange(2, 20), default=6.0, show_default=True, help="Pixels per millimetre.")
def show(db: Path, page: int | None, out: Path | None, scale: float) -> None:
    """Draw a page as it was read: every box outlined in its decision's colour, with its scores.

    Green: counted by the machine; blue: decided by a person; orange: waiting for review;
    red: invalid (two or more marks, or a rejected ballot); grey: not chosen.  Beside each
    box: its fill and line-ink scores in percent.  Without PAGE, lists the pages that wait for
    review, with their numbers.

    \b
    Example:
      scanner show --db count.db 17 --out page-17.png
    """
    import cv2

    from .render import NotShowable, stored_page_picture

    with Store(db) as store:
        if page is None:
            waiting = store.pages_to_review()
            if not waiting:
                click.echo("No page waits for review.")
            for page_id, path, index, why in waiting:
                click.echo(f"{page_id:6}  {path} page {index + 1}: {why}")
            return
        try:
            picture = stored_page_picture(store, page, scale)
        except NotShowable as exc:
            raise click.ClickException(str(exc)) from exc
    target = out or Path(f"page-{page}.png")
    ok, data = cv2.imencode(target.suffix or ".png", picture)
    if not ok:
        raise click.ClickException(f"cannot write {target}: use a .png or .jpg name")
    target.write_bytes(data.tobytes())
    click.echo(f"Wrote {target}")


@cli.group()
def reviewer() -> None:
    """Accounts of the people who review flagged rows and pages.

    \b
    Example:
      scanner reviewer add "Nguyễn Thị Lan" --db count.db
    """


@reviewer.command("add")
@click.argument("name")
@click.option("--db", "db", required=True, type=click.Path(path_type=Path))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
@click.option("--replace", is_flag=True, help="Set a new password for an existing reviewer.")
def reviewer_add(name: str, db: Path, password_stdin: bool, replace: bool) -> None:
    """Add a reviewer; the password is asked twice and only its salted scrypt hash is stored.

    \b
    Example:
      scanner reviewer add lan --db count.db
    """
    from .auth import hash_password, password_problem

    name = name.strip()
    if not name or len(name) > 100:
        raise click.UsageError("a reviewer's name has 1 to 100 characters")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    with Store(db) as store:
        store.add_reviewer(name, hash_password(password), replace=replace)
    click.echo(f"Reviewer {name} can now sign in to 'scanner review --db {db}'.")


@cli.command()
@click.option("--db", "db", required=True, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--two-reviewers", is_flag=True, help="A decision counts only once a second reviewer confirms it.")
def review(db: Path, host: str, port: int, two_reviewers: bool) -> None:
    """Serve the review station: people decide every flagged row and unusable page in a web page.

    It listens on this computer only unless --host says otherwise.  Add accounts first with
    'scanner reviewer add'.  Ctrl-C stops it; every decision is already stored.

    \b
    Example:
      scanner review --db count.db
      scanner review --db count.db --two-reviewers --host 192.168.1.20   # other computers on the LAN
    """
    from .review import serve

    with Store(db) as store:
        if not store.reviewers():
            raise click.ClickException(f"no reviewer accounts yet: run 'scanner reviewer add NAME --db {db}' first")
        pending = len(store.pending_items("", False))
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            f"Warning: listening on {host}: anyone who can reach this address can try to sign in. "
            "Use it only on the counting board's own network.",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Review station for {db}: http://{shown}:{port}/  ({pending} item(s) to review)")
    if two_reviewers:
        click.echo("Two-person rule: a decision counts once a second reviewer confirms it.")
    click.echo("Press Ctrl-C to stop.")
    try:
        serve(db, host, port, two_reviewers)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


cli.add_command(count)
cli.add_command(report_command)
cli.add_command(recount_command)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ScannerError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("\nInterrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
