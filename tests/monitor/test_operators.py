"""Third-party operators: the registry's operator, the roll-up per company, and a company lead
for signs of falsification at several enterprises (never for one bad site)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from monitor.casework import leads as L
from monitor.casework import operators as OP
from monitor.casework.scoring import scores
from monitor.cli import main
from monitor.registry import RegistryError, parse_registry
from tests.monitor.casework_support import engine_for, finding, tx

SITES = """
[[site]]
mn = "M1"
enterprise = "E1"
name = "O1"
district = "Lintong"
operator = "Acme Ops"

[[site]]
mn = "M2"
enterprise = "E2"
name = "O2"
district = "Yanta"
operator = "Acme Ops"

[[site]]
mn = "M3"
enterprise = "E3"
name = "O3"
district = "Lintong"
operator = "Acme Ops"

[[site]]
mn = "M4"
enterprise = "E1"
name = "O4"
district = "Lintong"
operator = "Honest Ops"

[[site]]
mn = "M5"
enterprise = "E4"
name = "O5"
district = "Yanta"
operator = "Honest Ops"

[[site]]
mn = "M6"
enterprise = "E5"
name = "O6"
district = "Yanta"
"""


def signs(*mns: str, day: str = "2026-06-01") -> list:
    return [
        finding(day, f"{day} 20:00", mn=mn, category="integrity", severity="high", confidence=1.0)
        for mn in mns
    ]


def test_registry_takes_an_operator_and_refuses_an_empty_one() -> None:
    reg = parse_registry(SITES)
    assert reg.get("M1").operator == "Acme Ops" and reg.get("M6").operator is None
    with pytest.raises(RegistryError, match=r"site M1: key 'operator': must be a non-empty string"):
        parse_registry(
            '[[site]]\nmn = "M1"\nenterprise = "E"\nname = "n"\ndistrict = "d"\noperator = " "\n'
        )


def test_a_falsifying_company_becomes_a_lead_an_honest_one_with_one_bad_site_does_not(
    sqlite_url: str,
) -> None:
    reg = parse_registry(SITES)
    engine = engine_for(sqlite_url)
    with tx(engine) as s:
        # Acme: signs at M1 (E1) and M2 (E2); Honest: one bad site (M4, E1) and an exceedance
        L.record_findings(
            s, [*signs("M1", "M2", "M4"), finding("2026-06-03", "2026-06-03 05:00", mn="M5")], reg
        )
        figs = {f.operator: f for f in OP.rollup(s, reg)}
        assert figs["Acme Ops"].to_dict() == {
            "operator": "Acme Ops", "sites": 3, "enterprises": 3, "findings": 2, "leads": 2,
            "signs": 2, "confirmed": 0, "sign_enterprises": ["E1", "E2"], "sign_sites": ["M1", "M2"],
        }  # fmt: skip
        assert figs["Honest Ops"].sign_enterprises == ["E1"] and figs["Honest Ops"].leads == 2
        opened, updated = OP.open_operator_leads(s, reg)
        assert len(opened) == 1 and updated == []
    with tx(engine) as s:
        lead = L.get_lead(s, opened[0])
        assert (lead.enterprise, lead.mn, lead.district, lead.category) == (
            "Acme Ops",
            "",
            "",
            "integrity",
        )
        assert "M1 (E1, lead #" in lead.summary and "M2 (E2, lead #" in lead.summary
        assert OP.open_operator_leads(s, reg) == ([], [])  # nothing new
        # a new sign at a third enterprise updates the company lead's audit
        L.record_findings(s, signs("M3", day="2026-06-10"), reg)
        assert OP.open_operator_leads(s, reg) == ([], [lead.id])
        assert [e.action for e in lead.events] == ["open", "update"] and "M3 (E3" in lead.summary
        # worked like any lead; never scored: the company is no enterprise
        for action in ("assign", "inspect", "confirm"):
            L.act(s, lead.id, action, "chief", "company audit")
        assert "Acme Ops" not in {x.enterprise for x in scores(s, registry=reg)}


def test_a_dismissed_sign_does_not_count(sqlite_url: str) -> None:
    reg = parse_registry(SITES)
    engine = engine_for(sqlite_url)
    with tx(engine) as s:
        changes = L.record_findings(s, signs("M1", "M2"), reg)
        first = changes.opened[0]
        for action in ("assign", "inspect", "dismiss"):
            L.act(s, first, action, "chief")
        assert OP.open_operator_leads(s, reg) == ([], [])


def test_cli_list_and_leads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for var in ("MONITOR_DB", "MONITOR_CONFIG", "MONITOR_SITES", "MONITOR_LANG"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "sites.toml").write_text(SITES, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'ow.db'}"
    with tx(engine_for(url)) as s:
        L.record_findings(s, signs("M1", "M2", "M4"), parse_registry(SITES))
    db = ["--db", url, "--sites", "sites.toml"]
    runner = CliRunner()
    rows = json.loads(runner.invoke(main, ["operators", "list", *db, "--format", "json"]).output)
    assert [(r["operator"], r["sign_enterprises"]) for r in rows] == [
        ("Acme Ops", ["E1", "E2"]),
        ("Honest Ops", ["E1"]),
    ]
    out = runner.invoke(main, ["operators", "leads", *db])
    assert out.exit_code == 0 and out.output.strip() == "1 operator leads opened (#4), 0 updated"


def test_simulated_fleet_one_falsifying_company_one_honest_with_a_bad_site(
    sqlite_url: str,
) -> None:
    """A simulated fleet (seed 3, 16 outlets, 60 days, 6 falsifying): Acme runs five falsifying
    outlets and half the honest ones, Honest Co the other honest ones and one falsifying outlet.
    Detection over the readings, the findings recorded: Acme becomes a lead listing its falsifying
    sites; Honest Co, with one bad site, does not."""
    import dataclasses

    from monitor.detection.batch import detect_readings
    from monitor.registry import Registry
    from monitor.simulation.fleet import registry_toml
    from monitor.simulation.simulator import simulate

    sim = simulate(16, 60, 3, falsifying_share=0.4)
    bad = list(sim.falsifying)
    honest = sorted(s["mn"] for s in sim.registry_sites if s["mn"] not in bad)
    acme = set(bad[:-1]) | set(honest[::2])
    base = parse_registry(registry_toml(sim.registry_sites))
    reg = Registry(
        {
            mn: dataclasses.replace(site, operator="Acme" if mn in acme else "Honest Co")
            for mn, site in base.sites.items()
        }
    )
    found = list(detect_readings(sim.readings, sim.specs()))
    engine = engine_for(sqlite_url)
    with tx(engine) as s:
        L.record_findings(s, found, reg)
        figs = {f.operator: f for f in OP.rollup(s, reg, at=sim.start + pd.Timedelta(days=60))}
        opened, _ = OP.open_operator_leads(s, reg, now=sim.start + pd.Timedelta(days=60))
        summaries = [L.get_lead(s, i).summary for i in opened]
    assert len(figs["Acme"].sign_enterprises) >= 2
    assert {x.mn for x in figs["Acme"].signs} <= set(bad[:-1])  # no sign at an honest outlet
    assert {x.mn for x in figs["Honest Co"].signs} == {bad[-1]}  # its one bad site is seen
    assert len(opened) == 1 and summaries[0].startswith("operator Acme: ")
    assert all(mn in summaries[0] for mn in {x.mn for x in figs["Acme"].signs})
