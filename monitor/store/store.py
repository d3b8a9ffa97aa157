"""The store: readings and quarantine in SQLite (WAL) or PostgreSQL, and the daemon's sink.

Rules of :meth:`Store.commit_batch` (one transaction per batch, returns only once committed):

- a reading is inserted under its unique key (mn, pollutant, kind, ts) with a bulk
  ``INSERT ... ON CONFLICT DO NOTHING`` (PostgreSQL: a binary COPY straight into the month
  partitions, in a savepoint; a key already stored refuses it, and the batch then goes through a
  staging table and the same INSERT, see :data:`PG_WRITE`); a key already stored with the *same*
  value, min, max, cou and flag is a redelivery (counted as duplicate, no write);
- a key stored with a *different* value, min, max, cou or flag is a conflict: the stored row is
  never overwritten (the first wins, also within one batch) and the message holding the newcomer is
  quarantined as ``conflict`` with its raw payload and a detail naming each conflicting key;
- quarantine rows are unique on SHA-256(reason, topic, payload): a redelivered bad message is kept
  once;
- an accepted message's packet record (:class:`ingest.sink.PacketRecord`) goes into ``packets``
  in the same transaction, unique on (mn, SHA-256 of the payload): a redelivered packet is
  recorded once, and a message quarantined as ``conflict`` records none; the habits behind each
  new fingerprint key go into ``transmission_fingerprints`` once.

NaN values are stored as NULL (unknown), so a redelivered NaN is a duplicate, not a conflict.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from itertools import chain, pairwise
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as TimeoutError_

from ingest.reading import MAX_MN, Reading
from ingest.sink import Accepted, BatchResult, Rejected, SinkError
from monitor import clock
from monitor.store import partitions
from monitor.store.migrations import HEAD_REVISION
from monitor.store.models import FingerprintRow, PacketRow, QuarantineRow, ReadingRow

if TYPE_CHECKING:  # pandas is imported by the methods that need it: the daemon's worker never does
    import pandas as pd

__all__ = ["Store", "create_engine", "create_schema", "storable_text"]


_READINGS = ReadingRow.__table__
_QUARANTINE = QuarantineRow.__table__
_PACKETS = PacketRow.__table__
_FINGERPRINTS = FingerprintRow.__table__
_PACKET_FIELDS = (
    "mn",
    "digest",
    "cn",
    "qn",
    "st",
    "flag",
    "data_time",
    "received_at",
    "kind",
    "fingerprint",
    "deviations",
    "cp_flag",
    "cp",
)
_PG_PACKET_TYPES = (
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "int4",
    "timestamptz",
    "timestamptz",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "text",
)
_PG_PACKET_INSERT = (
    f"INSERT INTO packets ({', '.join(_PACKET_FIELDS)}) SELECT * FROM unnest("
    + ", ".join(f"%b::{t}[]" for t in _PG_PACKET_TYPES)
    + ") ON CONFLICT (mn, digest) DO NOTHING"
)
#: Fingerprint keys remembered as stored, per store (bounded: past it, the insert is just tried).
_KNOWN_FINGERPRINTS = 65_536
_KEY = ("mn", "pollutant", "kind", "ts")
_COMPARED = ("value", "min", "max", "cou", "flag")
_ROW_FIELDS = (
    "mn",
    "pollutant",
    "kind",
    "ts",
    "value",
    "min",
    "max",
    "cou",
    "flag",
    "received_at",
    "qn",
)
_SQLITE_ROW = f"({', '.join('?' * len(_ROW_FIELDS))})"
#: Rows per SQLite INSERT statement: one multi-row ``VALUES`` list within SQLite's default limit
#: of 32,766 bound parameters (3.32+; 999 before, see :func:`_sqlite_chunk`).
_SQLITE_MAX_PARAMS = 32_766


_COLUMNS = ", ".join(_ROW_FIELDS)
#: PostgreSQL: a whole batch as one INSERT of column arrays (11 parameters, any number of rows);
#: its rowcount is the number of rows really inserted.
_PG_TYPES = (
    "varchar",
    "varchar",
    "varchar",
    "timestamptz",
    "float8",
    "float8",
    "float8",
    "float8",
    "varchar",
    "timestamptz",
    "varchar",
)
_PG_INSERT = (
    f"INSERT INTO readings ({_COLUMNS}) SELECT * FROM unnest("
    + ", ".join(f"%b::{t}[]" for t in _PG_TYPES)
    + ") ON CONFLICT (mn, pollutant, kind, ts) DO NOTHING"
)
#: COPY (binary) of a batch: straight into readings, or into a per-connection staging table
#: whose rows then go in with ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``.
_PG_COPY_READINGS = f"COPY readings ({_COLUMNS}) FROM STDIN (FORMAT BINARY)"
_PG_COPY_PACKETS = f"COPY packets ({', '.join(_PACKET_FIELDS)}) FROM STDIN (FORMAT BINARY)"
_PG_COPY_STAGE = f"COPY readings_stage ({_COLUMNS}) FROM STDIN (FORMAT BINARY)"
_PG_STAGE_TABLE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS readings_stage ("
    + ", ".join(f"{c} {t}" for c, t in zip(_ROW_FIELDS, _PG_TYPES, strict=True))
    + ") ON COMMIT DELETE ROWS"
)
_PG_FROM_STAGE = (
    f"INSERT INTO readings ({_COLUMNS}) SELECT {_COLUMNS} FROM readings_stage "
    "ON CONFLICT (mn, pollutant, kind, ts) DO NOTHING"
)
#: How the store writes readings on PostgreSQL: ``copy`` (COPY straight into readings, the
#: staged way when a key is already stored), ``stage`` (always COPY into the staging table
#: first) or ``insert`` (one INSERT of column arrays, the way before COPY).
PG_WRITE = "copy"
_STORED = "r.mn, r.pollutant, r.kind, r.ts, r.value, r.min, r.max, r.cou, r.flag"
_ON_KEY = "r.mn = k.mn AND r.pollutant = k.pollutant AND r.kind = k.kind AND r.ts = k.ts"
_PG_LOOKUP = (
    f"SELECT {_STORED} FROM unnest(%b::varchar[], %b::varchar[], %b::varchar[], "
    f"%b::timestamptz[]) AS k(mn, pollutant, kind, ts) JOIN readings r ON {_ON_KEY}"
)
_SQLITE_LOOKUP = (
    "WITH k(mn, pollutant, kind, ts) AS (VALUES {rows}) "
    f"SELECT {_STORED} FROM k JOIN readings r ON {_ON_KEY}"
)


#: Every stored MN in order, one index probe each (a loose index scan as a recursive query).
_NEXT_MN = (
    "WITH RECURSIVE m(mn) AS (SELECT min(mn) FROM readings UNION ALL "
    "SELECT (SELECT min(r.mn) FROM readings r WHERE r.mn > m.mn) FROM m WHERE m.mn IS NOT NULL) "
    "SELECT mn FROM m"
)
#: Rows fetched at a time by :meth:`Store.read_frame` (a server-side cursor on PostgreSQL).
STREAM_ROWS = 50_000
#: Outlets :meth:`Store.read_frames` reads with one query (three parameters each: well within
#: SQLite's limit of bound variables).
READ_OUTLETS_AT_ONCE = 100


def _sqlite_insert(rows: int) -> str:
    """One INSERT of ``rows`` readings (multi-row VALUES) that skips keys already stored."""
    return (
        f"INSERT INTO readings ({', '.join(_ROW_FIELDS)}) VALUES "
        f"{', '.join([_SQLITE_ROW] * rows)} ON CONFLICT (mn, pollutant, kind, ts) DO NOTHING"
    )


def create_engine(
    url: str,
    *,
    sqlite_synchronous: str = "NORMAL",
    busy_timeout_ms: int = 5000,
    echo: bool = False,
) -> Engine:
    """An engine for ``url``. SQLite file connections get ``journal_mode=WAL``,
    ``busy_timeout=busy_timeout_ms`` (how long a writer waits for a lock before failing) and
    ``synchronous=NORMAL`` (in WAL mode durable against a crash of the process; ``FULL`` also
    against power loss, at some speed), a 64 MiB page cache, a WAL checkpoint every 2,500
    pages, and 16 KiB pages when the file is new."""
    if sqlite_synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ValueError(f"sqlite_synchronous={sqlite_synchronous!r}: use NORMAL, FULL or EXTRA")
    if url.startswith("sqlite") and ":memory:" not in url and url.rstrip("/") != "sqlite:":
        engine = sa.create_engine(url, echo=echo)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # 16 KiB pages for a new database (an existing one keeps its own): the readings key
            # index takes every batch's rows all over the tree, and bigger pages touch fewer;
            # measured 140-145k against 177-227k rows/s over 360k hourly readings
            cur.execute("PRAGMA page_size=16384")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute(f"PRAGMA synchronous={sqlite_synchronous}")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache for the key index
            cur.execute("PRAGMA wal_autocheckpoint=2500")  # checkpoint every ~40 MB of WAL
            cur.close()

        return engine
    return sa.create_engine(url, echo=echo, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    """Make sure the database has the schema of ``monitor.store.base.Base``: an empty database is created
    by the Alembic migrations (and stamped at head); one made by ``create_all`` before migrations
    is adopted; one behind the code raises :class:`monitor.store.migrate.MigrationError` (run
    ``monitor db upgrade``). See :func:`monitor.store.migrate.ensure_schema`.

    A database already stamped at :data:`monitor.store.migrations.HEAD_REVISION` costs one query and
    no Alembic import (a daemon's worker process starts faster)."""
    if _stamped_revision(engine) == HEAD_REVISION:
        return
    from monitor.store.migrate import ensure_schema

    ensure_schema(engine)


def _stamped_revision(engine: Engine) -> str | None:
    """The revision in ``alembic_version``, or None when there is no such table or row (or it
    holds several: Alembic then decides)."""
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    except (OperationalError, sa.exc.ProgrammingError):
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def _digest(reason: str, topic: str, payload: bytes) -> str:
    h = hashlib.sha256(reason.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(topic.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(payload)
    return h.hexdigest()


#: Characters no text column should hold as they are: C0 controls (NUL, which PostgreSQL refuses
#: in text, among them), DEL, C1 controls, and lone surrogates (not encodable as UTF-8).
_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: The same but tab and line feed, which a multi-line detail keeps.
_UNSTORABLE_IN_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_REASON_LENGTH = QuarantineRow.__table__.c.reason.type.length


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def storable_text(text: str, *, lines: bool = False, limit: int | None = None) -> str:
    """``text`` as any database stores it: each control character (NUL included; tab and line
    feed kept when ``lines``) and lone surrogate written as visible ``\\xNN`` (``\\uNNNN``),
    then cut to ``limit`` characters. Every text column of the quarantine goes through here (the
    raw payload stays whole in its binary column); text without such characters is unchanged."""
    pattern = _UNSTORABLE_IN_LINES if lines else _UNSTORABLE
    if pattern.search(text) is not None:
        text = pattern.sub(_escape, text)
    return text if limit is None else text[:limit]


def _reading_json(r: Reading) -> bytes:
    return json.dumps(
        {
            "mn": r.mn,
            "pollutant": r.pollutant,
            "kind": r.kind,
            "ts": r.ts.isoformat(),
            "value": r.value,
            "min": r.min,
            "max": r.max,
            "cou": r.cou,
            "flag": r.flag,
            "qn": r.qn,
        },
        ensure_ascii=False,
    ).encode()


class Store:
    """Readings and quarantine behind one engine. Also the daemon's sink: ``store(accepted,
    rejected)`` is :meth:`commit_batch`."""

    def __init__(self, engine: Engine | str, *, create: bool | str = True) -> None:
        """``create``: True creates missing tables now; ``"lazy"`` on the first commit (so a
        daemon can start while the database is still down); False never."""
        self.engine = create_engine(engine) if isinstance(engine, str) else engine
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            ins = sqlite.insert
        elif self.dialect == "postgresql":
            ins = postgresql.insert
        else:
            raise ValueError(f"unsupported database {self.dialect!r}: use sqlite or postgresql")
        self._insert_quarantine = (
            ins(_QUARANTINE)
            .on_conflict_do_nothing(index_elements=[_QUARANTINE.c.digest])
            .returning(_QUARANTINE.c.digest)
        )
        self._sqlite_sql: dict[int, str] = {}
        self._sqlite_packet_sql: dict[int, str] = {}
        self._known_fingerprints: set[str] = set()
        self._new_fingerprints: dict[str, str] = {}
        self._sqlite_rows_per_statement = 0  # set from the connection's limit on first insert
        # COPY needs psycopg 3 (postgresql+psycopg://); another driver writes the INSERT way
        self.pg_write = PG_WRITE if self.engine.dialect.driver == "psycopg" else "insert"
        #: "now" for the partitions of the months ahead (a test or a replay sets it)
        self.now: Callable[[], datetime] = clock.now
        # PostgreSQL: the months known to have a partition (None: not looked up yet; False:
        # readings is not partitioned, SQLite) and the month of the last commit
        self._months: set[partitions.Month] | bool | None = (
            None if self.dialect != "sqlite" else False
        )
        self._this_month: partitions.Month | None = None
        #: the driver's errors (PostgreSQL's COPY runs on psycopg's cursor, outside SQLAlchemy)
        self._driver_errors: tuple[type[Exception], ...] = ()
        if self.pg_write != "insert" and self.dialect == "postgresql":
            import psycopg

            self._driver_errors = (psycopg.Error,)
        self._schema_ready = create is False
        if create is True:
            create_schema(self.engine)
            self._schema_ready = True

    # -- writing ---------------------------------------------------------------------------------

    def __call__(self, accepted: Sequence[Accepted], rejected: Sequence[Rejected]) -> BatchResult:
        return self.commit_batch(accepted, rejected)

    def commit_batch(
        self,
        accepted: Sequence[Accepted] | Sequence[Reading],
        rejected: Sequence[Rejected] = (),
    ) -> BatchResult:
        """Store ``accepted`` messages' readings and quarantine ``rejected`` in one transaction.

        Plain :class:`Reading` items are accepted too (a conflict then quarantines the reading as
        JSON). Raises :class:`ingest.sink.SinkError` when the database refuses the transaction
        (nothing of the batch is committed).
        """
        messages = [
            m if isinstance(m, Accepted) else Accepted(clock.now(), "", b"", (m,)) for m in accepted
        ]
        try:
            if not self._schema_ready:
                from monitor.store.migrate import MigrationError

                try:
                    create_schema(self.engine)
                except MigrationError as exc:
                    # the database is at another schema version: nothing can be stored until the
                    # operator runs `monitor db upgrade`; keep the messages unacknowledged
                    raise SinkError(str(exc), transient=True) from exc
                self._schema_ready = True
            if self._months is not False:
                self._prepare_partitions(messages)
            self._new_fingerprints = {}
            with self.engine.begin() as conn:
                try:
                    result = self._commit(conn, messages, rejected)
                except self._driver_errors:
                    # COPY runs on the driver's own cursor: SQLAlchemy did not see the error, so
                    # a lost connection is dropped from the pool here
                    if getattr(conn.connection.driver_connection, "broken", False):
                        conn.invalidate()
                    raise
            if len(self._known_fingerprints) < _KNOWN_FINGERPRINTS:
                self._known_fingerprints.update(self._new_fingerprints)
            return result
        except SQLAlchemyError as exc:
            orig = getattr(exc, "orig", None) or exc
            transient = isinstance(
                exc, OperationalError | InterfaceError | DisconnectionError | TimeoutError_
            )
            raise SinkError(f"{type(orig).__name__}: {orig}", transient=transient) from exc
        except self._driver_errors as exc:
            import psycopg

            transient = isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
            raise SinkError(f"{type(exc).__name__}: {exc}", transient=transient) from exc

    def _prepare_partitions(self, messages: list[Accepted]) -> None:
        """Create the partitions a batch needs before writing it (PostgreSQL): the current month
        and :data:`monitor.store.partitions.AHEAD` after it when a new month starts (or on the
        first commit), and the month of any reading without one (a backfill), each in a short
        transaction of its own (see :func:`monitor.store.partitions.ensure_months`)."""
        known = self._months
        if known is None:
            with self.engine.connect() as conn:
                if not partitions.partitioned(conn):
                    self._months = False
                    return
                known = self._months = {p.month for p in partitions.partitions(conn)}
        assert isinstance(known, set)
        wanted: set[partitions.Month] = set()
        now = partitions.month_of(self.now())
        if now != self._this_month:
            wanted.update(partitions.months_from(now, partitions.add_months(now, partitions.AHEAD)))
        last: datetime | None = None
        for m in messages:
            for r in m.readings:
                if r.ts is not last:  # the readings of one packet share one ts object
                    last = r.ts
                    wanted.add(partitions.month_of(last))
        missing = wanted - known
        if missing:
            with self.engine.begin() as conn:
                partitions.ensure_months(conn, missing)
            known |= missing
        self._this_month = now

    def _commit(
        self, conn: Connection, messages: list[Accepted], rejected: Sequence[Rejected]
    ) -> BatchResult:
        result = BatchResult()
        conflicts: list[Rejected] = []
        conflicted: set[int] = set()
        # in MN order (stable: one outlet's messages keep their arrival order, so the first of
        # two different values for one key still wins): the rows then walk the unique key's
        # index, which starts with mn, from one end to the other instead of jumping all over it
        messages = sorted(messages, key=_outlet_of)
        n = sum(len(m.readings) for m in messages)
        if n:
            params: list[Any] = []
            pg_rows: list[tuple[Any, ...]] = []
            if self.dialect == "sqlite":
                params = _sqlite_params(messages)
                inserted = self._insert_sqlite(conn, params, n)
            else:
                pg_rows = _pg_rows(messages)
                inserted = self._insert_pg(conn, pg_rows, n)
            if inserted != n:  # a redelivery or a conflict: compare with what is stored
                width = len(_ROW_FIELDS)
                keyed = (
                    [tuple(params[i : i + 9]) for i in range(0, len(params), width)]
                    if params
                    else [row[:9] for row in pg_rows]
                )
                conflicts, result.conflicts, conflicted = self._find_conflicts(
                    conn, messages, keyed
                )
            result.stored = inserted
            result.duplicates = n - inserted - result.conflicts
        packets = [
            m
            for k, m in enumerate(messages)
            if m.packet is not None and m.payload and k not in conflicted
        ]
        if packets:
            self._insert_packets(conn, packets)
        quarantine = [*rejected, *conflicts]
        if quarantine:
            # every text column through storable_text: the quarantine never refuses a message
            # (PostgreSQL refuses NUL in text); the payload's bytes are kept whole
            rows = {
                digest: {
                    "received_at": q.received_at,
                    "topic": storable_text(q.topic),
                    "payload": bytes(q.payload),
                    "reason": storable_text(q.reason, limit=_REASON_LENGTH),
                    "detail": storable_text(q.detail or "", lines=True),
                    "mn": None if q.mn is None else storable_text(q.mn, limit=MAX_MN),
                    "digest": digest,
                }
                for q in quarantine
                for digest in (_digest(q.reason, q.topic, q.payload),)
            }
            # count what was inserted, not what was offered: a redelivered bad message is one row
            inserted = conn.execute(self._insert_quarantine, list(rows.values())).scalars().all()
            result.quarantined = len(inserted)
            by = result.quarantined_by_reason
            for digest in inserted:
                reason = rows[digest]["reason"]
                by[reason] = by.get(reason, 0) + 1
        return result

    def _insert_pg(self, conn: Connection, rows: list[tuple[Any, ...]], n: int) -> int:
        """Insert ``n`` readings (``rows`` as :func:`_pg_rows` gives them) skipping keys already
        stored; returns the rows really inserted. See :data:`PG_WRITE`."""
        mode = self.pg_write
        if mode == "insert":
            columns = tuple(list(c) for c in zip(*rows, strict=True))
            return int(conn.exec_driver_sql(_PG_INSERT, columns).rowcount)
        if mode == "copy" and _copy(conn, _PG_COPY_READINGS, _PG_TYPES, rows):
            return n
        # a key already stored (a redelivery) refused the COPY: stage, then skip stored keys
        with conn.connection.driver_connection.cursor() as cur:
            cur.execute(_PG_STAGE_TABLE)  # once per connection; emptied at each commit
            with cur.copy(_PG_COPY_STAGE) as copy:
                copy.set_types(_PG_TYPES)
                for row in rows:
                    copy.write_row(row)
            cur.execute(_PG_FROM_STAGE)
            return int(cur.rowcount)

    def _insert_sqlite(self, conn: Connection, params: list[Any], n: int) -> int:
        """Insert ``n`` readings whose parameters are ``params`` (flat, :data:`_ROW_FIELDS` per
        reading) with as few statements as SQLite's parameter limit allows; returns the rows
        really inserted.

        Few statements matter beyond their own cost: the sqlite3 module releases the interpreter
        lock around every step of a statement, and ``executemany`` steps once per row, so a
        thread inserting row by row waits for the lock again after each row whenever another
        thread (the MQTT client) is busy: measured 220 rows/s instead of 190,000. A multi-row
        statement steps once."""
        width = len(_ROW_FIELDS)
        per = self._sqlite_rows_per_statement
        if not per:
            per = self._sqlite_rows_per_statement = _sqlite_chunk(conn, width)
        inserted = 0
        for start in range(0, n, per):
            rows = min(per, n - start)
            sql = self._sqlite_sql.get(rows)
            if sql is None:
                sql = self._sqlite_sql.setdefault(rows, _sqlite_insert(rows))
            chunk = params[start * width : (start + rows) * width]
            inserted += int(conn.exec_driver_sql(sql, tuple(chunk)).rowcount)
        return inserted

    def _insert_packets(self, conn: Connection, messages: list[Accepted]) -> None:
        """Record the packets of ``messages`` (each has a packet record and a payload) and the
        habits of fingerprint keys not stored yet; a packet already recorded is skipped."""
        rows = _packet_rows(messages, self.dialect == "sqlite")
        new: dict[str, str] = {}
        for m in messages:
            p = m.packet
            assert p is not None
            key = p.fingerprint
            if key is not None and key not in self._known_fingerprints and key not in new:
                new[key] = p.habits or "{}"
        if self.dialect == "sqlite":
            width = len(_PACKET_FIELDS)
            per = max(1, _sqlite_chunk(conn, width))
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                sql = self._sqlite_packet_sql.get(len(chunk))
                if sql is None:
                    sql = self._sqlite_packet_sql.setdefault(
                        len(chunk), _sqlite_packet_insert(len(chunk))
                    )
                conn.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))
            if new:
                conn.exec_driver_sql(
                    "INSERT INTO transmission_fingerprints (key, habits) VALUES "
                    + ", ".join(["(?, ?)"] * len(new))
                    + " ON CONFLICT (key) DO NOTHING",
                    tuple(v for item in new.items() for v in item),
                )
        elif self.pg_write == "insert" or not _copy(
            conn, _PG_COPY_PACKETS, _PG_PACKET_TYPES, rows
        ):  # a packet already recorded refused the COPY
            columns = [list(c) for c in zip(*rows, strict=True)]
            conn.exec_driver_sql(_PG_PACKET_INSERT, tuple(columns))
        if new and self.dialect != "sqlite":
            # in key order: two daemons storing the same new keys at once take their locks in
            # one order (in arrival order they deadlocked: bench_pg_copy's two daemons, once)
            keys = sorted(new)
            conn.exec_driver_sql(
                "INSERT INTO transmission_fingerprints (key, habits) SELECT * FROM "
                "unnest(%b::varchar[], %b::text[]) ON CONFLICT (key) DO NOTHING",
                (keys, [new[k] for k in keys]),
            )
        self._new_fingerprints.update(new)

    def _find_conflicts(
        self, conn: Connection, messages: list[Accepted], keyed: list[tuple[Any, ...]]
    ) -> tuple[list[Rejected], int, set[int]]:
        """Compare every reading of the batch with what is stored under its key; a message with
        any differing reading becomes one ``conflict`` quarantine entry (one detail line per key);
        also returns the number of conflicting readings and the positions of the messages
        quarantined. ``keyed`` holds, per reading in order,
        its key and compared fields as bound for this dialect (:data:`_KEY`, :data:`_COMPARED`)."""
        stored = self._stored(conn, list({k[:4] for k in keyed}))
        out: list[Rejected] = []
        n_conflicts = 0
        conflicted: set[int] = set()
        it = iter(keyed)
        for k, m in enumerate(messages):
            lines: list[str] = []
            for r in m.readings:
                row = next(it)
                mine = row[4:9]
                have = stored.get(row[:4])
                if have is not None and have != mine:
                    lines.append(
                        f"{r.pollutant} {r.kind} {r.ts.astimezone(UTC).isoformat()}: stored "
                        f"{_fmt(have)}, received {_fmt(mine)}"
                    )
            n_conflicts += len(lines)
            if lines:
                conflicted.add(k)
                payload = m.payload or b"\n".join(_reading_json(r) for r in m.readings)
                out.append(
                    Rejected(
                        m.received_at,
                        m.topic,
                        payload,
                        "conflict",
                        "\n".join(lines),
                        m.readings[0].mn if m.readings else None,
                    )
                )
        return out, n_conflicts, conflicted

    def _stored(
        self, conn: Connection, keys: list[tuple[Any, ...]]
    ) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """The compared fields stored under each of ``keys`` (as bound for this dialect), found
        by joining the keys to the table so every lookup is one probe of the unique key's index
        (``(a, b, c, d) IN (...)`` was not: 11,000 readings/s for an all-duplicate batch)."""
        out: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        if self.dialect == "sqlite":
            per = _sqlite_chunk(conn, 4)
            for i in range(0, len(keys), per):
                chunk = keys[i : i + per]
                sql = _SQLITE_LOOKUP.format(rows=", ".join(["(?, ?, ?, ?)"] * len(chunk)))
                flat = tuple(v for key in chunk for v in key)
                for rec in conn.exec_driver_sql(sql, flat):
                    out[tuple(rec[:4])] = tuple(rec[4:])
        elif keys:
            for rec in conn.exec_driver_sql(
                _PG_LOOKUP, tuple(list(c) for c in zip(*keys, strict=True))
            ):
                out[tuple(rec[:4])] = tuple(rec[4:])
        return out

    def import_frame(
        self,
        frame: pd.DataFrame,
        *,
        source: str = "import",
        chunk_rows: int = 20_000,
        progress: Callable[[int], None] | None = None,
    ) -> BatchResult:
        """Import a readings frame (columns ``mn, pollutant, ts, value, flag`` and optional
        ``kind`` (default ``hour``), ``min``, ``max``, ``cou``, ``qn``, ``received_at`` (default:
        now); ``ts`` tz-aware or UTC) with the rules of :meth:`commit_batch`, in transactions of
        ``chunk_rows`` rows; ``progress`` hears the rows of each committed transaction."""
        import pandas as pd

        missing = {"mn", "pollutant", "ts", "value"} - set(frame.columns)
        if missing:
            raise ValueError(f"readings frame lacks column(s) {sorted(missing)}")
        ts = pd.to_datetime(frame["ts"], utc=True)
        n = len(frame)

        def col(name: str, default: Any) -> list[Any]:
            if name not in frame.columns:
                return [default] * n
            s = frame[name]
            return [None if pd.isna(v) else v for v in s.tolist()]

        mns, pols, kinds = (
            frame["mn"].astype(str).tolist(),
            frame["pollutant"].astype(str).tolist(),
            col("kind", "hour"),
        )
        values, mins, maxs, cous = (
            col("value", None),
            col("min", None),
            col("max", None),
            col("cou", None),
        )
        # a reading without a flag is unknown, stored as "" (never valid), not as N
        flags, qns = col("flag", ""), col("qn", None)
        tss = ts.dt.to_pydatetime().tolist()
        now = clock.now()
        arrived: list[Any] = [now] * n
        if "received_at" in frame.columns:
            known = pd.to_datetime(frame["received_at"], utc=True)
            arrived = [now if pd.isna(t) else t.to_pydatetime() for t in known]
        total = BatchResult()
        for start in range(0, n, chunk_rows):
            batch = [
                Accepted(
                    arrived[i],
                    source,
                    b"",
                    (
                        Reading(
                            mns[i],
                            pols[i],
                            tss[i],
                            kinds[i] or "hour",
                            _float(values[i]),
                            _float(mins[i]),
                            _float(maxs[i]),
                            _float(cous[i]),
                            flags[i] or "",
                            None if qns[i] is None else str(qns[i]),
                        ),
                    ),
                )
                for i in range(start, min(n, start + chunk_rows))
            ]
            total = total + self.commit_batch(batch)
            if progress is not None:
                progress(len(batch))
        return total

    # -- reading ---------------------------------------------------------------------------------

    def read_frame(
        self,
        mn: str,
        start: datetime | pd.Timestamp | None = None,
        end: datetime | pd.Timestamp | None = None,
        kinds: Iterable[str] = ("hour",),
    ) -> pd.DataFrame:
        """One outlet's readings with ``start <= ts < end`` as the readings frame of
        :data:`detectors.frame.READINGS_SCHEMA` (columns in its order, its dtypes: ``ts`` as
        ``datetime64[ns, UTC]``, an empty flag as missing, i.e. unknown), sorted by (pollutant,
        kind, ts). Rows are fetched :data:`STREAM_ROWS` at a time (a server-side cursor on
        PostgreSQL) and typed chunk by chunk, so memory holds one outlet's frame and one chunk."""
        c = _READINGS.c
        stmt = self._readings_select(kinds).where(c.mn == mn)
        if start is not None:
            stmt = stmt.where(c.ts >= _aware(start))
        if end is not None:
            stmt = stmt.where(c.ts < _aware(end))
        return self._read_readings(stmt.order_by(c.pollutant, c.kind, c.ts))

    def read_frames(
        self,
        windows: Mapping[str, tuple[datetime | pd.Timestamp, datetime | pd.Timestamp]],
        kinds: Iterable[str] = ("hour",),
        *,
        at_once: int = READ_OUTLETS_AT_ONCE,
    ) -> Iterator[tuple[str, pd.DataFrame]]:
        """Several outlets' readings, each in its own window (MN -> (start, end), ``start <= ts
        < end``): (MN, frame) in MN order, each frame as :meth:`read_frame` gives it (empty when
        the outlet has no readings there). One query per ``at_once`` outlets, whose rows are
        typed and checked together: reading each outlet alone cost a query, a frame and a check
        of its own (live detection's passes spent most of their time there). Memory holds
        ``at_once`` outlets' windows."""
        import numpy as np

        c = _READINGS.c
        names = sorted(windows)
        kinds = list(kinds)
        for first in range(0, len(names), at_once):
            chunk = names[first : first + at_once]
            each = [
                sa.and_(c.mn == mn, c.ts >= _aware(windows[mn][0]), c.ts < _aware(windows[mn][1]))
                for mn in chunk
            ]
            stmt = self._readings_select(kinds).where(sa.or_(*each))
            frame = self._read_readings(stmt.order_by(c.mn, c.pollutant, c.kind, c.ts))
            # each outlet's rows are one run of the sorted frame
            mns = frame["mn"].to_numpy()
            cuts = [0, *(np.flatnonzero(mns[1:] != mns[:-1]) + 1).tolist(), len(mns)]
            runs = {mns[a]: (a, b) for a, b in pairwise(cuts) if b > a}
            for mn in chunk:
                a, b = runs.get(mn, (0, 0))
                yield mn, frame.iloc[a:b].reset_index(drop=True)

    def _readings_select(self, kinds: Iterable[str]) -> sa.Select[Any]:
        """The columns of the readings frame for ``kinds``; on SQLite the times come as their
        stored text, parsed by pandas a column at a time (:func:`_typed_readings`), not by a
        result processor making a Python datetime of every row's received_at."""
        from detectors.frame import READINGS_SCHEMA

        c = _READINGS.c
        text = self.dialect == "sqlite"
        columns = [
            sa.type_coerce(c[col.name], sa.String)
            if text and col.dtype.startswith("datetime")
            else c[col.name]
            for col in READINGS_SCHEMA.columns
        ]
        return sa.select(*columns).where(c.kind.in_(list(kinds)))

    def _read_readings(self, stmt: sa.Select[Any]) -> pd.DataFrame:
        """The rows of ``stmt`` (from :meth:`_readings_select`) as one checked readings frame,
        fetched :data:`STREAM_ROWS` at a time (a server-side cursor on PostgreSQL) and typed
        chunk by chunk: the rows as Python objects are never all in memory at once."""
        import pandas as pd

        from detectors.frame import validate_readings

        with self.engine.connect() as conn:
            if self.dialect == "postgresql":  # a server-side cursor: rows come in chunks
                conn = conn.execution_options(yield_per=STREAM_ROWS)
            parts = [_typed_readings(rows) for rows in conn.execute(stmt).partitions(STREAM_ROWS)]
        if not parts:
            frame = _typed_readings([])
        elif len(parts) == 1:
            frame = parts[0]
        else:
            frame = pd.concat(parts, ignore_index=True)
        unknown = frame["flag"] == ""  # a reading imported without a flag
        if unknown.any():
            frame.loc[unknown, "flag"] = None
        validate_readings(frame)
        return frame

    def read_packets(
        self,
        mn: str,
        start: datetime | pd.Timestamp | None = None,
        end: datetime | pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """One outlet's packet records received in ``[start, end)`` as the packets frame of
        :data:`detectors.frame.PACKETS_SCHEMA` (``received_at``, ``data_time``, ``cn``,
        ``kind``, ``fingerprint``, ``habits`` (JSON), ``deviations``), by arrival time."""
        import pandas as pd

        from detectors.frame import PACKETS_SCHEMA

        p, f = _PACKETS.c, _FINGERPRINTS.c
        times: Any = {
            name: sa.type_coerce(p[name], sa.String) if self.dialect == "sqlite" else p[name]
            for name in ("received_at", "data_time")
        }
        stmt = (
            sa.select(
                times["received_at"],
                times["data_time"],
                p.cn,
                p.kind,
                p.fingerprint,
                f.habits,
                p.deviations,
            )
            .select_from(_PACKETS.outerjoin(_FINGERPRINTS, f.key == p.fingerprint))
            .where(p.mn == mn)
        )
        if start is not None:
            stmt = stmt.where(p.received_at >= _aware(start))
        if end is not None:
            stmt = stmt.where(p.received_at < _aware(end))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(p.received_at, p.id)).all()
        names = list(PACKETS_SCHEMA)
        frame = pd.DataFrame.from_records(rows, columns=names)
        for name in ("received_at", "data_time"):
            frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601").astype(
                "datetime64[ns, UTC]"
            )
        return frame

    def outlets(self) -> list[str]:
        """MNs that have at least one stored reading, sorted. Found by walking the unique key's
        index from one MN to the next (one probe per outlet, and per month partition on
        PostgreSQL), not by reading every row as ``SELECT DISTINCT`` would."""
        with self.engine.connect() as conn:
            return [mn for mn in conn.exec_driver_sql(_NEXT_MN).scalars() if mn is not None]

    def count_readings(self, mn: str | None = None) -> int:
        """Number of stored readings (of one outlet when ``mn`` is given)."""
        stmt = sa.select(sa.func.count()).select_from(_READINGS)
        if mn is not None:
            stmt = stmt.where(_READINGS.c.mn == mn)
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def quarantine_frame(self, reason: str | None = None) -> pd.DataFrame:
        """Quarantined messages (``received_at, topic, payload, reason, detail, mn``), oldest
        first; only ``reason`` when given."""
        import pandas as pd

        q = _QUARANTINE.c
        stmt = sa.select(q.received_at, q.topic, q.payload, q.reason, q.detail, q.mn).order_by(q.id)
        if reason is not None:
            stmt = stmt.where(q.reason == reason)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return pd.DataFrame.from_records(
            rows, columns=["received_at", "topic", "payload", "reason", "detail", "mn"]
        )

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()


def _outlet_of(message: Accepted) -> str:
    """The MN of ``message`` (its readings' or its packet record's; "" for neither)."""
    if message.readings:
        return message.readings[0].mn
    return message.packet.mn if message.packet is not None else ""


def _pg_rows(messages: list[Accepted]) -> list[tuple[Any, ...]]:
    """The batch's readings as rows of :data:`_ROW_FIELDS` (times aware UTC, NaN as None:
    unknown); a naive time raises ValueError."""
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    utc: dict[datetime, datetime] = {}  # a batch holds few distinct times
    last_t: datetime | None = None
    last_u: datetime | None = None
    for m in messages:
        received = _utc(m.received_at)
        for r in m.readings:
            t = r.ts
            if t is not last_t:  # the readings of one packet share one ts object
                last_t, last_u = t, utc.get(t)
                if last_u is None:
                    last_u = utc[t] = _utc(t)
            v, lo, hi, cou = r.value, r.min, r.max, r.cou
            append(
                (
                    r.mn,
                    r.pollutant,
                    r.kind,
                    last_u,
                    v if v == v else None,  # NaN != NaN: stored as NULL
                    lo if lo == lo else None,
                    hi if hi == hi else None,
                    cou if cou == cou else None,
                    r.flag,
                    received,
                    r.qn,
                )
            )
    return rows


def _copy(conn: Connection, sql: str, types: Sequence[str], rows: list[tuple[Any, ...]]) -> bool:
    """COPY (binary) ``rows`` in a savepoint of ``conn``'s transaction; False, with nothing
    written, when a unique key already stored refuses them."""
    from psycopg.errors import UniqueViolation

    savepoint = conn.begin_nested()
    try:
        with conn.connection.driver_connection.cursor() as cur, cur.copy(sql) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
    except UniqueViolation:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _utc(t: datetime) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"naive datetime {t!r}: timestamps must be timezone-aware")
    return t.astimezone(UTC)


def _sqlite_params(messages: list[Accepted]) -> list[Any]:
    """Driver parameters for :func:`_sqlite_insert` in one pass, flat (:data:`_ROW_FIELDS` of
    each reading in turn); times formatted the way
    SQLAlchemy's SQLite DATETIME stores them (UTC, ``YYYY-MM-DD HH:MM:SS.ffffff``) so queries
    through the models compare and read them back exactly. A naive time raises ValueError."""
    cache: dict[datetime, str] = {}
    last_t: datetime | None = None
    last_s = ""

    def fmt(t: datetime) -> str:
        s = cache.get(t)
        if s is None:
            if t.tzinfo is None or t.utcoffset() is None:
                raise ValueError(f"naive datetime {t!r}: timestamps must be timezone-aware")
            u = t.astimezone(UTC).replace(tzinfo=None)
            s = cache[t] = u.isoformat(" ", "microseconds")  # == strftime("%Y-%m-%d %H:%M:%S.%f")
        return s

    out: list[Any] = []
    extend = out.extend
    for m in messages:
        received = fmt(m.received_at)
        for r in m.readings:
            t = r.ts
            if t is not last_t:  # the readings of one packet share one ts object
                last_t, last_s = t, fmt(t)
            v, lo, hi, cou = r.value, r.min, r.max, r.cou
            extend(
                (
                    r.mn,
                    r.pollutant,
                    r.kind,
                    last_s,
                    v if v == v else None,
                    lo if lo == lo else None,
                    hi if hi == hi else None,
                    cou if cou == cou else None,
                    r.flag,
                    received,
                    r.qn,
                )
            )
    return out


def _sqlite_packet_insert(rows: int) -> str:
    """One INSERT of ``rows`` packet records that skips packets already recorded."""
    row = f"({', '.join('?' * len(_PACKET_FIELDS))})"
    return (
        f"INSERT INTO packets ({', '.join(_PACKET_FIELDS)}) VALUES "
        f"{', '.join([row] * rows)} ON CONFLICT (mn, digest) DO NOTHING"
    )


def _packet_rows(messages: list[Accepted], sqlite_times: bool) -> list[tuple[Any, ...]]:
    """The packet records of ``messages`` as rows of :data:`_PACKET_FIELDS` (times as SQLite
    stores them when ``sqlite_times``, aware UTC otherwise)."""
    cache: dict[datetime, Any] = {}

    def t(value: datetime | None) -> Any:
        if value is None:
            return None
        s = cache.get(value)
        if s is None:
            u = _utc(value)
            s = cache[value] = (
                u.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite_times else u
            )
        return s

    sha256 = hashlib.sha256
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    for m in messages:
        p = m.packet
        assert p is not None
        append(
            (
                p.mn,
                sha256(m.payload).hexdigest()[:32],
                p.cn,
                p.qn,
                p.st,
                p.flag,
                t(p.data_time),
                t(m.received_at),
                p.kind,
                p.fingerprint,
                ",".join(p.deviations) if p.deviations else "",
                p.cp_flag,
                None if p.cp is None else storable_text(p.cp),
            )
        )
    return rows


def _sqlite_chunk(conn: Connection, width: int) -> int:
    """Rows of ``width`` parameters that fit one statement on this SQLite connection."""
    import sqlite3

    raw = conn.connection.driver_connection
    limit = _SQLITE_MAX_PARAMS
    getlimit = getattr(raw, "getlimit", None)
    if getlimit is not None:
        limit = min(limit, int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))
    elif sqlite3.sqlite_version_info < (3, 32, 0):
        limit = 999
    return max(1, limit // width)


def _fmt(vals: tuple[Any, ...]) -> str:
    return ", ".join(f"{k}={v}" for k, v in zip(_COMPARED, vals, strict=True) if v is not None)


def _float(v: Any) -> float | None:
    return None if v is None else float(v)


def _typed_readings(rows: Sequence[Any]) -> pd.DataFrame:
    """Rows of :meth:`Store._readings_select` as a readings frame with the schema's dtypes."""
    import pandas as pd

    from detectors.frame import READINGS_SCHEMA

    # plain tuples: pandas takes SQLAlchemy's rows for arbitrary objects and asks each one for
    # a dtype (an AttributeError raised per row: 3 times the cost of the frame)
    part = pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(READINGS_SCHEMA.names))
    for col in READINGS_SCHEMA.columns:
        if col.dtype == "datetime64[ns, UTC]":
            part[col.name] = pd.to_datetime(part[col.name], utc=True, format="ISO8601").astype(
                col.dtype
            )
        elif col.dtype == "float64":
            part[col.name] = part[col.name].astype("float64")
        else:
            part[col.name] = part[col.name].astype(object)
    return part


def _aware(ts: datetime | pd.Timestamp) -> datetime:
    import pandas as pd

    t = pd.Timestamp(ts)
    if t.tzinfo is None:
        raise ValueError(f"naive time {ts!r}: give a timezone-aware start/end")
    return t.tz_convert("UTC").to_pydatetime()
