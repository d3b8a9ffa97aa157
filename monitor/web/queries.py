"""The data behind every page and API call, limited to what the signed-in person may see.

Scope rules (:class:`monitor.web.auth.Principal`): an inspector's queries are filtered to their
district in SQL (leads by ``leads.district``; enterprises by the districts of their registered
outlets, or of their leads when unregistered; quarantine by the MNs of the district's outlets);
a lead or enterprise outside the scope is reported as not found (:class:`NotVisible`), so its
existence does not leak.

Cost rules (pages answer within 200 ms on a year of hourly data for 100 outlets): readings are
only read through the unique key's index ``(mn, pollutant, kind, ts)``: the last data of an outlet
is one ``max(ts)`` per channel, the readings behind a lead one ``ts`` range per outlet.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from detectors.finding import CATEGORIES
from monitor import clock
from monitor.casework import leads as L
from monitor.casework import triage as T
from monitor.casework.scoring import START_SCORE, months_before, score_at, scores
from monitor.store.casework_models import (
    LEAD_STATUSES,
    InspectionDrawRow,
    LeadRow,
    ScoreEventRow,
)
from monitor.store.models import QuarantineRow, ReadingRow
from monitor.web.auth import Principal
from monitor.web.context import WebContext
from monitor.web.limits import MAX_ID

__all__ = [
    "CATEGORIES",
    "CHART_COLUMNS",
    "QUEUE_LIMIT",
    "QUEUE_PAGE",
    "RAW_LIMIT",
    "READING_COLUMNS",
    "SEVERITIES",
    "LeadFilters",
    "NotVisible",
    "chart_window",
    "enterprise_list",
    "enterprise_view",
    "ingest_health",
    "inspection_draw",
    "inspection_draws",
    "last_data",
    "lead_channels",
    "lead_districts",
    "lead_queue",
    "lead_readings",
    "number",
    "open_leads_by",
    "outlet_leads",
    "outlet_readings",
    "overview",
    "payload_text",
    "quarantine_counts",
    "quarantine_item",
    "quarantine_list",
    "ranked_queue",
    "score_history",
    "visible_lead",
    "visible_outlet",
]

SEVERITIES: Final[tuple[str, ...]] = ("high", "medium", "low")
TREND_DAYS: Final = 30
QUEUE_LIMIT: Final = 500
#: Leads per page of the lead queue page.
QUEUE_PAGE: Final = 100
#: Leads ranked at most for one triage-ordered queue (the newest matching ones).
TRIAGE_LIMIT: Final = 5000
RAW_LIMIT: Final = 5000
#: The columns of :func:`outlet_readings`, and the ones a chart draws.
READING_COLUMNS: Final = (
    "pollutant",
    "ts",
    "value",
    "min",
    "max",
    "cou",
    "flag",
    "qn",
    "received_at",
)
CHART_COLUMNS: Final = ("pollutant", "ts", "value", "flag")
_TIMES: Final = frozenset({"ts", "received_at"})
_R = ReadingRow.__table__.c
_Q = QuarantineRow.__table__.c


class NotVisible(LookupError):
    """The thing asked for does not exist or is outside the person's district."""


# -- leads --------------------------------------------------------------------------------------


class LeadFilters:
    """Lead queue filters (each None = any): district, status (or ``active``), category,
    severity, enterprise."""

    def __init__(
        self,
        district: str | None = None,
        status: str | None = None,
        category: str | None = None,
        severity: str | None = None,
        enterprise: str | None = None,
    ) -> None:
        def clean(v: str | None, allowed: Sequence[str] | None = None) -> str | None:
            v = (v or "").strip() or None
            if v is not None and allowed is not None and v not in allowed:
                raise ValueError(f"{v!r} is not one of {', '.join(allowed)}")
            return v

        self.district = clean(district)
        self.status = clean(status, ("active", *LEAD_STATUSES))
        self.category = clean(category, CATEGORIES)
        self.severity = clean(severity, SEVERITIES)
        self.enterprise = clean(enterprise)

    def as_dict(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("district", self.district),
                ("status", self.status),
                ("category", self.category),
                ("severity", self.severity),
                ("enterprise", self.enterprise),
            )
            if v
        }


def _queue_query(who: Principal, f: LeadFilters) -> Any:
    q = sa.select(LeadRow)
    if who.district_filter is not None:
        q = q.where(LeadRow.district == who.district_filter)
    if f.district:
        q = q.where(LeadRow.district == f.district)
    if f.status == "active":
        q = q.where(LeadRow.status.in_(sorted(L.ACTIVE)))
    elif f.status:
        q = q.where(LeadRow.status == f.status)
    if f.category:
        q = q.where(LeadRow.category == f.category)
    if f.severity:
        q = q.where(LeadRow.severity == f.severity)
    if f.enterprise:
        q = q.where(LeadRow.enterprise == f.enterprise)
    return q.order_by(LeadRow.start.desc(), LeadRow.id.desc())


def lead_queue(
    session: Session, who: Principal, f: LeadFilters, *, limit: int = QUEUE_LIMIT, offset: int = 0
) -> list[LeadRow]:
    """Leads visible to ``who`` matching ``f``, newest first (by start, then id), at most
    ``limit`` after skipping ``offset``."""
    return list(session.scalars(_queue_query(who, f).offset(offset).limit(limit)))


def ranked_queue(
    session: Session,
    who: Principal,
    f: LeadFilters,
    *,
    limit: int = QUEUE_LIMIT,
    offset: int = 0,
    sort: str | None = None,
    rules: Any = None,
) -> tuple[list[LeadRow], dict[int, Any]]:
    """:func:`lead_queue` in the triage order (:func:`monitor.casework.triage.queue_order`: the
    default once a model is stored, or ``sort="triage"``) with each lead's ranking; the
    newest :data:`TRIAGE_LIMIT` matching leads are ranked, then paged."""
    if sort == "newest" or (sort is None and T.current_model(session) is None):
        return lead_queue(session, who, f, limit=limit, offset=offset), {}
    found = list(session.scalars(_queue_query(who, f).limit(TRIAGE_LIMIT)))
    ordered, ranks = T.queue_order(session, found, sort="triage", record=False, rules=rules)
    return ordered[offset : offset + limit], ranks


def lead_districts(session: Session, who: Principal) -> list[str]:
    """Districts that have leads (only the person's own for an inspector)."""
    if who.district_filter is not None:
        return [who.district_filter]
    return sorted(d for d in session.scalars(sa.select(LeadRow.district).distinct()) if d)


def visible_lead(session: Session, who: Principal, lead_id: int) -> LeadRow:
    """The lead ``lead_id`` when ``who`` may see it, else :class:`NotVisible` (also for an id no
    row can have: the database would refuse it)."""
    lead = session.get(LeadRow, lead_id) if 0 < lead_id <= MAX_ID else None
    if lead is None or not who.sees_district(lead.district):
        raise NotVisible(f"no lead #{lead_id}")
    return lead


def chart_window(lead: LeadRow) -> tuple[datetime, datetime]:
    """The time shown around a lead: its span plus half of it (at least 2 days) on each side,
    at most 60 days in all (then centred on the lead's end)."""
    span = lead.end - lead.start
    pad = max(timedelta(days=2), span / 2)
    start, end = lead.start - pad, lead.end + pad
    if end - start > timedelta(days=60):
        end = lead.end + timedelta(days=2)
        start = end - timedelta(days=60)
    return start, end


def lead_channels(ctx: WebContext, lead: LeadRow) -> list[str]:
    """Channels that matter for a lead: its pollutants, then flow, then (for an outlet-wide lead)
    every channel of the outlet."""
    own = list(lead.pollutants or [])
    rest = [c for c in ctx.channels(lead.mn) if c not in own]
    if own:
        return [*own, *(c for c in rest if c == "w00000")]
    return rest


def lead_readings(
    session: Session,
    ctx: WebContext,
    lead: LeadRow,
    channels: Sequence[str] | None = None,
    *,
    window: tuple[datetime, datetime] | None = None,
    limit: int | None = None,
    columns: Sequence[str] = READING_COLUMNS,
) -> pd.DataFrame:
    """Hourly readings of the lead's outlet in ``window`` (default :func:`chart_window`) for
    ``channels`` (default :func:`lead_channels`), at most ``limit`` rows
    (:func:`outlet_readings`)."""
    start, end = window or chart_window(lead)
    chans = list(channels or lead_channels(ctx, lead))
    return outlet_readings(session, lead.mn, chans, start, end, limit=limit, columns=columns)


def outlet_readings(
    session: Session,
    mn: str,
    channels: Sequence[str],
    start: datetime,
    end: datetime,
    *,
    limit: int | None = None,
    columns: Sequence[str] = READING_COLUMNS,
) -> pd.DataFrame:
    """Hourly readings of outlet ``mn`` from ``start`` to ``end`` (both included) for
    ``channels``, at most ``limit`` rows: ``columns`` (of :data:`READING_COLUMNS`; a chart needs
    :data:`CHART_COLUMNS` only, read in half the time), sorted by pollutant and time."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    cols = [c for c in READING_COLUMNS if c in columns]

    def raw(col: Any) -> Any:  # SQLite times as the stored text, parsed below in one go
        return sa.type_coerce(col, sa.String) if sqlite and col.name in _TIMES else col

    q = (
        sa.select(*(raw(_R[c]) for c in cols))
        .where(
            _R.mn == mn,
            _R.pollutant.in_(list(channels)),
            _R.kind == "hour",
            _R.ts >= start,
            _R.ts <= end,
        )
        .order_by(_R.pollutant, _R.ts)
    )
    if limit is not None:
        q = q.limit(limit)
    rows = [tuple(r) for r in session.execute(q)]  # plain tuples: pandas probes Row objects
    frame = pd.DataFrame.from_records(rows, columns=cols)
    for name in _TIMES.intersection(cols):
        frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601")
    for name in {"value", "min", "max", "cou"}.intersection(cols):
        frame[name] = frame[name].astype("float64")
    return frame


def visible_outlet(session: Session, ctx: WebContext, who: Principal, mn: str) -> str:
    """The district of outlet ``mn`` when ``who`` may see it (its registered district, else the
    districts of its leads; an admin also sees an unregistered outlet that only has readings),
    else :class:`NotVisible`. Returns the district ("" when none is known)."""
    site = ctx.sites.get(mn)
    if site is not None:
        districts = {site.district}
    else:
        districts = set(session.scalars(sa.select(LeadRow.district).where(LeadRow.mn == mn)))
        if not districts and who.is_admin:
            if session.scalar(sa.select(_R.mn).where(_R.mn == mn).limit(1)) is None:
                raise NotVisible(f"no outlet {mn!r}")
            return ""
    if not districts or not who.sees_any(districts):
        raise NotVisible(f"no outlet {mn!r}")
    return sorted(districts)[0]


def outlet_leads(
    session: Session, who: Principal, mn: str, start: datetime, end: datetime, limit: int = 200
) -> list[LeadRow]:
    """Leads of outlet ``mn`` that overlap ``start``-``end`` and ``who`` may see, oldest first."""
    q = sa.select(LeadRow).where(LeadRow.mn == mn, LeadRow.start <= end, LeadRow.end >= start)
    if who.district_filter is not None:
        q = q.where(LeadRow.district == who.district_filter)
    return list(session.scalars(q.order_by(LeadRow.start, LeadRow.id).limit(limit)))


# -- scores and enterprises -------------------------------------------------------------------


def _visible_enterprise(session: Session, ctx: WebContext, who: Principal, name: str) -> bool:
    if who.is_admin:
        return True
    districts = ctx.enterprise_districts(name)
    if not districts:
        districts = set(
            session.scalars(sa.select(LeadRow.district).where(LeadRow.enterprise == name))
        )
    return who.sees_any(districts)


def enterprise_list(
    session: Session, ctx: WebContext, who: Principal, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Enterprises ``who`` may see with score, colour, trend (points against
    :data:`TREND_DAYS` days ago), district(s) and number of active leads; worst first."""
    now = clock.now(now)
    current = scores(session, now, ctx.registry, ctx.rules)
    before = {
        s.enterprise: s.score
        for s in scores(session, now - timedelta(days=TREND_DAYS), ctx.registry, ctx.rules)
    }
    active: dict[str, int] = defaultdict(int)
    lead_district: dict[str, set[str]] = defaultdict(set)
    q = sa.select(LeadRow.enterprise, LeadRow.district, sa.func.count()).where(
        LeadRow.status.in_(sorted(L.ACTIVE))
    )
    for name, district, n in session.execute(q.group_by(LeadRow.enterprise, LeadRow.district)):
        active[name] += n
        lead_district[name].add(district)
    out = []
    for s in current:
        districts = ctx.enterprise_districts(s.enterprise) or lead_district.get(s.enterprise, set())
        if not who.sees_any(districts):
            continue
        out.append(
            {
                "enterprise": s.enterprise,
                "districts": sorted(districts),
                "score": number(s.score),
                "colour": s.colour,
                "trend": number(s.score - before.get(s.enterprise, START_SCORE)),
                "active_leads": active.get(s.enterprise, 0),
            }
        )
    return out


def score_history(
    session: Session, ctx: WebContext, enterprise: str, now: datetime | None = None, days: int = 365
) -> list[tuple[datetime, float]]:
    """The enterprise's score at the end of each of the last ``days`` days (the ledger as it stands
    now, rolling window of the rules)."""
    now = clock.now(now)
    first = now - timedelta(days=days)
    lo = months_before(first, ctx.rules.window_months)
    rows = session.execute(
        sa.select(ScoreEventRow.ts, ScoreEventRow.points)
        .where(
            ScoreEventRow.enterprise == enterprise, ScoreEventRow.ts > lo, ScoreEventRow.ts <= now
        )
        .order_by(ScoreEventRow.ts)
    ).all()
    ts = [r[0] for r in rows]
    prefix = [0.0]
    for r in rows:
        prefix.append(prefix[-1] + float(r[1]))
    out = []
    for d in range(days + 1):
        t = min(now, first + timedelta(days=d))
        a = bisect.bisect_right(ts, months_before(t, ctx.rules.window_months))
        b = bisect.bisect_right(ts, t)
        out.append((t, min(START_SCORE, max(0.0, START_SCORE + prefix[b] - prefix[a]))))
    return out


def enterprise_view(
    session: Session, ctx: WebContext, who: Principal, name: str, now: datetime | None = None
) -> dict[str, Any]:
    """An enterprise's score with its deductions, ledger, outlets, recent leads and history."""
    if not _visible_enterprise(session, ctx, who, name):
        raise NotVisible(f"no enterprise {name!r}")
    now = clock.now(now)
    sc = score_at(session, name, now, ctx.rules)
    ledger = session.scalars(
        sa.select(ScoreEventRow)
        .where(ScoreEventRow.enterprise == name)
        .order_by(ScoreEventRow.id.desc())
        .limit(200)
    ).all()
    leads_q = sa.select(LeadRow).where(LeadRow.enterprise == name)
    if who.district_filter is not None:
        leads_q = leads_q.where(LeadRow.district == who.district_filter)
    recent = session.scalars(leads_q.order_by(LeadRow.start.desc(), LeadRow.id.desc()).limit(20))
    sites = ctx.enterprise_sites.get(name, [])
    known = bool(sites) or bool(ledger)
    if not known and not session.scalar(sa.select(LeadRow.id).where(LeadRow.enterprise == name)):
        raise NotVisible(f"no enterprise {name!r}")
    last = last_data(session, ctx, [s.mn for s in sites])
    return {
        "enterprise": name,
        "score": number(sc.score),
        "colour": sc.colour,
        "visits_per_year": number(sc.visits_per_year),
        "deductions": [d.to_dict() for d in sc.deductions],
        "ledger": [
            {
                "id": e.id,
                "ts": e.ts,
                "points": number(e.points),
                "kind": e.kind,
                "lead_id": e.lead_id,
                "rule": e.rule,
                "reason": e.reason,
                "who": e.who,
                "recorded_at": e.recorded_at,
            }
            for e in ledger
        ],
        "outlets": [
            {
                "mn": s.mn,
                "name": s.name,
                "district": s.district,
                "last": last.get(s.mn),
            }
            for s in sites
        ],
        "leads": list(recent),
        "history": score_history(session, ctx, name, now),
    }


# -- ingest health ------------------------------------------------------------------------------


def last_data(session: Session, ctx: WebContext, mns: Sequence[str]) -> dict[str, datetime | None]:
    """The time of the latest hourly reading of each outlet: one ``max(ts)`` per channel, each
    answered from the key's index ``(mn, pollutant, kind, ts)``, all in one statement (sent
    straight to the driver: building it through the SQL expression layer cost ten times more
    than running it)."""
    pairs = [(mn, p) for mn in mns for p in ctx.channels(mn)]
    out: dict[str, datetime | None] = dict.fromkeys(mns)
    conn = session.connection()
    ph = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    one = f"(SELECT max(ts) FROM readings WHERE mn = {ph} AND pollutant = {ph} AND kind = 'hour')"
    for i in range(0, len(pairs), 900):
        chunk = pairs[i : i + 900]
        sql = "SELECT " + ", ".join([one] * len(chunk))
        params = tuple(x for pair in chunk for x in pair)
        row = conn.exec_driver_sql(sql, params).one()
        for (mn, _), raw in zip(chunk, row, strict=True):
            ts = _as_utc(raw)
            if ts is not None and (out[mn] is None or ts > out[mn]):
                out[mn] = ts
    return out


def _as_utc(raw: Any) -> datetime | None:
    """A stored time as aware UTC (SQLite gives the text the store wrote)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = datetime.fromisoformat(raw)
    return raw.replace(tzinfo=UTC) if raw.tzinfo is None else raw.astimezone(UTC)


def ingest_health(
    session: Session, ctx: WebContext, who: Principal, now: datetime | None = None
) -> dict[str, Any]:
    """Rows stored (the highest reading id: exact on SQLite without deletes, an upper bound on
    PostgreSQL), quarantined messages by reason, the last data of each visible registered outlet,
    the outlets silent for more than ``ctx.silent_hours``, and the daemon's messages/s when its
    metrics endpoint is configured (:class:`monitor.web.ingest_rate.IngestRate`)."""
    now = clock.now(now)
    sites = [s for s in ctx.sites.values() if who.sees_district(s.district)]
    sites.sort(key=lambda s: s.mn)
    last = last_data(session, ctx, [s.mn for s in sites])
    silent_before = now - timedelta(hours=ctx.silent_hours)
    outlets = [
        {
            "mn": s.mn,
            "enterprise": s.enterprise,
            "name": s.name,
            "district": s.district,
            "last": last[s.mn],
            "silent": last[s.mn] is None or last[s.mn] < silent_before,
        }
        for s in sites
    ]
    stored = session.scalar(sa.select(sa.func.max(_R.id))) or 0
    return {
        "stored_rows": int(stored),
        "quarantined": quarantine_counts(session, ctx, who),
        "outlets": outlets,
        "silent": [o["mn"] for o in outlets if o["silent"]],
        "silent_hours": ctx.silent_hours,
        "daemon": ctx.ingest_rate.sample() if ctx.ingest_rate is not None else None,
    }


def open_leads_by(session: Session, who: Principal) -> dict[str, dict[str, int]]:
    """Active leads counted by district and category."""
    q = sa.select(LeadRow.district, LeadRow.category, sa.func.count()).where(
        LeadRow.status.in_(sorted(L.ACTIVE))
    )
    if who.district_filter is not None:
        q = q.where(LeadRow.district == who.district_filter)
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for district, category, n in session.execute(q.group_by(LeadRow.district, LeadRow.category)):
        out[district][category] = int(n)
    return dict(sorted(out.items()))


def overview(
    session: Session, ctx: WebContext, who: Principal, now: datetime | None = None
) -> dict[str, Any]:
    """Enterprises by score, active leads by district and category, ingest health."""
    now = clock.now(now)
    return {
        "enterprises": enterprise_list(session, ctx, who, now),
        "leads_by_district": open_leads_by(session, who),
        "health": ingest_health(session, ctx, who, now),
        "at": now,
    }


# -- quarantine ---------------------------------------------------------------------------------


def _quarantine_scope(ctx: WebContext, who: Principal) -> list[str] | None:
    if who.district_filter is None:
        return None
    return sorted(mn for mn, s in ctx.sites.items() if s.district == who.district_filter)


def quarantine_counts(session: Session, ctx: WebContext, who: Principal) -> dict[str, int]:
    """Quarantined messages visible to ``who`` counted by reason."""
    q = sa.select(_Q.reason, sa.func.count()).group_by(_Q.reason).order_by(_Q.reason)
    scope = _quarantine_scope(ctx, who)
    if scope is not None:
        q = q.where(_Q.mn.in_(scope))
    return {reason: int(n) for reason, n in session.execute(q)}


def quarantine_list(
    session: Session,
    ctx: WebContext,
    who: Principal,
    reason: str | None = None,
    mn: str | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[QuarantineRow]:
    """Quarantined messages visible to ``who`` (newest first), optionally of one reason, one
    outlet and a received-at range."""
    q = sa.select(QuarantineRow)
    scope = _quarantine_scope(ctx, who)
    if scope is not None:
        q = q.where(QuarantineRow.mn.in_(scope))
    if reason:
        q = q.where(QuarantineRow.reason == reason)
    if mn:
        q = q.where(QuarantineRow.mn == mn)
    if since is not None:
        q = q.where(QuarantineRow.received_at >= since)
    if until is not None:
        q = q.where(QuarantineRow.received_at <= until)
    return list(session.scalars(q.order_by(QuarantineRow.id.desc()).limit(limit)))


def quarantine_item(
    session: Session, ctx: WebContext, who: Principal, item_id: int
) -> QuarantineRow:
    """One quarantined message when visible to ``who``."""
    row = session.get(QuarantineRow, item_id) if 0 < item_id <= MAX_ID else None
    scope = _quarantine_scope(ctx, who)
    if row is None or (scope is not None and row.mn not in scope):
        raise NotVisible(f"no quarantined message #{item_id}")
    return row


def payload_text(payload: bytes) -> tuple[str, bool]:
    """A raw payload as text for display: UTF-8 with undecodable bytes as ``\\xNN`` escapes and
    control characters other than newline/tab escaped; True when it was valid UTF-8."""
    try:
        raw = payload.decode("utf-8")
        ok = True
    except UnicodeDecodeError:
        raw = payload.decode("utf-8", errors="backslashreplace")
        ok = False
    shown = "".join(
        ch if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127) else f"\\x{ord(ch):02x}"
        for ch in raw
    )
    return shown, ok


# -- inspections --------------------------------------------------------------------------------


def inspection_draws(session: Session) -> list[InspectionDrawRow]:
    """Every recorded draw, newest period first (the lists are public)."""
    return list(
        session.scalars(sa.select(InspectionDrawRow).order_by(InspectionDrawRow.period.desc()))
    )


def inspection_draw(session: Session, period: str) -> InspectionDrawRow:
    row = session.scalar(sa.select(InspectionDrawRow).where(InspectionDrawRow.period == period))
    if row is None:
        raise NotVisible(f"no draw for {period}")
    return row


def number(x: float) -> float | int:
    """A score or points as shown: an int when whole, else rounded to 2 decimals."""
    return int(x) if float(x).is_integer() else round(float(x), 2)
