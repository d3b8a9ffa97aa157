"""Sign-in, sign-out, sessions and CSRF through the application's test client."""

from __future__ import annotations

import base64
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.orm import Session

from monitor.casework.staff import set_password
from monitor.web.app import create_app
from monitor.web.auth import COOKIE, LoginThrottle, SessionSigner, Throttled
from tests.monitor.web.conftest import SECRET, Client
from tests.monitor.web.support import PASSWORD, Seeded

MakeClient = Callable[..., Client]


def test_pages_redirect_to_login_with_next(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro)
    for path in ("/", "/leads?status=open", f"/leads/{seeded_ro.lintong_lead}", "/quarantine"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login?next=")
    r = c.get("/leads?status=open", follow_redirects=False)
    assert r.headers["location"] == "/login?next=%2Fleads%3Fstatus%3Dopen"


def test_login_wrong_password_is_refused(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro)
    r = c.post(
        "/login",
        data={"username": "admin", "password": "wrong password", "csrf": c.csrf()},
        follow_redirects=False,
    )
    assert r.status_code == 401
    assert "Wrong user name or password" in r.text
    assert c.get("/", follow_redirects=False).status_code == 303
    r = c.post(
        "/login",
        data={"username": "nobody", "password": PASSWORD, "csrf": c.csrf()},
        follow_redirects=False,
    )
    assert r.status_code == 401


def test_login_then_pages_then_logout(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro, "wang")
    r = c.get("/")
    assert r.status_code == 200
    assert "Wang · inspector · Lintong" in r.text
    copied = dict(c.cookies)  # e.g. left behind on a shared office PC
    r = c.post("/logout", data={"csrf": c.csrf("/")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/", follow_redirects=False).status_code == 303
    c.cookies.clear()
    c.cookies.update(copied)
    assert c.get("/", follow_redirects=False).status_code == 303  # the copy ended with it


def test_login_needs_the_csrf_token(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro)
    c.get("/login")
    r = c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403
    r = c.post("/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403
    assert c.get("/", follow_redirects=False).status_code == 303


def test_logout_without_csrf_is_refused(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro, "admin")
    assert c.post("/logout", data={}).status_code == 403
    assert c.get("/", follow_redirects=False).status_code == 200


def test_login_rotates_the_csrf_token(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro)
    before = c.csrf()
    c.login("admin")
    assert c.csrf("/") != before


def test_next_is_kept_but_never_off_site(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro)
    for target, expected in (
        ("/leads?status=open", "/leads?status=open"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
    ):
        r = c.post(
            "/login",
            data={"username": "admin", "password": PASSWORD, "csrf": c.csrf(), "next": target},
            follow_redirects=False,
        )
        assert r.headers["location"] == expected


def test_forged_or_foreign_cookie_is_anonymous(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro, "admin")
    good = c.cookies.get(COOKIE)
    body, _, sig = good.partition(".")
    c.cookies.set(COOKIE, body + "." + sig[::-1])
    assert c.get("/", follow_redirects=False).status_code == 303
    other = SessionSigner("another-secret-0123456789")
    data = SessionSigner(SECRET).loads(good)
    assert data is not None and data.uid is not None
    c.cookies.set(COOKIE, other.dumps(data))
    assert c.get("/", follow_redirects=False).status_code == 303
    c.cookies.set(COOKIE, good)
    assert c.get("/", follow_redirects=False).status_code == 200


def test_password_change_ends_sessions(seeded: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded, "wang")
    assert c.get("/", follow_redirects=False).status_code == 200
    ctx = seeded.context()
    with Session(ctx.engine) as s, s.begin():
        set_password(s, "wang", "a brand new passphrase")
    assert c.get("/", follow_redirects=False).status_code == 303
    c.login("wang", "a brand new passphrase")
    assert c.get("/", follow_redirects=False).status_code == 200


def test_session_cookie_is_httponly_and_samesite(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro)
    r = c.get("/login")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_password_guessing_is_throttled(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro)
    for _ in range(5):
        r = c.post("/login", data={"username": "li", "password": "guess", "csrf": c.csrf()})
        assert r.status_code == 401
    r = c.post("/login", data={"username": "LI", "password": PASSWORD, "csrf": c.csrf()})
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text
    basic = {"Authorization": "Basic " + base64.b64encode(f"li:{PASSWORD}".encode()).decode()}
    assert c.get("/api/me", headers=basic).status_code == 429
    # other users are not affected
    c.login("wang")
    assert c.get("/", follow_redirects=False).status_code == 200


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_throttle_memory_is_bounded() -> None:
    throttle = LoginThrottle(max_entries=100)
    for i in range(5000):
        throttle.attempt(f"user{i}", f"10.0.{i % 250}.1")
    assert len(throttle) <= 2 * 100
    throttle.attempt("admin", "10.0.0.1")
    assert len(throttle) <= 2 * 100


def test_long_or_nul_user_names_never_reach_the_throttle(
    seeded_ro: Seeded, client_for: MakeClient
) -> None:
    c = client_for(seeded_ro)
    for name in ("x" * 10_000, "ad\x00min"):
        r = c.post("/login", data={"username": name, "password": "guess", "csrf": c.csrf()})
        assert r.status_code == 400
        assert c.get("/api/me", headers=_basic(name, "guess")).status_code == 400
    assert len(c.app.state.throttle) == 0


def test_concurrent_guesses_are_all_counted(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro)
    with ThreadPoolExecutor(40) as pool:
        codes = list(
            pool.map(lambda i: c.get("/api/me", headers=_basic("li", f"guess {i}")).status_code,
                     range(40))
        )  # fmt: skip
    assert codes.count(401) == 5 and codes.count(429) == 35


def test_a_stranger_cannot_lock_the_admin_out(seeded_ro: Seeded) -> None:
    app = create_app(seeded_ro.context(), secret=SECRET)
    app.state.throttle = LoginThrottle(base_delay_s=0.01, max_delay_s=0.05)
    with Client(app, client=("203.0.113.9", 5000)) as stranger:
        for _ in range(5):
            assert stranger.get("/api/me", headers=_basic("admin", "guess")).status_code == 401
        r = stranger.get("/api/me", headers=_basic("admin", PASSWORD))
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert (
            stranger.post(
                "/login", data={"username": "admin", "password": PASSWORD, "csrf": stranger.csrf()}
            ).status_code
            == 429
        )
    with Client(app, client=("192.0.2.7", 6000)) as office:
        assert office.get("/api/me", headers=_basic("admin", PASSWORD)).status_code == 200
        office.login("admin")


def test_failures_from_every_source_add_a_growing_delay() -> None:
    throttle = LoginThrottle(max_failures=3, base_delay_s=0.5, max_delay_s=4.0)
    waits = [throttle.attempt("Admin", f"198.51.100.{i}") for i in range(8)]
    assert waits == [0, 0, 0, 0.5, 1.0, 2.0, 4.0, 4.0]
    throttle.succeeded("admin", "198.51.100.9")
    assert throttle.attempt("admin", "198.51.100.9") == 0
    for _ in range(2):
        throttle.attempt("admin", "198.51.100.9")
    with pytest.raises(Throttled):
        throttle.attempt("ADMIN ", "198.51.100.9")


def test_a_signed_out_cookie_stays_dead_after_a_restart(seeded: Seeded) -> None:
    c = Client(create_app(seeded.context(), secret=SECRET)).login("wang")
    copied = dict(c.cookies)
    assert c.post("/logout", data={"csrf": c.csrf("/")}, follow_redirects=False).status_code == 303
    c.close()
    restarted = Client(create_app(seeded.context(), secret=SECRET))  # same database and secret
    restarted.cookies.update(copied)
    assert restarted.get("/", follow_redirects=False).status_code == 303
    wang = Client(create_app(seeded.context(), secret=SECRET)).login("wang")  # a new sign-in works
    assert wang.get("/", follow_redirects=False).status_code == 200
