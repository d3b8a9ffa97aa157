"""The JSON payload of DESIGN.md section 2."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.errors import CodecError
from ingest.json_payload import (
    MAX_JSON,
    JsonPayload,
    decode_json,
    encode_json,
    readings_from_json,
)
from ingest.reading import MAX_POLLUTANTS

DESIGN_EXAMPLE = (
    b'{"mn": "61011500000001", "cn": "2061", "time": "2026-11-29T08:00:00+08:00", "pw": "123456",'
    b' "values": {"w01018": {"avg": 35.2, "min": 30.1, "max": 40.0, "flag": "N"},'
    b' "w00000": {"avg": 812.3, "cou": 812.3}}}'
)


def test_design_example_decodes_to_readings() -> None:
    payload = decode_json(DESIGN_EXAMPLE)
    assert payload.mn == "61011500000001" and payload.pw == "123456" and payload.cn == "2061"
    readings = readings_from_json(payload)
    assert [(r.pollutant, r.kind, r.value, r.min, r.max, r.cou, r.flag) for r in readings] == [
        ("w01018", "hour", 35.2, 30.1, 40.0, None, "N"),
        ("w00000", "hour", 812.3, None, None, 812.3, "N"),
    ]
    assert readings[0].ts == datetime(2026, 11, 29, 0, 0, tzinfo=UTC)


def test_2005_codes_map_and_rtd_for_2011() -> None:
    doc = {"mn": "1", "cn": "2011", "time": "2026-11-29T08:00:00Z",
           "values": {"011": {"rtd": 12.5, "flag": "D"}}}  # fmt: skip
    (reading,) = readings_from_json(decode_json(json.dumps(doc).encode()))
    assert (reading.pollutant, reading.kind, reading.value, reading.flag) == (
        "w01018",
        "rtd",
        12.5,
        "D",
    )


def test_naive_time_is_read_in_zone_and_tagged() -> None:
    doc = {"mn": "1", "cn": "2061", "time": "2026-11-29T08:00:00", "values": {}}
    payload = decode_json(json.dumps(doc).encode(), tz="Asia/Shanghai")
    assert payload.deviations == ("naive-time",)
    assert payload.time.astimezone(UTC) == datetime(2026, 11, 29, 0, tzinfo=UTC)


def test_other_commands_give_no_readings() -> None:
    doc = {"mn": "1", "cn": "1062", "time": "2026-11-29T08:00:00+08:00", "values": {}}
    assert readings_from_json(decode_json(json.dumps(doc).encode())) == []


@pytest.mark.parametrize(
    ("payload", "expected_reason", "where"),
    [
        (b"\xff{}", "encoding", "offset 0"),
        (b'{"mn": ', "syntax", "char 7"),
        (b"[1, 2]", "syntax", "object"),
        (b'{"cn": "2061", "time": "2026-11-29T08:00:00+08:00"}', "field", "'mn'"),
        (b'{"mn": "1", "cn": 2061, "time": "2026-11-29T08:00:00+08:00"}', "field", "'cn'"),
        (b'{"mn": "1", "cn": "2061", "time": "yesterday"}', "field", "ISO 8601"),
        (b'{"mn": "1", "cn": "2061", "time": "2026-02-30T08:00:00"}', "field", "ISO 8601"),
        (
            b'{"mn": "1", "cn": "2061", "time": "0001-01-01T00:00:00+08:00"}',
            "field",
            "out of range",
        ),
        (
            b'{"mn": "1", "cn": "2061", "time": "9999-12-31T23:00:00-08:00"}',
            "field",
            "out of range",
        ),
        (
            b'{"mn": "1", "cn": "2061", "time": "2026-11-29T08:00:00Z", "values": []}',
            "field",
            "values",
        ),
        (
            b'{"mn": "1", "cn": "2061", "time": "2026-11-29T08:00:00Z", "values": {"a": {"avg": "1"}}}',
            "field",
            "finite number",
        ),
        (
            b'{"mn": "1", "cn": "2061", "time": "2026-11-29T08:00:00Z", "values": {"a": {"avg": NaN}}}',
            "field",
            "finite number",
        ),
        (
            b'{"mn": "1", "cn": "2061", "time": "2026-11-29T08:00:00Z", "values": {"a": {"avg": 1e999}}}',
            "field",
            "finite number",
        ),
        (
            b'{"mn": "1", "cn": "2061", "time": "2026-11-29T08:00:00Z", "values": {"a": {"avg": true}}}',
            "field",
            "finite number",
        ),
        (
            b'{"mn": "1", "cn": "2061", "time": "2026-11-29T08:00:00Z", "values": {"a": {"flag": 1}}}',
            "field",
            "string",
        ),
        (b"[" * 10000, "syntax", "JSON"),  # deep, yet within the size limit
        (
            b'{"mn": "1", "cn": "2061", "time": "2026-11-29T08:00:00Z", "values": {"a": {"cou": 1'
            + b"0" * 400
            + b"}}}",
            "field",
            "finite number",
        ),
        (
            b'{"mn": "1", "cn": "2061", "time": "2026-11-29T08:00:00Z", "values": {"a": {"cou": 1'
            + b"0" * 5000
            + b"}}}",
            "syntax",
            "JSON",
        ),
    ],
)
def test_errors(payload: bytes, expected_reason: str, where: str) -> None:
    with pytest.raises(CodecError) as info:
        decode_json(payload)
    assert info.value.reason == expected_reason and where in info.value.detail


_number = (
    st.floats(allow_nan=False, allow_infinity=False) | st.none() | st.integers(-(10**6), 10**6)
)
_fields = st.fixed_dictionaries(
    {}, optional={"avg": _number, "min": _number, "max": _number, "cou": _number, "rtd": _number,
                  "flag": st.sampled_from("NFMSDCTB"), "vendor": st.text(max_size=5)},
)  # fmt: skip


@settings(max_examples=200)
@given(
    st.builds(
        JsonPayload,
        mn=st.text(min_size=1, max_size=20),
        cn=st.sampled_from(["2011", "2051", "2061", "2031", "9014"]),
        time=st.datetimes(timezones=st.just(timezone(timedelta(hours=8)))),
        pw=st.none() | st.text(min_size=1, max_size=8),
        values=st.dictionaries(st.text(min_size=1, max_size=8), _fields, max_size=6),
        extra=st.dictionaries(st.sampled_from(["qn", "gateway"]), st.text(max_size=5)),
    )
)
def test_round_trip(payload: JsonPayload) -> None:
    assert decode_json(encode_json(payload)) == payload


_big = st.integers(min_value=10**300, max_value=10**500)
_json = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300)
@given(
    st.fixed_dictionaries(
        {}, optional={"mn": _json, "cn": _json, "time": _json | st.just("2026-11-29T08:00:00"),
                      "pw": _json, "values": _json | st.dictionaries(st.text(max_size=3), _json | st.dictionaries(st.sampled_from(["avg", "cou", "flag", "x"]), _json | _big))},
    )
)  # fmt: skip
def test_fuzz_structured_documents(doc: dict[str, object]) -> None:
    raw = json.dumps(doc).encode()
    try:
        payload = decode_json(raw)
    except CodecError as error:
        values = doc.get("values")
        too_long = len(raw) > MAX_JSON or (
            isinstance(values, dict) and len(values) > MAX_POLLUTANTS
        )
        assert error.reason in {"syntax", "field"} or (error.reason == "too-long" and too_long)
    else:
        readings_from_json(payload)


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_fuzz_raises_only_codec_errors(data: bytes) -> None:
    try:
        decode_json(data)
    except CodecError as error:
        assert error.reason in {"encoding", "syntax", "field"} and error.detail
