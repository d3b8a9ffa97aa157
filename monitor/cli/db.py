"""`monitor db`: schema migrations of the database (``upgrade``, ``current``, ``check``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

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
    """Schema migrations: bring a database to this version's schema, show or check its revision.

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
