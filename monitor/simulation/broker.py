"""An embedded MQTT broker (amqtt) on 127.0.0.1 for a single machine, the demo and tests.

Mosquitto is the production broker (see ``deploy/mosquitto.conf``). amqtt 0.12 is good enough for a
single machine, with these known limits:

- MQTT 3.1.1 only: clients must connect with ``protocol=MQTTv311`` (no MQTT 5 session expiry, no
  Receive Maximum flow control); the daemon picks 3.1.1 for ``--broker embedded``.
- Queued messages live in memory only: a broker restart loses every message queued for an offline
  session (Mosquitto with ``persistence true`` keeps them).
- A session's packet ids wrap at 65,535: more than 65,535 messages pending for one offline client
  cannot be queued (amqtt raises "More than 65535 messages pending").
- amqtt keeps no queue for *anonymous* sessions even with ``clean_session=False``. Its stock
  ``AnonymousAuthPlugin`` marks every client anonymous, so this module installs
  :class:`AcceptLocalClientsPlugin`, which accepts every client on the (loopback) listener without
  marking it anonymous, so persistent sessions keep their queue while the daemon is down.
- No shared subscriptions (``$share/...``): run one daemon per embedded broker.
- Stock amqtt 0.12 *discards* an outgoing QoS 1 message that is not acknowledged within 5 seconds,
  or whose subscriber disconnects before acknowledging it (it pops it from the session's in-flight
  table in a ``finally``). A daemon that acknowledges only after committing, and is killed or
  waits for a locked database, would lose those messages. :func:`patch_amqtt_qos1` (applied by
  :class:`EmbeddedBroker`) keeps such a message in flight until it is acknowledged, so it is
  redelivered when the session reconnects, and accepts a late PUBACK.

Use :class:`EmbeddedBroker` (a context manager running the broker's event loop in a thread), or run
``python -m monitor.simulation.broker --port 1883`` as a process (stops cleanly on SIGTERM/SIGINT).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import threading
import time
from types import TracebackType
from typing import Any

import amqtt
from amqtt.broker import Broker
from amqtt.mqtt.protocol.handler import OUTGOING, ProtocolHandler
from amqtt.plugins.base import BaseAuthPlugin
from amqtt.session import Session

__all__ = [
    "AcceptLocalClientsPlugin",
    "EmbeddedBroker",
    "broker_config",
    "main",
    "patch_amqtt_qos1",
]

log = logging.getLogger(__name__)


class AcceptLocalClientsPlugin(BaseAuthPlugin):
    """Accept every client, without marking its session anonymous (so its queue is kept)."""

    async def authenticate(self, *, session: Session) -> bool | None:
        session.is_anonymous = False
        return True


_PATCHED = False


def patch_amqtt_qos1() -> None:
    """Make amqtt keep an outgoing QoS 1 message until its PUBACK arrives (see module docstring).

    Only amqtt 0.12.x is patched (the code this replaces is known); other versions are left alone.
    """
    global _PATCHED
    if _PATCHED or not getattr(amqtt, "__version__", "").startswith("0.12."):
        return
    original_flow = ProtocolHandler._handle_qos1_message_flow

    async def qos1_flow(self: ProtocolHandler, app_message: Any) -> None:
        if app_message.direction != OUTGOING or self.session is None:
            await original_flow(self, app_message)
            return
        packet_id = app_message.packet_id
        self.session.inflight_out.setdefault(packet_id, app_message)
        packet = app_message.build_publish_packet(dup=app_message.publish_packet is not None)
        await self._send_packet(packet)
        app_message.publish_packet = packet
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._puback_waiters[packet_id] = waiter
        try:
            app_message.puback_packet = await waiter  # no timeout: in flight until acknowledged
        finally:
            self._puback_waiters.pop(packet_id, None)
        self.session.inflight_out.pop(packet_id, None)

    async def handle_puback(self: ProtocolHandler, puback: Any) -> None:
        packet_id = puback.variable_header.packet_id
        waiter = self._puback_waiters.get(packet_id)
        if waiter is not None and not waiter.done():
            waiter.set_result(puback)
        elif self.session is not None:
            self.session.inflight_out.pop(packet_id, None)  # a late acknowledgement

    ProtocolHandler._handle_qos1_message_flow = qos1_flow  # type: ignore[method-assign]
    ProtocolHandler.handle_puback = handle_puback  # type: ignore[method-assign]
    _PATCHED = True


def broker_config(host: str = "127.0.0.1", port: int = 1883) -> dict[str, Any]:
    """amqtt configuration: one TCP listener on ``host:port``, the accept-all auth plugin."""
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}", "max_connections": 0}},
        "plugins": {f"{__name__}.AcceptLocalClientsPlugin": {}},
    }


class EmbeddedBroker:
    """amqtt running in a background thread with its own event loop.

    ``port=0`` picks a free port; read it back from :attr:`port` after :meth:`start`.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port or _free_port(host)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._broker: Broker | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        """``mqtt://host:port`` of the listener."""
        return f"mqtt://{self.host}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> EmbeddedBroker:
        """Start the broker; return once it accepts connections (raise RuntimeError otherwise)."""
        for noisy in ("amqtt", "transitions"):  # per-packet INFO chatter; warnings still show
            if logging.getLogger(noisy).level == logging.NOTSET:
                logging.getLogger(noisy).setLevel(logging.WARNING)
        self._thread = threading.Thread(target=self._run, name="amqtt-broker", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout_s) or self._error is not None:
            raise RuntimeError(
                f"embedded broker did not start on {self.host}:{self.port}: {self._error}"
            )
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._start())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        loop.close()

    async def _start(self) -> None:
        patch_amqtt_qos1()
        self._broker = Broker(broker_config(self.host, self.port))
        await self._broker.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Shut the broker down and join its thread (idempotent)."""
        loop, broker = self._loop, self._broker
        if loop is None or broker is None or not loop.is_running():
            return
        future = asyncio.run_coroutine_threadsafe(broker.shutdown(), loop)
        with contextlib.suppress(Exception):
            future.result(timeout_s)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout_s)
        self._broker = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    """Run the embedded broker until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description="Embedded amqtt broker (single machine, tests).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with EmbeddedBroker(args.host, args.port) as broker:
        print(f"amqtt broker listening on {broker.host}:{broker.port}", flush=True)
        while not stop.is_set():
            time.sleep(0.2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
