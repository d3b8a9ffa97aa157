"""Messages/s on the overview, from a real ingest metrics endpoint (ingest.metrics.Metrics)."""

from __future__ import annotations

import time
from collections.abc import Callable

from ingest.metrics import Metrics
from monitor.web.app import create_app
from monitor.web.ingest_rate import IngestRate, parse_counters
from tests.monitor.web.conftest import SECRET, Client
from tests.monitor.web.support import Seeded
from tests.services import free_port

MakeClient = Callable[..., Client]


def test_parse_counters() -> None:
    m = Metrics()
    m.add(received=12)
    m.committed(seconds=0.1, stored=70, duplicates=0, conflicts=0, quarantined={"crc": 1}, acked=12)
    assert parse_counters(m.prometheus_text()) == {"received": 12.0, "stored": 70.0}


def test_rate_from_the_daemon_endpoint(seeded_ro: Seeded) -> None:
    metrics = Metrics()
    port = free_port()
    server = metrics.serve(port)
    try:
        rate = IngestRate(f"http://127.0.0.1:{port}/metrics")
        ctx = seeded_ro.context()
        ctx.ingest_rate = rate
        c = Client(create_app(ctx, secret=SECRET)).login("admin")
        metrics.add(received=100)
        assert "100 messages received so far" in c.get("/").text
        time.sleep(1.1)
        metrics.add(received=300)
        metrics.committed(
            seconds=0.1, stored=1800, duplicates=0, conflicts=0, quarantined={}, acked=300
        )
        s = rate.sample()
        assert s["reachable"] and s["received_total"] == 400
        assert 200 < s["messages_per_s"] < 300  # 300 messages in 1.1 s and a little more
        assert 1200 < s["readings_per_s"] < 1700
        html = c.get("/").text
        assert "messages/s" in html and "readings stored/s" in html
        # a restarted daemon starts its counters again: no negative rate
        metrics.received = 5
        assert rate.sample()["messages_per_s"] is None
    finally:
        server.shutdown()
        server.server_close()
    gone = rate.sample()
    assert gone == {"reachable": False, "url": f"http://127.0.0.1:{port}/metrics"}


def test_overview_says_when_metrics_are_missing(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro, "admin")
    assert "daemon metrics not configured" in c.get("/").text
    ctx = seeded_ro.context()
    ctx.ingest_rate = IngestRate(f"http://127.0.0.1:{free_port()}/metrics")
    c2 = Client(create_app(ctx, secret=SECRET)).login("admin")
    assert "daemon metrics not reachable" in c2.get("/").text
    assert c2.get("/api/health").json()["daemon"]["reachable"] is False
