"""The HJ 212 TCP gateway against a real Mosquitto, with real asyncio TCP clients on 127.0.0.1.

Each test runs one event loop holding both the gateway and its simulated devices, on topics and
client ids of its own (the broker is shared by the session). Waits poll with generous deadlines.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import shutil
import signal
import sqlite3
import ssl
import struct
import subprocess
import sys
import termios
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from ingest.daemon import DaemonSettings, IngestDaemon
from ingest.gateway import Gateway, GatewaySettings, parse_listen_url
from ingest.hj212 import Packet, encode_packet, execution_result, request_answer
from monitor.store.store import Store
from tests.ingest.gateway_devices import (
    Device,
    Recorder,
    data_packet,
    qn_of,
    wait_until,
)
from tests.services import MosquittoService, free_port, wait_for_port
from tests.services import prometheus_samples as samples

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def _mn(prefix: str, i: int) -> str:
    return f"GW{prefix}{i:04d}"


@asynccontextmanager
async def running_gateway(
    broker: MosquittoService,
    prefix: str,
    passwords: dict[str, str] | None = None,
    **kwargs: Any,
) -> AsyncIterator[Gateway]:
    """A gateway on a free port of 127.0.0.1, topics under ``prefix/``, connected to ``broker``."""
    settings = GatewaySettings.make(
        kwargs.pop("listen", "tcp://127.0.0.1:0"),
        broker.url,
        topic_template=f"{prefix}/hj212/{{mn}}",
        command_template=f"{prefix}/hj212/{{mn}}/cmd",
        client_id=f"gw-{prefix}",
        **kwargs,
    )
    gateway = Gateway(settings, passwords=passwords)
    await gateway.start()
    try:
        await wait_until(lambda: gateway.broker_ready, 15, "the gateway to reach the broker")
        yield gateway
    finally:
        await gateway.stop(drain_s=1.0)


def test_packets_split_at_every_byte_boundary(mosquitto: MosquittoService) -> None:
    """Two packets back to back, cut at every byte: each part reaches the gateway in its own
    read; both packets are published byte for byte and answered."""
    prefix = _uid()
    mn = _mn(prefix, 1)
    recorder = Recorder(mosquitto.host, mosquitto.port, f"rec-{prefix}", f"{prefix}/hj212/#")

    async def body() -> list[bytes]:
        sent: list[bytes] = []
        async with running_gateway(mosquitto, prefix) as gw:
            dev = await Device.connect(gw.port)
            length = 2 * len(data_packet(mn, "pw", 0))
            for cut in range(1, length):
                a, b = data_packet(mn, "pw", 2 * cut), data_packet(mn, "pw", 2 * cut + 1)
                stream = a + b
                assert len(stream) == length
                before = gw.metrics.bytes_in
                await dev.send(stream[:cut])
                await wait_until(lambda: gw.metrics.bytes_in >= before + cut, what="first part")  # noqa: B023
                await dev.send(stream[cut:])
                wanted = {qn_of(a), qn_of(b)}
                await wait_until(lambda: wanted <= dev.acked(), what=f"9014s at cut {cut}")  # noqa: B023
                sent += [a, b]
            assert not gw.metrics.undecodable
            assert gw.metrics.responses["9014"] == len(sent)
            await dev.close()
        return sent

    try:
        sent = asyncio.run(body())
        asyncio.run(wait_until(lambda: len(recorder.payloads()) >= len(sent), what="delivery"))
        assert Counter(recorder.payloads()) == Counter(sent)  # byte for byte, CRLF included
    finally:
        recorder.close()


def test_several_packets_and_garbage_in_one_read(mosquitto: MosquittoService) -> None:
    """Good packets, garbage, a broken CRC, a packet asking for no answer, the two parts of a split
    packet and a heartbeat in one write: the good ones and the parts are published; those asking
    for an answer get one after their PUBACK, the heartbeat at once (and it is handed on for the
    daemon's liveness record, not held for its PUBACK); the bad ones are counted."""
    prefix = _uid()
    mn = _mn(prefix, 1)
    recorder = Recorder(mosquitto.host, mosquitto.port, f"rec-{prefix}", f"{prefix}/hj212/#")
    good = [data_packet(mn, "pw", h) for h in range(3)]
    quiet = data_packet(mn, "pw", 3, flag=4)  # no A bit: published, not answered
    broken = bytearray(data_packet(mn, "pw", 4))
    broken[-4] = ord("0") if broken[-4] != ord("0") else ord("1")  # CRC wrong
    parts = [
        encode_packet(
            Packet.build(
                qn="20261101090000000", st="32", cn="2061", pw="pw", mn=mn, flag=7, pnum=2,
                pno=k, cp=((("DataTime", "20261101090000"),), (("w01018-Avg", f"3{k}"),)),
            )
        )
        for k in (1, 2)
    ]  # fmt: skip
    beat = encode_packet(Packet.build(qn="hb1", st="32", cn="8888", pw="pw", mn=mn, flag=5))
    stream = good[0] + b"noise\r\n" + good[1] + bytes(broken) + quiet + good[2] + b"".join(parts)

    async def body() -> None:
        async with running_gateway(mosquitto, prefix, heartbeat_cns=("8888",)) as gw:
            dev = await Device.connect(gw.port)
            await dev.send(stream + beat)
            await wait_until(lambda: gw.metrics.acked == 6, what="6 PUBACKs")
            await wait_until(lambda: len(dev.answers) == 6, what="6 answers")
            # each part of the split packet is answered on its own; the heartbeat at once
            assert Counter(p.qn for p in dev.answers) == Counter(
                [*(qn_of(p) for p in good), "20261101090000000", "20261101090000000", "hb1"]
            )
            assert all(p.cn == "9014" and p.mn == mn for p in dev.answers)
            assert gw.metrics.undecodable == Counter({"frame": 1, "crc": 1})
            assert gw.metrics.heartbeats == 1 and gw.metrics.published == 6
            await dev.close()

    try:
        asyncio.run(body())
        asyncio.run(wait_until(lambda: len(recorder.payloads()) >= 7, what="delivery"))
        assert Counter(recorder.payloads()) == Counter([*good, quiet, *parts, beat])
    finally:
        recorder.close()


def test_a_too_large_length_field_loses_no_later_frame_of_a_device_without_crlf(
    mosquitto: MosquittoService, caplog: pytest.LogCaptureFixture
) -> None:
    """A device ending its frames with nothing (the next '##' ends each) sends one frame whose
    length field is 600 too large (more than it sends), then two good frames: the bad one is
    counted as `length`, the next is published and answered (reviewer Q2's R1: it used to wait
    for the 600 bytes, holding every later frame until the read timeout dropped them); the last,
    whose end never comes, is framed when the device closes, counted and logged as `truncated`."""
    prefix = _uid()
    mn = _mn(prefix, 1)
    good = [data_packet(mn, "pw", h)[:-2] for h in range(3)]
    bad = b"##%04d" % (int(good[0][2:6]) + 600) + good[0][6:]

    async def body() -> None:
        async with running_gateway(mosquitto, prefix) as gw:
            dev = await Device.connect(gw.port)
            await dev.send(bad + good[1] + good[2])
            await wait_until(lambda: len(dev.answers) == 1, what="the answer to the good frame")
            assert [p.qn for p in dev.answers] == [qn_of(good[1])]
            assert gw.metrics.undecodable == Counter({"length": 1})
            await dev.close()
            await wait_until(lambda: gw.metrics.undecodable["truncated"] == 1, what="truncated")
            assert gw.metrics.published == 1

    with caplog.at_level("WARNING", logger="ingest.gateway"):
        asyncio.run(body())
    logged = [getattr(r, "fields", {}) for r in caplog.records]
    assert [(f["reason"], f["bytes"]) for f in logged if f.get("event") == "undecodable"] == [
        ("length", len(bad)), ("truncated", len(good[2])),
    ]  # fmt: skip


def test_a_thousand_devices_at_once(mosquitto: MosquittoService) -> None:
    """1,000 connections held at once, each sending its hourly packet in the same burst: every
    packet published and answered on its own connection."""
    prefix = _uid()
    n = 1000

    async def body() -> None:
        async with running_gateway(mosquitto, prefix) as gw:
            devs = []
            for _ in range(n // 200):
                devs += await asyncio.gather(*(Device.connect(gw.port) for _ in range(200)))
            await wait_until(lambda: gw.metrics.open_connections == n, what="1,000 connections")
            frames = [data_packet(_mn(prefix, i), "pw", i % 24) for i in range(n)]
            for dev, frame in zip(devs, frames, strict=True):
                dev.writer.write(frame)
            await wait_until(lambda: all(d.answers for d in devs), 60, "1,000 answers")
            for dev, frame in zip(devs, frames, strict=True):
                assert [(p.cn, p.mn, p.qn) for p in dev.answers] == [
                    ("9014", frame[frame.index(b"MN=") + 3 :].split(b";")[0].decode(), qn_of(frame))
                ]
            assert gw.metrics.published == n and len(gw.by_mn) == n
            await asyncio.gather(*(d.close() for d in devs))

    asyncio.run(body())


def test_trickling_and_idle_devices_are_cut_off(mosquitto: MosquittoService) -> None:
    """A device writing one byte every 50 ms is closed by the read timeout (0.5 s) long before
    its frame is whole; a silent one by the idle timeout; nothing of theirs is published."""
    prefix = _uid()
    frame = data_packet(_mn(prefix, 1), "pw", 0)

    async def body() -> None:
        async with running_gateway(mosquitto, prefix, read_timeout_s=0.5, idle_timeout_s=1.0) as gw:
            slow = await Device.connect(gw.port)
            silent = await Device.connect(gw.port)
            started = time.monotonic()
            for byte in frame:
                if slow.eof:
                    break
                try:
                    await slow.send(bytes([byte]))
                except ConnectionError:
                    break
                await asyncio.sleep(0.05)  # the device's trickle, not a wait for the gateway
            await wait_until(lambda: slow.eof, what="the trickling device to be cut off")
            assert time.monotonic() - started < 0.05 * len(frame) / 2
            await wait_until(lambda: silent.eof, what="the silent device to be cut off")
            assert gw.metrics.closed["read-timeout"] == 1
            assert gw.metrics.closed["idle"] == 1
            assert gw.metrics.published == 0 and not slow.answers
            await slow.close()
            await silent.close()

    asyncio.run(body())


def test_broker_stopped_mid_stream(mosquitto: MosquittoService, tmp_path: Path) -> None:
    """Three devices send 10 hours, the broker stops, they send 10 more: the gateway takes what
    its in-flight limits allow, stops reading, and answers none of them. After the restart the
    devices send again whatever was not answered (one of them on a new connection, which replaces
    its old one): every hour is answered and stored exactly once by the real ingest daemon."""
    prefix = _uid()
    sites = [(_mn(prefix, i), f"pw{i}") for i in range(3)]
    passwords = dict(sites)
    frames = {mn: [data_packet(mn, pw, h) for h in range(20)] for mn, pw in sites}
    db = tmp_path / "ow.db"
    store = Store(f"sqlite:///{db}")
    daemon = IngestDaemon(
        DaemonSettings(
            broker=mosquitto.url,
            topic=f"{prefix}/hj212/+",
            topic_template=f"{prefix}/hj212/{{mn}}",
            client_id=f"ow-{prefix}",
            batch_size=50,
            batch_interval_s=0.05,
        ),
        store,
        passwords,
    )
    daemon.start()

    async def body() -> None:
        async with running_gateway(
            mosquitto, prefix, passwords, max_inflight_per_connection=4, max_inflight=8
        ) as gw:
            devs = [await Device.connect(gw.port) for _ in sites]
            answered: dict[str, set[str]] = {mn: set() for mn, _ in sites}

            def collect() -> None:
                for dev, (mn, _) in zip(devs, sites, strict=True):
                    answered[mn] |= dev.acked()

            def all_answered(hours: int) -> bool:
                collect()
                return all(
                    {qn_of(f) for f in frames[mn][:hours]} <= answered[mn] for mn, _ in sites
                )

            for dev, (mn, _) in zip(devs, sites, strict=True):
                await dev.send(b"".join(frames[mn][:10]))
            await wait_until(lambda: all_answered(10), what="hours 0-9 answered")

            await asyncio.to_thread(mosquitto.stop)
            await wait_until(lambda: not gw.metrics.broker_connected, what="broker gone")
            for dev, (mn, _) in zip(devs, sites, strict=True):
                await dev.send(b"".join(frames[mn][10:]))
            # the gateway publishes up to its limits (paho keeps them for the reconnect), then
            # reads from no device
            await wait_until(lambda: len(gw.inflight) == 8 and gw.global_paused, what="limits")
            assert gw.metrics.paused_connections == 3
            collect()
            late = {qn_of(f) for mn, _ in sites for f in frames[mn][10:]}
            assert not late & set().union(*answered.values())  # no 9014 without a PUBACK
            assert store.count_readings() <= 3 * 10 * 2  # the rest waits in the broker

            await asyncio.to_thread(mosquitto.start)
            # device 0 reconnects; the others keep their connections
            await devs[0].close()
            devs[0] = await Device.connect(gw.port)
            deadline = time.monotonic() + 30
            while not all_answered(20):
                assert time.monotonic() < deadline, "devices never got every 9014"
                for dev, (mn, _) in zip(devs, sites, strict=True):
                    missing = [f for f in frames[mn] if qn_of(f) not in answered[mn]]
                    if missing:
                        await dev.send(b"".join(missing))
                with contextlib.suppress(AssertionError):  # resend what stays unanswered 2 s
                    await wait_until(lambda: all_answered(20), 2.0, "answers")
            assert sum(gw.metrics.closed.values()) >= 1  # the old connection is gone
            for dev in devs:
                await dev.close()

            def stored() -> int:
                return store.count_readings()

            await wait_until(lambda: stored() == 3 * 20 * 2, 30, "every hour stored")

    try:
        asyncio.run(body())
    finally:
        daemon.stop()
        store.close()
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT mn, ts, pollutant, count(*) FROM readings GROUP BY mn, ts, pollutant"
        ).fetchall()
    assert len(rows) == 3 * 20 * 2 and all(n == 1 for *_, n in rows)
    assert {mn for mn, *_ in rows} == set(passwords)
    assert daemon.metrics.conflicts == 0 and not daemon.metrics.quarantined


def _unread(conn: Any) -> int:
    """Bytes received by the kernel on the gateway's side of ``conn`` and not read yet."""
    sock = conn.transport.get_extra_info("socket")
    return int(struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0" * 4))[0])


def test_heartbeats_are_not_queued_while_the_broker_is_away(mosquitto: MosquittoService) -> None:
    """Heartbeats published while the broker was away each held one of paho's 65,535 message ids
    (untracked by the in-flight limits): now they are answered and counted, not published; a
    data packet of the same time is kept and answered after the reconnect, and heartbeats are
    handed on again once the broker is back."""
    prefix = _uid()
    mn = _mn(prefix, 1)
    recorders: list[Recorder] = []

    def beat(k: int) -> bytes:
        return encode_packet(Packet.build(qn=f"hb{k}", st="32", cn="8888", pw="pw", mn=mn, flag=5))

    data = data_packet(mn, "pw", 1)

    async def body() -> None:
        async with running_gateway(mosquitto, prefix, heartbeat_cns=("8888",)) as gw:
            dev = await Device.connect(gw.port)
            await asyncio.to_thread(mosquitto.stop)
            await wait_until(lambda: not gw.metrics.broker_connected, what="broker gone")
            assert gw.bridge is not None
            queued = len(gw.bridge.client._out_messages)
            await dev.send(b"".join(beat(k) for k in range(50)) + data)
            await wait_until(lambda: len(dev.answers) == 50, what="50 heartbeats answered")
            assert len(gw.bridge.client._out_messages) == queued + 1  # the data packet only
            assert gw.metrics.heartbeats == 50 and gw.metrics.heartbeats_unpublished == 50
            await asyncio.to_thread(mosquitto.start)
            # subscribed at once on the restarted broker (a subscriber from before the stop
            # reconnects on its own back-off and could miss the data packet's publish)
            recorders.append(
                await asyncio.to_thread(
                    Recorder, mosquitto.host, mosquitto.port, f"rec-{prefix}", f"{prefix}/hj212/#"
                )
            )
            await wait_until(lambda: len(dev.answers) == 51, 30, "the data packet answered")
            await wait_until(lambda: gw.bridge is not None and gw.bridge.connected, what="back")
            await dev.send(beat(50))
            await wait_until(lambda: len(dev.answers) == 52, what="a heartbeat answered")
            assert gw.metrics.heartbeats_unpublished == 50
            await dev.close()

    try:
        asyncio.run(body())
        (recorder,) = recorders
        asyncio.run(wait_until(lambda: len(recorder.payloads()) >= 2, what="delivery"))
        time.sleep(0.5)
        assert Counter(recorder.payloads()) == Counter([data, beat(50)])
    finally:
        for recorder in recorders:
            recorder.close()


def test_back_pressure_reaches_the_device(mosquitto: MosquittoService) -> None:
    """The broker away, a device writes 680 kB of packets: the gateway publishes 16 (its in-flight
    limit), holds at most one read's worth, and stops reading: the rest waits in the kernel's
    socket buffers (and would then fill the device's). Once the broker is back every packet is
    answered, exactly once."""
    prefix = _uid()
    mn = _mn(prefix, 1)
    frames = [data_packet(mn, "pw", h) for h in range(4000)]
    total = sum(len(f) for f in frames)

    async def body() -> None:
        async with running_gateway(
            mosquitto, prefix, max_inflight_per_connection=16, max_inflight=16
        ) as gw:
            dev = await Device.connect(gw.port)
            await asyncio.to_thread(mosquitto.stop)
            await wait_until(lambda: not gw.metrics.broker_connected, what="broker gone")
            dev.writer.write(b"".join(frames))  # no drain: the kernel's buffers take the rest
            await wait_until(lambda: gw.global_paused, what="the in-flight limit")
            conn = next(iter(gw.connections))
            # the bytes wait unread in the gateway's socket: it has stopped reading
            await wait_until(lambda: _unread(conn) >= 32 * 1024, what="bytes backing up")
            assert not conn.reading and len(gw.inflight) == 16
            assert gw.metrics.bytes_in < total  # a read or two (asyncio reads 256 KiB at most)
            assert conn.backlog and len(conn.backlog) * len(frames[0]) <= gw.metrics.bytes_in
            assert not dev.answers
            await asyncio.to_thread(mosquitto.start)
            await wait_until(lambda: len(dev.answers) == len(frames), 30, "every 9014")
            assert sorted(dev.acked()) == sorted(qn_of(f) for f in frames)
            assert len(dev.answers) == len(dev.acked())  # each answered once
            assert gw.metrics.bytes_in == total
            await dev.close()

    asyncio.run(body())


def test_command_round_trip(mosquitto: MosquittoService) -> None:
    """A command published on hj212/{MN}/cmd reaches that device's connection; its 9011 and
    9012 come back up on hj212/{MN} byte for byte. A command for an absent device is counted."""
    prefix = _uid()
    mn, pw = _mn(prefix, 1), "123456"
    recorder = Recorder(mosquitto.host, mosquitto.port, f"rec-{prefix}", f"{prefix}/hj212/{mn}")

    def set_time(who: str) -> bytes:
        return encode_packet(
            Packet.build(
                qn="20261204120000123", st="32", cn="1012", pw=pw, mn=who, flag=5,
                cp=((("SystemTime", "20261204120000"),),),
            )
        )  # fmt: skip

    command, absent = set_time(mn), _mn(prefix, 9)

    async def body() -> list[bytes]:
        async with running_gateway(mosquitto, prefix) as gw:
            dev = await Device.connect(gw.port)
            hello = data_packet(mn, pw, 0)
            await dev.send(hello)
            await wait_until(lambda: qn_of(hello) in dev.acked(), what="first 9014")
            sender = Recorder(mosquitto.host, mosquitto.port, f"snd-{prefix}", f"{prefix}/none")
            try:
                sender.client.publish(f"{prefix}/hj212/{mn}/cmd", command.rstrip(b"\r\n"), qos=1)
                sender.client.publish(f"{prefix}/hj212/{absent}/cmd", set_time(absent), qos=1)
                sender.client.publish(f"{prefix}/hj212/{absent}/cmd", command, qos=1)  # MN differs
                await wait_until(lambda: command in dev.raw, what="the command at the device")
                await wait_until(lambda: gw.metrics.commands["invalid"] == 1, what="invalid")
                assert gw.metrics.commands["no-device"] == 1
            finally:
                sender.close()
            cmd_packet = next(p for p in dev.answers if p.cn == "1012")
            answers = [request_answer(cmd_packet, 1), execution_result(cmd_packet, 1)]
            await dev.send(b"".join(answers))
            await wait_until(lambda: len(recorder.payloads()) >= 3, what="answers upstream")
            assert gw.metrics.commands["delivered"] == 1
            await dev.close()
            return [hello, *answers]

    try:
        expected = asyncio.run(body())
        assert recorder.payloads() == expected
    finally:
        recorder.close()


def test_refusals_with_registry(mosquitto: MosquittoService) -> None:
    """With a registry: an unknown MN or a wrong PW publishes nothing; a data upload gets no
    answer, a request asking for one gets 9011 QnRtn=4 (MN) or 3 (PW); a good packet goes on."""
    prefix = _uid()
    mn, pw, stranger = _mn(prefix, 1), "secret", _mn(prefix, 2)
    recorder = Recorder(mosquitto.host, mosquitto.port, f"rec-{prefix}", f"{prefix}/hj212/#")

    def request(who: str, password: str, qn: str) -> bytes:
        return encode_packet(Packet.build(qn=qn, st="32", cn="1011", pw=password, mn=who, flag=5))

    async def body() -> None:
        async with running_gateway(mosquitto, prefix, {mn: pw}) as gw:
            dev = await Device.connect(gw.port)
            await dev.send(
                data_packet(stranger, pw, 0)
                + data_packet(mn, "wrong", 1)
                + request(stranger, pw, "1")
                + request(mn, "wrong", "2")
            )
            await wait_until(lambda: sum(gw.metrics.refusals.values()) == 4, what="refusals")
            good = data_packet(mn, pw, 2)
            await dev.send(good)
            await wait_until(lambda: qn_of(good) in dev.acked(), what="the good packet's 9014")
            rtn = {p.qn: p.cp_value("QnRtn") for p in dev.answers if p.cn == "9011"}
            assert rtn == {"1": "4", "2": "3"}
            assert len(dev.answers) == 3
            assert gw.metrics.refusals == Counter({"unknown-mn": 2, "wrong-pw": 2})
            assert gw.metrics.published == 1
            await dev.close()
            await wait_until(lambda: len(recorder.payloads()) >= 1, what="delivery")
            assert recorder.payloads() == [good]

    try:
        asyncio.run(body())
    finally:
        recorder.close()


def test_reconnect_replaces_and_limits_hold(mosquitto: MosquittoService) -> None:
    """The same MN on a new connection closes the old one; connections over the limit are closed
    at once; a frame without end is dropped at max_frame; repeated garbage closes the connection."""
    prefix = _uid()
    mn = _mn(prefix, 1)

    async def body() -> None:
        async with running_gateway(
            mosquitto, prefix, max_connections=2, max_frame=512, max_errors=3
        ) as gw:
            old = await Device.connect(gw.port)
            await old.send(data_packet(mn, "pw", 0))
            await wait_until(lambda: len(old.answers) == 1, what="old connection's 9014")
            new = await Device.connect(gw.port)
            await new.send(data_packet(mn, "pw", 1))
            await wait_until(lambda: old.eof, what="the old connection to be closed")
            await wait_until(lambda: len(new.answers) == 1, what="new connection's 9014")
            assert gw.metrics.closed["replaced"] == 1 and gw.by_mn[mn] is not None
            await old.close()
            await wait_until(lambda: gw.metrics.open_connections == 1, what="old one gone")

            third = await Device.connect(gw.port)
            fourth = await Device.connect(gw.port)
            await wait_until(lambda: fourth.eof, what="the connection over the limit closed")
            assert gw.metrics.connections_refused == 1
            await fourth.close()

            await third.send(b"##0900" + b"x" * 600)  # no frame end within max_frame
            await wait_until(lambda: gw.metrics.undecodable["too-long"] == 1, what="too-long")
            await third.send(b"junk\r\n##0001a\r\n")
            await wait_until(lambda: third.eof, what="the garbage sender closed")
            assert gw.metrics.closed["errors"] == 1 and not third.answers
            assert gw.metrics.published == 2
            await third.close()
            await new.close()
            text = gw.metrics.prometheus_text()
            for name in ("connections", "packets_total", "responses_total", "refusals_total",
                         "bytes_in_total", "puback_seconds_bucket"):  # fmt: skip
                assert f"outlet_watch_gateway_{name}" in text

    asyncio.run(body())


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (needed to make a test certificate)")
    cert, key = tmp / "gw.pem", tmp / "gw.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_tls_listener(mosquitto: MosquittoService, tmp_path: Path) -> None:
    """``tls://`` with a certificate and key: a device speaking TLS gets its 9014."""
    cert, key = _self_signed(tmp_path)
    prefix = _uid()
    client_ctx = ssl.create_default_context(cafile=str(cert))
    client_ctx.check_hostname = False

    async def body() -> None:
        async with running_gateway(
            mosquitto, prefix, listen="tls://127.0.0.1:0", tls_cert=cert, tls_key=key
        ) as gw:
            dev = await Device.connect(gw.port, tls=client_ctx)
            frame = data_packet(_mn(prefix, 1), "pw", 0)
            await dev.send(frame)
            await wait_until(lambda: qn_of(frame) in dev.acked(), what="9014 over TLS")
            await dev.close()

    asyncio.run(body())


def test_settings_are_checked() -> None:
    assert str(parse_listen_url("tls://0.0.0.0:6000")) == "tls://0.0.0.0:6000"
    for bad in ("udp://h:1", "tcp://h", "h:1"):
        with pytest.raises(ValueError):
            parse_listen_url(bad)
    with pytest.raises(ValueError, match="tls_cert"):
        GatewaySettings.make("tls://127.0.0.1:1", "mqtt://127.0.0.1:1883")
    with pytest.raises(ValueError, match="topic_template"):
        GatewaySettings.make("tcp://127.0.0.1:1", "mqtt://h", topic_template="hj212/x")
    with pytest.raises(ValueError, match="max_inflight"):
        GatewaySettings.make("tcp://127.0.0.1:1", "mqtt://h", max_inflight=70_000)


def test_gateway_settings_from_monitor_toml(tmp_path: Path, monkeypatch: Any) -> None:
    """[gateway] keys, paths relative to monitor.toml, flags over keys, the broker's precedence
    (flag, $MONITOR_BROKER, [gateway] broker, [broker] url), and one-line errors."""
    from monitor.config import load_config
    from monitor.services.gateway import GatewayServiceError, gateway_settings

    monkeypatch.delenv("MONITOR_BROKER", raising=False)
    (tmp_path / "gw.pem").write_text("x")
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[broker]\nurl = "mqtt://a:1883"\ntopic_template = "ow/{mn}"\n'
        '[gateway]\nlisten = "tls://0.0.0.0:6443"\ntls_cert = "gw.pem"\ntls_key = "gw.pem"\n'
        'broker = "mqtt://b:1883"\nsites = "sites.toml"\nmax_inflight = 500\n'
        'heartbeat_cns = ["9999"]\n',
        encoding="utf-8",
    )
    cfg = load_config(config, env={})
    settings, sites = gateway_settings(cfg, {"max_inflight": None, "read_timeout_s": 5.0})
    assert str(settings.listen) == "tls://0.0.0.0:6443" and settings.tls_cert == tmp_path / "gw.pem"
    assert settings.broker.host == "b" and sites == tmp_path / "sites.toml"
    assert settings.topic_template == "ow/{mn}" and settings.max_inflight == 500
    assert settings.read_timeout_s == 5.0 and settings.heartbeat_cns == ("9999",)
    assert gateway_settings(cfg, {"broker": "mqtt://c"})[0].broker.host == "c"
    monkeypatch.setenv("MONITOR_BROKER", "mqtt://d")
    assert gateway_settings(cfg, {})[0].broker.host == "d"
    for flags, message in (
        ({"listen": "udp://x:1"}, "scheme"),
        ({"max_inflight": 0}, "max_inflight"),
        ({"tls_key": tmp_path / "missing.key"}, "not found"),
    ):
        with pytest.raises(GatewayServiceError, match=message):
            gateway_settings(cfg, flags)


def test_monitor_gateway_command(mosquitto: MosquittoService, tmp_path: Path) -> None:
    """``monitor gateway`` with a [gateway] table in monitor.toml and a registry: a device gets
    its 9014, /metrics answers, SIGTERM stops it with exit code 0."""
    prefix = _uid()
    mn, pw = _mn(prefix, 1), "123456"
    port, metrics_port = free_port(), free_port()
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nmn = "{mn}"\nenterprise = "E1"\nname = "Outlet 1"\ndistrict = "D"\n'
        f'password = "{pw}"\n\n[site.pollutants.w01018]\nlimit = 50.0\n',
        encoding="utf-8",
    )
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'[gateway]\nsites = "sites.toml"\nlisten = "tcp://127.0.0.1:{port}"\n'
        f'topic_template = "{prefix}/hj212/{{mn}}"\nclient_id = "gw-{prefix}"\n'
        f"metrics_port = {metrics_port}\nread_timeout_s = 5\n",
        encoding="utf-8",
    )
    log = (tmp_path / "gateway.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "gateway", "--config", str(config),
         "--broker", mosquitto.url],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "MONITOR_CONFIG": ""},
    )  # fmt: skip
    try:
        wait_for_port("127.0.0.1", port, 30, proc)

        async def body() -> None:
            dev = await Device.connect(port)
            frame = data_packet(mn, pw, 0)
            await dev.send(frame + data_packet(mn, "bad", 1))
            await wait_until(lambda: qn_of(frame) in dev.acked(), 20, "9014 from the command")
            await dev.close()

        asyncio.run(body())
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10) as r:
            text = r.read().decode()
        got = samples(text)
        assert got["outlet_watch_gateway_responses_total", (("cn", "9014"),)] == 1
        assert got["outlet_watch_gateway_refusals_total", (("reason", "wrong-pw"),)] == 1
        assert got["outlet_watch_gateway_puback_seconds_count", ()] >= 1
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    lines = (tmp_path / "gateway.log").read_text().splitlines()
    assert any('"event": "listening"' in line for line in lines), lines[-5:]
