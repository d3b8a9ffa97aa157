"""`monitor users`: accounts of the web page (``add``, ``passwd``, ``list``) and the audit trail
of what people did (``audit``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import monitor.store.user_models  # noqa: F401  (registers the users table)
from monitor import clock
from monitor.casework.staff import UserError, add_user, list_users, set_password
from monitor.cli.options import casework_options, default_who, open_casework, parse_time
from monitor.cli.output import emit, format_option, say
from monitor.store.user_models import ROLES


@click.group()
def users() -> None:
    """Accounts of the web page: administrators see every district, inspectors only theirs.

    \b
    Example:
      monitor users add wang --role inspector --district Lintong
      monitor users list
    """


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("add")
@casework_options
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="inspector", show_default=True)
@click.option("--district", default="", help="The inspector's district (required for inspectors).")
@click.option("--name", "display_name", default="", help="Name shown on the page.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
def add_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    username: str,
    role: str,
    district: str,
    display_name: str,
    password_stdin: bool,
) -> None:
    """Create USERNAME (the password is asked twice, or read from stdin).

    \b
    Example:
      monitor users add wang --role inspector --district Lintong --name "Wang Wei"
      echo 'a long passphrase' | monitor users add admin --role admin --password-stdin
    """
    cw = open_casework(config_path, db, sites)
    password = _password(password_stdin)
    try:
        with cw.session() as s:
            row = add_user(
                s,
                username,
                password,
                role=role,
                district=district,
                display_name=display_name,
                who=default_who(),
            )
            msg = f"user {row.username} added ({row.role}{', ' + row.district if row.district else ''})"
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(msg)


@users.command("passwd")
@casework_options
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
def passwd_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    username: str,
    password_stdin: bool,
) -> None:
    """Set a new password for USERNAME (ends the user's open sessions).

    \b
    Example:
      monitor users passwd wang
    """
    cw = open_casework(config_path, db, sites)
    password = _password(password_stdin)
    try:
        with cw.session() as s:
            set_password(s, username, password, who=default_who())
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    say("password_changed", user=username)


@users.command("list")
@casework_options
@format_option
def list_cmd(config_path: Path | None, db: str | None, sites: Path | None, fmt: str) -> None:
    """List the accounts (never their password hashes).

    \b
    Example:
      monitor users list --format csv
    """
    cw = open_casework(config_path, db, sites)
    with cw.session() as s:
        rows = [
            {
                "username": u.username,
                "name": u.display_name,
                "role": u.role,
                "district": u.district,
                "active": u.active,
                "created_at": u.created_at.isoformat(timespec="seconds"),
            }
            for u in list_users(s)
        ]
    emit(
        rows,
        fmt,
        ["username", "name", "role", "district", "active", "created_at"],
        empty="(no users)",
    )


AUDIT_COLUMNS = ("at", "who", "action", "object", "source", "outcome", "detail")


@users.command("audit")
@casework_options
@click.option("--who", "who_", help="Only this person's entries.")
@click.option(
    "--action",
    help="Only this action (sign_in, sign_in_failed, lead.confirm ...) or a prefix ending in "
    "'.' (lead., score., user.).",
)
@click.option("--from", "from_", help="First day or time (local time unless an offset).")
@click.option("--to", "to", help="Last day (inclusive) or time.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@format_option
def audit_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    who_: str | None,
    action: str | None,
    from_: str | None,
    to: str | None,
    limit: int,
    fmt: str,
) -> None:
    """The audit trail, newest first: sign-ins (also failed and refused), sign-outs, every
    action on a lead or a score and on accounts, with who, when and from where.

    \b
    Example:
      monitor users audit --action sign_in_failed --from 2026-12-01
      monitor users audit --who wang --action lead. --format xlsx > wang.xlsx
    """
    from monitor.casework.audit import entries, entry_dict

    cw = open_casework(config_path, db, sites)
    tz = cw.config.timezone
    since = parse_time(from_, tz, end=False)
    until = parse_time(to, tz, end=True)
    with cw.session() as s:
        found = entries(s, who=who_, action=action, since=since, until=until, limit=limit)
        rows = [entry_dict(e, clock.show(e.at, tz)) for e in found]
    emit(rows, fmt, AUDIT_COLUMNS, empty="(no entries)")
