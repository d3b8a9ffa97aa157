"""paho-mqtt (its own network thread) on one side, the gateway's asyncio loop on the other.

- :meth:`BrokerBridge.publish` is called on the loop: QoS 1, returns paho's message id (or None
  when paho refused the message outright). While the broker is away paho keeps the message and
  sends it again after the reconnect; its PUBACK then comes as for any other.
- PUBACKs arrive on paho's thread; they are appended to a queue and the loop is woken with
  ``loop.call_soon_threadsafe`` once per burst (not once per PUBACK), then handed to ``on_acks``
  as ``[(mid, ok, monotonic time of arrival), ...]``. ``ok`` is False when an MQTT 5 broker
  answered with a failure reason code (>= 0x80): the packet was not taken.
- Commands (messages on the command filter) are handed to ``on_command(topic, payload)`` on the
  loop the same way.
- Connection state changes go to ``on_state(connected)`` on the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode

from ingest.broker_url import BrokerURL

__all__ = ["BrokerBridge"]

log = logging.getLogger("ingest.gateway")

Ack = tuple[int, bool, float]


class BrokerBridge:
    """One paho client publishing for the gateway and receiving its commands."""

    def __init__(
        self,
        url: BrokerURL,
        loop: asyncio.AbstractEventLoop,
        *,
        client_id: str,
        on_acks: Callable[[list[Ack]], None],
        on_command: Callable[[str, bytes], None],
        on_state: Callable[[bool], None],
        command_filter: str | None,
        max_inflight: int,
        keepalive_s: int = 30,
    ) -> None:
        self.url = url
        self.loop = loop
        self.keepalive_s = keepalive_s
        self.command_filter = command_filter
        self._on_acks = on_acks
        self._on_command = on_command
        self._on_state = on_state
        self._acks: deque[Ack] = deque()
        self._scheduled = False
        self._lock = threading.Lock()
        self.connected = False
        self.subscribed = command_filter is None
        self._stopping = False
        v5 = url.protocol == "5"
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
            clean_session=None if v5 else True,
        )
        if url.username is not None:
            client.username_pw_set(url.username, url.password)
        if url.tls:
            client.tls_set(
                ca_certs=str(url.ca_file) if url.ca_file else None, cert_reqs=ssl.CERT_REQUIRED
            )
        client.reconnect_delay_set(1, 30)
        client.max_inflight_messages_set(max_inflight)
        client.max_queued_messages_set(0)  # bounded by the gateway's own in-flight limit
        client.on_connect = self._connected
        client.on_connect_fail = self._connect_failed
        client.on_disconnect = self._disconnected
        client.on_publish = self._puback
        client.on_message = self._message
        client.on_subscribe = self._suback
        self.client = client

    # -- the loop's side -------------------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background (reconnecting forever) and start paho's thread."""
        self.client.connect_async(self.url.host, self.url.port, self.keepalive_s)
        self.client.loop_start()

    def stop(self) -> None:
        self._stopping = True
        self.client.disconnect()
        self.client.loop_stop()

    def publish(self, topic: str, payload: bytes) -> int | None:
        """Publish at QoS 1; the message id, or None when paho refused the message."""
        info = self.client.publish(topic, payload, qos=1)
        if info.rc in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN):
            return info.mid  # NO_CONN: kept by paho, sent after the reconnect
        log.error(
            "publish refused by the MQTT client",
            extra={"fields": {"event": "publish_refused", "topic": topic, "rc": str(info.rc)}},
        )
        return None

    def _drain(self) -> None:
        with self._lock:
            self._scheduled = False
            acks = list(self._acks)
            self._acks.clear()
        if acks:
            self._on_acks(acks)

    # -- paho's thread ---------------------------------------------------------------------------

    def _puback(self, _c: mqtt.Client, _u: Any, mid: int, reason: Any, _p: Any) -> None:
        ok = not getattr(reason, "is_failure", False)
        with self._lock:
            self._acks.append((mid, ok, time.monotonic()))
            if self._scheduled:
                return
            self._scheduled = True
        self._call(self._drain)

    def _call(self, fn: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the gateway has stopped
            self.loop.call_soon_threadsafe(fn, *args)

    def _message(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        self._call(self._on_command, msg.topic, bytes(msg.payload))

    def _connected(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            log.error(
                "broker refused the connection",
                extra={"fields": {"event": "connect_refused", "reason": str(reason),
                                  "broker": str(self.url)}},
            )  # fmt: skip
            return
        self.connected = True
        receive_max = getattr(props, "ReceiveMaximum", None) if props is not None else None
        if receive_max is not None and receive_max < client.max_inflight_messages:
            # MQTT 5: the broker takes at most that many unacknowledged QoS 1 messages; paho keeps
            # the others queued (the gateway's own limit still bounds them). paho offers no
            # setter while connected; between two positive values the change is safe.
            client._max_inflight_messages = int(receive_max)
            log.info(
                "the broker takes at most this many unacknowledged messages at once",
                extra={"fields": {"event": "receive_maximum", "broker_limit": receive_max}},
            )
        if self.command_filter is not None:
            self.subscribed = False
            client.subscribe(self.command_filter, qos=1)
        log.info(
            "connected to the broker",
            extra={"fields": {"event": "broker_connected", "broker": str(self.url)}},
        )
        self._call(self._on_state, True)

    def _suback(self, _c: mqtt.Client, _u: Any, _mid: int, reasons: list[Any], _p: Any) -> None:
        failed = [r for r in reasons if getattr(r, "is_failure", False)]
        if failed:
            log.error(
                "command subscription refused",
                extra={"fields": {"topic": self.command_filter, "reason": str(failed[0])}},
            )
            return
        self.subscribed = True

    def _connect_failed(self, _c: mqtt.Client, _u: Any) -> None:
        log.warning(
            "cannot reach the broker; retrying", extra={"fields": {"broker": str(self.url)}}
        )

    def _disconnected(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected = False
        self.subscribed = self.command_filter is None
        if not self._stopping:
            log.warning(
                "disconnected from the broker; packets wait for the reconnect",
                extra={"fields": {"event": "broker_disconnected", "reason": str(reason)}},
            )
        self._call(self._on_state, False)
