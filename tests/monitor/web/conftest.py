"""Fixtures of the web tests: a seeded SQLite database and signed-in test clients."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from monitor.web.app import create_app
from tests.monitor.web.support import PASSWORD, Seeded, seed

SECRET = "test-secret-0123456789abcdef"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Client(TestClient):
    """A test client that knows how to sign in and find the page's CSRF token."""

    def csrf(self, path: str = "/login") -> str:
        m = _CSRF.search(self.get(path).text)
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def login(self, username: str, password: str = PASSWORD) -> Client:
        r = self.post(
            "/login",
            data={"username": username, "password": password, "csrf": self.csrf(), "next": "/"},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        return self


@pytest.fixture(scope="module")
def seeded_ro(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """A seeded database shared by a module's read-only tests."""
    path: Path = tmp_path_factory.mktemp("web") / "ro.db"
    return seed(f"sqlite:///{path}")


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    """A fresh seeded database for tests that change it."""
    return seed(f"sqlite:///{tmp_path / 'rw.db'}")


@pytest.fixture
def client_for() -> Iterator[Callable[..., Client]]:
    """``client_for(seeded, user=None, lang="en")``: a client (signed in as ``user``)."""
    made: list[Client] = []

    def make(s: Seeded, user: str | None = None, lang: str = "en") -> Client:
        c = Client(create_app(s.context(lang), secret=SECRET))
        made.append(c)
        return c.login(user) if user else c

    yield make
    for c in made:
        c.close()
