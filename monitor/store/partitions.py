"""Monthly partitions of ``readings`` on PostgreSQL (declarative RANGE partitioning on ``ts``).

SQLite keeps one plain table; everything here is a no-op there (:func:`partitioned` is False).

- Each calendar month (UTC) is a partition ``readings_pYYYYMM`` holding ``[YYYY-MM-01, next
  month)``; ``readings_default`` (the DEFAULT partition) catches any reading of a month without
  one, so no insert ever fails for want of a partition.
- Migration 0007 converts the table and creates the months from the earliest stored one to
  :data:`AHEAD` months after the current one; the store (:meth:`monitor.store.store.Store
  .commit_batch`) creates the next months when a new month starts and the month of any batch's
  reading that has no partition yet (a backfill), before writing it.
- Creating a month moves that month's rows out of the default partition into the new one (under
  an ACCESS EXCLUSIVE lock of the default partition, so no concurrent insert can slip a row of
  the month in meanwhile). All partition work holds one advisory lock (two daemons at once: the
  second finds the partition made).
- A month whose table exists but is not attached (detached by ``monitor db retention --detach``)
  is never recreated: its late readings stay in the default partition.

The unique key (mn, pollutant, kind, ts) includes the partition key, so it holds across
partitions; the primary key is (id, ts) on PostgreSQL (the model's ``id`` stays unique: one
sequence feeds every partition).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Connection

__all__ = [
    "AHEAD",
    "DEFAULT_PARTITION",
    "Month",
    "Partition",
    "add_months",
    "default_months",
    "ensure_months",
    "month_of",
    "months_from",
    "partition_name",
    "partitioned",
    "partitions",
    "remove",
    "size",
]

#: Months created ahead of the current one (by the migration and when a new month starts).
AHEAD = 3
#: The DEFAULT partition: readings of a month without a partition of its own.
DEFAULT_PARTITION = "readings_default"
#: Key of the PostgreSQL advisory lock held during partition work ("owparts").
_LOCK_KEY = 0x6F77_7061_7274_73
_NAME = re.compile(r"^readings_p(\d{4})(\d{2})$")

Month = tuple[int, int]


@dataclass(frozen=True)
class Partition:
    """One attached month partition of ``readings``."""

    name: str
    month: Month

    @property
    def label(self) -> str:
        return f"{self.month[0]:04d}-{self.month[1]:02d}"


def partition_name(month: Month) -> str:
    """``readings_pYYYYMM``."""
    return f"readings_p{month[0]:04d}{month[1]:02d}"


def month_of(t: datetime) -> Month:
    """The (year, month) of ``t`` in UTC."""
    u = t.astimezone(UTC) if t.tzinfo is not None else t
    return (u.year, u.month)


def add_months(month: Month, n: int) -> Month:
    k = month[0] * 12 + month[1] - 1 + n
    return (k // 12, k % 12 + 1)


def months_from(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last`` inclusive."""
    out: list[Month] = []
    m = first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def _bound(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}-01 00:00:00+00"


def partitioned(conn: Connection) -> bool:
    """Whether ``readings`` is a partitioned table (PostgreSQL at revision 0007 or later)."""
    if conn.dialect.name != "postgresql":
        return False
    kind = conn.exec_driver_sql(
        "SELECT relkind FROM pg_class WHERE oid = to_regclass('readings')"
    ).scalar()
    return kind == "p"


def partitions(conn: Connection) -> list[Partition]:
    """The month partitions attached to ``readings``, oldest first (the default one not
    included)."""
    rows = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass('readings')"
    ).scalars()
    out = []
    for name in rows:
        m = _NAME.match(name)
        if m:
            out.append(Partition(name, (int(m.group(1)), int(m.group(2)))))
    return sorted(out, key=lambda p: p.month)


def _exists(conn: Connection, name: str) -> bool:
    return conn.exec_driver_sql("SELECT to_regclass(%s) IS NOT NULL", (name,)).scalar() is True


def ensure_months(
    conn: Connection,
    months: Iterable[Month],
    *,
    on_create: Callable[[str, int], None] | None = None,
) -> list[str]:
    """Create the partition of each of ``months`` that has none, moving its rows out of the
    default partition; the names created. Holds the partition lock until ``conn``'s transaction
    ends (the caller commits). ``on_create`` hears each new partition and the rows moved."""
    wanted = sorted(set(months))
    if not wanted or not partitioned(conn):
        return []
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
    made: list[str] = []
    for month in wanted:
        name = partition_name(month)
        if _exists(conn, name):  # attached, or detached on purpose: never recreated
            continue
        lo, hi = _bound(month), _bound(add_months(month, 1))
        # no insert may route a row of the month to the default partition while it is moved
        conn.exec_driver_sql(f"LOCK TABLE {DEFAULT_PARTITION} IN ACCESS EXCLUSIVE MODE")
        conn.exec_driver_sql(
            f"CREATE TABLE {name} (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        moved = conn.exec_driver_sql(
            f"WITH m AS (DELETE FROM {DEFAULT_PARTITION} WHERE ts >= %s AND ts < %s RETURNING *) "
            f"INSERT INTO {name} SELECT * FROM m",
            (lo, hi),
        ).rowcount
        # the bound as a CHECK first: ATTACH then skips scanning the new partition
        conn.exec_driver_sql(
            f"ALTER TABLE {name} ADD CONSTRAINT {name}_bound "
            f"CHECK (ts IS NOT NULL AND ts >= '{lo}' AND ts < '{hi}')"
        )
        conn.exec_driver_sql(
            f"ALTER TABLE readings ATTACH PARTITION {name} FOR VALUES FROM ('{lo}') TO ('{hi}')"
        )
        conn.exec_driver_sql(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bound")
        made.append(name)
        if on_create is not None:
            on_create(name, int(moved or 0))
    return made


def default_months(conn: Connection) -> list[Month]:
    """The months of the rows in the default partition (normally none)."""
    rows = conn.exec_driver_sql(
        f"SELECT DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC') FROM {DEFAULT_PARTITION}"
    ).scalars()
    return sorted((t.year, t.month) for t in rows)


def remove(conn: Connection, partition: Partition, *, drop: bool) -> None:
    """Detach ``partition`` from ``readings`` (``drop`` False: it stays a standalone table of the
    same name, to archive with ``pg_dump -t NAME`` or attach again) or drop it with its rows.
    Holds the partition lock until the caller commits."""
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
    if drop:
        conn.exec_driver_sql(f"DROP TABLE {partition.name}")
    else:
        conn.exec_driver_sql(f"ALTER TABLE readings DETACH PARTITION {partition.name}")


def size(conn: Connection, name: str) -> int:
    """Bytes of table ``name`` with its indexes."""
    return int(conn.exec_driver_sql("SELECT pg_total_relation_size(%s)", (name,)).scalar_one())
