"""The audit trail: sign-ins (also failed and refused), sign-outs and every action on a lead, a
score or an account, with who, when and from where; readable by administrators only."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime

from click.testing import CliRunner
from sqlalchemy.orm import Session

from monitor.casework import audit, scoring
from monitor.casework import leads as L
from monitor.cli import main
from monitor.store.user_models import AuditRow
from tests.monitor.web.conftest import Client
from tests.monitor.web.support import PASSWORD, Seeded

MakeClient = Callable[..., Client]


def _trail(seeded: Seeded) -> list[AuditRow]:
    with Session(seeded.context().engine) as s:
        return list(reversed(audit.entries(s)))


def test_sign_ins_failures_refusals_and_sign_outs_are_recorded(
    seeded: Seeded, client_for: MakeClient
) -> None:
    c = client_for(seeded)
    assert (
        c.post("/login", data={"username": "li", "password": "x", "csrf": c.csrf()}).status_code
        == 401
    )
    c.login("wang")
    r = c.post("/logout", data={"csrf": c.csrf("/")}, follow_redirects=False)
    assert r.status_code == 303
    for _ in range(5):
        c.post("/login", data={"username": "li", "password": "guess", "csrf": c.csrf()})
    assert (
        c.post(
            "/login", data={"username": "li", "password": PASSWORD, "csrf": c.csrf()}
        ).status_code
        == 429
    )
    bad = {"Authorization": "Basic " + base64.b64encode(b"wang:nope").decode()}
    assert c.get("/api/me", headers=bad).status_code == 401
    signs = [e for e in _trail(seeded) if e.action.startswith("sign_")]
    got = [(e.action, e.who, e.outcome, e.source.split()[0]) for e in signs]
    assert got[:3] == [
        ("sign_in_failed", "li", "failed", "web"),
        ("sign_in", "wang", "ok", "web"),
        ("sign_out", "wang", "ok", "web"),
    ]
    # five failures, then the throttle refuses the sixth guess and the right password alike
    assert got.count(("sign_in_failed", "li", "failed", "web")) == 5
    assert got.count(("sign_in_throttled", "li", "refused", "web")) == 2
    assert got[-1] == ("sign_in_failed", "wang", "failed", "api")
    assert all(e.object == f"user:{e.who}" and e.source.split()[1] for e in signs)
    assert all(PASSWORD not in e.detail and "guess" not in e.detail for e in _trail(seeded))


def test_lead_actions_are_recorded_from_every_entry_point(
    seeded: Seeded, client_for: MakeClient
) -> None:
    lead = seeded.lintong_lead
    admin = client_for(seeded, "admin")
    r = admin.post(
        f"/leads/{lead}/assign",
        data={"note": "desk check", "assignee": "wang", "csrf": admin.csrf(f"/leads/{lead}")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    me = admin.get("/api/me").json()
    r = admin.post(
        f"/api/leads/{lead}/inspect", json={"note": "seen"}, headers={"X-CSRF-Token": me["csrf"]}
    )
    assert r.status_code == 200
    with Session(seeded.context().engine) as s, s.begin():
        L.act(s, lead, "confirm", "chief", "confirmed on site")
        scoring.adjust(s, "E0001", -5, "complaint 2026-06-20", "chief")
    refused = admin.post(f"/api/leads/{lead}/assign", json={}, headers={"X-CSRF-Token": me["csrf"]})
    assert refused.status_code == 409  # a refused step changes nothing and records nothing
    got = [
        (e.action, e.who, e.object, e.source.split()[0], e.detail)
        for e in _trail(seeded)
        if e.action.startswith(("lead.", "score."))
    ]
    assert got == [
        ("lead.assign", "admin", f"lead:{lead}", "web", "-> wang: desk check"),
        ("lead.inspect", "admin", f"lead:{lead}", "api", "seen"),
        ("lead.confirm", "chief", f"lead:{lead}", "cli", "confirmed on site"),
        ("score.adjust", "chief", "enterprise:E0001", "cli", "-5: complaint 2026-06-20"),
    ]


def test_only_administrators_read_the_trail(seeded: Seeded, client_for: MakeClient) -> None:
    wang = client_for(seeded, "wang")
    r = wang.get("/audit")
    assert r.status_code == 403 and 'data-testid="forbidden"' in r.text
    assert 'href="/audit"' not in wang.get("/").text
    assert wang.get("/api/audit").status_code == 403
    admin = client_for(seeded, "admin", lang="zh")
    assert 'href="/audit"' in admin.get("/").text
    page = admin.get("/audit")
    assert page.status_code == 200 and "审计日志" in page.text and "登录" in page.text
    assert 'data-action="sign_in"' in page.text
    rows = admin.get("/api/audit", params={"action": "sign_in"}).json()
    assert {r["who"] for r in rows} == {"wang", "admin"}
    assert all(r["action"] == "sign_in" for r in rows)
    only = admin.get("/audit", params={"who": "wang"}).text
    assert only.count('data-action="sign_in"') == 1


def test_cli_lists_the_trail_and_records_accounts(seeded: Seeded) -> None:
    db = ["--db", seeded.url]
    r = CliRunner().invoke(
        main,
        [
            "users",
            "add",
            "zhao",
            "--role",
            "inspector",
            "--district",
            "Lintong",
            "--password-stdin",
            *db,
        ],
        input="a long passphrase here\n",
        env={"MONITOR_USER": "chief"},
    )
    assert r.exit_code == 0, r.output
    with Session(seeded.context().engine) as s, s.begin():
        audit.record(s, "lead.close", "li", object="lead:9", source="web 10.0.0.7",
                     now=datetime(2026, 6, 1, 1, 0, tzinfo=UTC))  # fmt: skip
    out = CliRunner().invoke(main, ["users", "audit", *db, "--action", "user.", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {r["action"] for r in rows} == {"user.add"}  # the seed's accounts and zhao
    assert (rows[0]["who"], rows[0]["object"], rows[0]["detail"]) == (
        "chief",
        "user:zhao",
        "inspector, Lintong",
    )
    assert rows[0]["source"].startswith("cli ")
    out = CliRunner().invoke(
        main, ["users", "audit", *db, "--who", "li", "--from", "2026-06-01", "--to", "2026-06-01"]
    )
    assert out.exit_code == 0 and "lead:9" in out.output and "2026-06-01 09:00" in out.output
