"""Alerts: new or escalated leads notify the staff of the enterprise's district.

Rules (times are the ``now`` passed in, UTC):

- **Queue** (:meth:`Alerter.queue`, for ``LeadChanges.alertable``): a lead joins the enterprise's
  ``pending`` alert, or opens one; the alert waits ``window_seconds`` from its creation to collect
  the enterprise's other leads (grouping), then :meth:`Alerter.dispatch` sends it as one message.
- **Deduplication**: a lead is not queued again at a level (category, severity) it already has in
  a pending or sending alert, nor in an alert sent (or acknowledged) less than ``repeat_seconds``
  ago. An escalated lead (higher level) is alerted at once.
- **Inhibition**: an ``exceedance`` lead for which ``inhibit(mn, start, end)`` is true (e.g. the
  outlet reported maintenance ``M`` or calibration ``C`` flags in the lead's window) is recorded
  as an ``inhibited`` alert and never sent. Other categories are never inhibited.
- **Repeat**: a sent or failed alert not acknowledged, with at least one lead still active, is sent
  again (a new round) ``repeat_seconds`` after its last send; ``0`` disables repeats.
- **Delivery**: each round sends to every recipient of the district (``[alerts.districts.NAME]``,
  else ``[alerts.districts."*"]``) and to the log when ``log = true``. Every attempt is recorded
  with its outcome; a failed delivery is retried by later dispatches after
  ``backoff_seconds * 2**(failures - 1)``, up to ``max_attempts`` per round; the alert is ``sent``
  when every delivery succeeded, ``failed`` when some delivery ran out of attempts.
- **Ack**: :func:`ack` marks an alert acknowledged; it is not repeated after that.
- **Overdue complaints** (:meth:`Alerter.queue_overdue`, run by every dispatch): a complaint not
  accepted by its acceptance deadline gets one ``complaint``/``medium`` alert, one not replied to
  by its reply deadline one ``complaint``/``high`` alert (:mod:`monitor.casework.complaints`);
  they are grouped, delivered and acknowledged like lead alerts, never repeated.

Configuration (``[alerts]`` of monitor.toml)::

    [alerts]
    lang = "zh"                  # default: the top-level lang
    window_seconds = 300
    repeat_seconds = 21600
    max_attempts = 4
    backoff_seconds = 30
    log = true

    [alerts.smtp]                # e-mail: host, port, sender, starttls, ssl, username, password, cafile
    host = "smtp.example.gov.cn"
    port = 587
    starttls = true
    username = "alerts"
    password = "..."
    sender = "outlet-watch <alerts@example.gov.cn>"

    [alerts.mqtt]                # host, port, username, password, tls, cafile, topic
    host = "127.0.0.1"
    topic = "outlet-watch/alerts/{district}"

    [alerts.districts.Lintong]
    email = ["wang@example.gov.cn"]
    webhook = ["https://ops.example/hook"]
    dingtalk = [{ url = "https://oapi.dingtalk.com/robot/send?access_token=...", secret = "SEC..." }]
    wecom = ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..."]
    mqtt = true                  # or a list of topics
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from monitor import clock
from monitor.alerts.channels import (
    CHANNELS,
    AlertMessage,
    Channel,
    ChannelError,
    LogChannel,
    MqttChannel,
    Recipient,
    SmtpChannel,
    WebhookChannel,
)
from monitor.casework import complaints as C
from monitor.casework.leads import ACTIVE, CATEGORY_RANK, SEVERITY_RANK, rank, suggested_action
from monitor.config import DEFAULT_TIMEZONE, check_keys
from monitor.locale import text
from monitor.store.casework_models import AlertAttemptRow, AlertRow, ComplaintRow, LeadRow
from monitor.store.models import ReadingRow

__all__ = [
    "AlertError",
    "AlertSettings",
    "Alerter",
    "DispatchReport",
    "Inhibitor",
    "ack",
    "alert_dict",
    "flags_inhibitor",
    "list_alerts",
    "store_inhibitor",
]

#: ``inhibit(mn, start, end) -> True`` when exceedance alerts of that outlet in that window are
#: inhibited (maintenance or calibration).
Inhibitor = Callable[[str, datetime, datetime], bool]

INHIBITING_FLAGS: Final[tuple[str, ...]] = ("M", "C")
#: The keys of the [alerts] table and of its [alerts.smtp] and [alerts.mqtt] tables.
_ALERT_KEYS: Final = frozenset(
    {
        "lang",
        "window_seconds",
        "repeat_seconds",
        "max_attempts",
        "backoff_seconds",
        "log",
        "smtp",
        "mqtt",
        "webhook_timeout_seconds",
        "districts",
    }
)
_SMTP_KEYS: Final = frozenset(
    {
        "host",
        "port",
        "sender",
        "username",
        "password",
        "starttls",
        "ssl",
        "cafile",
        "timeout_seconds",
    }
)
_MQTT_KEYS: Final = frozenset({"host", "port", "username", "password", "tls", "cafile", "topic"})
OPEN_STATUSES: Final[tuple[str, ...]] = ("pending", "sending")


class AlertError(ValueError):
    """Bad alert configuration, or an illegal alert operation (e.g. acknowledging twice)."""


@dataclass(frozen=True)
class AlertSettings:
    """The ``[alerts]`` table, checked."""

    lang: str = "en"
    timezone: str = DEFAULT_TIMEZONE
    window_s: float = 300.0
    repeat_s: float = 21600.0
    max_attempts: int = 4
    backoff_s: float = 30.0
    log: bool = True
    smtp: Mapping[str, Any] = field(default_factory=dict, repr=False)
    mqtt: Mapping[str, Any] = field(default_factory=dict, repr=False)
    webhook_timeout_s: float = 10.0
    districts: Mapping[str, list[Recipient]] = field(default_factory=dict)

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any] | None, *, lang: str = "en", timezone: str = DEFAULT_TIMEZONE
    ) -> AlertSettings:
        """Check an ``[alerts]`` table (errors name the key and the fix; unknown keys refused)."""
        data = dict(data or {})
        check_keys(data, "[alerts]", _ALERT_KEYS, AlertError)
        for name, keys in (("smtp", _SMTP_KEYS), ("mqtt", _MQTT_KEYS)):
            if isinstance(data.get(name), Mapping):
                check_keys(data[name], f"[alerts.{name}]", keys, AlertError)

        def num(key: str, default: float, minimum: float = 0) -> float:
            value = data.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
                raise AlertError(f"[alerts].{key} must be a number >= {minimum:g}, got {value!r}")
            return float(value)

        mqtt_cfg = data.get("mqtt", {})
        topic = mqtt_cfg.get("topic", "outlet-watch/alerts/{district}")
        districts: dict[str, list[Recipient]] = {}
        for district, table in (data.get("districts") or {}).items():
            districts[str(district)] = _recipients(str(district), table, topic)
        for key in ("smtp", "mqtt"):
            if not isinstance(data.get(key, {}), Mapping):
                raise AlertError(f"[alerts.{key}] must be a table")
        if any(r.channel == "email" for rs in districts.values() for r in rs) and not data.get(
            "smtp", {}
        ).get("host"):
            raise AlertError("[alerts.smtp].host is missing: e-mail recipients need an SMTP server")
        return cls(
            lang=str(data.get("lang", lang)),
            timezone=timezone,
            window_s=num("window_seconds", 300),
            repeat_s=num("repeat_seconds", 21600),
            max_attempts=int(num("max_attempts", 4, 1)),
            backoff_s=num("backoff_seconds", 30),
            log=bool(data.get("log", True)),
            smtp=dict(data.get("smtp", {})),
            mqtt=dict(mqtt_cfg),
            webhook_timeout_s=num("webhook_timeout_seconds", 10, 0.1),
            districts=districts,
        )

    def recipients(self, district: str) -> list[Recipient]:
        """The district's recipients (else those of ``"*"``), plus the log when enabled."""
        out = list(self.districts.get(district, self.districts.get("*", [])))
        if self.log:
            out.insert(0, Recipient("log", "log"))
        return out

    def channels(self, echo: Callable[[str], None] | None = None) -> dict[str, Channel]:
        """Channel objects built from the settings."""
        smtp, mq = self.smtp, self.mqtt
        out: dict[str, Channel] = {
            "log": LogChannel(echo),
            "webhook": WebhookChannel("webhook", self.webhook_timeout_s),
            "dingtalk": WebhookChannel("dingtalk", self.webhook_timeout_s),
            "wecom": WebhookChannel("wecom", self.webhook_timeout_s),
            "mqtt": MqttChannel(
                host=str(mq.get("host", "127.0.0.1")),
                port=int(mq.get("port", 1883)),
                username=mq.get("username"),
                password=mq.get("password"),
                tls=bool(mq.get("tls", False)),
                cafile=mq.get("cafile"),
            ),
        }
        if smtp.get("host"):
            out["email"] = SmtpChannel(
                host=str(smtp["host"]),
                port=int(smtp.get("port", 25)),
                sender=str(smtp.get("sender", "outlet-watch@localhost")),
                username=smtp.get("username"),
                password=smtp.get("password"),
                starttls=bool(smtp.get("starttls", False)),
                ssl=bool(smtp.get("ssl", False)),
                cafile=smtp.get("cafile"),
                timeout_s=float(smtp.get("timeout_seconds", 10)),
            )
        return out


def _recipients(district: str, table: Any, topic: str) -> list[Recipient]:
    where = f"[alerts.districts.{district}]"
    if not isinstance(table, Mapping):
        raise AlertError(f"{where} must be a table of channel = [recipients]")
    out: list[Recipient] = []
    for channel, items in table.items():
        if channel not in CHANNELS or channel == "log":
            raise AlertError(
                f"{where}.{channel}: unknown channel; use one of email, webhook, dingtalk, wecom, mqtt"
            )
        if channel == "mqtt" and isinstance(items, bool):
            items = [topic.format(district=district)] if items else []
        if not isinstance(items, list):
            raise AlertError(f'{where}.{channel} must be a list, e.g. {channel} = ["..."]')
        for item in items:
            if isinstance(item, str) and item.strip():
                out.append(Recipient(channel, item.strip()))
            elif isinstance(item, Mapping) and isinstance(item.get("url"), str):
                out.append(Recipient(channel, item["url"], item.get("secret")))
            else:
                raise AlertError(f"{where}.{channel}: {item!r} is not an address, URL or topic")
    return out


# -- inhibition --------------------------------------------------------------------------------------


def flags_inhibitor(windows: Mapping[str, Iterable[tuple[datetime, datetime]]]) -> Inhibitor:
    """An inhibitor from maintenance/calibration windows per MN: true when one overlaps the lead."""
    frozen = {mn: list(ws) for mn, ws in windows.items()}

    def inhibit(mn: str, start: datetime, end: datetime) -> bool:
        return any(s <= end and start <= e for s, e in frozen.get(mn, []))

    return inhibit


def store_inhibitor(session: Session) -> Inhibitor:
    """An inhibitor reading the store: true when the outlet has a reading flagged ``M`` or ``C``
    with ``start <= ts <= end``."""

    def inhibit(mn: str, start: datetime, end: datetime) -> bool:
        q = (
            sa.select(ReadingRow.id)
            .where(
                ReadingRow.mn == mn,
                ReadingRow.flag.in_(INHIBITING_FLAGS),
                ReadingRow.ts >= start,
                ReadingRow.ts <= end,
            )
            .limit(1)
        )
        return session.scalar(q) is not None

    return inhibit


# -- the alerter ---------------------------------------------------------------------------------------


@dataclass
class DispatchReport:
    """Alert ids by what :meth:`Alerter.dispatch` did with them."""

    started: list[int] = field(default_factory=list)
    repeated: list[int] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    attempts: int = 0


class Alerter:
    """Queues and delivers alerts under :class:`AlertSettings` through ``channels`` (default: built
    from the settings). The caller owns the session and commits."""

    def __init__(
        self,
        settings: AlertSettings,
        channels: Mapping[str, Channel] | None = None,
        *,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.channels = dict(channels) if channels is not None else settings.channels(echo)

    # queueing ---------------------------------------------------------------------------------------

    def queue(
        self,
        session: Session,
        lead_ids: Iterable[int],
        *,
        inhibit: Inhibitor | None = None,
        now: datetime | None = None,
    ) -> list[int]:
        """Queue the leads (rules in the module docstring); returns ids of alerts touched."""
        now = clock.now(now)
        touched: list[int] = []
        for lead_id in dict.fromkeys(lead_ids):
            lead = session.get(LeadRow, lead_id)
            if lead is None:
                continue
            alert = self._queue_one(session, lead, inhibit, now)
            if alert is not None and alert.id not in touched:
                touched.append(alert.id)
        return touched

    def _queue_one(
        self, session: Session, lead: LeadRow, inhibit: Inhibitor | None, now: datetime
    ) -> AlertRow | None:
        level = rank(lead.category, lead.severity)
        entry = {"id": lead.id, "category": lead.category, "severity": lead.severity}
        recent = now - timedelta(seconds=self.settings.repeat_s)
        alerts = session.scalars(
            sa.select(AlertRow).where(AlertRow.enterprise == lead.enterprise).order_by(AlertRow.id)
        ).all()
        for a in alerts:
            for item in a.leads:
                if item["id"] != lead.id or rank(item["category"], item["severity"]) < level:
                    continue
                if a.status in OPEN_STATUSES or a.status == "inhibited":
                    return None
                if (a.last_sent_at or a.created_at) > recent:
                    return None
        if (
            lead.category == "exceedance"
            and inhibit is not None
            and inhibit(lead.mn, lead.start, lead.end)
        ):
            row = AlertRow(
                enterprise=lead.enterprise,
                district=lead.district,
                leads=[entry],
                category=lead.category,
                severity=lead.severity,
                status="inhibited",
                reason=f"maintenance/calibration flags on outlet {lead.mn} during the lead",
                created_at=now,
            )
            session.add(row)
            session.flush()
            return row
        pending = next((a for a in alerts if a.status == "pending"), None)
        if pending is None:
            pending = AlertRow(
                enterprise=lead.enterprise,
                district=lead.district,
                leads=[entry],
                category=lead.category,
                severity=lead.severity,
                status="pending",
                created_at=now,
            )
            session.add(pending)
        else:
            pending.leads = [*[x for x in pending.leads if x["id"] != lead.id], entry]
            if CATEGORY_RANK[lead.category] > CATEGORY_RANK[pending.category]:
                pending.category = lead.category
            if SEVERITY_RANK[lead.severity] > SEVERITY_RANK[pending.severity]:
                pending.severity = lead.severity
        session.flush()
        return pending

    def queue_overdue(self, session: Session, now: datetime | None = None) -> list[int]:
        """An alert for each overdue complaint stage not alerted yet (acceptance overdue:
        ``medium``, reply overdue: ``high``); returns the new alerts' ids."""
        now = clock.now(now)
        late = C.overdue(session, now)
        if not late:
            return []
        done = {
            (cid, sev)
            for cid, sev in session.execute(
                sa.select(AlertRow.complaint_id, AlertRow.severity).where(
                    AlertRow.complaint_id.in_([c.id for c, _ in late])
                )
            )
        }
        out = []
        for c, stage in late:
            severity = "medium" if stage == "accept" else "high"
            if (c.id, severity) in done:
                continue
            due = c.accept_due if stage == "accept" else c.reply_due
            row = AlertRow(
                enterprise=c.enterprise or "",
                district=c.district,
                leads=[],
                category="complaint",
                severity=severity,
                status="pending",
                reason=f"complaint #{c.id}: {stage} overdue since {due.isoformat()}",
                created_at=now,
                complaint_id=c.id,
            )
            session.add(row)
            session.flush()
            out.append(row.id)
        return out

    # delivery ---------------------------------------------------------------------------------------

    def dispatch(self, session: Session, now: datetime | None = None) -> DispatchReport:
        """Queue overdue complaints (:meth:`queue_overdue`), start due rounds (grouping window
        elapsed, or repeat due) and make due delivery attempts."""
        now = clock.now(now)
        report = DispatchReport()
        self.queue_overdue(session, now)
        with session.no_autoflush:
            # every change waits for the flush at the end, so no write transaction (on SQLite: the
            # database's one write lock) is held while channels talk to mail and web servers
            self._dispatch(session, now, report)
        session.flush()
        return report

    def _dispatch(self, session: Session, now: datetime, report: DispatchReport) -> None:
        s = self.settings
        for a in session.scalars(sa.select(AlertRow).where(AlertRow.status == "pending")).all():
            if a.created_at + timedelta(seconds=s.window_s) <= now:
                self._start_round(a, now)
                report.started.append(a.id)
        if s.repeat_s > 0:
            due = now - timedelta(seconds=s.repeat_s)
            q = sa.select(AlertRow).where(
                AlertRow.status.in_(("sent", "failed")), AlertRow.last_sent_at <= due
            )
            for a in session.scalars(q).all():
                ids = [x["id"] for x in a.leads]
                active = session.scalar(
                    sa.select(sa.func.count())
                    .select_from(LeadRow)
                    .where(LeadRow.id.in_(ids), LeadRow.status.in_(sorted(ACTIVE)))
                )
                if active:
                    self._start_round(a, now)
                    report.repeated.append(a.id)
        # rounds started above are not flushed yet, so the query sees only earlier ones
        sending = {a.id: a for a in session.scalars(
            sa.select(AlertRow).where(AlertRow.status == "sending")
        )}  # fmt: skip
        started = report.started + report.repeated
        sending.update({a.id: a for a in session.scalars(
            sa.select(AlertRow).where(AlertRow.id.in_(started))
        )} if started else {})  # fmt: skip
        for _, a in sorted(sending.items()):
            self._deliver(session, a, now, report)

    def notify(
        self,
        session: Session,
        lead_ids: Iterable[int],
        *,
        inhibit: Inhibitor | None = None,
        now: datetime | None = None,
    ) -> DispatchReport:
        """:meth:`queue` then :meth:`dispatch` (what the daemon calls after recording findings)."""
        self.queue(session, lead_ids, inhibit=inhibit, now=now)
        return self.dispatch(session, now)

    @staticmethod
    def _start_round(a: AlertRow, now: datetime) -> None:
        a.round += 1
        a.round_started_at = now
        a.status = "sending"

    def _deliver(
        self, session: Session, a: AlertRow, now: datetime, report: DispatchReport
    ) -> None:
        s = self.settings
        recipients = s.recipients(a.district)
        if not recipients:
            a.status = "failed"
            a.reason = (
                f"no recipients for district {a.district!r}: add [alerts.districts.{a.district}]"
            )
            a.last_sent_at = now
            report.failed.append(a.id)
            return
        attempts = session.scalars(
            sa.select(AlertAttemptRow).where(
                AlertAttemptRow.alert_id == a.id, AlertAttemptRow.round == a.round
            )
        ).all()
        message: AlertMessage | None = None
        done = exhausted = 0
        for r in recipients:
            mine = [x for x in attempts if x.channel == r.channel and x.recipient == r.label]
            if any(x.outcome == "ok" for x in mine):
                done += 1
                continue
            if len(mine) >= s.max_attempts:
                exhausted += 1
                continue
            if mine and mine[-1].at + timedelta(seconds=s.backoff_s * 2 ** (len(mine) - 1)) > now:
                continue
            if message is None:
                message = render(session, a, s)
            outcome, error = "ok", ""
            channel = self.channels.get(r.channel)
            try:
                if channel is None:
                    raise ChannelError(
                        f"channel {r.channel} is not configured ([alerts.{r.channel}])"
                    )
                channel.send(r, message)
            except ChannelError as exc:
                outcome, error = "error", str(exc)
            except Exception as exc:  # a channel bug must not stop the other deliveries
                outcome, error = "error", f"{type(exc).__name__}"
            session.add(
                AlertAttemptRow(
                    alert_id=a.id,
                    round=a.round,
                    channel=r.channel,
                    recipient=r.label,
                    outcome=outcome,
                    error=error,
                    at=now,
                )
            )
            report.attempts += 1
            if outcome == "ok":
                done += 1
            elif len(mine) + 1 >= s.max_attempts:
                exhausted += 1
        if done == len(recipients):
            a.status, a.last_sent_at = "sent", now
            report.sent.append(a.id)
        elif done + exhausted == len(recipients):
            a.status, a.last_sent_at = "failed", now
            report.failed.append(a.id)


def render(session: Session, a: AlertRow, settings: AlertSettings) -> AlertMessage:
    """The alert's text in the configured language, leads in their current state."""
    lang, tz = settings.lang, settings.timezone
    if a.complaint_id is not None:
        return _render_complaint(session, a, settings)
    ids = [x["id"] for x in a.leads]
    leads = {
        lead.id: lead for lead in session.scalars(sa.select(LeadRow).where(LeadRow.id.in_(ids)))
    }

    def show(ts: datetime) -> str:
        return pd.Timestamp(ts).tz_convert(tz).strftime("%Y-%m-%d %H:%M")

    lines = [text("alert.intro", lang, district=a.district, enterprise=a.enterprise)]
    if a.round > 1:
        lines.insert(0, text("alert.repeat", lang))
    payload: list[dict[str, Any]] = []
    for lead_id in ids:
        lead = leads.get(lead_id)
        if lead is None:
            continue
        lines.append(
            text(
                "alert.lead",
                lang,
                id=lead.id,
                category=text(f"category.{lead.category}", lang),
                severity=text(f"severity.{lead.severity}", lang),
                site=lead.site_name,
                mn=lead.mn,
                start=show(lead.start),
                end=show(lead.end),
                summary=lead.summary,
            )
        )
        action = suggested_action(lead.category, lang)
        lines.append(text("alert.action", lang, action=action))
        payload.append(
            {
                "id": lead.id,
                "mn": lead.mn,
                "site": lead.site_name,
                "category": lead.category,
                "severity": lead.severity,
                "status": lead.status,
                "start": pd.Timestamp(lead.start).tz_convert(tz).isoformat(),
                "end": pd.Timestamp(lead.end).tz_convert(tz).isoformat(),
                "summary": lead.summary,
                "action": action,
            }
        )
    lines.append(text("alert.footer", lang, id=a.id))
    subject = text(
        "alert.subject",
        lang,
        enterprise=a.enterprise,
        count=len(payload),
        category=text(f"category.{a.category}", lang),
        severity=text(f"severity.{a.severity}", lang),
    )
    return _message_of(a, subject, lines, payload)


def _message_of(
    a: AlertRow, subject: str, lines: list[str], payload: list[dict[str, Any]]
) -> AlertMessage:
    """The message of alert ``a`` with its rendered subject, lines and payload."""
    return AlertMessage(
        a.id,
        a.enterprise,
        a.district,
        a.category,
        a.severity,
        subject,
        "\n".join(lines),
        payload,
        repeat=a.round > 1,
    )


def _render_complaint(session: Session, a: AlertRow, settings: AlertSettings) -> AlertMessage:
    lang, tz = settings.lang, settings.timezone
    c = session.get(ComplaintRow, a.complaint_id)
    stage = "accept" if a.severity == "medium" else "reply"
    payload: list[dict[str, Any]] = []
    lines = []
    if c is not None:
        d = C.complaint_dict(c, tz=tz)  # never the contact
        due = d["accept_by"] if stage == "accept" else d["reply_by"]
        lines.append(
            text(
                f"alert.complaint.{stage}",
                lang,
                id=c.id,
                district=c.district,
                where=c.enterprise or c.location,
                received=d["received"],
                due=due,
                status=text(f"complaint.status.{c.status}", lang),
            )
        )
        payload.append({k: d[k] for k in ("id", "status", "channel", "received", "district")})
        payload[0].update(stage=stage, due=due, enterprise=c.enterprise, location=c.location)
    lines.append(text("alert.footer", lang, id=a.id))
    subject = text(f"alert.complaint.subject.{stage}", lang, id=a.complaint_id)
    return _message_of(a, subject, lines, payload)


# -- reading and acknowledging ---------------------------------------------------------------------------


def list_alerts(
    session: Session, *, status: str | None = None, enterprise: str | None = None
) -> list[AlertRow]:
    """Alerts, newest first; ``status`` ``unacked`` means not acknowledged nor inhibited."""
    q = sa.select(AlertRow)
    if status == "unacked":
        q = q.where(AlertRow.status.not_in(("acked", "inhibited")))
    elif status is not None:
        q = q.where(AlertRow.status == status)
    if enterprise is not None:
        q = q.where(AlertRow.enterprise == enterprise)
    return list(session.scalars(q.order_by(AlertRow.id.desc())))


def ack(
    session: Session, alert_id: int, who: str, note: str = "", *, now: datetime | None = None
) -> AlertRow:
    """Acknowledge an alert (it is not repeated after this)."""
    if not who or not who.strip():
        raise AlertError("ack needs who is acknowledging (--who)")
    a = session.get(AlertRow, alert_id)
    if a is None:
        raise AlertError(f"no alert #{alert_id}: see `monitor alerts list`")
    if a.status == "acked":
        raise AlertError(f"alert #{alert_id} was already acknowledged by {a.acked_by}")
    a.status, a.acked_by, a.acked_at, a.ack_note = "acked", who.strip(), clock.now(now), note
    session.flush()
    return a


def alert_dict(a: AlertRow, *, tz: str = DEFAULT_TIMEZONE) -> dict[str, Any]:
    """An alert as plain data, with its delivery attempts."""

    def show(ts: datetime | None) -> str | None:
        return None if ts is None else pd.Timestamp(ts).tz_convert(tz).isoformat(timespec="seconds")

    return {
        "id": a.id,
        "status": a.status,
        "enterprise": a.enterprise,
        "district": a.district,
        "category": a.category,
        "severity": a.severity,
        "leads": [x["id"] for x in a.leads],
        "complaint": a.complaint_id,
        "created_at": show(a.created_at),
        "round": a.round,
        "last_sent_at": show(a.last_sent_at),
        "acked_by": a.acked_by,
        "acked_at": show(a.acked_at),
        "reason": a.reason,
        "attempts": [
            {
                "round": x.round,
                "channel": x.channel,
                "recipient": x.recipient,
                "outcome": x.outcome,
                "error": x.error,
                "at": show(x.at),
            }
            for x in a.attempts
        ],
    }
