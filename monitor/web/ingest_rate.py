"""Messages per second of the ingest daemon, from its Prometheus endpoint (``metrics_port``).

The database cannot tell the receive rate cheaply (``received_at`` is not indexed), the daemon's
counters can: each :meth:`IngestRate.sample` reads ``outlet_watch_received_total`` and
``outlet_watch_stored_total`` from ``url`` (at most ``timeout_s``), keeps the samples of the last
``window_s`` seconds and reports the rates between the oldest kept sample and now (None until two
samples at least one second apart exist, or when a counter went down: the daemon restarted).
The clock is :func:`time.monotonic` unless another is given (tests pass their own).
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from typing import Any

__all__ = ["IngestRate", "parse_counters"]

_NAMES = {"outlet_watch_received_total": "received", "outlet_watch_stored_total": "stored"}


def parse_counters(text: str) -> dict[str, float]:
    """``received`` and ``stored`` from a Prometheus text exposition (missing ones left out)."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in _NAMES:
            try:
                out[_NAMES[name]] = float(value.strip())
            except ValueError:
                continue
    return out


class IngestRate:
    """Samples the daemon's counters at ``url`` (``http://127.0.0.1:9108/metrics``)."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 0.3,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self.window_s = window_s
        self.clock = clock
        self._samples: deque[tuple[float, float, float]] = deque()
        self._lock = threading.Lock()

    def sample(self) -> dict[str, Any]:
        """``{"reachable", "received_total", "stored_total", "messages_per_s",
        "readings_per_s"}`` (rates None until they can be computed)."""
        try:
            with urllib.request.urlopen(self.url, timeout=self.timeout_s) as resp:
                counters = parse_counters(resp.read().decode("utf-8", "replace"))
        except (OSError, urllib.error.URLError, ValueError):
            return {"reachable": False, "url": self.url}
        now = self.clock()
        received, stored = counters.get("received", 0.0), counters.get("stored", 0.0)
        with self._lock:
            if self._samples and (received < self._samples[-1][1] or stored < self._samples[-1][2]):
                self._samples.clear()  # the daemon restarted: counters began again
            while self._samples and now - self._samples[0][0] > self.window_s:
                self._samples.popleft()
            first = self._samples[0] if self._samples else None
            self._samples.append((now, received, stored))
        rates: dict[str, float | None] = {"messages_per_s": None, "readings_per_s": None}
        if first is not None and now - first[0] >= 1.0:
            dt = now - first[0]
            rates = {
                "messages_per_s": (received - first[1]) / dt,
                "readings_per_s": (stored - first[2]) / dt,
            }
        return {
            "reachable": True,
            "url": self.url,
            "received_total": received,
            "stored_total": stored,
            **rates,
        }
