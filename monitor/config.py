"""``monitor.toml``: one configuration file, overridden by environment variables, then CLI flags.

Precedence (later wins): defaults < ``monitor.toml`` < environment (``MONITOR_DB``,
``MONITOR_BROKER``, ``MONITOR_SITES``, ``MONITOR_LANG``) < command-line flags. Example::

    lang = "zh"                          # "zh" or "en": language of every text a person reads
    timezone = "Asia/Shanghai"           # times are stored in UTC and shown in this zone
    database = "sqlite:///outlet-watch.db"
    sites = "sites.toml"                 # relative paths are relative to this file

    [broker]
    url = "mqtt://ingest:secret@broker.example:1883"   # or mqtts://...; or "embedded"
    topic = "hj212/+"                    # or "$share/outlet-watch/hj212/+" for several daemons
    topic_template = "hj212/{mn}"        # "" to accept any topic
    client_id = "outlet-watch-ingest"
    ca_file = "ca.pem"                   # for mqtts:// with a private CA

    [ingest]
    batch_size = 2000                    # messages per commit (and MQTT 5 Receive Maximum)
    batch_interval_s = 0.25              # longest wait before a partial batch is committed
    metrics_port = 9108                  # Prometheus text endpoint on 127.0.0.1; 0 = off
    oldest_reading = 2000-01-01          # readings timed before (UTC) are quarantined; "" = none
    strict = false                       # true: quarantine HJ 212 packets that bend the standard
    heartbeat_cns = []                   # CNs stored as heartbeats (liveness), e.g. ["9015"]

    [scoring]                            # kept as tables for the parts that own them
    [alerts]

Every key has an environment variable too: ``MONITOR__`` and the key's path upper-cased, tables
joined by ``__`` (``MONITOR__ALERTS__WINDOW_SECONDS=60``, ``MONITOR__INGEST__BATCH_SIZE=500``),
the value read as TOML (else text); it overrides the file, and the short variables above and
the flags override it.

Every table is known (:data:`SECTIONS`, plus [broker] and [ingest]): an unknown one is refused
when the file is read, and an unknown key in any table by the part that owns the table
(:func:`check_keys`), with one line naming it and the keys that are allowed.

Secrets (passwords in URLs, keys named like password/secret/token/key) are never printed:
:meth:`Config.redacted` is the view for logs and ``--help`` output, and ``repr`` uses it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.reading import OLDEST_READING

__all__ = [
    "ENV_VARS",
    "SECTIONS",
    "Config",
    "ConfigError",
    "check_keys",
    "load_config",
    "redact_url",
]

#: The tables of monitor.toml besides [broker] and [ingest], each checked (its keys included, with
#: :func:`check_keys`) by the part that owns it. A table not named here is refused at load time.
SECTIONS: Final = (
    "alerts",
    "comparison",
    "complaints",
    "gateway",
    "inspections",
    "scoring",
    "web",
)

#: Environment variable -> Config field.
#: The zone times are shown in and user-given times without an offset are read in, unless
#: monitor.toml's ``timezone`` says otherwise: China Standard Time. The one literal of the zone in
#: monitor/; every other part takes it from the configuration (``Config.timezone``).
DEFAULT_TIMEZONE: Final = "Asia/Shanghai"

ENV_VARS: Final[dict[str, str]] = {
    "MONITOR_DB": "database",
    "MONITOR_BROKER": "broker",
    "MONITOR_SITES": "sites",
    "MONITOR_LANG": "lang",
}

_TOP: Final = {"lang": "lang", "timezone": "timezone", "database": "database", "sites": "sites"}
_BROKER: Final = {
    "url": "broker",
    "topic": "topic",
    "topic_template": "topic_template",
    "client_id": "client_id",
    "ca_file": "ca_file",
}
_INGEST: Final = {
    "batch_size": "batch_size",
    "batch_interval_s": "batch_interval_s",
    "metrics_port": "metrics_port",
    "oldest_reading": "oldest_reading",
    "strict": "strict",
    "heartbeat_cns": "heartbeat_cns",
}
_SECRET_WORDS: Final = ("password", "passwd", "secret", "token", "key")


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the source, key and fix."""


@dataclass(frozen=True)
class Config:
    """The resolved configuration. ``sections`` holds every other table (``scoring``, ``alerts``,
    ...) as plain dicts for the parts that own them."""

    broker: str = "embedded"
    database: str = "sqlite:///outlet-watch.db"
    sites: Path = Path("sites.toml")
    topic: str = "hj212/+"
    topic_template: str = "hj212/{mn}"
    client_id: str = "outlet-watch-ingest"
    ca_file: Path | None = None
    lang: str = "zh"
    timezone: str = DEFAULT_TIMEZONE
    batch_size: int = 2000
    batch_interval_s: float = 0.25
    metrics_port: int = 0
    oldest_reading: datetime | None = OLDEST_READING
    strict: bool = False
    heartbeat_cns: tuple[str, ...] = ()
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: Path | None = None

    @property
    def scoring(self) -> dict[str, Any]:
        return self.sections.get("scoring", {})

    @property
    def alerts(self) -> dict[str, Any]:
        return self.sections.get("alerts", {})

    def redacted(self) -> dict[str, Any]:
        """Every setting as plain values with secrets replaced by ``***``."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("broker", "database"):
                value = redact_url(value)
            elif f.name == "sections":
                value = _redact_tree(value)
            elif isinstance(value, Path):
                value = str(value)
            out[f.name] = value
        return out

    def __repr__(self) -> str:
        return f"Config({self.redacted()!r})"


def redact_url(url: str) -> str:
    """``scheme://user:***@host/...``: the password of a URL hidden (other text unchanged)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _redact_tree(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _redact_tree(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_tree(v, key) for v in value]
    if isinstance(value, str) and any(w in key.lower() for w in _SECRET_WORDS):
        return "***"
    if isinstance(value, str) and "://" in value:
        url = redact_url(value)
        return url.split("?", 1)[0] + "?***" if "?" in url else url  # webhook keys ride in queries
    return value


def load_config(
    path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Resolve the configuration: ``path`` (or ``$MONITOR_CONFIG``, or ``./monitor.toml`` when it
    exists), then environment variables, then ``overrides`` (CLI flags; None values ignored)."""
    env = os.environ if env is None else env
    if path is None and env.get("MONITOR_CONFIG"):
        path = env["MONITOR_CONFIG"]
    if path is None and Path("monitor.toml").is_file():
        path = "monitor.toml"
    values: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    source: Path | None = None
    if path is not None:
        source = Path(path)
        values, sections = _read_file(source)
    _apply_env_keys(env, values, sections)
    for var, name in ENV_VARS.items():
        if env.get(var):
            values[name] = env[var]
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = value
    return _build(values, sections, source)


#: ``MONITOR__TABLE__KEY`` (and deeper: ``MONITOR__SCORING__FINAL__INTEGRITY__HIGH``) sets any key.
ENV_KEY_PREFIX: Final = "MONITOR__"


def _apply_env_keys(
    env: Mapping[str, str], values: dict[str, Any], sections: dict[str, dict[str, Any]]
) -> None:
    """An environment variable for every key: ``MONITOR__LANG=en``, ``MONITOR__INGEST__BATCH_SIZE=
    500``, ``MONITOR__ALERTS__SMTP__HOST=mail`` (names are the keys upper-cased, tables joined by
    ``__``; the value is read as a TOML value, else as text). It overrides monitor.toml; the
    short ``MONITOR_DB``-style variables and command-line flags override it."""
    for var in sorted(v for v in env if v.startswith(ENV_KEY_PREFIX)):
        path = [p.lower() for p in var[len(ENV_KEY_PREFIX) :].split("__")]
        raw = env[var]
        try:
            value: Any = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        head, rest = path[0], path[1:]
        if not rest and head in _TOP:
            values[_TOP[head]] = value
        elif len(rest) == 1 and head in ("broker", "ingest"):
            table = _BROKER if head == "broker" else _INGEST
            if rest[0] not in table:
                raise ConfigError(
                    f"${var}: unknown key {head}.{rest[0]}; use one of {', '.join(sorted(table))}"
                )
            values[table[rest[0]]] = value
        elif rest and head in SECTIONS and all(rest):
            node = sections.setdefault(head, {})
            for key in rest[:-1]:
                child = node.get(key)
                node = node.setdefault(key, {}) if child is None else child
                if not isinstance(node, dict):
                    raise ConfigError(f"${var}: {head}.{key} is not a table in monitor.toml")
            node[rest[-1]] = value
        else:
            raise ConfigError(
                f"${var}: no such setting; write MONITOR__<TABLE>__<KEY> with a table among "
                f"{', '.join(sorted(('broker', 'ingest', *SECTIONS)))} or a top-level key "
                f"({', '.join(sorted(_TOP))})"
            )


def _read_file(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: configuration file not found; pass --config PATH or create it"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc}); save it as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}; fix the syntax there") from None
    values: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for key, value in doc.items():
        if key in _TOP:
            values[_TOP[key]] = value
        elif key in ("broker", "ingest") and isinstance(value, dict):
            table = _BROKER if key == "broker" else _INGEST
            for sub, v in value.items():
                if sub not in table:
                    raise ConfigError(
                        f"{path}: key '{key}.{sub}': unknown; use one of {', '.join(sorted(table))}"
                    )
                values[table[sub]] = v
        elif isinstance(value, dict) and key in SECTIONS:
            sections[key] = value
        elif isinstance(value, dict):
            raise ConfigError(
                f"{path}: table [{key}]: unknown; use one of "
                f"{', '.join(f'[{t}]' for t in sorted(('broker', 'ingest', *SECTIONS)))}"
            )
        else:
            raise ConfigError(
                f"{path}: key {key!r}: unknown top-level setting; use one of "
                f"{', '.join(sorted(_TOP))} or a [broker]/[ingest]/[scoring]/[alerts] table"
            )
    base = path.parent
    for name in ("sites", "ca_file"):
        if (
            isinstance(values.get(name), str)
            and values[name]
            and not Path(values[name]).is_absolute()
        ):
            values[name] = str(base / values[name])
    return values, sections


def _build(
    values: dict[str, Any], sections: dict[str, dict[str, Any]], source: Path | None
) -> Config:
    where = str(source) if source is not None else "configuration"

    def fail(key: str, problem: str, fix: str) -> ConfigError:
        return ConfigError(f"{where}: key {key!r}: {problem}; {fix}")

    cfg = Config(sections=sections, source=source)
    kwargs: dict[str, Any] = {}
    for name in ("broker", "database", "topic", "topic_template", "client_id", "lang", "timezone"):
        if name in values:
            if not isinstance(values[name], str):
                raise fail(name, f"{values[name]!r} is not a string", f'write {name} = "..."')
            kwargs[name] = values[name]
    for name in ("sites", "ca_file"):
        if values.get(name):
            kwargs[name] = Path(values[name])
    if "batch_size" in values:
        v = values["batch_size"]
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 65_535:
            raise fail(
                "batch_size", f"{v!r} is not an integer from 1 to 65535", "write batch_size = 2000"
            )
        kwargs["batch_size"] = v
    if "batch_interval_s" in values:
        v = values["batch_interval_s"]
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= 60:
            raise fail(
                "batch_interval_s",
                f"{v!r} is not a number of seconds in (0, 60]",
                "write batch_interval_s = 0.25",
            )
        kwargs["batch_interval_s"] = float(v)
    if "metrics_port" in values:
        v = values["metrics_port"]
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 65_535:
            raise fail(
                "metrics_port", f"{v!r} is not a port", "write metrics_port = 9108, or 0 for none"
            )
        kwargs["metrics_port"] = v
    if "oldest_reading" in values:
        kwargs["oldest_reading"] = _oldest(values["oldest_reading"], fail)
    if "strict" in values:
        v = values["strict"]
        if not isinstance(v, bool):
            raise fail("strict", f"{v!r} is not true or false", "write strict = true or false")
        kwargs["strict"] = v
    if "heartbeat_cns" in values:
        v = values["heartbeat_cns"]
        if not isinstance(v, list) or not all(isinstance(c, str) and c.isalnum() for c in v):
            raise fail(
                "heartbeat_cns", f"{v!r} is not a list of CNs", 'write heartbeat_cns = ["9015"]'
            )
        kwargs["heartbeat_cns"] = tuple(v)
    cfg = replace(cfg, **kwargs)
    if cfg.lang not in ("zh", "en"):
        raise fail(
            "lang", f"{cfg.lang!r} is not a supported language", 'write lang = "zh" or lang = "en"'
        )
    try:
        ZoneInfo(cfg.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(
            "timezone",
            f"{cfg.timezone!r} is not a time zone",
            f'write timezone = "{DEFAULT_TIMEZONE}"',
        ) from None
    if cfg.topic_template and cfg.topic_template.count("{mn}") != 1:
        raise fail(
            "topic_template",
            f"{cfg.topic_template!r} has no single {{mn}}",
            'write topic_template = "hj212/{mn}" or ""',
        )
    if not cfg.client_id.strip():
        raise fail("client_id", "is empty", 'write client_id = "outlet-watch-ingest"')
    return cfg


def _oldest(value: Any, fail: Callable[[str, str, str], ConfigError]) -> datetime | None:
    """``[ingest] oldest_reading``: a TOML date or date-time (UTC unless it has an offset), the
    same as an ISO 8601 string, or ``""`` for no limit."""
    if value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise fail(
            "oldest_reading",
            "is not a date",
            'write oldest_reading = 2000-01-01, or oldest_reading = "" for no limit',
        )
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def check_keys(
    table: Mapping[str, Any],
    where: str,
    allowed: Iterable[str],
    error: Callable[[str], Exception] = ConfigError,
) -> None:
    """Refuse the first key of ``table`` (the monitor.toml table ``where``, e.g. ``[alerts.smtp]``)
    that is not ``allowed``, with one line naming it and the keys that are: a typo such as
    ``windw_seconds`` must not silently leave a default in force. ``error`` builds the exception
    (the owning part's own error type)."""
    known = set(allowed)
    for key in table:
        if key not in known:
            raise error(f"{where}.{key}: unknown setting; use one of {', '.join(sorted(known))}")
