"""The ingest daemon: MQTT (paho-mqtt 2.x) -> handler -> batches -> sink -> acknowledgements.

Guarantees (DESIGN.md section 2, issue 3):

- QoS 1 on a persistent session (MQTT 5: ``clean_start=False`` with a session expiry; MQTT 3.1.1:
  ``clean_session=False``) under a stable client id; the subscription is made in ``on_connect`` so
  every reconnect resubscribes; reconnects back off from 1 s to 120 s.
- Manual acknowledgement: a message is acknowledged (``client.ack(mid, qos)``) only after the sink
  has committed the batch holding it. ``on_message`` only decodes (:class:`MessageHandler`) and
  enqueues; a writer thread batches by size and time. A message received on an earlier connection
  is not acknowledged on a later one: the broker redelivers it and idempotent storage absorbs it.
  So a SIGKILL at any moment loses nothing.
- Flow control: MQTT 5 Receive Maximum is twice the batch size (one batch committing while the
  next one fills; three times with the worker process, which may hold two), so a stalled database
  stops the broker from sending more.
- Acknowledgements of a committed batch go out together (:meth:`_Client.ack_many`).
- Sink failures: a transient one (database unavailable or locked) stops acknowledging, logs, and
  retries the same batch with exponential backoff (0.5 s to ``retry_max_s``) while the daemon stays
  connected; a permanent one (a message the database refuses) commits the batch message by message
  and quarantines the refused one as ``invalid``.
- Split HJ 212 packets: parts are reassembled (:class:`ingest.hj212.Reassembler`) in the writer
  thread; every part's message is acknowledged only with the batch that commits the whole packet,
  or quarantines the parts as ``incomplete`` after ``split_timeout_s``.
- Stop (:meth:`IngestDaemon.stop`, SIGTERM/SIGINT through :func:`run`): stop consuming, commit and
  acknowledge what was received, disconnect, exit 0.
- Two daemons with one client id: the broker hands the session to the newer one and closes the
  older connection (MQTT 5 reason "Session taken over", or, from Mosquitto 2.0, no reason at all:
  then three connections closed by the broker within 5 s of being made, within 30 s, count as a
  clash). The daemon logs a clear error naming the client id and stops with exit code 3 instead
  of fighting for the session (both daemons may stop: the error names the fix).

Counters go to structured logs every ``stats_interval_s`` and, optionally, to a Prometheus text
endpoint (``metrics_port``).
"""

from __future__ import annotations

import logging
import queue
import signal
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from ingest.batch import BatchProcessor
from ingest.broker_url import BrokerURL, parse_broker_url
from ingest.handler import Authorise, MessageHandler, Part
from ingest.hj212.codes import DATATIME_TZ
from ingest.metrics import Metrics
from ingest.reading import OLDEST_READING
from ingest.sink import Accepted, Rejected, Sink, sink_metrics

__all__ = ["EXIT_CLIENT_ID_CLASH", "DaemonSettings", "IngestDaemon", "run"]

log = logging.getLogger("ingest.daemon")

#: Exit code of a daemon whose client id was taken over by another connection.
EXIT_CLIENT_ID_CLASH = 3
_SESSION_TAKEN_OVER = 142
#: Brokers that close the older connection without saying why (Mosquitto 2.0 does): a connection
#: closed by the broker within _QUICK_DROP_S of being made, _DROPS_FOR_CLASH times within
#: _DROP_WINDOW_S, is taken as a client-id clash.
_QUICK_DROP_S = 5.0
_DROP_WINDOW_S = 30.0
_DROPS_FOR_CLASH = 3
#: A PUBACK packet: fixed header (type 4), remaining length 2, packet identifier.
_PUBACK = struct.Struct("!BBH")
#: Batches the writer may have handed to the worker process before it waits for the oldest one's
#: commit: the worker decodes and commits one while the next one waits in the pipe.
_WORKER_IN_FLIGHT = 2
#: How often a wait for the worker's reply checks that it still lives (seconds).
_WORKER_POLL_S = 0.5
#: A worker that dies more often than this within the window ends the daemon (exit code 1).
_WORKER_RESTARTS = 5
_WORKER_RESTART_WINDOW_S = 60.0


@dataclass(frozen=True)
class DaemonSettings:
    """What the daemon needs besides its sink and its authoriser.

    ``broker`` is a URL (see :mod:`ingest.broker_url`) or a parsed :class:`BrokerURL`;
    ``topic`` may be a shared subscription (``$share/outlet-watch/hj212/+``); ``topic_template``
    ``""`` accepts any topic. ``session_expiry_s`` is how long the broker keeps the session (and
    its queue) while the daemon is away (MQTT 5). ``split_timeout_s``: how long the parts of a
    split HJ 212 packet wait for the missing ones before they are quarantined as ``incomplete``.
    ``worker_process``: decode and commit in a separate process (:mod:`ingest.worker`) so they
    run on another core than the MQTT client; needs ``sink_factory``. ``oldest_reading``: a
    message with a reading timed before it is quarantined (``field``); None lifts the limit.
    ``strict``: quarantine HJ 212 packets that bend the standard (stray header separator, keys
    in another letter case, a data segment over 1,024 bytes, a joined BeginTime/EndTime pair,
    a Modbus CRC) instead of storing them with the deviation counted per MN
    (``outlet_watch_deviations_total``). ``heartbeat_cns``: CNs stored as heartbeats (a
    ``heartbeat`` packet record: liveness, no readings) instead of quarantined as ``unsupported``.
    """

    broker: str | BrokerURL
    topic: str = "hj212/+"
    topic_template: str = "hj212/{mn}"
    client_id: str = "outlet-watch-ingest"
    batch_size: int = 2000
    batch_interval_s: float = 0.25
    tz: str = DATATIME_TZ
    strict_crc: bool = False
    strict: bool = False
    session_expiry_s: int = 7 * 24 * 3600
    keepalive_s: int = 30
    retry_max_s: float = 30.0
    stats_interval_s: float = 10.0
    metrics_port: int = 0
    split_timeout_s: float = 300.0
    worker_process: bool = False
    oldest_reading: datetime | None = OLDEST_READING
    heartbeat_cns: tuple[str, ...] = ()

    def broker_url(self) -> BrokerURL:
        return self.broker if isinstance(self.broker, BrokerURL) else parse_broker_url(self.broker)


class _ReadAhead:
    """A plain TCP socket whose reads are served from one large ``recv`` (up to 256 KiB).

    paho reads every packet with several small ``recv`` calls (the command byte, each byte of the
    remaining length, then the body): one system call each, and each one gives the interpreter
    lock away to the writer thread and waits to get it back. Serving them from a buffer makes a
    backlog cost about one system call per many packets. ``pending()`` tells paho's loop that
    buffered bytes are waiting (as for an SSL socket), so it reads them without waiting in
    ``select``. Bytes are returned in order and nothing is dropped: paho sees the same stream.
    Everything else (``send``, ``fileno``, ``close``...) goes to the socket itself.
    """

    __slots__ = ("_buf", "_pos", "_sock")
    _CHUNK = 256 * 1024

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._buf = b""
        self._pos = 0

    def recv(self, n: int) -> bytes:
        buf, pos = self._buf, self._pos
        if pos >= len(buf):
            data = self._sock.recv(max(n, self._CHUNK))  # EOF (b"") and errors reach paho as is
            if len(data) <= n:
                self._buf, self._pos = b"", 0
                return data
            self._buf, self._pos = data, n
            return data[:n]
        end = pos + n
        self._pos = min(end, len(buf))
        return buf[pos:end]

    def pending(self) -> int:
        return len(self._buf) - self._pos

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Client(mqtt.Client):
    """paho's client reading plain TCP connections through :class:`_ReadAhead`, and handling
    every whole packet already read ahead in one pass of its network loop (paho handles one per
    pass, each after a ``select``); a pass ends when the read-ahead buffer is empty (at most
    256 KiB), so queued acknowledgements and keep-alives wait at most that long."""

    def ack_many(self, mids: list[int]) -> None:
        """Acknowledge QoS 1 messages ``mids`` at once: their PUBACKs (4 bytes each: without a
        reason code, which MQTT 5 allows for success) go out as one queued write, one wake-up of
        the network loop and one ``send``, instead of paho's one of each per :meth:`ack`."""
        if not mids:
            return
        blob = b"".join([_PUBACK.pack(0x40, 2, mid) for mid in mids])
        self._packet_queue(mqtt.PUBACK, blob, 0, 1)

    def _create_socket(self) -> Any:
        sock = super()._create_socket()
        if isinstance(sock, socket.socket) and not isinstance(sock, ssl.SSLSocket):
            return _ReadAhead(sock)
        return sock

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        rc = super().loop_read(max_packets)
        sock = self._sock
        if not isinstance(sock, _ReadAhead):
            return rc
        while rc == MQTTErrorCode.MQTT_ERR_SUCCESS and self._sock is sock and sock.pending():
            rc = super().loop_read(max_packets)
        return rc


class _WorkerDied(Exception):
    """The worker process ended without being asked to (killed, crashed, out of memory)."""

    def __init__(self, exit_code: int | None) -> None:
        super().__init__(f"the worker process died (exit code {exit_code})")
        self.exit_code = exit_code


@dataclass(slots=True)
class _Item:
    mid: int
    qos: int
    generation: int
    outcome: Accepted | Rejected | Part


class IngestDaemon:
    """One daemon: ``start()``, then ``stop()``; or :func:`run` for signal handling and stats."""

    def __init__(
        self,
        settings: DaemonSettings,
        sink: Sink,
        authorise: Authorise | Mapping[str, str],
        *,
        metrics: Metrics | None = None,
        sink_factory: Callable[[], Sink] | None = None,
    ) -> None:
        if settings.worker_process and sink_factory is None:
            raise ValueError(
                "worker_process needs sink_factory: a picklable callable making the sink"
            )
        self.settings = settings
        self.sink = sink
        self.metrics = metrics or Metrics()
        if not settings.worker_process:  # the sink lives here: its figures are read at scrape time
            self.metrics.sink_source = lambda: sink_metrics(sink)
        self.handler = MessageHandler(
            authorise,
            topic_template=settings.topic_template,
            tz=settings.tz,
            strict_crc=settings.strict_crc,
            oldest=settings.oldest_reading,
            strict=settings.strict,
            heartbeat_cns=settings.heartbeat_cns,
        )
        self.url = settings.broker_url()
        self.fatal: str | None = None
        self.exit_code = 0
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._generation = 0
        self._stopping = threading.Event()
        self._abort = threading.Event()
        self._writer: threading.Thread | None = None
        self._drops: list[float] = []
        self._worker: Any = None
        self._first_worker: tuple[Any, Any, float] | None = None
        self._authorise = authorise
        self._sink_factory = sink_factory
        self._processor: BatchProcessor[_Item] = BatchProcessor(
            sink,
            tz=settings.tz,
            split_timeout_s=settings.split_timeout_s,
            retry_max_s=settings.retry_max_s,
            abort=self._abort,
            on_failure=lambda: self.metrics.add(commit_failures=1),
        )
        self._connected_at = 0.0
        self.client: _Client = self._make_client()

    # -- MQTT ------------------------------------------------------------------------------------

    def _make_client(self) -> _Client:
        s, url = self.settings, self.url
        v5 = url.protocol == "5"
        client = _Client(
            CallbackAPIVersion.VERSION2,
            client_id=s.client_id,
            protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
            clean_session=None if v5 else False,
            manual_ack=True,
        )
        if url.username is not None:
            client.username_pw_set(url.username, url.password)
        if url.tls:
            client.tls_set(
                ca_certs=str(url.ca_file) if url.ca_file else None, cert_reqs=ssl.CERT_REQUIRED
            )
        client.reconnect_delay_set(1, 120)
        client.max_queued_messages_set(0)
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        return client

    def _on_connect(self, client: mqtt.Client, _u: Any, flags: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.error(
                "broker refused the connection",
                extra={
                    "fields": {
                        "event": "connect_refused",
                        "reason": str(reason),
                        "broker": str(self.url),
                    }
                },
            )
            return
        self._generation += 1
        self._connected_at = time.monotonic()
        self.metrics.connected = True
        client.subscribe(self.settings.topic, qos=1)
        if self._generation > 1 and not getattr(flags, "session_present", True):
            log.warning(
                "the broker kept no session for this client: messages queued while the daemon "
                "was away are lost (broker restarted without persistence, or session expired)",
                extra={"fields": {"event": "session_lost", "client_id": self.settings.client_id}},
            )
        log.info(
            "connected",
            extra={
                "fields": {
                    "broker": str(self.url),
                    "client_id": self.settings.client_id,
                    "session_present": bool(getattr(flags, "session_present", False)),
                    "topic": self.settings.topic,
                }
            },
        )

    def _on_subscribe(
        self, _c: mqtt.Client, _u: Any, _mid: int, reasons: list[Any], _p: Any
    ) -> None:
        for r in reasons:
            if r.is_failure:
                log.error(
                    "subscription refused",
                    extra={"fields": {"topic": self.settings.topic, "reason": str(r)}},
                )

    def _on_connect_fail(self, _c: mqtt.Client, _u: Any) -> None:
        log.warning(
            "cannot reach the broker; retrying", extra={"fields": {"broker": str(self.url)}}
        )

    def _on_disconnect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.metrics.connected = False
        if self._stopping.is_set():
            return
        code = getattr(reason, "value", reason)
        now = time.monotonic()
        if now - self._connected_at < _QUICK_DROP_S:
            self._drops = [t for t in self._drops if now - t < _DROP_WINDOW_S] + [now]
        fields = {"reason": str(reason), "broker": str(self.url)}
        if code == _SESSION_TAKEN_OVER or len(self._drops) >= _DROPS_FOR_CLASH:
            why = (
                "took over the session"
                if code == _SESSION_TAKEN_OVER
                else f"is taking the session over: the broker closed {len(self._drops)} connections right after they were made"
            )
            self.fatal = (
                f"another client with client id {self.settings.client_id!r} {why}; give every "
                "daemon its own --client-id (use a shared subscription $share/GROUP/hj212/+ to "
                "split the load)"
            )
            self.exit_code = EXIT_CLIENT_ID_CLASH
            log.error(self.fatal, extra={"fields": {"event": "client_id_clash", **fields}})
            return
        log.warning("disconnected; reconnecting", extra={"fields": fields})

    def _on_message(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        if self._stopping.is_set():
            return  # not acknowledged: the broker redelivers it to the next session
        if self.settings.worker_process:
            outcome: Any = (msg.topic, msg.payload, time.time())  # decoded in the worker
        else:
            outcome = self.handler.handle(msg.topic, msg.payload, datetime.now(UTC))
        self._queue.put(_Item(msg.mid, msg.qos, self._generation, outcome))

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Connect (asynchronously; reconnects forever) and start the writer thread."""
        s, url = self.settings, self.url
        props = None
        if url.protocol == "5":
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = s.session_expiry_s
            batches = 1 + (_WORKER_IN_FLIGHT if s.worker_process else 1)
            props.ReceiveMaximum = min(65_535, batches * s.batch_size)
            self.client.connect_async(
                url.host, url.port, s.keepalive_s, clean_start=False, properties=props
            )
        else:
            self.client.connect_async(url.host, url.port, s.keepalive_s)
        if s.worker_process:
            # the first worker is forked before this daemon's threads start: it has the modules
            # this process imported and starts at once, where a spawned one imports them anew
            # (0.3 s of CPU, inside the first drain); restarts spawn (see _new_worker)
            self._first_worker = self._new_worker(fork=True)
        self._writer = threading.Thread(target=self._write_loop, name="ingest-writer", daemon=True)
        self._writer.start()
        self.client.loop_start()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop consuming, commit and acknowledge what was received, disconnect.

        If the sink cannot commit within ``timeout_s`` the rest stays unacknowledged (the broker
        redelivers it later) and the daemon disconnects anyway.
        """
        self._stopping.set()
        if self._writer is not None:
            self._writer.join(timeout_s)
            if self._writer.is_alive():
                self._abort.set()
                if self._worker is not None and self._worker.is_alive():
                    self._worker.kill()  # blocked in a commit: that batch stays unacknowledged
                self._writer.join(5)
        self.client.disconnect()
        self.client.loop_stop()
        self.log_stats("stopped")

    def log_stats(self, event: str = "stats") -> None:
        """One structured log line with every counter."""
        self.metrics.queue = self._queue.qsize()
        log.info(event, extra={"fields": self.metrics.snapshot()})

    # -- writer ----------------------------------------------------------------------------------

    def _collect(self, ready: Callable[[], bool] | None = None) -> list[_Item]:
        """The next batch: up to ``batch_size`` messages, waiting at most ``batch_interval_s``
        after the first; also ends early, once the queue is empty, when ``ready()`` (the worker
        has a reply waiting: its acknowledgements should not wait for a full batch)."""
        s = self.settings
        q = self._queue
        try:
            first = q.get(timeout=0.1)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + s.batch_interval_s
        while len(batch) < s.batch_size:
            try:
                batch.append(q.get_nowait())
                continue
            except queue.Empty:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (ready is not None and ready()):
                break
            try:
                batch.append(q.get(timeout=min(remaining, 0.05)))
            except queue.Empty:
                if self._stopping.is_set() and q.empty():
                    break
        return batch

    def _write_loop(self) -> None:
        try:
            if self.settings.worker_process:
                self._write_loop_process()
            else:
                self._write_loop_thread()
        except Exception as exc:
            self.fatal = f"writer stopped: {type(exc).__name__}: {exc}"
            self.exit_code = 1
            log.exception(self.fatal)

    def _write_loop_thread(self) -> None:
        processor = self._processor
        while True:
            batch = self._collect()
            if not batch:
                if self._stopping.is_set() and self._queue.empty():
                    # parts still waiting for their siblings stay unacknowledged: the broker
                    # redelivers them to the next session (waiting for the split timeout, 300 s
                    # by default, made stop() take its 30 + 5 s and leave this thread running)
                    return
                if not processor.pending_parts:
                    continue
            self.metrics.add(received=len(batch))
            started = time.perf_counter()
            out = processor.process([(item, item.outcome) for item in batch])  # type: ignore[misc]
            if out is None:
                return  # aborted: nothing acknowledged, the broker redelivers
            tokens, result = out
            if tokens:
                self.metrics.committed(
                    seconds=time.perf_counter() - started,
                    stored=result.stored,
                    duplicates=result.duplicates,
                    conflicts=result.conflicts,
                    quarantined=result.quarantined_by_reason,
                    acked=self._ack(tokens),
                    deviations=result.deviations,
                )

    def _write_loop_process(self) -> None:
        """Run the worker process and restart it when it dies.

        Batches it had not reported committed stay pending (unacknowledged) and go to the next
        worker first: storage is idempotent, so a batch committed just before the death is stored
        once. More than :data:`_WORKER_RESTARTS` deaths within :data:`_WORKER_RESTART_WINDOW_S`
        end the daemon with exit code 1 (a worker that cannot live is a fault to fix, not to loop).
        """
        pending: dict[int, _Item] = {}
        deaths: list[float] = []
        while True:
            try:
                self._run_worker(pending)
                return
            except _WorkerDied as exc:
                if self._abort.is_set():
                    return  # killed on purpose: nothing of its batches acknowledged
                now = time.monotonic()
                deaths = [t for t in deaths if now - t < _WORKER_RESTART_WINDOW_S] + [now]
                fields = {"event": "worker_died", "exit_code": exc.exit_code,
                          "unacknowledged": len(pending), "deaths": len(deaths)}  # fmt: skip
                if len(deaths) > _WORKER_RESTARTS:
                    raise RuntimeError(
                        f"the worker process died {len(deaths)} times within "
                        f"{_WORKER_RESTART_WINDOW_S:.0f} s (last exit code {exc.exit_code}); "
                        "see the log lines before this one"
                    ) from None
                log.error("worker process died; restarting it", extra={"fields": fields})
                self.metrics.add(worker_restarts=1)
                self.metrics.sink_restarted()

    def _new_worker(self, *, fork: bool) -> tuple[Any, Any, float]:
        """A started worker process, the daemon's end of its pipe and when it was started.

        ``fork``: a copy of this process (call it only before this daemon's threads start: a
        copy of a thread's half-done work would be inherited); else a fresh interpreter (spawn),
        which imports what it needs, as every restart does."""
        import multiprocessing

        from ingest.worker import worker_main

        s = self.settings
        ctx = multiprocessing.get_context("fork" if fork else "spawn")
        conn, child_conn = ctx.Pipe()
        handler_kwargs = {
            "topic_template": s.topic_template,
            "tz": s.tz,
            "strict_crc": s.strict_crc,
            "oldest": s.oldest_reading,
            "strict": s.strict,
            "heartbeat_cns": s.heartbeat_cns,
        }
        processor_kwargs = {
            "tz": s.tz,
            "split_timeout_s": s.split_timeout_s,
            "retry_max_s": s.retry_max_s,
        }
        worker = ctx.Process(
            target=worker_main,
            args=(
                child_conn,
                self._sink_factory,
                self._authorise,
                handler_kwargs,
                processor_kwargs,
                logging.getLogger().level,
                conn if fork else None,  # a forked child closes its copy of the daemon's end
            ),
            name="ingest-worker",
            # not daemonic, so that it may start processes of its own (live detection); it ends
            # when its pipe closes (in _run_worker, or when this process dies) or when killed
            daemon=False,
        )
        started = time.perf_counter()
        worker.start()
        # only the child holds its end now: when it dies, reads here see end-of-file
        child_conn.close()
        return worker, conn, started

    def _run_worker(self, pending: dict[int, _Item]) -> None:
        """One worker process: ship raw messages to it, acknowledge what it reports committed.

        Up to :data:`_WORKER_IN_FLIGHT` batches are with the worker at once (it commits one while
        the next waits in the pipe); replies come in order and each acknowledges only its own
        batch's committed messages. ``pending`` (sequence number -> message) outlives the worker:
        what it holds when this starts is sent again first. Raises :class:`_WorkerDied` when the
        worker ends without being asked to (noticed within :data:`_WORKER_POLL_S`)."""
        s = self.settings
        if self._first_worker is not None:
            (worker, conn, started), self._first_worker = self._first_worker, None
        else:
            worker, conn, started = self._new_worker(fork=False)
        self._worker = worker
        seq = max(pending, default=0)
        in_flight = 0

        def reply() -> None:
            nonlocal in_flight
            self._worker_committed(self._worker_reply(conn, worker), pending)
            in_flight -= 1

        def send(items: list[tuple[int, _Item]]) -> None:
            nonlocal in_flight
            msg = []
            for i, item in items:
                topic, payload, received = item.outcome  # type: ignore[misc]
                msg.append((i, topic, payload, received))
            try:
                conn.send(msg)
            except OSError:  # BrokenPipeError: the worker is gone
                raise _WorkerDied(worker.exitcode) from None
            in_flight += 1

        try:
            ready = self._worker_reply(conn, worker)
            if ready[0] != "ready":  # pragma: no cover - the protocol's first reply
                raise RuntimeError(f"worker: unexpected first reply {ready[0]!r}")
            log.info(
                "worker process ready",
                extra={
                    "fields": {
                        "pid": worker.pid,
                        "start_s": round(time.perf_counter() - started, 3),
                    }
                },
            )
            backlog = sorted(pending.items())  # a dead worker's batches, again
            for k in range(0, len(backlog), s.batch_size):
                if in_flight >= _WORKER_IN_FLIGHT:
                    reply()
                send(backlog[k : k + s.batch_size])
            last = time.monotonic()
            while True:
                while in_flight and conn.poll():
                    reply()
                if in_flight >= _WORKER_IN_FLIGHT:
                    reply()
                    continue
                if not in_flight and not worker.is_alive():
                    raise _WorkerDied(worker.exitcode)
                batch = self._collect(ready=conn.poll if in_flight else None)
                if not batch:
                    if self._stopping.is_set() and self._queue.empty():
                        break
                    if in_flight or time.monotonic() - last < 1.0:
                        continue
                items = []
                for item in batch:
                    seq += 1
                    pending[seq] = item
                    items.append((seq, item))
                self.metrics.add(received=len(batch))
                send(items)
                last = time.monotonic()
            while in_flight:
                reply()
            conn.send(None)
            # it closes its sink (live detection finishes its pass) within stop()'s 30 s
            worker.join(25)
        finally:
            conn.close()  # a worker still waiting for batches (this loop failed) ends on EOF
            if worker.is_alive() and self._abort.is_set():
                worker.kill()

    def _worker_reply(self, conn: Any, worker: Any) -> tuple[Any, ...]:
        """The worker's next reply; raises :class:`_WorkerDied` when it died (checked every
        :data:`_WORKER_POLL_S` while waiting) and RuntimeError when it reported an error."""
        while not conn.poll(_WORKER_POLL_S):
            if not worker.is_alive():
                raise _WorkerDied(worker.exitcode)
        try:
            reply = conn.recv()
        except (EOFError, OSError):
            worker.join(1)
            raise _WorkerDied(worker.exitcode) from None
        if reply[0] == "error":
            raise RuntimeError(f"worker: {reply[1]}")
        return reply  # type: ignore[no-any-return]

    def _worker_committed(self, reply: tuple[Any, ...], pending: dict[int, _Item]) -> None:
        acks, stored, duplicates, conflicts, by_reason, failures, seconds, deviations, figures = (
            reply
        )
        self.metrics.add(commit_failures=failures)
        self.metrics.sink_reported(figures)
        if acks:
            self.metrics.committed(
                seconds=seconds,
                stored=stored,
                duplicates=duplicates,
                conflicts=conflicts,
                quarantined=by_reason,
                acked=self._ack([pending.pop(i) for i in acks]),
                deviations=deviations,
            )

    def _ack(self, batch: list[_Item]) -> int:
        """Acknowledge the messages of ``batch`` received on the current connection (the broker
        redelivers the others); returns how many were acknowledged."""
        generation = self._generation  # the subscription is QoS 1: no QoS 2 message arrives
        mids = [i.mid for i in batch if i.qos == 1 and i.generation == generation]
        self.client.ack_many(mids)
        return len(mids)


def run(daemon: IngestDaemon, *, install_signals: bool = True) -> int:
    """Start ``daemon``, log stats periodically, stop on SIGTERM/SIGINT (handlers installed here,
    so call it from the main thread) or on a fatal error; return the exit code."""
    stop = threading.Event()
    if install_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    # the daemon first: its worker process is forked before the metrics thread and socket exist
    daemon.start()
    try:
        port = daemon.settings.metrics_port
        server = daemon.metrics.serve(port) if port else None
    except BaseException:
        daemon.stop()
        raise
    last = time.monotonic()
    while not stop.wait(0.2) and daemon.fatal is None:
        if time.monotonic() - last >= daemon.settings.stats_interval_s:
            daemon.log_stats()
            last = time.monotonic()
    log.info("stopping: committing and acknowledging what was received")
    daemon.stop()
    if server is not None:
        server.shutdown()
    return daemon.exit_code
