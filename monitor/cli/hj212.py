"""``monitor hj212``: tools to debug HJ 212 devices."""

from __future__ import annotations

import json
import math
from typing import Any, BinaryIO

import click

from ingest.errors import CodecError
from ingest.hj212.codes import NUMERIC_FIELDS, TEXT_FIELDS
from ingest.hj212.packet import (
    MAX_SEGMENT,
    Packet,
    parse_datatime,
    parse_segment,
    unframe,
    zone,
)


@click.group("hj212")
def hj212() -> None:
    """HJ 212 packets: decode what a device sends.

    \b
    Example:
      monitor hj212 decode packets.txt
    """


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


def describe(line: bytes, *, tz: str, strict_crc: bool, max_length: int | None) -> dict[str, Any]:
    """The JSON object ``monitor hj212 decode`` prints for one input line."""
    try:
        segment, variant = unframe(line, strict_crc=strict_crc, max_length=max_length)
        packet: Packet = parse_segment(segment)
        other = packet.cp_other()
        datatime = other.pop("DataTime", None)
        values = {
            code: {name: _field_value(name, text) for name, text in fields.items()}
            for code, fields in packet.pollutants().items()
        }
        flag = packet.flag
        return {
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
    except CodecError as error:
        return {"ok": False, "reason": error.reason, "detail": error.detail}


@hj212.command("decode")
@click.argument("source", type=click.File("rb"), default="-")
@click.option("--tz", default="Asia/Shanghai", show_default=True, help="Zone of DataTime.")
@click.option("--strict-crc", is_flag=True, help="Reject Modbus CRCs instead of tagging them.")
@click.option(
    "--max-length",
    type=int,
    default=MAX_SEGMENT,
    show_default=True,
    help="Longest data segment accepted (0: no limit).",
)
def decode(source: BinaryIO, tz: str, strict_crc: bool, max_length: int) -> None:
    """Decode one packet per line of SOURCE (a file, or - for stdin): one JSON object per line.

    Success: {"ok": true, "crc", "qn", "st", "cn", "pw", "mn", "flag", "version", "datatime",
    "values": {code: {field: value}}, "cp": {other CP fields}}; failure: {"ok": false, "reason",
    "detail"}. Blank lines are skipped. Exit status 1 if any line failed.

    \b
    Example:
      echo '##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80' | monitor hj212 decode -
    """
    try:
        parse_datatime("20000101000000", tz)
    except CodecError:
        raise click.ClickException(
            f"--tz {tz!r} is not a time zone; use e.g. Asia/Shanghai"
        ) from None
    failed = 0
    limit = max_length or None
    for line in source:
        if not line.strip():
            continue
        result = describe(line.rstrip(b"\r\n"), tz=tz, strict_crc=strict_crc, max_length=limit)
        failed += not result["ok"]
        click.echo(json.dumps(result, ensure_ascii=False))
    if failed:
        raise click.ClickException(f"{failed} line(s) failed to decode")
