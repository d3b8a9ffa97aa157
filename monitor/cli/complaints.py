"""`monitor complaints`: public complaints (信访) through their closed loop, figures, public list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from monitor import clock
from monitor.casework import complaints as C
from monitor.cli.options import Casework, casework_options, default_who, open_casework, parse_time
from monitor.cli.output import emit, emit_one, format_option, say, shown

LIST_COLUMNS = (
    "id",
    "status",
    "channel",
    "received",
    "district",
    "enterprise",
    "location",
    "accept_by",
    "reply_by",
    "overdue",
    "assignee",
    "lead_id",
)
FIGURE_COLUMNS = (
    "month",
    "district",
    "received",
    "accepted",
    "accepted_rate",
    "handled",
    "handled_rate",
    "replied",
    "replied_rate",
    "on_time_reply_rate",
    "satisfied",
    "satisfied_rate",
)
YES_NO = click.Choice(["yes", "no"])


def settings_of(cw: Casework) -> C.ComplaintSettings:
    """The ``[complaints]`` settings of the configuration (a bad one is a one-line error)."""
    try:
        return C.ComplaintSettings.from_dict(
            cw.config.sections.get("complaints"), timezone=cw.config.timezone
        )
    except C.ComplaintError as exc:
        where = cw.config.source or "monitor.toml"
        raise click.ClickException(f"{where}: {exc}") from None


def attachments_folder(cw: Casework, settings: C.ComplaintSettings) -> Path:
    """``[complaints].attachments`` (relative to monitor.toml), else ``<database>-attachments``
    beside a SQLite database file."""
    if settings.attachments is not None:
        folder = settings.attachments
        if not folder.is_absolute() and cw.config.source is not None:
            folder = cw.config.source.parent / folder
        return folder
    url = cw.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.parent / f"{db.stem}-attachments"
    raise click.ClickException(
        'no folder for attachments: set [complaints] attachments = "/path" in monitor.toml '
        "(a database that is not a SQLite file has no folder beside it)"
    )


def _rules(cw: Casework) -> Any:
    from monitor.casework.scoring import ScoringError, ScoringRules

    try:
        return ScoringRules.from_dict(cw.config.scoring)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None


def _yes(value: str | None) -> bool | None:
    return None if value in (None, "unknown") else value == "yes"


@click.group()
def complaints() -> None:
    """Public complaints (信访: 12369, 12345, mail, WeChat) as a closed loop with deadlines.

    \b
    Lifecycle: received -> accepted -> assigned -> handled -> replied -> closed
    Deadlines: [complaints] accept_working_days (3), reply_working_days (15) in monitor.toml.
    Example:
      monitor complaints add --channel 12369 --enterprise E0001 --text "black water at night"
      monitor complaints accept 1 && monitor complaints assign 1 --to "Wang Wei"
      monitor complaints handle 1 --substantiated yes --result "bypass pipe found, sealed"
      monitor complaints reply 1 --reply "Thank you: ..." && monitor complaints close 1
    """


@complaints.command("add")
@casework_options
@click.option("--channel", type=click.Choice(C.CHANNELS), required=True, help="How it came in.")
@click.option("--text", "text_", required=True, help="What the complainant reports.")
@click.option("--received", "received_text", help="When it was received (default now).")
@click.option("--contact", default="", help="Complainant's contact (private: admins only).")
@click.option("--enterprise", help="The enterprise complained about (registry id).")
@click.option("--location", default="", help="Where, when no enterprise is named.")
@click.option("--district", default="", help="District (default: the enterprise's).")
@click.option(
    "--attach",
    "files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A photo or document (repeatable); copied beside the database.",
)
@click.option("--lead", is_flag=True, help="Open or join a lead of the enterprise at once.")
@click.option("--who", default=default_who, show_default="$MONITOR_USER or login name")
@format_option
def add_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    channel: str,
    text_: str,
    received_text: str | None,
    contact: str,
    enterprise: str | None,
    location: str,
    district: str,
    files: tuple[Path, ...],
    lead: bool,
    who: str,
    fmt: str,
) -> None:
    """Record a received complaint and its deadlines.

    \b
    Example:
      monitor complaints add --channel 12369 --received "2026-12-04 21:10" --enterprise E0001 \\
        --contact "138xxxx0000" --text "black water from the outlet at night" --attach photo.jpg
    """
    cw = open_casework(config_path, db, sites)
    settings = settings_of(cw)
    received = parse_time(received_text, cw.config.timezone, end=False)
    folder = attachments_folder(cw, settings) if files else None
    with cw.session() as s:
        c = C.add(
            s,
            channel=channel,
            text=text_,
            received_at=received,
            contact=contact,
            enterprise=enterprise,
            location=location,
            district=district,
            registry=cw.registry,
            settings=settings,
            who=who,
        )
        for f in files:
            assert folder is not None
            C.attach(s, c.id, f, folder)
        if lead:
            C.link_lead(s, c.id, cw.registry, who, rules=_rules(cw))
        d = C.complaint_dict(c, tz=cw.config.timezone)
    if fmt == "table":
        click.echo(
            f"complaint #{d['id']}: received; accept by {d['accept_by']}, reply by {d['reply_by']}"
            + (f"; lead #{d['lead_id']}" if d["lead_id"] else "")
        )
    else:
        emit_one(d, fmt)


@complaints.command("list")
@casework_options
@click.option(
    "--status",
    type=click.Choice(["open", *C.COMPLAINT_STATUSES]),
    help="Only complaints in this status (open = not closed).",
)
@click.option("--district", help="Only this district's complaints.")
@click.option("--enterprise", help="Only complaints about this enterprise.")
@click.option("--overdue", is_flag=True, help="Only complaints overdue now.")
@format_option
def list_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    status: str | None,
    district: str | None,
    enterprise: str | None,
    overdue: bool,
    fmt: str,
) -> None:
    """List complaints, newest first (never with the complainant's contact).

    \b
    Example:
      monitor complaints list --status open --overdue
    """
    cw = open_casework(config_path, db, sites)
    with cw.session() as s:
        rows = [
            C.complaint_dict(c, tz=cw.config.timezone)
            for c in C.list_complaints(
                s,
                status=status,
                district=district,
                enterprise=enterprise,
                overdue_at=clock.now() if overdue else None,
            )
        ]
    emit(rows, fmt, LIST_COLUMNS, empty="(no complaints)")


@complaints.command("show")
@casework_options
@click.argument("complaint_id", type=int)
@click.option("--contact", is_flag=True, help="Include the complainant's contact (private).")
@format_option
def show_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    complaint_id: int,
    contact: bool,
    fmt: str,
) -> None:
    """Show one complaint with its audit trail and attachments.

    \b
    Example:
      monitor complaints show 1 --format json
    """
    cw = open_casework(config_path, db, sites)
    with cw.session() as s:
        d = C.complaint_dict(
            C.get_complaint(s, complaint_id), tz=cw.config.timezone, contact=contact, detail=True
        )
    emit_one(d, fmt, sections=("audit", "attachments"))


def _step(action: str, example: str, extra_help: str) -> click.Command:
    @casework_options
    @click.argument("complaint_id", type=int)
    @click.option("--who", default=default_who, show_default="$MONITOR_USER or login name")
    @click.option("--note", default="", help="Kept in the audit trail.")
    @click.option("--at", "at_text", help="When it was done (default now), e.g. from a paper file.")
    @format_option
    def cmd(
        config_path: Path | None,
        db: str | None,
        sites: Path | None,
        complaint_id: int,
        who: str,
        note: str,
        at_text: str | None,
        fmt: str,
        **kw: Any,
    ) -> None:
        cw = open_casework(config_path, db, sites)
        at = parse_time(at_text, cw.config.timezone, end=False)
        if at is not None and at > clock.now():
            raise click.BadParameter(f"{at_text} is in the future", param_hint="'--at'")
        with cw.session() as s:
            c = C.act(
                s,
                complaint_id,
                action,
                who,
                note,
                assignee=kw.get("to"),
                substantiated=_yes(kw.get("substantiated")),
                result=kw.get("result") or "",
                reply=kw.get("reply") or "",
                satisfied=_yes(kw.get("satisfied")),
                rules=_rules(cw) if action == "handle" else None,
                now=at,
            )
            d = C.complaint_dict(c, tz=cw.config.timezone)
        if fmt == "table":
            status = shown("status", d["status"])
            if action == "reply" and d["replied_on_time"] is False:
                due = shown("reply_by", d["reply_by"])
                say("complaint_status_late", id=complaint_id, status=status, due=due)
            else:
                say("complaint_status", id=complaint_id, status=status)
        else:
            emit_one(d, fmt)

    cmd.__doc__ = f"{extra_help}\n\n\b\nExample:\n  {example}"
    command = click.command(action)(cmd)
    if action == "assign":
        command = click.option("--to", help="Who handles it (default: --who).")(command)
    if action == "handle":
        command = click.option("--result", required=True, help="What was found and done.")(command)
        command = click.option(
            "--substantiated", type=YES_NO, required=True, help="Was the complaint true?"
        )(command)
    if action == "reply":
        command = click.option("--reply", required=True, help="The reply to the complainant.")(
            command
        )
    if action == "close":
        command = click.option(
            "--satisfied",
            type=click.Choice(["yes", "no", "unknown"]),
            default="unknown",
            show_default=True,
            help="The complainant's satisfaction (follow-up).",
        )(command)
    return command


for _action, _example, _help in (
    ("accept", "monitor complaints accept 1", "Accept a received complaint."),
    ("assign", 'monitor complaints assign 1 --to "Wang Wei"', "Hand it to who handles it."),
    (
        "handle",
        'monitor complaints handle 1 --substantiated yes --result "bypass found, sealed"',
        "Record the handling: substantiated or not, and the result (a substantiated complaint "
        "about an enterprise moves its score by [scoring.complaint]).",
    ),
    (
        "reply",
        'monitor complaints reply 1 --reply "Thank you; the bypass was sealed on 12-05."',
        "Record the reply to the complainant.",
    ),
    (
        "close",
        "monitor complaints close 1 --satisfied yes",
        "Close a replied complaint, with the complainant's satisfaction when known.",
    ),
):
    complaints.add_command(_step(_action, _example, _help))


@complaints.command("attach")
@casework_options
@click.argument("complaint_id", type=int)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
def attach_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    complaint_id: int,
    files: tuple[Path, ...],
) -> None:
    """Attach files (photos) to a complaint: copied beside the database under their SHA-256.

    \b
    Example:
      monitor complaints attach 1 outlet-night.jpg
    """
    cw = open_casework(config_path, db, sites)
    folder = attachments_folder(cw, settings_of(cw))
    with cw.session() as s:
        rows = [C.attach(s, complaint_id, f, folder) for f in files]
    for r in rows:
        click.echo(f"{r.name}: {r.sha256} ({r.size} bytes)")


@complaints.command("lead")
@casework_options
@click.argument("complaint_id", type=int)
@click.option("--mn", help="Outlet of a new lead (default: the enterprise's first).")
@click.option("--who", default=default_who, show_default="$MONITOR_USER or login name")
def lead_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    complaint_id: int,
    mn: str | None,
    who: str,
) -> None:
    """Join the complaint to an active lead of its enterprise, or open one.

    \b
    Example:
      monitor complaints lead 1 --sites sites.toml
    """
    cw = open_casework(config_path, db, sites, need_registry=True)
    with cw.session() as s:
        lead, opened = C.link_lead(s, complaint_id, cw.registry, who, mn=mn, rules=_rules(cw))
        lead_id = lead.id
    say(f"complaint_lead_{'opened' if opened else 'joined'}", id=complaint_id, lead=lead_id)


@complaints.command("figures")
@casework_options
@click.option("--at", "at_text", help="As recorded up to this date (end of day) or time.")
@click.option("--month", help="Only this month of receipt, YYYY-MM.")
@format_option
def figures_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    at_text: str | None,
    month: str | None,
    fmt: str,
) -> None:
    """Monthly figures per district: accepted rate, on-time reply rate, handled, replied,
    satisfied (rates 0-1; empty when nothing counts towards them).

    \b
    Example:
      monitor complaints figures --month 2026-11 --format csv > figures.csv
    """
    cw = open_casework(config_path, db, sites)
    at = parse_time(at_text, cw.config.timezone, end=True)
    with cw.session() as s:
        rows = C.monthly(C.list_complaints(s), at=at, tz=cw.config.timezone)
    if month:
        rows = [r for r in rows if r["month"] == month]
    emit(rows, fmt, FIGURE_COLUMNS, empty="(no complaints)")


@complaints.command("public")
@casework_options
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="File to write: .csv (UTF-8 with BOM) or .xlsx.",
)
@click.option("--from", "from_text", help="Received from this date or time.")
@click.option("--to", "to_text", help="Received up to this date (end of day) or time.")
def public_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    out: Path,
    from_text: str | None,
    to_text: str | None,
) -> None:
    """Write the public list of complaints: no contact or other personal data.

    \b
    Example:
      monitor complaints public --from 2026-11-01 --to 2026-11-30 --out complaints-2026-11.xlsx
    """
    cw = open_casework(config_path, db, sites)
    lo = parse_time(from_text, cw.config.timezone, end=False)
    hi = parse_time(to_text, cw.config.timezone, end=True)
    with cw.session() as s:
        items = [
            c
            for c in reversed(C.list_complaints(s))
            if (lo is None or c.received_at >= lo) and (hi is None or c.received_at <= hi)
        ]
        rows = C.public_rows(items, tz=cw.config.timezone)
    try:
        C.write_public(rows, out)
    except C.ComplaintError as exc:
        raise click.ClickException(str(exc)) from None
    say("complaints_written", n=len(rows), path=out)
