"""Stored tables (DESIGN.md section 3): ``readings``, ``quarantine``, ``packets`` and
``transmission_fingerprints``.

Times are timezone-aware UTC in Python on every dialect (:class:`UTCDateTime`): PostgreSQL stores
``timestamptz``; SQLite stores the UTC wall time as text, so values read back compare equal to the
values written and sort in time order.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ingest.reading import MAX_FLAG, MAX_MN, MAX_POLLUTANT, MAX_QN
from monitor.store.base import Base

__all__ = ["FingerprintRow", "PacketRow", "QuarantineRow", "ReadingRow", "UTCDateTime"]

#: Integer primary keys: BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
_PK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; naive datetimes are refused (ValueError).

    Results are always aware UTC, so ``read == written`` on SQLite and PostgreSQL alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ReadingRow(Base):
    """One value of one pollutant of one outlet at one time; unique on (mn, pollutant, kind, ts).

    ``kind`` is ``rtd`` | ``minute`` | ``hour`` | ``day``; ``ts`` the start of the period (UTC).
    Per-outlet time queries use the key's index: filter on ``mn`` (and ``pollutant``, ``kind``)
    and a ``ts`` range.
    """

    __tablename__ = "readings"
    # The unique key's index also serves per-outlet time queries (mn leads it, ts ends it); a
    # second (mn, ts) index halved SQLite's insert rate (45k against 95k rows/s) for no query
    # the key cannot answer.
    __table_args__ = (UniqueConstraint("mn", "pollutant", "kind", "ts", name="uq_readings_key"),)

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    mn: Mapped[str] = mapped_column(String(MAX_MN))
    pollutant: Mapped[str] = mapped_column(String(MAX_POLLUTANT))
    kind: Mapped[str] = mapped_column(String(8))
    ts: Mapped[datetime] = mapped_column(UTCDateTime())
    value: Mapped[float | None] = mapped_column(Float(53))
    min: Mapped[float | None] = mapped_column(Float(53))
    max: Mapped[float | None] = mapped_column(Float(53))
    cou: Mapped[float | None] = mapped_column(Float(53))
    flag: Mapped[str] = mapped_column(String(MAX_FLAG), default="N")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    qn: Mapped[str | None] = mapped_column(String(MAX_QN))


class QuarantineRow(Base):
    """A message kept out of ``readings``: raw bytes, topic, time, reason code and detail.

    ``digest`` (SHA-256 of reason, topic and payload) is unique, so a redelivered bad message is
    quarantined once. ``mn`` is the packet's MN when it could be read (for per-outlet queries).
    """

    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_reason_received", "reason", "received_at"),)

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    topic: Mapped[str] = mapped_column(Text)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    mn: Mapped[str | None] = mapped_column(String(MAX_MN), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)


class PacketRow(Base):
    """One accepted packet as it came over the wire: header facts, DataTime beside the arrival
    time, its transmission fingerprint's key, its deviation tags (comma-separated), and CP kept
    whole when it holds fields the codec does not know (``cp_flag``). A heartbeat is a row of
    kind ``heartbeat`` (liveness) without readings.

    Unique on (mn, digest), ``digest`` the first 128 bits of SHA-256 of the payload as received:
    a redelivered packet is recorded once. The key's index also serves per-outlet queries.
    """

    __tablename__ = "packets"
    __table_args__ = (UniqueConstraint("mn", "digest", name="uq_packets_digest"),)

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    mn: Mapped[str] = mapped_column(String(MAX_MN))
    digest: Mapped[str] = mapped_column(String(32))
    cn: Mapped[str] = mapped_column(String(8))
    qn: Mapped[str | None] = mapped_column(String(MAX_QN))
    st: Mapped[str | None] = mapped_column(String(16))
    flag: Mapped[int | None] = mapped_column(Integer)
    data_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))
    fingerprint: Mapped[str | None] = mapped_column(String(16))
    deviations: Mapped[str] = mapped_column(String(256), default="")
    cp_flag: Mapped[str | None] = mapped_column(String(32))
    cp: Mapped[str | None] = mapped_column(Text)


class FingerprintRow(Base):
    """The habits (JSON object) behind a transmission fingerprint key, stored once per key
    (:mod:`ingest.hj212.fingerprint`)."""

    __tablename__ = "transmission_fingerprints"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    habits: Mapped[str] = mapped_column(Text)
