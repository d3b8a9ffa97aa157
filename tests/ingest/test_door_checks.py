"""Checks at the door (issue 15 items 1, 2): what no reading may hold is refused on decode, with a
reason, before it reaches a store: control characters (NUL first) in the identifying text fields,
non-finite numbers, times before the oldest stored, oversized JSON and too many or malformed
pollutant codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from ingest.decode import decode_payload, readings_from_packet
from ingest.errors import CodecError
from ingest.handler import MessageHandler
from ingest.hj212 import Packet
from ingest.json_payload import MAX_JSON
from ingest.reading import MAX_POLLUTANTS, OLDEST_READING
from ingest.sink import Accepted, Rejected
from tests.ingest.daemon_stream import Site, sites
from tests.ingest.hostile import CONTROLS, FIELDS, frame, hj212, json_payload, with_control

SITE = sites(1, "6101150000")[0]
NOW = datetime(2026, 11, 29, tzinfo=UTC)


@pytest.fixture
def handler() -> MessageHandler:
    return MessageHandler({SITE.mn: SITE.pw})


def test_the_valid_builders_are_accepted(handler: MessageHandler) -> None:
    for payload in (hj212(SITE, 1), json_payload(SITE, 1)):
        out = handler.handle(f"hj212/{SITE.mn}", payload, NOW)
        assert isinstance(out, Accepted), out
        assert len(out.readings) == 2


@pytest.mark.parametrize("fmt", ["hj212", "json"])
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("char", CONTROLS, ids=[f"x{ord(c):02x}" for c in CONTROLS])
def test_a_control_character_in_any_field_is_refused(
    handler: MessageHandler, fmt: str, field: str, char: str
) -> None:
    """MN, pollutant code, data flag, PW, QN (JSON: the time), CN: a control character is a
    ``field`` error on decode, whether or not the MN is registered, never a reading."""
    payload = with_control(SITE, fmt, field, char)
    with pytest.raises(CodecError) as e:
        decode_payload(payload)
    assert e.value.reason == "field", e.value
    out = handler.handle(f"hj212/{SITE.mn}", payload, NOW)
    assert isinstance(out, Rejected) and out.reason == "field" and out.payload == payload


@pytest.mark.parametrize(
    "mn", ["6101\u00e90001", "6101-0001", "6101 0001", "6" * 33, "61011500000001\u0000"]
)
def test_an_mn_outside_its_format_is_refused(mn: str) -> None:
    for payload in (
        hj212(SITE, mn=mn.encode("utf-8").decode("latin-1")),
        json_payload(SITE, mn=mn),
    ):
        with pytest.raises(CodecError) as e:
            decode_payload(payload)
        assert e.value.reason in ("field", "encoding"), e.value  # HJ 212 is ASCII only


def test_a_lone_surrogate_in_the_json_password_is_refused(handler: MessageHandler) -> None:
    """Comparing such a password used to raise UnicodeEncodeError out of the handler."""
    payload = json_payload(SITE).replace(f'"{SITE.pw}"'.encode(), b'"\\ud800"')
    out = handler.handle(f"hj212/{SITE.mn}", payload, NOW)
    assert isinstance(out, Rejected) and out.reason == "field"


@pytest.mark.parametrize("code", ["w01 018", "w01018;", "\u6c6101018", "w01018-Avg", "x" * 17, ""])
def test_a_json_pollutant_code_outside_its_format_is_refused(code: str) -> None:
    with pytest.raises(CodecError) as e:
        decode_payload(json_payload(SITE, code=code))
    assert e.value.reason == "field"


def test_2005_and_vendor_codes_pass() -> None:
    for code in ("011", "B01", "001", "w01018", "a21026", "Vendor7"):
        decode_payload(json_payload(SITE, code=code))
        decode_payload(hj212(SITE, code=code))


def test_a_reassembled_split_packet_checks_its_codes_too() -> None:
    packet = Packet.build(
        cn="2061", mn=SITE.mn, pw=SITE.pw,
        cp=((("DataTime", "20261101080000"),), (("w01\x0018-Avg", "1"),)),
    )  # fmt: skip
    with pytest.raises(CodecError) as e:
        readings_from_packet(packet)
    assert e.value.reason == "field"


@pytest.mark.parametrize("number", ["inf", "-inf", "nan", "NaN", "Infinity", "1e999", "9" * 400])
@pytest.mark.parametrize("name", ["Avg", "Min", "Max", "Cou"])
def test_hj212_non_finite_numbers_are_refused(number: str, name: str) -> None:
    """Both decoding paths: the common layout (fast path) and the general one (a vendor key)."""
    for vendor in ("", "Vendor=1;"):
        segment = (
            f"QN=20261101080000000;ST=32;CN=2061;PW={SITE.pw};MN={SITE.mn};Flag=4;{vendor}"
            f"CP=&&DataTime=20261101080000;w01018-Avg=1,w01018-{name}={number},w01018-Flag=N&&"
        )
        if name == "Avg":
            segment = segment.replace("w01018-Avg=1,", "")
        with pytest.raises(CodecError) as e:
            decode_payload(frame(segment))
        assert e.value.reason == "field" and "finite" in e.value.detail


@pytest.mark.parametrize("number", [b"1e999", b"-1e999", b"NaN", b"Infinity", b"9" * 400])
def test_json_non_finite_numbers_are_refused(number: bytes) -> None:
    payload = json_payload(SITE).replace(b'"avg": 35.2', b'"avg": ' + number)
    with pytest.raises(CodecError) as e:
        decode_payload(payload)
    assert e.value.reason == "field"


def test_readings_before_the_oldest_time_are_quarantined(handler: MessageHandler) -> None:
    assert datetime(2000, 1, 1, tzinfo=UTC) == OLDEST_READING
    topic = f"hj212/{SITE.mn}"
    for when in (datetime(1999, 12, 31, 23, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC)):
        for payload in (hj212(SITE, when=when), json_payload(SITE, when=when)):
            out = handler.handle(topic, payload, NOW)
            assert isinstance(out, Rejected) and out.reason == "field", out
            assert "before 2000-01-01" in out.detail
    assert isinstance(handler.handle(topic, hj212(SITE, when=OLDEST_READING), NOW), Accepted)
    lenient = MessageHandler({SITE.mn: SITE.pw}, oldest=None)
    old = json_payload(SITE, when=datetime(1990, 1, 1, tzinfo=UTC))
    assert isinstance(lenient.handle(topic, old, NOW), Accepted)
    recent = MessageHandler({SITE.mn: SITE.pw}, oldest=NOW - timedelta(days=365))
    assert isinstance(recent.handle(topic, json_payload(SITE), NOW), Accepted)  # 2026-11-01
    year_old = json_payload(SITE, when=NOW - timedelta(days=400))
    assert isinstance(recent.handle(topic, year_old, NOW), Rejected)
    with pytest.raises(ValueError, match="timezone-aware"):
        MessageHandler({}, oldest=datetime(2000, 1, 1))


def test_readings_far_in_the_future_are_quarantined_in_json_too(handler: MessageHandler) -> None:
    out = handler.handle(f"hj212/{SITE.mn}", json_payload(SITE, when=NOW + timedelta(days=2)), NOW)
    assert isinstance(out, Rejected) and out.reason == "field"


def test_the_daemon_settings_carry_the_oldest_time() -> None:
    from ingest.daemon import DaemonSettings

    assert DaemonSettings(broker="mqtt://127.0.0.1:1").oldest_reading == OLDEST_READING


def test_json_payload_size_is_bounded() -> None:
    small = json_payload(SITE)
    padded = small[:-1] + b', "pad": "' + b"x" * (MAX_JSON - len(small) - 11) + b'"}'
    assert len(padded) == MAX_JSON
    decode_payload(padded)
    with pytest.raises(CodecError) as e:
        decode_payload(padded[:-2] + b'x"}')
    assert e.value.reason == "too-long" and "16384" in e.value.detail


def test_json_pollutant_count_is_bounded() -> None:
    """One authorised message with 100,000 invented codes used to store 99,994 rows."""
    values = {f"w{i:05d}": {"avg": 1.0} for i in range(MAX_POLLUTANTS)}
    assert len(decode_payload(json_payload(SITE, values=values)).readings) == MAX_POLLUTANTS
    values["w99999"] = {"avg": 1.0}
    for payload in (
        json_payload(SITE, values=values),
        json.dumps({"mn": SITE.mn, "cn": "2061", "time": "2026-11-01T00:00:00Z",
                    "values": {f"c{i}": {} for i in range(100_000)}}).encode(),
    ):  # fmt: skip
        with pytest.raises(CodecError) as e:
            decode_payload(payload)
        assert e.value.reason == "too-long"


def test_an_hj212_packet_without_the_length_limit_is_bounded_in_codes_too() -> None:
    items = "".join(f";w{i:05d}-Avg=1" for i in range(MAX_POLLUTANTS + 1))
    segment = (
        f"QN=1;ST=32;CN=2061;PW={SITE.pw};MN={SITE.mn};Flag=4;CP=&&DataTime=20261101080000{items}&&"
    )
    with pytest.raises(CodecError) as e:
        decode_payload(frame(segment), max_length=None)
    assert e.value.reason == "too-long"


def test_site_is_a_plain_registered_outlet() -> None:
    assert isinstance(SITE, Site) and SITE.mn.isalnum()


def _split_parts(when: datetime) -> list[bytes]:
    from ingest.hj212 import encode_packet

    ts = when.astimezone(UTC) + timedelta(hours=8)
    items = (
        ((("DataTime", ts.strftime("%Y%m%d%H%M%S")),), (("w01018-Avg", "1"),)),
        ((("w21003-Avg", "2"),),),
    )
    return [
        encode_packet(
            Packet.build(
                qn="20261101080000000",
                st="32",
                cn="2061",
                pw=SITE.pw,
                mn=SITE.mn,
                flag=4 | 2,
                pnum=2,
                pno=pno,
                cp=cp,
            )
        )
        for pno, cp in enumerate(items, 1)
    ]


@pytest.mark.parametrize(
    ("when", "stored"),
    [
        (datetime(2026, 11, 1, tzinfo=UTC), True),
        (datetime(1999, 1, 1, tzinfo=UTC), False),
        (NOW + timedelta(days=3), False),
    ],
)
def test_a_reassembled_split_packet_gets_the_time_limits_too(
    handler: MessageHandler, when: datetime, stored: bool
) -> None:
    from ingest.batch import BatchProcessor
    from ingest.handler import Part
    from ingest.sink import BatchResult

    committed: list[tuple[list[Accepted], list[Rejected]]] = []

    def sink(accepted: object, rejected: object) -> BatchResult:
        committed.append((list(accepted), list(rejected)))  # type: ignore[call-overload]
        return BatchResult()

    processor: BatchProcessor[int] = BatchProcessor(sink)
    outcomes = [handler.handle(f"hj212/{SITE.mn}", p, NOW) for p in _split_parts(when)]
    assert all(isinstance(o, Part) for o in outcomes)
    done = processor.process(list(enumerate(outcomes)))
    assert done is not None and sorted(done[0]) == [0, 1]
    ((accepted, rejected),) = committed
    if stored:
        assert len(accepted) == 1 and len(accepted[0].readings) == 2 and not rejected
    else:
        assert not accepted and [r.reason for r in rejected] == ["field", "field"]
        assert "DataTime" in rejected[0].detail
