"""The fast path of decode_payload gives exactly what the general path gives.

``_decode_common`` (the fast path for data segments of the common shape) must return None or the
message ``_decode_general`` returns, and may raise only the CodecError the general path raises for
the same segment.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.decode import Message, _decode_common, _decode_general, decode_payload
from ingest.errors import CodecError
from ingest.hj212 import Packet, encode_packet, parse_segment
from ingest.hj212.packet import is_simple_cp, split_cp
from tests.ingest.hj212_samples import HOURLY_CP, frame, hourly

TZ = "Asia/Shanghai"

_NUMBER = st.sampled_from(["812.3", "7.42", "0", "-1.5", "1e3", " 2.5", "1_0", "0.999", ""])
_ODD_NUMBER = st.sampled_from(
    ["nan", "inf", "-Infinity", "1e400", "abc", "1.5.2", "9" * 400, "1e308", "0x1", "١"]
)
_DATA_FLAG = st.sampled_from(["N", "N", "T", "D", "C", "P", "X", "", "NN"])
_CODE = st.sampled_from(["w00000", "w01001", "w01018", "w21003", "B01", "011", "060", "a", "x-y"])
_FIELD = st.sampled_from(["Avg", "Rtd", "Min", "Max", "Cou", "Flag", "ZsRtd", "Avg", "Flag"])
_DATATIME = st.sampled_from(["20261129080000", "20261129090000", "20261129100000123"])
_ODD_DATATIME = st.sampled_from(["20261131080000", "2026112908", "", "00010101000000"])


def _rarely(draw: st.DrawFn, odds: int = 8) -> bool:
    return draw(st.integers(0, odds - 1)) == 0


@st.composite
def _cp(draw: st.DrawFn) -> str:
    """CP content, mostly of the common shape; now and then a number that is not finite or does
    not parse, DataTime missing, invalid or twice, an odd item, or items in another order."""
    datatime = draw(_ODD_DATATIME if _rarely(draw, 16) else _DATATIME)
    items = [] if _rarely(draw, 16) else [f"DataTime={datatime}"]
    unique = not _rarely(draw)  # else a field may come twice
    for code in draw(st.lists(_CODE, min_size=int(not _rarely(draw)), max_size=5, unique=unique)):
        names = draw(st.lists(_FIELD, min_size=1, max_size=5, unique=unique))
        fields = [
            f"{code}-{name}={draw(_DATA_FLAG if name == 'Flag' else _NUMBER)}" for name in names
        ]
        items.append(",".join(fields))
    if _rarely(draw, 4) and len(items) > 1:
        index = draw(st.integers(1, len(items) - 1))
        items[index] = items[index].rpartition("=")[0] + "=" + draw(_ODD_NUMBER)
    if _rarely(draw, 16):
        items.append(f"DataTime={draw(_DATATIME)}")
    if _rarely(draw, 16):
        items.append(draw(st.sampled_from(["Note=x", "a", "=1", "", "b==c", "RtdInterval=30"])))
    if _rarely(draw, 8):
        items = draw(st.permutations(items))
    return ";".join(items)


@st.composite
def _segments(draw: st.DrawFn) -> str:
    """Data segments: standard headers in any order, with odd values or keys now and then."""
    header = {
        "QN": "20261129080012345",
        "ST": "32",
        "CN": draw(st.sampled_from(["2061", "2011", "2051", "2031", "9014", "2061"])),
        "PW": "123456",
        "MN": "61011500000001",
        "Flag": draw(st.sampled_from(["5", "4", "1", "0", "5"])),
    }
    if _rarely(draw):
        for key in draw(st.lists(st.sampled_from(list(header)), max_size=2)):
            header.pop(key, None)
    if _rarely(draw):
        for key in draw(
            st.lists(st.sampled_from(["Flag", "MN", "PNUM", "PNO", "Ext"]), max_size=2)
        ):
            header[key] = draw(st.sampled_from(["", "1", "7", "12a", "x,y", "a=b", "2061"]))
    parts = [f"{k}={v}" for k, v in header.items()]
    if _rarely(draw, 16):
        parts.append(draw(st.sampled_from(["QN=1", "MN=2", "x", "=1", "CN=2061"])))
    if _rarely(draw):
        parts = draw(st.permutations(parts))
    return ";".join([*parts, f"CP=&&{draw(_cp())}&&"])


def _general(segment: str, tz: str = TZ) -> Message | CodecError:
    try:
        return _decode_general(segment, "hj212", tz)
    except CodecError as error:
        return error


def _same_as_general(segment: str, tz: str = TZ) -> bool:
    """Assert the fast path agrees with the general path; True when it took the segment."""
    expected = _general(segment, tz)
    try:
        got = _decode_common(segment, "hj212", tz)
    except CodecError as error:  # only parse_datatime's error, raised by the general path too
        assert isinstance(expected, CodecError)
        assert (error.reason, error.detail) == (expected.reason, expected.detail)
        return True
    if got is None:
        return False
    assert not isinstance(expected, CodecError), f"fast path accepted {segment!r}: {expected}"
    assert got == expected
    return True


@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow])
@given(_segments(), st.sampled_from([TZ, "UTC"]))
def test_fast_path_equals_general_path(segment: str, tz: str) -> None:
    _same_as_general(segment, tz)


@settings(max_examples=400)
@given(
    st.lists(
        st.tuples(st.integers(0, 600), st.sampled_from("=,;&-.NnaiFe019 ")), min_size=1, max_size=3
    )
)
def test_fast_path_equals_general_path_on_mutated_segments(
    mutations: list[tuple[int, str]],
) -> None:
    segment = list(encode_packet(hourly())[6:-6].decode())
    for position, char in mutations:
        segment[position % len(segment)] = char
    _same_as_general("".join(segment))


def _fast_once_seen(segment: str) -> bool:
    """The fast path takes ``segment`` once its skeleton has been seen (it is compiled then)."""
    _same_as_general(segment)
    return _same_as_general(segment)


def test_typical_packets_take_the_fast_path() -> None:
    segment = encode_packet(hourly())[6:-6].decode()
    assert _fast_once_seen(segment)
    for cp in (HOURLY_CP, "DataTime=20261129080000;B01-Rtd=1;011-Rtd=2,011-Flag=P"):
        for header in ({}, {"Flag": ""}, {"CN": "2011"}, {"Ext": "a b"}):
            text = encode_packet(hourly(cp=cp, **header))[6:-6].decode()
            assert _fast_once_seen(text), text


def test_a_new_skeleton_goes_the_general_way_the_first_time() -> None:
    segment = "QN=1;CN=2061;MN=1;CP=&&DataTime=20261129080000;w01018-Avg=1,New-Key=0&&"
    assert not _same_as_general(segment)
    assert _same_as_general(segment)


@pytest.mark.parametrize(
    "segment",
    [
        "QN=1;CN=2061;MN=1;Flag=7;PNUM=1;PNO=1;CP=&&DataTime=20261129080000;w01018-Avg=1&&",
        "QN=1;CN=2061;MN=1;PW=a,b;CP=&&DataTime=20261129080000;w01018-Avg=1&&",
        "QN=1;CN=2061;MN=1;CP=&&DataTime=20261129080000;w01018-Avg=1;w01018-Avg=2&&",
        "QN=1;CN=2061;MN=1;CP=&&DataTime=20261129080000;w01018-Avg=1;Note=a=b&&",
        "QN=1;CN=2061;MN=1;CP=&&DataTime=20261129080000;w01018-Avg=1e400&&",
        "QN=1;CN=9014;MN=1;CP=&&&&",
    ],
)
def test_unusual_segments_go_the_general_way(segment: str) -> None:
    assert _decode_common(segment, "hj212", TZ) is None
    assert isinstance(_general(segment), Message | CodecError)


def test_bad_datatime_error_is_the_general_one() -> None:
    data = frame("QN=1;CN=2061;MN=1;Flag=5;CP=&&DataTime=20261131080000;w01018-Avg=1&&")
    with pytest.raises(CodecError, match="DataTime='20261131080000' is not a valid date"):
        decode_payload(data)
    assert _fast_once_seen(data[6:-6].decode())  # raised on the fast path too


def test_header_part_without_equals_after_one_with_two_is_a_syntax_error() -> None:
    with pytest.raises(CodecError, match="header part 'MN' at segment offset 7 is not KEY=VALUE"):
        parse_segment("QN=1=2;MN;CN=2061;MN=1;CP=&&&&")


def _is_simple_reference(content: str) -> bool:
    if not content:
        return False
    for item in content.split(";"):
        for text in item.split(","):
            key, _, value = text.partition("=")
            if not key or "=" not in text or "=" in value:
                return False
    return True


@given(st.text("=,;ab-", max_size=12))
def test_is_simple_cp_matches_its_definition(content: str) -> None:
    assert is_simple_cp(content) == _is_simple_reference(content)
    if is_simple_cp(content):
        split_cp(content)  # never raises for a simple CP


def test_packet_equality_covers_fast_path_packets() -> None:
    segment = encode_packet(hourly())[6:-6].decode()
    assert _fast_once_seen(segment)
    message = _decode_common(segment, "hj212", TZ)
    assert message is not None and isinstance(message.packet, Packet)
    assert message.packet == parse_segment(segment)


def test_one_device_changing_layout_and_devices_sharing_one() -> None:
    cps = [
        HOURLY_CP,
        "DataTime=20261129080000;w01018-Min=1,w01018-Avg=2;w00000-Avg=3",
        "DataTime=20261129080000,w01018-Min=1,w01018-Avg=2,w00000-Avg=3",  # other separators
    ]
    for _ in range(2):
        for cp in cps:
            for mn in ("61011500000001", "61011500000002"):
                segment = encode_packet(hourly(cp=cp, MN=mn))[6:-6].decode()
                assert _fast_once_seen(segment), segment


def test_a_header_key_ending_in_cp_goes_the_general_way() -> None:
    segment = "QN=1;XCP=&&1;CN=2061;MN=1;CP=&&DataTime=20261129080000;w01018-Avg=1&&"
    assert _decode_common(segment, "hj212", TZ) is None
    assert isinstance(_general(segment), CodecError)
    segment = "QN=1;CP=x;CN=2061;MN=1;CP=&&DataTime=20261129080000;w01018-Avg=1&&"
    assert _decode_common(segment, "hj212", TZ) is None
    assert isinstance(_general(segment), Message)


def test_a_misleading_mn_hint_does_not_matter() -> None:
    first = "QN=1;CN=2061;MN=7;CP=&&DataTime=20261129080000;w01018-Avg=1&&"
    assert _fast_once_seen(first)
    # "MN=7" appears first in a vendor key here; the real MN is 8 with another layout
    second = "XMN=7;CN=2061;MN=8;CP=&&DataTime=20261129080000;w01018-Avg=1,w01018-Flag=T&&"
    assert _fast_once_seen(second) and _same_as_general(second) and _same_as_general(first)


def test_simple_cp_of_any_length() -> None:
    content = ",".join(f"k{i}=v" for i in range(6000))  # more separators than a frame can hold
    assert is_simple_cp(content) and not is_simple_cp(content + ",x")
