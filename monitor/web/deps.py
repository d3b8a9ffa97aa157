"""Request plumbing shared by pages and API: the session cookie, the signed-in person, CSRF.

A middleware reads the session cookie on every request (:func:`session_middleware`); a request
without a valid cookie gets a fresh anonymous session (with its CSRF token) set on the response.
"""

from __future__ import annotations

import base64
import binascii
import math
import time
from collections.abc import Awaitable, Callable

import anyio
from fastapi import HTTPException, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser
from starlette.types import Scope

from monitor.casework import audit
from monitor.casework.staff import authenticate, session_revoked
from monitor.store.user_models import UserRow
from monitor.web import queries as Q
from monitor.web.auth import (
    COOKIE,
    Principal,
    SessionData,
    SessionSigner,
    Throttled,
    password_fingerprint,
    username_ok,
)
from monitor.web.context import WebContext

__all__ = [
    "LoginRequired",
    "api_principal",
    "basic_auth",
    "basic_credentials",
    "cookie_signed_in",
    "page_principal",
    "principal_of",
    "session_middleware",
    "set_session",
    "source_of",
]


class LoginRequired(Exception):
    """A page needs a signed-in person (answered by a redirect to the login page)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


#: Only this site: no inline script or style, no frames, forms post here only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def ctx_of(request: Request) -> WebContext:
    return request.app.state.ctx


def signer_of(request: Request) -> SessionSigner:
    return request.app.state.signer


def sess_of(request: Request) -> SessionData:
    return request.state.sess


def set_session(request: Request, data: SessionData) -> None:
    """Replace the request's session; the new cookie is set on the response."""
    request.state.sess = data
    request.state.new_cookie = signer_of(request).dumps(data)


def cookie_signed_in(signer: SessionSigner) -> Callable[[Scope], bool]:
    """A check of a request's scope (before anything is read): True when its session cookie is
    validly signed by ``signer``, unexpired and of a signed-in user (nothing looked up)."""

    def check(scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                cookie = cookie_parser(value.decode("latin-1")).get(COOKIE)
                data = signer.loads(cookie)
                if data is not None and data.uid is not None:
                    return True
        return False

    return check


async def session_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Load (or start) the session before the request, set its cookie after when it changed."""
    signer = signer_of(request)
    data = signer.loads(request.cookies.get(COOKIE))
    request.state.new_cookie = None
    if data is None:
        set_session(request, SessionData.anonymous())
    else:
        request.state.sess = data
    response = await call_next(request)
    if request.state.new_cookie is not None:
        response.set_cookie(
            COOKIE,
            request.state.new_cookie,
            max_age=signer.max_age_s,
            httponly=True,
            samesite="lax",
            # HTTPS-only when asked, and always when served over TLS (the request's scheme is
            # https, or a trusted proxy says so in X-Forwarded-Proto: monitor serve
            # --trusted-proxy)
            secure=request.app.state.secure_cookies or request.url.scheme == "https",
            path="/",
        )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CSP)
    return response


def _principal(row: UserRow) -> Principal:
    return Principal(row.id, row.username, row.role, row.district, row.display_name)


def principal_of(request: Request, session: Session) -> Principal | None:
    """The person signed in with the session cookie (None when anonymous, when the user was
    disabled or their password changed since, or when the session was signed out)."""
    data = sess_of(request)
    if data.uid is None:
        return None
    row = session.get(UserRow, data.uid)
    if row is None or not row.active or password_fingerprint(row.password_hash) != data.pw:
        return None
    if session_revoked(session, data.csrf):  # signed out (kept in the database)
        return None
    return _principal(row)


def page_principal(request: Request, session: Session) -> Principal:
    """The signed-in person, or :class:`LoginRequired`."""
    who = principal_of(request, session)
    if who is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return who


def source_of(request: Request) -> str:
    """The address a request came from (the proxy's client when it is trusted: see
    ``monitor serve --trusted-proxy``)."""
    return request.client.host if request.client else ""


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """The (user, password) of an ``Authorization: Basic`` header, None without one; 400 when
    malformed or the user name cannot be one (too long, NUL)."""
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(auth[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise HTTPException(400, "malformed Basic credentials") from None
    user, _, password = raw.partition(":")
    if not username_ok(user):
        raise HTTPException(400, "malformed Basic credentials: user name too long or with NUL")
    return user, password


def audit_sign_in(ctx: WebContext, action: str, user: str, source: str, outcome: str) -> None:
    """A failed or refused sign-in (the page's form or the API's HTTP Basic) enters the audit
    trail in a transaction of its own: it changes nothing else."""
    name = user.strip()
    with ctx.session() as s:
        audit.record(s, action, name, object=f"user:{name}", source=source, outcome=outcome)


def _refused(request: Request, user: str, action: str, outcome: str) -> None:
    audit_sign_in(ctx_of(request), action, user, f"api {source_of(request)}", outcome)


def _throttled(exc: Throttled) -> HTTPException:
    return HTTPException(
        429,
        "too many failed sign-ins for this user: wait a few minutes",
        headers={"Retry-After": str(math.ceil(exc.retry_after))},
    )


def _check_basic(request: Request, user: str, password: str) -> Principal:
    with ctx_of(request).session() as s:
        row = authenticate(s, user, password)
        who = None if row is None else _principal(row)
    if who is None:
        _refused(request, user, "sign_in_failed", "failed")
        raise HTTPException(401, "wrong username or password")
    request.app.state.throttle.succeeded(user, source_of(request))
    return who


async def basic_auth(request: Request) -> None:
    """Dependency of every API route: checks HTTP Basic credentials when sent, through the sign-in
    throttle (waiting its delay without holding a worker thread); :func:`api_principal` takes the
    result."""
    creds = basic_credentials(request)
    if creds is None:
        return
    try:
        wait = request.app.state.throttle.attempt(creds[0], source_of(request))
    except Throttled as exc:
        await run_in_threadpool(_refused, request, creds[0], "sign_in_throttled", "refused")
        raise _throttled(exc) from None
    if wait:
        await anyio.sleep(wait)
    request.state.basic_principal = await run_in_threadpool(_check_basic, request, *creds)


def api_principal(request: Request, session: Session, *, writes: bool = False) -> Principal:
    """The caller of an API endpoint: the session cookie (a write then needs the session's token
    in ``X-CSRF-Token``) or HTTP Basic credentials (no cookie, so no CSRF; checked by
    :func:`basic_auth`). 401 otherwise."""
    creds = basic_credentials(request)
    if creds is not None:
        who = getattr(request.state, "basic_principal", None)
        if who is None:  # a route without the basic_auth dependency
            try:
                wait = request.app.state.throttle.attempt(creds[0], source_of(request))
            except Throttled as exc:
                _refused(request, creds[0], "sign_in_throttled", "refused")
                raise _throttled(exc) from None
            time.sleep(wait)
            who = _check_basic(request, *creds)
        return who
    who = principal_of(request, session)
    if who is None:
        raise HTTPException(401, "sign in (session cookie) or send HTTP Basic credentials")
    if writes:
        from monitor.web.auth import csrf_ok

        if not csrf_ok(sess_of(request).csrf, request.headers.get("x-csrf-token")):
            raise HTTPException(403, "missing or wrong X-CSRF-Token header")
    return who


def lead_filters(
    district: str | None,
    status: str | None,
    category: str | None,
    severity: str | None,
    enterprise: str | None,
) -> Q.LeadFilters:
    """The lead queue's filters from a request's query, or a 400 naming the bad one (the queue
    page, its download and ``GET /api/leads``)."""
    try:
        return Q.LeadFilters(district, status, category, severity, enterprise)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
