"""monitor.web.serve: what `monitor serve` resolves before it runs the application."""

from __future__ import annotations

import pytest

from monitor.config import Config
from monitor.store.store import create_engine
from monitor.web.serve import ServeError, ServeSettings, build_app, serve, web_secret
from tests.monitor.web.conftest import SECRET, Client
from tests.monitor.web.support import Seeded


def test_secret_from_the_environment_then_the_config() -> None:
    cfg = Config(sections={"web": {"secret": "from-the-config-0123"}})
    assert web_secret(cfg, env={"MONITOR_WEB_SECRET": "from-the-env-012345"}) == (
        "from-the-env-012345"
    )
    assert web_secret(cfg, env={}) == "from-the-config-0123"
    assert web_secret(Config(), env={}) is None
    with pytest.raises(ServeError, match=r"^\[web\] secret is shorter than 16"):
        web_secret(Config(sections={"web": {"secret": "tiny"}}), env={})
    with pytest.raises(ServeError, match=r"^MONITOR_WEB_SECRET is shorter"):
        web_secret(cfg, env={"MONITOR_WEB_SECRET": "short"})


def test_app_uses_the_configured_metrics_port_and_scoring(seeded_ro: Seeded) -> None:
    engine = create_engine(seeded_ro.url)
    cfg = Config(lang="en", metrics_port=1)  # nothing listens on port 1
    app = build_app(cfg, engine, seeded_ro.registry, ServeSettings(), secret=SECRET)
    assert "daemon metrics not reachable" in Client(app).login("admin").get("/").text
    app = build_app(Config(lang="en"), engine, seeded_ro.registry, secret=SECRET)
    assert "daemon metrics not configured" in Client(app).login("admin").get("/").text
    with pytest.raises(ServeError, match="window_months must be >= 1"):
        build_app(Config(sections={"scoring": {"window_months": 0}}), engine, None)
    engine.dispose()


def test_body_limits_and_trusted_proxies_reach_the_server(
    seeded_ro: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    engine = create_engine(seeded_ro.url)
    settings = ServeSettings(
        trusted_proxies="10.0.0.5,10.0.0.6", max_body=4000, max_anonymous_body=1000
    )
    app = build_app(Config(lang="en"), engine, seeded_ro.registry, settings, secret=SECRET)
    with Client(app) as c:
        assert c.post("/login", data={"username": "x" * 2000}).status_code == 413
    ran: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: ran.update(kw))
    serve(Config(lang="en"), engine, seeded_ro.registry, settings, note=lambda _: None, env={})
    assert ran["proxy_headers"] is True and ran["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"
    engine.dispose()
