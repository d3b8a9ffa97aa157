"""Signed session cookies, CSRF tokens and what a signed-in person may see.

Session cookie (``ow_session``): ``base64url(json) "." base64url(HMAC-SHA256(secret, json))``.
The JSON holds the user id (``uid``, absent before sign-in), a random CSRF token (``csrf``), the
issue time (``iat``) and a fingerprint of the user's password hash (``pw``). A cookie is valid
when its signature verifies, it is younger than ``max_age_s`` and (when signed in) its ``pw``
matches the user's current hash: changing a password ends every session signed with the old one.
Signing out records the session in the database (:func:`monitor.casework.staff.revoke_session`),
so a copy of its cookie is refused from then on, also after a restart.

CSRF: every form carries the session's token in a hidden ``csrf`` field, every state-changing API
call made with the cookie carries it in the ``X-CSRF-Token`` header; a request whose token does not
equal the session's (constant-time compare) is refused with 403. The cookie is ``HttpOnly`` and
``SameSite=Lax`` as a second line.

Scope (:class:`Principal`): an admin sees everything; an inspector sees only leads whose
``district`` is theirs, enterprises with an outlet in their district and quarantined messages of
their district's outlets.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "COOKIE",
    "MAX_USERNAME",
    "LoginThrottle",
    "Principal",
    "SessionData",
    "SessionSigner",
    "Throttled",
    "password_fingerprint",
    "username_ok",
]

COOKIE: Final = "ow_session"
#: Longest user name (the ``users.username`` column); longer ones are refused before the throttle.
MAX_USERNAME: Final = 100


def username_ok(username: str) -> bool:
    """True when ``username`` could be a user name: at most :data:`MAX_USERNAME` characters, no
    NUL (PostgreSQL refuses NUL in text)."""
    return len(username) <= MAX_USERNAME and "\x00" not in username


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def password_fingerprint(password_hash: str) -> str:
    """A short digest of a stored password hash (a session is tied to it)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SessionData:
    """What a session cookie holds."""

    csrf: str
    uid: int | None = None
    pw: str = ""
    iat: float = 0.0

    @classmethod
    def anonymous(cls) -> SessionData:
        return cls(csrf=secrets.token_urlsafe(24), iat=time.time())


class SessionSigner:
    """Signs and verifies session cookies with ``secret`` (bytes or text)."""

    def __init__(self, secret: str | bytes, *, max_age_s: int = 12 * 3600) -> None:
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < 16:
            raise ValueError("the session secret needs at least 16 bytes")
        self._key = hashlib.sha256(b"outlet-watch session\0" + key).digest()
        self.max_age_s = max_age_s

    def dumps(self, data: SessionData) -> str:
        body = json.dumps(
            {"csrf": data.csrf, "uid": data.uid, "pw": data.pw, "iat": data.iat},
            separators=(",", ":"),
        ).encode()
        sig = hmac.new(self._key, body, hashlib.sha256).digest()
        return f"{_b64(body)}.{_b64(sig)}"

    def loads(self, cookie: str | None) -> SessionData | None:
        """The session of ``cookie``, or None when missing, forged, malformed or expired."""
        if not cookie or "." not in cookie:
            return None
        body_b64, _, sig_b64 = cookie.partition(".")
        try:
            body, sig = _unb64(body_b64), _unb64(sig_b64)
        except ValueError:
            return None
        want = hmac.new(self._key, body, hashlib.sha256).digest()
        if not hmac.compare_digest(sig, want):
            return None
        try:
            raw: dict[str, Any] = json.loads(body)
            data = SessionData(
                csrf=str(raw["csrf"]),
                uid=None if raw.get("uid") is None else int(raw["uid"]),
                pw=str(raw.get("pw") or ""),
                iat=float(raw["iat"]),
            )
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - data.iat > self.max_age_s:
            return None
        return data


def csrf_ok(expected: str, given: str | None) -> bool:
    """True when ``given`` equals the session's token (constant time)."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


@dataclass(frozen=True)
class Principal:
    """The signed-in person: ``username``, ``role`` (``admin`` | ``inspector``), ``district``."""

    id: int
    username: str
    role: str
    district: str
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def sees_district(self, district: str | None) -> bool:
        """An admin sees every district; an inspector only theirs."""
        return self.is_admin or (district or "") == self.district

    def sees_any(self, districts: set[str] | frozenset[str]) -> bool:
        """True when one of ``districts`` is visible (enterprises with several outlets)."""
        return self.is_admin or self.district in districts

    @property
    def district_filter(self) -> str | None:
        """The district every query must be limited to, or None for an admin."""
        return None if self.is_admin else self.district


class Throttled(Exception):
    """Too many recent failed sign-ins for this user from this address: try again after
    ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:.0f} s")
        self.retry_after = max(1.0, retry_after)


class LoginThrottle:
    """Slows down password guessing (by the page or by HTTP Basic), in this process's memory.

    - Per (user name, source address): after ``max_failures`` failed attempts within
      ``window_s`` seconds that source is refused for that user (:class:`Throttled`) until the
      oldest of them is ``window_s`` old.
    - Per user name across sources: once it has ``max_failures`` recent failures, every further
      attempt waits a delay that doubles with each failure, from ``base_delay_s`` up to
      ``max_delay_s``; the user is never refused for failures of other sources, so a stranger
      cannot lock the administrator out (only slow their sign-in by at most ``max_delay_s``).
    - :meth:`attempt` checks and counts an attempt in one step under a lock, as a failure in
      advance (undone by :meth:`succeeded`), so concurrent guesses cannot all pass the check.
    - Memory is bounded: at most ``max_entries`` user names and as many (user, source) pairs,
      each keeping at most ``max_failures`` (pairs) or :data:`KEPT` (users) times; entries without
      a failure in ``window_s`` are dropped, and the least recently failed ones beyond the cap.
      Callers refuse user names longer than :data:`MAX_USERNAME` before they get here.
    """

    #: Failure times kept per user (enough for the longest delay).
    KEPT: Final = 32

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 300.0,
        *,
        base_delay_s: float = 0.5,
        max_delay_s: float = 8.0,
        max_entries: int = 10_000,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.max_entries = max_entries
        self._pairs: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self._users: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Entries held (user names plus (user, source) pairs)."""
        with self._lock:
            return len(self._pairs) + len(self._users)

    @staticmethod
    def _key(username: str) -> str:
        return username.strip().lower()

    def _recent(self, table: OrderedDict[Any, list[float]], key: Any, now: float) -> list[float]:
        times = [t for t in table.get(key, ()) if now - t <= self.window_s]
        table[key] = times
        table.move_to_end(key)
        return times

    def _prune(self, table: OrderedDict[Any, list[float]], now: float) -> None:
        while table:
            key, times = next(iter(table.items()))
            if len(table) > self.max_entries or not times or now - times[-1] > self.window_s:
                del table[key]
            else:
                break

    def delay(self, failures: int) -> float:
        """Seconds an attempt waits after ``failures`` recent failures of the user."""
        if failures < self.max_failures:
            return 0.0
        return min(self.max_delay_s, self.base_delay_s * 2.0 ** (failures - self.max_failures))

    def attempt(self, username: str, source: str) -> float:
        """Check and count one attempt of ``username`` from ``source``: raise :class:`Throttled`
        when that source made too many failed attempts for it, else the seconds to wait before
        checking the password (counted as a failure until :meth:`succeeded`)."""
        user = self._key(username)
        now = time.monotonic()
        with self._lock:
            pair = self._recent(self._pairs, (user, source), now)
            if len(pair) >= self.max_failures:
                raise Throttled(pair[0] + self.window_s - now)
            pair.append(now)
            del pair[: -self.max_failures]
            times = self._recent(self._users, user, now)
            wait = self.delay(len(times))
            times.append(now)
            del times[: -self.KEPT]
            self._prune(self._pairs, now)
            self._prune(self._users, now)
        return wait

    def succeeded(self, username: str, source: str) -> None:
        """The password was right: forget the user's failures."""
        user = self._key(username)
        with self._lock:
            self._pairs.pop((user, source), None)
            self._users.pop(user, None)
