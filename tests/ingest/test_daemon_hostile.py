"""Hostile messages through a real broker (Mosquitto) to the daemon on PostgreSQL (issue 15).

- The poison message (a JSON payload whose MN holds a NUL, no password needed) used to make
  PostgreSQL refuse even its quarantine row: the daemon stopped without acknowledging and got the
  same message again at every start. Now it is quarantined and acknowledged, and the daemon goes on.
- A seeded random mix of hostile and valid payloads: every message acknowledged and accounted for.
"""

from __future__ import annotations

import functools
import os
import random
import time
import uuid
from datetime import UTC, datetime

import pytest

from ingest.daemon import DaemonSettings, IngestDaemon
from ingest.handler import MessageHandler
from ingest.sink import Accepted, Rejected
from monitor.store.store import Store
from tests.ingest.daemon_stream import hourly_packet, publish_all, publisher, sites
from tests.ingest.hostile import hostile_mix, json_payload
from tests.services import MosquittoService
from tests.services import wait_until as _wait

pytestmark = pytest.mark.integration


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def _prefix() -> str:
    return f"{uuid.uuid4().int % 10**10:010d}"


def _daemon(
    mosquitto: MosquittoService, url: str, passwords: dict[str, str], *, worker_process: bool
) -> tuple[IngestDaemon, Store]:
    store = Store(url)
    settings = DaemonSettings(
        broker=mosquitto.url,
        topic=f"hj212-{_uid()}/#",
        topic_template="",
        client_id=f"ow-{_uid()}",
        batch_size=50,
        batch_interval_s=0.05,
        worker_process=worker_process,
    )
    daemon = IngestDaemon(
        settings, store, passwords, sink_factory=functools.partial(Store, url, create="lazy")
    )
    return daemon, store


def _alive(daemon: IngestDaemon) -> bool:
    writer = daemon._writer
    return daemon.fatal is None and writer is not None and writer.is_alive()


@pytest.mark.parametrize("worker_process", [False, True])
def test_poison_message_is_quarantined_acknowledged_and_the_daemon_goes_on(
    mosquitto: MosquittoService, fresh_postgres_url: str, worker_process: bool
) -> None:
    registered = sites(1, _prefix())
    site = registered[0]
    daemon, store = _daemon(
        mosquitto, fresh_postgres_url, {site.mn: site.pw}, worker_process=worker_process
    )
    root = daemon.settings.topic[:-2]
    poison = json_payload(site, mn="6101\x00", pw="")
    daemon.start()
    try:
        _wait(lambda: daemon.metrics.connected, 10, "daemon to connect")
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        try:
            # the poison three times (a redelivery, a resend): one quarantine row, counted once
            publish_all(pub, [(f"{root}/x", poison)] * 3)
            _wait(lambda: daemon.metrics.snapshot()["acked"] >= 3, 20, "the poison acknowledged")
            assert _alive(daemon), daemon.fatal
            publish_all(pub, [(f"{root}/{site.mn}", hourly_packet(site, 1))])
            _wait(lambda: store.count_readings() == 6, 20, "the next valid message stored")
            _wait(lambda: daemon.metrics.snapshot()["acked"] >= 4, 20, "every message acked")
        finally:
            pub.loop_stop()
        assert _alive(daemon), daemon.fatal
    finally:
        daemon.stop()
    q = store.quarantine_frame()
    assert q.reason.tolist() == ["field"] and bytes(q.payload[0]) == poison
    snap = daemon.metrics.snapshot()
    assert snap["quarantined"] == {"field": 1}  # item 8: what the table holds, not 3
    assert (snap["acked"], snap["stored"]) == (4, 6)
    store.close()


def test_fuzz_hostile_payloads_through_mosquitto_to_postgres(
    mosquitto: MosquittoService, fresh_postgres_url: str
) -> None:
    """A seeded random mix (``OW_FUZZ_SEED`` to replay; 300 messages, a few seconds): random
    bytes, NULs and controls in every field, huge and non-finite numbers, deep and oversized JSON,
    many codes, bad UTF-8, old times, flipped bytes, and valid messages (some sent twice). The
    daemon stays alive; every message is acknowledged; each is either stored or quarantined (rows
    counted against an independent classification by the handler); each valid reading is stored
    once; the quarantine holds every refused payload whole."""
    seed = int(os.environ.get("OW_FUZZ_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    registered = sites(3, _prefix())
    passwords = {s.mn: s.pw for s in registered}
    daemon, store = _daemon(mosquitto, fresh_postgres_url, passwords, worker_process=False)
    root = daemon.settings.topic[:-2]
    mix, valid = hostile_mix(rng, registered, 300)
    msgs = [(f"{root}/{t.partition('/')[2]}", p) for t, p in mix]
    started = time.monotonic()
    daemon.start()
    try:
        _wait(lambda: daemon.metrics.connected, 10, "daemon to connect")
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        try:
            publish_all(pub, msgs)
        finally:
            pub.loop_stop()
        _wait(
            lambda: daemon.metrics.snapshot()["acked"] >= len(msgs),
            30,
            f"every message acknowledged (seed {seed})",
        )
        assert _alive(daemon), (seed, daemon.fatal)
    finally:
        daemon.stop()
    assert time.monotonic() - started < 30, seed
    # what each message should have become, by a handler of the same rules
    judge = MessageHandler(passwords, topic_template="")
    keys: set[tuple[object, ...]] = set()
    quarantined: set[tuple[str, str, bytes]] = set()
    for topic, payload in msgs:
        out = judge.handle(topic, payload, datetime.now(UTC))
        if isinstance(out, Accepted):
            keys.update(r.key for r in out.readings)
        else:
            assert isinstance(out, Rejected), (seed, out)
            quarantined.add((out.reason, topic, payload))
    valid_keys = {
        r.key
        for t, p in valid
        for r in _accepted(judge, f"{root}/{t.partition('/')[2]}", p).readings
    }
    assert valid_keys <= keys, seed
    snap = daemon.metrics.snapshot()
    assert (snap["received"], snap["acked"]) == (len(msgs), len(msgs)), seed
    assert store.count_readings() == len(keys) == snap["stored"], seed
    q = store.quarantine_frame()
    assert len(q) == len(quarantined) == sum(snap["quarantined"].values()), seed
    stored_rows = {(r, t, bytes(p)) for r, t, p in zip(q.reason, q.topic, q.payload, strict=True)}
    assert stored_rows == quarantined, seed
    assert snap["conflicts"] == 0, seed
    store.close()


def _accepted(judge: MessageHandler, topic: str, payload: bytes) -> Accepted:
    out = judge.handle(topic, payload, datetime.now(UTC))
    assert isinstance(out, Accepted), out
    return out
