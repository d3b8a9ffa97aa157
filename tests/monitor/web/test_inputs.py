"""Inputs the database cannot hold are refused with 4xx before they reach it (long notes and
assignees, ids and offsets past 64 bits, NUL characters); the OpenAPI document needs sign-in; the
Content-Security-Policy allows this site only; cookies are Secure behind TLS; an enterprise whose
name holds ``/`` opens."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from monitor.registry import parse_registry
from monitor.store.store import create_engine
from monitor.web.app import create_app
from monitor.web.context import WebContext
from monitor.web.deps import CSP
from monitor.web.limits import MAX_ASSIGNEE, MAX_NOTE
from tests.monitor.web.conftest import SECRET, Client
from tests.monitor.web.support import MN1, PASSWORD, REGISTRY_TOML, Seeded

MakeClient = Callable[..., Client]
HUGE = "9" * 30


def _status(c: Client, lead_id: int) -> str:
    return c.get(f"/api/leads/{lead_id}").json()["status"]


def test_long_notes_and_assignees_are_refused(seeded: Seeded, client_for: MakeClient) -> None:
    admin = client_for(seeded, "admin")
    lead = seeded.lintong_lead
    for note, assignee in (
        ("n" * (MAX_NOTE + 1), ""),
        ("ok", "a" * (MAX_ASSIGNEE + 1)),
        ("a note with \x00 in it", ""),
    ):
        r = admin.post(
            f"/leads/{lead}/assign",
            data={"csrf": admin.csrf("/"), "note": note, "assignee": assignee},
            follow_redirects=False,
        )
        assert r.status_code == 400
        assert "too long" in r.text or "NUL" in r.text
        r = admin.post(
            f"/api/leads/{lead}/assign",
            json={"note": note, "assignee": assignee or None},
            headers={"X-CSRF-Token": admin.csrf("/")},
        )
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"][-1] in ("note", "assignee")
    assert _status(admin, lead) == "open"
    r = admin.post(
        f"/leads/{lead}/assign",
        data={"csrf": admin.csrf("/"), "note": "n" * MAX_NOTE, "assignee": "a" * MAX_ASSIGNEE},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _status(admin, lead) == "assigned"


def test_ids_and_offsets_past_64_bits_are_not_found(
    seeded_ro: Seeded, client_for: MakeClient
) -> None:
    admin = client_for(seeded_ro, "admin")
    for path in (
        f"/leads/{HUGE}",
        f"/leads/{HUGE}/readings",
        f"/quarantine/{HUGE}",
        f"/api/leads/{HUGE}",
        f"/api/leads/{HUGE}/readings",
        f"/leads/{2**63}",
        "/leads/-1",
    ):
        assert admin.get(path).status_code == 404, path
    r = admin.post(f"/api/leads/{HUGE}/assign", headers={"X-CSRF-Token": admin.csrf("/")})
    assert r.status_code == 404
    r = admin.post(f"/leads/{HUGE}/assign", data={"csrf": admin.csrf("/")})
    assert r.status_code == 404
    assert admin.get(f"/api/leads?offset={HUGE}").status_code == 400


def test_nul_in_filters_and_names_is_refused(seeded_ro: Seeded, client_for: MakeClient) -> None:
    admin = client_for(seeded_ro, "admin")
    for path in (
        "/leads?district=Lin%00tong",
        "/leads?enterprise=%00",
        "/api/leads?enterprise=E0001%00",
        "/quarantine?mn=%00",
        "/quarantine?reason=crc%00",
        "/api/quarantine?mn=%00",
        "/enterprises/E0001%00",
        "/api/enterprises/E0001%00",
        "/inspections/2026-11%00.csv",
    ):
        r = admin.get(path)
        assert r.status_code == 400, path
        assert "NUL" in r.text
    assert admin.get("/leads?district=Lintong").status_code == 200


def test_openapi_needs_sign_in(seeded_ro: Seeded, client_for: MakeClient) -> None:
    anonymous = client_for(seeded_ro)
    assert anonymous.get("/openapi.json").status_code == 401
    assert anonymous.get("/api-docs", follow_redirects=False).status_code == 303
    basic = "Basic " + base64.b64encode(f"li:{PASSWORD}".encode()).decode()
    r = anonymous.get("/openapi.json", headers={"Authorization": basic})
    assert r.status_code == 200 and "/api/leads" in r.json()["paths"]
    assert "/openapi.json" not in r.json()["paths"]
    assert client_for(seeded_ro, "wang").get("/openapi.json").status_code == 200


def test_content_security_policy_allows_this_site_only(
    seeded_ro: Seeded, client_for: MakeClient
) -> None:
    admin = client_for(seeded_ro, "admin")
    assert "default-src 'self'" in CSP and "'unsafe-inline'" not in CSP
    for path in (
        "/login",
        "/",
        "/leads",
        f"/leads/{seeded_ro.lintong_lead}",
        f"/leads/{seeded_ro.lintong_lead}/readings",
        "/enterprises/E0001",
        f"/outlets/{MN1}",
        "/inspections",
        "/quarantine",
        f"/quarantine/{seeded_ro.quarantine_ids[0]}",
        "/api-docs",
    ):
        r = admin.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-security-policy"] == CSP
        # what the policy would block: inline scripts, inline styles, event handlers (a chart's
        # data in <script type="application/json"> is not run, so the policy lets it be)
        assert not re.search(r'<script(?![^>]*\b(src=|type="application/json"))[^>]*>', r.text)
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", r.text), path
    assert admin.get("/api/health").headers["content-security-policy"] == CSP


def test_cookies_are_secure_behind_tls(seeded_ro: Seeded) -> None:
    app = create_app(seeded_ro.context(), secret=SECRET)
    with Client(app) as plain:
        assert "secure" not in plain.get("/login").headers["set-cookie"].lower()
    with Client(app, base_url="https://testserver") as tls:
        assert "secure" in tls.get("/login").headers["set-cookie"].lower()
    proxied = ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1")  # what monitor serve runs
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}
    with Client(proxied, client=("127.0.0.1", 5000)) as proxy:
        assert "secure" in proxy.get("/login", headers=forwarded).headers["set-cookie"].lower()
    with Client(proxied, client=("203.0.113.8", 5000)) as stranger:  # not a trusted proxy
        r = stranger.get("/login", headers=forwarded)
        assert "secure" not in r.headers["set-cookie"].lower()


def test_an_enterprise_with_a_slash_in_its_name_opens(seeded_ro: Seeded) -> None:
    name = "E0003/North works"
    registry = parse_registry(REGISTRY_TOML.replace('"E0003"', f'"{name}"'))
    ctx = WebContext(create_engine(seeded_ro.url), lang="en", registry=registry)
    with Client(create_app(ctx, secret=SECRET)) as admin:
        admin.login("admin")
        overview = admin.get("/").text
        assert 'href="/enterprises/E0003%2FNorth%20works"' in overview
        r = admin.get("/enterprises/E0003%2FNorth%20works")
        assert r.status_code == 200 and "E0003/North works" in r.text
        r = admin.get("/api/enterprises/E0003%2FNorth%20works")
        assert r.status_code == 200 and r.json()["enterprise"] == name
        assert admin.get("/enterprises/E0003%2FSouth").status_code == 404
