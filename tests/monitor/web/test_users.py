"""Password hashing and the users table rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from monitor.casework.staff import UserError, add_user, authenticate, hash_password, verify_password
from monitor.store.store import create_engine, create_schema


def test_hash_is_salted_and_verifies() -> None:
    a, b = hash_password("same password"), hash_password("same password")
    assert a != b
    assert verify_password("same password", a) and verify_password("same password", b)
    assert not verify_password("same passwore", a)
    assert not verify_password("x", "md5$abc") and not verify_password("x", "garbage")


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
