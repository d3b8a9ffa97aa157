"""Broker URLs: ``mqtt://[user[:pass]@]host[:port][?protocol=5|3.1.1]`` and ``mqtts://`` (TLS).

Defaults: port 1883 (``mqtt``) or 8883 (``mqtts``), MQTT 5. ``mqtts`` verifies the broker with the
system CA store, or with ``ca_file`` for a private CA. User and password are percent-decoded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["BrokerURL", "parse_broker_url"]

Protocol = Literal["5", "3.1.1"]


@dataclass(frozen=True, slots=True)
class BrokerURL:
    """A parsed broker URL (``password`` never shown in ``repr``/``str``)."""

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None
    protocol: Protocol = "5"

    def __str__(self) -> str:
        user = (
            f"{self.username}:***@"
            if self.password
            else (f"{self.username}@" if self.username else "")
        )
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.host}:{self.port}"


def parse_broker_url(url: str, *, ca_file: str | Path | None = None) -> BrokerURL:
    """Parse ``url``; ValueError with a one-line message naming the problem and the fix."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"broker URL {_safe(url)!r}: {exc}; write mqtt://host:1883") from None
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(
            f"broker URL {_safe(url)!r}: scheme {parts.scheme or '(none)'!r} not supported; "
            "use mqtt://host:1883 or mqtts://host:8883"
        )
    if not parts.hostname:
        raise ValueError(f"broker URL {_safe(url)!r}: no host; write mqtt://host:1883")
    tls = parts.scheme in ("mqtts", "ssl")
    protocol = parse_qs(parts.query).get("protocol", ["5"])[-1]
    if protocol in ("3", "4", "311", "3.1.1", "v311"):
        protocol = "3.1.1"
    elif protocol in ("5", "v5"):
        protocol = "5"
    else:
        raise ValueError(
            f"broker URL {_safe(url)!r}: protocol={protocol!r}; use protocol=5 or protocol=3.1.1"
        )
    ca = Path(ca_file) if ca_file else None
    if ca is not None and not ca.is_file():
        raise ValueError(f"CA file {ca} not found; give the PEM file of the broker's CA")
    return BrokerURL(
        host=parts.hostname,
        port=port or (8883 if tls else 1883),
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        ca_file=ca,
        protocol=protocol,  # type: ignore[arg-type]
    )


def _safe(url: str) -> str:
    """``url`` with anything between ``://`` and ``@`` hidden."""
    head, sep, rest = url.partition("://")
    if sep and "@" in rest:
        return f"{head}://***@{rest.rsplit('@', 1)[1]}"
    return url
