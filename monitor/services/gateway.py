"""``monitor gateway`` as one call: the configuration to a running HJ 212 TCP gateway.

Settings come from the ``[gateway]`` table of ``monitor.toml``, then command-line flags (a flag
wins). The broker is ``--broker``, else ``$MONITOR_BROKER``, else ``[gateway] broker``, else
``[broker] url``; ``embedded[:PORT]`` starts the amqtt broker as ``monitor ingest`` does. The
registry is used (unknown MNs and wrong PWs refused at the gateway) only when ``--sites`` or
``[gateway] sites`` names one. A setting that cannot be used raises :class:`GatewayServiceError`
with one line naming it and the fix (never a password).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from monitor.config import Config

__all__ = ["GATEWAY_KEYS", "GatewayServiceError", "gateway_settings", "run_gateway"]

#: ``[gateway]`` keys -> the type of their value (paths are relative to monitor.toml).
GATEWAY_KEYS: Final[dict[str, type | tuple[type, ...]]] = {
    "listen": str,
    "broker": str,
    "sites": str,
    "tls_cert": str,
    "tls_key": str,
    "tls_client_ca": str,
    "topic_template": str,
    "command_template": str,
    "client_id": str,
    "keepalive_s": int,
    "strict_crc": bool,
    "strict": bool,
    "max_frame": int,
    "idle_timeout_s": (int, float),
    "read_timeout_s": (int, float),
    "max_connections": int,
    "max_inflight_per_connection": int,
    "max_inflight": int,
    "max_errors": int,
    "max_write_buffer": int,
    "heartbeat_cns": list,
    "metrics_port": int,
    "stats_interval_s": (int, float),
}
_PATHS: Final = ("sites", "tls_cert", "tls_key", "tls_client_ca")
_KIND_NAMES: Final[dict[type | tuple[type, ...], str]] = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    (int, float): "a number",
    list: 'a list (heartbeat_cns = ["9999"])',
}


class GatewayServiceError(ValueError):
    """A setting the gateway cannot start with; one line naming it and the fix."""


def _values(config: Config, flags: Mapping[str, Any]) -> dict[str, Any]:
    where = f"{config.source}: [gateway]" if config.source else "[gateway]"
    table = config.sections.get("gateway", {})
    base = config.source.parent if config.source is not None else Path(".")
    values: dict[str, Any] = {}
    for key, value in table.items():
        kind = GATEWAY_KEYS.get(key)
        if kind is None:
            raise GatewayServiceError(
                f"{where} key {key!r}: unknown; use one of {', '.join(sorted(GATEWAY_KEYS))}"
            )
        wrong_bool = isinstance(value, bool) and kind is not bool
        if wrong_bool or not isinstance(value, kind):
            raise GatewayServiceError(
                f"{where} key {key!r}: {value!r} is not {_KIND_NAMES[kind]}; see docs/gateway.md"
            )
        if key in _PATHS and not Path(value).is_absolute():
            value = str(base / value)
        values[key] = value
    for key, value in flags.items():
        if value is not None:
            values[key] = str(value) if isinstance(value, Path) else value
    return values


def gateway_settings(config: Config, flags: Mapping[str, Any]) -> tuple[Any, Path | None]:
    """``(GatewaySettings, registry path or None)`` from ``config`` and ``flags`` (flag name ->
    value, None when not given; the names of the ``[gateway]`` keys)."""
    from ingest.broker_url import parse_broker_url
    from ingest.gateway import GatewaySettings

    values = _values(config, flags)
    listen = values.pop("listen", None)
    if not listen:
        raise GatewayServiceError(
            "no listen address: pass --listen tcp://0.0.0.0:6000 or set [gateway] listen"
        )
    broker = (
        flags.get("broker") or os.environ.get("MONITOR_BROKER") or values.get("broker")
    ) or config.broker
    values.pop("broker", None)
    sites = values.pop("sites", None)
    if "topic_template" not in values and config.topic_template:
        values["topic_template"] = config.topic_template  # what the daemon expects
    for key in ("tls_cert", "tls_key", "tls_client_ca"):
        if values.get(key):
            path = Path(values[key])
            if not path.is_file():
                raise GatewayServiceError(f"{key} {path}: file not found; give a PEM file")
            values[key] = path
    if "heartbeat_cns" in values:
        values["heartbeat_cns"] = tuple(str(cn) for cn in values["heartbeat_cns"])
    try:
        url = parse_broker_url(broker, ca_file=config.ca_file)
        settings = GatewaySettings.make(listen, url, **values)
    except (ValueError, TypeError) as exc:  # messages never show a password
        raise GatewayServiceError(str(exc)) from None
    return settings, Path(sites) if sites else None


def run_gateway(config: Config, flags: Mapping[str, Any]) -> int:
    """Run the gateway until SIGTERM/SIGINT; return its exit code."""
    from ingest.gateway import run
    from monitor.registry import RegistryError, load_registry

    flags = dict(flags)
    broker = flags.get("broker") or os.environ.get("MONITOR_BROKER")
    table_broker = config.sections.get("gateway", {}).get("broker")
    chosen = broker or table_broker or config.broker
    embedded = None
    if isinstance(chosen, str) and (chosen == "embedded" or chosen.startswith("embedded:")):
        from monitor.simulation.broker import EmbeddedBroker

        port = int(chosen.partition(":")[2] or 1883)
        embedded = EmbeddedBroker("127.0.0.1", port).start()
        flags["broker"] = f"mqtt://127.0.0.1:{port}?protocol=3.1.1"
    try:
        settings, sites = gateway_settings(config, flags)
        passwords = None
        if sites is not None:
            try:
                passwords = load_registry(sites).passwords()
            except RegistryError as exc:
                raise GatewayServiceError(str(exc)) from None
        try:
            return run(settings, passwords)
        except OSError as exc:
            raise GatewayServiceError(
                f"cannot listen on {settings.listen}: {exc.strerror or exc}; choose another "
                "--listen address or port"
            ) from None
    finally:
        if embedded is not None:
            embedded.stop()
