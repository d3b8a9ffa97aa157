"""monitor.toml: defaults < file < environment < flags; clear errors; secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import Config, ConfigError, load_config, redact_url

TOML = """
lang = "en"
timezone = "Asia/Shanghai"
database = "postgresql+psycopg://ow:dbsecret@db:5432/ow"
sites = "sites.toml"

[broker]
url = "mqtts://ingest:brokersecret@broker.example:8883"
topic = "$share/outlet-watch/hj212/#"
client_id = "ingest-1"
ca_file = "ca.pem"

[ingest]
batch_size = 500
batch_interval_s = 0.5
metrics_port = 9108

[scoring]
start = 100

[alerts.smtp]
host = "smtp.example"
password = "smtpsecret"
webhook = "https://hooks.example/x?token=abc"
"""


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(TOML, encoding="utf-8")
    return path


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = load_config(env={})
    assert cfg == Config()
    assert (cfg.broker, cfg.lang, cfg.topic, cfg.topic_template) == (
        "embedded",
        "zh",
        "hj212/+",
        "hj212/{mn}",
    )


def test_file_values_and_relative_paths(conf: Path) -> None:
    cfg = load_config(conf, env={})
    assert cfg.lang == "en"
    assert cfg.broker.startswith("mqtts://ingest:brokersecret@")
    assert cfg.topic == "$share/outlet-watch/hj212/#" and cfg.client_id == "ingest-1"
    assert cfg.sites == conf.parent / "sites.toml" and cfg.ca_file == conf.parent / "ca.pem"
    assert (cfg.batch_size, cfg.batch_interval_s, cfg.metrics_port) == (500, 0.5, 9108)
    assert cfg.scoring == {"start": 100}
    assert cfg.alerts["smtp"]["host"] == "smtp.example"


def test_environment_then_flags_override(conf: Path) -> None:
    env = {"MONITOR_DB": "sqlite:///env.db", "MONITOR_LANG": "zh", "MONITOR_SITES": "/etc/s.toml"}
    cfg = load_config(conf, env=env)
    assert (cfg.database, cfg.lang, cfg.sites) == ("sqlite:///env.db", "zh", Path("/etc/s.toml"))
    cfg = load_config(conf, env=env, overrides={"database": "sqlite:///flag.db", "lang": None})
    assert (cfg.database, cfg.lang) == ("sqlite:///flag.db", "zh")


def test_config_path_from_environment(conf: Path) -> None:
    assert load_config(env={"MONITOR_CONFIG": str(conf)}).client_id == "ingest-1"


def test_secrets_are_never_printed(conf: Path) -> None:
    """Each secret's text is absent from every printed view, and each one's place shows the
    ``***`` marker (so a view that dropped or mangled the value would fail too)."""
    cfg = load_config(conf, env={})
    redacted = cfg.redacted()
    for shown in (repr(cfg), str(redacted), str(cfg)):
        for secret in ("brokersecret", "dbsecret", "smtpsecret", "token=abc"):
            assert secret not in shown, (secret, shown)
        for marker in (
            "mqtts://ingest:***@broker.example:8883",
            "postgresql+psycopg://ow:***@db:5432/ow",
            "'password': '***'",
            "https://hooks.example/x?***",
        ):
            assert marker in shown, (marker, shown)
    assert redacted["broker"] == "mqtts://ingest:***@broker.example:8883"
    assert redacted["database"] == "postgresql+psycopg://ow:***@db:5432/ow"
    smtp = redacted["sections"]["alerts"]["smtp"]
    assert smtp == {
        "host": "smtp.example",
        "password": "***",
        "webhook": "https://hooks.example/x?***",
    }
    # the values themselves stay usable; only the views hide them
    assert cfg.alerts["smtp"]["password"] == "smtpsecret"
    assert redact_url("mqtt://h:1883") == "mqtt://h:1883"
    assert redact_url("mqtt://u:p4ss@h:1883") == "mqtt://u:***@h:1883"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('lang = "fr"', "key 'lang': 'fr' is not a supported language"),
        ('timezone = "Mars/Olympus"', "key 'timezone': 'Mars/Olympus' is not a time zone"),
        ("[ingest]\nbatch_size = 0", "key 'batch_size': 0 is not an integer from 1 to 65535"),
        ("[ingest]\nbatch_interval_s = 'soon'", "batch_interval_s"),
        ("[broker]\nurl = 'x'\ntopik = 'a'", "key 'broker.topik': unknown"),
        ('[broker]\ntopic_template = "hj212/x"', "has no single {mn}"),
        ('databse = "x"', "key 'databse': unknown top-level setting"),
        ("lang = ", "not valid TOML"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)


def test_bad_environment_value_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="'lang': 'de'"):
        load_config(env={"MONITOR_LANG": "de", "MONITOR_CONFIG": ""}, overrides={})
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "missing.toml", env={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "2000-01-01T00:00:00+00:00"),
        ("oldest_reading = 2010-06-01", "2010-06-01T00:00:00+00:00"),
        ("oldest_reading = 2010-06-01T08:00:00+08:00", "2010-06-01T00:00:00+00:00"),
        ('oldest_reading = "2010-06-01"', "2010-06-01T00:00:00+00:00"),
        ('oldest_reading = ""', None),
    ],
)
def test_oldest_reading_reaches_the_daemon_settings(
    tmp_path: Path, text: str, expected: str | None
) -> None:
    from monitor.services.ingest import daemon_settings

    path = tmp_path / "monitor.toml"
    path.write_text(f"[ingest]\n{text}\n", encoding="utf-8")
    cfg = load_config(path, env={})
    oldest = cfg.oldest_reading
    assert (None if oldest is None else oldest.isoformat()) == expected
    assert daemon_settings(cfg, "mqtt://127.0.0.1:1883").oldest_reading == oldest


def test_oldest_reading_that_is_not_a_date_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text('[ingest]\noldest_reading = "last year"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'oldest_reading': is not a date"):
        load_config(path, env={})


def test_heartbeat_cns(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text('[ingest]\nheartbeat_cns = ["9015", "3020"]\n', encoding="utf-8")
    assert load_config(path, env={}).heartbeat_cns == ("9015", "3020")
    assert Config().heartbeat_cns == ()
    path.write_text('[ingest]\nheartbeat_cns = "9015"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="heartbeat_cns"):
        load_config(path, env={})


# -- unknown keys in every table -------------------------------------------------------------------


def test_an_unknown_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text("[alert]\nwindow_seconds = 60\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"table \[alert\]: unknown; use one of \[alerts\]"):
        load_config(path)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"windw_seconds": 60}, "[alerts].windw_seconds: unknown setting"),
        ({"smtp": {"hots": "mail"}}, "[alerts.smtp].hots: unknown setting"),
        ({"mqtt": {"topc": "x"}}, "[alerts.mqtt].topc: unknown setting"),
    ],
)
def test_alerts_refuse_unknown_keys(table: dict[str, object], expected: str) -> None:
    from monitor.alerts.alerter import AlertError, AlertSettings

    with pytest.raises(AlertError) as err:
        AlertSettings.from_dict(table)
    assert str(err.value).startswith(expected) and "; use one of " in str(err.value)
    assert AlertSettings.from_dict({"window_seconds": 60, "smtp": {"host": "m"}}).window_s == 60


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"window_month": 6}, "[scoring].window_month: unknown setting"),
        ({"final": {"integrty": {"high": -50}}}, "[scoring].final.integrty: unknown setting"),
        ({"final": {"integrity": {"hihg": -50}}}, "[scoring].final.integrity.hihg: unknown"),
    ],
)
def test_scoring_refuses_unknown_keys(table: dict[str, object], expected: str) -> None:
    from monitor.casework.scoring import ScoringError, ScoringRules

    with pytest.raises(ScoringError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        ScoringRules.from_dict(table)
    # the bureau's own categories of problems and leniency rules stay open
    rules = ScoringRules.from_dict(
        {"final": {"integrity": {"high": -50}}, "results": {"categories": {"noise": -2}}}
    )
    assert rules.result_points["noise"] == -2


def test_web_inspections_and_comparison_refuse_unknown_keys(tmp_path: Path) -> None:
    from monitor.casework.comparison import ComparisonError, tolerances_from
    from monitor.web.serve import ServeError, web_secret

    path = tmp_path / "monitor.toml"
    path.write_text('[web]\nsecrt = "0123456789abcdef0123"\n', encoding="utf-8")
    with pytest.raises(ServeError, match=r"\[web\]\.secrt: unknown setting; use one of secret"):
        web_secret(load_config(path), env={})
    with pytest.raises(ComparisonError, match=r"\[comparison\]\.tolerance: unknown"):
        tolerances_from({"tolerance": {}})


def test_every_key_has_an_environment_variable(tmp_path: Path) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text('lang = "zh"\n[alerts]\nwindow_seconds = 300\n', encoding="utf-8")
    env = {
        "MONITOR__LANG": "en",
        "MONITOR__INGEST__BATCH_SIZE": "500",
        "MONITOR__BROKER__CLIENT_ID": "daemon-2",  # not TOML: read as text
        "MONITOR__ALERTS__WINDOW_SECONDS": "60",
        "MONITOR__ALERTS__SMTP__HOST": '"mail.example"',
        "MONITOR__SCORING__FINAL__INTEGRITY__HIGH": "-50",
    }
    cfg = load_config(path, env=env)
    assert (cfg.lang, cfg.batch_size, cfg.client_id) == ("en", 500, "daemon-2")
    assert cfg.alerts == {"window_seconds": 60, "smtp": {"host": "mail.example"}}
    assert cfg.scoring == {"final": {"integrity": {"high": -50}}}
    # the short variables and flags still win
    cfg = load_config(path, env={**env, "MONITOR_LANG": "zh"}, overrides={"batch_size": 7})
    assert (cfg.lang, cfg.batch_size) == ("zh", 7)


@pytest.mark.parametrize(
    ("var", "expected"),
    [
        ("MONITOR__ALERT__WINDOW_SECONDS", "no such setting"),
        ("MONITOR__INGEST__BATCHSIZE", "unknown key ingest.batchsize"),
    ],
)
def test_a_wrong_environment_key_is_one_line(tmp_path: Path, var: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=rf"\${var}: {expected}"):
        load_config(None, env={var: "1"})
