"""Messages/s on the overview, from a real ingest metrics endpoint (ingest.metrics.Metrics)."""

from __future__ import annotations

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


class FakeClock:
    """A monotonic clock the test moves by hand (no sleeping, no timing bands)."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_rate_from_the_daemon_endpoint(seeded_ro: Seeded) -> None:
    metrics = Metrics()
    port = free_port()
    server = metrics.serve(port)
    clock = FakeClock()
    try:
        rate = IngestRate(f"http://127.0.0.1:{port}/metrics", clock=clock)
        ctx = seeded_ro.context()
        ctx.ingest_rate = rate
        c = Client(create_app(ctx, secret=SECRET)).login("admin")
        metrics.add(received=100)
        assert "100 messages received so far" in c.get("/").text  # first sample at t = 1000
        clock.t = 1000.5  # under a second after the first sample: no rate yet
        assert rate.sample()["messages_per_s"] is None
        clock.t = 1002.0
        metrics.add(received=300)
        metrics.committed(
            seconds=0.1, stored=1800, duplicates=0, conflicts=0, quarantined={}, acked=300
        )
        s = rate.sample()
        assert s["reachable"] and s["received_total"] == 400 and s["stored_total"] == 1800
        assert s["messages_per_s"] == 150.0  # 300 messages in exactly 2 s
        assert s["readings_per_s"] == 900.0
        html = c.get("/").text
        assert "messages/s" in html and "readings stored/s" in html
        assert "150" in html
        # a restarted daemon starts its counters again: no negative rate
        metrics.received = 5
        assert rate.sample()["messages_per_s"] is None
    finally:
        server.shutdown()
        server.server_close()
    gone = rate.sample()
    assert gone == {"reachable": False, "url": f"http://127.0.0.1:{port}/metrics"}


def test_rate_is_taken_over_the_window_only() -> None:
    """Samples older than ``window_s`` are dropped: the rate is over the kept ones."""
    metrics = Metrics()
    port = free_port()
    server = metrics.serve(port)
    clock = FakeClock(0.0)
    try:
        rate = IngestRate(f"http://127.0.0.1:{port}/metrics", window_s=60.0, clock=clock)
        assert rate.sample()["messages_per_s"] is None  # t = 0, 0 received
        clock.t, metrics.received = 30.0, 300
        assert rate.sample()["messages_per_s"] == 10.0  # 300 in 30 s
        clock.t, metrics.received = 80.0, 1300
        assert rate.sample()["messages_per_s"] == 20.0  # t = 0 dropped: 1000 in 50 s
        clock.t, metrics.received = 200.0, 1400
        assert rate.sample()["messages_per_s"] is None  # every kept sample is too old
        clock.t, metrics.received = 204.0, 1800
        assert rate.sample()["messages_per_s"] == 100.0
    finally:
        server.shutdown()
        server.server_close()


def test_overview_says_when_metrics_are_missing(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro, "admin")
    assert "daemon metrics not configured" in c.get("/").text
    ctx = seeded_ro.context()
    ctx.ingest_rate = IngestRate(f"http://127.0.0.1:{free_port()}/metrics")
    c2 = Client(create_app(ctx, secret=SECRET)).login("admin")
    assert "daemon metrics not reachable" in c2.get("/").text
    assert c2.get("/api/health").json()["daemon"]["reachable"] is False
