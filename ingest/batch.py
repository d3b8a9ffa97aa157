"""The writer's work on one batch: reassemble split packets, commit with retries, say what to ack.

:class:`BatchProcessor` is used by the daemon's writer thread, or inside the worker process
(:mod:`ingest.worker`). Each message comes with an opaque *token* (the daemon's record of its MQTT
message id, or a sequence number); :meth:`BatchProcessor.process` returns the tokens that may be
acknowledged now, i.e. whose message is committed (as readings or in the quarantine). Parts of a
split packet are held until the whole packet commits, or until ``split_timeout_s`` passes (then
quarantined as ``incomplete``).

Commit rules: a transient :class:`SinkError` (database unavailable or locked) retries the same
batch with exponential backoff (0.5 s doubling to ``retry_max_s``) until it succeeds or ``abort``
is set (then ``process`` returns None and nothing may be acknowledged); a permanent failure commits
the batch message by message and quarantines each refused message as ``invalid``; if even that
quarantine row is refused, ``process`` raises RuntimeError (the daemon stops without acknowledging:
the database is broken, not the message).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from ingest.decode import readings_from_packet
from ingest.errors import CodecError
from ingest.handler import Part, packet_record, time_problem
from ingest.hj212 import Reassembler
from ingest.hj212.codes import DATATIME_TZ
from ingest.sink import Accepted, BatchResult, Rejected, Sink, SinkError

__all__ = ["BatchProcessor"]

log = logging.getLogger("ingest.daemon")

T = TypeVar("T")


class BatchProcessor(Generic[T]):
    """Commit batches of handled messages through ``sink`` (see module docstring)."""

    def __init__(
        self,
        sink: Sink,
        *,
        tz: str = DATATIME_TZ,
        split_timeout_s: float = 300.0,
        retry_max_s: float = 30.0,
        abort: threading.Event | None = None,
        on_failure: Callable[[], None] | None = None,
    ) -> None:
        self.sink = sink
        self.tz = tz
        self.split_timeout_s = split_timeout_s
        self.retry_max_s = retry_max_s
        self.abort = abort or threading.Event()
        self.on_failure = on_failure or (lambda: None)
        self._parts: Reassembler[tuple[T, Part]] = Reassembler()

    @property
    def pending_parts(self) -> int:
        """Split packets still waiting for parts."""
        return self._parts.pending

    def process(
        self, items: Sequence[tuple[T, Accepted | Rejected | Part]]
    ) -> tuple[list[T], BatchResult] | None:
        """Commit ``items`` (and expired split-packet parts); return the tokens to acknowledge and
        the commit's result, or None when aborted (acknowledge nothing)."""
        accepted: list[Accepted] = []
        rejected: list[Rejected] = []
        to_ack: list[T] = []
        for token, outcome in items:
            if isinstance(outcome, Part):
                self._add_part(token, outcome, accepted, rejected, to_ack)
            elif isinstance(outcome, Accepted):
                accepted.append(outcome)
                to_ack.append(token)
            else:
                rejected.append(outcome)
                to_ack.append(token)
        self._expire(rejected, to_ack)
        if not accepted and not rejected and not to_ack:
            return [], BatchResult()
        result = self._commit(accepted, rejected)
        if result is None:
            return None
        for message in accepted:
            if message.deviations and (message.readings or message.packet):
                mn = message.readings[0].mn if message.readings else message.packet.mn  # type: ignore[union-attr]
                counts = result.deviations
                for tag in message.deviations:
                    counts[mn, tag] = counts.get((mn, tag), 0) + 1
        return to_ack, result

    def _add_part(
        self,
        token: T,
        part: Part,
        accepted: list[Accepted],
        rejected: list[Rejected],
        to_ack: list[T],
    ) -> None:
        packet = part.message.packet
        assert packet is not None
        try:
            whole = self._parts.add(packet, (token, part), received_at=time.monotonic())
        except CodecError as exc:
            rejected.append(
                Rejected(
                    part.received_at,
                    part.topic,
                    part.payload,
                    exc.reason,
                    exc.detail,
                    part.message.mn,
                )
            )
            to_ack.append(token)
            return
        if whole is None:
            return
        parts = [p for _, p in whole.tokens]
        to_ack.extend(t for t, _ in whole.tokens)
        first = parts[0]
        try:
            readings = readings_from_packet(whole.packet, self.tz)
        except CodecError as exc:
            rejected.extend(
                Rejected(p.received_at, p.topic, p.payload, exc.reason, exc.detail, p.message.mn)
                for p in parts
            )
            return
        payload = b"".join(dict.fromkeys(p.payload for p in parts))
        arrived = max(p.received_at for p in parts)
        problem = time_problem(readings, arrived, first.max_future, first.oldest)
        if problem is not None:
            rejected.extend(
                Rejected(p.received_at, p.topic, p.payload, "field", problem, p.message.mn)
                for p in parts
            )
            return
        if not readings:
            detail = f"reassembled CN={whole.packet.cn} packet without data to store"
            rejected.append(
                Rejected(
                    first.received_at, first.topic, payload, "unsupported", detail, first.message.mn
                )
            )
            return
        tags = tuple(dict.fromkeys(tag for p in parts for tag in p.message.deviations))
        record = packet_record(first.message, payload, readings, tags)
        accepted.append(
            Accepted(first.received_at, first.topic, payload, tuple(readings), tags, record)
        )

    def _expire(self, rejected: list[Rejected], to_ack: list[T]) -> None:
        if not self._parts.pending:
            return
        for group in self._parts.expire(time.monotonic() - self.split_timeout_s):
            missing = sorted(set(range(1, group.pnum + 1)) - set(group.parts))
            detail = (
                f"split packet QN={group.qn} of MN {group.mn}: parts {sorted(group.parts)} of "
                f"{group.pnum} arrived, {missing} missing after {self.split_timeout_s:g} s"
            )
            for token, part in group.tokens:
                rejected.append(
                    Rejected(
                        part.received_at, part.topic, part.payload, "incomplete", detail, group.mn
                    )
                )
                to_ack.append(token)

    def _commit(
        self,
        accepted: Sequence[Accepted],
        rejected: Sequence[Rejected],
        *,
        last_resort: bool = False,
    ) -> BatchResult | None:
        delay = 0.5
        while True:
            try:
                return self.sink(accepted, rejected)
            except SinkError as exc:
                if not exc.transient:
                    if last_resort:
                        raise RuntimeError(
                            f"the database refuses even the quarantine row: {exc}"
                        ) from exc
                    return self._commit_one_by_one(accepted, rejected)
                error = str(exc)
            except Exception as exc:
                if last_resort:
                    raise RuntimeError(f"the sink refuses even the quarantine row: {exc}") from exc
                log.exception("sink failed on a batch; committing message by message")
                return self._commit_one_by_one(accepted, rejected)
            self.on_failure()
            log.warning(
                "database unavailable: not acknowledging, retrying",
                extra={
                    "fields": {
                        "event": "commit_failed",
                        "error": error,
                        "retry_in_s": delay,
                        "batch": len(accepted) + len(rejected),
                    }
                },
            )
            if self.abort.wait(delay):
                return None
            delay = min(delay * 2, self.retry_max_s)

    def _commit_one_by_one(
        self, accepted: Sequence[Accepted], rejected: Sequence[Rejected]
    ) -> BatchResult | None:
        total = BatchResult()
        singles: list[tuple[list[Accepted], list[Rejected]]] = [([a], []) for a in accepted]
        singles += [([], [r]) for r in rejected]
        for acc, rej in singles:
            result: BatchResult | None
            try:
                result = self.sink(acc, rej)
            except SinkError as exc:
                if exc.transient:
                    result = self._commit(acc, rej, last_resort=bool(rej) and not acc)
                else:
                    result = self._quarantine_invalid(acc, rej, exc)
            except Exception as exc:
                result = self._quarantine_invalid(acc, rej, exc)
            if result is None:
                return None
            total = total + result
        return total

    def _quarantine_invalid(
        self, acc: list[Accepted], rej: list[Rejected], exc: Exception
    ) -> BatchResult | None:
        m: Accepted | Rejected = acc[0] if acc else rej[0]
        mn = m.readings[0].mn if isinstance(m, Accepted) and m.readings else getattr(m, "mn", None)
        detail = f"the database refused this message: {type(exc).__name__}: {exc}"[:2000]
        log.error(
            "message refused by the database; quarantined as invalid",
            extra={"fields": {"topic": m.topic, "error": str(exc)[:500]}},
        )
        invalid = Rejected(m.received_at, m.topic, m.payload, "invalid", detail, mn)
        return self._commit([], [invalid], last_resort=True)
