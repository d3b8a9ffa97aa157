"""The pages, the API and an action on PostgreSQL (the production store)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.monitor.web.conftest import Client
from tests.monitor.web.support import MN1, Seeded, seed

pytestmark = pytest.mark.integration
MakeClient = Callable[..., Client]


def test_pages_and_actions_on_postgresql(fresh_postgres_url: str, client_for: MakeClient) -> None:
    seeded: Seeded = seed(fresh_postgres_url)
    admin = client_for(seeded, "admin")
    for path in (
        "/",
        "/leads",
        f"/leads/{seeded.lintong_lead}",
        f"/leads/{seeded.lintong_lead}/readings",
        "/enterprises/E0002",
        "/inspections",
        "/inspections/2026-11.csv",
        "/quarantine",
        f"/quarantine/{seeded.quarantine_ids[0]}",
        "/api/health",
    ):
        assert admin.get(path).status_code == 200, path
    health = admin.get("/api/health").json()
    last = {o["mn"]: o["last"] for o in health["outlets"]}
    assert last[MN1] == "2026-06-10T23:00:00+0800"
    html = admin.get(f"/leads/{seeded.lintong_lead}").text
    assert 'class="limit-line"' in html and html.count('data-flag="M"') == 3
    wang = client_for(seeded, "wang")
    assert wang.get(f"/leads/{seeded.yanta_lead}").status_code == 404
    for action in ("assign", "inspect", "confirm"):
        r = admin.post(
            f"/leads/{seeded.yanta_lead}/{action}",
            data={"csrf": admin.csrf("/"), "note": action},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text[:300]
    assert 'data-colour="red"' in admin.get(f"/leads/{seeded.yanta_lead}").text


def test_inputs_postgresql_cannot_hold_are_4xx(
    fresh_postgres_url: str, client_for: MakeClient
) -> None:
    """Each of these was a 500 on PostgreSQL (value too long, NUL in text, bigint out of range)."""
    seeded: Seeded = seed(fresh_postgres_url)
    admin = client_for(seeded, "admin")
    token = {"X-CSRF-Token": admin.csrf("/")}
    lead = seeded.lintong_lead
    r = admin.post(f"/api/leads/{lead}/assign", json={"assignee": "a" * 101}, headers=token)
    assert r.status_code == 422
    r = admin.post(f"/api/leads/{lead}/assign", json={"note": "x\x00y"}, headers=token)
    assert r.status_code == 422
    r = admin.post(
        f"/leads/{lead}/assign",
        data={"csrf": admin.csrf("/"), "assignee": "a" * 101},
        follow_redirects=False,
    )
    assert r.status_code == 400
    huge = "9" * 30
    for path in (f"/leads/{huge}", f"/api/leads/{huge}", f"/quarantine/{2**63}"):
        assert admin.get(path).status_code == 404, path
    assert admin.get(f"/api/leads?offset={huge}").status_code == 400
    for path in ("/leads?district=%00", "/api/leads?enterprise=%00", "/enterprises/%00"):
        assert admin.get(path).status_code == 400, path
    anonymous = client_for(seeded)
    r = anonymous.post(
        "/login", data={"username": "ad\x00min", "password": "x", "csrf": anonymous.csrf()}
    )
    assert r.status_code == 400
    r = admin.post(
        f"/leads/{lead}/assign",
        data={"csrf": admin.csrf("/"), "assignee": "a" * 100, "note": "n" * 5000},
        follow_redirects=False,
    )
    assert r.status_code == 303
