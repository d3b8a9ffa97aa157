"""Schema migrations (Alembic, configured here in code: no ``alembic.ini`` needed).

The revisions live in :mod:`monitor.store.migrations` (shipped in the package). Rules:

- :func:`upgrade` brings a database to a revision (default ``head``). An empty database (none of
  outlet-watch's tables) gets every table from the revisions and is stamped. A database made
  before migrations existed (our tables, no ``alembic_version``; see :func:`adopt_legacy`) is
  first stamped at :data:`LEGACY_REVISION`, then upgraded.
- :func:`ensure_schema` (what :func:`monitor.store.store.create_schema` calls) upgrades empty and
  legacy databases to ``head`` but never migrates a versioned one: a database behind the code
  raises :class:`MigrationError` naming ``monitor db upgrade`` (migrating is the operator's call).
- Schema work holds a lock so that two processes starting on one new database do not both create
  it: ``pg_advisory_xact_lock`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite (DDL and the version
  stamp commit together).
- Tables of other applications in the same database are ignored (only ``Base.metadata``'s tables
  are compared).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

import monitor.store.casework_models
import monitor.store.models
import monitor.store.user_models  # noqa: F401  (every model module registers its tables)
from monitor.store.base import Base
from monitor.store.migrations import SCRIPT_LOCATION

__all__ = [
    "LEGACY_REVISION",
    "VERSION_TABLE",
    "MigrationError",
    "adopt_legacy",
    "alembic_config",
    "check",
    "current",
    "ensure_schema",
    "head",
    "schema_differences",
    "upgrade",
]

#: The revision a database made by ``Base.metadata.create_all`` (code before migrations) is at.
LEGACY_REVISION = "0001"
#: Alembic's bookkeeping table.
VERSION_TABLE = "alembic_version"
#: Key of the PostgreSQL advisory lock held during schema work ("owschema").
_PG_LOCK_KEY = 0x6F77_7363_6865_6D61


class MigrationError(ValueError):
    """The database's schema does not fit this code; the message says what to run (a ValueError,
    like other bad configuration, so callers that report those report this one too)."""


def alembic_config(engine: Engine | Connection) -> Config:
    """An Alembic :class:`Config` for the shipped revisions that runs against ``engine`` (an
    ``Engine``, or a ``Connection`` whose transaction the caller commits)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["connection"] = engine
    return cfg


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "os")
    return ScriptDirectory.from_config(cfg)


def head() -> str:
    """The newest revision this code knows (the schema of ``Base.metadata``)."""
    rev = _scripts().get_current_head()
    if rev is None:  # pragma: no cover - the package always ships revisions
        raise MigrationError(f"no revisions found in {SCRIPT_LOCATION}/versions")
    return rev


def current(engine: Engine | Connection) -> str | None:
    """The revision the database is stamped at; None when it has no ``alembic_version``."""
    if isinstance(engine, Connection):
        return MigrationContext.configure(engine).get_current_revision()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _where(bind: Engine | Connection) -> str:
    return bind.engine.url.render_as_string(hide_password=True)


def check(engine: Engine | Connection) -> None:
    """Raise :class:`MigrationError` unless the database is at :func:`head`.

    The message names the database, its revision and the fix (``monitor db upgrade``, or a newer
    outlet-watch when the database was migrated by one)."""
    rev, want, where = current(engine), head(), _where(engine)
    if rev == want:
        return
    if rev is None:
        raise MigrationError(
            f"database {where} has no schema version: run `monitor db upgrade --db URL`"
        )
    if not _known(rev):
        raise MigrationError(
            f"database {where} is at revision {rev}, unknown to this outlet-watch (it needs "
            f"{want}): the database was migrated by a newer version; upgrade outlet-watch"
        )
    raise MigrationError(
        f"database {where} is at revision {rev}, behind {want}: "
        f"run `monitor db upgrade --db URL` (back it up first)"
    )


def _known(rev: str) -> bool:
    return rev in {s.revision for s in _scripts().walk_revisions()}


def schema_differences(conn: Connection) -> list[Any]:
    """Alembic's differences between the database and ``Base.metadata`` (types and server
    defaults compared; tables not in the metadata, e.g. ``alembic_version``, ignored). Empty when
    the database matches the models."""

    def ours(name: str | None, type_: str, _parent: dict[str, str | None]) -> bool:
        return type_ != "table" or name in Base.metadata.tables

    ctx = MigrationContext.configure(
        conn,
        opts={"compare_type": True, "compare_server_default": True, "include_name": ours},
    )
    return list(compare_metadata(ctx, Base.metadata))


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection holding the schema lock; committed when the block ends without error."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn
        conn.commit()


def _our_tables(conn: Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names()) & set(Base.metadata.tables)


def adopt_legacy(conn: Connection) -> None:
    """Stamp a database made by ``Base.metadata.create_all`` (no ``alembic_version``) at
    :data:`LEGACY_REVISION`.

    Its tables must match the models exactly, except that whole missing tables are created first
    (older code created tables one release at a time, and ``create_all`` added missing ones).
    Anything else (a missing or different column, index or constraint) raises
    :class:`MigrationError` listing the differences.
    """
    diffs = schema_differences(conn)
    # alembic hands over copies of the tables: create the metadata's own (with their indexes)
    missing = [d[1].name for d in diffs if isinstance(d, tuple) and d[0] == "add_table"]
    others = [d for d in diffs if not _about(d, set(missing))]
    if others:
        shown = "; ".join(_describe(d) for d in others[:5])
        more = f" (and {len(others) - 5} more)" if len(others) > 5 else ""
        raise MigrationError(
            f"database {_where(conn)} has outlet-watch tables but no schema version, and they "
            f"differ from revision {LEGACY_REVISION}: {shown}{more}; migrate it by hand or "
            f"start from an empty database"
        )
    if missing:
        Base.metadata.create_all(conn, tables=[Base.metadata.tables[n] for n in missing])
    command.stamp(alembic_config(conn), LEGACY_REVISION)


def _about(diff: Any, tables: set[str]) -> bool:
    """Whether ``diff`` adds one of ``tables`` or an index of one (created with its table)."""
    if not isinstance(diff, tuple):
        return False
    if diff[0] == "add_table":
        return True
    return diff[0] == "add_index" and diff[1].table.name in tables


def _describe(diff: Any) -> str:
    if isinstance(diff, list):  # column modifications come as a list of tuples
        return ", ".join(_describe(d) for d in diff)
    op, *rest = diff
    names = [getattr(x, "name", None) or str(x) for x in rest if x is not None][:3]
    return f"{op} {' '.join(str(n) for n in names)}"


def upgrade(
    engine: Engine, revision: str = "head", *, on_step: Callable[[str], None] | None = None
) -> None:
    """Bring the database to ``revision`` (see the module rules: empty databases are created,
    legacy ones adopted first). Runs under the schema lock in one transaction; ``on_step``
    hears ``REVISION: first line of its description`` as each revision is applied."""
    with _locked(engine) as conn:
        rev = current(conn)
        if rev is None and _our_tables(conn):
            adopt_legacy(conn)
        elif rev is not None and not _known(rev):
            check(conn)  # raises: migrated by a newer outlet-watch
        cfg = alembic_config(conn)
        cfg.attributes["on_step"] = on_step
        command.upgrade(cfg, revision)


def ensure_schema(engine: Engine) -> None:
    """Make sure the database has this code's schema: create it on an empty database, adopt a
    legacy one (:func:`adopt_legacy`), leave one at :func:`head` alone (one quick query), and
    raise :class:`MigrationError` for one at another revision."""
    with engine.connect() as conn:
        rev = current(conn)
    if rev is None:
        upgrade(engine, "head")
    elif rev != head():
        check(engine)
