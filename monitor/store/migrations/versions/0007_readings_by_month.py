"""PostgreSQL: ``readings`` partitioned by month of ``ts`` (declarative RANGE partitioning), a
partition per month from the earliest stored one to three months ahead and a DEFAULT partition
(issue 13, part 4). SQLite is unchanged.

The stored rows are copied into the partitioned table in this migration's transaction (back the
database up first). The unique key (mn,
pollutant, kind, ts) already includes the partition key and is kept, so a redelivered reading is
still stored once; the primary key becomes (id, ts), ``id`` still fed by ``readings_id_seq``.
See :mod:`monitor.store.partitions`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from monitor import clock
from monitor.store import partitions

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "mn, pollutant, kind, ts"


def upgrade() -> None:
    """Convert ``readings`` to a partitioned table on PostgreSQL, keeping every row."""
    conn = op.get_bind()
    if conn.dialect.name != "postgresql" or partitions.partitioned(conn):
        return
    run = conn.exec_driver_sql
    run("ALTER TABLE readings RENAME TO readings_unpartitioned")
    run("ALTER TABLE readings_unpartitioned RENAME CONSTRAINT readings_pkey TO readings_old_pkey")
    run("ALTER TABLE readings_unpartitioned RENAME CONSTRAINT uq_readings_key TO readings_old_key")
    run(
        "CREATE TABLE readings (LIKE readings_unpartitioned INCLUDING DEFAULTS) "
        "PARTITION BY RANGE (ts)"
    )
    run("ALTER TABLE readings ADD CONSTRAINT readings_pkey PRIMARY KEY (id, ts)")
    run(f"ALTER TABLE readings ADD CONSTRAINT uq_readings_key UNIQUE ({_KEY})")
    run("ALTER SEQUENCE readings_id_seq OWNED BY readings.id")
    run(f"CREATE TABLE {partitions.DEFAULT_PARTITION} PARTITION OF readings DEFAULT")
    now = partitions.month_of(clock.now())
    first = run("SELECT min(ts), max(ts) FROM readings_unpartitioned").one()
    lo = partitions.month_of(first[0]) if first[0] is not None else now
    hi = max(partitions.month_of(first[1]) if first[1] is not None else now, now)
    months = partitions.months_from(min(lo, now), partitions.add_months(hi, partitions.AHEAD))
    partitions.ensure_months(conn, months)
    run("INSERT INTO readings SELECT * FROM readings_unpartitioned")
    run("DROP TABLE readings_unpartitioned")


def downgrade() -> None:
    """Back to one plain ``readings`` table on PostgreSQL, keeping every attached row (detached
    partitions stay standalone tables)."""
    conn = op.get_bind()
    if conn.dialect.name != "postgresql" or not partitions.partitioned(conn):
        return
    run = conn.exec_driver_sql
    run("ALTER TABLE readings RENAME TO readings_partitioned")
    run("ALTER TABLE readings_partitioned RENAME CONSTRAINT readings_pkey TO readings_old_pkey")
    run("ALTER TABLE readings_partitioned RENAME CONSTRAINT uq_readings_key TO readings_old_key")
    run("CREATE TABLE readings (LIKE readings_partitioned INCLUDING DEFAULTS)")
    run("ALTER TABLE readings ADD CONSTRAINT readings_pkey PRIMARY KEY (id)")
    run(f"ALTER TABLE readings ADD CONSTRAINT uq_readings_key UNIQUE ({_KEY})")
    run("ALTER SEQUENCE readings_id_seq OWNED BY readings.id")
    run("INSERT INTO readings SELECT * FROM readings_partitioned")
    run("DROP TABLE readings_partitioned")
