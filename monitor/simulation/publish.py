"""Publish a simulation to an MQTT broker as HJ 212 hourly packets, as the outlets' devices would.

Used by ``monitor demo`` (accelerated time) and by the end-to-end tests. Each outlet's packets go
to ``hj212/{mn}`` with QoS 1 and the site's registered password.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping, Sequence

import paho.mqtt.client as mqtt
import pandas as pd
from paho.mqtt.enums import CallbackAPIVersion

from ingest.broker_url import BrokerURL, parse_broker_url
from ingest.encode import encode_readings
from ingest.reading import Reading
from monitor.config import DEFAULT_TIMEZONE
from monitor.simulation.fleet import Simulation

#: ``on_day(day_number, last_hour_of_that_day)`` after each simulated day is published.
OnDay = Callable[[int, pd.Timestamp], None]


def frame_readings(frame: pd.DataFrame) -> list[Reading]:
    """Hourly `Reading` records of a readings frame (DESIGN.md section 5 columns)."""
    ts = frame["ts"].dt.tz_convert("UTC")
    return [
        Reading(
            mn, pollutant, when.to_pydatetime(), "hour", None if pd.isna(v) else float(v), flag=f
        )
        for mn, pollutant, when, v, f in zip(
            frame["mn"], frame["pollutant"], ts, frame["value"], frame["flag"], strict=True
        )
    ]


def publish_simulation(
    sim: Simulation,
    passwords: Mapping[str, str],
    broker: str | BrokerURL,
    *,
    seconds: float = 0.0,
    tz: str = DEFAULT_TIMEZONE,
    topic: str = "hj212/{mn}",
    extra: Mapping[int, Sequence[tuple[str, bytes]]] | None = None,
    on_day: OnDay | None = None,
    client_id: str = "outlet-watch-simulated-devices",
) -> int:
    """Publish every hour of ``sim`` in time order, paced to take about ``seconds`` (0: as fast as
    the broker takes them); ``extra[h]`` messages go out after hour ``h``. Returns the number of
    messages published (every one acknowledged by the broker before returning)."""
    url = broker if isinstance(broker, BrokerURL) else parse_broker_url(broker)
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5 if url.protocol == "5" else mqtt.MQTTv311,
    )
    if url.username is not None:
        client.username_pw_set(url.username, url.password)
    if url.tls:
        client.tls_set(
            ca_certs=str(url.ca_file) if url.ca_file else None, cert_reqs=ssl.CERT_REQUIRED
        )
    client.max_inflight_messages_set(1000)
    client.connect(url.host, url.port)
    client.loop_start()
    hours = max(1, sim.days * 24)
    pace = seconds / hours
    extra = extra or {}
    published = 0
    pending: list[mqtt.MQTTMessageInfo] = []
    begin = time.monotonic()
    try:
        for h, (ts, frame) in enumerate(sim.hours()):
            for mn, rows in frame.groupby("mn", sort=True):
                pw = passwords.get(str(mn))
                for _, payload in encode_readings(frame_readings(rows), pw=pw, tz=tz):
                    pending.append(client.publish(topic.format(mn=mn), payload, qos=1))
            for where, payload in extra.get(h, ()):
                pending.append(client.publish(where, payload, qos=1))
            if len(pending) > 5000:
                published += _settle(pending)
            if on_day is not None and (h + 1) % 24 == 0:
                on_day((h + 1) // 24, ts)
            delay = begin + (h + 1) * pace - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        published += _settle(pending)
    finally:
        client.loop_stop()
        client.disconnect()
    return published


def _settle(pending: list[mqtt.MQTTMessageInfo], timeout_s: float = 60.0) -> int:
    """Wait until the broker acknowledged every pending message; returns how many there were."""
    n = len(pending)
    for info in pending:
        info.wait_for_publish(timeout_s)
    pending.clear()
    return n
