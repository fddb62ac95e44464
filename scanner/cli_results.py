"""Commands for the count's settings and results: ``count set``, ``count show``, ``report``, ``recount``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from . import countinfo, report, results
from .countinfo import CountSettings
from .resulttext import DENOMINATOR_NAMES
from .rules import FRAMEWORKS
from .store import Store


@click.group()
def count() -> None:
    """The count's own facts: title, organisation, place, time, framework, members, ballots issued, board.

    \b
    Example:
      scanner count set --db count.db --framework nq96 --issued 481 --title "Lấy phiếu tín nhiệm ..."
      scanner count set --db count.db --from count.toml
      scanner count show --db count.db
    """


_OPTIONS: dict[str, str] = {
    "title": "title",
    "organisation": "organisation",
    "place": "place",
    "date": "held_at",
    "framework": "framework",
    "denominator": "denominator",
    "members": "members",
    "present": "present",
    "issued": "issued",
    "remarks": "remarks",
}


@count.command("set")
@click.option("--db", "db", required=True, type=click.Path(path_type=Path))
@click.option("--from", "from_file", type=click.Path(path_type=Path), help="A TOML file of settings (see samples/).")
@click.option("--title", help="What the vote is, as the minutes print it.")
@click.option("--organisation", help="The body holding the vote (top left of the minutes).")
@click.option("--place", help="Where the count is held.")
@click.option("--date", help="When: YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM.")
@click.option("--framework", type=click.Choice(sorted(FRAMEWORKS), case_sensitive=False), help="The rules.")
@click.option(
    "--denominator",
    type=click.Choice(["collected", "issued", "members", "preset"], case_sensitive=False),
    help="Override what percentages are of; 'preset' returns to the framework's.",
)
@click.option("--members", help="Members summoned (everyone entitled to vote).")
@click.option("--present", help="Members present.")
@click.option("--issued", help="Ballots issued.")
@click.option("--board", "board", multiple=True, help='A counting-board member as "Name, Role"; repeat for each.')
@click.option("--remarks", help="Remarks printed in the minutes.")
@click.option("--unset", "unset", multiple=True, type=click.Choice(countinfo.KEYS), help="Clear a setting.")
def count_set(db: Path, from_file: Path | None, board: tuple[str, ...], unset: tuple[str, ...], **given: Any) -> None:
    """Set the count's facts; only the ones given change.  --board replaces the whole board.

    \b
    Example:
      scanner count set --db count.db --framework qd96 --members 45 --present 43 \\
          --board "Nguyễn Văn An, Trưởng ban" --board "Trần Thị Bình, Thành viên"
    """
    with Store(db, create=True) as store:
        settings = countinfo.from_values(store.settings())
        if from_file:
            settings = countinfo.parse_file(from_file, settings)
        changes: dict[str, Any] = {_OPTIONS[k]: v for k, v in given.items() if v is not None}
        changes.update({key: None for key in unset})
        if board:
            changes["board"] = list(board)
        if not changes and not from_file:
            raise click.UsageError("nothing to set: give an option such as --title, or --from FILE")
        settings = countinfo.with_changes(settings, changes)
        store.set_settings(countinfo.to_values(settings))
    click.echo(describe(settings))


def describe(s: CountSettings) -> str:
    """The settings as ``count show`` prints them."""
    kind = s.denominator_kind
    board = "; ".join(f"{m.name} ({m.role})" for m in s.board)
    whose = "overridden" if s.denominator else "the framework's"
    quorum = ""
    if s.rules.quorum:
        quorum = {True: "  (quorum met)", False: "  (QUORUM NOT MET)", None: ""}[s.quorum_ok]
    lines = [
        f"Title:          {s.title}",
        f"Organisation:   {s.organisation}",
        f"Place:          {s.place}",
        f"Date and time:  {s.held_at}",
        f"Framework:      {s.framework}: {s.rules.name_en}",
        f"Percentages of: {DENOMINATOR_NAMES['en'][kind]} ({whose})",
        f"Members:        {_figure(s.members)} summoned, {_figure(s.present)} present{quorum}",
        f"Ballots issued: {_figure(s.issued)}",
        f"Counting board: {board}",
        f"Remarks:        {s.remarks}",
    ]
    if missing := s.missing():
        lines.append(f"Still to set for the minutes: {', '.join('--' + _option_name(m) for m in missing)}")
    return "\n".join(line.rstrip() for line in lines)


def _figure(n: int | None) -> str:
    return "?" if n is None else str(n)


def _option_name(key: str) -> str:
    return {"held_at": "date"}.get(key, key)


@count.command("show")
@click.option("--db", "db", required=True, type=click.Path(path_type=Path))
def count_show(db: Path) -> None:
    """Show the count's settings, the quorum check and what is still missing for the minutes.

    \b
    Example:
      scanner count show --db count.db
    """
    with Store(db) as store:
        click.echo(describe(countinfo.from_values(store.settings())))


@click.command("report")
@click.option("--db", "db", required=True, type=click.Path(path_type=Path))
@click.option("--pdf", "pdf", type=click.Path(path_type=Path), help="Write the count minutes (A4, Vietnamese).")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Write the results as CSV.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the results as JSON.")
def report_command(db: Path, pdf: Path | None, csv_out: Path | None, json_out: Path | None) -> None:
    """Write the count minutes (biên bản kiểm phiếu) as PDF, and the results as CSV and JSON.

    The minutes say PROVISIONAL on every page while anything awaits review, and carry the
    SHA-256 of the results' JSON, so a printed copy can be checked against the database.
    Formats: docs/results-format.md.  Without an output option, prints the results.

    \b
    Example:
      scanner report --db count.db --pdf bien-ban.pdf --csv ket-qua.csv --json ket-qua.json
    """
    with Store(db) as store:
        outcome = results.of_store(store)
        source = store.path.name
    if not (pdf or csv_out or json_out):
        click.echo(report.table(outcome))
        return
    for path, text in ((csv_out, report.to_csv), (json_out, report.to_json)):
        if path:
            path.write_text(text(outcome), encoding="utf-8")
            click.echo(f"Wrote {path}")
    if pdf:
        from .minutes import render_minutes

        pdf.write_bytes(render_minutes(outcome, report.results_sha256(outcome), source))
        click.echo(f"Wrote {pdf}")
    if missing := outcome.settings.missing():
        click.echo(
            f"Note: not set yet: {', '.join(_option_name(m) for m in missing)} (see 'scanner count set --help')",
            err=True,
        )
    if outcome.provisional:
        click.echo(
            f"PROVISIONAL: {outcome.rows_pending} row(s) and {outcome.pages_pending} page(s) await review.", err=True
        )


@click.command("recount")
@click.option("--db", "db", required=True, type=click.Path(path_type=Path))
@click.option("--workers", default=os.cpu_count() or 1, show_default="all cores", type=click.IntRange(1))
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Try a reader setting other than its default (a field of scanner/settings.py); repeat for several.",
)
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Also write the changes as CSV.")
def recount_command(db: Path, workers: int, overrides: tuple[str, ...], csv_out: Path | None) -> None:
    """Read every stored page again with the current settings; list rows that would read differently.

    Nothing is changed: the stored readings and every person's decision stay as they are.
    Use it after an upgrade, or with --set to see what a different threshold would do.

    \b
    Example:
      scanner recount --db count.db
      scanner recount --db count.db --set solid_fill=0.30 --csv changes.csv
    """
    from .recount import recount, with_overrides

    pairs: dict[str, str] = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r}: write it as NAME=VALUE", param_hint="--set")
        pairs[name.strip()] = value.strip()
    settings = with_overrides(pairs)
    with Store(db) as store:
        total = len(store.stored_page_refs())
    with click.progressbar(length=total, label="Reading pages again", file=sys.stderr) as bar:
        outcome = recount(db, settings, workers, on_page=lambda: bar.update(1))
    for page in outcome.page_changes:
        click.echo(page.describe())
    for row in outcome.row_changes:
        click.echo(row.describe())
    decided = sum(r.decided for r in outcome.row_changes)
    click.echo(
        f"Read {outcome.pages} stored page(s) again ({outcome.rows} rows)"
        + (f" with {', '.join(f'{k}={v}' for k, v in pairs.items())}" if pairs else " with the current settings")
        + f": {len(outcome.row_changes)} row(s) and {len(outcome.page_changes)} page(s) would read differently"
        + (f"; {decided} of those rows were decided by a person, and those decisions stand" if decided else "")
        + ". Nothing was changed."
    )
    if csv_out:
        import csv

        with csv_out.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["page_id", "file", "page", "stt", "name", "before", "after", "decided_by_person"])
            for r in outcome.row_changes:
                writer.writerow([r.page_id, r.file, r.page_index + 1, r.stt, r.name, r.before.describe(r.template),
                                 r.after.describe(r.template), int(r.decided)])  # fmt: skip
        click.echo(f"Wrote {csv_out}")
