"""Role rules: an inspector reads and acts only on their district's leads, by page and by API."""

from __future__ import annotations

import base64
from collections.abc import Callable

import sqlalchemy as sa

from monitor.store.casework_models import LeadEventRow, LeadRow
from tests.monitor.web.conftest import Client
from tests.monitor.web.support import MN1, MN3, PASSWORD, Seeded

MakeClient = Callable[..., Client]


def _state(seeded: Seeded, lead_id: int) -> tuple[str, int]:
    ctx = seeded.context()
    with ctx.session() as s:
        lead = s.get(LeadRow, lead_id)
        n = s.scalar(sa.select(sa.func.count()).where(LeadEventRow.lead_id == lead_id))
    return lead.status, int(n)


def test_inspector_pages_show_only_their_district(
    seeded_ro: Seeded, client_for: MakeClient
) -> None:
    wang = client_for(seeded_ro, "wang")
    queue = wang.get("/leads").text
    assert f'href="/leads/{seeded_ro.lintong_lead}"' in queue
    assert f'href="/leads/{seeded_ro.yanta_lead}"' not in queue
    assert wang.get("/leads?district=Yanta").text.count('<a href="/leads/') == 0
    overview = wang.get("/").text
    assert "E0001" in overview and "E0002" not in overview and MN3 not in overview
    assert wang.get(f"/leads/{seeded_ro.lintong_lead}").status_code == 200
    for path in (
        f"/leads/{seeded_ro.yanta_lead}",
        f"/leads/{seeded_ro.yanta_lead}/readings",
        "/enterprises/E0002",
        f"/quarantine/{seeded_ro.quarantine_ids[1]}",
    ):
        r = wang.get(path)
        assert r.status_code == 404, path
        assert "COD frozen" not in r.text
    q = wang.get("/quarantine").text
    assert "crc (1)" in q and "frame" not in q
    li = client_for(seeded_ro, "li")
    assert li.get(f"/leads/{seeded_ro.lintong_lead}").status_code == 404
    assert li.get(f"/leads/{seeded_ro.yanta_lead}").status_code == 200
    assert MN1 not in li.get("/").text


def test_inspector_cannot_act_on_another_district_by_page(
    seeded: Seeded, client_for: MakeClient
) -> None:
    wang = client_for(seeded, "wang")
    before = _state(seeded, seeded.yanta_lead)
    r = wang.post(
        f"/leads/{seeded.yanta_lead}/assign",
        data={"csrf": wang.csrf("/"), "note": "mine now", "assignee": "wang"},
        follow_redirects=False,
    )
    assert r.status_code == 404
    assert _state(seeded, seeded.yanta_lead) == before == ("open", 1)


def test_inspector_api_scope(seeded: Seeded, client_for: MakeClient) -> None:
    wang = client_for(seeded)
    auth = {"Authorization": "Basic " + base64.b64encode(f"wang:{PASSWORD}".encode()).decode()}
    leads = wang.get("/api/leads", headers=auth).json()
    assert [x["id"] for x in leads] == [seeded.lintong_lead]
    assert wang.get(f"/api/leads/{seeded.yanta_lead}", headers=auth).status_code == 404
    assert wang.get(f"/api/leads/{seeded.yanta_lead}/readings", headers=auth).status_code == 404
    assert wang.get("/api/enterprises/E0002", headers=auth).status_code == 404
    assert {e["enterprise"] for e in wang.get("/api/enterprises", headers=auth).json()} == {
        "E0001",
        "E0003",
    }
    r = wang.post(f"/api/leads/{seeded.yanta_lead}/assign", json={"note": "x"}, headers=auth)
    assert r.status_code == 404
    assert _state(seeded, seeded.yanta_lead) == ("open", 1)
    q = wang.get("/api/quarantine", headers=auth).json()
    assert q["by_reason"] == {"crc": 1} and [m["mn"] for m in q["messages"]] == [MN1]
    health = wang.get("/api/health", headers=auth).json()
    assert {o["district"] for o in health["outlets"]} == {"Lintong"}
    r = wang.post(f"/api/leads/{seeded.lintong_lead}/assign", json={"note": "x"}, headers=auth)
    assert r.status_code == 200 and r.json()["assignee"] == "wang"


def test_admin_sees_and_acts_everywhere(seeded: Seeded, client_for: MakeClient) -> None:
    admin = client_for(seeded, "admin")
    assert admin.get(f"/leads/{seeded.yanta_lead}").status_code == 200
    r = admin.post(
        f"/leads/{seeded.yanta_lead}/assign",
        data={"csrf": admin.csrf("/"), "assignee": "li", "note": "yours"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _state(seeded, seeded.yanta_lead) == ("assigned", 2)
