"""PostgreSQL for a province (issue 13, parts 4 and 5): the store's COPY path, and daemons side by side.

1. ``store``: readings/s committed by :meth:`monitor.store.store.Store.commit_batch` into the
   month-partitioned ``readings`` with each way of writing (``PG_WRITE``: ``copy`` straight into
   readings, falling back to the staged way on a redelivery; ``stage``: COPY into a temporary table,
   then ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``; ``insert``: the INSERT of column arrays
   used before COPY), new readings and the same batches again (all duplicates); against, in the
   same run, psycopg's bare binary COPY of the same rows (built beforehand) into a plain table
   without any key, one transaction per batch. Each round runs every variant once on a fresh
   database, in a rotated order (interleaved); figures are medians of the rounds.
2. ``daemons``: one ``monitor ingest``-like daemon (worker process, as the command runs) against
   two, each in a process of its own with its own client id on one shared subscription
   (``$share/GROUP/hj212/#``), draining the same backlog queued in Mosquitto into one
   PostgreSQL database, timed until every reading is committed (counted in the database).
   Rounds alternate one and two.

Real Mosquitto and PostgreSQL as ``tests/services.py`` starts them (127.0.0.1, ``fsync=off``: the
figures are CPU and protocol cost, not disk).

    python bench/bench_pg_copy.py [--packets 20000] [--batch 2000] [--repeat 3] [--skip daemons]
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing as mp
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COLUMNS = "mn, pollutant, kind, ts, value, min, max, cou, flag, received_at, qn"
VARIANTS = ("copy", "stage", "insert", "bare", "bare-key")
LABELS = {
    "copy": "store, COPY into readings (the default)",
    "stage": "store, COPY into a staging table + INSERT ON CONFLICT",
    "insert": "store, INSERT of column arrays (before COPY)",
    "bare": "bare psycopg binary COPY, plain table, no key",
    "bare-key": "bare psycopg binary COPY, plain table + the unique key",
}


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def time_store(url: str, work: list[list[Any]], mode: str) -> tuple[float, float]:
    """Seconds to commit ``work`` into a new store written the ``mode`` way, then the same
    batches again (all duplicates): `bench_store.time_store`, every reading stored once."""
    from bench_store import time_store as timed

    first, second, stored = timed(url, work, pg_write=mode)
    readings = sum(len(m.readings) for b in work for m in b)
    assert stored == readings, (stored, readings)
    return first, second


def time_bare(url: str, work: list[list[Any]], key: bool) -> float:
    """psycopg's binary COPY of the same rows into a plain table (with ``key``: and the unique
    key (mn, pollutant, kind, ts) readings has), one transaction per batch."""
    import psycopg

    from monitor.store.store import _PG_TYPES, _pg_rows

    rows = [_pg_rows(b) for b in work]
    with psycopg.connect(_dsn(url)) as conn:
        conn.execute(
            "CREATE TABLE plain (mn varchar(32), pollutant varchar(16), kind varchar(8), "
            "ts timestamptz, value float8, min float8, max float8, cou float8, flag varchar(4), "
            "received_at timestamptz, qn varchar(32))"
        )
        if key:
            conn.execute("ALTER TABLE plain ADD UNIQUE (mn, pollutant, kind, ts)")
        conn.commit()
        t = time.perf_counter()
        for batch in rows:
            with (
                conn.cursor() as cur,
                cur.copy(f"COPY plain ({COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(_PG_TYPES)
                for row in batch:
                    copy.write_row(row)
            conn.commit()
        return time.perf_counter() - t


def bench_store(pg: Any, packets: int, batch: int, repeat: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_store import batches

    work = batches(packets, batch)
    readings = sum(len(m.readings) for b in work for m in b)
    print(
        f"store: {readings:,} readings in {len(work)} batches of {batch} packets, {repeat} rounds"
    )
    new: dict[str, list[float]] = {v: [] for v in VARIANTS}
    dup: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for r in range(repeat):
        order = VARIANTS[r % len(VARIANTS) :] + VARIANTS[: r % len(VARIANTS)]
        for v in order:
            url = pg.new_database()
            if v.startswith("bare"):
                new[v].append(time_bare(url, work, key=v == "bare-key"))
            else:
                first, again = time_store(url, work, v)
                new[v].append(first)
                dup[v].append(again)
        print(
            f"  round {r + 1}: "
            + ", ".join(f"{v} {readings / new[v][-1]:,.0f}/s" for v in VARIANTS),
            flush=True,
        )
    print("readings/s, median of the rounds [slowest, fastest]:")
    for v in VARIANTS:
        med = statistics.median(new[v])
        line = (
            f"  {LABELS[v]:<56} {readings / med:9,.0f} "
            f"[{readings / max(new[v]):,.0f}, {readings / min(new[v]):,.0f}]"
        )
        if dup[v]:
            line += f"; all duplicates {readings / statistics.median(dup[v]):9,.0f}"
        print(line)
    for v in ("copy", "stage", "insert"):
        for base in ("bare", "bare-key"):
            ratios = [b / s for b, s in zip(new[base], new[v], strict=True)]  # within each round
            print(
                f"  {v} / {base} COPY = {statistics.median(ratios):.2f} "
                f"[{min(ratios):.2f}-{max(ratios):.2f}] (target >= 0.5)"
            )
    ratios = [i / c for i, c in zip(new["insert"], new["copy"], strict=True)]
    print(
        f"  copy / insert = {statistics.median(ratios):.2f} [{min(ratios):.2f}-{max(ratios):.2f}]"
    )


# -- two daemons against one -----------------------------------------------------------------


def _daemon(
    broker: str, db_url: str, client_id: str, topic: str, passwords: dict[str, str], batch: int,
    ready: Any, go: Any, stop: Any, shares: Any,
) -> None:  # fmt: skip
    """One daemon as ``monitor ingest`` runs it (worker process), in a process of its own."""
    from ingest.daemon import DaemonSettings, IngestDaemon
    from monitor.store.store import Store

    factory = functools.partial(Store, db_url, create="lazy")
    settings = DaemonSettings(
        broker=broker,
        topic=topic,
        client_id=client_id,
        batch_size=batch,
        batch_interval_s=0.25,
        stats_interval_s=3600,
        worker_process=True,
    )
    daemon = IngestDaemon(settings, factory(), passwords, sink_factory=factory)
    ready.set()
    go.wait()
    daemon.start()
    stop.wait()
    daemon.stop()
    shares.put(daemon.metrics.snapshot()["stored"])


def _sessions(host: str, port: int, client_ids: list[str], topic: str) -> None:
    """Persistent sessions subscribed to ``topic`` (QoS 1), left at once: the backlog queues."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    for cid in client_ids:
        c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=cid, protocol=mqtt.MQTTv5)
        done = threading.Event()
        c.on_subscribe = lambda *a, done=done: done.set()
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600
        c.connect(host, port, clean_start=False, properties=props)
        c.loop_start()
        c.subscribe(topic, qos=1)
        if not done.wait(10):
            raise RuntimeError(f"subscription of {cid} not acknowledged")
        c.disconnect()
        c.loop_stop()


def drain(
    broker: Any, pg: Any, msgs: list[tuple[str, bytes]], passwords: dict[str, str], batch: int,
    daemons: int, round_no: int,
) -> tuple[float, float, list[int]]:  # fmt: skip
    """Seconds for ``daemons`` daemons on one shared subscription to commit the whole backlog
    from their start (processes and connections included) and from the first commit on, and the
    readings each stored."""
    import psycopg

    from monitor.store.store import Store
    from tests.ingest.daemon_stream import publish_all, publisher

    db_url = pg.new_database()
    Store(db_url).close()  # the schema and this month's partitions, outside the timing
    group = f"$share/bench{round_no}x{daemons}/hj212/#"
    ids = [f"bench-d{daemons}-{round_no}-{i}" for i in range(daemons)]
    _sessions(broker.host, broker.port, ids, group)
    pub = publisher(broker.host, broker.port, f"bench-pub-{round_no}-{daemons}")
    publish_all(pub, msgs, timeout_s=600)
    pub.loop_stop()
    pub.disconnect()
    ctx = mp.get_context("spawn")
    ready = [ctx.Event() for _ in ids]
    go, stop, shares = ctx.Event(), ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(
            target=_daemon,
            args=(broker.url, db_url, cid, group, passwords, batch, ready[i], go, stop, shares),
        )
        for i, cid in enumerate(ids)
    ]
    for p in procs:
        p.start()
    for e in ready:
        if not e.wait(120):
            raise RuntimeError("a daemon did not start")
    want = len(msgs) * 6
    with psycopg.connect(_dsn(db_url), autocommit=True) as conn:
        t = time.perf_counter()
        first: float | None = None
        go.set()
        while True:
            got = conn.execute("SELECT count(*) FROM readings").fetchone()[0]  # type: ignore[index]
            if got and first is None:
                first = time.perf_counter()
            if got >= want:
                break
            if time.perf_counter() - t > 900:
                raise RuntimeError(f"{daemons} daemon(s) stored {got} of {want}")
            time.sleep(0.02)
        done = time.perf_counter()
    stop.set()
    split = sorted(shares.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(60)
    assert got == want == sum(split), (got, want, split)  # nothing lost, nothing twice
    assert first is not None
    return done - t, done - first, split


def bench_daemons(pg: Any, packets: int, outlets: int, batch: int, repeat: int) -> None:
    from tests.ingest.daemon_stream import hourly_packet, sites
    from tests.services import MosquittoService, free_port

    work = Path(tempfile.mkdtemp(prefix="ow-bench-pg-"))
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    broker = MosquittoService(binary, free_port(), work)
    broker.start()
    try:
        fleet = sites(outlets)
        passwords = {s.mn: s.pw for s in fleet}
        hours = -(-packets // len(fleet))
        msgs = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(hours) for s in fleet]
        msgs = msgs[:packets]
        readings = len(msgs) * 6
        print(
            f"daemons: a backlog of {len(msgs):,} packets ({readings:,} readings) in Mosquitto "
            f"drained into one PostgreSQL; {repeat} rounds of one and two daemons (alternating)"
        )
        totals: dict[int, list[float]] = {1: [], 2: []}
        times: dict[int, list[float]] = {1: [], 2: []}
        for r in range(repeat):
            splits = {}
            for n in (1, 2) if r % 2 == 0 else (2, 1):
                total, drained, splits[n] = drain(broker, pg, msgs, passwords, batch, n, r + 1)
                totals[n].append(total)
                times[n].append(drained)
            print(
                f"  round {r + 1}: one {readings / times[1][-1]:,.0f}/s, two "
                f"{readings / times[2][-1]:,.0f}/s (readings each: {splits[2]}; from the start "
                f"of the processes {readings / totals[1][-1]:,.0f}/s and "
                f"{readings / totals[2][-1]:,.0f}/s)",
                flush=True,
            )
        print("readings/s from the first commit to the last, median [slowest, fastest]:")
        for n in (1, 2):
            med = statistics.median(times[n])
            print(
                f"  {n} daemon{'s' if n > 1 else ' '} on $share/...: {med:6.2f} s "
                f"{readings / med:9,.0f} readings/s "
                f"[{readings / max(times[n]):,.0f}, {readings / min(times[n]):,.0f}]; from the "
                f"start {readings / statistics.median(totals[n]):,.0f}"
            )
        ratios = [a / b for a, b in zip(times[1], times[2], strict=True)]
        print(
            f"  two / one = {statistics.median(ratios):.2f} [{min(ratios):.2f}-{max(ratios):.2f}]"
        )
    finally:
        broker.kill()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--packets", type=int, default=20_000)
    ap.add_argument("--outlets", type=int, default=200)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3, help="rounds; figures are their medians")
    ap.add_argument("--skip", choices=("store", "daemons"), action="append", default=[])
    args = ap.parse_args()
    from tests.services import make_postgres

    pg = make_postgres()
    try:
        if "store" not in args.skip:
            bench_store(pg, args.packets, args.batch, args.repeat)
        if "daemons" not in args.skip:
            bench_daemons(pg, args.packets, args.outlets, args.batch, args.repeat)
    finally:
        pg.stop()
        shutil.rmtree(pg.root, ignore_errors=True)


if __name__ == "__main__":
    main()
