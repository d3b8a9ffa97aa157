"""`monitor alerts`: list, acknowledge and deliver due alerts."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.alerts import alerter as A
from monitor.cli.options import Casework, casework_options, default_who, open_casework
from monitor.cli.output import emit, emit_one, format_option, say

LIST_COLUMNS = (
    "id",
    "status",
    "enterprise",
    "district",
    "category",
    "severity",
    "leads",
    "created_at",
    "round",
    "last_sent_at",
    "acked_by",
)


def _settings(cw: Casework) -> A.AlertSettings:
    try:
        return A.AlertSettings.from_dict(
            cw.config.alerts, lang=cw.config.lang, timezone=cw.config.timezone
        )
    except A.AlertError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def alerts() -> None:
    """Alerts to the staff of each district about new or escalated leads.

    \b
    Example:
      monitor alerts list --status unacked
      monitor alerts ack 7 --note "seen, visiting tomorrow"
    """


@alerts.command("list")
@casework_options
@click.option(
    "--status",
    type=click.Choice(["unacked", "pending", "sending", "sent", "failed", "inhibited", "acked"]),
    help="Only alerts in this status (unacked = not acknowledged nor inhibited).",
)
@click.option("--enterprise", help="Only this enterprise's alerts.")
@click.option("--attempts", is_flag=True, help="Include every delivery attempt (json/csv).")
@format_option
def list_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    status: str | None,
    enterprise: str | None,
    attempts: bool,
    fmt: str,
) -> None:
    """List alerts, newest first.

    \b
    Example:
      monitor alerts list --db sqlite:///outlet-watch.db --status failed --attempts --format json
    """
    cw = open_casework(config_path, db, sites)
    tz = cw.config.timezone
    with cw.session() as s:
        rows = [
            A.alert_dict(a, tz=tz) for a in A.list_alerts(s, status=status, enterprise=enterprise)
        ]
    if not attempts:
        for r in rows:
            r.pop("attempts")
    columns = [*LIST_COLUMNS, "attempts"] if attempts and fmt != "table" else list(LIST_COLUMNS)
    emit(rows, fmt, columns, empty="(no alerts)")


@alerts.command("ack")
@casework_options
@click.argument("alert_id", type=int)
@click.option("--who", default=default_who, show_default="$MONITOR_USER or login name")
@click.option("--note", default="", help="A note kept with the acknowledgement.")
@format_option
def ack_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    alert_id: int,
    who: str,
    note: str,
    fmt: str,
) -> None:
    """Acknowledge an alert: it is not repeated after this.

    \b
    Example:
      monitor alerts ack 7 --note "seen, visiting tomorrow"
    """
    cw = open_casework(config_path, db, sites)
    with cw.session() as s:
        d = A.alert_dict(A.ack(s, alert_id, who, note), tz=cw.config.timezone)
    if fmt == "table":
        say("alert_acked", id=alert_id, who=d["acked_by"])
    else:
        emit_one(d, fmt, sections=("attempts",))


@alerts.command("dispatch")
@casework_options
def dispatch_cmd(config_path: Path | None, db: str | None, sites: Path | None) -> None:
    """Deliver what is due now: grouped alerts whose window ended, retries, repeats.

    Run it from a timer when no daemon is running (the daemon dispatches by itself).

    \b
    Example:
      monitor alerts dispatch --config monitor.toml
    """
    cw = open_casework(config_path, db, sites)
    alerter = A.Alerter(_settings(cw), echo=click.echo)
    with cw.session() as s:
        rep = alerter.dispatch(s)
    click.echo(
        f"{len(rep.started)} started, {len(rep.repeated)} repeated, {len(rep.sent)} sent, "
        f"{len(rep.failed)} failed, {rep.attempts} attempts"
    )
