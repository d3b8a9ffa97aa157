"""Shared pytest fixtures: real services on 127.0.0.1 (see ``tests/services.py`` for the list)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import (
    AmqttService,
    MosquittoService,
    PostgresService,
    WebhookRecorder,
    free_port,
    make_postgres,
    require_binary,
)


@pytest.fixture(scope="session")
def _mosquitto_session() -> Iterator[MosquittoService]:
    binary = require_binary("mosquitto")
    data_dir = Path(tempfile.mkdtemp(prefix="ow-mosquitto-"))
    service = MosquittoService(binary, free_port(), data_dir)
    service.start()
    try:
        yield service
    finally:
        service.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def mosquitto(_mosquitto_session: MosquittoService) -> MosquittoService:
    """The session's Mosquitto (persistence on), started again if a previous test left it down."""
    _mosquitto_session.start()
    return _mosquitto_session


@pytest.fixture(scope="session")
def _amqtt_session() -> Iterator[AmqttService]:
    data_dir = Path(tempfile.mkdtemp(prefix="ow-amqtt-"))
    service = AmqttService(free_port(), data_dir)
    service.start()
    try:
        yield service
    finally:
        service.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def amqtt_broker(_amqtt_session: AmqttService) -> AmqttService:
    """The session's embedded amqtt broker (subprocess), started again if a test left it down."""
    _amqtt_session.start()
    return _amqtt_session


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresService]:
    """A throw-away PostgreSQL cluster for the whole session."""
    service = make_postgres()
    try:
        yield service
    finally:
        service.stop()
        shutil.rmtree(service.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresService) -> str:
    """One database shared by the session (``postgresql+psycopg://...``)."""
    return postgres_server.new_database("outlet_watch_test")


@pytest.fixture
def fresh_postgres_url(postgres_server: PostgresService) -> str:
    """A new empty PostgreSQL database for this test."""
    return postgres_server.new_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file URL in the test's temp dir (the file does not exist yet)."""
    return f"sqlite:///{tmp_path / 'outlet-watch.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty database; tests using it run once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'outlet-watch.db'}"
    server: PostgresService = request.getfixturevalue("postgres_server")
    return server.new_database()


@pytest.fixture
def http_server() -> Iterator[tuple[str, WebhookRecorder]]:
    """A real HTTP server on 127.0.0.1 recording POSTed JSON (``recorder.requests``)."""
    recorder = WebhookRecorder()
    try:
        yield recorder.url, recorder
    finally:
        recorder.close()
