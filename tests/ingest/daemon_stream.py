"""Building blocks for daemon tests and the ingest benchmark: registries, packets, publishing.

Packets are real HJ 212 frames from :func:`ingest.hj212.encode_packet`; :func:`bad_messages`
gives one message per quarantine reason the daemon must produce.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from ingest.hj212 import Packet, encode_packet

POLLUTANTS = ("w01018", "w21003", "w21011", "w21001", "w00000", "w01001")
T0 = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Site:
    mn: str
    pw: str


def sites(n: int, prefix: str = "6101150000") -> list[Site]:
    """``n`` registered outlets with distinct MNs and passwords."""
    return [Site(f"{prefix}{i:04d}", f"pw{i:04d}") for i in range(n)]


def write_registry(path: Path, registered: list[Site]) -> Path:
    """A registry TOML with ``registered`` (COD limit 50)."""
    blocks = [
        f'[[site]]\nmn = "{s.mn}"\nenterprise = "E{i}"\nname = "Outlet {i}"\n'
        f'district = "D"\npassword = "{s.pw}"\n\n[site.pollutants.w01018]\nlimit = 50.0\n'
        for i, s in enumerate(registered)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def hourly_packet(
    site: Site, hour: int, *, value: float | None = None, pw: str | None = None, cn: str = "2061"
) -> bytes:
    """An hourly (CN 2061) packet of ``site`` for ``T0 + hour`` with six pollutants."""
    ts = (T0 + timedelta(hours=hour)).astimezone(UTC) + timedelta(hours=8)  # Beijing wall time
    base = 20.0 + (hour % 17) + (int(site.mn[-4:]) % 7) / 10 if value is None else value
    items = [(("DataTime", ts.strftime("%Y%m%d%H%M%S")),)]
    for j, code in enumerate(POLLUTANTS):
        v = round(base * (1 + j / 10), 2)
        items.append(
            (
                (f"{code}-Avg", f"{v}"),
                (f"{code}-Min", f"{round(v * 0.9, 2)}"),
                (f"{code}-Max", f"{round(v * 1.1, 2)}"),
                (f"{code}-Flag", "N"),
            )
        )
    packet = Packet.build(
        qn=ts.strftime("%Y%m%d%H%M%S") + "000",
        st="32",
        cn=cn,
        pw=site.pw if pw is None else pw,
        mn=site.mn,
        flag=4,
        cp=tuple(items),
    )
    return encode_packet(packet)


def bad_messages(registered: Site, stranger: Site, hour: int) -> list[tuple[str, str, bytes]]:
    """``(reason, topic, payload)`` for every quarantine reason (besides ``conflict``)."""
    good = hourly_packet(registered, hour)
    topic = f"hj212/{registered.mn}"
    crc_broken = good[:-6] + (b"0000" if good[-6:-2] != b"0000" else b"1111") + b"\r\n"
    return [
        ("frame", topic, b"##%02d" % (hour % 100)),
        ("unsupported", topic, b"hello, not a packet " + str(hour).encode()),
        ("crc", topic, crc_broken),
        ("length", topic, b"##9999" + good[6:]),
        ("syntax", topic, b'{"mn": "' + registered.mn.encode() + b'", broken json'),
        ("unauthorised", f"hj212/{stranger.mn}", hourly_packet(stranger, hour)),
        ("unauthorised", topic, hourly_packet(registered, hour + 1, pw="wrong")),
        ("topic-mismatch", f"hj212/{stranger.mn}", hourly_packet(registered, hour + 2)),
        ("unsupported", topic, hourly_packet(registered, hour + 3, cn="9011")),
    ]


def publisher(host: str, port: int, client_id: str, *, v5: bool = True) -> mqtt.Client:
    """A connected publisher (QoS 1, network loop running)."""
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
    )
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(host, port)
    client.loop_start()
    deadline = time.monotonic() + 10
    while not client.is_connected():
        if time.monotonic() > deadline:
            raise RuntimeError(f"publisher cannot connect to {host}:{port}")
        time.sleep(0.01)
    return client


def publish_all(
    client: mqtt.Client, messages: list[tuple[str, bytes]], timeout_s: float = 60
) -> None:
    """Publish ``(topic, payload)`` at QoS 1 and wait until the broker acknowledged all."""
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    deadline = time.monotonic() + timeout_s
    for info in infos:
        info.wait_for_publish(max(0.1, deadline - time.monotonic()))
        if not info.is_published():
            raise RuntimeError("broker did not acknowledge a publish in time")
