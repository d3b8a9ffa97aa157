"""Readings -> HJ 212 packet -> readings gives the same readings back (the simulator's devices)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.decode import decode_payload
from ingest.encode import encode_readings, packet_for
from ingest.reading import Reading

CODES = ("w01018", "w21003", "w21011", "w21001", "w00000", "w01001")
T0 = datetime(2026, 1, 1, tzinfo=UTC)

values = st.none() | st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(
    lambda x: round(x, 4)
)


@st.composite
def packets(draw: st.DrawFn) -> list[Reading]:
    mn = draw(st.from_regex(r"[0-9A-F]{14,24}", fullmatch=True))
    kind = draw(st.sampled_from(["rtd", "minute", "hour", "day"]))
    ts = T0 + timedelta(minutes=10 * draw(st.integers(0, 500_000)))
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=6, unique=True))
    out = []
    for code in codes:
        value, low, high, cou = draw(values), draw(values), draw(values), draw(values)
        if kind == "rtd":
            low = high = cou = None  # real-time data carry Rtd and Flag only
        flag = draw(st.sampled_from("NFMSDCTB"))
        out.append(Reading(mn, code, ts, kind, value, low, high, cou, flag))
    return out


@given(packets())
def test_encode_then_decode_gives_the_readings_back(readings: list[Reading]) -> None:
    ((mn, frame),) = list(encode_readings(readings, pw="123456"))
    message = decode_payload(frame)
    assert mn == readings[0].mn and message.pw == "123456" and message.crc == "hj212"
    assert [r._replace(qn=None) for r in message.readings] == readings


def test_one_packet_per_outlet_and_time_in_time_order() -> None:
    a = Reading("A1", "w01018", T0 + timedelta(hours=1), "hour", 20.0)
    b = Reading("B2", "w01018", T0, "hour", 30.0)
    c = Reading("A1", "w00000", T0 + timedelta(hours=1), "hour", 800.0)
    frames = list(encode_readings([a, b, c], pw="x"))
    assert [mn for mn, _ in frames] == ["B2", "A1"]
    assert len(decode_payload(frames[1][1]).readings) == 2


def test_packet_for_refuses_mixed_outlets() -> None:
    a = Reading("A1", "w01018", T0, "hour", 20.0)
    with pytest.raises(ValueError, match="one outlet"):
        packet_for([a, a._replace(mn="B2")], pw=None)


def test_a_missing_value_is_left_out_not_written_as_nan() -> None:
    r = Reading("A1", "w01018", T0, "hour", float("nan"), min=1.0, flag="D")
    ((_, frame),) = list(encode_readings([r], pw="x"))
    assert b"nan" not in frame.lower()
    assert decode_payload(frame).readings[0]._replace(qn=None) == r._replace(value=None)
