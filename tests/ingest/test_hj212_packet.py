"""HJ 212 frames and data segments: the standard's example, every framing error, deviations."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import CodecError
from ingest.hj212 import Packet, decode_packet, encode_packet, unframe
from ingest.hj212.crc import crc_for, format_crc, hj212_crc
from tests.ingest.hj212_samples import STANDARD_EXAMPLE, frame, hourly, packets

SEGMENT = STANDARD_EXAMPLE[6:-6].decode()


def reason(data: bytes, **kwargs: object) -> tuple[str, str]:
    with pytest.raises(CodecError) as info:
        decode_packet(data, **kwargs)  # type: ignore[arg-type]
    return info.value.reason, info.value.detail


# --- the standard's example ---------------------------------------------------------------


def test_standard_example_decodes_and_reencodes_byte_for_byte() -> None:
    packet = decode_packet(STANDARD_EXAMPLE)
    assert (packet.qn, packet.st, packet.cn, packet.pw) == (
        "20160801085857223",
        "32",
        "1062",
        "100000",
    )
    assert packet.mn == "010000A8900016F000169DC0"
    assert packet.flag == 5 and packet.version == 1 and packet.split is None
    assert packet.cp == ((("RtdInterval", "30"),),)
    assert encode_packet(packet) == STANDARD_EXAMPLE


def test_standard_example_without_crlf_decodes_the_same() -> None:
    assert decode_packet(STANDARD_EXAMPLE[:-2]) == decode_packet(STANDARD_EXAMPLE)
    assert decode_packet(STANDARD_EXAMPLE[:-2] + b"\n") == decode_packet(STANDARD_EXAMPLE)


def test_unframe_returns_segment_and_variant() -> None:
    assert unframe(STANDARD_EXAMPLE) == (SEGMENT, "hj212")


# --- framing errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected_reason", "where"),
    [
        (b"", "frame", "empty"),
        (b"#0101" + STANDARD_EXAMPLE[5:], "frame", "offset 0"),
        (b" " + STANDARD_EXAMPLE, "frame", "offset 0"),
        (b"##01", "frame", "truncated"),
        (b"##01a1" + STANDARD_EXAMPLE[6:], "length", "offset 2"),
        (b"##0100" + STANDARD_EXAMPLE[6:], "length", "says 100"),
        (b"##0102" + STANDARD_EXAMPLE[6:], "length", "says 102"),
        (STANDARD_EXAMPLE[:-8] + b"1C80\r\n", "length", "offset 2"),  # truncated segment
        (STANDARD_EXAMPLE[:-6] + b"1C8G\r\n", "crc", "offset 107"),
        (STANDARD_EXAMPLE[:-6] + b"\r\n", "length", "offset 2"),  # CRC missing
        (STANDARD_EXAMPLE[:-6] + b"1C81\r\n", "crc", "1C80"),
        (STANDARD_EXAMPLE[:-6] + b"+C80\r\n", "crc", "4 hex digits"),
    ],
)
def test_framing_errors_name_reason_and_position(
    data: bytes, expected_reason: str, where: str
) -> None:
    got_reason, detail = reason(data)
    assert got_reason == expected_reason
    assert where in detail


def test_bytes_after_the_crlf_are_a_frame_error() -> None:
    got_reason, detail = reason(STANDARD_EXAMPLE + b"##00")
    assert got_reason == "frame" and "4 bytes after the frame's CRLF at offset 111" in detail


def test_non_ascii_byte_is_an_encoding_error_with_offset() -> None:
    data = frame(SEGMENT.replace("PW=100000", "PW=10000\xe9"))
    got_reason, detail = reason(data)
    assert got_reason == "encoding" and "offset 49" in detail and "0xE9" in detail


def test_too_long_segment_and_lenient_limit() -> None:
    cp = ";".join(f"a{i:04d}-Rtd={i}.5" for i in range(100))
    packet = hourly(cp="DataTime=20261129080000;" + cp)
    data = encode_packet(packet, max_length=None)
    assert len(data) - 12 > 1024
    assert reason(data)[0] == "too-long"
    assert decode_packet(data, max_length=None) == packet
    assert decode_packet(data, max_length=4000) == packet
    with pytest.raises(CodecError) as info:
        encode_packet(packet)
    assert info.value.reason == "too-long"


def test_line_break_inside_segment_is_a_frame_error() -> None:
    assert reason(frame(SEGMENT.replace("ST=32", "ST=3\n")))[0] == "frame"


# --- CRC deviations ----------------------------------------------------------------------------


def test_lowercase_crc_is_standard() -> None:
    data = STANDARD_EXAMPLE.replace(b"1C80", b"1c80")
    assert unframe(data) == (SEGMENT, "hj212")


@pytest.mark.parametrize("variant", ["modbus", "modbus-le"])
def test_modbus_crcs_are_tagged_and_rejected_in_strict_mode(variant: str) -> None:
    crc = format_crc(crc_for(SEGMENT.encode(), variant))  # type: ignore[arg-type]
    data = frame(SEGMENT, crc)
    assert unframe(data) == (SEGMENT, variant)
    assert unframe(frame(SEGMENT, crc.lower()))[1] == variant
    with pytest.raises(CodecError) as info:
        unframe(data, strict_crc=True)
    assert info.value.reason == "crc" and "strict" in info.value.detail


def test_encode_can_imitate_a_modbus_device() -> None:
    packet = decode_packet(STANDARD_EXAMPLE)
    data = encode_packet(packet, crc="modbus-le")
    assert unframe(data)[1] == "modbus-le"


# --- data segment ----------------------------------------------------------------------------


def test_missing_flag_is_allowed() -> None:
    segment = SEGMENT.replace("Flag=5;", "")
    packet = decode_packet(frame(segment))
    assert packet.flag is None and packet.version is None
    assert encode_packet(packet) == frame(segment)


@pytest.mark.parametrize(
    ("flag", "version", "split_bit", "ack"),
    [(0, 0, False, False), (1, 0, False, True), (4, 1, False, False), (5, 1, False, True),
     (7, 1, True, True), (8, 2, False, False), (9, 2, False, True)],
)  # fmt: skip
def test_flag_bits(flag: int, version: int, split_bit: bool, ack: bool) -> None:
    extra = {"PNUM": "2", "PNO": "1"} if split_bit else {}
    packet = hourly(flag=flag, **extra)
    decoded = decode_packet(encode_packet(packet))
    assert decoded.version == version
    assert bool(decoded.flag & 2) == split_bit and bool(decoded.flag & 1) == ack  # type: ignore[operator]
    assert decoded.split == ((2, 1) if split_bit else None)


def test_unknown_header_and_cp_fields_are_kept() -> None:
    packet = hourly(cp="DataTime=20261129080000;w01018-Avg=1.0,w01018-Vendor=x y;Foo=bar", Vnd="7")
    decoded = decode_packet(encode_packet(packet))
    assert decoded.extra == (("Vnd", "7"),)
    assert decoded.pollutants()["w01018"] == {"Avg": "1.0", "Vendor": "x y"}
    assert decoded.cp_other() == {"DataTime": "20261129080000", "Foo": "bar"}


def test_header_order_is_kept_for_byte_exact_reencoding() -> None:
    segment = "ST=32;CN=2011;PW=123456;MN=88888880000001;QN=20261129080000000;Flag=4;CP=&&DataTime=20261129080000;011-Rtd=1.5,011-Flag=N&&"
    data = frame(segment)
    assert encode_packet(decode_packet(data)) == data


def test_2005_packet_without_qn_and_flag() -> None:
    segment = "ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&DataTime=20050101080000;B01-Rtd=12.3,B01-Flag=N;011-Rtd=45.6,011-Flag=P&&"
    packet = decode_packet(frame(segment))
    assert packet.qn is None and packet.flag is None
    assert packet.pollutants() == {
        "B01": {"Rtd": "12.3", "Flag": "N"},
        "011": {"Rtd": "45.6", "Flag": "P"},
    }


def test_empty_cp_and_empty_items_round_trip() -> None:
    for cp in ["", "a=1;;b=2", "a=1;", "k=v=w"]:
        data = frame(f"QN=1;ST=91;CN=9014;PW=1;MN=2;Flag=4;CP=&&{cp}&&")
        assert encode_packet(decode_packet(data)) == data


@pytest.mark.parametrize(
    ("segment", "expected_reason", "where"),
    [
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=4", "syntax", "CP=&&"),
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=4;CP=&&a=1", "syntax", "closed"),
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=4CP=&&a=1&&", "syntax", "preceded"),
        ("QN=1;ST32;CN=2011;PW=1;MN=2;Flag=4;CP=&&&&", "syntax", "offset 5"),
        ("QN=1;ST=32;CN=2011;CN=2011;PW=1;MN=2;CP=&&&&", "syntax", "repeated"),
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=4;CP=&&a=1,b;c=2&&", "syntax", "item 1 field 2"),
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=4;CP=&&a=1;=2&&", "syntax", "item 2 field 1"),
        ("QN=1;ST=32;CN=2011;PW=1;Flag=4;CP=&&&&", "field", "MN"),
        ("QN=1;ST=32;PW=1;MN=2;Flag=4;CP=&&&&", "field", "CN"),
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=x;CP=&&&&", "field", "Flag"),
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=6;CP=&&&&", "field", "split bit"),
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=6;PNUM=2;CP=&&&&", "field", "together"),
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=6;PNUM=2;PNO=3;CP=&&&&", "field", "PNO=3"),
        ("QN=1;ST=32;CN=2011;PW=1;MN=2;Flag=6;PNUM=2;PNO=0;CP=&&&&", "field", "PNO=0"),
    ],
)
def test_segment_errors(segment: str, expected_reason: str, where: str) -> None:
    got_reason, detail = reason(frame(segment))
    assert got_reason == expected_reason, detail
    assert where in detail


def test_encode_rejects_values_that_break_framing() -> None:
    for bad in ["a;b", "é", "a\r\nb", "x;CP=&&"]:
        with pytest.raises(CodecError):
            encode_packet(Packet.build(cn="2011", mn="1", pw=bad))
    with pytest.raises(CodecError):
        encode_packet(Packet(((("CN", "2011"), ("MN", "1"))), "a=1,b"))


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(packets())
def test_round_trip_decode_encode(packet: Packet) -> None:
    data = encode_packet(packet, max_length=None)
    assert decode_packet(data, max_length=None) == packet
    assert hj212_crc(data[6:-6]) == int(data[-6:-2], 16)


def _decode_or_codec_error(data: bytes, **kwargs: object) -> None:
    try:
        decode_packet(data, **kwargs)  # type: ignore[arg-type]
    except CodecError as error:
        assert error.reason and error.detail


@settings(max_examples=500)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes_raise_only_codec_errors(data: bytes) -> None:
    _decode_or_codec_error(data)
    _decode_or_codec_error(b"##" + data)
    _decode_or_codec_error(b"##%04d" % len(data) + data + b"1C80\r\n", max_length=None)


@settings(max_examples=500)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 200), st.integers(0, 255), st.sampled_from(["set", "insert", "delete"])
        ),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_mutated_frames_raise_only_codec_errors(mutations: list[tuple[int, int, str]]) -> None:
    data = bytearray(encode_packet(hourly()))
    for position, byte, kind in mutations:
        position %= len(data) or 1
        if kind == "set":
            data[position] = byte
        elif kind == "insert":
            data.insert(position, byte)
        elif len(data) > 1:
            del data[position]
    _decode_or_codec_error(bytes(data))
    # the same mutation behind a correct CRC reaches the segment parser
    segment = bytes(data[6:-6])
    _decode_or_codec_error(b"##%04d" % len(segment) + segment + b"%04X\r\n" % hj212_crc(segment))
