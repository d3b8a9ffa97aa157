"""`monitor leads`: list, show and work enforcement leads through their lifecycle."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.casework import leads as L
from monitor.cli.options import casework_options, default_who, open_casework
from monitor.cli.output import emit, emit_one, format_option

LIST_COLUMNS = (
    "id",
    "status",
    "enterprise",
    "mn",
    "category",
    "severity",
    "start",
    "end",
    "assignee",
    "summary",
)


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
@format_option
def list_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    status: str | None,
    enterprise: str | None,
    mn: str | None,
    fmt: str,
) -> None:
    """List leads, newest first.

    \b
    Example:
      monitor leads list --db sqlite:///outlet-watch.db --status active --format csv > leads.csv
    """
    cw = open_casework(config_path, db, sites)
    with cw.session() as s:
        rows = [
            L.lead_dict(x, lang=cw.config.lang, tz=cw.config.timezone)
            for x in L.list_leads(s, status=status, enterprise=enterprise, mn=mn)
        ]
    emit(rows, fmt, LIST_COLUMNS, empty="(no leads)")


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
            click.echo(f"lead #{lead_id}: {d['status']}")
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
