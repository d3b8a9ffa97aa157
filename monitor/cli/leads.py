"""`monitor leads`: list, show and work enforcement leads through their lifecycle."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.casework import leads as L
from monitor.cli.options import casework_options, default_who, open_casework
from monitor.cli.output import emit, emit_one, format_option, say, shown

LIST_COLUMNS = L.QUEUE_COLUMNS


@click.group()
def leads() -> None:
    """Enforcement leads: findings of one outlet merged, with a lifecycle and an audit trail.

    \b
    Lifecycle: open -> assigned -> inspected -> confirmed | dismissed -> closed
    Example:
      monitor leads list --status open
      monitor leads assign 12 --to "Wang Wei" --note "visit this week"
    """


@leads.command("list")
@casework_options
@click.option(
    "--status",
    type=click.Choice(
        ["active", "open", "assigned", "inspected", "confirmed", "dismissed", "closed"]
    ),
    help="Only leads in this status (active = open, assigned or inspected).",
)
@click.option("--enterprise", help="Only this enterprise's leads.")
@click.option("--mn", help="Only this outlet's leads.")
@click.option(
    "--sort",
    type=click.Choice(["triage", "newest"]),
    help="triage: most likely confirmed first, with why (default once `monitor triage train` "
    "stored a model); newest: newest first.",
)
@format_option
def list_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    status: str | None,
    enterprise: str | None,
    mn: str | None,
    sort: str | None,
    fmt: str,
) -> None:
    """List leads, most likely confirmed first (triage) or newest first.

    \b
    Example:
      monitor leads list --db sqlite:///outlet-watch.db --status active --format csv > leads.csv
      monitor leads list --status open --sort triage
    """
    from monitor.casework.scoring import ScoringError, ScoringRules
    from monitor.casework.triage import queue_order, ranked_dict

    cw = open_casework(config_path, db, sites)
    lang = cw.config.lang
    try:
        rules = ScoringRules.from_dict(cw.config.scoring)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None
    with cw.session() as s:
        found = L.list_leads(s, status=status, enterprise=enterprise, mn=mn)
        ordered, ranks = queue_order(s, found, sort=sort, rules=rules)
        rows = [
            L.lead_dict(x, lang=lang, tz=cw.config.timezone)
            | (ranked_dict(ranks[x.id], lang) if x.id in ranks else {})
            for x in ordered
        ]
    columns = (
        (*LIST_COLUMNS[:6], "probability", "why", *LIST_COLUMNS[6:]) if ranks else LIST_COLUMNS
    )
    emit(rows, fmt, columns, empty="(no leads)")


@leads.command("verdicts")
@casework_options
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def verdicts_cmd(config_path: Path | None, db: str | None, sites: Path | None, path: Path) -> None:
    """Record inspection verdicts from a CSV or .xlsx file (columns lead, verdict, who, when,
    note), each through the lead lifecycle and its audit trail; a wrong row refuses the file.

    \b
    Example (verdicts.csv):
      lead,verdict,who,when,note
      12,confirmed,Wang Wei,2026-12-01 15:30,standard solution swapped
      15,dismissed,Li Na,2026-12-02 10:00,analyser fault repaired
      monitor leads verdicts verdicts.csv
    """
    from monitor.casework.scoring import ScoringError, ScoringRules
    from monitor.casework.verdicts import VerdictFileError, import_verdicts
    from monitor.locale import text

    cw = open_casework(config_path, db, sites)
    lang = cw.config.lang
    try:
        rules = ScoringRules.from_dict(cw.config.scoring)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with cw.session() as s:
            done = import_verdicts(s, path, tz=cw.config.timezone, lang=lang, rules=rules)
    except VerdictFileError as exc:
        raise click.ClickException(str(exc)) from None
    confirmed = sum(v.action == "confirm" for v in done)
    click.echo(
        text(
            "triage.verdicts_done",
            lang,
            count=len(done),
            path=path,
            confirmed=confirmed,
            dismissed=len(done) - confirmed,
        )
    )


@leads.command("show")
@casework_options
@click.argument("lead_id", type=int)
@format_option
def show(
    config_path: Path | None, db: str | None, sites: Path | None, lead_id: int, fmt: str
) -> None:
    """Show one lead: its evidence (findings), suggested action and audit trail.

    \b
    Example:
      monitor leads show 12 --format json
    """
    cw = open_casework(config_path, db, sites)
    with cw.session() as s:
        d = L.lead_dict(
            L.get_lead(s, lead_id), lang=cw.config.lang, tz=cw.config.timezone, detail=True
        )
    emit_one(d, fmt, sections=("findings", "audit"))


def _step(action: str, example: str, extra_help: str) -> click.Command:
    @casework_options
    @click.argument("lead_id", type=int)
    @click.option(
        "--who", default=default_who, show_default="$MONITOR_USER or login name", help="Who acts."
    )
    @click.option("--note", default="", help="What was done or found (kept in the audit trail).")
    @format_option
    def cmd(
        config_path: Path | None,
        db: str | None,
        sites: Path | None,
        lead_id: int,
        who: str,
        note: str,
        fmt: str,
        **kw: str | None,
    ) -> None:
        cw = open_casework(config_path, db, sites)
        from monitor.casework.scoring import ScoringError, ScoringRules

        with cw.session() as s:
            rules = None
            if action == "confirm":
                try:
                    rules = ScoringRules.from_dict(cw.config.scoring)
                except ScoringError as exc:
                    raise click.ClickException(str(exc)) from None
            lead = L.act(s, lead_id, action, who, note, assignee=kw.get("to"), rules=rules)
            d = L.lead_dict(lead, lang=cw.config.lang, tz=cw.config.timezone)
        if fmt == "table":
            say("lead_status", id=lead_id, status=shown("status", d["status"]))
        else:
            emit_one(d, fmt)

    cmd.__doc__ = f"{extra_help}\n\n\b\nExample:\n  {example}"
    command = click.command(action)(cmd)
    if action == "assign":
        command = click.option("--to", help="Who takes the lead (default: --who).")(command)
    return command


leads.add_command(
    _step(
        "assign",
        'monitor leads assign 12 --to "Wang Wei" --note "visit this week"',
        "Assign an open (or re-assign an assigned) lead.",
    )
)
leads.add_command(
    _step(
        "inspect",
        'monitor leads inspect 12 --note "analyser settings photographed"',
        "Record that an assigned lead was inspected.",
    )
)
leads.add_command(
    _step(
        "confirm",
        'monitor leads confirm 12 --note "standard solution swapped"',
        "Confirm an inspected lead; its score deduction becomes final.",
    )
)
leads.add_command(
    _step(
        "dismiss",
        'monitor leads dismiss 12 --note "analyser fault, repaired"',
        "Dismiss an inspected lead; its points are restored.",
    )
)
leads.add_command(
    _step(
        "close",
        'monitor leads close 12 --note "penalty decision filed"',
        "Close a confirmed or dismissed lead.",
    )
)
