"""Real-world packets that bend HJ 212: accepted and tagged by default, refused in strict mode.

Each deviation of ``ingest.hj212.packet`` (stray header separator, keys in another letter case, a
data segment over 1,024 bytes, a joined BeginTime/EndTime pair) is decoded leniently with its tag
and the packet the standard would have spelled, and refused with its reason in strict mode; the
tags reach the daemon's per-MN counter through a real Mosquitto; and lenient decoding of a packet
that keeps the standard gives what strict decoding gives, without tags (hypothesis).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.daemon import DaemonSettings, IngestDaemon
from ingest.decode import Message, decode_payload
from ingest.errors import CodecError
from ingest.hj212 import Packet, StreamDecoder, encode_packet, hj212_crc
from ingest.hj212.describe import describe
from ingest.hj212.packet import DEVIATIONS, decode_packet, read_frame, read_segment
from monitor.config import load_config
from tests.ingest.daemon_stream import publish_all, publisher
from tests.services import MosquittoService
from tests.services import prometheus_samples as samples
from tests.services import wait_until as _wait

TZ = "Asia/Shanghai"
HEAD = "QN=20261129080512000;ST=32;CN=2061;PW=123456;MN=61011500000001;Flag=5"
DATA = "DataTime=20261129080000;w01018-Avg=35.2,w01018-Flag=N;w21003-Avg=1.23,w21003-Flag=N"
STANDARD = f"{HEAD};CP=&&{DATA}&&"
REQUEST_HEAD = "QN=20261129080512000;ST=32;CN=2061;PW=123456;MN=61011500000001;Flag=1"


def frame(segment: str) -> bytes:
    """``segment`` framed with its HJ 212 CRC and CRLF (no length limit)."""
    data = segment.encode("ascii")
    return b"##%04d%s%04X\r\n" % (len(data), data, hj212_crc(data))


def long_segment(pollutants: int = 20) -> str:
    """An hourly data segment of more than 1,024 bytes (``pollutants`` codes of five fields)."""
    items = ";".join(
        f"w{20100 + i:05d}-Avg=1{i}.25,w{20100 + i:05d}-Min=1.5,w{20100 + i:05d}-Max=2{i}.5,"
        f"w{20100 + i:05d}-Cou=3.75,w{20100 + i:05d}-Flag=N"
        for i in range(pollutants)
    )
    return f"{HEAD};CP=&&DataTime=20261129080000;{items}&&"


# (name, deviating segment, the segment the standard would spell, tag, strict reason)
CASES: list[tuple[str, str, str, str, str]] = [
    ("double-semicolon", STANDARD.replace(";ST=32;", ";;ST=32;"), STANDARD,
     "header-stray-separator", "syntax"),
    ("leading-semicolon", ";" + STANDARD, STANDARD, "header-stray-separator", "syntax"),
    ("before-cp", STANDARD.replace(";CP=&&", ";;CP=&&"), STANDARD,
     "header-stray-separator", "syntax"),
    ("upper-header", STANDARD.replace("Flag=5", "FLAG=5").replace("PW=", "pw="), STANDARD,
     "upper-case-fields", "syntax"),
    ("upper-cp", f"{HEAD};CP=&&{DATA.upper()}&&", STANDARD, "upper-case-fields", "syntax"),
    ("long", long_segment(), long_segment(), "long-data-segment", "too-long"),
]  # fmt: skip
IDS = [case[0] for case in CASES]


def _readings(message: Message) -> list[tuple[object, ...]]:
    return [tuple(r) for r in message.readings]


@pytest.mark.parametrize(("name", "bent", "spelled", "tag", "reason"), CASES, ids=IDS)
def test_lenient_accepts_and_tags(
    name: str, bent: str, spelled: str, tag: str, reason: str
) -> None:
    message = decode_payload(frame(bent), tz=TZ)
    assert tag in message.deviations, name
    expected = decode_payload(frame(spelled), tz=TZ, max_length=None)
    assert _readings(message) == _readings(expected) and len(message.readings) >= 2
    assert message.packet == expected.packet  # as the standard would spell it
    packet, variant, tags = read_frame(frame(bent))
    assert (packet, variant, tags) == (expected.packet, "hj212", (tag,))


@pytest.mark.parametrize(("name", "bent", "spelled", "tag", "reason"), CASES, ids=IDS)
def test_strict_refuses_with_reason(
    name: str, bent: str, spelled: str, tag: str, reason: str
) -> None:
    with pytest.raises(CodecError) as caught:
        decode_payload(frame(bent), tz=TZ, strict=True)
    assert caught.value.reason == reason, caught.value.detail
    assert "\n" not in caught.value.detail
    with pytest.raises(CodecError):
        read_frame(frame(bent), strict=True)
    if reason == "syntax":
        assert "strict mode" in caught.value.detail


def test_joined_time_pair_of_a_2005_request() -> None:
    """A 2005-style data request (``BeginTime=..,EndTime=..``) is split into the 2017 items."""
    joined = f"{REQUEST_HEAD};CP=&&BeginTime=20261129000000,EndTime=20261129230000&&"
    spelled = f"{REQUEST_HEAD};CP=&&BeginTime=20261129000000;EndTime=20261129230000&&"
    packet, variant, tags = read_frame(frame(joined))
    assert tags == ("joined-time-pair",) and variant == "hj212"
    assert packet == decode_packet(frame(spelled))
    assert packet.cp == ((("BeginTime", "20261129000000"),), (("EndTime", "20261129230000"),))
    with pytest.raises(CodecError) as caught:
        read_frame(frame(joined), strict=True)
    assert caught.value.reason == "syntax" and "joined" in caught.value.detail
    assert read_segment(spelled) == (packet, ())  # 2017 style: no deviation


def test_several_deviations_in_one_packet_in_order() -> None:
    bent = long_segment().replace(";ST=", ";;ST=").replace("DataTime", "DATATIME")
    message = decode_payload(frame(bent), tz=TZ)
    assert message.deviations[:3] == ("long-data-segment", "header-stray-separator",
                                      "upper-case-fields")  # fmt: skip
    assert len(message.readings) == 20


def test_upper_case_2017_codes_are_stored_lower_case_and_2005_codes_kept() -> None:
    bent = f"{HEAD};CP=&&DATATIME=20261129080000;W01018-AVG=35.2,W01018-FLAG=N;060-AVG=1.2&&"
    message = decode_payload(frame(bent), tz=TZ)
    assert [r.pollutant for r in message.readings] == ["w01018", "w21003"]
    assert "upper-case-fields" in message.deviations and "codes-2005" in message.deviations


def test_a_key_twice_after_case_folding_is_refused() -> None:
    bent = STANDARD.replace("Flag=5", "Flag=5;FLAG=5")
    with pytest.raises(CodecError) as caught:
        decode_payload(frame(bent), tz=TZ)
    assert caught.value.reason == "syntax" and "Flag" in caught.value.detail


def test_stream_decoder_and_describe_carry_the_tags() -> None:
    bent = frame(STANDARD.replace(";ST=", ";;ST="))
    items = StreamDecoder().feed(bent + frame(STANDARD))
    assert [i.deviations for i in items] == [("header-stray-separator",), ()]
    assert items[0].packet == items[1].packet
    strict_items = StreamDecoder(strict=True).feed(bent)
    assert strict_items[0].error is not None and strict_items[0].error.reason == "syntax"
    out = describe(bent.rstrip(), tz=TZ, strict_crc=False, max_length=1024)
    assert out["ok"] and out["deviations"] == ["header-stray-separator"]
    assert "deviations" not in describe(frame(STANDARD), tz=TZ, strict_crc=False, max_length=1024)
    refused = describe(bent, tz=TZ, strict_crc=False, max_length=1024, strict=True)
    assert refused["ok"] is False and refused["reason"] == "syntax"


def test_gateway_decoder_reads_only_the_header_when_lenient() -> None:
    """``cp_keys=False`` (the gateway's): header deviations tagged, the CP left as sent for the
    daemon to tag; strict still refuses CP deviations."""
    upper_cp = frame(f"{HEAD.replace('Flag=5', 'FLAG=5')};CP=&&{DATA.upper()}&&")
    item = StreamDecoder(cp_keys=False).feed(upper_cp)[0]
    assert item.deviations == ("upper-case-fields",) and item.packet is not None
    assert item.packet.flag == 5 and item.packet.cp_text == DATA.upper()
    cp_only = frame(f"{HEAD};CP=&&{DATA.upper()}&&")
    assert StreamDecoder(cp_keys=False).feed(cp_only)[0].deviations == ()
    refused = StreamDecoder(strict=True, cp_keys=False).feed(cp_only)[0]
    assert refused.error is not None and refused.error.reason == "syntax"


def test_strict_mode_also_refuses_modbus_crcs() -> None:
    data = STANDARD.encode()
    from ingest.hj212 import modbus_crc

    bent = b"##%04d%s%04X\r\n" % (len(data), data, modbus_crc(data))
    assert decode_payload(bent, tz=TZ).deviations == ("crc-modbus",)
    with pytest.raises(CodecError) as caught:
        decode_payload(bent, tz=TZ, strict=True)
    assert caught.value.reason == "crc"


def test_deviation_tags_are_the_documented_ones() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs/formats/hj212.md").read_text()
    for tag in DEVIATIONS:
        assert f"`{tag}`" in doc


def test_strict_setting_from_monitor_toml(tmp_path: Path) -> None:
    from monitor.services.gateway import gateway_settings
    from monitor.services.ingest import daemon_settings

    toml = tmp_path / "monitor.toml"
    toml.write_text(
        '[broker]\nurl = "mqtt://127.0.0.1:1883"\n[ingest]\nstrict = true\n[gateway]\nlisten = "tcp://127.0.0.1:0"\nstrict = true\n'
    )
    config = load_config(toml)
    assert config.strict is True
    assert daemon_settings(config, "mqtt://127.0.0.1:1883").strict is True
    assert gateway_settings(config, {})[0].strict is True
    assert load_config(toml, overrides={"strict": False}).strict is False
    toml.write_text('[ingest]\nstrict = "yes"\n')
    with pytest.raises(ValueError, match="strict"):
        load_config(toml)


# -- properties -----------------------------------------------------------------------------------

_CODES = ("w01018", "w21003", "w21011", "w21001", "w00000", "w01001", "011", "B01")
_number = st.one_of(
    st.just(""),
    st.decimals(min_value=-1000, max_value=100000, places=2, allow_nan=False).map(str),
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        "Avg": _number, "Min": _number, "Max": _number, "Cou": _number, "Rtd": _number,
        "Flag": st.sampled_from("NFMSDCTB"),
    },
)  # fmt: skip


@st.composite
def standard_packets(draw: st.DrawFn) -> Packet:
    """Packets as the standard spells them: data, parameter and request commands."""
    codes = draw(st.lists(st.sampled_from(_CODES), unique=True, min_size=1, max_size=6))
    items: list[tuple[tuple[str, str], ...]] = [(("DataTime", "20261129080000"),)]
    for code in codes:
        fields = draw(_fields)
        items.append(tuple((f"{code}-{name}", value) for name, value in fields.items()) or
                     ((f"{code}-Avg", "1.5"),))  # fmt: skip
    if draw(st.booleans()):
        items.append((("BeginTime", "20261129000000"),))
        items.append((("EndTime", "20261129230000"),))
    return Packet.build(
        qn=draw(st.none() | st.from_regex(r"[0-9]{17}", fullmatch=True)),
        st=draw(st.sampled_from(["32", "91", "21"])),
        cn=draw(st.sampled_from(["2011", "2051", "2061", "2031", "1062", "9014"])),
        pw=draw(st.none() | st.just("123456")),
        mn=draw(st.from_regex(r"[0-9A-Z]{1,24}", fullmatch=True)),
        flag=draw(st.none() | st.sampled_from([0, 1, 4, 5, 8, 9])),
        cp=tuple(items),
    )


def _outcome(call: Callable[[], Message]) -> Message | tuple[str, str]:
    try:
        return call()
    except CodecError as error:
        return (error.reason, error.detail)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(standard_packets())
def test_lenient_equals_strict_on_standard_packets(packet: Packet) -> None:
    data = encode_packet(packet)
    assert read_frame(data) == read_frame(data, strict=True) == (packet, "hj212", ())
    lenient = _outcome(lambda: decode_payload(data, tz=TZ))
    strict = _outcome(lambda: decode_payload(data, tz=TZ, strict=True))
    assert lenient == strict
    if isinstance(lenient, Message):
        assert not set(lenient.deviations) & set(DEVIATIONS)


@settings(max_examples=150, deadline=None)
@given(standard_packets(), st.randoms(use_true_random=False))
def test_case_mangled_keys_give_the_standard_packet(packet: Packet, rng: object) -> None:
    import random

    assert isinstance(rng, random.Random)
    header = tuple((k.upper() if rng.random() < 0.5 else k, v) for k, v in packet.header)
    items = tuple(
        tuple((k.upper() if rng.random() < 0.5 else k, v) for k, v in item) for item in packet.cp
    )
    mangled = Packet(header, ";".join(",".join(f"{k}={v}" for k, v in i) for i in items))
    bent = frame(f"{';'.join(f'{k}={v}' for k, v in mangled.header)};CP=&&{mangled.cp_text}&&")
    got, _, tags = read_frame(bent)
    assert got == packet
    assert tags == (("upper-case-fields",) if mangled != packet else ())


# -- through the daemon -----------------------------------------------------------------------------


@pytest.mark.integration
def test_daemon_stores_bent_packets_and_counts_them_per_device(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    from monitor.store.store import Store

    mn = f"{uuid.uuid4().int % 10**14:014d}"
    segments = [
        STANDARD.replace("MN=61011500000001", f"MN={mn}").replace(";ST=", ";;ST="),
        f"{HEAD};CP=&&{DATA.upper()}&&".replace("MN=61011500000001", f"MN={mn}")
        .replace("20261129080000", "20261129090000"),
        long_segment().replace("MN=61011500000001", f"MN={mn}")
        .replace("20261129080000", "20261129100000"),
    ]  # fmt: skip
    packets = [(f"hj212/{mn}", frame(s)) for s in segments]
    modes = ("lenient", "lenient-worker", "strict")
    urls = {mode: f"sqlite:///{tmp_path / f'{mode}.db'}" for mode in modes}
    stores = {mode: Store(url) for mode, url in urls.items()}
    for mode, store in stores.items():
        settings_ = DaemonSettings(
            broker=mosquitto.url,
            client_id=f"ow-{uuid.uuid4().hex[:8]}",
            topic=f"hj212/{mn}",
            batch_interval_s=0.05,
            strict=mode == "strict",
            worker_process=mode == "lenient-worker",  # counts come back over the worker's pipe
        )
        factory = functools.partial(Store, urls[mode])
        daemon = IngestDaemon(settings_, store, {mn: "123456"}, sink_factory=factory)
        daemon.start()
        _wait(lambda d=daemon: d.metrics.connected, 10, "daemon to connect")  # type: ignore[misc]
        try:
            pub = publisher(mosquitto.host, mosquitto.port, f"pub-{uuid.uuid4().hex[:8]}")
            publish_all(pub, packets)
            pub.loop_stop()
            _wait(
                lambda d=daemon: d.metrics.snapshot()["acked"] >= 3,  # type: ignore[misc]
                15,
                "three messages committed",
            )
        finally:
            daemon.stop()
        if mode.startswith("lenient"):
            assert store.count_readings() == 2 + 2 + 20
            assert store.quarantine_frame().empty
            assert daemon.metrics.deviations == {
                (mn, "header-stray-separator"): 1,
                (mn, "upper-case-fields"): 1,
                (mn, "long-data-segment"): 1,
            }
            got = samples(daemon.metrics.prometheus_text())
            key = (("deviation", "upper-case-fields"), ("mn", mn))
            assert got["outlet_watch_deviations_total", key] == 1
            assert daemon.metrics.snapshot()["deviations"]["upper-case-fields"] == 1
        else:
            assert store.count_readings() == 0
            reasons = sorted(store.quarantine_frame()["reason"])
            assert reasons == ["syntax", "syntax", "too-long"]
            assert daemon.metrics.deviations == {}


@settings(max_examples=150, deadline=None)
@given(standard_packets(), st.lists(st.integers(min_value=0, max_value=12), max_size=4))
def test_stray_header_separators_give_the_standard_packet(packet: Packet, where: list[int]) -> None:
    parts = [f"{k}={v}" for k, v in packet.header]
    for at in sorted(where, reverse=True):
        parts.insert(min(at, len(parts)), "")  # an empty part: a stray ';'
    bent = frame(f"{';'.join(parts)};CP=&&{packet.cp_text}&&")
    got, _, tags = read_frame(bent)
    assert got == packet
    assert tags == (("header-stray-separator",) if where else ())


def test_split_parts_carry_their_tags_into_the_counts() -> None:
    """A split packet whose parts bend the standard: the reassembled message keeps their tags,
    counted once per message and MN by the batch processor."""
    from datetime import UTC, datetime

    from ingest.batch import BatchProcessor
    from ingest.handler import MessageHandler
    from ingest.sink import Accepted, BatchResult, Rejected

    committed: list[Accepted] = []

    def sink(accepted: object, rejected: object) -> BatchResult:
        assert isinstance(accepted, list) and isinstance(rejected, list)
        committed.extend(accepted)
        assert not [r for r in rejected if isinstance(r, Rejected)]
        return BatchResult(stored=sum(len(a.readings) for a in accepted))

    head = HEAD.replace("Flag=5", "FLAG=7;PNUM=2;PNO={}").replace("MN=", "mn=")
    parts = [
        frame(f"{head.format(1)};CP=&&DataTime=20261129080000;w01018-Avg=35.2&&"),
        frame(f"{head.format(2)};CP=&&DataTime=20261129080000;w21003-Avg=1.2&&"),
    ]
    handler = MessageHandler({"61011500000001": "123456"})
    now = datetime(2026, 11, 29, 1, tzinfo=UTC)
    outcomes = [handler.handle("hj212/61011500000001", p, now) for p in parts]
    out = BatchProcessor(sink).process(list(enumerate(outcomes)))
    assert out is not None
    tokens, result = out
    assert tokens == [0, 1] and len(committed) == 1
    assert committed[0].deviations == ("upper-case-fields",)
    assert [r.pollutant for r in committed[0].readings] == ["w01018", "w21003"]
    assert result.deviations == {("61011500000001", "upper-case-fields"): 1}
