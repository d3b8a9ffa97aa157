"""``monitor gateway``: the HJ 212 TCP gateway (data loggers -> MQTT) until SIGTERM/SIGINT."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monitor.cli.options import config_option
from monitor.config import ConfigError, load_config

EPILOG = """\b
Examples:
  monitor gateway --listen tcp://0.0.0.0:6000 --broker mqtt://127.0.0.1:1883
  monitor gateway --listen tcp://0.0.0.0:6000 --broker mqtt://127.0.0.1:1883 --sites sites.toml
  monitor gateway --listen tls://0.0.0.0:6443 --tls-cert gw.pem --tls-key gw.key \\
      --broker mqtts://gateway:PASS@broker:8883 --ca-file ca.pem --metrics-port 9109

Each packet is published byte for byte to hj212/{MN} (QoS 1); the device gets CN=9014 only
after the broker's PUBACK. Messages on hj212/{MN}/cmd are written to that device. Limits and
the [gateway] table of monitor.toml: docs/gateway.md.

Exit codes: 0 after a clean stop, 1 on bad configuration."""


@click.command("gateway", epilog=EPILOG)
@click.option("--listen", help="tcp://HOST:PORT, or tls://HOST:PORT with --tls-cert/--tls-key.")
@click.option("--broker", help="mqtt://[user:pass@]host[:port], mqtts://..., or embedded[:PORT].")
@click.option(
    "--sites",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Site registry TOML: refuse unknown MNs and wrong PWs at the gateway.",
)
@click.option("--topic-template", help="Data topic, default hj212/{mn}.")
@click.option("--command-template", help='Command topic, default hj212/{mn}/cmd; "" for none.')
@click.option("--client-id", help="MQTT client id, default outlet-watch-gateway.")
@click.option("--tls-cert", type=click.Path(path_type=Path), help="Certificate (PEM) for tls://.")
@click.option("--tls-key", type=click.Path(path_type=Path), help="Private key (PEM) for tls://.")
@click.option(
    "--tls-client-ca",
    type=click.Path(path_type=Path),
    help="CA (PEM) that device certificates must chain to (mutual TLS).",
)
@click.option(
    "--ca-file", type=click.Path(path_type=Path), help="CA certificate (PEM) for mqtts://."
)
@click.option("--max-connections", type=int, help="Device connections at most (10000).")
@click.option("--max-inflight", type=int, help="Packets awaiting PUBACK at most, in all (10000).")
@click.option(
    "--idle-timeout", "idle_timeout_s", type=float, help="Close silent connections (900 s)."
)
@click.option(
    "--read-timeout", "read_timeout_s", type=float, help="A frame must arrive within (30 s)."
)
@click.option("--metrics-port", type=int, help="Serve Prometheus /metrics on 127.0.0.1:PORT.")
@click.option(
    "--strict/--lenient",
    default=None,
    help="Refuse packets that bend HJ 212 (stray header ';', keys in another case, data segment "
    "over 1,024 bytes, joined BeginTime/EndTime, Modbus CRC); default lenient ([gateway] strict).",
)
@config_option("[gateway] table, [broker] url and ca_file")
def gateway(config_path: Path | None, ca_file: Path | None, **flags: object) -> None:
    """Accept HJ 212 data loggers over TCP and hand their packets to MQTT, answering each
    packet only after the broker has acknowledged it."""
    from monitor.services.gateway import GatewayServiceError, run_gateway

    try:
        cfg = load_config(config_path, overrides={"ca_file": str(ca_file) if ca_file else None})
        code = run_gateway(cfg, flags)
    except (ConfigError, GatewayServiceError) as exc:
        raise click.ClickException(str(exc)) from None
    if code:
        sys.exit(code)
