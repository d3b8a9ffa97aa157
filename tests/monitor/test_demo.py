"""`monitor demo` on a small fleet: the whole path on embedded defaults (amqtt, SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.simulation.demo import DemoSettings, run_demo


@pytest.mark.integration
def test_demo_stores_everything_quarantines_the_rogue_and_reports_in_chinese(
    tmp_path: Path,
) -> None:
    lines: list[str] = []
    settings = DemoSettings(workdir=tmp_path / "demo", outlets=6, days=7, seconds=2, lang="zh")
    outcome = run_demo(settings, echo=lines.append)
    out = "\n".join(lines)

    assert outcome.stored == len(outcome.simulation.readings)
    assert outcome.quarantined == {"crc": 1, "unauthorised": 2}
    assert {s.enterprise for s in outcome.scores} == {site.enterprise for site in outcome.registry}
    assert (tmp_path / "demo" / "outlet-watch.db").exists()
    assert (tmp_path / "demo" / "inspectors.csv").read_text().startswith("name,district")
    assert "企业信用评分" in out and "monitor leads list --db sqlite:///" in out
    for lead in outcome.open_leads:
        assert f"#{lead['id']}" in out or len(outcome.open_leads) > 25
