"""Hostile payloads for the door checks (issue 15 items 1, 2): control characters (NUL first) in
every identifying text field, non-finite numbers, old times, oversized JSON, and a seeded random
mix of those with valid messages for the fuzz test.

HJ 212 frames are built by hand (:func:`frame`) so that any byte can sit in any field with a correct
length and CRC: the codec must refuse the field, not the envelope.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from ingest.hj212.crc import crc_for
from tests.ingest.daemon_stream import T0, Site, hourly_packet

#: Characters PostgreSQL refuses in text (NUL) or that no identifier may hold.
CONTROLS = ("\x00", "\x01", "\x1b", "\x7f", "\t")
#: The text fields a message identifies itself by.
FIELDS = ("mn", "code", "flag", "pw", "qn", "cn")


def frame(segment: str | bytes) -> bytes:
    """An HJ 212 frame of ``segment`` with the right length and CRC."""
    seg = segment.encode("latin-1") if isinstance(segment, str) else segment
    return b"##%04d%s%04X\r\n" % (len(seg), seg, crc_for(seg))


def beijing(ts: datetime) -> str:
    return (ts.astimezone(UTC) + timedelta(hours=8)).strftime("%Y%m%d%H%M%S")


def hj212(
    site: Site,
    hour: int = 0,
    *,
    mn: str | None = None,
    code: str = "w01018",
    flag: str = "N",
    pw: str | None = None,
    qn: str | None = None,
    cn: str = "2061",
    avg: str = "35.2",
    when: datetime | None = None,
) -> bytes:
    """One hourly HJ 212 frame with every field settable to anything."""
    ts = beijing(when if when is not None else T0 + timedelta(hours=hour))
    qn = ts + "000" if qn is None else qn
    segment = (
        f"QN={qn};ST=32;CN={cn};PW={site.pw if pw is None else pw};"
        f"MN={site.mn if mn is None else mn};Flag=4;"
        f"CP=&&DataTime={ts};{code}-Avg={avg},{code}-Flag={flag};w21003-Avg=1.5,w21003-Flag=N&&"
    )
    return frame(segment)


def json_payload(
    site: Site,
    hour: int = 0,
    *,
    mn: str | None = None,
    code: str = "w01018",
    flag: str = "N",
    pw: str | None = None,
    cn: str = "2061",
    avg: Any = 35.2,
    when: datetime | None = None,
    values: dict[str, Any] | None = None,
) -> bytes:
    """One JSON payload with every field settable to anything (``qn`` has no JSON field)."""
    ts = when if when is not None else T0 + timedelta(hours=hour)
    doc = {
        "mn": site.mn if mn is None else mn,
        "cn": cn,
        "time": ts.isoformat(),
        "pw": site.pw if pw is None else pw,
        "values": values
        if values is not None
        else {code: {"avg": avg, "flag": flag}, "w21003": {"avg": 1.5, "flag": "N"}},
    }
    return json.dumps(doc, allow_nan=True).encode()


def with_control(site: Site, fmt: str, field: str, char: str, hour: int = 0) -> bytes:
    """A message of ``site`` whose ``field`` holds ``char`` (else valid)."""
    good = {
        "mn": site.mn,
        "code": "w01018",
        "flag": "N",
        "pw": site.pw,
        "qn": beijing(T0 + timedelta(hours=hour)) + "000",
        "cn": "2061",
    }
    value = good[field]
    bad = value[: len(value) // 2] + char + value[len(value) // 2 :]
    if fmt == "hj212":
        return hj212(site, hour, **{field: bad})
    if field == "qn":  # JSON has no QN: a control character in the time instead
        return json_payload(site, hour).replace(b'"time": "', b'"time": "\\u0000')
    return json_payload(site, hour, **{field: bad})


def hostile_mix(
    rng: random.Random, registered: list[Site], n: int
) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    """``n`` messages ``(topic, payload)``: valid ones (HJ 212 and JSON, each at a distinct hour,
    some sent twice) mixed with random bytes, control characters in every field, huge and
    non-finite numbers, deep and oversized JSON, too many codes, bad UTF-8, old times. Also returns
    the valid messages (each once)."""
    out: list[tuple[str, bytes]] = []
    valid: list[tuple[str, bytes]] = []
    hour = 0
    for _ in range(n):
        site = rng.choice(registered)
        topic = f"hj212/{site.mn}"
        hour += 1
        kind = rng.randrange(16)
        if kind <= 3:  # valid, sometimes sent twice (a redelivery)
            payload = (
                hourly_packet(site, hour) if kind < 2 else json_payload(site, hour, avg=hour + 0.5)
            )
            valid.append((topic, payload))
            out.append((topic, payload))
            if rng.random() < 0.2:
                out.append((topic, payload))
            continue
        if kind == 4:
            payload = rng.randbytes(rng.randrange(0, 300))
        elif kind == 5:
            payload = rng.choice([b"##", b"{"]) + rng.randbytes(rng.randrange(0, 200))
        elif kind == 6:
            payload = with_control(
                site, rng.choice(["hj212", "json"]), rng.choice(FIELDS), rng.choice(CONTROLS), hour
            )
        elif kind == 7:
            number = rng.choice(["1e999", "-1e999", "inf", "nan", "NaN", "Infinity", "9" * 400])
            payload = (
                hj212(site, hour, avg=number)
                if rng.random() < 0.5
                else json_payload(site, hour).replace(b'"avg": 35.2', b'"avg": ' + number.encode())
            )
        elif kind == 8:
            depth = rng.choice([50, 1000, 5000, 100_000])
            payload = b'{"mn": "1", "x": ' + b"[" * depth + b"]" * depth + b"}"
        elif kind == 9:
            count = rng.choice([65, 200, 5000])
            values = {f"w{i:05d}": {"avg": 1.0} for i in range(count)}
            payload = json_payload(site, hour, values=values)
        elif kind == 10:
            payload = json_payload(site, hour).replace(b"w21003", b"w21\xff\xfe03")
        elif kind == 11:
            payload = json_payload(site, hour, when=datetime(1970, 1, 1, tzinfo=UTC))
        elif kind == 12:
            payload = hj212(site, hour, when=datetime(1999, 12, 31, 15, tzinfo=UTC))
        elif kind == 13:
            payload = b'{"mn": "' + site.mn.encode() + b'", "pad": "' + b"x" * 20_000 + b'"}'
        elif kind == 14:
            code = rng.choice(["w01 018", "w01018;", "\u6c6101018", "w01018-Avg", "x" * 17])
            payload = json_payload(site, hour, code=code)
        else:  # a valid packet with one byte flipped (CRC then usually wrong)
            good = bytearray(hourly_packet(site, hour))
            good[rng.randrange(len(good))] = rng.randrange(256)
            payload = bytes(good)
        out.append((topic, payload))
    return out, valid
