"""The daemon's pure parts: the message handler's rules, broker URLs, counters."""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.broker_url import parse_broker_url
from ingest.handler import MessageHandler, TopicTemplate
from ingest.metrics import JsonFormatter, Metrics
from ingest.sink import Accepted, Rejected
from tests.ingest.daemon_stream import Site, bad_messages, hourly_packet, sites
from tests.services import free_port
from tests.services import prometheus_samples as samples

NOW = datetime(2026, 11, 29, tzinfo=UTC)
SITE, OTHER = sites(2)
STRANGER = Site("99999999999999", "pw9")


@pytest.fixture
def handler() -> MessageHandler:
    return MessageHandler({SITE.mn: SITE.pw, OTHER.mn: OTHER.pw})


def test_valid_packet_is_accepted_with_its_readings(handler: MessageHandler) -> None:
    payload = hourly_packet(SITE, 3)
    out = handler.handle(f"hj212/{SITE.mn}", payload, NOW)
    assert isinstance(out, Accepted)
    assert out.payload == payload and out.received_at == NOW
    assert len(out.readings) == 6
    assert {r.mn for r in out.readings} == {SITE.mn}
    assert out.readings[0].ts == datetime(2026, 11, 1, 3, tzinfo=UTC)


def test_every_bad_message_gets_its_reason(handler: MessageHandler) -> None:
    for reason, topic, payload in bad_messages(SITE, STRANGER, 10):
        out = handler.handle(topic, payload, NOW)
        assert isinstance(out, Rejected), reason
        assert (out.reason, out.topic, out.payload) == (reason, topic, payload)
        assert out.detail


def test_unauthorised_details_say_why(handler: MessageHandler) -> None:
    unknown = handler.handle(f"hj212/{STRANGER.mn}", hourly_packet(STRANGER, 0), NOW)
    wrong = handler.handle(f"hj212/{SITE.mn}", hourly_packet(SITE, 0, pw="nope"), NOW)
    assert isinstance(unknown, Rejected) and unknown.detail == f"MN {STRANGER.mn} is not registered"
    assert isinstance(wrong, Rejected) and "PW does not match" in wrong.detail
    assert wrong.mn == SITE.mn


def test_authorisation_comes_before_the_topic_check(handler: MessageHandler) -> None:
    out = handler.handle(f"hj212/{OTHER.mn}", hourly_packet(SITE, 0, pw="nope"), NOW)
    assert isinstance(out, Rejected) and out.reason == "unauthorised"


def test_callable_authoriser_and_any_topic() -> None:
    h = MessageHandler(lambda mn, pw: pw == "ok", topic_template="")
    assert isinstance(h.handle("anything/here", hourly_packet(SITE, 0, pw="ok"), NOW), Accepted)
    out = h.handle("x", hourly_packet(SITE, 0, pw="no"), NOW)
    assert isinstance(out, Rejected) and out.reason == "unauthorised"


def test_topic_that_does_not_fit_the_template(handler: MessageHandler) -> None:
    out = handler.handle("other/prefix", hourly_packet(SITE, 0), NOW)
    assert isinstance(out, Rejected) and out.reason == "topic-mismatch"
    assert "does not fit the template hj212/{mn}" in out.detail


def test_topic_template_parsing() -> None:
    t = TopicTemplate.parse("plant/{mn}/data")
    assert t is not None
    assert t.mn_of("plant/A1/data") == "A1"
    assert t.mn_of("plant/A1/x/data") is None and t.mn_of("plant//data") is None
    assert TopicTemplate.parse("") is None
    with pytest.raises(ValueError, match="must contain"):
        TopicTemplate.parse("hj212/#")


def test_broker_urls() -> None:
    u = parse_broker_url("mqtt://ingest:p%40ss@broker.example")
    assert (u.host, u.port, u.tls, u.username, u.password, u.protocol) == (
        "broker.example", 1883, False, "ingest", "p@ss", "5",
    )  # fmt: skip
    assert "p@ss" not in repr(u) and "p@ss" not in str(u)
    s = parse_broker_url("mqtts://h:8884?protocol=3.1.1")
    assert (s.port, s.tls, s.protocol) == (8884, True, "3.1.1")
    assert parse_broker_url("mqtts://h").port == 8883
    for bad, msg in [
        ("http://h", "scheme 'http' not supported"),
        ("mqtt://", "no host"),
        ("mqtt://u:secret@h:99999", "mqtt://host:1883"),
        ("mqtt://h?protocol=4.0", "protocol='4.0'"),
    ]:
        with pytest.raises(ValueError, match="broker URL") as info:
            parse_broker_url(bad)
        assert msg in str(info.value) and "secret" not in str(info.value)


def test_broker_url_ca_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"CA file .* not found"):
        parse_broker_url("mqtts://h", ca_file=tmp_path / "none.pem")
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    assert parse_broker_url("mqtts://h", ca_file=ca).ca_file == ca


def test_a_sinks_counters_survive_its_workers_restart() -> None:
    """A worker's sink reports cumulative counters; a restarted worker's sink starts from zero,
    so the exposition adds the dead ones' totals (a counter never goes back) and gauges do not."""
    m = Metrics()
    m.sink_reported([("live_passes", "counter", "passes", 5.0), ("live_off", "gauge", "off", 0.0)])
    m.sink_restarted()
    got = samples(m.prometheus_text())  # the new worker has not reported yet
    assert (
        got["outlet_watch_live_passes_total", ()] == 5 and ("outlet_watch_live_off", ()) not in got
    )
    m.sink_reported([("live_passes", "counter", "passes", 2.0), ("live_off", "gauge", "off", 1.0)])
    got = samples(m.prometheus_text())
    assert got["outlet_watch_live_passes_total", ()] == 7 and got["outlet_watch_live_off", ()] == 1
    live = Metrics()  # a sink in the daemon's own process is read at scrape time
    figures = [("live_findings", "counter", "findings", 1.0)]
    live.sink_source = lambda: figures
    assert samples(live.prometheus_text())["outlet_watch_live_findings_total", ()] == 1
    figures[0] = ("live_findings", "counter", "findings", 4.0)
    assert samples(live.prometheus_text())["outlet_watch_live_findings_total", ()] == 4


def test_metrics_text_endpoint_and_json_logs() -> None:
    m = Metrics()
    m.add(received=3)
    m.committed(seconds=0.01, stored=12, duplicates=1, conflicts=0, quarantined={"crc": 2}, acked=3)
    m.committed(seconds=2.0, stored=0, duplicates=0, conflicts=0, quarantined={}, acked=0)
    got = samples(m.prometheus_text())
    assert got["outlet_watch_received_total", ()] == 3
    assert got["outlet_watch_quarantined_total", (("reason", "crc"),)] == 2
    # commit latency is a histogram: one commit under 25 ms, one of 2 s
    assert got["outlet_watch_commit_seconds_count", ()] == 2
    assert got["outlet_watch_commit_seconds_bucket", (("le", "0.025"),)] == 1
    assert got["outlet_watch_commit_seconds_bucket", (("le", "2.5"),)] == 2
    assert got["outlet_watch_commit_seconds_sum", ()] == pytest.approx(2.01)
    assert Metrics().prometheus_text() != m.prometheus_text()  # each daemon its own registry
    server = m.serve(free_port())
    try:
        port = server.server_address[1]
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        assert samples(body)["outlet_watch_stored_total", ()] == 12
    finally:
        server.shutdown()
    record = logging.LogRecord("ingest.daemon", logging.INFO, "", 0, "stats", (), None)
    record.fields = m.snapshot()
    line = JsonFormatter().format(record)
    obj = json.loads(line)
    assert obj["event"] == "stats" and obj["stored"] == 12 and obj["quarantined"] == {"crc": 2}
    assert "\n" not in line


def test_a_reading_from_the_future_is_quarantined(handler: MessageHandler) -> None:
    """A device whose clock runs ahead would store today's values under tomorrow's keys (and
    tomorrow's real values would then be conflicts): more than an hour ahead is refused."""
    payload = hourly_packet(SITE, 3)  # 2026-11-01 03:00 UTC
    day_before = datetime(2026, 10, 31, tzinfo=UTC)
    out = handler.handle(f"hj212/{SITE.mn}", payload, day_before)
    assert isinstance(out, Rejected) and out.reason == "field"
    assert "set the device's clock" in out.detail
    just_before = datetime(2026, 11, 1, 2, 30, tzinfo=UTC)  # 30 min of clock drift is fine
    assert isinstance(handler.handle(f"hj212/{SITE.mn}", payload, just_before), Accepted)
