"""Request plumbing shared by pages and API: the session cookie, the signed-in person, CSRF.

A middleware reads the session cookie on every request (:func:`session_middleware`); a request
without a valid cookie gets a fresh anonymous session (with its CSRF token) set on the response.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request, Response
from sqlalchemy.orm import Session

from monitor.casework.staff import authenticate
from monitor.store.user_models import UserRow
from monitor.web.auth import COOKIE, Principal, SessionData, SessionSigner, password_fingerprint
from monitor.web.context import WebContext

__all__ = [
    "LoginRequired",
    "api_principal",
    "page_principal",
    "principal_of",
    "session_middleware",
    "set_session",
]


class LoginRequired(Exception):
    """A page needs a signed-in person (answered by a redirect to the login page)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


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
            secure=request.app.state.secure_cookies,
            path="/",
        )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _principal(row: UserRow) -> Principal:
    return Principal(row.id, row.username, row.role, row.district, row.display_name)


def principal_of(request: Request, session: Session) -> Principal | None:
    """The person signed in with the session cookie (None when anonymous, when the user was
    disabled or their password changed since)."""
    data = sess_of(request)
    if data.uid is None or request.app.state.signed_out.contains(data.csrf):
        return None
    row = session.get(UserRow, data.uid)
    if row is None or not row.active or password_fingerprint(row.password_hash) != data.pw:
        return None
    return _principal(row)


def page_principal(request: Request, session: Session) -> Principal:
    """The signed-in person, or :class:`LoginRequired`."""
    who = principal_of(request, session)
    if who is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return who


def api_principal(request: Request, session: Session, *, writes: bool = False) -> Principal:
    """The caller of an API endpoint: the session cookie (a write then needs the session's token
    in ``X-CSRF-Token``) or HTTP Basic credentials (no cookie, so no CSRF). 401 otherwise."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise HTTPException(401, "malformed Basic credentials") from None
        throttle = request.app.state.throttle
        if throttle.blocked(user):
            raise HTTPException(429, "too many failed sign-ins for this user: wait a few minutes")
        row = authenticate(session, user, password)
        if row is None:
            throttle.failed(user)
            raise HTTPException(401, "wrong username or password")
        throttle.succeeded(user)
        return _principal(row)
    who = principal_of(request, session)
    if who is None:
        raise HTTPException(401, "sign in (session cookie) or send HTTP Basic credentials")
    if writes:
        from monitor.web.auth import csrf_ok

        if not csrf_ok(sess_of(request).csrf, request.headers.get("x-csrf-token")):
            raise HTTPException(403, "missing or wrong X-CSRF-Token header")
    return who
