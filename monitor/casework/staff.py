"""Users of the web page: Argon2id password hashes, roles and districts (``monitor users``).

Rules:

- a password is hashed with Argon2id (argon2-cffi, the reference implementation; the OWASP
  minimum m=19 MiB, t=2, p=1, about as costly here as the scrypt it replaces) and stored in the
  PHC string format (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``), which carries its own
  parameters, so the cost can be raised later and old hashes still verify;
- hashes of earlier versions (scrypt: ``scrypt$n$r$p$salt$key``, n=2**14, r=8, p=1) still
  verify, and :func:`authenticate` re-hashes a password with today's algorithm and parameters
  the first time its user signs in (which, like a password change, ends that user's other
  sessions: they are tied to the hash);
- a password has at least :data:`MIN_PASSWORD` characters;
- ``role`` is ``admin`` or ``inspector``; an inspector must have a district (they see only its
  leads), an admin's district is ignored (stored empty);
- :func:`authenticate` returns the user only when the username exists, is active and the password
  verifies (compared in constant time); an unknown user costs a hash as well, so timing does not
  tell which usernames exist.

The caller owns the session and its transaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from functools import cache
from typing import Final

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from monitor import clock
from monitor.casework import audit
from monitor.store.user_models import ROLES, RevokedSessionRow, UserRow

__all__ = [
    "MIN_PASSWORD",
    "UserError",
    "add_user",
    "authenticate",
    "get_user",
    "hash_password",
    "list_users",
    "needs_rehash",
    "revoke_session",
    "session_revoked",
    "set_password",
    "verify_password",
]

MIN_PASSWORD: Final = 8
#: Argon2id with the OWASP minimum (m=19 MiB, t=2, p=1).
_HASHER: Final = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


class UserError(ValueError):
    """A user operation that cannot be done (unknown user, bad role, short password, ...)."""


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    """A new Argon2id hash of ``password`` (random salt) in the PHC string format."""
    return _HASHER.hash(password)


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` is not an Argon2id hash with today's parameters."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


@cache
def _dummy() -> str:
    """A hash to verify against for an unknown user (same cost as a real one)."""
    return hash_password(secrets.token_urlsafe(16))


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the ``stored`` hash (Argon2id, or an earlier version's
    scrypt; constant-time); False for a malformed hash."""
    if stored.startswith("$argon2"):
        try:
            return _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return _verify_scrypt(password, stored)


def _verify_scrypt(password: str, stored: str) -> bool:
    """Hashes of earlier versions: ``scrypt$n$r$p$salt$key`` (salt and key URL-safe base64)."""
    try:
        algo, n, r, p, salt, key = stored.split("$")
        if algo != "scrypt":
            return False
        want = _unb64(key)
        got = hashlib.scrypt(
            password.encode(),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def _check(username: str, role: str, district: str, password: str | None) -> None:
    if not username.strip() or username != username.strip() or len(username) > 100:
        raise UserError(f"username {username!r}: give 1 to 100 characters without outer spaces")
    if role not in ROLES:
        raise UserError(f"role {role!r}: use one of {', '.join(ROLES)}")
    if role == "inspector" and not district.strip():
        raise UserError(f"inspector {username!r} needs a district (--district NAME)")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UserError(f"password too short: use at least {MIN_PASSWORD} characters")


def get_user(session: Session, username: str) -> UserRow | None:
    """The user ``username``, or None."""
    return session.scalar(sa.select(UserRow).where(UserRow.username == username))


def add_user(
    session: Session,
    username: str,
    password: str,
    *,
    role: str = "inspector",
    district: str = "",
    display_name: str = "",
    who: str = "",
    source: str = "",
) -> UserRow:
    """Create a user (rules in the module docstring); an existing username raises
    :class:`UserError`. The creation enters the audit trail as done by ``who`` from ``source``."""
    _check(username, role, district, password)
    if get_user(session, username) is not None:
        raise UserError(f"user {username!r} exists already: use `monitor users passwd {username}`")
    now = clock.now()
    row = UserRow(
        username=username,
        display_name=display_name.strip(),
        role=role,
        district=district.strip() if role == "inspector" else "",
        password_hash=hash_password(password),
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    place = f", {row.district}" if row.district else ""
    audit.record(
        session,
        "user.add",
        who or "system",
        object=f"user:{username}",
        source=source,
        detail=f"{role}{place}",
    )
    return row


def set_password(
    session: Session, username: str, password: str, *, who: str = "", source: str = ""
) -> UserRow:
    """Replace ``username``'s password (which also ends the sessions signed with the old one);
    the change (never the password) enters the audit trail as done by ``who`` from ``source``."""
    row = get_user(session, username)
    if row is None:
        raise UserError(f"no user {username!r}: see `monitor users list`")
    _check(row.username, row.role, row.district, password)
    row.password_hash = hash_password(password)
    row.updated_at = clock.now()
    session.flush()
    audit.record(
        session, "user.password", who or "system", object=f"user:{username}", source=source
    )
    return row


def list_users(session: Session) -> list[UserRow]:
    """Every user, by username."""
    return list(session.scalars(sa.select(UserRow).order_by(UserRow.username)))


def authenticate(session: Session, username: str, password: str) -> UserRow | None:
    """The active user ``username`` when ``password`` is theirs, else None."""
    row = get_user(session, username)
    if row is None or not row.active:
        verify_password(password, _dummy())
        return None
    if not verify_password(password, row.password_hash):
        return None
    if needs_rehash(row.password_hash):  # an earlier version's hash: today's, once
        row.password_hash = hash_password(password)
        session.flush()
    return row


def _session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def revoke_session(session: Session, session_id: str, until: datetime) -> None:
    """Record that the web session ``session_id`` ended (signed out); it stays refused until
    ``until`` (when its cookie expires anyway). Expired records are deleted on the way."""
    now = clock.now()
    session.execute(sa.delete(RevokedSessionRow).where(RevokedSessionRow.expires_at <= now))
    digest = _session_digest(session_id)
    if session.get(RevokedSessionRow, digest) is None:
        session.add(RevokedSessionRow(digest=digest, expires_at=until))
    session.flush()


def session_revoked(session: Session, session_id: str) -> bool:
    """True when the web session ``session_id`` was ended by :func:`revoke_session`."""
    return session.get(RevokedSessionRow, _session_digest(session_id)) is not None
