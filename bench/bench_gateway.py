"""Gateway benchmark: N data loggers on TCP, hourly packets in a burst, through to Mosquitto.

Two servers take the same load in the same run, each in a process of its own (one GIL: one core
at most for Python, plus paho's thread under the same lock), against one private Mosquitto:

1. ``monitor gateway`` (the real command: StreamDecoder framing and decoding, limits, metrics,
   9014 after PUBACK);
2. the baseline: a bare asyncio TCP-to-paho forwarder written here (split at CRLF, find MN and
   QN with ``bytes.find``, publish QoS 1, write a 9014 from the PUBACK callback through
   ``call_soon_threadsafe``): no decoding, no checks, no limits.

For each: N concurrent device connections (asyncio protocols in this process) are opened and
held; the server's resident memory before and after gives the memory per idle connection. Then
``--bursts`` times every device writes ``--per-device`` hourly packets (CN 2061, Flag=5) at once
and waits for their 9014s: packets/s = packets / time from the first write to the last 9014
(every packet went through the server to the broker and its PUBACK came back), 9014 latency =
time from each device's write to its answer (median, p99), and the server's CPU seconds.

    python bench/bench_gateway.py [--connections 5000] [--bursts 4] [--per-device 1] [--rounds 3]

Each round runs the baseline, then the gateway; figures are medians over the rounds, and the
ratio is taken within each round.

RLIMIT_NOFILE is raised to its hard limit here (servers inherit it); 5,000 connections need
about 5,100 descriptors in this process and as many in each server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.hj212 import Packet, encode_packet, hj212_crc  # noqa: E402

POLLUTANTS = ("w01018", "w21003", "w21011", "w21001", "w00000", "w01001")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def hourly(mn: str, hour: int, burst: int) -> bytes:
    stamp = f"202612{1 + hour // 24:02d}{hour % 24:02d}0000"
    items = [(("DataTime", stamp),)]
    for j, code in enumerate(POLLUTANTS):
        v = 20.0 + j + (hour % 7)
        items.append(
            ((f"{code}-Avg", f"{v:.2f}"), (f"{code}-Min", f"{v * 0.9:.2f}"),
             (f"{code}-Max", f"{v * 1.1:.2f}"), (f"{code}-Flag", "N"))
        )  # fmt: skip
    packet = Packet.build(
        qn=f"{stamp}{burst:03d}", st="32", cn="2061", pw="123456", mn=mn, flag=5, cp=tuple(items)
    )
    return encode_packet(packet)


# -- the baseline server ---------------------------------------------------------------------------


def baseline_server(port: int, broker_port: int) -> None:
    """A bare asyncio TCP-to-paho forwarder (run in a process of its own)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    loop = asyncio.new_event_loop()
    pending: dict[int, tuple[asyncio.Transport, bytes]] = {}

    def answer(mid: int) -> None:
        entry = pending.pop(mid, None)
        if entry is None:
            return
        transport, segment = entry
        if not transport.is_closing():
            transport.write(b"##%04d%s%04X\r\n" % (len(segment), segment, hj212_crc(segment)))

    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id="bench-baseline", protocol=mqtt.MQTTv5
    )
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.on_publish = lambda _c, _u, mid, _r, _p: loop.call_soon_threadsafe(answer, mid)
    client.connect("127.0.0.1", broker_port)
    client.loop_start()

    class Forwarder(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport: Any = transport
            self.buf = b""

        def data_received(self, data: bytes) -> None:
            buf = self.buf + data
            start = 0
            while (end := buf.find(b"\r\n", start)) >= 0:
                line = buf[start : end + 2]
                start = end + 2
                i = line.find(b"MN=")
                mn = line[i + 3 : line.find(b";", i)]
                j = line.find(b"QN=")
                qn = line[j + 3 : line.find(b";", j)]
                info = client.publish("bench/base/" + mn.decode(), line, qos=1)
                segment = b"QN=%s;ST=91;CN=9014;PW=123456;MN=%s;Flag=4;CP=&&&&" % (qn, mn)
                pending[info.mid] = (self.transport, segment)
            self.buf = buf[start:]

    async def main() -> None:
        server = await loop.create_server(Forwarder, "127.0.0.1", port, backlog=4096)
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        async with server:
            await stop.wait()

    loop.run_until_complete(main())


# -- the devices -----------------------------------------------------------------------------------


class Fleet:
    """N device connections as asyncio protocols, recording 9014 latencies."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.answered = 0
        self.expected = 0
        self.done: asyncio.Event = asyncio.Event()

    def protocol(self) -> Callable[[], asyncio.Protocol]:
        fleet = self

        class Dev(asyncio.Protocol):
            def __init__(self) -> None:
                self.buf = b""
                self.sent: dict[bytes, float] = {}
                self.transport: Any = None

            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport

            def data_received(self, data: bytes) -> None:
                now = time.perf_counter()
                buf = self.buf + data
                start = 0
                while (end := buf.find(b"\r\n", start)) >= 0:
                    j = buf.find(b"QN=", start)
                    qn = buf[j + 3 : buf.find(b";", j)]
                    start = end + 2
                    t = self.sent.pop(qn, None)
                    if t is not None:
                        fleet.latencies.append(now - t)
                        fleet.answered += 1
                        if fleet.answered >= fleet.expected:
                            fleet.done.set()
                self.buf = buf[start:]

        return Dev


async def drive(port: int, pid: int, n: int, bursts: int, per_device: int) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    fleet = Fleet()
    factory = fleet.protocol()
    rss0 = rss_kib(pid)
    devs: list[Any] = []
    for k in range(0, n, 250):
        made = await asyncio.gather(
            *(loop.create_connection(factory, "127.0.0.1", port) for _ in range(min(250, n - k)))
        )
        devs += [proto for _, proto in made]
    await asyncio.sleep(1.0)  # let the server settle before measuring
    rss_idle = rss_kib(pid)
    mns = [f"BENCH{i:09d}" for i in range(n)]
    frames = [
        [[hourly(mns[i], 24 * b + p, b) for p in range(per_device)] for i in range(n)]
        for b in range(bursts)
    ]
    qns = [[[f[6 + 3 : 6 + 3 + 17] for f in dev] for dev in burst] for burst in frames]
    elapsed = 0.0
    cpu0 = cpu_s(pid)
    for b in range(bursts):
        fleet.answered = 0
        fleet.expected = n * per_device
        fleet.done = asyncio.Event()
        started = time.perf_counter()
        for i, dev in enumerate(devs):
            now = time.perf_counter()
            for qn in qns[b][i]:
                dev.sent[qn] = now
            dev.transport.write(b"".join(frames[b][i]))
        await asyncio.wait_for(fleet.done.wait(), 300)
        elapsed += time.perf_counter() - started
    cpu = cpu_s(pid) - cpu0
    await asyncio.sleep(1.0)
    rss_after = rss_kib(pid)
    for dev in devs:
        dev.transport.close()
    lat = sorted(fleet.latencies)
    total = n * per_device * bursts
    return {
        "packets": total,
        "pps": total / elapsed,
        "p50_ms": 1000 * statistics.median(lat),
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "cpu_s": cpu,
        "pps_per_cpu_s": total / cpu if cpu else float("nan"),
        "idle_kib": (rss_idle - rss0) / n,
        "after_kib": (rss_after - rss0) / n,
        "rss_mib": rss_after / 1024,
    }


def run_server(cmd: list[str], port: int, log: Path, n: int, args: argparse.Namespace) -> dict:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
    try:
        wait_port(port, proc)
        time.sleep(1.0)  # connected to the broker
        return asyncio.run(drive(port, proc.pid, n, args.bursts, args.per_device))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=5000)
    parser.add_argument("--bursts", type=int, default=4)
    parser.add_argument("--per-device", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="baseline then gateway, N times")
    parser.add_argument("--baseline-server", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.baseline_server:
        baseline_server(*args.baseline_server)
        return
    n = args.connections
    if 2 * n + 200 > hard:
        sys.exit(f"RLIMIT_NOFILE hard limit {hard} is too low for {n} connections")
    tmp = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    broker_port = free_port()
    conf = tmp / "mosquitto.conf"
    user = "user root\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"{user}listener {broker_port} 127.0.0.1\nallow_anonymous true\n"
        "max_inflight_messages 1000\nmax_queued_messages 1000000\nset_tcp_nodelay true\n"
    )
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    broker = subprocess.Popen([binary, "-c", str(conf)], stderr=subprocess.DEVNULL)
    rounds: list[dict[str, dict[str, float]]] = []
    try:
        wait_port(broker_port, broker)
        for k in range(args.rounds):
            results = {}
            port = free_port()
            results["baseline"] = run_server(
                [sys.executable, __file__, "--baseline-server", str(port), str(broker_port)],
                port, tmp / f"baseline-{k}.log", n, args,
            )  # fmt: skip
            port = free_port()
            results["gateway"] = run_server(
                [sys.executable, "-m", "monitor.cli", "gateway", "--listen",
                 f"tcp://127.0.0.1:{port}", "--broker", f"mqtt://127.0.0.1:{broker_port}",
                 "--topic-template", "bench/gw/{mn}", "--max-connections", str(n + 100)],
                port, tmp / f"gateway-{k}.log", n, args,
            )  # fmt: skip
            rounds.append(results)
    finally:
        broker.terminate()
        broker.wait(10)
    total = rounds[0]["gateway"]["packets"]
    print(
        f"{n} device connections, {args.bursts} bursts x {args.per_device} hourly packet(s) "
        f"per device = {total} packets per server and round; {args.rounds} rounds; one "
        f"Mosquitto; {os.cpu_count()} CPUs; medians over the rounds"
    )
    print(
        f"{'server':<10} {'packets/s':>10} {'9014 p50':>10} {'9014 p99':>10} "
        f"{'CPU s':>7} {'pkt/CPU-s':>10} {'KiB/idle conn':>14} {'after bursts':>13} {'RSS MiB':>8}"
    )
    for name in ("baseline", "gateway"):

        def med(key: str, name: str = name) -> float:
            return statistics.median(r[name][key] for r in rounds)

        print(
            f"{name:<10} {med('pps'):>10.0f} {med('p50_ms'):>8.1f}ms {med('p99_ms'):>8.1f}ms "
            f"{med('cpu_s'):>7.2f} {med('pps_per_cpu_s'):>10.0f} {med('idle_kib'):>14.1f} "
            f"{med('after_kib'):>13.1f} {med('rss_mib'):>8.1f}"
        )
    ratios = [r["gateway"]["pps"] / r["baseline"]["pps"] for r in rounds]
    print(
        f"gateway / baseline packets/s per round: {', '.join(f'{x:.2f}' for x in ratios)} "
        f"(median {statistics.median(ratios):.2f}; target >= 0.8)"
    )
    # the server's own CPU time: steadier than wall time when other processes share the CPUs
    per_cpu = [r["gateway"]["pps_per_cpu_s"] / r["baseline"]["pps_per_cpu_s"] for r in rounds]
    print(
        f"gateway / baseline packets per CPU-second per round: "
        f"{', '.join(f'{x:.2f}' for x in per_cpu)} (median {statistics.median(per_cpu):.2f}); "
        f"load average {os.getloadavg()[0]:.1f}; logs in {tmp}"
    )


if __name__ == "__main__":
    main()
