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
from typing import Final, Protocol

from ingest.reading import Reading

__all__ = [
    "REASONS",
    "Accepted",
    "BatchResult",
    "Rejected",
    "Sink",
    "SinkError",
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


@dataclass(frozen=True, slots=True)
class Accepted:
    """A decoded, authorised message: its readings and where they came from (kept for conflicts),
    and the tags of its accepted departures from the standard (``Message.deviations`` of
    :mod:`ingest.decode`: ``upper-case-fields``, ``crc-modbus``, ...), counted per MN in
    :attr:`BatchResult.deviations` once committed."""

    received_at: datetime
    topic: str
    payload: bytes
    readings: tuple[Reading, ...]
    deviations: tuple[str, ...] = ()


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
    """Commit ``accepted`` and ``rejected`` in one transaction; return only when durable."""

    def __call__(
        self, accepted: Sequence[Accepted], rejected: Sequence[Rejected]
    ) -> BatchResult: ...
