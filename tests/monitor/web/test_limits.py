"""Request limits before authentication: oversized bodies are refused without being read (413),
streamed ones as soon as they pass the limit; NUL characters in addresses are refused (400)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from monitor.web.app import create_app
from monitor.web.limits import MAX_ANONYMOUS_BODY, MAX_BODY
from tests.monitor.web.conftest import SECRET, Client
from tests.monitor.web.support import Seeded

MakeClient = Callable[..., Client]
CHUNK = 64 * 1024
#: A chunk of four 16 KiB form fields (each under the form parser's own 1 MiB field limit).
FIELDS = (b"f=" + b"a" * (16 * 1024 - 3) + b"&") * 4
assert len(FIELDS) == CHUNK


def _call(app: Any, path: str, headers: list[tuple[bytes, bytes]], body: Any) -> dict[str, Any]:
    """One request straight through ASGI: ``body`` is the ``receive`` callable's source; answers
    the status and how many body bytes the application took."""
    out: dict[str, Any] = {"status": None, "taken": 0, "calls": 0}

    async def receive() -> dict[str, Any]:
        out["calls"] += 1
        return await body(out)

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8080),
    }
    asyncio.run(app(scope, receive, send))
    return out


@pytest.mark.parametrize("path", ["/login", "/api/leads/1/assign"])
def test_a_large_content_length_is_refused_unread(seeded_ro: Seeded, path: str) -> None:
    app = create_app(seeded_ro.context(), secret=SECRET)

    async def never(out: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError("the body was read")

    headers = [(b"content-type", b"application/json"), (b"content-length", b"300000000")]
    out = _call(app, path, headers, never)
    assert out["status"] == 413
    assert out["calls"] == 0


@pytest.mark.parametrize(
    ("path", "ctype"),
    [
        ("/login", b"application/x-www-form-urlencoded"),
        ("/api/leads/1/assign", b"application/json"),
    ],
)
def test_a_streamed_body_is_cut_at_the_limit(seeded_ro: Seeded, path: str, ctype: bytes) -> None:
    app = create_app(seeded_ro.context(), secret=SECRET)
    total = 8 * MAX_BODY

    async def chunks(out: dict[str, Any]) -> dict[str, Any]:
        out["taken"] += CHUNK
        return {"type": "http.request", "body": FIELDS, "more_body": out["taken"] < total}

    headers = [(b"content-type", ctype), (b"transfer-encoding", b"chunked")]
    out = _call(app, path, headers, chunks)
    assert out["status"] == 413
    assert out["taken"] <= MAX_BODY + CHUNK


def test_the_limit_is_configurable(seeded_ro: Seeded) -> None:
    app = create_app(seeded_ro.context(), secret=SECRET, max_body=1000)
    with Client(app) as c:
        r = c.post("/login", data={"username": "x" * 2000, "password": "p", "csrf": "t"})
        assert r.status_code == 413
        assert c.post("/login", data={"username": "x", "csrf": "t"}).status_code == 403


def test_an_oversized_form_is_refused_before_the_csrf_check(
    seeded_ro: Seeded, client_for: MakeClient
) -> None:
    c = client_for(seeded_ro)
    r = c.post("/login", data={"username": "admin", "password": "x" * (MAX_BODY + 1)})
    assert r.status_code == 413


def test_a_malformed_content_length_is_refused(seeded_ro: Seeded) -> None:
    app = create_app(seeded_ro.context(), secret=SECRET)

    async def never(out: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError("the body was read")

    out = _call(app, "/login", [(b"content-length", b"-5")], never)
    assert out["status"] == 400 and out["calls"] == 0


def test_without_a_signed_in_session_the_limit_is_smaller(
    seeded: Seeded, client_for: MakeClient
) -> None:
    pad = "p" * (MAX_ANONYMOUS_BODY + 1000)
    anonymous = client_for(seeded)
    r = anonymous.post("/login", data={"username": "admin", "password": "x", "pad": pad})
    assert r.status_code == 413
    admin = client_for(seeded, "admin")
    r = admin.post(
        f"/leads/{seeded.lintong_lead}/assign",
        data={"csrf": admin.csrf("/"), "note": "taking it", "pad": pad},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = admin.post(f"/leads/{seeded.lintong_lead}/inspect", data={"pad": "p" * (MAX_BODY + 1)})
    assert r.status_code == 413
