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
