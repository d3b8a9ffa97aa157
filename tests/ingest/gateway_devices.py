"""Simulated HJ 212 data loggers (asyncio TCP clients) and an MQTT recorder for gateway tests.

:class:`Device` connects to the gateway, writes frames, and reads the gateway's answers with the
project's own :class:`ingest.hj212.StreamDecoder`; :class:`Recorder` is a QoS 1 subscriber that
keeps every message it receives. :func:`wait_until` polls a condition with a generous deadline
(no fixed sleeps).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from ingest.hj212 import Packet, StreamDecoder, encode_packet

T0 = datetime(2026, 11, 1, tzinfo=UTC)
POLLUTANTS = ("w01018", "w21003")


def data_packet(
    mn: str, pw: str, hour: int, *, flag: int | None = 5, cn: str = "2061", qn_ms: int = 0
) -> bytes:
    """An hourly packet of ``mn`` for ``T0 + hour`` (QN unique per hour and ``qn_ms``)."""
    local = T0 + timedelta(hours=hour + 8)  # Beijing wall time
    stamp = local.strftime("%Y%m%d%H%M%S")
    items = [(("DataTime", stamp),)]
    for j, code in enumerate(POLLUTANTS):
        value = 20.0 + hour % 13 + j
        items.append(((f"{code}-Avg", f"{value:.2f}"), (f"{code}-Flag", "N")))
    packet = Packet.build(
        qn=f"{stamp}{qn_ms:03d}", st="32", cn=cn, pw=pw, mn=mn, flag=flag, cp=tuple(items)
    )
    return encode_packet(packet)


def qn_of(frame: bytes) -> str:
    start = frame.index(b"QN=") + 3
    return frame[start : frame.index(b";", start)].decode()


async def wait_until(
    predicate: Callable[[], bool], timeout_s: float = 15.0, what: str = "condition"
) -> None:
    """Poll ``predicate`` every millisecond until true; AssertionError after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.001)


class Device:
    """One data logger connection: ``send`` frames; ``answers`` are the decoded packets the
    gateway wrote back (in order), ``raw`` the frames as received."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.answers: list[Packet] = []
        self.raw: list[bytes] = []
        self.eof = False
        self._task = asyncio.create_task(self._read())

    @classmethod
    async def connect(
        cls, port: int, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None
    ) -> Device:
        reader, writer = await asyncio.open_connection(host, port, ssl=tls)
        return cls(reader, writer)

    async def _read(self) -> None:
        decoder = StreamDecoder(max_length=None)
        try:
            while True:
                chunk = await self.reader.read(65536)
                if not chunk:
                    break
                for item in decoder.feed(chunk):
                    self.raw.append(item.raw)
                    if item.packet is not None:
                        self.answers.append(item.packet)
        except (ConnectionError, OSError):
            pass
        finally:
            self.eof = True

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    def acked(self, cn: str = "9014") -> set[str]:
        """QNs answered with ``cn``."""
        return {p.qn or "" for p in self.answers if p.cn == cn}

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


class Recorder:
    """A QoS 1 MQTT subscriber keeping ``(topic, payload)`` of every message received."""

    def __init__(self, host: str, port: int, client_id: str, topic: str) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        self.topic = topic
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
        client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
        client.on_subscribe = lambda *_: self._subscribed.set()
        client.on_message = self._message
        client.connect(host, port)
        client.loop_start()
        if not self._subscribed.wait(15):
            raise RuntimeError(f"recorder could not subscribe to {topic}")
        self.client = client

    def _message(self, _c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.messages.append((msg.topic, bytes(msg.payload)))

    def payloads(self) -> list[bytes]:
        with self._lock:
            return [p for _, p in self.messages]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
