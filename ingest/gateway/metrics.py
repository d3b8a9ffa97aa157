"""The gateway's counters, a PUBACK latency histogram and their Prometheus exposition.

Counters are plain integers changed only on the gateway's event loop (the hot path pays an
addition, not a lock); prometheus_client writes the exposition from this gateway's own registry,
reading them at scrape time through :meth:`GatewayMetrics.collect` from the HTTP endpoint's
thread, which may show one counter a packet ahead of another, never a torn value.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any, Final

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from ingest.metrics import serve_metrics

__all__ = ["GatewayMetrics", "Histogram"]

#: PUBACK latency buckets (seconds).
PUBACK_BUCKETS: Final = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
)  # fmt: skip


class Histogram:
    """A cumulative Prometheus histogram over fixed upper bounds."""

    __slots__ = ("bounds", "count", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...] = PUBACK_BUCKETS) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)
        self.count = 0
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, value)] += 1
        self.count += 1
        self.sum += value

    def quantile(self, q: float) -> float:
        """The upper bound of the bucket holding quantile ``q`` (0 without observations)."""
        if not self.count:
            return 0.0
        rank = q * self.count
        seen = 0
        for bound, n in zip((*self.bounds, float("inf")), self.counts, strict=True):
            seen += n
            if seen >= rank:
                return bound
        return float("inf")


class GatewayMetrics:
    """Counters of one gateway (see ``docs/gateway.md`` for their meaning)."""

    def __init__(self) -> None:
        self.started = time.time()
        self.connections_accepted = 0
        self.connections_refused = 0  # over max_connections
        self.closed: Counter[str] = Counter()  # by reason
        self.open_connections = 0
        self.paused_connections = 0
        self.packets = 0  # well-framed packets taken (authorised when --sites)
        self.published = 0
        self.acked = 0  # PUBACKs received
        self.publish_failed = 0  # refused by paho or by the broker (PUBACK reason >= 0x80)
        self.responses: Counter[str] = Counter()  # by CN
        self.refusals: Counter[str] = Counter()  # by reason
        self.undecodable: Counter[str] = Counter()  # by codec reason
        self.heartbeats = 0
        self.heartbeats_unpublished = 0  # not handed on: the broker was away
        self.commands: Counter[str] = Counter()  # by outcome
        self.bytes_in = 0
        self.bytes_out = 0
        self.inflight = 0
        self.broker_connected = False
        self.puback_seconds = Histogram()
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def snapshot(self) -> dict[str, Any]:
        """Every counter as plain values (for the stats log line)."""
        h = self.puback_seconds
        return {
            "connections_open": self.open_connections,
            "connections_accepted": self.connections_accepted,
            "connections_refused": self.connections_refused,
            "connections_paused": self.paused_connections,
            "closed": dict(self.closed),
            "packets": self.packets,
            "published": self.published,
            "acked": self.acked,
            "publish_failed": self.publish_failed,
            "inflight": self.inflight,
            "responses": dict(self.responses),
            "refusals": dict(self.refusals),
            "undecodable": dict(self.undecodable),
            "heartbeats": self.heartbeats,
            "heartbeats_unpublished": self.heartbeats_unpublished,
            "commands": dict(self.commands),
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "broker_connected": self.broker_connected,
            "puback_p50_s": h.quantile(0.5),
            "puback_p99_s": h.quantile(0.99),
            "uptime_s": round(time.time() - self.started, 3),
        }

    def prometheus_text(self) -> str:
        """The metrics in the Prometheus text exposition format (prefix ``outlet_watch_gateway_``),
        written by prometheus_client from this gateway's own registry."""
        return generate_latest(self.registry).decode()

    def collect(self) -> Iterator[Metric]:
        """prometheus_client's collector interface: every counter, gauge and the histogram."""
        p = "outlet_watch_gateway_"

        def one(name: str, kind: str, help_: str, value: float) -> Metric:
            family = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            return family(p + name, help_, value=float(value))

        def labelled(name: str, help_: str, label: str, values: Counter[str]) -> Metric:
            family = CounterMetricFamily(p + name, help_, labels=[label])
            for key, n in sorted(values.items()):
                family.add_metric([key], n)
            return family

        yield one("connections", "gauge", "Device connections open", self.open_connections)
        yield one("connections_paused", "gauge", "Connections not read (back-pressure)",
                  self.paused_connections)  # fmt: skip
        yield one("connections_accepted", "counter", "Device connections accepted",
                  self.connections_accepted)  # fmt: skip
        yield one("connections_refused", "counter", "Connections refused over the limit",
                  self.connections_refused)  # fmt: skip
        yield labelled("connections_closed", "Connections closed, by reason", "reason",
                       self.closed)  # fmt: skip
        yield one("packets", "counter", "Well-framed packets taken from devices", self.packets)
        yield one("published", "counter", "Packets published to the broker", self.published)
        yield one("acked", "counter", "PUBACKs received from the broker", self.acked)
        yield one("publish_failed", "counter", "Packets the client or the broker refused",
                  self.publish_failed)  # fmt: skip
        yield one("inflight", "gauge", "Packets published, awaiting their PUBACK", self.inflight)
        yield labelled("responses", "Answers written to devices, by CN", "cn", self.responses)
        yield labelled("refusals", "Packets refused, by reason", "reason", self.refusals)
        yield labelled("undecodable", "Undecodable frames, by codec reason", "reason",
                       self.undecodable)  # fmt: skip
        yield one("heartbeats", "counter", "Heartbeat packets", self.heartbeats)
        yield one("heartbeats_unpublished", "counter", "Heartbeats not handed on (broker away)",
                  self.heartbeats_unpublished)  # fmt: skip
        yield labelled("commands", "Commands from the broker, by outcome", "outcome",
                       self.commands)  # fmt: skip
        yield one("bytes_in", "counter", "Bytes read from devices", self.bytes_in)
        yield one("bytes_out", "counter", "Bytes written to devices", self.bytes_out)
        yield one("broker_connected", "gauge", "1 when connected to the broker",
                  int(self.broker_connected))  # fmt: skip
        h = self.puback_seconds
        cumulative, buckets = 0, []
        for bound, n in zip(h.bounds, h.counts, strict=False):
            cumulative += n
            buckets.append((repr(float(bound)), cumulative))
        buckets.append(("+Inf", h.count))
        yield HistogramMetricFamily(
            p + "puback_seconds", "Time from publish to the broker's PUBACK",
            buckets=buckets, sum_value=h.sum,
        )  # fmt: skip

    def serve(self, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
        """Serve ``/metrics`` on ``host:port`` in a daemon thread; ``server.shutdown()`` stops it."""
        return serve_metrics(self.prometheus_text, port, host, "gateway-metrics")
