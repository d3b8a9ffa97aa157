"""The service fixtures start real services that accept connections and survive restarts."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa

from tests.services import AmqttService, MosquittoService

pytestmark = pytest.mark.integration


def _connects(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def test_mosquitto_restarts_on_the_same_port(mosquitto: MosquittoService) -> None:
    assert _connects(mosquitto.host, mosquitto.port)
    mosquitto.kill()
    assert not _connects(mosquitto.host, mosquitto.port)
    mosquitto.start()
    assert _connects(mosquitto.host, mosquitto.port)
    assert "persistence true" in mosquitto.conf_path.read_text()


def test_amqtt_broker_accepts_connections(amqtt_broker: AmqttService) -> None:
    assert _connects(amqtt_broker.host, amqtt_broker.port)


def test_fresh_postgres_databases_are_separate(fresh_postgres_url: str, postgres_server) -> None:
    other = postgres_server.new_database()
    assert other != fresh_postgres_url
    engine = sa.create_engine(fresh_postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("create table t (x int)"))
    with sa.create_engine(other).connect() as conn:
        assert conn.execute(sa.text("select to_regclass('t')")).scalar() is None
    engine.dispose()


def test_missing_binary_skips_or_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.services import require_binary

    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires every service"):
        require_binary("no-such-service-binary")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no-such-service-binary is not installed"):
        require_binary("no-such-service-binary")
