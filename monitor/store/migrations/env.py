"""Alembic environment of outlet-watch: the target is ``monitor.store.base.Base.metadata`` with every
model module imported.

Where it runs (first that applies):

1. ``config.attributes["connection"]``: a SQLAlchemy ``Connection`` (used as is, inside the
   caller's transaction, which the caller commits) or ``Engine`` (one transaction here); this is
   how :mod:`monitor.store.migrate` calls it;
2. the URL of ``-x db=URL``, else ``$MONITOR_DB``, else ``sqlalchemy.url`` of the config.

On SQLite operations render in batch mode (``render_as_batch``), so later revisions can ALTER
tables. Autogenerate compares types and renders :class:`monitor.store.models.UTCDateTime` importably.
"""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, Engine, create_engine, pool

import monitor.store.casework_models
import monitor.store.models
import monitor.store.user_models  # noqa: F401  (every model module registers its tables)
from monitor.store.base import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and not config.attributes.get("connection"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render the project's own column types as ``monitor.store.models.X()`` and import the module."""
    if type_ == "type" and type(obj).__module__.startswith("monitor."):
        module = type(obj).__module__
        autogen_context.imports.add(f"import {module}")
        return f"{module}.{type(obj).__name__}()"
    return False


def _ours(name: str | None, type_: str, _parent: dict[str, str | None]) -> bool:
    """Autogenerate looks only at outlet-watch's tables (a shared database may hold others)."""
    return type_ != "table" or name in target_metadata.tables


def _options(sqlite: bool) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": sqlite,
        "compare_type": True,
        "compare_server_default": True,
        "render_item": _render_item,
        "include_name": _ours,
    }


def _url() -> str:
    url = (
        context.get_x_argument(as_dictionary=True).get("db")
        or os.environ.get("MONITOR_DB")
        or config.get_main_option("sqlalchemy.url")
    )
    if not url:
        raise SystemExit("no database: pass -x db=URL to alembic or set $MONITOR_DB")
    return url


def _applied(*, step: Any, **_kw: Any) -> None:
    """Tell the caller's ``on_step`` (``monitor db upgrade``'s progress) each revision applied."""
    on_step = config.attributes.get("on_step")
    if on_step is not None:
        script = step.up_revision  # the revision applied (a Script: revision and doc)
        doc = (script.doc or "").strip().splitlines() if script is not None else []
        rev = script.revision if script is not None else "?"
        on_step(f"{rev}: {doc[0]}" if doc else rev)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        on_version_apply=_applied,
        **_options(connection.dialect.name == "sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """``--sql``: print the SQL instead of running it."""
    url = _url()
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_options(url.startswith("sqlite")),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Against the connection or engine passed in, else a new engine for the URL."""
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    engine = given if isinstance(given, Engine) else create_engine(_url(), poolclass=pool.NullPool)
    with engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
