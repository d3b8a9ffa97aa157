"""decode_payload and readings_from_packet: the daemon's one entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.decode import Message, decode_payload, readings_from_packet
from ingest.errors import CodecError
from ingest.hj212 import encode_packet
from ingest.hj212.crc import crc_for, format_crc
from ingest.reading import Reading
from tests.ingest.hj212_samples import STANDARD_EXAMPLE, frame, hourly
from tests.ingest.test_json_payload import DESIGN_EXAMPLE

TS = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)  # 08:00 Beijing time


def error_of(payload: bytes, **kwargs: object) -> CodecError:
    with pytest.raises(CodecError) as info:
        decode_payload(payload, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_hourly_packet_gives_readings() -> None:
    message = decode_payload(encode_packet(hourly()))
    assert (message.fmt, message.mn, message.pw, message.cn, message.qn, message.st) == (
        "hj212", "61011500000001", "123456", "2061", "20261129080012345", "32",
    )  # fmt: skip
    assert (message.crc, message.flag, message.split, message.deviations) == ("hj212", 5, None, ())
    assert message.ack_required and not message.is_part
    assert message.readings[0] == Reading(
        "61011500000001", "w00000", TS, "hour", 812.3, 640.1, 955.0, 812.3, "N", "20261129080012345"
    )
    ph = message.readings[1]
    assert (ph.pollutant, ph.value, ph.cou, ph.flag) == ("w01001", 7.42, None, "N")
    assert [r.flag for r in message.readings] == ["N", "N", "N", "C"]


@pytest.mark.parametrize(
    ("cn", "kind", "field"),
    [
        ("2011", "rtd", "Rtd"),
        ("2051", "minute", "Avg"),
        ("2061", "hour", "Avg"),
        ("2031", "day", "Avg"),
    ],
)
def test_data_commands_and_their_value_field(cn: str, kind: str, field: str) -> None:
    cp = "DataTime=20261129080000;w01018-Rtd=1.5,w01018-Avg=2.5,w01018-Flag=N"
    (reading,) = decode_payload(encode_packet(hourly(cp=cp, CN=cn))).readings
    assert (
        reading.kind == kind
        and reading.value == (1.5 if field == "Rtd" else 2.5)
        and reading.ts == TS
    )


def test_datatime_zone_is_configurable() -> None:
    (reading,) = decode_payload(
        encode_packet(hourly(cp="DataTime=20261129080000;w01018-Avg=1")), tz="UTC"
    ).readings
    assert reading.ts == datetime(2026, 11, 29, 8, tzinfo=UTC)


def test_2005_packet_maps_codes_and_keeps_2005_flags() -> None:
    segment = (
        "ST=32;CN=2011;PW=123456;MN=88888880000001;Flag=0;CP=&&DataTime=20051201080000;"
        "B01-Rtd=12.3,B01-Flag=N;011-Rtd=45.6,011-Flag=P;060-Rtd=1.1;101-Rtd=0.2;065-Rtd=9;001-Rtd=7.1&&"
    )
    message = decode_payload(frame(segment))
    assert [(r.pollutant, r.value, r.flag) for r in message.readings] == [
        ("w00000", 12.3, "N"), ("w01018", 45.6, "P"), ("w21003", 1.1, "N"),
        ("w21011", 0.2, "N"), ("w21001", 9.0, "N"), ("w01001", 7.1, "N"),
    ]  # fmt: skip
    assert message.deviations == ("codes-2005",)  # P is a 2005 flag: not unknown
    assert message.readings[0].ts == datetime(2005, 12, 1, 0, tzinfo=UTC)


def test_real_world_deviations_are_tagged() -> None:
    segment = encode_packet(hourly(Flag=""))[6:-6].decode()
    crc = format_crc(crc_for(segment.encode(), "modbus"))
    message = decode_payload(frame(segment, crc))
    assert message.crc == "modbus" and message.flag is None
    assert message.deviations == ("crc-modbus", "no-flag")
    assert len(message.readings) == 4
    assert error_of(frame(segment, crc), strict_crc=True).reason == "crc"
    lower = decode_payload(frame(segment, format_crc(crc_for(segment.encode())).lower()))
    assert lower.crc == "hj212"


def test_unknown_data_flag_is_kept_and_tagged() -> None:
    message = decode_payload(
        encode_packet(hourly(cp="DataTime=20261129080000;w01018-Avg=1,w01018-Flag=X"))
    )
    assert message.readings[0].flag == "X" and message.deviations == ("unknown-data-flag",)


@pytest.mark.parametrize(
    ("cp", "where"),
    [
        ("w01018-Avg=1", "DataTime missing"),
        ("DataTime=20261131080000;w01018-Avg=1", "not a valid date"),
        ("DataTime=2026112908;w01018-Avg=1", "YYYYMMDDhhmmss"),
        ("DataTime=00010101000000;w01018-Avg=1", "not a valid date"),  # year 0 in UTC
        ("DataTime=20261129080000;DataTime=20261129090000;w01018-Avg=1", "conflicting"),
        ("DataTime=20261129080000;w01018-Avg=abc", "w01018-Avg='abc'"),
        ("DataTime=20261129080000;w01018-Avg=1,w01018-Max=nan", "w01018-Max='nan'"),
        ("DataTime=20261129080000;w01018-Avg=1,w01018-Cou=inf", "w01018-Cou='inf'"),
        ("DataTime=20261129080000;w01018-Avg=1,w01018-Min=1e400", "w01018-Min='1e400'"),
        ("DataTime=20261129080000;w01018-Avg=1;w21003-Avg=-Infinity", "w21003-Avg='-Infinity'"),
    ],
)
def test_field_errors(cp: str, where: str) -> None:
    error = error_of(encode_packet(hourly(cp=cp)))
    assert error.reason == "field" and where in error.detail


def test_empty_value_is_none_and_repeated_datatime_is_fine() -> None:
    cp = "DataTime=20261129080000;w01018-Avg=,w01018-Flag=D;DataTime=20261129080000;w21003-Avg=1;Note=x=y"
    message = decode_payload(encode_packet(hourly(cp=cp)))
    assert [(r.pollutant, r.value, r.flag) for r in message.readings] == [
        ("w01018", None, "D"),
        ("w21003", 1.0, "N"),
    ]


def test_other_commands_give_a_message_without_readings() -> None:
    message = decode_payload(STANDARD_EXAMPLE)
    assert message.cn == "1062" and message.readings == [] and message.packet is not None
    assert decode_payload(frame("QN=1;ST=91;CN=9014;PW=1;MN=2;Flag=4;CP=&&&&")).readings == []


def test_split_part_has_no_readings_until_reassembled() -> None:
    part = hourly(flag=7, PNUM="2", PNO="2")
    message = decode_payload(encode_packet(part))
    assert message.split == (2, 2) and message.is_part and message.readings == []
    assert message.packet is not None and len(readings_from_packet(message.packet)) == 4
    single = decode_payload(encode_packet(hourly(flag=7, PNUM="1", PNO="1")))
    assert single.split == (1, 1) and not single.is_part and len(single.readings) == 4


def test_json_is_sniffed() -> None:
    message = decode_payload(b"  \n" + DESIGN_EXAMPLE)
    assert isinstance(message, Message)
    assert (message.fmt, message.mn, message.pw, message.cn, message.crc, message.packet) == (
        "json", "61011500000001", "123456", "2061", None, None,
    )  # fmt: skip
    assert [r.pollutant for r in message.readings] == ["w01018", "w00000"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [(b"", "frame"), (b"  ", "frame"), (b"hello", "unsupported"), (b"\xff", "unsupported")],
)
def test_unsupported_payloads(payload: bytes, expected: str) -> None:
    assert error_of(payload).reason == expected


def test_non_bytes_is_a_codec_error() -> None:
    assert error_of("##0101...").reason == "frame"  # type: ignore[arg-type]


def test_readings_from_packet_for_non_data_command_is_empty() -> None:
    assert readings_from_packet(hourly(CN="9014")) == []


def _only_codec_errors(data: bytes) -> None:
    try:
        message = decode_payload(data)
    except CodecError as error:
        assert error.reason and error.detail
    else:
        assert all(isinstance(r, Reading) for r in message.readings)


@settings(max_examples=400)
@given(st.binary(max_size=300))
def test_fuzz_random_payloads(data: bytes) -> None:
    _only_codec_errors(data)
    _only_codec_errors(b"##" + data)
    _only_codec_errors(b"{" + data)


@settings(max_examples=400)
@given(
    st.lists(
        st.tuples(st.integers(0, 600), st.sampled_from(b"=,;&-#.NnaiF019 \x00\xff")),
        min_size=1,
        max_size=3,
    )
)
def test_fuzz_mutated_segments_behind_a_valid_crc(mutations: list[tuple[int, int]]) -> None:
    segment = bytearray(encode_packet(hourly())[6:-6])
    for position, byte in mutations:
        segment[position % len(segment)] = byte
    data = bytes(segment)
    _only_codec_errors(b"##%04d" % len(data) + data + format_crc(crc_for(data)).encode() + b"\r\n")


@settings(max_examples=300)
@given(
    st.text("0123456789", min_size=14, max_size=14)
    | st.datetimes().map(lambda d: d.strftime("%Y%m%d%H%M%S").zfill(14)),
    st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York", "Pacific/Kiritimati"]),
)
def test_any_datatime_gives_utc_or_a_field_error(text: str, tz: str) -> None:
    from ingest.hj212 import parse_datatime

    try:
        ts = parse_datatime(text, tz)
    except CodecError as error:
        assert error.reason == "field"
    else:
        assert ts.utcoffset() is not None and ts.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_fields_no_store_could_keep_are_refused() -> None:
    """An MN longer than the store's column, one pollutant twice (2005 and 2017 codes), and a
    'flag' that is a word are refused on decode, naming the field."""
    base = {"cn": "2061", "time": "2026-11-29T08:00:00+08:00", "pw": "1"}

    def payload(**over: object) -> bytes:
        return json.dumps({**base, "mn": "61011500000001", **over}).encode()

    with pytest.raises(CodecError, match=r"MN .* longer than 32") as e:
        decode_payload(payload(mn="6" * 40, values={"w01018": {"avg": 1}}))
    assert e.value.reason == "field"
    with pytest.raises(CodecError, match="w01018 appears twice"):
        decode_payload(payload(values={"w01018": {"avg": 35.2}, "011": {"avg": 40}}))
    with pytest.raises(CodecError, match="not a data flag"):
        decode_payload(payload(values={"w01018": {"avg": 1, "flag": "Normal"}}))
    odd = decode_payload(payload(values={"w01018": {"avg": 1, "flag": "X"}}))
    assert "unknown-data-flag" in odd.deviations and odd.readings[0].flag == "X"


def _hourly_segment(cp: str) -> bytes:
    return frame(
        "QN=20261129080012345;ST=32;CN=2061;PW=123456;MN=61011500000001;Flag=5;"
        f"CP=&&DataTime=20261129080000;{cp}&&"
    )


@pytest.mark.parametrize(
    "cp",
    [
        "w01018-Avg=10,w01018-Flag=N;w01018-Avg=99,w01018-Flag=N",
        "w01018-Avg=10,w01018-Flag=N;w21003-Avg=1;w01018-Avg=99,w01018-Flag=D",
        "w01018-Avg=10,w01018-Avg=99,w01018-Flag=N",
    ],
)
def test_a_field_given_twice_with_two_values_is_a_field_error(cp: str) -> None:
    """HJ 212 used to keep the first value and JSON the last, both silently: now one rule, the
    packet is quarantined as field and the detail names both values."""
    error = error_of(_hourly_segment(cp))
    assert error.reason == "field"
    assert "w01018-Avg given twice: '10' and '99'" in error.detail


def test_a_field_given_twice_with_one_value_counts_once() -> None:
    message = decode_payload(
        _hourly_segment("w01018-Avg=10,w01018-Flag=N;w21003-Avg=1;w01018-Avg=10.0,w01018-Flag=N")
    )
    assert [(r.pollutant, r.value, r.flag) for r in message.readings] == [
        ("w01018", 10.0, "N"), ("w21003", 1.0, "N"),
    ]  # fmt: skip
    flags = _hourly_segment("w01018-Avg=10,w01018-Flag=N;w01018-Flag=D")
    assert "w01018-Flag given twice: 'N' and 'D'" in error_of(flags).detail


@pytest.mark.parametrize("field", ["EFlag", "SampleTime", "ZsAvg"])
def test_an_unstored_field_given_twice_keeps_its_first_value(field: str) -> None:
    """A field no reading is built from (EFlag, SampleTime, ZsAvg: accepted and not stored)
    given twice with two values costs no reading: the packet decodes, its readings whole
    (reviewer-Q2's R7: the whole packet was quarantined as field)."""
    message = decode_payload(
        _hourly_segment(f"w01018-Avg=15,w01018-{field}=A01;w21003-Avg=1.2;w01018-{field}=A02")
    )
    assert [(r.pollutant, r.value) for r in message.readings] == [
        ("w01018", 15.0), ("w21003", 1.2),
    ]  # fmt: skip


def test_a_json_key_given_twice_follows_the_hj212_rule() -> None:
    head = b'{"mn":"61011500000001","cn":"2061","time":"2026-11-29T08:00:00+08:00","pw":"1",'
    error = error_of(head + b'"values":{"w01018":{"avg":10,"flag":"N"},"w01018":{"avg":99}}}')
    assert (error.reason, error.detail) == ("field", "values.w01018.avg given twice: 10 and 99")
    error = error_of(head + b'"values":{"w01018":{"avg":10,"avg":99.0}}}')
    assert (error.reason, error.detail) == ("field", "values.w01018.avg given twice: 10 and 99.0")
    error = error_of(head + b'"values":{"w21003":{"avg":1}},"extra":[{"a":1},{"b":{"c":1,"c":2}}]}')
    assert (error.reason, error.detail) == ("field", "extra.1.b.c given twice: 1 and 2")
    error = error_of(
        head + b'"values":{"w01018":{"avg":10,"avg":11}},"values":{"w01018":{"min":1}}}'
    )
    assert (error.reason, error.detail) == ("field", "values.w01018.avg given twice: 10 and 11")
    error = error_of(head + b'"mn":"61011500000002","values":{"w01018":{"avg":10}}}')
    assert (error.reason, error.detail) == (
        "field", "mn given twice: '61011500000001' and '61011500000002'",
    )  # fmt: skip
    same = decode_payload(
        head + b'"values":{"w01018":{"avg":10,"flag":"N"},"w21003":{"avg":1},'
        b'"w01018":{"avg":10.0,"min":9}}}'
    )
    assert [(r.pollutant, r.value, r.min, r.flag) for r in same.readings] == [
        ("w01018", 10.0, 9.0, "N"), ("w21003", 1.0, None, "N"),
    ]  # fmt: skip


@pytest.mark.parametrize("text", ["1_5", "1_0_0", " 15", "15 ", "\t15", "15\x0c", "+1_5e1"])
def test_a_number_float_reads_but_a_decimal_is_not_is_a_field_error(text: str) -> None:
    """float() reads digit-group underscores and surrounding whitespace ('1_5' was stored as 15);
    the docs' decimal does not. Both the general path (a new layout) and the fast path (a layout
    seen twice before) refuse it."""
    cp = "w01018-Avg={avg},w01018-Min={low},w01018-Flag=N;w21003-Avg=1.2,w21003-Flag=N"
    for _ in range(3):  # the fast path knows this skeleton from its second packet on
        good = decode_payload(_hourly_segment(cp.format(avg="15", low="9.5")))
        assert (good.readings[0].value, good.readings[0].min) == (15.0, 9.5)
    for packet in (cp.format(avg=text, low="9.5"), cp.format(avg="15", low=text)):
        error = error_of(_hourly_segment(packet))
        assert error.reason == "field" and "is not a finite decimal number" in error.detail
        assert repr(text) in error.detail
    general = cp.format(avg=text, low="9.5").replace(";", ";w01018-Ext=1;", 1)
    assert "is not a finite decimal number" in error_of(_hourly_segment(general)).detail


def test_a_space_or_underscore_outside_the_numbers_is_no_error() -> None:
    cp = "w01018-Avg={},w01018-SampleTime=2026-11-29 08:10,w01018-Flag=N;w21003-Avg=-.5e1"
    for value in ("15", "15.", ".5", "-1e-3", "+2"):
        for _ in range(3):
            message = decode_payload(_hourly_segment(cp.format(value)))
            assert [r.value for r in message.readings] == [float(value), -5.0]
