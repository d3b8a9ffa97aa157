"""The gateway's counters, a PUBACK latency histogram and their Prometheus text.

Counters are changed only on the gateway's event loop; the HTTP endpoint (a thread) reads them,
which may show one counter a packet ahead of another, never a torn value.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter
from http.server import ThreadingHTTPServer
from typing import Any, Final

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
        self.commands: Counter[str] = Counter()  # by outcome
        self.bytes_in = 0
        self.bytes_out = 0
        self.inflight = 0
        self.broker_connected = False
        self.puback_seconds = Histogram()

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
            "commands": dict(self.commands),
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "broker_connected": self.broker_connected,
            "puback_p50_s": h.quantile(0.5),
            "puback_p99_s": h.quantile(0.99),
            "uptime_s": round(time.time() - self.started, 3),
        }

    def prometheus_text(self) -> str:
        """The counters in the Prometheus text exposition format (prefix ``outlet_watch_gateway_``)."""
        lines: list[str] = []
        p = "outlet_watch_gateway_"

        def head(name: str, kind: str, help_: str) -> None:
            lines.append(f"# HELP {p}{name} {help_}")
            lines.append(f"# TYPE {p}{name} {kind}")

        def one(name: str, kind: str, help_: str, value: float) -> None:
            head(name, kind, help_)
            lines.append(f"{p}{name} {value}")

        def labelled(name: str, help_: str, label: str, values: Counter[str]) -> None:
            head(name, "counter", help_)
            for key, n in sorted(values.items()):
                lines.append(f'{p}{name}{{{label}="{key}"}} {n}')

        one("connections", "gauge", "Device connections open", self.open_connections)
        one("connections_paused", "gauge", "Connections not read (back-pressure)",
            self.paused_connections)  # fmt: skip
        one("connections_accepted_total", "counter", "Device connections accepted",
            self.connections_accepted)  # fmt: skip
        one("connections_refused_total", "counter", "Connections refused over the limit",
            self.connections_refused)  # fmt: skip
        labelled("connections_closed_total", "Connections closed, by reason", "reason",
                 self.closed)  # fmt: skip
        one("packets_total", "counter", "Well-framed packets taken from devices", self.packets)
        one("published_total", "counter", "Packets published to the broker", self.published)
        one("acked_total", "counter", "PUBACKs received from the broker", self.acked)
        one("publish_failed_total", "counter", "Packets the client or the broker refused",
            self.publish_failed)  # fmt: skip
        one("inflight", "gauge", "Packets published, awaiting their PUBACK", self.inflight)
        labelled("responses_total", "Answers written to devices, by CN", "cn", self.responses)
        labelled("refusals_total", "Packets refused, by reason", "reason", self.refusals)
        labelled("undecodable_total", "Undecodable frames, by codec reason", "reason",
                 self.undecodable)  # fmt: skip
        one("heartbeats_total", "counter", "Heartbeat packets", self.heartbeats)
        labelled("commands_total", "Commands from the broker, by outcome", "outcome",
                 self.commands)  # fmt: skip
        one("bytes_in_total", "counter", "Bytes read from devices", self.bytes_in)
        one("bytes_out_total", "counter", "Bytes written to devices", self.bytes_out)
        one("broker_connected", "gauge", "1 when connected to the broker",
            int(self.broker_connected))  # fmt: skip
        h = self.puback_seconds
        head("puback_seconds", "histogram", "Time from publish to the broker's PUBACK")
        cumulative = 0
        for bound, n in zip(h.bounds, h.counts, strict=False):
            cumulative += n
            lines.append(f'{p}puback_seconds_bucket{{le="{bound}"}} {cumulative}')
        lines.append(f'{p}puback_seconds_bucket{{le="+Inf"}} {h.count}')
        lines.append(f"{p}puback_seconds_sum {h.sum}")
        lines.append(f"{p}puback_seconds_count {h.count}")
        return "\n".join(lines) + "\n"

    def serve(self, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
        """Serve ``/metrics`` on ``host:port`` in a daemon thread; ``server.shutdown()`` stops it."""
        return serve_metrics(self.prometheus_text, port, host, "gateway-metrics")
