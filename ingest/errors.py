"""Errors of the ingest layer.

Every decoder in ``ingest`` (HJ 212 frames, HJ 212 data segments, JSON payloads) raises exactly one
exception type, :class:`CodecError`, whatever the input bytes; nothing else escapes. Its ``reason``
is a short code the daemon stores with the quarantined payload; its ``detail`` names the position
(byte offset, field, CP item) and what was expected there.
"""

from __future__ import annotations

from typing import Final

#: Reason codes a :class:`CodecError` may carry.
REASONS: Final[dict[str, str]] = {
    "frame": "framing: missing '##', bytes after the CRC, garbage in a stream, empty payload",
    "length": "the 4-digit length field is not digits or does not equal the data segment's length",
    "too-long": "the data segment exceeds the length limit (1024 bytes per HJ 212), a JSON payload "
    "exceeds 16 KiB, or a message carries more than 64 pollutants",
    "crc": "missing, garbled or wrong CRC (or a Modbus CRC in strict mode)",
    "encoding": "a byte that is not ASCII (HJ 212) or not UTF-8 (JSON)",
    "syntax": "a data segment or JSON document that does not parse",
    "field": "a field with an invalid value (Flag, PNUM/PNO, DataTime, a number, a missing MN/CN, "
    "an MN, QN, CN, PW, pollutant code or data flag outside its format, e.g. with a control "
    "character; a time before the oldest stored or too far in the future)",
    "split": "a split-packet part that cannot be reassembled (no QN, PNUM mismatch)",
    "unsupported": "a payload that is neither HJ 212 ('##') nor JSON ('{')",
}


class IngestError(Exception):
    """Base class of every error raised by the ``ingest`` package."""


class CodecError(IngestError):
    """A payload that cannot be decoded.

    ``reason`` is one of :data:`REASONS`; ``detail`` is one line naming the position and the fix.
    """

    __slots__ = ("detail", "reason")

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"

    def __repr__(self) -> str:
        return f"CodecError({self.reason!r}, {self.detail!r})"
