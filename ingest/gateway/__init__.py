"""The HJ 212 TCP gateway: data loggers connect over TCP (or TLS); packets go to MQTT at QoS 1,
byte for byte; ``CN=9014`` goes back only after the broker's PUBACK (see ``docs/gateway.md``)."""

from ingest.gateway.metrics import GatewayMetrics
from ingest.gateway.server import DeviceConnection, Gateway, run
from ingest.gateway.settings import GatewaySettings, ListenURL, parse_listen_url

__all__ = [
    "DeviceConnection",
    "Gateway",
    "GatewayMetrics",
    "GatewaySettings",
    "ListenURL",
    "parse_listen_url",
    "run",
]
