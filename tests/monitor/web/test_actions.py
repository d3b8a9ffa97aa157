"""Lead actions from the page and the API: lifecycle, audit trail, score, CSRF, illegal steps."""

from __future__ import annotations

import base64
from collections.abc import Callable

import sqlalchemy as sa

from monitor.casework.scoring import score_at
from monitor.store.casework_models import LeadEventRow, LeadRow
from tests.monitor.web.conftest import Client
from tests.monitor.web.support import PASSWORD, Seeded

MakeClient = Callable[..., Client]


def _events(seeded: Seeded, lead_id: int) -> list[tuple[str, str | None, str, str, str]]:
    with seeded.context().session() as s:
        rows = s.scalars(
            sa.select(LeadEventRow).where(LeadEventRow.lead_id == lead_id).order_by(LeadEventRow.id)
        )
        return [(e.action, e.from_status, e.to_status, e.who, e.note) for e in rows]


def _score(seeded: Seeded, enterprise: str) -> tuple[float, str]:
    with seeded.context().session() as s:
        sc = score_at(s, enterprise)
    return sc.score, sc.colour


def test_lifecycle_from_the_page_with_audit_and_score(
    seeded: Seeded, client_for: MakeClient
) -> None:
    li = client_for(seeded, "li")
    lead = seeded.yanta_lead
    assert _score(seeded, "E0002") == (80.0, "yellow")
    steps = [
        ("assign", {"assignee": "Li Na", "note": "visit Tuesday"}),
        ("inspect", {"note": "analyser log shows a held value"}),
        ("confirm", {"note": "falsification confirmed"}),
        ("close", {"note": "case handed to legal"}),
    ]
    for action, form in steps:
        r = li.post(
            f"/leads/{lead}/{action}", data={**form, "csrf": li.csrf("/")}, follow_redirects=False
        )
        assert r.status_code == 303, (action, r.text[:500])
        assert r.headers["location"] == f"/leads/{lead}"
    assert _events(seeded, lead)[1:] == [
        ("assign", "open", "assigned", "li", "visit Tuesday"),
        ("inspect", "assigned", "inspected", "li", "analyser log shows a held value"),
        ("confirm", "inspected", "confirmed", "li", "falsification confirmed"),
        ("close", "confirmed", "closed", "li", "case handed to legal"),
    ]
    with seeded.context().session() as s:
        row = s.get(LeadRow, lead)
        assert (row.status, row.outcome, row.assignee) == ("closed", "confirmed", "Li Na")
    # integrity/high: provisional -20 (yellow 80), final -40 (red 60)
    assert _score(seeded, "E0002") == (60.0, "red")
    html = li.get(f"/leads/{lead}").text
    assert 'data-colour="red"' in html and "case handed to legal" in html
    assert "data-action=" not in html  # a closed lead offers no action


def test_dismiss_restores_the_score(seeded: Seeded, client_for: MakeClient) -> None:
    admin = client_for(seeded, "admin")
    for action in ("assign", "inspect", "dismiss"):
        r = admin.post(
            f"/leads/{seeded.yanta_lead}/{action}",
            data={"csrf": admin.csrf("/")},
            follow_redirects=False,
        )
        assert r.status_code == 303
    assert _score(seeded, "E0002") == (100.0, "green")


def test_illegal_step_is_refused_and_explained(seeded: Seeded, client_for: MakeClient) -> None:
    admin = client_for(seeded, "admin")
    r = admin.post(
        f"/leads/{seeded.lintong_lead}/confirm", data={"csrf": admin.csrf("/"), "note": "too early"}
    )
    assert r.status_code == 409
    assert "is open: cannot confirm it" in r.text
    assert [e[0] for e in _events(seeded, seeded.lintong_lead)] == ["open"]
    assert (
        admin.post(
            f"/leads/{seeded.lintong_lead}/explode", data={"csrf": admin.csrf("/")}
        ).status_code
        == 404
    )


def test_actions_need_the_csrf_token(seeded: Seeded, client_for: MakeClient) -> None:
    admin = client_for(seeded, "admin")
    for data in ({}, {"csrf": "not-the-token"}):
        r = admin.post(f"/leads/{seeded.lintong_lead}/assign", data={**data, "note": "x"})
        assert r.status_code == 403
    # a token from another session does not work either
    other = client_for(seeded, "admin")
    r = admin.post(f"/leads/{seeded.lintong_lead}/assign", data={"csrf": other.csrf("/")})
    assert r.status_code == 403
    assert [e[0] for e in _events(seeded, seeded.lintong_lead)] == ["open"]


def test_anonymous_action_goes_to_login(seeded: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded)
    r = c.post(
        f"/leads/{seeded.lintong_lead}/assign", data={"csrf": c.csrf()}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert [e[0] for e in _events(seeded, seeded.lintong_lead)] == ["open"]


def test_api_with_cookie_needs_csrf_header(seeded: Seeded, client_for: MakeClient) -> None:
    wang = client_for(seeded, "wang")
    me = wang.get("/api/me").json()
    assert me["username"] == "wang" and me["district"] == "Lintong" and me["csrf"]
    url = f"/api/leads/{seeded.lintong_lead}/assign"
    assert wang.post(url, json={"note": "n"}).status_code == 403
    assert wang.post(url, json={"note": "n"}, headers={"X-CSRF-Token": "bad"}).status_code == 403
    r = wang.post(
        url, json={"note": "n", "assignee": "Wang Wei"}, headers={"X-CSRF-Token": me["csrf"]}
    )
    assert r.status_code == 200
    assert r.json()["status"] == "assigned" and r.json()["assignee"] == "Wang Wei"
    assert _events(seeded, seeded.lintong_lead)[-1] == ("assign", "open", "assigned", "wang", "n")


def test_api_lifecycle_with_basic_auth(seeded: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded)
    auth = {"Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()}
    assert c.get("/api/leads").status_code == 401
    bad = {"Authorization": "Basic " + base64.b64encode(b"admin:nope").decode()}
    assert c.get("/api/leads", headers=bad).status_code == 401
    lead = seeded.yanta_lead
    detail = c.get(f"/api/leads/{lead}", headers=auth).json()
    assert detail["score"] == {"score": 80, "colour": "yellow"}
    assert detail["findings"][0]["detector"] == "frozen"
    assert c.post(f"/api/leads/{lead}/confirm", json={}, headers=auth).status_code == 409
    for action in ("assign", "inspect", "confirm"):
        r = c.post(f"/api/leads/{lead}/{action}", json={"note": action}, headers=auth)
        assert r.status_code == 200, r.text
    assert c.get(f"/api/leads/{lead}", headers=auth).json()["score"] == {
        "score": 60,
        "colour": "red",
    }
    readings = c.get(f"/api/leads/{lead}/readings", headers=auth).json()
    assert readings["limits"]["w01018"] == {"low": None, "high": 100.0}
    assert {r["pollutant"] for r in readings["readings"]} == {"w01018", "w00000"}
    e = c.get("/api/enterprises/E0002", headers=auth).json()
    assert e["score"] == 60 and e["colour"] == "red" and len(e["history"]) == 366
    assert [d["period"] for d in c.get("/api/inspections", headers=auth).json()] == ["2026-11"]
