"""`monitor ingest`: help with examples; bad configuration is one line and exit code 1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.casework.leads import list_leads
from monitor.cli import main
from monitor.registry import load_registry
from monitor.simulation.fleet import registry_toml
from monitor.simulation.publish import publish_simulation
from monitor.simulation.simulator import simulate
from monitor.store.base import transaction
from monitor.store.store import Store, create_engine
from tests.ingest.daemon_stream import sites, write_registry
from tests.services import free_port
from tests.services import prometheus_samples as samples


def test_help_has_examples() -> None:
    result = CliRunner().invoke(main, ["ingest", "--help"])
    assert result.exit_code == 0
    assert "monitor ingest --broker mqtt://127.0.0.1:1883" in result.output
    assert "--broker embedded" in result.output


def test_bad_registry_is_one_line_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "sites.toml"
    bad.write_text('[[site]]\nmn = "M1"\n', encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["ingest", "--sites", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}"],
        env={"MONITOR_CONFIG": ""},
    )
    assert result.exit_code == 1
    assert f"{bad}: site M1: key 'enterprise': missing" in result.output
    assert "Traceback" not in result.output


def test_registry_without_passwords_is_refused_where_devices_are_authorised(
    tmp_path: Path,
) -> None:
    analysts = tmp_path / "sites.toml"
    analysts.write_text(
        '[[site]]\nmn = "M1"\nenterprise = "E"\nname = "N"\ndistrict = "D"\npassword = "p"\n'
        '[[site]]\nmn = "M2"\nenterprise = "E"\nname = "N"\ndistrict = "D"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["ingest", "--sites", str(analysts), "--db", f"sqlite:///{tmp_path / 'x.db'}"],
        env={"MONITOR_CONFIG": ""},
    )
    assert result.exit_code == 1
    assert f"{analysts}: site M2: key 'password': missing" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_bad_broker_url_is_one_line_exit_1(tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "sites.toml", sites(1))
    result = CliRunner().invoke(
        main,
        [
            "ingest",
            "--sites",
            str(registry),
            "--broker",
            "http://u:secret@h",
            "--db",
            "sqlite:///x.db",
        ],
        env={"MONITOR_CONFIG": ""},
    )
    assert result.exit_code == 1
    assert "scheme 'http' not supported" in result.output
    assert "secret" not in result.output


@pytest.mark.integration
@pytest.mark.parametrize("worker", [False, True], ids=["in-process", "worker-process"])
def test_ingest_runs_live_detection_into_leads(
    mosquitto: Any, tmp_path: Path, worker: bool
) -> None:
    """`monitor ingest` (a real process) on a real broker: a zeroed analyser opens a lead within
    seconds of its data arriving, the daemon's /metrics counts live detection's passes and
    leads (from the worker process's sink too), and SIGTERM stops the daemon cleanly."""
    sim = simulate(3, 8, seed=5, falsifying_share=0.34, patterns_used=["zero_floor"])
    sites_path = tmp_path / "sites.toml"
    sites_path.write_text(registry_toml(sim.registry_sites), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'live.db'}"
    prefix = f"live-{uuid.uuid4().hex[:8]}"
    args = [
        sys.executable, "-m", "monitor.cli", "ingest", "--broker", mosquitto.url, "--db", db,
        "--sites", str(sites_path), "--topic", f"{prefix}/#", "--topic-template",
        prefix + "/{mn}", "--client-id", f"{prefix}-ingest", "--batch-interval", "0.1",
        "--metrics-port", str(metrics_port := free_port()),
    ]  # fmt: skip
    if not worker:
        args.append("--no-worker-process")  # the worker process is the default
    env = {**os.environ, "MONITOR_CONFIG": ""}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    log: list[str] = []
    reader = threading.Thread(
        target=lambda: log.extend(line.decode() for line in proc.stderr), daemon=True
    )
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not any('"connected"' in line for line in log) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # the subscription is made in on_connect
        registry = load_registry(sites_path)
        publish_simulation(sim, registry.passwords(), mosquitto.url, topic=prefix + "/{mn}")
        engine = create_engine(db)

        def integrity_leads() -> set[str]:
            try:
                with transaction(engine) as s:
                    return {x.mn for x in list_leads(s) if x.category == "integrity"}
            except Exception:
                return set()

        deadline = time.monotonic() + 30
        while integrity_leads() != set(sim.falsifying) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert integrity_leads() == set(sim.falsifying), Store(engine).count_readings()
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        deadline = time.monotonic() + 10  # a worker reports its sink's figures within a second
        while True:
            got = samples(urllib.request.urlopen(url, timeout=5).read().decode())
            opened = got.get(("outlet_watch_live_leads_opened_total", ()), 0.0)
            if opened >= len(sim.falsifying) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert opened >= len(sim.falsifying), sorted(k for k in got if "live" in k[0])
        assert got[("outlet_watch_live_passes_total", ())] >= 1
        assert got[("outlet_watch_live_errors_total", ())] == 0
        assert got[("outlet_watch_live_outlets_checked_total", ())] >= len(sim.falsifying)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        reader.join(5)
    assert proc.returncode == 0, "".join(log)[-2000:]
    assert not any("live detection pass failed" in line for line in log), "".join(log)[-2000:]
    assert any("worker process ready" in line for line in log) == worker
