"""Packet records: written with the readings in one transaction, once per packet, on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from ingest.batch import BatchProcessor
from ingest.handler import MessageHandler
from ingest.hj212 import Packet, encode_packet
from ingest.sink import Accepted
from monitor.store.store import Store
from tests.ingest.wire_programs import DECIMALS, FORGER, LOGGER

MN, PW = "61011500000001", "123456"
T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def store(db_url: str) -> Store:
    return Store(db_url)


def _handled(handler: MessageHandler, payload: bytes, at: datetime) -> Accepted:
    out = handler.handle(f"hj212/{MN}", payload, at)
    assert isinstance(out, Accepted), out
    return out


def test_packets_recorded_once_with_their_fingerprint(store: Store) -> None:
    handler = MessageHandler({MN: PW})
    sent = [T0 + timedelta(hours=h, minutes=62) for h in range(3)]
    batch = [
        _handled(handler, LOGGER.packet(MN, PW, T0 + timedelta(hours=h), {"w01018": 30.0 + h}), t)
        for h, t in enumerate(sent)
    ]
    late = T0 + timedelta(days=2)  # a forger's packet for hour 3, two days late
    batch.append(
        _handled(handler, FORGER.packet(MN, PW, T0 + timedelta(hours=3), {"w01018": 9.0}), late)
    )
    first = store.commit_batch(batch)
    again = store.commit_batch(batch)  # the broker redelivers the whole batch
    assert (first.stored, again.stored, again.duplicates) == (4, 0, 4)
    packets = store.read_packets(MN)
    assert len(packets) == 4  # not 8
    assert list(packets["received_at"]) == [*sent, late]
    assert list(packets["data_time"]) == [T0 + timedelta(hours=h) for h in range(4)]
    assert set(packets["kind"]) == {"hour"} and set(packets["cn"]) == {"2061"}
    assert packets["fingerprint"].nunique() == 2
    forger = json.loads(packets["habits"].iloc[-1])
    assert forger["crc"] == "modbus" and forger["qn"] == "17+000=dt"
    assert packets["deviations"].iloc[-1] == "crc-modbus"
    assert store.read_packets(MN, start=T0 + timedelta(days=1)).shape[0] == 1


def test_a_conflicting_packet_is_not_recorded(store: Store) -> None:
    handler = MessageHandler({MN: PW})
    store.commit_batch([_handled(handler, LOGGER.packet(MN, PW, T0, {"w01018": 30.0}), T0)])
    other = _handled(handler, FORGER.packet(MN, PW, T0, {"w01018": 12.0}), T0)
    result = store.commit_batch([other])
    assert (result.conflicts, result.quarantined) == (1, 1)
    assert len(store.read_packets(MN)) == 1


def test_heartbeats_are_liveness_records_and_unknown_cp_kept_whole(store: Store) -> None:
    handler = MessageHandler({MN: PW}, heartbeat_cns=("9015",))
    beat = encode_packet(Packet.build(cn="9015", mn=MN, pw=PW, qn="20261101080000123", flag=9))
    odd = encode_packet(
        Packet.build(
            cn="2061", mn=MN, pw=PW, qn="20261101090000123", flag=5,
            cp=(
                (("DataTime", "20261101080000"),),
                (("w01018-Avg", "30.1"), ("w01018-Vendor", "x7")),
                (("Sig", "AbCdEf=="),),
            ),
        )
    )  # fmt: skip
    refused = MessageHandler({MN: PW}).handle(f"hj212/{MN}", beat, T0)
    assert not isinstance(refused, Accepted)  # without heartbeat_cns: quarantined as before
    batch = [_handled(handler, beat, T0), _handled(handler, odd, T0 + timedelta(hours=1))]
    result = BatchProcessor(store).process(list(enumerate(batch)))
    assert result is not None and result[1].stored == 1
    packets = store.read_packets(MN)
    assert list(packets["kind"]) == ["heartbeat", "hour"]
    assert packets["data_time"].isna().tolist() == [True, False]
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT kind, cp_flag, cp FROM packets ORDER BY id").all()
    assert rows[0] == ("heartbeat", None, None)
    assert rows[1][1] == "unknown-fields" and rows[1][2].endswith("Sig=AbCdEf==")


def test_readings_carry_their_arrival_time(store: Store) -> None:
    handler = MessageHandler({MN: PW})
    values = dict.fromkeys(DECIMALS, 5.0)
    at = T0 + timedelta(days=3)
    store.commit_batch([_handled(handler, LOGGER.packet(MN, PW, T0, values), at)])
    frame = store.read_frame(MN)
    assert len(frame) == len(DECIMALS) and set(frame["received_at"]) == {at}
