"""The daemon's optional worker process: decode and commit on a second core.

With ``DaemonSettings.worker_process`` the MQTT client (receive, acknowledge) keeps the daemon's
process while decoding, authorising and committing run in one worker process, so the two halves do
not share one interpreter lock. The first worker is forked when the daemon starts, before its
threads (it starts in milliseconds with what the daemon imported); a worker restarted after dying is
spawned (a fresh interpreter importing its libraries: about 0.3 s of CPU).

Protocol over a ``multiprocessing`` pipe, strictly request/reply:

- daemon -> worker: a list of ``(seq, topic, payload, received_at_epoch_s)`` (possibly empty: the
  worker then only expires split-packet parts), or None to finish;
- worker -> daemon: first ``("ready",)`` once its sink is made; then, for each batch in the
  order received, ``(acks, stored, duplicates, conflicts, quarantined_by_reason, failures,
  seconds, deviations, sink_figures)`` (``deviations``: ``{(mn, tag): count}``;
  ``sink_figures``: :func:`ingest.sink.sink_metrics` of the worker's sink, e.g. live detection's
  counters) where ``acks`` are the sequence numbers whose messages are committed; or an
  ``("error", text)`` pair when the worker cannot go on. The daemon may send the next batch
  before the previous one's reply (the pipe holds it until the worker is done).

In the worker, one thread decodes while another commits the previous batch (the databases work
without the interpreter lock, so decoding overlaps them). The worker ignores SIGINT/SIGTERM: the daemon stops it (None) after the last batch, or kills it
when a commit cannot finish in time (nothing of that batch is acknowledged).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import queue
import signal
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from time import perf_counter
from typing import Any, Final

from ingest.batch import BatchProcessor
from ingest.handler import Authorise, MessageHandler
from ingest.metrics import setup_logging
from ingest.sink import Sink, sink_metrics

__all__ = ["worker_main"]

log = logging.getLogger("ingest.worker")

#: The worker's garbage collector thresholds (``gc.set_threshold``: new objects before a pass of
#: the youngest generation, then passes of each generation before one of the next).
_GC_THRESHOLDS: Final = (50_000, 20, 100)


def worker_main(
    conn: Connection,
    sink_factory: Callable[[], Sink],
    authorise: Authorise | Mapping[str, str],
    handler_kwargs: dict[str, Any],
    processor_kwargs: dict[str, Any],
    log_level: int = logging.INFO,
    daemon_end: Connection | None = None,
) -> None:
    """Serve batches from ``conn`` until None arrives (runs in the worker process).

    ``daemon_end``: the daemon's end of the pipe, which a forked worker holds a copy of; closed
    first, so that the daemon's death closes the pipe and this worker ends."""
    if daemon_end is not None:
        daemon_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    setup_logging(log_level)
    failures = 0

    def on_failure() -> None:
        nonlocal failures
        failures += 1

    try:
        sink = sink_factory()
        handler = MessageHandler(authorise, **handler_kwargs)
        processor: BatchProcessor[int] = BatchProcessor(
            sink, on_failure=on_failure, **processor_kwargs
        )
    except Exception as exc:
        conn.send(("error", f"worker cannot start: {type(exc).__name__}: {exc}"))
        return
    # The collector's passes, not the work, were a fifth of decoding: a batch makes some 30,000
    # container objects (messages, readings, packet records), each 700 of them started a pass,
    # and the passes that reached the oldest generation walked every object this process took
    # over from the daemon. What exists now (modules, the sink) is left out of every pass, and a
    # pass comes after 50,000 new objects; reference counting still frees a batch as it goes.
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)
    conn.send(("ready",))
    handle = handler.handle
    fromts = datetime.fromtimestamp
    decoded: queue.Queue[list[tuple[int, Any]] | None] = queue.Queue(maxsize=1)
    failed = threading.Event()

    def commit_loop() -> None:
        """Commit decoded batches in order and reply; SQLite and PostgreSQL release the
        interpreter lock while they work, so the next batch is decoded meanwhile."""
        nonlocal failures
        while (items := decoded.get()) is not None:
            started = perf_counter()
            try:
                out = processor.process(items)
            except Exception as exc:
                failed.set()
                with contextlib.suppress(OSError):  # the daemon may be gone already
                    conn.send(("error", f"{type(exc).__name__}: {exc}"))
                return
            assert out is not None  # the worker never aborts by itself: the daemon kills it
            acks, r = out
            reply = (
                acks,
                r.stored,
                r.duplicates,
                r.conflicts,
                r.quarantined_by_reason,
                failures,
                perf_counter() - started,
                r.deviations,
                sink_metrics(sink),
            )
            try:
                conn.send(reply)
            except OSError:  # the daemon is gone: committed, never acknowledged (redelivered)
                failed.set()
                return
            failures = 0

    def hand_over(items: list[tuple[int, Any]] | None) -> bool:
        """Queue ``items`` for the committer; False once it has failed (it takes no more)."""
        while not failed.is_set():
            try:
                decoded.put(items, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    committer = threading.Thread(target=commit_loop, name="ingest-worker-commit", daemon=True)
    committer.start()
    while not failed.is_set():
        try:
            batch = conn.recv()
        except (EOFError, OSError):  # the daemon closed the pipe or died
            break
        if batch is None:
            break
        items = [
            (seq, handle(topic, payload, fromts(ts, UTC))) for seq, topic, payload, ts in batch
        ]
        if not hand_over(items):
            break
    hand_over(None)
    committer.join()
    close = getattr(sink, "close", None)
    if callable(close):
        close()
