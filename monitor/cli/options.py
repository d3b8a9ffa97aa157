"""What the casework commands (leads, score, inspections, alerts) share: the ``--config``,
``--db`` and ``--sites`` options, the resolved configuration, the database and the registry."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from monitor import clock
from monitor.cli.output import set_language
from monitor.config import Config, ConfigError, load_config

if TYPE_CHECKING:  # the database's libraries load only for the commands that open one
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

__all__ = [
    "Casework",
    "casework_options",
    "config_option",
    "database_options",
    "default_who",
    "open_casework",
    "parse_time",
]

F = TypeVar("F", bound=Callable[..., Any])


def casework_options(f: F) -> F:
    """``--config FILE``, ``--db URL`` and ``--sites FILE`` (passed as ``config_path``, ``db``,
    ``sites``)."""
    f = click.option(
        "--sites",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Site registry TOML (default: from monitor.toml, else ./sites.toml if present).",
    )(f)
    return database_options(f)


def database_options(f: F) -> F:
    """``--config FILE`` and ``--db URL`` (passed as ``config_path`` and ``db``)."""
    f = click.option("--db", help="Database URL (default: $MONITOR_DB or monitor.toml).")(f)
    return config_option()(f)


def config_option(uses: str = "") -> Callable[[F], F]:
    """``--config FILE`` (passed as ``config_path``), the one monitor.toml option of every command;
    ``uses`` names what the command takes from it."""
    what = f": {uses}" if uses else ""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help=f"monitor.toml{what} (default: $MONITOR_CONFIG or ./monitor.toml).",
    )


def default_who() -> str:
    """Who is acting when ``--who`` is not given: ``$MONITOR_USER``, else the login name."""
    try:
        return os.environ.get("MONITOR_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "cli"


@dataclass
class Casework:
    config: Config
    engine: Engine
    registry: Any | None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One committed transaction; domain errors become one-line ClickExceptions."""
        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.orm import Session

        from monitor.alerts.alerter import AlertError
        from monitor.casework.complaints import ComplaintError
        from monitor.casework.inspections import InspectionError
        from monitor.casework.leads import LeadError
        from monitor.casework.results import ResultError
        from monitor.casework.scoring import ScoringError

        try:
            with Session(self.engine, expire_on_commit=False) as s, s.begin():
                yield s
        except (
            LeadError,
            ScoringError,
            InspectionError,
            AlertError,
            ComplaintError,
            ResultError,
        ) as exc:
            raise click.ClickException(str(exc)) from None
        except SQLAlchemyError as exc:
            raise click.ClickException(
                f"database error: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}"
            ) from None


def open_casework(
    config_path: Path | None, db: str | None, sites: Path | None, *, need_registry: bool = False
) -> Casework:
    """Resolve the configuration, open the database (creating missing tables) and load the
    registry when one is given or configured and present."""
    from sqlalchemy.exc import SQLAlchemyError

    import monitor.store.casework_models  # noqa: F401  (registers the casework tables)
    from monitor.registry import RegistryError, load_registry
    from monitor.store.store import create_engine, create_schema

    try:
        cfg = load_config(
            config_path, overrides={"database": db, "sites": str(sites) if sites else None}
        )
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    set_language(cfg.lang)  # the tables this command prints
    registry = None
    explicit = sites is not None or (cfg.source is not None and cfg.sites != Path("sites.toml"))
    if explicit or need_registry or cfg.sites.is_file():
        try:
            registry = load_registry(cfg.sites)
        except RegistryError as exc:
            raise click.ClickException(str(exc)) from None
    try:
        engine = create_engine(cfg.database)
        create_schema(engine)
    except (SQLAlchemyError, ValueError) as exc:
        raise click.ClickException(
            f"cannot open database: {exc}; check --db or $MONITOR_DB"
        ) from None
    return Casework(cfg, engine, registry)


def parse_time(text: str | None, tz: str, *, end: bool) -> datetime | None:
    """A user-given ``--from``/``--to``/``--at`` (None when not given) by :func:`monitor.clock.
    parse_time`'s rule: a date alone is the start of that day in ``tz`` as a lower bound and its end
    as an upper bound (``end=True``, e.g. ``--to`` and ``--at``); a time without offset is local to
    ``tz``. A bad value is a one-line usage error."""
    if text is None:
        return None
    try:
        return clock.parse_time(text, tz, end=end)
    except clock.TimeFormatError as exc:
        raise click.BadParameter(str(exc)) from None
