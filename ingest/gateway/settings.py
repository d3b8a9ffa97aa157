"""The gateway's settings: where it listens (plain TCP or TLS), which broker it hands packets to,
and the limits that protect it.

Listen URL: ``tcp://HOST:PORT`` (plain) or ``tls://HOST:PORT`` (TLS on the device side; needs
``tls_cert`` and ``tls_key``). ``ssl://`` is a synonym of ``tls://``. ``PORT`` 0 takes a free port
(tests).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from ingest.broker_url import BrokerURL, parse_broker_url

__all__ = ["DEFAULT_COMMAND_TEMPLATE", "GatewaySettings", "ListenURL", "parse_listen_url"]

DEFAULT_TOPIC_TEMPLATE: Final = "hj212/{mn}"
DEFAULT_COMMAND_TEMPLATE: Final = "hj212/{mn}/cmd"
#: paho allocates message ids 1..65535 and does not skip ids in use: the gateway keeps fewer
#: packets awaiting their PUBACK than that.
MAX_INFLIGHT_LIMIT: Final = 60_000


@dataclass(frozen=True, slots=True)
class ListenURL:
    """Where devices connect: ``host``, ``port`` and whether the listener speaks TLS."""

    host: str
    port: int
    tls: bool = False

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'tls' if self.tls else 'tcp'}://{host}:{self.port}"


def parse_listen_url(url: str) -> ListenURL:
    """Parse ``tcp://HOST:PORT`` or ``tls://HOST:PORT``; ValueError with a one-line fix."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"listen URL {url!r}: {exc}; write tcp://0.0.0.0:6000") from None
    if parts.scheme not in ("tcp", "tls", "ssl"):
        raise ValueError(
            f"listen URL {url!r}: scheme {parts.scheme or '(none)'!r} not supported; "
            "use tcp://HOST:PORT or tls://HOST:PORT"
        )
    if not parts.hostname or port is None:
        raise ValueError(f"listen URL {url!r}: host and port required; write tcp://0.0.0.0:6000")
    return ListenURL(parts.hostname, port, parts.scheme in ("tls", "ssl"))


def _template_parts(template: str, what: str) -> tuple[str, str]:
    if template.count("{mn}") != 1:
        raise ValueError(f"{what} {template!r} must hold {{mn}} exactly once (hj212/{{mn}})")
    prefix, _, suffix = template.partition("{mn}")
    if any(c in template for c in "+#") or "\0" in template:
        raise ValueError(f"{what} {template!r} must not hold MQTT wildcards + or #")
    return prefix, suffix


@dataclass(frozen=True)
class GatewaySettings:
    """Everything :class:`ingest.gateway.Gateway` needs besides the registry's passwords.

    Topics: each packet goes to ``topic_template`` with ``{mn}`` replaced by the packet's MN;
    commands are taken from ``command_template`` (``""``: no commands). Limits:

    - ``max_frame``: bytes from ``##`` without a frame end before the bytes are dropped as
      ``too-long`` (HJ 212's longest frame is 1,036 bytes);
    - ``idle_timeout_s``: a connection silent that long is closed; ``read_timeout_s``: a frame
      must arrive whole within that time of its first byte (a device trickling bytes is cut off);
    - ``max_connections``: connections beyond it are closed as they are accepted;
    - ``max_inflight_per_connection`` / ``max_inflight``: packets published and not yet
      acknowledged by the broker, per connection / in all; at the limit the gateway stops reading
      from that connection / from every connection until PUBACKs come back;
    - ``max_errors``: undecodable frames in a row before the connection is closed;
    - ``max_write_buffer``: bytes of answers a device has not read before it is disconnected.

    ``heartbeat_cns``: CNs taken as heartbeats (answered with 9014 at once when the Flag asks for
    an answer, then published to the device's topic without waiting for the PUBACK, so that the
    daemon records them as liveness when its ``[ingest] heartbeat_cns`` names the same CNs);
    empty by default, since HJ 212-2017 defines no heartbeat.
    """

    listen: ListenURL
    broker: BrokerURL
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_client_ca: Path | None = None
    topic_template: str = DEFAULT_TOPIC_TEMPLATE
    command_template: str = DEFAULT_COMMAND_TEMPLATE
    client_id: str = "outlet-watch-gateway"
    keepalive_s: int = 30
    strict_crc: bool = False
    strict: bool = False
    max_frame: int = 4096
    idle_timeout_s: float = 900.0
    read_timeout_s: float = 30.0
    max_connections: int = 10_000
    max_inflight_per_connection: int = 32
    max_inflight: int = 10_000
    max_errors: int = 16
    max_write_buffer: int = 64 * 1024
    heartbeat_cns: tuple[str, ...] = ()
    metrics_port: int = 0
    stats_interval_s: float = 60.0

    @classmethod
    def make(
        cls, listen: str | ListenURL, broker: str | BrokerURL, **kwargs: object
    ) -> GatewaySettings:
        """Settings from URLs (parsed here) and keyword values, checked (ValueError)."""
        if isinstance(listen, str):
            listen = parse_listen_url(listen)
        if isinstance(broker, str):
            broker = parse_broker_url(broker)
        settings = cls(listen=listen, broker=broker, **kwargs)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        """Raise ValueError (one line naming the setting and the fix) for unusable values."""
        _template_parts(self.topic_template, "topic_template")
        if self.command_template:
            _template_parts(self.command_template, "command_template")
            if self.command_template == self.topic_template:
                raise ValueError("command_template must differ from topic_template")
        if self.listen.tls and (self.tls_cert is None or self.tls_key is None):
            raise ValueError(
                f"listen URL {self.listen} is TLS: give tls_cert and tls_key (PEM files)"
            )
        for name, value in (
            ("max_frame", self.max_frame),
            ("max_connections", self.max_connections),
            ("max_inflight_per_connection", self.max_inflight_per_connection),
            ("max_inflight", self.max_inflight),
            ("max_errors", self.max_errors),
            ("max_write_buffer", self.max_write_buffer),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} = {value!r}: write a positive integer")
        if self.max_frame < 64:
            raise ValueError(f"max_frame = {self.max_frame}: at least 64 bytes")
        if self.max_inflight > MAX_INFLIGHT_LIMIT:
            raise ValueError(f"max_inflight = {self.max_inflight}: at most {MAX_INFLIGHT_LIMIT}")
        for name, seconds in (
            ("idle_timeout_s", self.idle_timeout_s),
            ("read_timeout_s", self.read_timeout_s),
            ("stats_interval_s", self.stats_interval_s),
        ):
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
                raise ValueError(f"{name} = {seconds!r}: write a positive number of seconds")
        if not 0 <= self.metrics_port <= 65_535:
            raise ValueError(f"metrics_port = {self.metrics_port}: not a port")
        if not self.client_id.strip():
            raise ValueError("client_id is empty")

    def topic_parts(self) -> tuple[str, str]:
        """``(prefix, suffix)`` of the data topic around the MN."""
        return _template_parts(self.topic_template, "topic_template")

    def command_parts(self) -> tuple[str, str] | None:
        """``(prefix, suffix)`` of the command topic around the MN, or None without commands."""
        if not self.command_template:
            return None
        return _template_parts(self.command_template, "command_template")

    def ssl_context(self) -> ssl.SSLContext | None:
        """The device-side TLS context (None for a plain TCP listener)."""
        if not self.listen.tls:
            return None
        assert self.tls_cert is not None and self.tls_key is not None
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(str(self.tls_cert), str(self.tls_key))
        if self.tls_client_ca is not None:
            ctx.load_verify_locations(str(self.tls_client_ca))
            ctx.verify_mode = ssl.CERT_REQUIRED
        return ctx
