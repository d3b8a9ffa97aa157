"""Public complaints (信访) as a closed loop: received, accepted, assigned to the district, handled,
replied to, closed; deadlines in working days, monthly figures and a public list.

Lifecycle (:data:`TRANSITIONS`)::

    received -> accepted -> assigned -> handled -> replied -> closed

``assign`` may also re-assign an assigned complaint. Each step appends a
:class:`~monitor.store.casework_models.ComplaintEventRow` (who, when, note); an illegal one raises
:class:`ComplaintError` naming the allowed states. ``handle`` records whether the complaint was
substantiated and the result; ``reply`` the reply to the complainant; ``close`` the complainant's
satisfaction when known (follow-up call).

Deadlines (:class:`ComplaintSettings`, ``[complaints]`` of monitor.toml): accept within
``accept_working_days`` and reply within ``reply_working_days`` working days, both counted from the
day after the day of receipt (in the configured time zone): the deadline is the end of the N-th
working day after it (``N = 0``: the end of the day of receipt). Working days are Monday to
Friday, except ``holidays``, plus ``workdays`` (weekend days worked in exchange for a holiday,
调休). A step is on time when it is recorded before the deadline (stored as the start of the
following day, exclusive). A complaint not accepted by its acceptance deadline, or not replied to
by its reply deadline, is overdue (:func:`overdue`); the alerter notifies the district
(:mod:`monitor.alerts.alerter`).

A substantiated complaint about an enterprise deducts ``complaint.substantiated`` points of the
scoring rules (``ref`` ``complaint:ID``, at the time of receipt). A complaint about a registered
enterprise can open or join a lead (:func:`link_lead`): it joins the enterprise's earliest active
lead, else opens a lead on the enterprise's outlet (``exceedance``/``low``, spanning the time of
receipt) that is scored like any lead.

The complainant's ``contact`` is personal data: :func:`complaint_dict` shows it only when asked
(admins), and the public list (:func:`public_rows`, :func:`write_public`) never holds it.
Attachments (photos) are copied under their SHA-256 into a folder beside the database
(:func:`attach`).

The caller owns the session and its transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from monitor import clock
from monitor.casework import scoring
from monitor.casework.leads import ACTIVE
from monitor.config import DEFAULT_TIMEZONE
from monitor.registry import sites_by_mn
from monitor.spreadsheets import write_csv, xlsx_bytes
from monitor.store.casework_models import (
    COMPLAINT_STATUSES,
    ComplaintAttachmentRow,
    ComplaintEventRow,
    ComplaintRow,
    LeadEventRow,
    LeadRow,
)

__all__ = [
    "CHANNELS",
    "COMPLAINT_STATUSES",
    "PUBLIC_COLUMNS",
    "TRANSITIONS",
    "ComplaintError",
    "ComplaintSettings",
    "act",
    "add",
    "attach",
    "complaint_dict",
    "district_of",
    "get_complaint",
    "link_lead",
    "list_complaints",
    "monthly",
    "overdue",
    "public_rows",
    "write_public",
]

CHANNELS: Final[tuple[str, ...]] = ("12369", "12345", "mail", "wechat", "other")

#: action -> (statuses it may start from, status it leads to)
TRANSITIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    "accept": (frozenset({"received"}), "accepted"),
    "assign": (frozenset({"accepted", "assigned"}), "assigned"),
    "handle": (frozenset({"assigned"}), "handled"),
    "reply": (frozenset({"handled"}), "replied"),
    "close": (frozenset({"replied"}), "closed"),
}

#: Columns of the public list: no contact, no assignee, no personal data of the complainant.
PUBLIC_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "received",
    "channel",
    "district",
    "enterprise",
    "location",
    "text",
    "status",
    "accepted",
    "replied",
    "replied_on_time",
    "substantiated",
    "result",
    "reply",
)


class ComplaintError(ValueError):
    """An illegal complaint operation, a bad value, or bad ``[complaints]`` settings."""


@dataclass(frozen=True)
class ComplaintSettings:
    """The ``[complaints]`` table: deadlines in working days, the calendar, the attachment folder."""

    accept_working_days: int = 3
    reply_working_days: int = 15
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    timezone: str = DEFAULT_TIMEZONE
    attachments: Path | None = None

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any] | None, *, timezone: str = DEFAULT_TIMEZONE
    ) -> ComplaintSettings:
        """Check a ``[complaints]`` table (errors name the key and the fix)."""
        data = dict(data or {})
        known = {"accept_working_days", "reply_working_days", "holidays", "workdays", "attachments"}
        for key in data:
            if key not in known:
                raise ComplaintError(
                    f"[complaints].{key}: unknown setting; use one of {', '.join(sorted(known))}"
                )
        days = {}
        for key, default in (("accept_working_days", 3), ("reply_working_days", 15)):
            v = data.get(key, default)
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 365:
                raise ComplaintError(
                    f"[complaints].{key}: {v!r} is not a number of working days from 0 to 365; "
                    f"write {key} = {default}"
                )
            days[key] = v
        calendars = {}
        for key in ("holidays", "workdays"):
            out = set()
            for v in data.get(key, []):
                if isinstance(v, str):
                    with contextlib.suppress(ValueError):
                        v = date.fromisoformat(v)
                if isinstance(v, datetime) or not isinstance(v, date):
                    raise ComplaintError(
                        f"[complaints].{key}: {v!r} is not a date; write {key} = [2026-10-01]"
                    )
                out.add(v)
            calendars[key] = frozenset(out)
        folder = data.get("attachments")
        return cls(
            days["accept_working_days"],
            days["reply_working_days"],
            calendars["holidays"],
            calendars["workdays"],
            timezone,
            Path(folder) if folder else None,
        )

    def is_working_day(self, d: date) -> bool:
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def due(self, received: datetime, working_days: int) -> datetime:
        """The deadline (exclusive, UTC) ``working_days`` working days after ``received``: the
        start of the day after the N-th working day following the day of receipt (local)."""
        zone = ZoneInfo(self.timezone)
        day = received.astimezone(zone).date()
        left = working_days
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        return end.astimezone(received.tzinfo or zone)


def _clean(value: str | None, what: str, limit: int = 20_000) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ComplaintError(f"{what} is {len(value)} characters long; keep it under {limit}")
    return value


def add(
    session: Session,
    *,
    channel: str,
    text: str,
    received_at: datetime | None = None,
    contact: str = "",
    enterprise: str | None = None,
    location: str = "",
    district: str = "",
    registry: Any = None,
    settings: ComplaintSettings | None = None,
    who: str,
    now: datetime | None = None,
) -> ComplaintRow:
    """Record a received complaint (status ``received``) with its deadlines.

    It needs a ``channel`` of :data:`CHANNELS`, a text, and an enterprise or a location; the
    district defaults to the registry's district of the enterprise."""
    settings = settings or ComplaintSettings()
    now = clock.now(now)
    received_at = clock.now(received_at) if received_at is not None else now
    if channel not in CHANNELS:
        raise ComplaintError(f"channel {channel!r}: use one of {', '.join(CHANNELS)}")
    text = _clean(text, "the text")
    if not text:
        raise ComplaintError("a complaint needs its text (--text)")
    if not who or not who.strip():
        raise ComplaintError("add needs who is recording it (--who)")
    if received_at > now + timedelta(minutes=5):
        raise ComplaintError(f"received time {received_at.isoformat()} is in the future")
    enterprise = (enterprise or "").strip() or None
    location = _clean(location, "the location", 2000)
    if enterprise is None and not location:
        raise ComplaintError("a complaint needs --enterprise or --location (where it happened)")
    if not district and enterprise is not None:
        district = district_of(enterprise, registry)
    row = ComplaintRow(
        channel=channel,
        received_at=received_at,
        contact=_clean(contact, "the contact", 500),
        enterprise=enterprise,
        location=location,
        district=_clean(district, "the district", 100),
        text=text,
        status="received",
        accept_due=settings.due(received_at, settings.accept_working_days),
        reply_due=settings.due(received_at, settings.reply_working_days),
        result="",
        reply="",
    )
    session.add(row)
    session.flush()
    row.events.append(_event(row, "receive", None, "received", who.strip(), now, ""))
    session.flush()
    return row


def district_of(enterprise: str, registry: Any) -> str:
    """The district of an enterprise's registered outlets (the first by name; "" if unknown)."""
    districts = sorted(
        {s.district for s in sites_by_mn(registry).values() if s.enterprise == enterprise}
    )
    return districts[0] if districts else ""


def _event(
    c: ComplaintRow, action: str, frm: str | None, to: str, who: str, at: datetime, note: str
) -> ComplaintEventRow:
    return ComplaintEventRow(
        complaint_id=c.id, action=action, from_status=frm, to_status=to, who=who, at=at, note=note
    )


def get_complaint(session: Session, complaint_id: int) -> ComplaintRow:
    """The complaint ``complaint_id`` (:class:`ComplaintError` otherwise)."""
    c = session.get(ComplaintRow, complaint_id)
    if c is None:
        raise ComplaintError(f"no complaint #{complaint_id}: see `monitor complaints list`")
    return c


def act(
    session: Session,
    complaint_id: int,
    action: str,
    who: str,
    note: str = "",
    *,
    assignee: str | None = None,
    substantiated: bool | None = None,
    result: str = "",
    reply: str = "",
    satisfied: bool | None = None,
    rules: scoring.ScoringRules | None = None,
    now: datetime | None = None,
) -> ComplaintRow:
    """Run one lifecycle ``action`` (a key of :data:`TRANSITIONS`) as ``who``.

    ``assign`` takes ``assignee`` (default ``who``); ``handle`` needs ``substantiated`` and a
    ``result`` (a substantiated complaint about an enterprise is scored by ``rules``); ``reply``
    needs the ``reply`` text; ``close`` takes ``satisfied`` (None: not known). Nothing changes
    when the action is refused."""
    if action not in TRANSITIONS:
        raise ComplaintError(f"unknown action {action!r}: one of {', '.join(TRANSITIONS)}")
    if not who or not who.strip():
        raise ComplaintError(f"{action} needs who is acting (--who)")
    c = get_complaint(session, complaint_id)
    allowed, target = TRANSITIONS[action]
    if c.status not in allowed:
        raise ComplaintError(
            f"complaint #{complaint_id} is {c.status}: cannot {action} it "
            f"(allowed from: {', '.join(s for s in COMPLAINT_STATUSES if s in allowed)})"
        )
    note = _clean(note, "the note", 5000)
    at = clock.now(now)
    last = max([c.received_at, *(e.at for e in c.events if e.action in TRANSITIONS)])
    if at < last:
        raise ComplaintError(
            f"{action} at {at.isoformat()} is before the complaint's last step "
            f"({last.isoformat()}): steps are recorded in order"
        )
    if action == "handle":
        if substantiated is None:
            raise ComplaintError(
                "handle needs whether it was substantiated (--substantiated yes|no)"
            )
        result = _clean(result, "the result")
        if not result:
            raise ComplaintError("handle needs what was found and done (--result)")
        c.substantiated, c.result, c.handled_at = substantiated, result, at
    elif action == "reply":
        reply = _clean(reply, "the reply")
        if not reply:
            raise ComplaintError("reply needs the reply to the complainant (--reply)")
        c.reply, c.replied_at = reply, at
    elif action == "accept":
        c.accepted_at = at
    elif action == "assign":
        c.assignee = _clean(assignee or who, "the assignee", 100)
    elif action == "close":
        c.closed_at, c.satisfied = at, satisfied
    c.events.append(_event(c, action, c.status, target, who.strip(), at, note))
    c.status = target
    session.flush()
    if action == "handle" and substantiated and c.enterprise:
        rules = rules or scoring.default_rules()
        scoring.record_source(
            session,
            c.enterprise,
            f"complaint:{c.id}",
            c.received_at,
            rules.complaint_points,
            "complaint",
            "complaint:substantiated",
            f"complaint #{c.id} substantiated",
            who.strip(),
        )
    return c


def link_lead(
    session: Session,
    complaint_id: int,
    registry: Any,
    who: str,
    *,
    mn: str | None = None,
    rules: scoring.ScoringRules | None = None,
    now: datetime | None = None,
) -> tuple[LeadRow, bool]:
    """Join the complaint to its enterprise's earliest active lead, or open a lead on the
    enterprise's outlet ``mn`` (default: its first registered outlet). Returns the lead and
    whether it was opened. The lead's audit trail and the complaint's record the link."""
    c = get_complaint(session, complaint_id)
    if c.lead_id is not None:
        raise ComplaintError(f"complaint #{c.id} is already with lead #{c.lead_id}")
    if not c.enterprise:
        raise ComplaintError(f"complaint #{c.id} names no enterprise: no lead can take it")
    sites = {k: s for k, s in sites_by_mn(registry).items() if s.enterprise == c.enterprise}
    if not sites:
        raise ComplaintError(
            f"enterprise {c.enterprise} is not in the site registry: give --sites with its outlets"
        )
    at = clock.now(now)
    lead = session.scalars(
        sa.select(LeadRow)
        .where(LeadRow.enterprise == c.enterprise, LeadRow.status.in_(sorted(ACTIVE)))
        .order_by(LeadRow.start, LeadRow.id)
    ).first()
    opened = lead is None
    if lead is None:
        mn = mn or sorted(sites)[0]
        if mn not in sites:
            raise ComplaintError(f"outlet {mn} is not one of {c.enterprise}'s: {', '.join(sites)}")
        site = sites[mn]
        lead = LeadRow(
            mn=mn,
            enterprise=c.enterprise,
            site_name=getattr(site, "name", "") or "",
            district=getattr(site, "district", "") or c.district,
            category="exceedance",
            severity="low",
            pollutants=[],
            start=c.received_at,
            end=c.received_at,
            summary=f"complaint #{c.id} ({c.channel}): {c.text[:120]}",
            status="open",
            opened_at=at,
            updated_at=at,
        )
        session.add(lead)
        session.flush()
        session.add(
            LeadEventRow(
                lead_id=lead.id,
                action="open",
                from_status=None,
                to_status="open",
                who=who.strip(),
                at=at,
                note=f"opened by complaint #{c.id}",
            )
        )
        scoring.on_lead_opened(session, lead, rules)
    else:
        session.add(
            LeadEventRow(
                lead_id=lead.id,
                action="complaint",
                from_status=lead.status,
                to_status=lead.status,
                who=who.strip(),
                at=at,
                note=f"complaint #{c.id} joined",
            )
        )
        lead.updated_at = at
    c.lead_id = lead.id
    verb = "opened" if opened else "joined"
    c.events.append(
        _event(c, "lead", c.status, c.status, who.strip(), at, f"{verb} lead #{lead.id}")
    )
    session.flush()
    return lead, opened


def attach(
    session: Session,
    complaint_id: int,
    path: str | Path,
    folder: Path,
    *,
    now: datetime | None = None,
) -> ComplaintAttachmentRow:
    """Copy the file ``path`` into ``folder`` as ``<sha256[:2]>/<sha256>`` (once per content) and
    record it with the complaint under its original name."""
    c = get_complaint(session, complaint_id)
    path = Path(path)
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        size = path.stat().st_size
    except OSError as exc:
        raise ComplaintError(
            f"{path}: cannot read the attachment ({exc.strerror or exc})"
        ) from None
    digest = h.hexdigest()
    target = folder / digest[:2] / digest
    try:
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            shutil.copyfile(path, partial)
            partial.replace(target)
    except OSError as exc:
        raise ComplaintError(
            f"{folder}: cannot store the attachment ({exc.strerror or exc}); "
            "check [complaints].attachments"
        ) from None
    row = ComplaintAttachmentRow(
        complaint_id=c.id, sha256=digest, name=path.name[:255], size=size, added_at=clock.now(now)
    )
    session.add(row)
    session.flush()
    return row


def attachment_path(folder: Path, sha256: str) -> Path:
    """Where an attachment's content is stored."""
    return folder / sha256[:2] / sha256


def list_complaints(
    session: Session,
    *,
    status: str | None = None,
    district: str | None = None,
    enterprise: str | None = None,
    overdue_at: datetime | None = None,
) -> list[ComplaintRow]:
    """Complaints, newest first, filtered by ``status`` (or ``open``: not closed), ``district``,
    ``enterprise``, or only those overdue at ``overdue_at``."""
    q = sa.select(ComplaintRow)
    if status == "open":
        q = q.where(ComplaintRow.status != "closed")
    elif status is not None:
        q = q.where(ComplaintRow.status == status)
    if district is not None:
        q = q.where(ComplaintRow.district == district)
    if enterprise is not None:
        q = q.where(ComplaintRow.enterprise == enterprise)
    rows = list(
        session.scalars(q.order_by(ComplaintRow.received_at.desc(), ComplaintRow.id.desc()))
    )
    if overdue_at is not None:
        rows = [c for c in rows if overdue_stage(c, overdue_at)]
    return rows


def overdue_stage(c: ComplaintRow, at: datetime) -> str | None:
    """``accept`` when not accepted by its acceptance deadline, ``reply`` when not replied to by
    its reply deadline (at ``at``), else None."""
    if c.accepted_at is None and at >= c.accept_due:
        return "accept"
    if c.replied_at is None and c.status != "closed" and at >= c.reply_due:
        return "reply"
    return None


def overdue(session: Session, at: datetime | None = None) -> list[tuple[ComplaintRow, str]]:
    """Complaints overdue at ``at`` (default now) with their stage (``accept`` | ``reply``)."""
    at = clock.now(at)
    q = sa.select(ComplaintRow).where(
        ComplaintRow.status.not_in(("replied", "closed")),
        sa.or_(
            sa.and_(ComplaintRow.accepted_at.is_(None), ComplaintRow.accept_due <= at),
            ComplaintRow.reply_due <= at,
        ),
    )
    out = []
    for c in session.scalars(q.order_by(ComplaintRow.id)):
        stage = overdue_stage(c, at)
        if stage is not None:
            out.append((c, stage))
    return out


def _show(ts: datetime | None, tz: str) -> str | None:
    return None if ts is None else ts.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")


def _due_day(ts: datetime, tz: str) -> str:
    """The last day of an exclusive deadline, local."""
    return (ts.astimezone(ZoneInfo(tz)) - timedelta(microseconds=1)).date().isoformat()


def on_time(done: datetime | None, due: datetime) -> bool | None:
    """Whether a step recorded at ``done`` met its exclusive deadline (None: not done)."""
    return None if done is None else done < due


def complaint_dict(
    c: ComplaintRow,
    *,
    tz: str = DEFAULT_TIMEZONE,
    contact: bool = False,
    detail: bool = False,
    at: datetime | None = None,
) -> dict[str, Any]:
    """A complaint as plain data (times in ``tz``); ``contact`` only when asked (admins);
    with ``detail``, its audit trail and attachments."""
    out: dict[str, Any] = {
        "id": c.id,
        "status": c.status,
        "channel": c.channel,
        "received": _show(c.received_at, tz),
        "district": c.district,
        "enterprise": c.enterprise,
        "location": c.location,
        "text": c.text,
        "accept_by": _due_day(c.accept_due, tz),
        "reply_by": _due_day(c.reply_due, tz),
        "overdue": overdue_stage(c, clock.now(at)),
        "accepted": _show(c.accepted_at, tz),
        "assignee": c.assignee,
        "handled": _show(c.handled_at, tz),
        "substantiated": c.substantiated,
        "result": c.result,
        "replied": _show(c.replied_at, tz),
        "replied_on_time": on_time(c.replied_at, c.reply_due),
        "reply": c.reply,
        "closed": _show(c.closed_at, tz),
        "satisfied": c.satisfied,
        "lead_id": c.lead_id,
    }
    if contact:
        out["contact"] = c.contact
    if detail:
        out["audit"] = [
            {
                "at": _show(e.at, tz),
                "action": e.action,
                "from": e.from_status,
                "to": e.to_status,
                "who": e.who,
                "note": e.note,
            }
            for e in c.events
        ]
        out["attachments"] = [
            {"id": a.id, "name": a.name, "sha256": a.sha256, "size": a.size} for a in c.attachments
        ]
    return out


# -- figures and the public list ---------------------------------------------------------------


def _month(ts: datetime, tz: str) -> str:
    return ts.astimezone(ZoneInfo(tz)).strftime("%Y-%m")


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 4)


def monthly(
    complaints: Iterable[ComplaintRow], *, at: datetime | None = None, tz: str = DEFAULT_TIMEZONE
) -> list[dict[str, Any]]:
    """Figures per month of receipt (local) and district, as recorded up to ``at`` (default now):

    - ``received``; ``accepted`` (accepted by ``at``); ``accepted_rate`` = accepted before the
      acceptance deadline / those whose acceptance was due by ``at`` or is done;
    - ``handled``, ``replied`` (by ``at``) and their rates over ``received``;
    - ``on_time_reply_rate`` = replied before the reply deadline / those whose reply was due by
      ``at`` or is done;
    - ``satisfied`` and ``satisfied_rate`` = satisfied / closed with a known answer.

    A rate is None when nothing counts towards it. Steps recorded after ``at`` are not seen."""
    at = clock.now(at)
    groups: dict[tuple[str, str], list[ComplaintRow]] = {}
    for c in complaints:
        if c.received_at <= at:
            groups.setdefault((_month(c.received_at, tz), c.district), []).append(c)

    def seen(ts: datetime | None) -> datetime | None:
        return ts if ts is not None and ts <= at else None

    out = []
    for (month, district), items in sorted(groups.items()):
        accepted = [seen(c.accepted_at) for c in items]
        replied = [seen(c.replied_at) for c in items]
        accept_due = sum(1 for c, a in zip(items, accepted, strict=True) if a or c.accept_due <= at)
        accept_ok = sum(1 for c, a in zip(items, accepted, strict=True) if a and a < c.accept_due)
        reply_due = sum(1 for c, r in zip(items, replied, strict=True) if r or c.reply_due <= at)
        reply_ok = sum(1 for c, r in zip(items, replied, strict=True) if r and r < c.reply_due)
        handled = sum(1 for c in items if seen(c.handled_at))
        answered = [c.satisfied for c in items if seen(c.closed_at) and c.satisfied is not None]
        n = len(items)
        out.append(
            {
                "month": month,
                "district": district,
                "received": n,
                "accepted": sum(1 for a in accepted if a),
                "accepted_on_time": accept_ok,
                "accepted_rate": _rate(accept_ok, accept_due),
                "handled": handled,
                "handled_rate": _rate(handled, n),
                "replied": sum(1 for r in replied if r),
                "replied_rate": _rate(sum(1 for r in replied if r), n),
                "replied_on_time": reply_ok,
                "on_time_reply_rate": _rate(reply_ok, reply_due),
                "satisfied": sum(answered),
                "satisfied_rate": _rate(sum(answered), len(answered)),
            }
        )
    return out


def public_rows(
    complaints: Iterable[ComplaintRow], *, tz: str = DEFAULT_TIMEZONE
) -> list[dict[str, Any]]:
    """The publishable list: :data:`PUBLIC_COLUMNS` only (never the contact or the assignee);
    yes/no for true/false."""
    out = []
    for c in complaints:
        d = complaint_dict(c, tz=tz)
        out.append({k: _cell(d[k]) for k in PUBLIC_COLUMNS})
    return out


def _cell(v: Any) -> Any:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return v


def write_public(rows: Sequence[Mapping[str, Any]], path: str | Path) -> Path:
    """Write the public list as CSV (UTF-8 with BOM, for spreadsheet programs) or, for a ``.xlsx``
    path, as a workbook (:mod:`monitor.spreadsheets`)."""
    path = Path(path)
    cells = [{k: r.get(k) for k in PUBLIC_COLUMNS} for r in rows]
    try:
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(xlsx_bytes({"complaints": (PUBLIC_COLUMNS, cells)}))
        else:
            write_csv(path, cells, PUBLIC_COLUMNS)
    except OSError as exc:
        raise ComplaintError(f"{path}: cannot write the list ({exc.strerror or exc})") from None
    return path
