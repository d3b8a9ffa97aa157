"""Reassembly of split packets by (MN, QN) with PNUM/PNO."""

from __future__ import annotations

import pytest

from ingest.decode import readings_from_packet
from ingest.errors import CodecError
from ingest.hj212 import Packet, Reassembler, decode_packet, encode_packet
from tests.ingest.hj212_samples import hourly

PARTS_CP = [
    "DataTime=20261129080000;w01018-Avg=35.2,w01018-Flag=N",
    "DataTime=20261129080000;w21003-Avg=1.23,w21003-Flag=N",
    "DataTime=20261129080000;w21011-Avg=0.21,w21011-Flag=N",
]


def part(
    pno: int, pnum: int = 3, qn: str = "20261129080012345", mn: str = "61011500000001"
) -> Packet:
    packet = hourly(flag=7, cp=PARTS_CP[pno - 1], QN=qn, MN=mn, PNUM=str(pnum), PNO=str(pno))
    return decode_packet(encode_packet(packet))  # a real wire round trip


def test_parts_in_any_order_give_the_whole_packet_and_every_token() -> None:
    r: Reassembler[str] = Reassembler()
    assert r.add(part(2), "m2", received_at=0.0) is None
    assert r.add(part(3), "m3", received_at=1.0) is None
    assert r.pending == 1
    whole = r.add(part(1), "m1", received_at=2.0)
    assert whole is not None and r.pending == 0
    assert whole.tokens == ["m2", "m3", "m1"]
    assert whole.packet.split is None and whole.packet.flag == 5  # D bit cleared, A kept
    assert whole.packet.cp_text == ";".join(PARTS_CP)
    readings = readings_from_packet(whole.packet)
    assert [r.pollutant for r in readings] == ["w01018", "w21003", "w21011"]
    assert decode_packet(encode_packet(whole.packet)) == whole.packet


def test_redelivered_part_keeps_first_copy_and_adds_token() -> None:
    r: Reassembler[int] = Reassembler()
    r.add(part(1, pnum=2), 1, received_at=0.0)
    r.add(part(1, pnum=2), 2, received_at=0.5)
    whole = r.add(part(2, pnum=2), 3, received_at=1.0)
    assert whole is not None and whole.tokens == [1, 2, 3]


def test_groups_are_keyed_by_mn_and_qn() -> None:
    r: Reassembler[str] = Reassembler()
    r.add(part(1, pnum=2, qn="1"), "a", received_at=0.0)
    r.add(part(1, pnum=2, qn="2"), "b", received_at=0.0)
    r.add(part(1, pnum=2, qn="1", mn="other"), "c", received_at=0.0)
    assert r.pending == 3
    whole = r.add(part(2, pnum=2, qn="2"), "d", received_at=0.0)
    assert whole is not None and whole.tokens == ["b", "d"] and whole.packet.qn == "2"


def test_unsplit_packet_passes_through() -> None:
    r: Reassembler[str] = Reassembler()
    whole = r.add(hourly(), "t", received_at=0.0)
    assert whole is not None and whole.packet == hourly() and whole.tokens == ["t"]


def test_expire_returns_incomplete_groups_older_than() -> None:
    r: Reassembler[str] = Reassembler()
    r.add(part(1, qn="old"), "a", received_at=10.0)
    r.add(part(2, qn="new"), "b", received_at=20.0)
    expired = r.expire(older_than=15.0)
    assert [(g.qn, g.pnum, sorted(g.parts), g.tokens) for g in expired] == [("old", 3, [1], ["a"])]
    assert r.pending == 1 and r.expire(older_than=15.0) == []


def test_part_without_qn_or_with_other_pnum_is_a_split_error() -> None:
    r: Reassembler[str] = Reassembler()
    with pytest.raises(CodecError) as info:
        r.add(part(1, qn=""), "a", received_at=0.0)
    assert info.value.reason == "split"
    r.add(part(1, pnum=3), "a", received_at=0.0)
    with pytest.raises(CodecError) as info:
        r.add(part(2, pnum=4), "b", received_at=0.0)
    assert info.value.reason == "split" and "PNUM=4" in info.value.detail
