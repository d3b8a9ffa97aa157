"""`monitor detect --db` runs the wire's detectors over stored packet records and arrival times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from ingest.handler import MessageHandler
from ingest.sink import Accepted
from monitor.cli import main
from monitor.store.store import Store
from tests.ingest.daemon_stream import Site, write_registry
from tests.ingest.wire_programs import FORGER, LOGGER, honest_values

T0 = datetime(2026, 6, 1, tzinfo=UTC)
HOURS = 24 * 40
GAP = range(500, 548)
TWO, FILLED, HONEST = (
    Site("61011500000101", "pw1"),
    Site("61011500000102", "pw2"),
    Site("61011500000103", "pw3"),
)


def _store_outlet(store: Store, site: Site, program_of, sent_of, values) -> None:  # type: ignore[no-untyped-def]
    """Each hour's packet handled and committed as the daemon does, arriving at ``sent_of(h)``."""
    handler = MessageHandler({site.mn: site.pw})
    batch = []
    for h in range(HOURS):
        ts = T0 + timedelta(hours=h)
        vals = {code: float(v[h]) for code, v in values.items()}
        sent = sent_of(h)
        payload = program_of(h).packet(site.mn, site.pw, ts, vals, sent=sent)
        out = handler.handle(f"hj212/{site.mn}", payload, sent)
        assert isinstance(out, Accepted)
        batch.append(out)
    store.commit_batch(batch)


def _live(h: int) -> datetime:
    return T0 + timedelta(hours=h + 1, minutes=2)


def _after_gap(h: int) -> datetime:
    return T0 + timedelta(hours=GAP.stop + 20) if h in GAP else _live(h)


def test_detect_db_finds_a_second_program_and_made_up_hours(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    sites = write_registry(tmp_path / "sites.toml", [TWO, FILLED, HONEST])
    store = Store(db)
    _store_outlet(
        store,
        TWO,
        lambda h: FORGER if h >= 400 and h % 3 == 0 else LOGGER,
        _live,
        honest_values(HOURS, 11),
    )
    made_up = honest_values(HOURS, 12)
    for v in made_up.values():
        v[GAP.start : GAP.stop] = np.linspace(v[GAP.start - 1], v[GAP.stop], len(GAP))
    _store_outlet(store, FILLED, lambda h: LOGGER, _after_gap, made_up)
    _store_outlet(store, HONEST, lambda h: LOGGER, _after_gap, honest_values(HOURS, 13))
    store.close()

    result = CliRunner().invoke(
        main,
        ["detect", "--db", db, "--sites", str(sites), "--detectors", "fingerprint_change,backfill"],
    )
    assert result.exit_code == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    by = {(f["mn"], f["detector"]): f for f in found}
    assert set(by) == {(TWO.mn, "fingerprint_change"), (FILLED.mn, "backfill")}
    two = by[TWO.mn, "fingerprint_change"]
    assert two["category"] == "integrity"
    assert two["evidence"]["habits"]["crc"] == {"before": "hj212", "after": "modbus"}
    filled = by[FILLED.mn, "backfill"]
    assert filled["category"] == "integrity" and filled["evidence"]["window_hours"] >= 40
    assert "leads opened 2" in result.stderr
