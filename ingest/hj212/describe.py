"""What a packet says, as plain JSON values: the decoding behind ``monitor hj212 decode``.

:func:`describe` turns one line (one framed packet) into one JSON-ready object and never raises;
:func:`describe_lines` does it for every non-blank line of a source, after checking the zone once.
Values keep what the device sent: numbers as JSON numbers when they are plain decimals, anything
else (leading zeros, exponents, NaN, very long text) as text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from ingest.errors import CodecError
from ingest.hj212.codes import DATATIME_TZ, NUMERIC_FIELDS, TEXT_FIELDS
from ingest.hj212.packet import Packet, parse_datatime, read_frame, zone

__all__ = ["check_zone", "describe", "describe_lines"]


def check_zone(tz: str) -> None:
    """Raise ``ValueError`` with one line and a fix when ``tz`` is not a time zone."""
    try:
        parse_datatime("20000101000000", tz)
    except CodecError:
        raise ValueError(f"{tz!r} is not a time zone; use e.g. {DATATIME_TZ}") from None


def describe_lines(
    lines: Iterable[bytes],
    *,
    tz: str,
    strict_crc: bool = False,
    max_length: int | None = None,
    strict: bool = False,
) -> Iterator[dict[str, Any]]:
    """:func:`describe` of each non-blank line (its line end removed), in order. ``tz`` is checked
    first (``ValueError``, before any line is read)."""
    check_zone(tz)
    return _describe_lines(lines, tz, strict_crc, max_length, strict)


def _describe_lines(
    lines: Iterable[bytes], tz: str, strict_crc: bool, max_length: int | None, strict: bool
) -> Iterator[dict[str, Any]]:
    for line in lines:
        if line.strip():
            yield describe(
                line.rstrip(b"\r\n"),
                tz=tz,
                strict_crc=strict_crc,
                max_length=max_length,
                strict=strict,
            )


def describe(
    line: bytes, *, tz: str, strict_crc: bool, max_length: int | None, strict: bool = False
) -> dict[str, Any]:
    """The JSON object for one framed packet.

    Success: ``{"ok": true, "crc", "qn", "st", "cn", "pw", "mn", "flag", "version", "datatime",
    "values": {code: {field: value}}, "cp": {other CP fields}}``, and ``"deviations": [tags]``
    when the frame bends the standard (the packet as the standard spells it; tags as
    :func:`ingest.hj212.packet.read_frame` names them); failure: ``{"ok": false, "reason", "detail"}`` (never raises for any bytes).
    ``strict`` refuses the deviations (and Modbus CRCs) instead."""
    try:
        packet: Packet
        packet, variant, tags = read_frame(
            line, strict=strict, strict_crc=strict_crc, max_length=max_length
        )
        other = packet.cp_other()
        datatime = other.pop("DataTime", None)
        values = {
            code: {name: _field_value(name, text) for name, text in fields.items()}
            for code, fields in packet.pollutants().items()
        }
        flag = packet.flag
        described: dict[str, Any] = {
            "ok": True,
            "crc": variant,
            "qn": packet.qn,
            "st": packet.st,
            "cn": packet.cn,
            "pw": packet.pw,
            "mn": packet.mn,
            "flag": flag,
            "version": None if flag is None else flag >> 2,
            "datatime": None
            if datatime is None
            else parse_datatime(datatime, tz).astimezone(zone(tz)).isoformat(),
            "values": values,
            "cp": {key: _number_or_text(text) for key, text in other.items()},
        }
        if tags:
            described["deviations"] = list(tags)
        return described
    except CodecError as error:
        return {"ok": False, "reason": error.reason, "detail": error.detail}


def _number_or_text(text: str) -> float | int | str:
    """A decimal number as a JSON number (ints stay ints); leading zeros, exponents, NaN, inf and
    anything longer than 40 characters stay text."""
    if len(text) > 40:  # not a measurement; also keeps int() clear of its digit limit
        return text
    body = text[1:] if text[:1] == "-" else text
    digits = body.replace(".", "", 1)
    if not digits.isdigit() or not digits.isascii() or body.startswith(".") or body.endswith("."):
        return text
    if len(body) > 1 and body[0] == "0" and body[1] != ".":
        return text
    if "." not in body:
        return int(text)
    value = float(text)
    return value if math.isfinite(value) else text


def _field_value(name: str, text: str) -> float | int | str | None:
    if name in TEXT_FIELDS:
        return text
    if name in NUMERIC_FIELDS:
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise CodecError("field", f"{name}={text!r:.40} is not a number") from None
        if not math.isfinite(value):
            raise CodecError("field", f"{name}={text!r:.40} is not a finite number")
        return value
    return _number_or_text(text)
