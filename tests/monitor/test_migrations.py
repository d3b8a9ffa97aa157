"""Alembic migrations: the revisions build exactly ``Base.metadata`` on SQLite and PostgreSQL, old
``create_all`` databases are adopted, the version checks and ``monitor db`` behave.

``test_upgrade_gives_exactly_the_models`` is the guard against a model change without a
migration: it fails until a revision brings the schema to the models again.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from click.testing import CliRunner

from monitor.cli import main
from monitor.store import migrate
from monitor.store.base import Base
from monitor.store.migrations import INI, SCRIPT_LOCATION
from monitor.store.models import ReadingRow
from monitor.store.store import create_engine, create_schema

pytestmark = pytest.mark.integration

_T = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _tables(engine: sa.Engine) -> set[str]:
    """Table names, the month partitions of ``readings`` on PostgreSQL left out."""
    names = set(sa.inspect(engine).get_table_names())
    return {n for n in names if not n.startswith(("readings_p", "readings_default"))}


def _differences(engine: sa.Engine) -> list[object]:
    with engine.connect() as conn:
        return migrate.schema_differences(conn)


def _insert_reading(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(ReadingRow.__table__).values(
                mn="MN1", pollutant="w01018", kind="hour", ts=_T, value=1.5, flag="N",
                received_at=_T,
            )
        )  # fmt: skip


def test_upgrade_gives_exactly_the_models(db_url: str) -> None:
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    assert _tables(engine) == set(Base.metadata.tables) | {"alembic_version"}
    assert _differences(engine) == [], "a model changed without a migration: add a revision"
    assert migrate.current(engine) == migrate.head() == "0007"
    migrate.check(engine)


def test_a_database_at_0001_upgrades_to_revoked_sessions_and_back(db_url: str) -> None:
    engine = create_engine(db_url)
    migrate.upgrade(engine, "0001")
    _insert_reading(engine)
    assert "revoked_sessions" not in _tables(engine)
    with pytest.raises(migrate.MigrationError, match="behind 0007"):
        migrate.check(engine)
    migrate.upgrade(engine)
    assert "revoked_sessions" in _tables(engine)
    assert _differences(engine) == []
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0001")
    assert "revoked_sessions" not in _tables(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ReadingRow)).scalar() == 1


def test_a_database_at_0002_upgrades_to_complaints_and_results_and_back(db_url: str) -> None:
    engine = create_engine(db_url)
    migrate.upgrade(engine, "0002")
    _insert_reading(engine)
    assert "complaints" not in _tables(engine)
    migrate.upgrade(engine)
    assert {"complaints", "complaint_events", "complaint_attachments", "results"} <= _tables(engine)
    assert _differences(engine) == []
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0002")
    assert "complaints" not in _tables(engine)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("score_events")}
    assert "ref" not in columns
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ReadingRow)).scalar() == 1


def test_head_revision_constant_is_alembics_head() -> None:
    # the store's start-up fast path trusts HEAD_REVISION: a new revision must update it
    from monitor.store.migrations import HEAD_REVISION

    assert migrate.head() == HEAD_REVISION


def test_the_comparison_sees_a_missing_index(db_url: str) -> None:
    engine = create_engine(db_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_quarantine_mn"))
    diffs = _differences(engine)
    assert [d[0] for d in diffs] == ["add_index"]
    assert diffs[0][1].name == "ix_quarantine_mn"


def test_create_schema_on_an_empty_database_is_at_head(db_url: str) -> None:
    engine = create_engine(db_url)
    create_schema(engine)
    create_schema(engine)  # a second call is a no-op
    assert migrate.current(engine) == migrate.head()
    assert _differences(engine) == []


def test_a_create_all_database_is_stamped_and_keeps_its_rows(db_url: str) -> None:
    engine = create_engine(db_url)
    Base.metadata.create_all(engine)  # what the code did before migrations
    _insert_reading(engine)
    create_schema(engine)
    assert migrate.current(engine) == migrate.head()  # adopted at LEGACY_REVISION, then upgraded
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ReadingRow)).scalar() == 1


def test_tables_of_other_applications_are_left_alone(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE other_app (id INTEGER PRIMARY KEY)"))
    create_schema(engine)  # no table of ours yet: an empty database for us
    assert migrate.current(engine) == migrate.head()
    assert "other_app" in _tables(engine)
    assert _differences(engine) == []


def test_a_legacy_database_missing_whole_tables_gets_them(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    older = [Base.metadata.tables[n] for n in ("readings", "quarantine")]
    Base.metadata.create_all(engine, tables=older)  # an early release: no casework, no users
    create_schema(engine)
    assert migrate.current(engine) == migrate.head()  # adopted at LEGACY_REVISION, then upgraded
    assert _differences(engine) == []


def test_a_legacy_database_that_differs_is_refused(db_url: str) -> None:
    engine = create_engine(db_url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_leads_status"))
    with pytest.raises(migrate.MigrationError, match=r"no schema version.*ix_leads_status"):
        create_schema(engine)
    assert migrate.current(engine) is None  # nothing stamped


def test_check_names_the_fix(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    migrate.upgrade(engine)
    command.stamp(migrate.alembic_config(engine), "base")  # the version row is gone
    with pytest.raises(migrate.MigrationError, match="monitor db upgrade"):
        migrate.check(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO alembic_version VALUES ('9999')"))
    with pytest.raises(migrate.MigrationError, match="newer version; upgrade outlet-watch"):
        create_schema(engine)  # never silently used with a schema it does not know


def test_downgrade_to_base_drops_everything_and_upgrade_rebuilds(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "base")
    assert _tables(engine) == {"alembic_version"}
    migrate.upgrade(engine)
    assert _differences(engine) == []


def test_two_processes_creating_one_database_both_succeed(db_url: str) -> None:
    engines = [create_engine(db_url), create_engine(db_url)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def create(engine: sa.Engine) -> None:
        barrier.wait()
        try:
            create_schema(engine)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert migrate.current(engines[0]) == migrate.head()
    assert _differences(engines[0]) == []


def test_monitor_db_commands(db_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "database upgraded from nothing to 0007"
    result = runner.invoke(main, ["db", "current", "--db", db_url])
    assert (result.exit_code, result.output.strip()) == (0, "0007")
    result = runner.invoke(main, ["db", "check", "--db", db_url])
    assert result.exit_code == 0, result.output
    with create_engine(db_url).begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    result = runner.invoke(main, ["db", "check", "--db", db_url])
    assert result.exit_code == 1
    assert "at revision 9999, unknown" in result.output
    result = runner.invoke(main, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 1
    assert "at revision 9999, unknown to this outlet-watch" in result.output


def test_monitor_db_current_does_not_create_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = CliRunner().invoke(main, ["db", "current", "--db", f"sqlite:///{missing}"])
    assert result.exit_code == 1
    assert "no database file" in result.output
    assert not missing.exists()


def test_the_shipped_alembic_ini_works_from_any_folder(sqlite_url: str, tmp_path: Path) -> None:
    """`alembic check` (autogenerate finds nothing to do) through the packaged ini and env.py."""
    migrate.upgrade(create_engine(sqlite_url))
    alembic = [sys.executable, "-m", "alembic", "-c", str(INI), "-x", f"db={sqlite_url}"]
    done = subprocess.run(
        [*alembic, "check"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "No new upgrade operations detected" in done.stdout + done.stderr
    assert (SCRIPT_LOCATION / "script.py.mako").is_file()


def test_a_lazy_store_on_a_database_of_another_version_refuses_transiently(
    tmp_path: Path,
) -> None:
    """The daemon's lazy store must not quarantine messages it cannot store because the schema
    is at another version: it raises a transient SinkError (nothing acknowledged, retried)."""
    from ingest.reading import Reading
    from ingest.sink import SinkError
    from monitor.store.store import Store, create_engine

    url = f"sqlite:///{tmp_path / 'v.db'}"
    engine = create_engine(url)
    Store(engine)  # creates the schema at head
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    lazy = Store(create_engine(url), create="lazy")
    reading = Reading("M1", "w01018", datetime(2026, 1, 1, tzinfo=UTC), "hour", 1.0)
    with pytest.raises(SinkError, match="unknown to this outlet-watch") as info:
        lazy.commit_batch([reading])
    assert info.value.transient
