"""Store benchmark: commit batches of decoded hourly packets into SQLite and PostgreSQL.

What the ingest daemon's sink does per batch (:meth:`monitor.store.store.Store.commit_batch`): insert
every reading under its unique key, skipping keys already stored, in one transaction. Measured
in the same run, on the same readings:

1. the store, new readings (the daemon's steady state) and the same batches again (a broker
   redelivering everything: every reading a duplicate);
2. baseline: the database driver alone doing a plain ``executemany`` INSERT of the same rows in
   one transaction per batch (no conflict handling, the "80-line prototype").

PostgreSQL is a throw-away local cluster (``initdb`` as in the tests, ``fsync=off``: the figures
are CPU and protocol cost, not disk). Batches of ``--batch`` packets (6 readings each).

    python bench/bench_store.py [--packets 20000] [--batch 2000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.handler import MessageHandler  # noqa: E402
from ingest.sink import Accepted  # noqa: E402
from monitor.store.store import Store, _sqlite_params  # noqa: E402
from tests.ingest.daemon_stream import hourly_packet, sites  # noqa: E402

COLUMNS = "mn, pollutant, kind, ts, value, min, max, cou, flag, received_at, qn"


def batches(n_packets: int, batch: int) -> list[list[Accepted]]:
    """Decoded hourly packets of 200 outlets, in batches."""
    outlets = sites(200)
    handler = MessageHandler({s.mn: s.pw for s in outlets})
    now = datetime.now(UTC)
    msgs = [
        handler.handle(f"hj212/{s.mn}", hourly_packet(s, h), now)
        for h in range(-(-n_packets // len(outlets)))
        for s in outlets
    ][:n_packets]
    assert all(isinstance(m, Accepted) for m in msgs)
    return [msgs[i : i + batch] for i in range(0, len(msgs), batch)]  # type: ignore[misc]


def time_store(
    url: str, work: list[list[Accepted]], pg_write: str | None = None
) -> tuple[float, float, int]:
    """Seconds to commit ``work`` into a new store, then to commit it again; readings stored.
    ``pg_write``: the store's way of writing PostgreSQL (its default otherwise); given, the
    partitions of the batches' month and the months ahead are made first, outside the timing,
    by a reading of an outlet not in ``work``."""
    store = Store(url)
    if pg_write is not None:
        store.pg_write = pg_write
        store.commit_batch([work[0][0].readings[0]._replace(mn="00000000000000")])
    t = time.perf_counter()
    stored = sum(store.commit_batch(b).stored for b in work)
    first = time.perf_counter() - t
    t = time.perf_counter()
    again = [store.commit_batch(b) for b in work]
    second = time.perf_counter() - t
    assert sum(r.stored for r in again) == 0 and sum(r.conflicts for r in again) == 0
    store.close()
    return first, second, stored


def sqlite_baseline(path: Path, work: list[list[Accepted]]) -> float:
    """Plain sqlite3 executemany, one transaction per batch, same pragmas, same unique key."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(
        "CREATE TABLE readings (id INTEGER PRIMARY KEY, mn VARCHAR(24), pollutant VARCHAR(12), "
        "kind VARCHAR(8), ts DATETIME, value FLOAT, min FLOAT, max FLOAT, cou FLOAT, "
        "flag VARCHAR(4), received_at DATETIME, qn VARCHAR(20), UNIQUE (mn, pollutant, kind, ts))"
    )
    sql = f"INSERT INTO readings ({COLUMNS}) VALUES ({', '.join('?' * 11)})"
    rows = [_sqlite_params(b) for b in work]
    t = time.perf_counter()
    for flat in rows:
        conn.execute("BEGIN")
        conn.executemany(sql, [tuple(flat[i : i + 11]) for i in range(0, len(flat), 11)])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - t
    conn.close()
    return elapsed


def postgres_baseline(url: str, work: list[list[Accepted]]) -> float:
    """Plain psycopg executemany into a table with the same unique key."""
    import psycopg

    from monitor.store.store import _pg_rows

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=False) as conn:
        conn.execute(
            "CREATE TABLE base (id BIGSERIAL PRIMARY KEY, mn VARCHAR(24), "
            "pollutant VARCHAR(12), kind VARCHAR(8), ts TIMESTAMPTZ, value FLOAT, min FLOAT, "
            "max FLOAT, cou FLOAT, flag VARCHAR(4), received_at TIMESTAMPTZ, qn VARCHAR(20), "
            "UNIQUE (mn, pollutant, kind, ts))"
        )
        conn.commit()
        sql = f"INSERT INTO base ({COLUMNS}) VALUES ({', '.join(['%s'] * 11)})"
        rows = [_pg_rows(b) for b in work]
        t = time.perf_counter()
        for batch in rows:
            with conn.cursor() as cur:
                cur.executemany(sql, batch)
            conn.commit()
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--packets", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    work = batches(args.packets, args.batch)
    readings = sum(len(m.readings) for b in work for m in b)
    print(f"{readings:,} readings in {len(work)} batches of {args.batch} packets")
    tmp = Path(tempfile.mkdtemp(prefix="ow-bench-store-"))
    pg = None
    try:

        def row(name: str, seconds: float) -> None:
            print(f"  {name:<52} {seconds:6.2f} s  {readings / seconds:10,.0f} readings/s")

        first, again, stored = time_store(f"sqlite:///{tmp / 'store.db'}", work)
        assert stored == readings
        base = sqlite_baseline(tmp / "base.db", work)
        print("SQLite (WAL, synchronous=NORMAL):")
        row("store: new readings", first)
        row("store: the same batches again (all duplicates)", again)
        row("baseline: sqlite3 executemany, no conflict handling", base)
        print(f"  store / baseline = {base / first:.2f}")
        if not args.no_postgres:
            from tests.services import make_postgres

            pg = make_postgres()
            first, again, stored = time_store(pg.new_database(), work)
            assert stored == readings
            base = postgres_baseline(pg.new_database(), work)
            print("PostgreSQL (local, fsync=off):")
            row("store: new readings", first)
            row("store: the same batches again (all duplicates)", again)
            row("baseline: psycopg executemany, no conflict handling", base)
            print(f"  store / baseline = {base / first:.2f}")
    finally:
        if pg is not None:
            pg.stop()
            shutil.rmtree(pg.root, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
