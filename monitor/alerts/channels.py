"""Alert delivery channels: log, SMTP e-mail, webhooks (generic JSON, DingTalk, WeCom robots), MQTT.

A channel's ``send(recipient, message)`` returns when the message was accepted and raises
:class:`ChannelError` otherwise (retries are the caller's: :mod:`monitor.alerts.alerter`). Error texts and
recipient labels never contain secrets: passwords, signing secrets and URL query strings (where
robot keys and access tokens ride) are replaced by ``***``.

Formats:

- generic webhook: HTTP POST of :meth:`AlertMessage.as_json` (any 2xx is success);
- DingTalk robot: ``{"msgtype": "text", "text": {"content": ...}}``; with a secret, the URL gets
  ``&timestamp=<ms>&sign=<urlencoded base64(HMAC-SHA256(secret, "<ms>\\n<secret>"))>`` as DingTalk
  documents; success is HTTP 2xx with ``errcode == 0``;
- WeCom (企业微信) group robot: the same text body; success is HTTP 2xx with ``errcode == 0``;
- MQTT: the JSON of :meth:`AlertMessage.as_json` published with QoS 1 to the recipient topic;
- e-mail: a UTF-8 text message; STARTTLS (``starttls = true``) or implicit TLS (``ssl = true``),
  then AUTH LOGIN/PLAIN when a username is set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Final, Protocol

import paho.mqtt.client as mqtt

__all__ = [
    "CHANNELS",
    "AlertMessage",
    "Channel",
    "ChannelError",
    "LogChannel",
    "MqttChannel",
    "Recipient",
    "SmtpChannel",
    "WebhookChannel",
    "dingtalk_sign",
    "label",
]

#: Channel names a district may list recipients for.
CHANNELS: Final[tuple[str, ...]] = ("log", "email", "webhook", "dingtalk", "wecom", "mqtt")

log = logging.getLogger("monitor.alerts.alerter")


class ChannelError(Exception):
    """A delivery failed (the text holds no secret)."""


@dataclass(frozen=True)
class Recipient:
    """Where to send: ``channel`` and ``target`` (address, URL or topic); ``secret`` signs
    DingTalk requests. ``repr`` and :attr:`label` hide secrets."""

    channel: str
    target: str
    secret: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return label(self.target)

    def __repr__(self) -> str:
        return f"Recipient({self.channel!r}, {self.label!r})"


def label(target: str) -> str:
    """A recipient as it may be shown and stored: a URL without its password and query string
    (replaced by ``***``), plus a short hash so robots differing only by key stay distinct."""
    if "://" not in target:
        return target
    parts = urllib.parse.urlsplit(target)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = (
            f"{parts.username}:***@{netloc}" if parts.password else f"{parts.username}@{netloc}"
        )
    shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    if parts.query or parts.password:
        shown += f"?*** #{hashlib.sha256(target.encode()).hexdigest()[:6]}"
    return shown


@dataclass(frozen=True)
class AlertMessage:
    """One alert rendered for people: subject and body in the configured language, and the leads."""

    alert_id: int
    enterprise: str
    district: str
    category: str
    severity: str
    subject: str
    body: str
    leads: list[dict[str, Any]]
    repeat: bool = False

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}"

    def as_json(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "enterprise": self.enterprise,
            "district": self.district,
            "category": self.category,
            "severity": self.severity,
            "repeat": self.repeat,
            "subject": self.subject,
            "text": self.body,
            "leads": self.leads,
        }


class Channel(Protocol):
    name: str

    def send(self, recipient: Recipient, message: AlertMessage) -> None: ...


def _scrub(text: str, *secrets: str | None) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text


@dataclass
class LogChannel:
    """Writes the alert to the ``monitor.alerts.alerter`` logger (INFO) and to ``echo`` if given."""

    echo: Callable[[str], None] | None = None
    name: str = "log"

    def send(self, recipient: Recipient, message: AlertMessage) -> None:
        log.info("alert #%d %s", message.alert_id, message.text)
        if self.echo is not None:
            self.echo(message.text)


@dataclass
class SmtpChannel:
    """E-mail through an SMTP server (smtplib)."""

    host: str
    port: int = 25
    sender: str = "outlet-watch@localhost"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    cafile: str | None = None
    timeout_s: float = 10.0
    name: str = "email"

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile or None)

    def send(self, recipient: Recipient, message: AlertMessage) -> None:
        msg = EmailMessage()
        msg["Subject"] = message.subject
        msg["From"] = self.sender
        msg["To"] = recipient.target
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain="outlet-watch")
        msg.set_content(message.body)
        try:
            if self.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout_s, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
            with smtp:
                smtp.ehlo()
                if self.starttls and not self.ssl:
                    smtp.starttls(context=self._context())
                    smtp.ehlo()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            text = f"smtp {self.host}:{self.port}: {type(exc).__name__}: {exc}"
            raise ChannelError(_scrub(text, self.password)) from None


def dingtalk_sign(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """``url`` with DingTalk's ``timestamp`` and ``sign`` parameters (HMAC-SHA256, base64, URL
    encoded), as in DingTalk's robot security settings ("加签")."""
    ts = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={sign}"


@dataclass
class WebhookChannel:
    """HTTP POST of JSON: ``kind`` is ``webhook`` (generic), ``dingtalk`` or ``wecom``."""

    kind: str = "webhook"
    timeout_s: float = 10.0

    @property
    def name(self) -> str:
        return self.kind

    def body(self, message: AlertMessage) -> dict[str, Any]:
        if self.kind in ("dingtalk", "wecom"):
            return {"msgtype": "text", "text": {"content": message.text}}
        return message.as_json()

    def send(self, recipient: Recipient, message: AlertMessage) -> None:
        url = recipient.target
        if self.kind == "dingtalk" and recipient.secret:
            url = dingtalk_sign(url, recipient.secret)
        data = json.dumps(self.body(message), ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        where = f"{self.kind} {recipient.label}"
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raise ChannelError(f"{where}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ChannelError(_scrub(f"{where}: {reason}", url, recipient.secret)) from None
        if self.kind in ("dingtalk", "wecom"):
            try:
                reply = json.loads(raw)
            except ValueError:
                raise ChannelError(f"{where}: the reply is not JSON") from None
            if reply.get("errcode", 0) != 0:
                errmsg = _scrub(str(reply.get("errmsg", "")), recipient.secret)
                raise ChannelError(f"{where}: errcode {reply.get('errcode')}: {errmsg}")


@dataclass
class MqttChannel:
    """Publishes the alert JSON with QoS 1 to the recipient's topic and waits for the broker's ack."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False
    cafile: str | None = None
    timeout_s: float = 10.0
    name: str = "mqtt"

    def send(self, recipient: Recipient, message: AlertMessage) -> None:
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
        if self.username:
            client.username_pw_set(self.username, self.password)
        if self.tls:
            client.tls_set(ca_certs=self.cafile or None)
        payload = json.dumps(message.as_json(), ensure_ascii=False).encode("utf-8")
        where = f"mqtt {self.host}:{self.port} {recipient.target}"
        try:
            client.connect(self.host, self.port, keepalive=30)
            client.loop_start()
            try:
                info = client.publish(recipient.target, payload, qos=1)
                info.wait_for_publish(timeout=self.timeout_s)
                if not info.is_published():
                    raise ChannelError(f"{where}: not acknowledged within {self.timeout_s:g} s")
            finally:
                client.disconnect()
                client.loop_stop()
        except ChannelError:
            raise
        except (OSError, ValueError, RuntimeError) as exc:
            raise ChannelError(
                _scrub(f"{where}: {type(exc).__name__}: {exc}", self.password)
            ) from None
