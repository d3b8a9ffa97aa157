"""`monitor demo` on a small fleet: the whole path on embedded defaults (amqtt, SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.casework.leads import list_leads
from monitor.simulation.demo import DemoSettings, run_demo
from monitor.store.base import transaction
from monitor.store.store import Store


@pytest.mark.integration
def test_demo_stores_everything_quarantines_the_rogue_and_reports_in_chinese(
    tmp_path: Path,
) -> None:
    """Six outlets, seed 2026, half falsifying: 03 substitutes the standard, 05 copies its data,
    06 breaks physics. The demo must open an integrity lead on 05 and on 06 and none on an honest
    outlet. (Honest outlets may get a completeness lead for the part-day the simulation ends on,
    which depends on the hour the test runs: left out.)"""
    lines: list[str] = []
    settings = DemoSettings(
        workdir=tmp_path / "demo", outlets=6, days=7, seconds=2, lang="zh", falsifying_share=0.5
    )
    outcome = run_demo(settings, echo=lines.append)
    out = "\n".join(lines)
    sim = outcome.simulation
    assert set(sim.falsifying) == {"61011500000003", "61011500000005", "61011500000006"}
    patterns = dict(zip(sim.labels["mn"], sim.labels["pattern"], strict=True))
    assert patterns["61011500000005"] == "copied_data"
    assert patterns["61011500000006"] == "physics"

    assert outcome.stored == len(sim.readings)
    assert outcome.quarantined == {"crc": 1, "unauthorised": 2}
    assert {s.enterprise for s in outcome.scores} == {site.enterprise for site in outcome.registry}
    assert (tmp_path / "demo" / "outlet-watch.db").exists()
    assert (tmp_path / "demo" / "inspectors.csv").read_text().startswith("name,district")
    assert "企业信用评分" in out and "monitor leads list --db sqlite:///" in out

    store = Store(outcome.db_url, create=False)
    try:
        with transaction(store.engine) as s:
            active = [(x.id, x.mn, x.category) for x in list_leads(s, status="active")]
    finally:
        store.close()
    assert len(active) == len(outcome.open_leads) >= 2
    integrity = {mn for _, mn, category in active if category == "integrity"}
    assert {"61011500000005", "61011500000006"} <= integrity
    honest = {mn for _, mn, category in active if category != "completeness"} - set(sim.falsifying)
    assert honest == set(), f"leads on honest outlets: {honest}"
    for lead_id, _, _ in active:
        assert f"#{lead_id}" in out  # the report lists every open lead (fewer than 25 here)
