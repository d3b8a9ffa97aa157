"""The daemon against real brokers and databases: nothing lost, nothing doubled, nothing forged.

Each test uses its own client ids and MNs on the session's brokers (fixtures in tests/services.py).
"""

from __future__ import annotations

import functools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pandas as pd
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from ingest.broker_url import parse_broker_url
from ingest.daemon import EXIT_CLIENT_ID_CLASH, DaemonSettings, IngestDaemon
from ingest.hj212 import Packet, encode_packet
from monitor.store.store import Store, create_engine
from tests.ingest.daemon_stream import (
    T0,
    Site,
    bad_messages,
    hourly_packet,
    publish_all,
    publisher,
    sites,
    write_registry,
)
from tests.services import AmqttService, MosquittoService, free_port, require_binary
from tests.services import wait_until as _wait

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
HOURS = 40


def _uid() -> str:
    return uuid.uuid4().hex[:8]


def _prefix() -> str:
    """A 10-digit MN prefix unique to this test (MNs stay distinct on shared databases)."""
    return f"{uuid.uuid4().int % 10**10:010d}"


class DaemonProcess:
    """``python -m monitor.cli ingest`` as a subprocess, logging JSON lines to a file."""

    def __init__(
        self, tmp: Path, broker_url: str, db_url: str, registry: Path, client_id: str
    ) -> None:
        self.tmp, self.runs = tmp, 0
        self.args = [
            sys.executable, "-m", "monitor.cli", "ingest", "--broker", broker_url, "--db", db_url,
            "--sites", str(registry), "--client-id", client_id, "--batch-size", "40",
            "--batch-interval", "0.05",
        ]  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = tmp / "daemon-0.log"

    def start(self) -> None:
        self.runs += 1
        self.log = self.tmp / f"daemon-{self.runs}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
        env["PYTHONPATH"] = str(ROOT)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(self.args, cwd=self.tmp, env=env, stderr=out, stdout=out)
        _wait(
            lambda: '"connected"' in self.log.read_text(errors="replace"),
            20,
            f"daemon to connect ({self.log})",
        )

    def kill(self) -> None:
        """SIGKILL the daemon; its worker and live-detection processes must end by themselves."""
        assert self.proc is not None
        children = _descendants(self.proc.pid)
        assert children, "the daemon runs its worker (and live detection) in processes"
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        _wait(lambda: not any(_alive(pid) for pid in children), 60, "the daemon's children to end")

    def terminate(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            found += [int(child), *_descendants(int(child))]
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, ended but not yet reaped, counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def daemons() -> Iterator[list[DaemonProcess]]:
    made: list[DaemonProcess] = []
    yield made
    for d in made:
        d.cleanup()


@pytest.mark.parametrize("broker_name", ["mosquitto", "amqtt_broker"])
def test_stream_with_duplicates_bad_messages_and_sigkill(
    broker_name: str,
    db_url: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    daemons: list[DaemonProcess],
) -> None:
    broker: MosquittoService | AmqttService = request.getfixturevalue(broker_name)
    v5 = broker_name == "mosquitto"
    url = broker.url if v5 else f"{broker.url}?protocol=3.1.1"
    registered = sites(3, _prefix())
    stranger = Site(f"{_prefix()}9999", "pw")
    registry = write_registry(tmp_path / "sites.toml", registered)
    daemon = DaemonProcess(tmp_path, url, db_url, registry, f"ow-{_uid()}")
    daemons.append(daemon)
    store = Store(db_url)

    valid = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(HOURS) for s in registered]
    bad = bad_messages(registered[0], stranger, 500)
    bad_msgs = [(topic, payload) for _, topic, payload in bad]
    half = len(valid) // 2
    part_a = valid[:half] + bad_msgs[:5] + valid[:20]  # duplicates of early packets
    part_b = valid[half:] + bad_msgs[5:] + bad_msgs[:2] + valid[half : half + 20]

    daemon.start()
    pub = publisher(broker.host, broker.port, f"pub-{_uid()}", v5=v5)
    try:
        publish_all(pub, part_a)
        _wait(lambda: store.count_readings(registered[0].mn) > 0, 20, "first commits")
        daemon.kill()  # mid-stream: whatever was not acknowledged comes back
        publish_all(pub, part_b)  # queued by the broker for the offline persistent session
        daemon.start()
        expected_readings = len(valid) * 6
        _wait(lambda: store.count_readings() >= expected_readings, 40, "every valid reading")
        _wait(lambda: len(store.quarantine_frame()) >= len(bad), 20, "every bad message")
        # A conflicting value for a stored key arrives last: kept aside, never overwriting.
        publish_all(
            pub, [(f"hj212/{registered[1].mn}", hourly_packet(registered[1], 5, value=999.0))]
        )
        _wait(lambda: len(store.quarantine_frame("conflict")) == 1, 20, "the conflict")
        assert daemon.terminate() == 0
    finally:
        pub.loop_stop()
        pub.disconnect()

    assert store.count_readings() == expected_readings
    for s in registered:
        frame = store.read_frame(s.mn)
        assert len(frame) == HOURS * 6
        assert not frame.duplicated(["pollutant", "kind", "ts"]).any()
        # the last valid hour; the wrong-PW (hour 501) and topic-mismatch (502) packets never stored
        assert frame.ts.max() == pd.Timestamp(T0) + pd.Timedelta(hours=HOURS - 1)
    cod = store.read_frame(registered[1].mn).query("pollutant == 'w01018'").set_index("ts").value
    assert cod.iloc[5] != 999.0
    q = store.quarantine_frame()
    assert Counter(q.reason) == Counter([r for r, _, _ in bad] + ["conflict"])
    assert stranger.mn not in store.outlets()
    store.close()


def _in_process(
    broker: MosquittoService, store: Store, registered: list[Site], client_id: str, **kw: object
) -> IngestDaemon:
    settings = DaemonSettings(
        broker=broker.url, client_id=client_id, batch_size=50, batch_interval_s=0.05, **kw
    )
    daemon = IngestDaemon(settings, store, {s.mn: s.pw for s in registered})
    daemon.start()
    _wait(lambda: daemon.metrics.connected, 10, "daemon to connect")
    return daemon


def test_broker_restart_mid_stream_loses_nothing(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    registered = sites(2, _prefix())
    store = Store(f"sqlite:///{tmp_path / 'ow.db'}")
    daemon = _in_process(mosquitto, store, registered, f"ow-{_uid()}")
    msgs = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(80) for s in registered]
    try:
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        publish_all(pub, msgs[:100])
        pub.loop_stop()
        mosquitto.restart()  # graceful: Mosquitto saves its persistence file
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        publish_all(pub, msgs[100:])
        pub.loop_stop()
        _wait(
            lambda: store.count_readings() >= len(msgs) * 6, 30, "every reading after the restart"
        )
        _wait(lambda: daemon.metrics.snapshot()["acked"] >= len(msgs) - 100, 10, "acks")
    finally:
        daemon.stop()
    assert store.count_readings() == len(msgs) * 6
    snap = daemon.metrics.snapshot()
    assert snap["stored"] == len(msgs) * 6 and snap["conflicts"] == 0


def test_locked_database_delays_but_loses_nothing(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    registered = sites(2, _prefix())
    path = tmp_path / "ow.db"
    store = Store(create_engine(f"sqlite:///{path}", busy_timeout_ms=50))
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # holds the write lock like a long-running writer
    daemon = _in_process(mosquitto, store, registered, f"ow-{_uid()}", retry_max_s=0.5)
    msgs = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(30) for s in registered]
    try:
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        publish_all(pub, msgs)
        pub.loop_stop()
        _wait(lambda: daemon.metrics.snapshot()["commit_failures"] >= 2, 10, "failed commits")
        assert daemon.metrics.snapshot()["acked"] == 0  # nothing acknowledged while locked
        blocker.execute("ROLLBACK")
        _wait(lambda: daemon.metrics.snapshot()["acked"] >= len(msgs), 20, "acks after the lock")
    finally:
        blocker.close()
        daemon.stop()
    assert store.count_readings() == len(msgs) * 6


def test_two_daemons_with_one_client_id_fail_clearly(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    registered = sites(1, _prefix())
    store = Store(f"sqlite:///{tmp_path / 'ow.db'}")
    client_id = f"ow-{_uid()}"
    first = _in_process(mosquitto, store, registered, client_id)
    second = _in_process(mosquitto, store, registered, client_id)
    try:
        _wait(lambda: first.fatal or second.fatal, 15, "the clash to be detected")
        clashed = first if first.fatal else second
        assert clashed.exit_code == EXIT_CLIENT_ID_CLASH
        assert client_id in (clashed.fatal or "") and "--client-id" in (clashed.fatal or "")
    finally:
        first.stop(5)
        second.stop(5)


def test_shared_subscription_splits_load_and_stores_once(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    registered = sites(4, _prefix())
    url = f"sqlite:///{tmp_path / 'ow.db'}"
    stores = [Store(url), Store(url)]
    group = f"$share/ow-{_uid()}/hj212/#"
    ds = [
        _in_process(mosquitto, stores[i], registered, f"ow-{_uid()}", topic=group) for i in range(2)
    ]
    msgs = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(25) for s in registered]
    try:
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        publish_all(pub, msgs + msgs[:30])  # 30 redeliveries, possibly to the other daemon
        pub.loop_stop()
        _wait(lambda: sum(d.metrics.snapshot()["acked"] for d in ds) >= len(msgs) + 30, 20, "acks")
    finally:
        for d in ds:
            d.stop()
    assert stores[0].count_readings() == len(msgs) * 6
    assert all(d.metrics.snapshot()["received"] > 0 for d in ds)


def _split_part(site: Site, qn: str, pno: int, items: tuple) -> bytes:
    packet = Packet.build(
        qn=qn, st="32", cn="2061", pw=site.pw, mn=site.mn, flag=4 | 2, pnum=2, pno=pno, cp=items
    )
    return encode_packet(packet)


def test_split_packets_are_reassembled_or_quarantined_incomplete(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    (site,) = sites(1, _prefix())
    store = Store(f"sqlite:///{tmp_path / 'ow.db'}")
    daemon = _in_process(mosquitto, store, [site], f"ow-{_uid()}", split_timeout_s=1.0)
    when = (("DataTime", "20261101100000"),)
    cod = (("w01018-Avg", "31.5"), ("w01018-Flag", "N"))
    nh3 = (("w21003-Avg", "2.25"), ("w21003-Flag", "N"))
    topic = f"hj212/{site.mn}"
    msgs = [
        (topic, _split_part(site, "20261101100000001", 2, (nh3,))),  # out of order
        (topic, _split_part(site, "20261101100000001", 1, (when, cod))),
        (topic, _split_part(site, "20261101110000001", 1, (when, cod))),  # its part 2 never comes
    ]
    try:
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        publish_all(pub, msgs)
        pub.loop_stop()
        _wait(lambda: daemon.metrics.snapshot()["acked"] >= 3, 15, "every part acknowledged")
    finally:
        daemon.stop()
    frame = store.read_frame(site.mn)
    assert frame.set_index("pollutant").value.to_dict() == {"w01018": 31.5, "w21003": 2.25}
    assert frame.ts.unique().tolist() == [pd.Timestamp("2026-11-01T02:00Z")]
    q = store.quarantine_frame()
    assert q.reason.tolist() == ["incomplete"]
    assert "[2] missing" in q.detail[0] and bytes(q.payload[0]) == msgs[2][1]


def test_stop_with_a_split_packet_incomplete_returns_at_once_and_the_part_comes_again(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    """stop() while a part waits for its sibling (split timeout 300 s) used to wait its 30 s
    join and 5 s more and leave the writer running; now it returns at once, the part
    unacknowledged, and the broker delivers it again to the next session, where it meets its
    sibling."""
    (site,) = sites(1, _prefix())
    store = Store(f"sqlite:///{tmp_path / 'ow.db'}")
    client_id = f"ow-{_uid()}"
    when = (("DataTime", "20261101100000"),)
    cod = (("w01018-Avg", "31.5"), ("w01018-Flag", "N"))
    nh3 = (("w21003-Avg", "2.25"), ("w21003-Flag", "N"))
    topic = f"hj212/{site.mn}"
    daemon = _in_process(mosquitto, store, [site], client_id)
    try:
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        publish_all(pub, [(topic, _split_part(site, "20261101100000001", 1, (when, cod)))])
        _wait(lambda: daemon.metrics.snapshot()["received"] >= 1, 15, "the first part")
        time.sleep(0.3)  # the writer holds the part
    finally:
        started = time.monotonic()
        daemon.stop()
    assert time.monotonic() - started < 5.0
    assert daemon._writer is not None and not daemon._writer.is_alive()
    assert daemon.metrics.snapshot()["acked"] == 0 and store.count_readings() == 0
    daemon = _in_process(mosquitto, store, [site], client_id)
    try:
        publish_all(pub, [(topic, _split_part(site, "20261101100000001", 2, (nh3,)))])
        pub.loop_stop()
        _wait(lambda: store.count_readings() == 2, 15, "the packet from both parts")
        _wait(lambda: daemon.metrics.snapshot()["acked"] >= 2, 15, "both parts acknowledged")
    finally:
        daemon.stop()
    frame = store.read_frame(site.mn)
    assert frame.set_index("pollutant").value.to_dict() == {"w01018": 31.5, "w21003": 2.25}
    assert store.quarantine_frame().empty


def test_worker_process_mode_stores_and_quarantines(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    registered = sites(2, _prefix())
    stranger = Site(f"{_prefix()}9999", "pw")
    daemon, store = _worker_daemon(mosquitto, tmp_path, registered)
    daemon.start()
    _wait(lambda: daemon.metrics.connected, 10, "daemon to connect")
    valid = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(40) for s in registered]
    bad = bad_messages(registered[0], stranger, 300)
    msgs = valid + [(t, p) for _, t, p in bad] + valid[:10]
    try:
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        publish_all(pub, msgs)
        pub.loop_stop()
        _wait(
            lambda: daemon.metrics.snapshot()["acked"] >= len(msgs),
            30,
            "every message acknowledged",
        )
    finally:
        daemon.stop()
    snap = daemon.metrics.snapshot()
    assert (snap["stored"], snap["duplicates"]) == (len(valid) * 6, 60)
    assert store.count_readings() == len(valid) * 6
    assert Counter(store.quarantine_frame().reason) == Counter(r for r, _, _ in bad)


def test_default_subscription_does_not_take_the_gateways_command_topic(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    """`monitor gateway` takes device commands from hj212/{mn}/cmd: the daemon's default
    subscription (one level, like its default topic template) never sees them, so a command is
    neither quarantined nor stored, while the device's packets on hj212/{mn} are."""
    site = sites(1, _prefix())[0]
    store = Store(f"sqlite:///{tmp_path / 'ow.db'}")
    settings = DaemonSettings(broker=mosquitto.url, client_id=f"ow-{_uid()}", batch_interval_s=0.05)
    daemon = IngestDaemon(settings, store, {site.mn: site.pw})
    daemon.start()
    _wait(lambda: daemon.metrics.connected, 10, "daemon to connect")
    try:
        pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
        command = hourly_packet(site, 1)  # any frame: the daemon must not even receive it
        publish_all(
            pub, [(f"hj212/{site.mn}/cmd", command), (f"hj212/{site.mn}", hourly_packet(site, 0))]
        )
        pub.loop_stop()
        _wait(lambda: store.count_readings() == 6, 20, "the packet's readings stored")
        time.sleep(0.5)  # the command, had it been delivered, would be handled by now
    finally:
        daemon.stop()
    assert daemon.metrics.snapshot()["received"] == 1
    assert store.quarantine_frame().empty


@pytest.mark.parametrize(
    ("worker_process", "protocol"), [(False, "5"), (True, "5"), (False, "3.1.1")]
)
def test_acknowledged_batches_are_never_redelivered(
    mosquitto: MosquittoService, tmp_path: Path, worker_process: bool, protocol: str
) -> None:
    """Acknowledgements go out a batch at a time (one write of many PUBACKs); the broker must
    take every one: after a clean stop, the next session of the same client id gets only what is
    new (a broker resends unacknowledged messages first on a resumed session)."""
    registered = sites(3, _prefix())
    url = f"sqlite:///{tmp_path / 'ow.db'}"
    store = Store(url)
    settings = DaemonSettings(
        broker=f"{mosquitto.url}?protocol={protocol}",
        client_id=f"ow-{_uid()}",
        batch_size=50,
        batch_interval_s=0.05,
        worker_process=worker_process,
    )

    def daemon() -> IngestDaemon:
        return IngestDaemon(
            settings,
            store,
            {s.mn: s.pw for s in registered},
            sink_factory=functools.partial(Store, url),
        )

    msgs = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(100) for s in registered]
    pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
    try:
        first = daemon()
        first.start()
        try:
            _wait(lambda: first.metrics.connected, 10, "daemon to connect")
            publish_all(pub, msgs)
            _wait(lambda: first.metrics.acked >= len(msgs), 60, "every message acknowledged")
        finally:
            first.stop()
        assert first.metrics.snapshot()["batches"] >= 6  # several batches, acked batch by batch
        second = daemon()
        second.start()
        try:
            _wait(lambda: second.metrics.connected, 10, "daemon to reconnect")
            publish_all(pub, [(f"hj212/{registered[0].mn}", hourly_packet(registered[0], 500))])
            _wait(lambda: second.metrics.acked >= 1, 30, "the new message acknowledged")
        finally:
            second.stop()
    finally:
        pub.loop_stop()
    snap = second.metrics.snapshot()
    assert (snap["received"], snap["stored"], snap["duplicates"]) == (1, 6, 0)
    assert store.count_readings() == (len(msgs) + 1) * 6


def _tls_material(tmp: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 (openssl CLI)."""
    openssl = require_binary("openssl")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=tmp, check=True, capture_output=True)

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=ow-test-ca",
    )
    run(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    )
    (tmp / "ext").write_text("subjectAltName=IP:127.0.0.1\n")
    run(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext",
    )
    return tmp / "ca.pem", tmp / "server.pem", tmp / "server.key"


def test_mqtts_with_ca_file_and_password(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    binary = require_binary("mosquitto")
    passwd = require_binary("mosquitto_passwd")
    ca, cert, key = _tls_material(tmp_path)
    subprocess.run([passwd, "-b", "-c", str(tmp_path / "passwd"), "ingest", "s3cr:t"], check=True)
    (tmp_path / "mq").mkdir()
    broker = MosquittoService(
        binary,
        free_port(),
        tmp_path / "mq",
        extra_conf=f"cafile {ca}\ncertfile {cert}\nkeyfile {key}\npassword_file {tmp_path / 'passwd'}\n",
    )
    broker.start()
    (site,) = sites(1, _prefix())
    store = Store(f"sqlite:///{tmp_path / 'ow.db'}")
    good = DaemonSettings(
        broker=parse_broker_url(f"mqtts://ingest:s3cr%3At@127.0.0.1:{broker.port}", ca_file=ca),
        client_id=f"ow-{_uid()}",
        batch_interval_s=0.05,
    )
    bad = DaemonSettings(
        broker=parse_broker_url(f"mqtts://ingest:wrong@127.0.0.1:{broker.port}", ca_file=ca),
        client_id=f"ow-{_uid()}",
    )
    daemon = IngestDaemon(good, store, {site.mn: site.pw})
    refused = IngestDaemon(bad, store, {site.mn: site.pw})
    try:
        daemon.start()
        refused.start()
        _wait(lambda: daemon.metrics.connected, 10, "the TLS connection")
        pub = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"pub-{_uid()}", protocol=mqtt.MQTTv5
        )
        pub.tls_set(ca_certs=str(ca))
        pub.username_pw_set("ingest", "s3cr:t")
        pub.connect(broker.host, broker.port)
        pub.loop_start()
        publish_all(pub, [(f"hj212/{site.mn}", hourly_packet(site, h)) for h in range(10)])
        pub.loop_stop()
        _wait(lambda: store.count_readings() == 60, 10, "readings over TLS")
        _wait(
            lambda: "broker refused the connection" in caplog.text, 10, "the refusal to be logged"
        )
        assert not refused.metrics.connected
        assert "wrong" not in caplog.text and "s3cr" not in caplog.text
    finally:
        daemon.stop(5)
        refused.stop(5)
        broker.kill()


def _worker_daemon(
    mosquitto: MosquittoService, tmp_path: Path, registered: list[Site]
) -> tuple[IngestDaemon, Store]:
    url = f"sqlite:///{tmp_path / 'ow.db'}"
    store = Store(url)
    settings = DaemonSettings(
        broker=mosquitto.url,
        client_id=f"ow-{_uid()}",
        batch_size=50,
        batch_interval_s=0.05,
        worker_process=True,
    )
    daemon = IngestDaemon(
        settings,
        store,
        {s.mn: s.pw for s in registered},
        sink_factory=functools.partial(Store, url),
    )
    return daemon, store


def test_a_killed_worker_is_restarted_and_its_batches_stored_once(
    mosquitto: MosquittoService, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """SIGKILL of the decode/commit worker during a burst: noticed, logged, restarted; every
    message acknowledged, every reading stored once (the dead worker's batches go again)."""
    registered = sites(5, _prefix())
    daemon, store = _worker_daemon(mosquitto, tmp_path, registered)
    daemon.start()
    _wait(lambda: daemon.metrics.connected and daemon._worker is not None, 20, "the worker")
    msgs = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(600) for s in registered]
    pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
    sender = threading.Thread(target=publish_all, args=(pub, msgs))
    try:
        sender.start()
        deadline = time.monotonic() + 30
        while daemon.metrics.snapshot()["acked"] < 50 and time.monotonic() < deadline:
            time.sleep(0.005)
        first = daemon._worker
        acked_at_kill = daemon.metrics.snapshot()["acked"]
        os.kill(first.pid, signal.SIGKILL)
        assert 50 <= acked_at_kill < len(msgs), "the kill did not fall inside the burst"
        _wait(lambda: daemon._worker is not first, 10, "a new worker")
        _wait(lambda: daemon.metrics.snapshot()["acked"] >= len(msgs), 60, "every message acked")
    finally:
        sender.join(30)
        pub.loop_stop()
        daemon.stop()
    assert daemon.fatal is None and daemon.exit_code == 0
    assert daemon.metrics.snapshot()["worker_restarts"] == 1
    assert store.count_readings() == len(msgs) * 6
    assert any("worker process died" in r.getMessage() for r in caplog.records)


def test_a_worker_that_keeps_dying_ends_the_daemon_non_zero(
    mosquitto: MosquittoService, tmp_path: Path
) -> None:
    """A worker killed more often than the restart budget allows ends the daemon (exit code 1,
    so systemd restarts it) instead of looping; nothing unacknowledged is lost by it."""
    from ingest import daemon as daemon_module

    registered = sites(1, _prefix())
    daemon, _ = _worker_daemon(mosquitto, tmp_path, registered)
    daemon.start()
    try:
        for _ in range(daemon_module._WORKER_RESTARTS + 1):
            _wait(lambda: daemon._worker is not None and daemon._worker.is_alive(), 20, "a worker")
            victim = daemon._worker
            os.kill(victim.pid, signal.SIGKILL)
            _wait(lambda v=victim: daemon._worker is not v or daemon.fatal, 10, "the restart")
        _wait(lambda: daemon.fatal is not None, 10, "the daemon to give up")
    finally:
        daemon.stop()
    assert daemon.exit_code == 1
    assert "died" in (daemon.fatal or "")


def test_sigterm_ends_the_daemon_after_its_children_were_killed(
    mosquitto: MosquittoService, tmp_path: Path, daemons: list[DaemonProcess]
) -> None:
    """`monitor ingest` (worker process + live detection): SIGKILL the live-detection process,
    keep ingesting, then SIGTERM: the daemon stores what came and exits 0 within its grace."""
    registered = sites(2, _prefix())
    registry = write_registry(tmp_path / "sites.toml", registered)
    db_url = f"sqlite:///{tmp_path / 'ow.db'}"
    daemon = DaemonProcess(tmp_path, mosquitto.url, db_url, registry, f"ow-{_uid()}")
    daemons.append(daemon)
    daemon.start()
    assert daemon.proc is not None
    pid = daemon.proc.pid

    def live_children() -> list[int]:  # live detection runs at a lower priority (nice 10)
        return [c for c in _descendants(pid) if _alive(c) and os.getpriority(os.PRIO_PROCESS, c)]

    _wait(lambda: len(live_children()) == 1, 30, "the live-detection process")
    live_child = live_children()[0]
    os.kill(live_child, signal.SIGKILL)
    msgs = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(30) for s in registered]
    pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
    try:
        publish_all(pub, msgs)
        store = Store(db_url)
        _wait(lambda: store.count_readings() >= len(msgs) * 6, 30, "every reading")
        _wait(
            lambda: "live_detection_died" in daemon.log.read_text(errors="replace"),
            10,
            "the live process's death to be noticed",
        )
        started = time.monotonic()
        assert daemon.terminate() == 0
        assert time.monotonic() - started < 30
    finally:
        pub.loop_stop()


def test_daemons_side_by_side_on_postgresql_survive_one_killed(
    mosquitto: MosquittoService,
    postgres_url: str,
    tmp_path: Path,
    daemons: list[DaemonProcess],
) -> None:
    """Two `monitor ingest` processes, each with its own client id, on one shared subscription
    into one PostgreSQL database. One is SIGKILLed mid-stream and started again (what systemd's
    Restart=on-failure does): its unacknowledged messages wait in its persistent session and come
    back; every reading is stored once, and both daemons took part."""
    registered = sites(4, _prefix())
    hours = 20
    registry = write_registry(tmp_path / "sites.toml", registered)
    group = f"$share/ow-{_uid()}/hj212/+"
    pair = []
    for i in range(2):
        (tmp_path / f"d{i}").mkdir()
        d = DaemonProcess(tmp_path / f"d{i}", mosquitto.url, postgres_url, registry, f"ow-{_uid()}")
        d.args += ["--topic", group]
        pair.append(d)
        daemons.append(d)
    store = Store(postgres_url)
    valid = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(hours) for s in registered]
    half = len(valid) // 2
    for d in pair:
        d.start()
    pub = publisher(mosquitto.host, mosquitto.port, f"pub-{_uid()}")
    try:
        publish_all(pub, valid[:half] + valid[:30])  # with redeliveries of early packets
        _wait(lambda: store.count_readings() > 0, 20, "first commits")
        pair[0].kill()
        publish_all(pub, valid[half:])
        pair[0].start()
        expected = len(valid) * 6
        _wait(lambda: store.count_readings() >= expected, 60, "every reading")
        assert [d.terminate() for d in pair] == [0, 0]
    finally:
        pub.loop_stop()
        pub.disconnect()
    assert store.count_readings() == expected
    for s in registered:
        frame = store.read_frame(s.mn)
        assert len(frame) == hours * 6 and not frame.duplicated(["pollutant", "kind", "ts"]).any()
    # both took their share: each daemon's log reports stored readings
    for d in pair:
        logs = "".join(p.read_text(errors="replace") for p in d.tmp.glob("daemon-*.log"))
        assert '"stored"' in logs
    store.close()
