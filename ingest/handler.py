"""The message handler: one MQTT message (topic, payload) -> :class:`Accepted` or :class:`Rejected`.

A pure function of its inputs (no broker, no database), applied in this order; the first rule that
fails decides the quarantine reason:

1. decode (:func:`ingest.decode.decode_payload`): a :class:`CodecError` gives its reason
   (``frame``, ``length``, ``too-long``, ``crc``, ``encoding``, ``syntax``, ``field``, ``split``,
   ``unsupported``);
2. authorise: MN not registered, or PW not the registered password -> ``unauthorised`` (never stored
   as data, whatever else the packet holds);
3. topic: when the template has ``{mn}``, a topic that does not fit the template or names another
   MN -> ``topic-mismatch``;
4. content: a command (CN) that carries no stored data, or a data packet without pollutants ->
   ``unsupported``;
5. time: a reading timed more than ``max_future`` after the message arrived, or before ``oldest``
   (default 2000-01-01 UTC) -> ``field``.

A part of a split HJ 212 packet (PNUM > 1) is returned as :class:`Part` for reassembly. A packet
whose CN is one of ``heartbeat_cns`` (HJ 212-2025 liveness, or a vendor's keep-alive) is accepted
without readings, for its ``heartbeat`` packet record. Every accepted message carries its
:class:`ingest.sink.PacketRecord` (:func:`packet_record`), stored with its readings.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from ingest.decode import Message, decode_payload
from ingest.errors import CodecError
from ingest.hj212.codes import DATATIME_TZ, NUMERIC_FIELDS, TEXT_FIELDS
from ingest.hj212.fingerprint import fingerprint
from ingest.reading import KIND_BY_CN, OLDEST_READING, Reading
from ingest.sink import Accepted, PacketRecord, Rejected

__all__ = [
    "MessageHandler",
    "Part",
    "TopicTemplate",
    "authoriser",
    "packet_record",
    "time_problem",
]

Authorise = Callable[[str, str | None], bool]


@dataclass(frozen=True, slots=True)
class Part:
    """An authorised part of a split packet, waiting for its siblings; ``max_future`` and
    ``oldest`` are the handler's time limits, applied to the reassembled packet's readings
    (:func:`time_problem`)."""

    received_at: datetime
    topic: str
    payload: bytes
    message: Message
    max_future: timedelta = timedelta(hours=1)
    oldest: datetime | None = OLDEST_READING


def packet_record(
    message: Message,
    payload: bytes,
    readings: Sequence[Reading],
    deviations: tuple[str, ...] | None = None,
    *,
    heartbeat: bool = False,
) -> PacketRecord:
    """The packet record of an accepted ``message`` (``payload`` as received: all the frames of
    a split packet; ``readings`` its readings, ``deviations`` its tags when not the message's)."""
    packet = message.packet
    fp = fingerprint(payload, crc=message.crc) if packet is not None else None
    cp_flag = cp = None
    if fp is not None and _unknown_cp_fields(fp.habits[7][1]):
        cp_flag, cp = "unknown-fields", packet.cp_text if packet is not None else None
    kind = "heartbeat" if heartbeat else KIND_BY_CN.get(message.cn, "hour")
    return PacketRecord(
        message.mn,
        message.cn,
        message.qn,
        message.st,
        message.flag,
        readings[0].ts if readings else None,
        kind,
        None if fp is None else fp.key,
        None if fp is None else fp.to_json(),
        message.deviations if deviations is None else deviations,
        cp_flag,
        cp,
    )


_KNOWN_CP_KEYS = frozenset({"DataTime"})
_KNOWN_FIELDS = NUMERIC_FIELDS | TEXT_FIELDS


@lru_cache(maxsize=1024)
def _unknown_cp_fields(shape: str) -> bool:
    """Whether a fingerprint's CP shape holds a field the codec does not know."""
    for item in shape.split(";"):
        for key in item.split(","):
            if not key:
                continue
            if key.startswith("*-"):
                if key[2:] not in _KNOWN_FIELDS:
                    return True
            elif key not in _KNOWN_CP_KEYS:
                return True
    return False


def time_problem(
    readings: Sequence[Reading],
    received_at: datetime,
    max_future: timedelta,
    oldest: datetime | None,
) -> str | None:
    """Why readings' times cannot be stored (the detail of a ``field`` quarantine), or None: a
    time more than ``max_future`` after ``received_at``, or before ``oldest``."""
    times = {r.ts for r in readings}  # one DataTime per packet: usually one element
    if not times:
        return None
    latest = max(times)
    if latest > received_at + max_future:
        return (
            f"DataTime {latest.isoformat()} is {latest - received_at} after the message "
            "arrived: set the device's clock (Beijing time)"
        )
    earliest = min(times)
    if oldest is not None and earliest < oldest:
        return (
            f"DataTime {earliest.isoformat()} is before {oldest.isoformat()}, the oldest "
            "time the daemon stores: set the device's clock, or import old data from a file"
        )
    return None


@dataclass(frozen=True, slots=True)
class TopicTemplate:
    """``prefix{mn}suffix``; ``mn_of(topic)`` is the MN a topic names, or None if it does not fit."""

    prefix: str
    suffix: str

    @classmethod
    def parse(cls, template: str) -> TopicTemplate | None:
        """None for an empty template (any topic accepted); ValueError without exactly one {mn}."""
        if not template:
            return None
        if template.count("{mn}") != 1:
            raise ValueError(
                f"topic template {template!r} must contain {{mn}} once, e.g. hj212/{{mn}}"
            )
        prefix, suffix = template.split("{mn}")
        return cls(prefix, suffix)

    def mn_of(self, topic: str) -> str | None:
        if not topic.startswith(self.prefix) or not topic.endswith(self.suffix):
            return None
        mn = topic[len(self.prefix) : len(topic) - len(self.suffix)]
        return mn if mn and "/" not in mn else None


def authoriser(passwords: Mapping[str, str]) -> Authorise:
    """``authorise(mn, pw)`` against a MN -> password mapping (constant-time comparison)."""

    def authorise(mn: str, pw: str | None) -> bool:
        expected = passwords.get(mn)
        return (
            expected is not None
            and pw is not None
            and hmac.compare_digest(expected.encode(), pw.encode())
        )

    return authorise


class MessageHandler:
    """Decode, authorise and check one message. ``authorise`` is a callable ``(mn, pw) -> bool`` or
    a MN -> password mapping (which also lets the detail say *why* a packet was refused)."""

    def __init__(
        self,
        authorise: Authorise | Mapping[str, str],
        *,
        topic_template: str = "hj212/{mn}",
        tz: str = DATATIME_TZ,
        strict_crc: bool = False,
        max_future: timedelta = timedelta(hours=1),
        oldest: datetime | None = OLDEST_READING,
        strict: bool = False,
        heartbeat_cns: Sequence[str] = (),
    ) -> None:
        """``max_future``: how far after its arrival a reading's time may lie (device clocks
        drift); a message with a later time is quarantined (``field``) rather than stored under
        keys its real future data would then conflict with. ``oldest``: a message with a reading
        timed before it (aware; None: no limit) is quarantined (``field``): a device whose clock
        was reset to its epoch, or history that belongs in a readings file import. ``strict``:
        quarantine packets that bend the standard (:func:`ingest.decode.decode_payload`) instead
        of storing them with their deviations tagged (:attr:`ingest.sink.Accepted.deviations`).
        ``heartbeat_cns``: CNs accepted as heartbeats (a liveness record, no readings)."""
        if oldest is not None and oldest.utcoffset() is None:
            raise ValueError(f"oldest={oldest!r} must be timezone-aware")
        self.max_future = max_future
        self.oldest = oldest
        self._passwords = authorise if isinstance(authorise, Mapping) else None
        self._authorise = authoriser(authorise) if isinstance(authorise, Mapping) else authorise
        self.template = TopicTemplate.parse(topic_template)
        self.tz = tz
        self.strict_crc = strict_crc
        self.strict = strict
        self.heartbeat_cns = frozenset(heartbeat_cns)

    def handle(
        self, topic: str, payload: bytes, received_at: datetime
    ) -> Accepted | Rejected | Part:
        """The outcome of one message (see the module docstring for the rules)."""
        try:
            msg = decode_payload(
                payload, tz=self.tz, strict_crc=self.strict_crc, strict=self.strict
            )
        except CodecError as exc:
            return Rejected(received_at, topic, payload, exc.reason, exc.detail, None)
        mn = msg.mn
        if not self._authorise(mn, msg.pw):
            return Rejected(received_at, topic, payload, "unauthorised", self._why(mn), mn)
        if self.template is not None:
            topic_mn = self.template.mn_of(topic)
            if topic_mn != mn:
                detail = (
                    f"topic {topic!r} does not fit the template {self.template.prefix}{{mn}}{self.template.suffix}"
                    if topic_mn is None
                    else f"topic names MN {topic_mn} but the packet's MN is {mn}"
                )
                return Rejected(received_at, topic, payload, "topic-mismatch", detail, mn)
        if msg.is_part:
            return Part(received_at, topic, payload, msg, self.max_future, self.oldest)
        if not msg.readings:
            if msg.cn in self.heartbeat_cns:
                record = packet_record(msg, payload, (), heartbeat=True)
                return Accepted(received_at, topic, payload, (), msg.deviations, record)
            detail = (
                f"CN={msg.cn} carries no data to store"
                if msg.cn not in ("2011", "2051", "2061", "2031")
                else f"CN={msg.cn} data packet without pollutant values"
            )
            return Rejected(received_at, topic, payload, "unsupported", detail, mn)
        problem = time_problem(msg.readings, received_at, self.max_future, self.oldest)
        if problem is not None:
            return Rejected(received_at, topic, payload, "field", problem, mn)
        readings = tuple(msg.readings)
        record = packet_record(msg, payload, readings)
        return Accepted(received_at, topic, payload, readings, msg.deviations, record)

    def _why(self, mn: str) -> str:
        if self._passwords is not None and mn not in self._passwords:
            return f"MN {mn} is not registered"
        if self._passwords is not None:
            return f"PW does not match the registered password of MN {mn}"
        return f"MN {mn} is not registered or its PW does not match"
