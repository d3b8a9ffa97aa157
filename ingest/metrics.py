"""Daemon counters, structured (JSON Lines) logging and an optional Prometheus endpoint.

Counters: ``received`` messages, ``stored`` / ``duplicates`` / ``conflicts`` readings,
``quarantined`` messages by reason, ``deviations``: committed messages that bent the HJ 212
standard, by MN and deviation tag (``upper-case-fields``, ...), ``acked`` messages, ``batches``,
``commit_failures``, commit latency (last, max, total seconds, and the histogram
``outlet_watch_commit_seconds``), ``queue`` depth and ``connected``; and whatever the sink reports
about the work behind it (:func:`ingest.sink.sink_metrics`: live detection's passes, findings,
leads, alerts and latency), read from the sink at scrape time or, with a worker process, as it
reported them with its last reply (at least once a second); a restarted worker's sink starts its
counters again from zero, so the counts of the dead ones are kept and added.

The exposition is prometheus_client's (each :class:`Metrics` has its own registry, so several
daemons in one process do not mix): the counters are read under the lock at scrape time by a
collector, the commit latency is a real histogram (buckets from 1 ms to 30 s), so a scrape gives
its quantiles rather than a last and a maximum. :func:`setup_logging` writes one JSON object per
line when stderr is not a terminal, readable lines when it is; ``log.info("event",
extra={"fields": {...}})`` adds fields to the object.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from ingest.sink import SinkMetric

__all__ = ["JsonFormatter", "Metrics", "setup_logging"]


class Metrics:
    """Thread-safe counters of one daemon."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.received = 0
        self.stored = 0
        self.duplicates = 0
        self.conflicts = 0
        self.acked = 0
        self.batches = 0
        self.commit_failures = 0
        self.worker_restarts = 0
        self.commit_seconds_total = 0.0
        self.commit_seconds_last = 0.0
        self.commit_seconds_max = 0.0
        self.quarantined: dict[str, int] = {}
        self.deviations: dict[tuple[str, str], int] = {}
        self.queue = 0
        self.connected = False
        self.started = time.time()
        #: the sink's own figures: read at scrape time from ``sink_source`` when set (the sink
        #: lives in this process), else the last ``sink_reported`` (a worker process's sink)
        self.sink_source: Callable[[], list[SinkMetric]] | None = None
        self._sink: list[SinkMetric] = []
        self._sink_dead: dict[str, tuple[str, float]] = {}  # counter -> (help, total)
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(_Collector(self))
        self.commit_seconds = Histogram(
            "outlet_watch_commit_seconds",
            "Latency of batch commits (decode, store, acknowledge)",
            buckets=COMMIT_BUCKETS,
            registry=self.registry,
        )

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def committed(
        self,
        *,
        seconds: float,
        stored: int,
        duplicates: int,
        conflicts: int,
        quarantined: dict[str, int],
        acked: int,
        deviations: dict[tuple[str, str], int] | None = None,
    ) -> None:
        with self._lock:
            for key, n in (deviations or {}).items():
                self.deviations[key] = self.deviations.get(key, 0) + n
            self.batches += 1
            self.stored += stored
            self.duplicates += duplicates
            self.conflicts += conflicts
            self.acked += acked
            for reason, n in quarantined.items():
                self.quarantined[reason] = self.quarantined.get(reason, 0) + n
            self.commit_seconds_total += seconds
            self.commit_seconds_last = seconds
            self.commit_seconds_max = max(self.commit_seconds_max, seconds)
        self.commit_seconds.observe(seconds)

    def sink_reported(self, figures: list[SinkMetric]) -> None:
        """The sink's figures as a worker process reported them with its last reply."""
        with self._lock:
            self._sink = list(figures)

    def sink_restarted(self) -> None:
        """The worker (and its sink) died: keep its counters' totals, the next sink counts anew."""
        with self._lock:
            for name, kind, help_, value in self._sink:
                if kind == "counter":
                    self._sink_dead[name] = (help_, self._sink_dead.get(name, ("", 0.0))[1] + value)
            self._sink = []

    def sink_figures(self) -> list[SinkMetric]:
        """The sink's figures now, counters including those of dead workers' sinks."""
        figures = self.sink_source() if self.sink_source is not None else None
        with self._lock:
            current = self._sink if figures is None else figures
            dead = dict(self._sink_dead)
        out = [
            (n, k, h, v + dead.pop(n, ("", 0.0))[1] if k == "counter" else v)
            for n, k, h, v in current
        ]
        return out + [(n, "counter", h, v) for n, (h, v) in sorted(dead.items())]

    def _deviations_by_tag(self) -> dict[str, int]:
        """Committed messages per deviation tag, over every MN (the stats log line's view; the
        per-MN counts are in :attr:`deviations` and the Prometheus text). Holds the lock."""
        out: dict[str, int] = {}
        for (_, tag), n in self.deviations.items():
            out[tag] = out.get(tag, 0) + n
        return out

    def snapshot(self) -> dict[str, Any]:
        """All counters as plain values."""
        with self._lock:
            return {
                "received": self.received,
                "stored": self.stored,
                "duplicates": self.duplicates,
                "conflicts": self.conflicts,
                "quarantined": dict(self.quarantined),
                "deviations": self._deviations_by_tag(),
                "acked": self.acked,
                "batches": self.batches,
                "commit_failures": self.commit_failures,
                "worker_restarts": self.worker_restarts,
                "commit_seconds_last": round(self.commit_seconds_last, 6),
                "commit_seconds_max": round(self.commit_seconds_max, 6),
                "commit_seconds_total": round(self.commit_seconds_total, 6),
                "queue": self.queue,
                "connected": self.connected,
                "uptime_s": round(time.time() - self.started, 3),
            }

    def prometheus_text(self) -> str:
        """The metrics in the Prometheus text exposition format (prometheus_client's)."""
        return generate_latest(self.registry).decode()

    def serve(self, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
        """Serve ``/metrics`` on ``host:port`` in a daemon thread; ``server.shutdown()`` stops it."""
        return serve_metrics(self.prometheus_text, port, host, "metrics-http")


#: Commit latency buckets (seconds): a healthy SQLite commit of a batch is milliseconds, a slow
#: PostgreSQL or a locked file seconds.
COMMIT_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

#: (name, kind, help) of the counters and gauges read from :meth:`Metrics.snapshot` at scrape time.
_SERIES: Final = (
    ("received", "counter", "MQTT messages received"),
    ("stored", "counter", "Readings newly stored"),
    ("duplicates", "counter", "Redelivered readings (no-ops)"),
    ("conflicts", "counter", "Readings refused as conflicts"),
    ("acked", "counter", "MQTT messages acknowledged"),
    ("batches", "counter", "Committed batches"),
    ("commit_failures", "counter", "Failed commit attempts"),
    ("worker_restarts", "counter", "Worker processes restarted after dying"),
    ("commit_seconds_last", "gauge", "Latency of the last commit"),
    ("queue", "gauge", "Messages received, not yet committed"),
    ("connected", "gauge", "1 when connected to the broker"),
)


class _Collector:
    """Reads a :class:`Metrics`' counters under its lock when Prometheus scrapes."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        s = self.metrics.snapshot()
        for name, kind, help_ in _SERIES:
            family = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            yield family(f"outlet_watch_{name}", help_, value=float(s[name]))
        quarantined = CounterMetricFamily(
            "outlet_watch_quarantined", "Messages quarantined, by reason", labels=["reason"]
        )
        for reason, n in sorted(s["quarantined"].items()):
            quarantined.add_metric([reason], n)
        yield quarantined
        deviations = CounterMetricFamily(
            "outlet_watch_deviations",
            "Committed messages that bent the HJ 212 standard, by MN and deviation",
            labels=["mn", "deviation"],
        )
        with self.metrics._lock:
            by_mn = sorted(self.metrics.deviations.items())
        for (mn, tag), n in by_mn:
            deviations.add_metric([mn, tag], n)
        yield deviations
        for name, kind, help_, value in self.metrics.sink_figures():
            family = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            yield family(f"outlet_watch_{name}", help_, value=float(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts (UTC ISO), level, logger, event, and ``extra['fields']``."""

    def format(self, record: logging.LogRecord) -> str:
        obj: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            obj.update(fields)
        if record.exc_info:
            obj["error"] = self.formatException(record.exc_info)
        return json.dumps(obj, ensure_ascii=False, default=str)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        return line


def setup_logging(level: int = logging.INFO, *, json_lines: bool | None = None) -> None:
    """Log to stderr: JSON Lines unless stderr is a terminal (or ``json_lines`` says otherwise)."""
    if json_lines is None:
        json_lines = not sys.stderr.isatty()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else _TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def serve_metrics(
    text: Callable[[], str], port: int, host: str = "127.0.0.1", thread_name: str = "metrics-http"
) -> ThreadingHTTPServer:
    """Serve ``text()`` (Prometheus text format) as ``/metrics`` on ``host:port`` in a daemon
    thread (the daemon's and the gateway's endpoint); ``server.shutdown()`` stops it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            body = text().encode()
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE_LATEST)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name=thread_name, daemon=True).start()
    return server
