"""Ingest benchmark: drain a backlog of hourly HJ 212 packets from a persistent Mosquitto session.

Three consumers drain the same backlog (each from its own persistent session, filled by one
publishing pass), in the same run:

1. the daemon (decode, authorise, store into a fresh SQLite file, acknowledge after commit), with
   decoding and committing in a worker process (``worker_process=True``, the default of
   ``monitor ingest``) and all in one process; and each of them again with live detection after
   every commit (in a process of its own), as ``monitor ingest`` runs by default;
2. a bare paho-mqtt subscriber that only receives and acknowledges (manual ack, MQTT 5), drained
   right before each of the daemon's consumers (A B A B ...): each ratio is taken against the
   paho drain next to it, so a machine whose load changes within a round loads both alike;
3. ``mosquitto_sub`` (C client, QoS 1) for reference.

Targets (DESIGN.md section 12): 50,000 readings/s, and at least 0.5 of the bare paho rate. The
whole comparison runs ``--repeat`` rounds (fresh sessions and databases each time); figures are
the medians, with the slowest and fastest round, and each ratio is taken within its round.
The timed drain includes the daemon's start (its worker process is forked: a few ms).

    python bench/bench_ingest.py [--packets 20000] [--outlets 200] [--batch-size 2000] [--repeat 3]
        [--modes thread,process,live,process-live]
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if __name__ != "__mp_main__":
    # The daemon's worker process (spawn) imports this file again as __mp_main__; under
    # `monitor ingest` it imports the light CLI module instead, so skip what only the bench
    # needs and keep the worker's start-up (inside the timed drain) what it is in production.
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    from ingest.daemon import DaemonSettings, IngestDaemon
    from monitor.store.store import Store
    from tests.ingest.daemon_stream import (
        hourly_packet,
        publish_all,
        publisher,
        sites,
        write_registry,
    )
    from tests.services import MosquittoService, free_port

TOPIC = "hj212/#"


def _session(host: str, port: int, client_id: str, *, v5: bool = True) -> None:
    """Create a persistent session subscribed to TOPIC at QoS 1, then leave."""
    c = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
        clean_session=None if v5 else False,
    )
    done = threading.Event()
    c.on_subscribe = lambda *a: done.set()
    if v5:
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600
        c.connect(host, port, clean_start=False, properties=props)
    else:
        c.connect(host, port)
    c.loop_start()
    c.subscribe(TOPIC, qos=1)
    if not done.wait(10):
        raise RuntimeError(f"subscription of {client_id} not acknowledged")
    c.disconnect()
    c.loop_stop()


def bare_paho(host: str, port: int, client_id: str, n: int) -> float:
    """Seconds for a bare paho subscriber to receive and acknowledge ``n`` queued messages."""
    got = 0
    done = threading.Event()
    c = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5, manual_ack=True
    )

    def on_message(client: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        nonlocal got
        client.ack(msg.mid, msg.qos)
        got += 1
        if got >= n:
            done.set()

    c.on_message = on_message
    c.on_connect = lambda client, *a: client.subscribe(TOPIC, qos=1)
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 3600
    props.ReceiveMaximum = 65535
    start = time.perf_counter()
    c.connect(host, port, clean_start=False, properties=props)
    c.loop_start()
    if not done.wait(600):
        raise RuntimeError(f"bare paho got {got} of {n}")
    elapsed = time.perf_counter() - start
    c.disconnect()
    c.loop_stop()
    return elapsed


def daemon_drain(
    url: str,
    client_id: str,
    n: int,
    db: Path,
    passwords: dict[str, str],
    batch_size: int,
    worker_process: bool,
    registry: Path | None = None,
) -> tuple[float, dict]:
    """Seconds for the daemon to store and acknowledge ``n`` queued messages; with ``registry``,
    live detection runs after each commit (the figures then include its latency). With both
    ``worker_process`` and ``registry`` (what ``monitor ingest`` does by default) the worker
    starts live detection itself, inside the timed drain, and its statistics stay there."""
    live = None
    db_url = f"sqlite:///{db}"
    factory: Any = functools.partial(Store, db_url)
    if registry is not None:
        # imported here, not at the top: the worker process (spawn) re-imports this module, and
        # live detection's imports would add to its start-up time inside the timed drain
        from monitor.detection.live import live_sink

        if worker_process:
            factory = functools.partial(live_sink, db_url, str(registry))
        else:
            live = live_sink(db_url, str(registry))
    store = live if live is not None else Store(db_url)
    settings = DaemonSettings(
        broker=url,
        client_id=client_id,
        batch_size=batch_size,
        batch_interval_s=0.25,
        stats_interval_s=3600,
        worker_process=worker_process,
    )
    daemon = IngestDaemon(settings, store, passwords, sink_factory=factory)
    start = time.perf_counter()
    daemon.start()
    while daemon.metrics.acked < n:
        time.sleep(0.005)
        if time.perf_counter() - start > 900:
            raise RuntimeError(f"daemon acked {daemon.metrics.acked} of {n}")
    elapsed = time.perf_counter() - start
    daemon.stop()
    snap = daemon.metrics.snapshot()
    if live is not None:
        t = time.perf_counter()
        live.live.drain(600)
        stats = live.live.stats
        snap["live"] = {
            "passes": stats.passes,
            "outlets_checked": stats.outlets_checked,
            "latency_mean_s": stats.latency_mean_s,
            "latency_max_s": stats.latency_max_s,
            "catch_up_after_drain_s": time.perf_counter() - t,
        }
    store.close()
    return elapsed, snap


def mosquitto_sub(host: str, port: int, client_id: str, n: int) -> float | None:
    """Seconds for ``mosquitto_sub`` (QoS 1, persistent session) to receive ``n`` messages."""
    binary = shutil.which("mosquitto_sub")
    if binary is None:
        return None
    cmd = [
        binary,
        "-h",
        host,
        "-p",
        str(port),
        "-i",
        client_id,
        "-c",
        "-q",
        "1",
        "-t",
        TOPIC,
        "-C",
        str(n),
        "-V",
        "311",
    ]
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, timeout=600)
    return time.perf_counter() - start


#: The daemon's consumers: (worker process, live detection).
MODES: dict[str, tuple[bool, bool]] = {
    "thread": (False, False),
    "process": (True, False),
    "live": (False, True),
    "process-live": (True, True),
}


def one_round(
    broker: MosquittoService,
    msgs: list[tuple[str, bytes]],
    passwords: dict[str, str],
    registry: Path,
    work: Path,
    batch_size: int,
    round_no: int,
    modes: list[str],
) -> dict[str, tuple[float | None, dict]]:
    """Queue ``msgs`` for every consumer (fresh persistent sessions), then let each drain them;
    seconds (and the daemon's counters) per consumer."""
    n = len(msgs)
    readings = n * 6
    names = [name for mode in modes for name in (f"paho-{mode}", mode)] + ["sub"]
    ids = {name: f"bench-{name}-{round_no}" for name in names}
    for name, cid in ids.items():
        _session(broker.host, broker.port, cid, v5=name != "sub")
    pub = publisher(broker.host, broker.port, f"bench-pub-{round_no}")
    t = time.perf_counter()
    publish_all(pub, msgs, timeout_s=600)
    pub.loop_stop()
    pub.disconnect()
    print(
        f"round {round_no}: {n:,} packets queued in {len(ids)} persistent sessions in "
        f"{time.perf_counter() - t:.1f} s",
        flush=True,
    )
    out: dict[str, tuple[float | None, dict]] = {}
    for mode in modes:
        worker, live = MODES[mode]
        # the bare subscriber right before each daemon (A B A B): each ratio is taken against
        # the paho drain next to it, so a load that changes within the round touches both
        out[f"paho-{mode}"] = (bare_paho(broker.host, broker.port, ids[f"paho-{mode}"], n), {})
        out[mode] = daemon_drain(
            broker.url,
            ids[mode],
            n,
            work / f"bench-{mode}-{round_no}.db",
            passwords,
            batch_size,
            worker_process=worker,
            registry=registry if live else None,
        )
        assert out[mode][1]["stored"] == readings, out[mode][1]
    out["sub"] = (mosquitto_sub(broker.host, broker.port, ids["sub"], n), {})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--packets", type=int, default=20_000)
    ap.add_argument("--outlets", type=int, default=200)
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3, help="rounds; figures are the rounds' medians")
    ap.add_argument(
        "--modes",
        default=",".join(MODES),
        help=f"the daemon's consumers to run, comma-separated (default: all of {', '.join(MODES)})",
    )
    args = ap.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if not modes or any(m not in MODES for m in modes):
        ap.error(f"--modes: choose among {', '.join(MODES)}")
    work = Path(tempfile.mkdtemp(prefix="ow-bench-"))
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    broker = MosquittoService(binary, free_port(), work)
    broker.start()
    try:
        outlets = sites(args.outlets)
        passwords = {s.mn: s.pw for s in outlets}
        hours = -(-args.packets // len(outlets))
        msgs = [(f"hj212/{s.mn}", hourly_packet(s, h)) for h in range(hours) for s in outlets][
            : args.packets
        ]
        n = len(msgs)
        readings = n * 6
        registry = write_registry(work / "sites.toml", outlets)
        print(
            f"backlog: {n:,} hourly packets ({readings:,} readings) from {len(outlets)} outlets; "
            f"{args.repeat} rounds, each consumer draining its own copy"
        )
        rounds = [
            one_round(broker, msgs, passwords, registry, work, args.batch_size, r + 1, modes)
            for r in range(args.repeat)
        ]

        def seconds(name: str) -> list[float]:
            return [t for r in rounds if (t := r[name][0]) is not None]

        labels = {
            "thread": "daemon, one process: decode, store, ack",
            "process": "daemon, worker process: decode, store, ack",
            "live": "daemon, one process + live detection",
            "process-live": "daemon, worker + live detection (monitor ingest)",
        }
        print("drain the backlog (receive + acknowledge); median of the rounds [slowest, fastest]:")
        rows = [(m, labels[m]) for m in modes]
        rows += [(f"paho-{m}", f"bare paho-mqtt: receive + ack (before {m})") for m in modes]
        rows.append(("sub", "mosquitto_sub (C, reference)"))
        for name, label in rows:
            times = seconds(name)
            if not times:
                print(f"  {label:<50} (not installed)")
                continue
            med = statistics.median(times)
            print(
                f"  {label:<50} {med:6.2f} s {readings / med:10,.0f} readings/s "
                f"[{readings / max(times):,.0f}, {readings / min(times):,.0f}]"
            )
        for mode in modes:
            # the ratio within each round against the paho drain right before it, then the median
            ratios = [r[f"paho-{mode}"][0] / r[mode][0] for r in rounds]  # type: ignore[operator]
            ratio = statistics.median(ratios)
            rate = readings / statistics.median(seconds(mode))
            last = rounds[-1][mode][1]
            print(
                f"daemon ({mode}) / bare paho = {ratio:.2f} [{min(ratios):.2f}-{max(ratios):.2f}] "
                f"(target >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'}); {rate:,.0f} readings/s "
                f"(target 50,000: {'met' if rate >= 50_000 else 'NOT met'}); last round "
                f"{last['batches']} commits, max {last['commit_seconds_max'] * 1000:.0f} ms"
            )
        for r, rnd in enumerate(rounds, 1):
            if "live" not in rnd:
                break
            live = rnd["live"][1]["live"]
            print(
                f"live detection, round {r}: {live['passes']} passes over "
                f"{live['outlets_checked']:,} outlet windows; commit-to-leads latency mean "
                f"{live['latency_mean_s']:.2f} s, max {live['latency_max_s']:.2f} s; caught up "
                f"{live['catch_up_after_drain_s']:.1f} s after the drain"
            )
    finally:
        broker.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
