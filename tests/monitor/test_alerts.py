"""Alerts received by a real SMTP server (aiosmtpd) and a real HTTP server on 127.0.0.1: grouping,
deduplication, inhibition, the repeat interval, retries with backoff, ack, DingTalk/WeCom formats."""

from __future__ import annotations

import base64
import email
import hashlib
import hmac
import json
import logging
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.policy import default as email_policy
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from monitor.alerts.alerter import (
    Alerter,
    AlertError,
    AlertSettings,
    ack,
    alert_dict,
    flags_inhibitor,
    list_alerts,
    store_inhibitor,
)
from monitor.alerts.channels import Recipient, label
from monitor.casework import leads
from monitor.store.casework_models import AlertAttemptRow, AlertRow
from monitor.store.models import ReadingRow
from tests.monitor.casework_support import (
    MN1,
    MN2,
    MN3,
    agreeing_sign,
    engine_for,
    finding,
    registry,
    tx,
    utc,
)
from tests.services import free_port

T0 = utc(2026, 6, 2, 8)


# -- real local servers ---------------------------------------------------------------------------------


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.rcpts: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email_policy))
        self.rcpts.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Mailbox]]:
    box = _Mailbox()
    port = free_port()
    ctl = Controller(box, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        yield port, box
    finally:
        ctl.stop()


# -- helpers ------------------------------------------------------------------------------------------------


@pytest.fixture
def engine(sqlite_url: str):
    return engine_for(sqlite_url)


def _settings(smtp_port: int | None, url: str | None, **extra: Any) -> AlertSettings:
    lintong: dict[str, Any] = {}
    data: dict[str, Any] = {"window_seconds": 300, "repeat_seconds": 3600, "backoff_seconds": 10}
    if smtp_port is not None:
        data["smtp"] = {"host": "127.0.0.1", "port": smtp_port, "sender": "ow@test"}
        lintong["email"] = ["wang@lintong.test"]
    if url is not None:
        lintong["webhook"] = [f"{url}/hook?token=s3cr3t"]
    data["districts"] = {"Lintong": lintong, "Yanta": dict(lintong)}
    data.update(extra)
    return AlertSettings.from_dict(data, lang="en")


def _open(engine, *fs) -> list[int]:
    with tx(engine) as s:
        ch = leads.record_findings(s, list(fs), registry(), now=T0)
    return ch.alertable


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# -- tests --------------------------------------------------------------------------------------------------


def test_grouped_per_enterprise_within_the_window(engine, smtp_server, http_server) -> None:
    (port, box), (url, hook) = smtp_server, http_server
    alerter = Alerter(_settings(port, url))
    a = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN1, severity="high"))
    b = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN2, category="integrity"))
    with tx(engine) as s:
        (first,) = alerter.queue(s, a, now=at(0))
        assert alerter.queue(s, b, now=at(60)) == [first]  # same enterprise: same alert
        assert alerter.dispatch(s, at(299)).attempts == 0  # window not over
        report = alerter.dispatch(s, at(300))
    assert report.started == [first] and report.sent == [first] and report.attempts == 3
    assert len(box.messages) == 1 and box.rcpts == [["wang@lintong.test"]]
    msg = box.messages[0]
    assert "E0001: 2 lead(s), most serious data integrity (high)" in msg["Subject"]
    body = msg.get_content()
    assert f"Lead #{a[0]}" in body and f"Lead #{b[0]}" in body and "Suggested action" in body
    assert len(hook.requests) == 1
    path, query, payload = hook.requests[0]
    assert path == "/hook" and query == {"token": ["s3cr3t"]}
    assert [x["id"] for x in payload["leads"]] == a + b and payload["enterprise"] == "E0001"
    with tx(engine) as s:
        row = s.get(AlertRow, first)
        assert row.status == "sent" and row.round == 1
        outcomes = {(x.channel, x.outcome) for x in row.attempts}
        assert outcomes == {("log", "ok"), ("email", "ok"), ("webhook", "ok")}
        assert all("s3cr3t" not in x.recipient for x in row.attempts)


def test_dedup_repeat_interval_and_ack(engine, http_server) -> None:
    url, hook = http_server
    alerter = Alerter(_settings(None, url, window_seconds=0))
    ids = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN3, severity="high"))
    with tx(engine) as s:
        (aid,) = alerter.queue(s, ids, now=at(0))
        alerter.dispatch(s, at(0))
        assert alerter.queue(s, ids, now=at(10)) == []  # deduplicated
        assert alerter.dispatch(s, at(3599)).attempts == 0  # no repeat before the interval
        rep = alerter.dispatch(s, at(3600))
        assert rep.repeated == [aid] and len(hook.requests) == 2
        assert hook.requests[1][2]["repeat"] is True and "Reminder" in hook.requests[1][2]["text"]
        assert alerter.queue(s, ids, now=at(3700)) == []  # sent 100 s ago
        ack(s, aid, "wang", "on my way")
        assert alerter.dispatch(s, at(3600 * 5)).repeated == []  # acknowledged: no repeat
        with pytest.raises(AlertError, match="already acknowledged by wang"):
            ack(s, aid, "li")
        d = alert_dict(s.get(AlertRow, aid))
        assert (
            d["status"] == "acked" and d["round"] == 2 and len(d["attempts"]) == 4
        )  # log + webhook, twice
        assert [x.id for x in list_alerts(s, status="unacked")] == []
    assert len(hook.requests) == 2


def test_escalation_alerts_again_at_once_and_decided_leads_do_not_repeat(
    engine, http_server
) -> None:
    url, hook = http_server
    alerter = Alerter(_settings(None, url, window_seconds=0))
    (lid,) = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN3, severity="medium"))
    with tx(engine) as s:
        alerter.notify(s, [lid], now=at(0))
        ch = leads.record_findings(
            s,
            [finding("2026-06-01 04:00", "2026-06-01 06:00", mn=MN3, severity="high")],
            registry(),
        )
        assert ch.escalated == [lid]
        alerter.notify(s, ch.alertable, now=at(5))
        assert [r[2]["severity"] for r in hook.requests] == ["medium", "high"]
        leads.assign(s, lid, "c")
        leads.inspect(s, lid, "c")
        leads.dismiss(s, lid, "c")
        assert alerter.dispatch(s, at(10_000)).repeated == []  # no active lead left


def test_maintenance_flags_inhibit_exceedance_alerts_only(engine, http_server) -> None:
    url, hook = http_server
    alerter = Alerter(_settings(None, url, window_seconds=0))
    ex = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN3, category="exceedance"))
    it = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN1, category="integrity"))
    window = (leads._utc(finding("2026-06-01 02:00", "2026-06-01 03:00").start), at(0))
    inhibit = flags_inhibitor({MN3: [window], MN1: [window]})
    with tx(engine) as s:
        (inhibited,) = alerter.queue(s, ex, inhibit=inhibit, now=at(0))
        alerter.queue(s, it, inhibit=inhibit, now=at(0))
        alerter.dispatch(s, at(1))
        assert s.get(AlertRow, inhibited).status == "inhibited"
        assert alerter.queue(s, ex, inhibit=inhibit, now=at(2)) == []
    assert [r[2]["enterprise"] for r in hook.requests] == ["E0001"]


def test_store_inhibitor_reads_m_and_c_flags(engine) -> None:
    with tx(engine) as s:
        for flag, ts in (
            ("M", utc(2026, 6, 1, 3)),
            ("N", utc(2026, 6, 5, 3)),
            ("C", utc(2026, 7, 1)),
        ):
            s.add(
                ReadingRow(
                    mn=MN1,
                    pollutant="w01018",
                    kind="hour",
                    ts=ts,
                    value=1.0,
                    flag=flag,
                    received_at=ts,
                )
            )
        inhibit = store_inhibitor(s)
        assert inhibit(MN1, utc(2026, 6, 1), utc(2026, 6, 2))
        assert not inhibit(MN1, utc(2026, 6, 5), utc(2026, 6, 6))  # only N there
        assert inhibit(MN1, utc(2026, 7, 1), utc(2026, 7, 1))
        assert not inhibit(MN2, utc(2026, 6, 1), utc(2026, 6, 2))


def test_failures_retried_with_backoff_then_bounded(engine, http_server) -> None:
    url, hook = http_server
    alerter = Alerter(_settings(None, url, window_seconds=0, max_attempts=3, log=False))
    ids = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN3))
    hook.plan = [500, 503]
    with tx(engine) as s:
        (aid,) = alerter.queue(s, ids, now=at(0))
        assert alerter.dispatch(s, at(0)).attempts == 1
        assert alerter.dispatch(s, at(9)).attempts == 0  # backoff 10 s
        assert alerter.dispatch(s, at(10)).attempts == 1
        assert alerter.dispatch(s, at(29)).attempts == 0  # backoff 20 s
        assert alerter.dispatch(s, at(30)).sent == [aid]
        tries = s.scalars(sa.select(AlertAttemptRow).order_by(AlertAttemptRow.id)).all()
        assert [(x.outcome, x.error) for x in tries] == [
            (
                "error",
                "webhook " + label(f"{url}/hook?token=s3cr3t") + ": HTTP 500 Internal Server Error",
            ),
            (
                "error",
                "webhook " + label(f"{url}/hook?token=s3cr3t") + ": HTTP 503 Service Unavailable",
            ),
            ("ok", ""),
        ]
    more = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN1))
    hook.plan = [500, 500, 500, 500]
    with tx(engine) as s:
        (bid,) = alerter.queue(s, more, now=at(100))
        assert [alerter.dispatch(s, at(t)).failed for t in (100, 110, 130, 170)] == [
            [],
            [],
            [bid],
            [],
        ]
        assert s.get(AlertRow, bid).status == "failed"
        assert len(s.get(AlertRow, bid).attempts) == 3  # bounded


def test_dingtalk_signed_and_wecom_formats(engine, http_server) -> None:
    url, hook = http_server
    settings = AlertSettings.from_dict(
        {
            "window_seconds": 0,
            "log": False,
            "districts": {
                "Yanta": {
                    "dingtalk": [{"url": f"{url}/robot/send?access_token=tok", "secret": "SECxyz"}],
                    "wecom": [f"{url}/cgi-bin/webhook/send?key=k1"],
                }
            },
        },
        lang="zh",
    )
    ids = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN3, category="integrity"))
    with tx(engine) as s:
        Alerter(settings).notify(s, ids, now=at(0))
    by_path = {r[0]: r for r in hook.requests}
    ding, wecom = by_path["/robot/send"], by_path["/cgi-bin/webhook/send"]
    ts, sign = ding[1]["timestamp"][0], ding[1]["sign"][0]
    expected = base64.b64encode(
        hmac.new(b"SECxyz", f"{ts}\nSECxyz".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected and ding[1]["access_token"] == ["tok"]
    for _, _, body in (ding, wecom):
        assert body["msgtype"] == "text" and set(body) == {"msgtype", "text"}
        assert "数据造假嫌疑" in body["text"]["content"] and "建议措施" in body["text"]["content"]


def test_robot_errcode_is_a_failure(engine, http_server) -> None:
    url, hook = http_server
    hook.reply = {"errcode": 93000, "errmsg": "invalid webhook url"}
    settings = AlertSettings.from_dict(
        {
            "window_seconds": 0,
            "log": False,
            "max_attempts": 1,
            "districts": {"Yanta": {"wecom": [f"{url}/send?key=k1"]}},
        }
    )
    ids = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN3))
    with tx(engine) as s:
        rep = Alerter(settings).notify(s, ids, now=at(0))
        (attempt,) = s.get(AlertRow, rep.failed[0]).attempts
        assert "errcode 93000: invalid webhook url" in attempt.error and "k1" not in attempt.error


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_smtp_starttls_and_auth(engine, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import ssl

    cert, key = _self_signed(tmp_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    box = _Mailbox()
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"pa55", handled=False)

    port = free_port()
    ctl = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        tls_context=ctx,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    ctl.start()
    try:

        def settings(password: str) -> AlertSettings:
            return AlertSettings.from_dict(
                {
                    "window_seconds": 0,
                    "max_attempts": 1,
                    "smtp": {
                        "host": "127.0.0.1",
                        "port": port,
                        "starttls": True,
                        "username": "ow",
                        "password": password,
                        "cafile": str(cert),
                        "sender": "ow@test",
                    },
                    "districts": {"Yanta": {"email": ["li@yanta.test"]}},
                }
            )

        ids = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN3))
        with caplog.at_level(logging.DEBUG), tx(engine) as s:
            bad = Alerter(settings("wrong-pw")).notify(s, ids, now=at(0))
            err = next(
                x.error for x in s.get(AlertRow, bad.failed[0]).attempts if x.channel == "email"
            )
            assert "SMTPAuthenticationError" in err and "wrong-pw" not in err
            ack(s, bad.failed[0], "test")
        more = _open(engine, finding("2026-06-03", "2026-06-03 05:00", mn=MN3))
        with caplog.at_level(logging.DEBUG), tx(engine) as s:
            ok = Alerter(settings("pa55")).notify(s, more, now=at(10))
            assert ok.sent
        assert logins[-1] == (b"ow", b"pa55") and len(box.messages) == 1
        assert "wrong-pw" not in caplog.text and "pa55" not in caplog.text
        assert "pa55" not in repr(settings("pa55"))
    finally:
        ctl.stop()


def test_settings_errors() -> None:
    with pytest.raises(AlertError, match=r"\[alerts.districts.Lintong\].fax: unknown channel"):
        AlertSettings.from_dict({"districts": {"Lintong": {"fax": ["1"]}}})
    with pytest.raises(AlertError, match=r"\[alerts.smtp\].host is missing"):
        AlertSettings.from_dict({"districts": {"Lintong": {"email": ["a@b"]}}})
    with pytest.raises(AlertError, match=r"\[alerts\].repeat_seconds must be a number"):
        AlertSettings.from_dict({"repeat_seconds": "daily"})
    s = AlertSettings.from_dict(
        {"districts": {"*": {"webhook": ["http://x/y"]}, "A": {"mqtt": True}}}
    )
    assert s.recipients("Nowhere") == [Recipient("log", "log"), Recipient("webhook", "http://x/y")]
    assert s.recipients("A")[1] == Recipient("mqtt", "outlet-watch/alerts/A")


@pytest.mark.integration
def test_mqtt_alert_through_mosquitto(engine, mosquitto) -> None:
    import paho.mqtt.client as mqtt

    got: list[dict[str, Any]] = []
    ready = threading.Event()
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    sub.on_connect = lambda c, *a: (c.subscribe("ow-test/alerts/#", qos=1), None)[1]
    sub.on_subscribe = lambda *a: ready.set()
    sub.on_message = lambda c, u, m: got.append(json.loads(m.payload))
    sub.connect(mosquitto.host, mosquitto.port)
    sub.loop_start()
    try:
        assert ready.wait(10)
        settings = AlertSettings.from_dict(
            {
                "window_seconds": 0,
                "log": False,
                "mqtt": {
                    "host": mosquitto.host,
                    "port": mosquitto.port,
                    "topic": "ow-test/alerts/{district}",
                },
                "districts": {"Yanta": {"mqtt": True}},
            }
        )
        ids = _open(engine, finding("2026-06-01", "2026-06-01 05:00", mn=MN3))
        with tx(engine) as s:
            assert Alerter(settings).notify(s, ids, now=at(0)).sent
        for _ in range(100):
            if got:
                break
            threading.Event().wait(0.05)
        assert got and got[0]["enterprise"] == "E0002" and got[0]["district"] == "Yanta"
    finally:
        sub.loop_stop()
        sub.disconnect()


def test_handle_findings_records_scores_and_alerts_with_store_inhibition(engine) -> None:
    from monitor.casework.scoring import score_at
    from monitor.detection.record import handle_findings

    echoed: list[str] = []
    alerter = Alerter(AlertSettings.from_dict({"window_seconds": 0}, lang="zh"), echo=echoed.append)
    with tx(engine) as s:
        s.add(
            ReadingRow(
                mn=MN3,
                pollutant="w01018",
                kind="hour",
                ts=utc(2026, 6, 1, 20),
                value=1.0,
                flag="C",
                received_at=utc(2026, 6, 1, 20),
            )
        )
    fs = [
        finding("2026-06-02", "2026-06-02 05:00", mn=MN3, category="exceedance"),  # calibrating
        finding(
            "2026-06-01", "2026-06-04", mn=MN1, category="integrity", severity="high", confidence=1
        ),
        agreeing_sign(),  # a second detector agrees: the full points (one alone: at most -9.5)
    ]
    with tx(engine) as s:
        res = handle_findings(s, fs, registry(), alerter=alerter, now=at(0))
        assert len(res.changes.opened) == 2 and res.dispatch is not None
        assert len(res.dispatch.sent) == 1
        assert {a.status for a in list_alerts(s)} == {"sent", "inhibited"}
        assert (
            score_at(s, "E0001", utc(2026, 12, 1)).score == 80
        )  # provisional integrity.high = -20
        again = handle_findings(s, fs, registry(), alerter=alerter, now=at(1))
        assert again.changes.alertable == [] and again.dispatch.attempts == 0
    assert len(echoed) == 1 and "E0001" in echoed[0] and "数据造假嫌疑" in echoed[0]
