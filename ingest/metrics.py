"""Daemon counters, structured (JSON Lines) logging and an optional Prometheus text endpoint.

Counters: ``received`` messages, ``stored`` / ``duplicates`` / ``conflicts`` readings,
``quarantined`` messages by reason, ``deviations``: committed messages that bent the HJ 212
standard, by MN and deviation tag (``upper-case-fields``, ...), ``acked`` messages, ``batches``, ``commit_failures``, commit
latency (last, max, total seconds), ``queue`` depth and ``connected``. :func:`setup_logging`
writes one JSON object per line when stderr is not a terminal, readable lines when it is;
``log.info("event", extra={"fields": {...}})`` adds fields to the object.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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
        """The counters in the Prometheus text exposition format."""
        s = self.snapshot()
        lines = []

        def metric(name: str, kind: str, help_: str, value: float, labels: str = "") -> None:
            lines.append(f"# HELP outlet_watch_{name} {help_}")
            lines.append(f"# TYPE outlet_watch_{name} {kind}")
            lines.append(f"outlet_watch_{name}{labels} {value}")

        metric("received_total", "counter", "MQTT messages received", s["received"])
        metric("stored_total", "counter", "Readings newly stored", s["stored"])
        metric("duplicates_total", "counter", "Redelivered readings (no-ops)", s["duplicates"])
        metric("conflicts_total", "counter", "Readings refused as conflicts", s["conflicts"])
        metric("acked_total", "counter", "MQTT messages acknowledged", s["acked"])
        metric("batches_total", "counter", "Committed batches", s["batches"])
        metric("commit_failures_total", "counter", "Failed commit attempts", s["commit_failures"])
        metric(
            "worker_restarts_total",
            "counter",
            "Worker processes restarted after dying",
            s["worker_restarts"],
        )
        metric(
            "commit_seconds_total", "counter", "Time spent committing", s["commit_seconds_total"]
        )
        metric(
            "commit_seconds_last", "gauge", "Latency of the last commit", s["commit_seconds_last"]
        )
        metric("queue", "gauge", "Messages received, not yet committed", s["queue"])
        metric("connected", "gauge", "1 when connected to the broker", int(s["connected"]))
        lines.append("# HELP outlet_watch_quarantined_total Messages quarantined, by reason")
        lines.append("# TYPE outlet_watch_quarantined_total counter")
        for reason, n in sorted(s["quarantined"].items()):
            lines.append(f'outlet_watch_quarantined_total{{reason="{reason}"}} {n}')
        lines.append(
            "# HELP outlet_watch_deviations_total Committed messages that bent the HJ 212 "
            "standard, by MN and deviation"
        )
        lines.append("# TYPE outlet_watch_deviations_total counter")
        with self._lock:
            deviations = sorted(self.deviations.items())
        for (mn, tag), n in deviations:
            lines.append(f'outlet_watch_deviations_total{{mn="{mn}",deviation="{tag}"}} {n}')
        return "\n".join(lines) + "\n"

    def serve(self, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
        """Serve ``/metrics`` on ``host:port`` in a daemon thread; ``server.shutdown()`` stops it."""
        return serve_metrics(self.prometheus_text, port, host, "metrics-http")


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
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name=thread_name, daemon=True).start()
    return server
