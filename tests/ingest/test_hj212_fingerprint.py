"""The transmission fingerprint: equal for one program whatever its data, different for another."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.decode import decode_payload
from ingest.hj212 import Packet, encode_packet
from ingest.hj212.fingerprint import HABITS, fingerprint
from tests.ingest.wire_programs import DECIMALS, FIRMWARE_2, FORGER, LOGGER, Program

MN, PW = "61011500000001", "123456"
T0 = datetime(2026, 11, 1, tzinfo=UTC)

values_st = st.fixed_dictionaries(
    {code: st.floats(0.0, 9_999.0, allow_nan=False) for code in DECIMALS}
)


@settings(max_examples=60, deadline=None)
@given(
    values=values_st,
    hour=st.integers(0, 24 * 400),
    late_s=st.integers(0, 3 * 86_400),
    program=st.sampled_from([LOGGER, FIRMWARE_2, FORGER]),
)
def test_one_program_one_fingerprint_whatever_the_data(
    values: dict[str, float], hour: int, late_s: int, program: Program
) -> None:
    ts = T0 + timedelta(hours=hour)
    ordered = {code: values[code] for code in DECIMALS}  # a program writes its own order
    payload = program.packet(MN, PW, ts, ordered, sent=ts + timedelta(seconds=3600 + late_s))
    reference = program.packet(MN, PW, T0, dict.fromkeys(DECIMALS, 12.5))
    got, ref = fingerprint(payload), fingerprint(reference)
    assert got is not None and ref is not None
    mine, theirs = got.as_dict(), ref.as_dict()
    # the CRC's letter case is unknown when its four hex digits happen to be decimal digits
    assert mine.pop("hex") in ("", "upper" if program.hex_upper else "lower")
    theirs.pop("hex")
    assert mine == theirs
    assert [k for k, _ in got.habits] == list(HABITS)
    # the decoder's CRC variant gives the same fingerprint as finding it again
    assert fingerprint(payload, crc=decode_payload(payload).crc) == got


def test_each_habit_changes_the_fingerprint() -> None:
    values = dict.fromkeys(DECIMALS, 33.3)
    base = fingerprint(LOGGER.packet(MN, PW, T0, values))
    assert base is not None
    variants = {
        "crc": replace(LOGGER, crc="modbus"),
        "hex": replace(LOGGER, hex_upper=False),
        "eol": replace(LOGGER, eol=b"\n"),
        "header": replace(LOGGER, header=("QN", "CN", "ST", "PW", "MN", "Flag")),
        "st": replace(LOGGER, st="31"),
        "flag": replace(LOGGER, flag="4"),
        "qn": replace(LOGGER, qn_from_datatime=True),
        "cp": replace(LOGGER, fields=("Avg", "Flag")),
        "decimals": replace(LOGGER, decimals={**DECIMALS, "w01018": 2}),
    }
    for habit, program in variants.items():
        other = fingerprint(program.packet(MN, PW, T0, values))
        assert other is not None and other.key != base.key, habit
        changed = [k for k in HABITS if other.as_dict()[k] != base.as_dict()[k]]
        if habit == "hex":  # a CRC of digits only says nothing of case
            assert changed in ([habit], []), changed
        else:
            assert habit in changed, (habit, changed)


def test_readable_habits() -> None:
    fp = fingerprint(FORGER.packet(MN, PW, T0, dict.fromkeys(DECIMALS, 7.0)))
    assert fp is not None
    habits = fp.as_dict()
    assert habits["crc"] == "modbus" and habits["eol"] == "lf"
    assert habits["header"] == "QN,CN,ST,MN,PW,Flag"
    assert habits["qn"] == "17+000=dt"
    assert habits["decimals"] == "2;2;2;2;2"
    assert habits["cp"] == "DataTime;*-Avg,*-Min,*-Max,*-Flag"
    assert habits["codes"] == "2017" and habits["split"] == ""
    assert len(fp.key) == 16 and fp.to_json().startswith('{"crc":"modbus"')


def test_split_packets_and_non_frames() -> None:
    parts = [
        encode_packet(
            Packet.build(
                cn="2061", mn=MN, qn="20261101080000123", pw=PW, flag=7, pnum=2, pno=k,
                cp=((("DataTime", "20261101080000"),), (("w01018-Avg", "1.5"),)),
            )
        )
        for k in (1, 2)
    ]  # fmt: skip
    fp = fingerprint(b"".join(parts))
    assert fp is not None and fp.as_dict()["split"] == "2"
    assert fp.as_dict()["header"] == "QN,CN,PW,MN,Flag,PNUM,PNO"
    assert fingerprint(b'{"mn": "1"}') is None
    assert fingerprint(b"##12") is None
    assert fingerprint(b"##0009short") is None


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=80).map(lambda b: b"##" + b))
def test_any_bytes_after_the_header_mark_give_a_fingerprint_or_none(payload: bytes) -> None:
    fingerprint(payload)  # never raises
