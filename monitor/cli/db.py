"""`monitor db`: schema migrations of the database (``upgrade``, ``current``, ``check``) and
retention of PostgreSQL's month partitions of readings (``retention``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from monitor import clock
from monitor.cli.options import database_options
from monitor.cli.progress import Progress, progress_option
from monitor.config import ConfigError, load_config


def _engine(config_path: Path | None, db: str | None, *, must_exist: bool = False) -> Engine:
    """The engine of the configured database; ``must_exist``: a missing SQLite file is an error
    (reading a revision must not create an empty database)."""
    from sqlalchemy.engine import make_url

    from monitor.store.store import create_engine

    try:
        url = load_config(config_path, overrides={"database": db}).database
        parsed = make_url(url)
        if must_exist and parsed.get_backend_name() == "sqlite" and parsed.database:
            path = Path(parsed.database)
            if parsed.database != ":memory:" and not path.is_file():
                raise click.ClickException(
                    f"no database file {path}: check --db or $MONITOR_DB "
                    f"(`monitor db upgrade` creates one)"
                )
        return create_engine(url)
    except (ConfigError, ValueError, SQLAlchemyError) as exc:
        raise click.ClickException(
            f"cannot open database: {exc}; check --db or $MONITOR_DB"
        ) from None


def _run(action: Callable[[], Any]) -> Any:
    from alembic.util import CommandError

    from monitor.store.migrate import MigrationError

    try:
        return action()
    except (MigrationError, CommandError) as exc:
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        raise click.ClickException(
            f"database error: {type(orig).__name__}: {orig}; check --db or $MONITOR_DB"
        ) from None


@click.group()
def db() -> None:
    """Schema migrations: bring a database to this version's schema, show or check its revision;
    retention of PostgreSQL's month partitions of readings.

    New databases are created at the newest revision by every command that opens them; run
    `upgrade` after installing a newer outlet-watch (back the database up first).

    \b
    Example:
      monitor db check --db postgresql+psycopg://monitor@db/outlet_watch
      monitor db upgrade --db postgresql+psycopg://monitor@db/outlet_watch
    """


@db.command("upgrade")
@database_options
@click.option("--to", "revision", default="head", show_default=True, help="Target revision.")
@progress_option
def upgrade_cmd(
    config_path: Path | None, db: str | None, revision: str, progress: bool | None
) -> None:
    """Migrate the database to the newest schema (or --to REVISION). An empty database is
    created; one made by outlet-watch before migrations existed is adopted if it matches.

    \b
    Example:
      monitor db upgrade --db sqlite:///outlet-watch.db
    """
    from monitor.store import migrate

    engine = _engine(config_path, db)
    before = _run(lambda: migrate.current(engine))
    lines = Progress(progress)
    _run(lambda: migrate.upgrade(engine, revision, on_step=lambda r: lines.stage(f"applied {r}")))
    after = _run(lambda: migrate.current(engine))
    if before == after:
        click.echo(f"database already at {after}")
    else:
        click.echo(f"database upgraded from {before or 'nothing'} to {after}")


@db.command("current")
@database_options
def current_cmd(config_path: Path | None, db: str | None) -> None:
    """Print the database's schema revision ("none" when it has no version).

    \b
    Example:
      monitor db current --db sqlite:///outlet-watch.db
    """
    from monitor.store import migrate

    engine = _engine(config_path, db, must_exist=True)
    click.echo(_run(lambda: migrate.current(engine)) or "none")


@db.command("check")
@database_options
def check_cmd(config_path: Path | None, db: str | None) -> None:
    """Exit 0 when the database is at the newest revision, else exit 1 saying what to run.

    \b
    Example:
      monitor db check --db sqlite:///outlet-watch.db && monitor serve
    """
    from monitor.store import migrate

    engine = _engine(config_path, db, must_exist=True)
    _run(lambda: migrate.check(engine))
    click.echo(f"database at {migrate.head()} (up to date)")


@db.command("retention")
@database_options
@click.option(
    "--before",
    "before",
    required=True,
    metavar="YYYY-MM",
    help="Remove the month partitions wholly before this month (UTC).",
)
@click.option(
    "--detach",
    is_flag=True,
    help="Detach them: each stays a table of its own, to archive or attach again (the default).",
)
@click.option("--drop", is_flag=True, help="Drop them with their readings.")
@click.option("--yes", is_flag=True, help="Do it (without --yes: say what would be done).")
def retention_cmd(
    config_path: Path | None, db: str | None, before: str, detach: bool, drop: bool, yes: bool
) -> None:
    """Retention on PostgreSQL: detach (default) or drop the month partitions of readings wholly
    before a month, one line per partition. A dry run unless --yes. Readings of those months in
    the default partition are first moved into their months (so they go too). See
    docs/operations.md for archiving a detached month and attaching it again.

    \b
    Example:
      monitor db retention --db postgresql+psycopg://monitor@db/outlet_watch --before 2021-01
      monitor db retention --db postgresql+psycopg://monitor@db/outlet_watch --before 2021-01 \\
          --detach --yes
    """
    from monitor.locale import text
    from monitor.store import migrate, partitions

    try:
        lang = load_config(config_path, overrides={"database": db}).lang
    except (ConfigError, ValueError) as exc:
        raise click.ClickException(
            f"cannot open database: {exc}; check --db or $MONITOR_DB"
        ) from None
    match = re.fullmatch(r"(\d{4})-(\d{2})", before.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise click.ClickException(text("db.retention.month", lang, value=before))
    month = (int(match.group(1)), int(match.group(2)))
    if detach and drop:
        raise click.ClickException(text("db.retention.both", lang))
    engine = _engine(config_path, db, must_exist=True)
    if engine.dialect.name != "postgresql":
        where = engine.url.render_as_string(hide_password=True)
        raise click.ClickException(text("db.retention.sqlite", lang, where=where))
    _run(lambda: migrate.check(engine))
    current = partitions.month_of(clock.now())
    if month > current:
        raise click.ClickException(
            text("db.retention.current", lang, month=before, current=_label(current))
        )

    def moved(name: str, rows: int) -> None:
        click.echo(text("db.retention.moved", lang, rows=rows, name=name))

    def plan() -> list[tuple[partitions.Partition, int]]:
        with engine.begin() as conn:
            if yes:  # stray readings of old months go with their month
                stray = [m for m in partitions.default_months(conn) if m < month]
                partitions.ensure_months(conn, stray, on_create=moved)
            return [
                (p, partitions.size(conn, p.name))
                for p in partitions.partitions(conn)
                if p.month < month
            ]

    todo = _run(plan)
    if not todo:
        click.echo(text("db.retention.none", lang, month=before))
        return
    verb = "drop" if drop else "detach"
    if not yes:
        for p, size in todo:
            click.echo(
                text(
                    f"db.retention.would_{verb}", lang, name=p.name, month=p.label, size=_size(size)
                )
            )
        click.echo(text("db.retention.dry_run", lang, count=len(todo)))
        return
    for i, (p, size) in enumerate(todo, 1):

        def one(p: partitions.Partition = p) -> None:
            with engine.begin() as conn:  # one transaction a month: a failure keeps those done
                partitions.remove(conn, p, drop=drop)

        _run(one)
        done = "dropped" if drop else "detached"
        click.echo(
            text(
                f"db.retention.{done}",
                lang,
                i=i,
                count=len(todo),
                name=p.name,
                month=p.label,
                size=_size(size),
            )
        )
    if not drop:
        click.echo(text("db.retention.archive", lang))


def _label(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def _size(n: int) -> str:
    """Bytes as people read them (kB, MB, GB: powers of 1024, as PostgreSQL shows them)."""
    value = float(n)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # pragma: no cover - the loop returns
