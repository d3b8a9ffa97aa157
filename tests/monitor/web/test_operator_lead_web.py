"""An operator's lead (no outlet, no district) on the web page: admins see it, inspectors not."""

from __future__ import annotations

from collections.abc import Callable

from monitor.casework import operators as OP
from monitor.casework.leads import record_findings
from monitor.registry import parse_registry
from tests.monitor.casework_support import engine_for, finding, tx
from tests.monitor.web.conftest import Client
from tests.monitor.web.support import REGISTRY_TOML, Seeded


def test_operator_lead_is_for_admins(seeded: Seeded, client_for: Callable[..., Client]) -> None:
    sites = REGISTRY_TOML.replace('district = "Lintong"', 'district = "Lintong"\noperator = "Acme"')
    sites = sites.replace('district = "Yanta"', 'district = "Yanta"\noperator = "Acme"')
    reg = parse_registry(sites)
    with tx(engine_for(seeded.url)) as s:
        mns = sorted({x.mn: x.enterprise for x in reg}.items(), key=lambda p: p[1])
        record_findings(
            s,
            [
                finding("2026-03-01", "2026-03-01 20:00", mn=mn, category="integrity", confidence=1)
                for mn, _ in mns
            ],
            reg,
        )
        (lead_id,), _ = OP.open_operator_leads(s, reg)
    admin = client_for(seeded, "admin")
    page = admin.get(f"/leads/{lead_id}")
    assert page.status_code == 200 and "operator Acme: signs of falsification" in page.text
    assert client_for(seeded, "wang").get(f"/leads/{lead_id}").status_code == 404
