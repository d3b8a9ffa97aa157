"""The sink protocol: where the daemon hands decoded messages, and what a batch commit reports.

A *sink* commits one batch and returns only when it is durable; until it returns, the daemon does
not acknowledge any MQTT message of the batch, so a crash at any moment loses nothing (the broker
redelivers) and idempotent storage makes the redelivery harmless. A sink that raises committed
nothing: the daemon keeps the batch, waits (backoff), and tries again.

Every message ends in exactly one place: its readings (:class:`Accepted`) or the quarantine with
its raw bytes, topic, time and reason (:class:`Rejected`). The sink may still move an accepted
message's readings to the quarantine as ``conflict`` when their key is stored with another value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, NamedTuple, Protocol

from ingest.reading import Reading

__all__ = [
    "PACKET_KINDS",
    "REASONS",
    "Accepted",
    "BatchResult",
    "PacketRecord",
    "Rejected",
    "Sink",
    "SinkError",
    "SinkMetric",
    "sink_metrics",
]

#: Quarantine reason codes. ``frame``: not an HJ 212 frame (header, length, terminator);
#: ``crc``: checksum mismatch; ``syntax``: malformed data segment or JSON; ``unauthorised``: MN not
#: registered or PW wrong; ``topic-mismatch``: the topic's MN differs from the packet's;
#: ``conflict``: a stored key arrived with a different value; ``unsupported``: a command (CN) or
#: format the daemon does not store; ``incomplete``: a split packet whose parts never all arrived; ``invalid``: a message the database refused (detail: the error); the codec's finer reasons
#: ``length``, ``too-long``, ``encoding``, ``field``, ``split`` (see ``ingest.errors.REASONS``).
REASONS: Final[tuple[str, ...]] = (
    "frame",
    "crc",
    "syntax",
    "unauthorised",
    "topic-mismatch",
    "conflict",
    "unsupported",
    "incomplete",
    "invalid",
    "length",
    "too-long",
    "encoding",
    "field",
    "split",
)


#: Kinds of packet record: the reading kind of a data packet, or ``heartbeat`` (liveness only).
PACKET_KINDS: Final[tuple[str, ...]] = ("rtd", "minute", "hour", "day", "heartbeat")


class PacketRecord(NamedTuple):
    """What the wire said about one accepted packet besides its readings, stored in ``packets``
    in the same transaction as the readings (once per payload: a redelivery adds nothing).

    ``data_time``: the CP DataTime (UTC; None for a heartbeat); ``kind``: one of
    :data:`PACKET_KINDS`; ``fingerprint`` and ``habits``: the transmission fingerprint's key and
    its habits as JSON (:mod:`ingest.hj212.fingerprint`; None for JSON payloads);
    ``deviations``: the packet's deviation tags; ``cp_flag``: ``unknown-fields`` when CP holds
    fields the codec does not know (then ``cp`` keeps the CP text whole), else None. (A named
    tuple, like :class:`ingest.reading.Reading`: one is made for every packet.)"""

    mn: str
    cn: str
    qn: str | None
    st: str | None
    flag: int | None
    data_time: datetime | None
    kind: str
    fingerprint: str | None = None
    habits: str | None = None
    deviations: tuple[str, ...] = ()
    cp_flag: str | None = None
    cp: str | None = None


@dataclass(frozen=True, slots=True)
class Accepted:
    """A decoded, authorised message: its readings and where they came from (kept for conflicts),
    and the tags of its accepted departures from the standard (``Message.deviations`` of
    :mod:`ingest.decode`: ``upper-case-fields``, ``crc-modbus``, ...), counted per MN in
    :attr:`BatchResult.deviations` once committed. ``packet``: the packet record stored with
    the readings (None: none, e.g. readings imported from a file); a heartbeat is an accepted
    message without readings, with a ``heartbeat`` packet record."""

    received_at: datetime
    topic: str
    payload: bytes
    readings: tuple[Reading, ...]
    deviations: tuple[str, ...] = ()
    packet: PacketRecord | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A message for the quarantine: raw bytes, topic, time, reason code and a readable detail."""

    received_at: datetime
    topic: str
    payload: bytes
    reason: str
    detail: str = ""
    mn: str | None = None


@dataclass(slots=True)
class BatchResult:
    """What one committed batch did: readings newly stored, redelivered duplicates (no-ops),
    readings refused as conflicts, and quarantine rows written (conflicts included);
    ``deviations`` counts the committed accepted messages per ``(MN, deviation tag)`` (filled by
    :class:`ingest.batch.BatchProcessor`, not by the sink)."""

    stored: int = 0
    duplicates: int = 0
    conflicts: int = 0
    quarantined: int = 0
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    deviations: dict[tuple[str, str], int] = field(default_factory=dict)

    def __add__(self, other: BatchResult) -> BatchResult:
        by_reason = dict(self.quarantined_by_reason)
        for reason, n in other.quarantined_by_reason.items():
            by_reason[reason] = by_reason.get(reason, 0) + n
        deviations = dict(self.deviations)
        for key, n in other.deviations.items():
            deviations[key] = deviations.get(key, 0) + n
        return BatchResult(
            self.stored + other.stored,
            self.duplicates + other.duplicates,
            self.conflicts + other.conflicts,
            self.quarantined + other.quarantined,
            by_reason,
            deviations,
        )


class SinkError(Exception):
    """The sink could not commit: nothing of the batch is durable.

    ``transient`` is True when trying the same batch again later can succeed (database
    unavailable, locked, connection lost); False when the batch itself is refused (a value the
    database cannot hold), so the daemon commits its messages one by one and quarantines the one
    that fails as ``invalid``.
    """

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


class Sink(Protocol):
    """Commit ``accepted`` and ``rejected`` in one transaction; return only when durable.

    A sink may also have a ``metrics()`` method returning :data:`SinkMetric` tuples about the
    work behind it (live detection's passes, findings, leads and alerts): the daemon exposes
    them with its own (see :func:`sink_metrics`)."""

    def __call__(
        self, accepted: Sequence[Accepted], rejected: Sequence[Rejected]
    ) -> BatchResult: ...


#: A figure a sink reports about the work behind it: ``(name, kind, help, value)``, ``kind``
#: ``"counter"`` (only grows while the sink lives) or ``"gauge"``; the daemon exposes it as
#: ``outlet_watch_<name>``.
SinkMetric = tuple[str, str, str, float]


def sink_metrics(sink: object) -> list[SinkMetric]:
    """What ``sink`` reports through its optional ``metrics()`` method (nothing without one)."""
    report = getattr(sink, "metrics", None)
    return list(report()) if callable(report) else []
