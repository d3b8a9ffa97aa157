"""The wire's evidence through the real path: packets published to Mosquitto, stored by
`monitor ingest` (a subprocess) in SQLite with their packet records and arrival times, then found
by `monitor detect --db`: a second program sending beside the logger, and made-up hours
uploaded days late to fill a gap."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.store.readings_files import write_readings
from monitor.store.store import Store
from tests.ingest.daemon_stream import Site, publish_all, publisher, write_registry
from tests.ingest.test_daemon import DaemonProcess
from tests.ingest.wire_programs import FORGER, LOGGER, honest_values
from tests.services import MosquittoService
from tests.services import wait_until as _wait

pytestmark = pytest.mark.integration

HISTORY_DAYS = 30
GAP_HOURS = 48


def test_a_second_program_and_a_backfill_are_found_in_stored_history(
    mosquitto: MosquittoService, sqlite_url: str, tmp_path: Path
) -> None:
    prefix = f"{uuid.uuid4().int % 10**10:010d}"
    two, filled = Site(f"{prefix}0001", "pw1"), Site(f"{prefix}0002", "pw2")
    registry = write_registry(tmp_path / "sites.toml", [two, filled])
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(days=HISTORY_DAYS)
    hours = 24 * HISTORY_DAYS
    gap = range(hours - 24 * 5, hours - 24 * 5 + GAP_HOURS)  # five to three days ago

    # `filled`: its live history (each hour arrived 62 min after it began) from a readings file,
    # imported by `monitor detect --db --readings`, but for the gap
    values = honest_values(hours, 21)
    rows = [
        (filled.mn, code, start + timedelta(hours=h), v[h], "N", "hour")
        for h in range(hours)
        if h not in gap
        for code, v in values.items()
    ]
    history = pd.DataFrame(rows, columns=["mn", "pollutant", "ts", "value", "flag", "kind"])
    history["ts"] = pd.to_datetime(history["ts"], utc=True)
    history["received_at"] = history["ts"] + pd.Timedelta("62min")
    file = write_readings(history, tmp_path / "history.csv")
    wire = ("--detectors", "fingerprint_change,backfill")
    imported = CliRunner().invoke(
        main,
        ["detect", "--db", sqlite_url, "--readings", str(file), "--sites", str(registry), *wire],
    )
    assert imported.exit_code == 0, imported.stderr
    assert not imported.stdout.strip()  # live history, no packet records: nothing to find

    # now the wire: the gap's hours, made up (a line between its neighbours), sent today; and
    # 108 hours of `two`, the last 72 of them with a second program sending every other hour
    for v in values.values():
        v[gap.start : gap.stop] = np.linspace(v[gap.start - 1], v[gap.stop], GAP_HOURS)
    messages = [
        (
            f"hj212/{filled.mn}",
            LOGGER.packet(
                filled.mn,
                filled.pw,
                start + timedelta(hours=h),
                {c: float(v[h]) for c, v in values.items()},
                sent=now,
            ),
        )
        for h in gap
    ]
    other = honest_values(108, 22)
    for k in range(108):
        ts = now - timedelta(hours=108 - k)
        program = FORGER if k >= 36 and k % 2 else LOGGER
        vals = {c: float(v[k]) for c, v in other.items()}
        messages.append((f"hj212/{two.mn}", program.packet(two.mn, two.pw, ts, vals, sent=now)))

    daemon = DaemonProcess(tmp_path, mosquitto.url, sqlite_url, registry, f"ow-{prefix}")
    store = Store(sqlite_url)
    daemon.start()
    pub = publisher(mosquitto.host, mosquitto.port, f"pub-{prefix}")
    try:
        publish_all(pub, messages)
        publish_all(pub, messages[:10])  # redelivered: stored once, recorded once
        _wait(lambda: store.count_readings(two.mn) >= 108 * 5, 40, "every packet of two")
        _wait(lambda: len(store.read_packets(filled.mn)) >= GAP_HOURS, 40, "the gap's packets")
        assert daemon.terminate() == 0
    finally:
        pub.loop_stop()
        pub.disconnect()
        daemon.cleanup()
    assert len(store.read_packets(filled.mn)) == GAP_HOURS
    assert len(store.read_packets(two.mn)) == 108
    late = store.read_frame(filled.mn)
    assert (late["received_at"] - late["ts"] > pd.Timedelta(days=2)).sum() >= 5 * (GAP_HOURS - 6)
    store.close()

    result = CliRunner().invoke(
        main, ["detect", "--db", sqlite_url, "--sites", str(registry), *wire]
    )
    assert result.exit_code == 0, result.stderr
    found = {(f["mn"], f["detector"]): f for f in map(json.loads, result.stdout.splitlines())}
    assert set(found) == {(two.mn, "fingerprint_change"), (filled.mn, "backfill")}
    assert found[two.mn, "fingerprint_change"]["category"] == "integrity"
    assert found[two.mn, "fingerprint_change"]["evidence"]["habits"]["eol"] == {
        "before": "crlf",
        "after": "lf",
    }
    backfill = found[filled.mn, "backfill"]
    assert backfill["category"] == "integrity"
    assert backfill["evidence"]["median_lag_hours"] > 48
