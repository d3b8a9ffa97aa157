"""Password hashing and the users table rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from monitor.casework.staff import (
    UserError,
    add_user,
    authenticate,
    get_user,
    hash_password,
    needs_rehash,
    verify_password,
)
from monitor.store.store import create_engine, create_schema


def test_hash_is_salted_and_verifies() -> None:
    a, b = hash_password("same password"), hash_password("same password")
    assert a != b
    assert verify_password("same password", a) and verify_password("same password", b)
    assert not verify_password("same passwore", a)
    assert not verify_password("x", "md5$abc") and not verify_password("x", "garbage")
    assert a.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and not needs_rehash(a)
    assert not verify_password("x", "$argon2id$v=19$m=19456,t=2,p=1$broken")


def test_an_earlier_versions_hash_verifies_and_is_replaced_at_sign_in(sqlite_url: str) -> None:
    import base64
    import hashlib

    salt = b"saltsaltsaltsalt"
    key = hashlib.scrypt(b"old password", salt=salt, n=2**14, r=8, p=1, dklen=32)
    old = "scrypt$16384$8$1${}${}".format(
        *(base64.urlsafe_b64encode(x).decode().rstrip("=") for x in (salt, key))
    )
    assert verify_password("old password", old) and not verify_password("old passwort", old)
    assert needs_rehash(old)
    engine = create_engine(sqlite_url)
    create_schema(engine)
    with Session(engine) as s, s.begin():
        add_user(s, "wang", "any password", role="admin")
        row = get_user(s, "wang")
        assert row is not None
        row.password_hash = old  # as an earlier version stored it
    with Session(engine) as s, s.begin():
        assert authenticate(s, "wang", "wrong password") is None
    with Session(engine) as s:
        assert get_user(s, "wang").password_hash == old  # a failed sign-in changes nothing
    with Session(engine) as s, s.begin():
        assert authenticate(s, "wang", "old password") is not None
    with Session(engine) as s:
        new = get_user(s, "wang").password_hash
    assert new.startswith("$argon2id$") and verify_password("old password", new)


@settings(max_examples=5, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_text_round_trips(pw: str) -> None:
    h = hash_password(pw)
    assert verify_password(pw, h) and not verify_password(pw + "!", h)


def test_users_table_rules(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    create_schema(engine)  # creates the users table with the others
    with Session(engine) as s, s.begin():
        add_user(s, "a", "password1", role="admin", district="ignored")
        with pytest.raises(UserError, match="role 'chief'"):
            add_user(s, "b", "password1", role="chief")
        with pytest.raises(UserError, match="username"):
            add_user(s, " b", "password1", role="admin")
    with Session(engine) as s, s.begin():
        row = authenticate(s, "a", "password1")
        assert row is not None and row.district == ""
        row.active = False
    with Session(engine) as s:
        assert authenticate(s, "a", "password1") is None
