"""The HJ 212 TCP gateway: data loggers connect here; each packet goes to MQTT (QoS 1) byte for
byte, and the device gets its ``CN=9014`` only once the broker has acknowledged the packet.

One asyncio event loop holds every device connection (:class:`DeviceConnection`, an
``asyncio.Protocol``; no thread per connection); paho's network thread talks to the broker
(:mod:`ingest.gateway.bridge`). Per connection:

1. bytes are framed by :class:`ingest.hj212.StreamDecoder` (split reads, several packets per read,
   garbage between packets);
2. an undecodable frame is counted and logged, never answered; ``max_errors`` of them in a row
   close the connection;
3. with a registry (``passwords``), an unknown MN or a wrong PW is refused: counted, logged,
   nothing published; a request asking for an answer gets ``9011`` with ``QnRtn=4`` (MN) or ``3``
   (PW), an upload gets no answer (the standard's only answer to it, 9014, would tell the device
   its data were taken);
4. the first accepted packet of an MN binds the MN to the connection; an older connection bound
   to the same MN is closed (the device reconnected);
5. the packet is published to the data topic; when the broker's PUBACK for it arrives and the
   packet's Flag has the A bit, ``9014`` (same QN, MN, PW) is written back. A packet the broker
   never acknowledges is never answered, so the device sends it again.

Protection: ``max_frame``; idle and read timeouts (checked by one sweep task, not a timer per
connection); a per-connection and a global limit on packets awaiting PUBACK, at which reading
stops (``transport.pause_reading``) until PUBACKs come back, so nothing is buffered without bound
while the broker is slow or away; ``max_connections``; ``max_write_buffer`` for devices that do
not read their answers.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
import time
from collections import deque
from collections.abc import Mapping
from typing import Any, Final

from ingest.errors import CodecError
from ingest.gateway.bridge import Ack, BrokerBridge
from ingest.gateway.metrics import GatewayMetrics
from ingest.gateway.settings import GatewaySettings
from ingest.hj212.packet import MAX_SEGMENT, Packet, read_segment, unframe
from ingest.hj212.response import QN_MN_ERROR, QN_PW_ERROR, data_ack, request_answer
from ingest.hj212.stream import StreamDecoder, StreamItem
from ingest.metrics import setup_logging
from ingest.reading import MN_FORMAT

__all__ = ["DeviceConnection", "Gateway", "run"]

log = logging.getLogger("ingest.gateway")

#: Header Flag bit A: the sender expects an answer.
FLAG_ANSWER: Final = 1
#: Global back-pressure ends when the packets awaiting PUBACK fall to this share of the limit.
_RESUME_SHARE: Final = 0.75


def wants_answer(packet: Packet) -> bool:
    """True when the packet's Flag has the A bit (no Flag: no answer)."""
    flag = packet.flag
    return flag is not None and bool(flag & FLAG_ANSWER)


def is_request(cn: str) -> bool:
    """A CN that 9011 answers: a request (1xxx, e.g. 1013, a device asking for the time); not a
    data upload (2xxx), a status upload (3xxx, e.g. 3020) or an answer (9xxx)."""
    return cn.startswith("1")


class _Pending:
    """A published packet awaiting its PUBACK: its connection, the packet to answer (None when
    its Flag asks for no answer) and when it was published."""

    __slots__ = ("conn", "packet", "sent")

    def __init__(self, conn: DeviceConnection, packet: Packet | None, sent: float) -> None:
        self.conn = conn
        self.packet = packet
        self.sent = sent


class DeviceConnection(asyncio.Protocol):
    """One data logger's TCP (or TLS) connection."""

    __slots__ = (
        "backlog", "closed", "counted", "decoder", "errors", "frame_started", "gateway",
        "inflight", "last_rx", "mns", "peer", "reading", "transport",
    )  # fmt: skip

    def __init__(self, gateway: Gateway) -> None:
        s = gateway.settings
        self.gateway = gateway
        self.decoder = StreamDecoder(
            strict_crc=s.strict_crc,
            max_length=MAX_SEGMENT,
            max_frame=s.max_frame,
            strict=s.strict,
            cp_keys=False,  # the daemon tags CP deviations; the gateway reads only the header
        )
        self.transport: asyncio.Transport | None = None
        self.peer = "?"
        self.mns: set[str] = set()
        self.inflight = 0
        self.backlog: deque[StreamItem] | None = None  # frames read while blocked (made lazily)
        self.reading = True
        self.closed = False
        self.counted = False
        self.errors = 0
        self.last_rx = time.monotonic()
        self.frame_started: float | None = None

    # -- asyncio callbacks -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self.peer = f"{peer[0]}:{peer[1]}"
        self.gateway._accepted(self)

    def data_received(self, data: bytes) -> None:
        gw = self.gateway
        gw.metrics.bytes_in += len(data)
        now = time.monotonic()
        self.last_rx = now
        items = self.decoder.feed(data)
        if not self.decoder.pending:
            self.frame_started = None
        elif items or self.frame_started is None:
            self.frame_started = now  # a new frame began in this read
        for item in items:
            if self.closed:
                return
            if self.backlog or self.blocked():
                if self.backlog is None:
                    self.backlog = deque()
                self.backlog.append(item)
            else:
                gw._take(self, item)
        if self.backlog:
            self.pause()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed:
            self.closed = True
            reason = "reset" if exc is not None else "eof"
            self.gateway.metrics.closed[reason] += 1
            log.info(
                "device closed the connection",
                extra={"fields": {"event": "device_closed", "peer": self.peer,
                                  "mn": sorted(self.mns), "reason": reason}},
            )  # fmt: skip
        # what was still buffered: frames a later frame header ended (a too-large length field
        # waits for no CRLF), each by its codec reason; the rest, whose end never came, as
        # 'truncated'. Counted and logged, never published (no answer could reach the device)
        left = self.decoder.close()
        for i, item in enumerate(left):
            self.gateway._undecodable(self, item, "truncated" if i == len(left) - 1 else None)
        self.gateway._lost(self)

    # -- flow control ----------------------------------------------------------------------------

    def blocked(self) -> bool:
        gw = self.gateway
        return gw.global_paused or self.inflight >= gw.settings.max_inflight_per_connection

    def pause(self) -> None:
        if self.reading and not self.closed and self.transport is not None:
            self.transport.pause_reading()
            self.reading = False
            self.gateway.metrics.paused_connections += 1

    def unblock(self) -> None:
        """Take waiting packets while the limits allow, then read again when none wait."""
        gw = self.gateway
        backlog = self.backlog
        while backlog and not self.closed and not self.blocked():
            gw._take(self, backlog.popleft())
        if self.reading or self.closed or backlog or self.blocked():
            return
        self.backlog = None
        assert self.transport is not None
        self.transport.resume_reading()
        self.reading = True
        gw.metrics.paused_connections -= 1
        now = time.monotonic()  # time spent paused is the gateway's, not the device's
        self.last_rx = now
        if self.frame_started is not None:
            self.frame_started = now

    # -- writing and closing ---------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if self.closed or self.transport is None:
            return
        self.transport.write(data)
        self.gateway.metrics.bytes_out += len(data)
        if self.transport.get_write_buffer_size() > self.gateway.settings.max_write_buffer:
            self.close("write-buffer", abort=True)

    def close(self, reason: str, *, abort: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        self.gateway.metrics.closed[reason] += 1
        log.info(
            "closing a device connection",
            extra={"fields": {"event": "device_closed", "peer": self.peer,
                              "mn": sorted(self.mns), "reason": reason}},
        )  # fmt: skip
        if self.transport is not None:
            if abort:
                self.transport.abort()
            else:
                self.transport.close()


class Gateway:
    """The gateway: ``await start()``, then ``await stop()`` (or :func:`run`)."""

    def __init__(
        self,
        settings: GatewaySettings,
        *,
        passwords: Mapping[str, str] | None = None,
        metrics: GatewayMetrics | None = None,
    ) -> None:
        settings.check()
        self.settings = settings
        self.passwords = passwords
        self.metrics = metrics or GatewayMetrics()
        self._prefix, self._suffix = settings.topic_parts()
        self._command_parts = settings.command_parts()
        self.connections: set[DeviceConnection] = set()
        self.by_mn: dict[str, DeviceConnection] = {}
        self.inflight: dict[int, _Pending] = {}
        self.global_paused = False
        self._resume_at = max(0, int(settings.max_inflight * _RESUME_SHARE) - 1)
        self.bridge: BrokerBridge | None = None
        self.server: asyncio.Server | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._refused_logged = 0.0

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect to the broker (in the background) and listen for devices."""
        s = self.settings
        loop = asyncio.get_running_loop()
        parts = self._command_parts
        self.bridge = BrokerBridge(
            s.broker,
            loop,
            client_id=s.client_id,
            on_acks=self._on_acks,
            on_command=self._on_command,
            on_state=self._on_broker_state,
            command_filter=None if parts is None else f"{parts[0]}+{parts[1]}",
            max_inflight=s.max_inflight,
            keepalive_s=s.keepalive_s,
        )
        ctx = s.ssl_context()
        self.server = await loop.create_server(
            lambda: DeviceConnection(self),
            s.listen.host,
            s.listen.port,
            ssl=ctx,
            ssl_handshake_timeout=min(s.read_timeout_s, 60.0) if ctx else None,
            backlog=4096,
            reuse_address=True,
        )
        self.bridge.start()  # after the bind: a listen address in use starts nothing
        self._tasks = [asyncio.create_task(self._sweep()), asyncio.create_task(self._stats())]
        log.info(
            "gateway listening",
            extra={"fields": {"event": "listening", "listen": str(s.listen), "port": self.port,
                              "broker": str(s.broker), "topic_template": s.topic_template,
                              "command_template": s.command_template,
                              "registry": self.passwords is not None}},
        )  # fmt: skip

    @property
    def port(self) -> int:
        """The port devices connect to (the real one when the settings said 0)."""
        assert self.server is not None and self.server.sockets
        return int(self.server.sockets[0].getsockname()[1])

    @property
    def broker_ready(self) -> bool:
        """Connected to the broker, and subscribed to the command topic when there is one."""
        return self.bridge is not None and self.bridge.connected and self.bridge.subscribed

    async def stop(self, drain_s: float = 5.0) -> None:
        """Stop accepting and reading, wait up to ``drain_s`` for the PUBACKs of what was
        published (answering those packets), close every connection, disconnect."""
        if self.server is not None:
            self.server.close()
        for conn in list(self.connections):
            conn.pause()
        deadline = time.monotonic() + drain_s
        while (
            self.inflight
            and self.bridge is not None
            and self.bridge.connected
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(0.02)
        for conn in list(self.connections):
            conn.close("shutdown")
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.sleep(0)  # let the transports run their connection_lost
        if self.bridge is not None:
            await asyncio.to_thread(self.bridge.stop)
        log.info("stopped", extra={"fields": {"event": "stopped", **self.metrics.snapshot()}})

    async def _sweep(self) -> None:
        """Close connections idle longer than ``idle_timeout_s`` and those whose current frame
        began more than ``read_timeout_s`` ago; paused connections are exempt."""
        s = self.settings
        interval = min(1.0, s.read_timeout_s / 4, s.idle_timeout_s / 4)
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for conn in list(self.connections):
                if conn.closed or not conn.reading:
                    continue
                try:
                    if (
                        conn.frame_started is not None
                        and now - conn.frame_started > s.read_timeout_s
                    ):
                        conn.close("read-timeout")
                    elif now - conn.last_rx > s.idle_timeout_s:
                        conn.close("idle")
                except Exception:  # one bad transport must not end the sweeping
                    log.exception(
                        "closing a connection failed", extra={"fields": {"peer": conn.peer}}
                    )

    async def _stats(self) -> None:
        while True:
            await asyncio.sleep(self.settings.stats_interval_s)
            log.info("stats", extra={"fields": self.metrics.snapshot()})

    # -- connections -----------------------------------------------------------------------------

    def _accepted(self, conn: DeviceConnection) -> None:
        m = self.metrics
        if len(self.connections) >= self.settings.max_connections:
            m.connections_refused += 1
            conn.closed = True
            assert conn.transport is not None
            conn.transport.abort()
            now = time.monotonic()
            if now - self._refused_logged > 1.0:  # at most one line a second under a flood
                self._refused_logged = now
                log.warning(
                    "connection limit reached; refusing connections",
                    extra={"fields": {"event": "connection_limit", "peer": conn.peer,
                                      "max_connections": self.settings.max_connections,
                                      "refused": m.connections_refused}},
                )  # fmt: skip
            return
        conn.counted = True
        self.connections.add(conn)
        m.connections_accepted += 1
        m.open_connections += 1
        if self.global_paused:
            conn.pause()
        log.debug("device connected", extra={"fields": {"event": "device_connected",
                                                        "peer": conn.peer}})  # fmt: skip

    def _lost(self, conn: DeviceConnection) -> None:
        if not conn.counted:
            return
        conn.counted = False
        self.connections.discard(conn)
        self.metrics.open_connections -= 1
        if not conn.reading:
            self.metrics.paused_connections -= 1
            conn.reading = True
        for mn in conn.mns:
            if self.by_mn.get(mn) is conn:
                del self.by_mn[mn]
        conn.backlog = None  # read, never published, never answered: the device sends again

    def _bind(self, conn: DeviceConnection, mn: str) -> None:
        old = self.by_mn.get(mn)
        self.by_mn[mn] = conn
        conn.mns.add(mn)
        if old is not None and old is not conn:
            old.mns.discard(mn)
            log.info(
                "device reconnected; closing its older connection",
                extra={"fields": {"event": "replaced", "mn": mn, "peer": conn.peer,
                                  "old_peer": old.peer}},
            )  # fmt: skip
            old.close("replaced")

    # -- packets ---------------------------------------------------------------------------------

    def _take(self, conn: DeviceConnection, item: StreamItem) -> None:
        """One frame of ``conn``: refuse it, or publish it (answered after its PUBACK)."""
        m = self.metrics
        packet = item.packet
        if packet is None:
            self._undecodable(conn, item)
            conn.errors += 1
            if conn.errors >= self.settings.max_errors:
                conn.close("errors")
            return
        conn.errors = 0
        mn = packet.mn
        if not MN_FORMAT.fullmatch(mn):
            self._refuse(conn, packet, "mn-format", None)
            return
        passwords = self.passwords
        if passwords is not None:
            expected = passwords.get(mn)
            if expected is None:
                self._refuse(conn, packet, "unknown-mn", QN_MN_ERROR)
                return
            pw = packet.pw
            if pw is None or not hmac.compare_digest(expected.encode(), pw.encode()):
                self._refuse(conn, packet, "wrong-pw", QN_PW_ERROR)
                return
        if mn not in conn.mns:
            self._bind(conn, mn)
        m.packets += 1
        answer = wants_answer(packet)
        assert self.bridge is not None
        if packet.cn in self.settings.heartbeat_cns:
            m.heartbeats += 1
            if answer:
                self._answer(conn, packet)
            # handed on for the daemon's liveness record (its [ingest] heartbeat_cns); a lost
            # heartbeat is only a missing liveness tick, so it is not held for its PUBACK, and
            # not published while the broker is away: paho would queue each at QoS 1 with a
            # message id of its 65,535, untracked by the in-flight limits (2,000 devices beating
            # once a minute use them up in 33 min; then every data packet's publish is refused)
            if self.bridge.connected:
                self.bridge.publish(self._prefix + mn + self._suffix, item.raw)
            else:
                m.heartbeats_unpublished += 1
            return
        mid = self.bridge.publish(self._prefix + mn + self._suffix, item.raw)
        if mid is None:
            m.publish_failed += 1  # dropped: never answered
            return
        m.published += 1
        self.inflight[mid] = _Pending(conn, packet if answer else None, time.monotonic())
        m.inflight = len(self.inflight)
        conn.inflight += 1
        if conn.inflight >= self.settings.max_inflight_per_connection:
            conn.pause()
        if not self.global_paused and len(self.inflight) >= self.settings.max_inflight:
            self.global_paused = True
            log.warning(
                "too many packets await the broker's PUBACK; reading from no device",
                extra={"fields": {"event": "backpressure_on", "inflight": len(self.inflight),
                                  "broker_connected": m.broker_connected}},
            )  # fmt: skip
            for other in list(self.connections):
                other.pause()

    def _undecodable(
        self, conn: DeviceConnection, item: StreamItem, reason: str | None = None
    ) -> None:
        """Count and log a frame that is not published: by its codec reason, or by ``reason``
        (``truncated``: the bytes a connection left when it ended, even those that decode, since
        no answer could reach the device; it sends the packet again)."""
        error = item.error
        if reason is None:
            reason = error.reason if error is not None else "frame"
        self.metrics.undecodable[reason] += 1
        log.warning(
            "undecodable frame",
            extra={"fields": {"event": "undecodable", "peer": conn.peer,
                              "mn": sorted(conn.mns), "reason": reason,
                              "detail": error.detail if error is not None else "",
                              "bytes": len(item.raw), "head": item.raw[:48].decode("ascii", "replace")}},
        )  # fmt: skip

    def _refuse(
        self, conn: DeviceConnection, packet: Packet, reason: str, qn_rtn: int | None
    ) -> None:
        m = self.metrics
        m.refusals[reason] += 1
        log.warning(
            "packet refused",
            extra={"fields": {"event": "refused", "reason": reason, "peer": conn.peer,
                              "mn": packet.mn[:40], "cn": packet.cn[:8], "qn": (packet.qn or "")[:32]}},
        )  # fmt: skip
        if qn_rtn is not None and wants_answer(packet) and is_request(packet.cn):
            try:
                conn.write(request_answer(packet, qn_rtn))
            except CodecError:  # fields that cannot be echoed: no answer
                return
            m.responses["9011"] += 1

    def _on_acks(self, acks: list[Ack]) -> None:
        """PUBACKs (on the loop): answer what the broker took, read again below the limits."""
        m = self.metrics
        inflight = self.inflight
        per_limit = self.settings.max_inflight_per_connection
        touched: set[DeviceConnection] = set()
        for mid, ok, at in acks:
            pending = inflight.pop(mid, None)
            if pending is None:
                continue
            m.puback_seconds.observe(at - pending.sent)
            conn = pending.conn
            conn.inflight -= 1
            if ok:
                m.acked += 1
                if pending.packet is not None and not conn.closed:
                    self._answer(conn, pending.packet)
            else:
                m.publish_failed += 1
                log.warning(
                    "the broker refused a packet",
                    extra={"fields": {"event": "puback_failure", "mn": sorted(conn.mns)}},
                )
            if not conn.reading and conn.inflight < per_limit:
                touched.add(conn)
        m.inflight = len(inflight)
        if self.global_paused and len(inflight) <= self._resume_at:
            self.global_paused = False
            log.info(
                "PUBACKs caught up; reading from devices again",
                extra={"fields": {"event": "backpressure_off", "inflight": len(inflight)}},
            )
            for conn in list(self.connections):
                conn.unblock()
        elif not self.global_paused:
            for conn in touched:
                conn.unblock()

    def _answer(self, conn: DeviceConnection, packet: Packet) -> None:
        try:
            conn.write(data_ack(packet))
        except CodecError as exc:  # fields that cannot be echoed: the device will send again
            log.warning(
                "cannot build the 9014 of a packet",
                extra={"fields": {"event": "answer_failed", "peer": conn.peer,
                                  "mn": packet.mn[:40], "detail": exc.detail}},
            )  # fmt: skip
            return
        self.metrics.responses["9014"] += 1

    def _on_broker_state(self, connected: bool) -> None:
        self.metrics.broker_connected = connected

    # -- commands --------------------------------------------------------------------------------

    def _on_command(self, topic: str, payload: bytes) -> None:
        """A message on the command topic: one HJ 212 frame for the device of the topic's MN."""
        m = self.metrics
        parts = self._command_parts
        if parts is None:
            return
        prefix, suffix = parts
        mn = topic[len(prefix) : len(topic) - len(suffix)] if topic.endswith(suffix) else ""
        fields: dict[str, Any] = {"event": "command", "topic": topic}
        if not topic.startswith(prefix) or not MN_FORMAT.fullmatch(mn):
            m.commands["bad-topic"] += 1
            log.warning("command on a topic naming no MN", extra={"fields": fields})
            return
        frame = payload if payload.endswith(b"\n") else payload + b"\r\n"
        if not frame.endswith(b"\r\n"):
            frame = frame[:-1] + b"\r\n"
        try:
            segment, _ = unframe(frame, max_length=None)
            packet, _ = read_segment(segment, strict=self.settings.strict)
            if packet.mn != mn:
                raise CodecError("field", f"the frame's MN {packet.mn[:40]!r} is not the topic's")
        except CodecError as exc:
            m.commands["invalid"] += 1
            fields.update(reason=exc.reason, detail=exc.detail)
            log.warning("command is not an HJ 212 frame for this MN", extra={"fields": fields})
            return
        fields.update(mn=mn, cn=packet.cn, qn=packet.qn)
        conn = self.by_mn.get(mn)
        if conn is None or conn.closed:
            m.commands["no-device"] += 1
            log.warning("command for a device that is not connected", extra={"fields": fields})
            return
        conn.write(frame)
        m.commands["delivered"] += 1
        log.info("command written to the device", extra={"fields": {**fields, "peer": conn.peer}})


def run(
    settings: GatewaySettings,
    passwords: Mapping[str, str] | None = None,
    *,
    logging_setup: bool = True,
) -> int:
    """Run a gateway until SIGTERM/SIGINT; return the exit code (0 after a clean stop). Raises
    OSError when the listen address cannot be bound."""
    if logging_setup:
        setup_logging()
    return asyncio.run(_serve(settings, passwords))


async def _serve(settings: GatewaySettings, passwords: Mapping[str, str] | None) -> int:
    gateway = Gateway(settings, passwords=passwords)
    http = gateway.metrics.serve(settings.metrics_port) if settings.metrics_port else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await gateway.start()
        await stop.wait()
        log.info("stopping: answering what the broker acknowledges, then closing")
        await gateway.stop()
    finally:
        if http is not None:
            http.shutdown()
    return 0
