"""PostgreSQL readings partitioned by month (issue 13, part 4): migration 0007 keeps the rows and
the key and creates months ahead, the store adds months as they come (a new month, a backfill),
a row in the DEFAULT partition moves to its month, COPY keeps "nothing twice", two stores create
one month at once, and ``monitor db retention`` detaches or drops old months (refused on SQLite).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from ingest.reading import Reading
from monitor.cli import main
from monitor.store import migrate, partitions
from monitor.store.store import Store, create_engine

pytestmark = pytest.mark.integration

_MAR = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)


def _reading(mn: str, ts: datetime, value: float = 1.0) -> Reading:
    return Reading(mn, "w01018", ts, "hour", value)


def _names(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return [p.name for p in partitions.partitions(conn)]


def _rows_in(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


def test_migration_partitions_the_stored_rows_by_month_and_keeps_the_key(
    fresh_postgres_url: str,
) -> None:
    engine = create_engine(fresh_postgres_url)
    migrate.upgrade(engine, "0006")
    old = Store(engine, create=False)
    old.commit_batch([_reading("M1", _MAR), _reading("M1", _MAR + timedelta(days=40))])
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert partitions.partitioned(conn)
    now = partitions.month_of(datetime.now(UTC))
    ahead = partitions.add_months(now, partitions.AHEAD)
    want = [partitions.partition_name(m) for m in partitions.months_from((2026, 3), ahead)]
    assert _names(engine) == want  # from the earliest stored month to 3 months ahead
    assert _rows_in(engine, "readings_p202603") == 1
    assert _rows_in(engine, "readings_p202604") == 1
    assert _rows_in(engine, partitions.DEFAULT_PARTITION) == 0
    store = Store(engine)
    again = store.commit_batch([_reading("M1", _MAR), _reading("M1", _MAR + timedelta(hours=1))])
    assert (again.stored, again.duplicates) == (1, 1)  # the key held across the conversion
    with engine.begin() as conn:
        from alembic import command

        command.downgrade(migrate.alembic_config(conn), "0006")
    with engine.connect() as conn:
        assert not partitions.partitioned(conn)
    assert _rows_in(engine, "readings") == 3


def test_the_store_adds_the_next_months_when_a_new_month_starts(fresh_postgres_url: str) -> None:
    store = Store(fresh_postgres_url)
    store.now = lambda: datetime(2031, 7, 31, 23, 0, tzinfo=UTC)
    store.commit_batch([_reading("M2", datetime(2031, 7, 31, 22, 0, tzinfo=UTC))])
    names = _names(store.engine)
    assert {"readings_p203107", "readings_p203110"} <= set(names)
    assert "readings_p203111" not in names
    store.now = lambda: datetime(2031, 8, 1, 0, 5, tzinfo=UTC)  # a new month
    store.commit_batch([_reading("M2", datetime(2031, 8, 1, tzinfo=UTC))])
    assert "readings_p203111" in _names(store.engine)
    assert _rows_in(store.engine, "readings_p203108") == 1
    assert _rows_in(store.engine, partitions.DEFAULT_PARTITION) == 0


def test_a_row_without_its_month_lands_in_default_and_moves_to_its_month(
    fresh_postgres_url: str,
) -> None:
    store = Store(fresh_postgres_url)
    old = datetime(2019, 1, 5, tzinfo=UTC)
    with store.engine.begin() as conn:  # written by someone else than the store: no partition
        conn.exec_driver_sql(
            "INSERT INTO readings (mn, pollutant, kind, ts, value, flag, received_at) "
            "VALUES ('M3', 'w01018', 'hour', %s, 2.0, 'N', %s)",
            (old, old),
        )
    assert _rows_in(store.engine, partitions.DEFAULT_PARTITION) == 1
    # a backfill of that month: its partition is made first, the stray row moved into it
    done = store.commit_batch([_reading("M3", old, 2.0), _reading("M3", old + timedelta(hours=1))])
    assert (done.stored, done.duplicates) == (1, 1)
    assert _rows_in(store.engine, partitions.DEFAULT_PARTITION) == 0
    assert _rows_in(store.engine, "readings_p201901") == 2


def test_redelivery_through_copy_is_stored_once_and_a_conflict_quarantined(
    fresh_postgres_url: str,
) -> None:
    store = Store(fresh_postgres_url)
    t = datetime(2026, 11, 3, tzinfo=UTC)
    batch = [_reading("M4", t + timedelta(hours=h)) for h in range(50)]
    assert store.commit_batch(batch).stored == 50
    again = store.commit_batch([*batch[:10], _reading("M4", t + timedelta(hours=50))])
    assert (again.stored, again.duplicates, again.conflicts) == (1, 10, 0)
    # within one batch the first wins; a different value for a stored key is a conflict
    mixed = store.commit_batch(
        [_reading("M4", t + timedelta(hours=60), 5.0), _reading("M4", t + timedelta(hours=60), 6.0)]
    )
    assert (mixed.stored, mixed.conflicts) == (1, 1)
    assert store.count_readings("M4") == 52
    assert store.read_frame("M4", kinds=("hour",))["value"].tolist()[-1] == 5.0


def test_two_stores_creating_one_month_at_once_both_succeed(fresh_postgres_url: str) -> None:
    stores = [Store(fresh_postgres_url), Store(fresh_postgres_url)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def commit(store: Store, mn: str) -> None:
        barrier.wait()
        try:
            store.commit_batch([_reading(mn, datetime(2018, 6, 1, tzinfo=UTC))])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=commit, args=(s, f"M5{i}")) for i, s in enumerate(stores)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    assert _rows_in(stores[0].engine, "readings_p201806") == 2


def _retention(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["db", "retention", "--db", url, *args], env={"MONITOR_LANG": "en"}
    )
    return result.exit_code, result.output


def test_retention_detaches_or_drops_whole_months_before_one(fresh_postgres_url: str) -> None:
    store = Store(fresh_postgres_url)
    store.commit_batch([_reading("M6", datetime(2020, m, 2, tzinfo=UTC)) for m in (1, 2, 3)])
    code, out = _retention(fresh_postgres_url, "--before", "2020-03")
    assert code == 0, out
    assert "readings_p202001" in out and "readings_p202002" in out
    assert "readings_p202003" not in out
    assert "--yes" in out  # a dry run says so
    assert {"readings_p202001", "readings_p202002"} <= set(_names(store.engine))
    code, out = _retention(fresh_postgres_url, "--before", "2020-03", "--detach", "--yes")
    assert code == 0, out
    assert len([line for line in out.splitlines() if "readings_p2020" in line]) == 2
    names = _names(store.engine)
    assert "readings_p202001" not in names and "readings_p202003" in names
    assert _rows_in(store.engine, "readings_p202001") == 1  # kept as a table of its own
    assert store.count_readings("M6") == 1
    code, out = _retention(fresh_postgres_url, "--before", "2020-04", "--drop", "--yes")
    assert code == 0, out
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT to_regclass('readings_p202003')").scalar() is None
    assert store.count_readings("M6") == 0


def test_retention_refusals(fresh_postgres_url: str, sqlite_url: str) -> None:
    Store(sqlite_url)
    code, out = _retention(sqlite_url, "--before", "2020-03")
    assert code != 0
    assert len(out.strip().splitlines()) == 1 and "PostgreSQL" in out
    Store(fresh_postgres_url)
    code, out = _retention(fresh_postgres_url, "--before", "2020-13")
    assert code != 0 and "YYYY-MM" in out
    code, out = _retention(fresh_postgres_url, "--before", "2020-03", "--detach", "--drop")
    assert code != 0 and "--detach" in out and "--drop" in out
    future = partitions.add_months(partitions.month_of(datetime.now(UTC)), 1)
    code, out = _retention(fresh_postgres_url, "--before", f"{future[0]}-{future[1]:02d}")
    assert code != 0 and "current month" in out


def test_the_streamed_reader_gives_the_frames_of_one_fetch(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``read_frame`` in chunks of 7 rows (a server-side cursor on PostgreSQL) across month
    partitions equals one fetch; ``outlets`` (a walk of the key's index) equals DISTINCT."""
    import monitor.store.store as store_module
    from detectors.frame import validate_readings

    store = Store(db_url)
    t = datetime(2025, 12, 30, tzinfo=UTC)
    store.commit_batch(
        [
            Reading(mn, pol, t + timedelta(hours=h), "hour", float(h) if h % 5 else float("nan"))
            for mn in ("M9", "M7", "M8")
            for pol in ("w01018", "w21003")
            for h in range(0, 24 * 40, 13)
        ]
    )
    whole = {mn: store.read_frame(mn) for mn in ("M7", "M8", "M9")}
    monkeypatch.setattr(store_module, "STREAM_ROWS", 7)
    for mn, frame in whole.items():
        chunked = store.read_frame(mn)
        validate_readings(chunked)
        assert len(chunked) == 2 * len(range(0, 24 * 40, 13))
        assert chunked.equals(frame)
    with store.engine.connect() as conn:
        distinct = sorted(conn.exec_driver_sql("SELECT DISTINCT mn FROM readings").scalars())
    assert store.outlets() == distinct == ["M7", "M8", "M9"]
    assert Store(db_url).outlets() == ["M7", "M8", "M9"]


def test_a_batch_the_database_refuses_during_copy_is_a_sink_error(
    fresh_postgres_url: str,
) -> None:
    """COPY runs on psycopg's cursor: its errors still come out as SinkError (nothing of the
    batch stored) and the store goes on with the next batch."""
    from ingest.sink import SinkError

    store = Store(fresh_postgres_url)
    t = datetime(2026, 11, 3, tzinfo=UTC)
    too_long = Reading("M" * 40, "w01018", t, "hour", 1.0)  # longer than the mn column
    with pytest.raises(SinkError, match="StringDataRightTruncation") as info:
        store.commit_batch([_reading("M10", t), too_long])
    assert not info.value.transient
    assert store.count_readings() == 0
    assert store.commit_batch([_reading("M10", t)]).stored == 1
