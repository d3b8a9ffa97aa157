"""Leads: findings turned into enforcement work, with a lifecycle and an append-only audit trail.

Merging (:func:`record_findings`), per outlet (MN):

- a finding is stored once: its fingerprint (SHA-256 of detector, rule, category, mn, pollutant,
  start, end) is unique, and a finding inside the span of a stored finding of the same detector,
  rule (``evidence["rule"]``: an hourly run and a daily mean are different findings), outlet and
  pollutant is already known, so recording the same findings again changes nothing;
- a finding overlapping such a stored finding of an active lead widens that finding (a detector
  re-run on a sliding window reports a growing run) instead of adding a row; one overlapping such
  a finding of a decided lead widens it and that lead's span: the condition went on after the
  decision, which neither reopens the lead nor opens, scores or alerts a new one;
- a finding ``[s, e]`` joins an *active* lead (``open``, ``assigned``, ``inspected``) of its outlet
  when ``lead.start - merge_gap <= e`` and ``s <= lead.end + merge_gap`` (they overlap or follow
  within ``merge_gap``, default one day); with several candidates, the earliest lead;
- the lead then spans all its findings, its severity is the maximum (low < medium < high), its
  category the most serious (completeness < exceedance < integrity), its summary that of its most
  serious finding; if severity or category rose, the lead is *escalated*;
- a *validity* finding that joins no lead that way joins an active validity lead of its outlet
  that holds a finding of the same detector and pollutant, whenever it was: a standing instrument
  condition (a flow meter's range set too low, met at every storm) is one lead, not one a storm.
  The finding is that lead's evidence only: the lead keeps its span (so it swallows nothing
  else) and its alerts; its points grow only when the channel's sustained episodes make it a
  repeated pattern (:meth:`monitor.casework.scoring.ScoringRules.repeated`). Such a finding
  judged more serious later (frozen's hold whose month filled up: integrity ``sustained``) leaves
  that lead and opens one of its own over its own span (open event, points, alert); a stored
  finding inside its lead's span raises that lead instead;
- a finding inside the time span of a *decided* lead (confirmed, dismissed, closed) of its outlet
  is kept as that lead's evidence without reopening it; otherwise it opens a new lead;
- leads are not merged with each other when a finding bridges two of them.

The audit trail records ``open``, ``escalate`` and every lifecycle step; new evidence that does
not escalate is visible in the findings (``recorded_at``), not in the audit.

Lifecycle: ``open -> assigned -> inspected -> confirmed | dismissed -> closed``; ``assign`` may
also re-assign an assigned lead. Each transition appends a :class:`LeadEventRow` (who, when, note);
an illegal one raises :class:`LeadError` naming the allowed states. Scores follow the lead
(:mod:`monitor.casework.scoring`): provisional when it opens or escalates, final when confirmed, restored
when dismissed.

The caller owns the session and its transaction (``with monitor.store.base.transaction(engine) as s: ...``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from detectors.finding import Finding
from monitor import clock
from monitor.casework import audit, scoring
from monitor.config import DEFAULT_TIMEZONE
from monitor.locale import text
from monitor.registry import sites_by_mn
from monitor.store.base import in_chunks
from monitor.store.casework_models import FindingRow, LeadEventRow, LeadRow

__all__ = [
    "ACTIVE",
    "DECIDED",
    "LeadChanges",
    "LeadError",
    "LeadNotFound",
    "assign",
    "close",
    "confirm",
    "dismiss",
    "fingerprint",
    "get_lead",
    "inspect",
    "lead_dict",
    "list_leads",
    "rank",
    "record_findings",
    "suggested_action",
]

ACTIVE: Final[frozenset[str]] = frozenset({"open", "assigned", "inspected"})
DECIDED: Final[frozenset[str]] = frozenset({"confirmed", "dismissed", "closed"})
CATEGORY_RANK: Final[dict[str, int]] = {
    "completeness": 0,
    "validity": 1,
    "exceedance": 2,
    "integrity": 3,
}
SEVERITY_RANK: Final[dict[str, int]] = {"low": 0, "medium": 1, "high": 2}
MERGE_GAP: Final = timedelta(days=1)

#: action -> (statuses it may start from, status it leads to)
TRANSITIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    "assign": (frozenset({"open", "assigned"}), "assigned"),
    "inspect": (frozenset({"assigned"}), "inspected"),
    "confirm": (frozenset({"inspected"}), "confirmed"),
    "dismiss": (frozenset({"inspected"}), "dismissed"),
    "close": (frozenset({"confirmed", "dismissed"}), "closed"),
}


class LeadError(ValueError):
    """An illegal lead operation (e.g. confirming a lead that was not inspected)."""


class LeadNotFound(LeadError):
    """No lead with that id."""


@dataclass
class LeadChanges:
    """What :func:`record_findings` did: ids of leads opened, escalated (severity or category rose)
    and otherwise updated (new evidence), and the number of findings newly stored."""

    opened: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    stored: int = 0

    @property
    def alertable(self) -> list[int]:
        """Leads that notify staff: opened and escalated."""
        return [*self.opened, *self.escalated]


def rule_of(evidence: Any) -> str:
    """The rule a finding's detector applied (``evidence["rule"]``): one detector may report
    several kinds of finding (an hourly run and a daily mean, zeros and a floor), which must not
    be taken for one another."""
    return str(evidence.get("rule", "")) if isinstance(evidence, dict) else ""


def fingerprint(f: Finding) -> str:
    """SHA-256 hex of detector, rule, category, mn, pollutant, start and end (UTC)."""
    parts = [
        f.detector,
        rule_of(f.evidence),
        f.category,
        f.mn,
        f.pollutant or "",
        _utc(f.start).isoformat(),
        _utc(f.end).isoformat(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def suggested_action(category: str, lang: str = "en") -> str:
    """The catalogue's suggested action for a lead of ``category``."""
    return text(f"lead.action.{category}", lang)


def _utc(ts: Any) -> datetime:
    t = pd.Timestamp(ts)
    if t.tzinfo is None:
        raise LeadError(f"finding time {ts!r} is naive: findings need tz-aware start/end")
    return t.tz_convert("UTC").to_pydatetime()


def rank(category: str, severity: str) -> tuple[int, int]:
    """How serious a lead or finding is, for comparing: (category rank, severity rank)."""
    return CATEGORY_RANK[category], SEVERITY_RANK[severity]


def _new_fingerprints(
    session: Session, findings: Sequence[Finding]
) -> tuple[list[tuple[Finding, str]], dict[str, Finding]]:
    """The findings whose fingerprint is not stored yet (with it), and those that are (by it)."""
    keyed: dict[str, Finding] = {}
    for f in findings:
        keyed.setdefault(fingerprint(f), f)
    known: set[str] = set()
    keys = list(keyed)
    for chunk in in_chunks(keys):
        known.update(
            session.scalars(
                sa.select(FindingRow.fingerprint).where(FindingRow.fingerprint.in_(chunk))
            )
        )
    fresh = [(f, k) for k, f in keyed.items() if k not in known]
    return fresh, {k: f for k, f in keyed.items() if k in known}


def record_findings(
    session: Session,
    findings: Iterable[Finding],
    registry: Any,
    *,
    rules: scoring.ScoringRules | None = None,
    merge_gap: timedelta = MERGE_GAP,
    now: datetime | None = None,
) -> LeadChanges:
    """Store ``findings`` and open or update leads (rules in the module docstring).

    ``registry`` gives each outlet's enterprise, name and district (see
    :mod:`monitor.registry`); an outlet missing from it raises :class:`LeadError`.
    Scores follow (``rules``, default the packaged ones). Idempotent: a second call with the same
    findings returns empty changes.
    """
    now = clock.now(now)
    sites = sites_by_mn(registry)
    fresh, stored = _new_fingerprints(session, list(findings))
    changes = LeadChanges()
    by_mn: dict[str, list[tuple[Finding, str]]] = defaultdict(list)
    for f, key in fresh:
        by_mn[f.mn].append((f, key))
    touched: dict[int, tuple[LeadRow, tuple[int, int]]] = {}
    opened: set[int] = set()

    def touch(lead: LeadRow) -> None:
        touched.setdefault(id(lead), (lead, rank(lead.category, lead.severity)))

    missing = sorted(mn for mn in by_mn if mn not in sites)
    if missing:
        mn = missing[0]
        raise LeadError(f'outlet {mn} is not in the site registry: add a [[site]] with mn = "{mn}"')
    _restate(session, stored)  # (after the check: a refused batch changes no stored row)
    leads_by_mn, rows_by_mn = _load_context(session, by_mn, merge_gap)
    for mn in sorted(by_mn):
        site = sites[mn]
        items = sorted(by_mn[mn], key=lambda p: (_utc(p[0].start), _utc(p[0].end), p[1]))
        leads = leads_by_mn[mn]
        rows = rows_by_mn[mn]
        for f, key in items:
            start, end = _utc(f.start), _utc(f.end)
            rule = rule_of(f.evidence)
            same = [
                r
                for r in rows
                if r.detector == f.detector
                and r.pollutant == f.pollutant
                and rule_of(r.evidence) == rule
                and r.start <= end
                and start <= r.end
            ]
            known = next((r for r in same if r.start <= start and end <= r.end), None)
            if known is not None:
                # already known: a rerun over a window inside a stored finding; judged more
                # serious now (frozen's hold whose month filled up later: validity, then
                # integrity "sustained"), the stored finding and its open lead rise with it
                if (
                    rank(f.category, f.severity) > rank(known.category, known.severity)
                    and known.lead is not None
                    and known.lead.status in ACTIVE
                ):
                    _raise(known, f)
                    held = known.lead
                    if held.start <= known.start and known.end <= held.end:
                        touch(held)
                        _extend(held, f, start, end, now)
                    else:
                        # it joined a standing condition outside that lead's span: raised, it is
                        # a sign about its own dates, so it leaves that lead for one of its own
                        # (stretching the lead over months would swallow unrelated findings)
                        own = _open(session, f, known.start, known.end, site, now)
                        known.lead = own
                        held.updated_at = now
                        leads.append(own)
                        opened.add(id(own))
                        touch(own)
                else:
                    # a live pass first stored the hold part-way (another fingerprint): its
                    # month filling up later is said here, as `_restate` says it for the same one
                    _restate_month(known, f)
                continue
            changes.stored += 1
            grown = next((r for r in same if r.lead is not None and r.lead.status in ACTIVE), None)
            if grown is not None:
                _grow(grown, f, start, end)
                touch(grown.lead)
                _extend(grown.lead, f, start, end, now)
                continue
            decided = next(
                (r for r in same if r.lead is not None and r.lead.status in DECIDED), None
            )
            if decided is not None:
                # the same condition going on after the lead was decided: more evidence for that
                # decision (the lead's span grows), not a new lead, new points or a new alert
                _grow(decided, f, start, end)
                decided.lead.start = min(decided.lead.start, start)
                decided.lead.end = max(decided.lead.end, end)
                decided.lead.updated_at = now
                continue
            row = FindingRow(
                fingerprint=key,
                detector=f.detector,
                category=f.category,
                mn=f.mn,
                pollutant=f.pollutant,
                start=start,
                end=end,
                severity=f.severity,
                confidence=float(f.confidence),
                summary=f.summary,
                evidence=f.to_dict()["evidence"],
                recorded_at=now,
            )
            rows.append(row)
            session.add(row)
            lead = _active_match(leads, start, end, merge_gap)
            if lead is None and f.category == "validity":
                standing = _standing_condition(leads, f)
                if standing is not None:
                    # the same instrument condition again (a range set too low, met at every
                    # storm): more evidence for the open lead, not a lead or alert of its own;
                    # the lead keeps its span so it swallows nothing else
                    row.lead = standing
                    standing.updated_at = now
                    touch(standing)  # its points may grow with the episodes (scoring)
                    continue
            if lead is None:
                decided = _decided_container(leads, start, end)
                if decided is not None:
                    row.lead = decided
                    continue
                lead = _open(session, f, start, end, site, now)
                leads.append(lead)
                opened.add(id(lead))
            touch(lead)
            _extend(lead, f, start, end, now)
            row.lead = lead
    session.flush()
    fresh_leads = []
    with session.no_autoflush:
        for key_id, (lead, before) in touched.items():
            if key_id in opened:
                session.add(_event(lead, "open", None, "open", "system", now, lead.summary))
                fresh_leads.append(lead)
                changes.opened.append(lead.id)
            elif rank(lead.category, lead.severity) > before:
                note = f"escalated to {lead.category}/{lead.severity} by new findings"
                session.add(_event(lead, "escalate", lead.status, lead.status, "system", now, note))
                scoring.on_lead_escalated(session, lead, rules)
                changes.escalated.append(lead.id)
            else:
                scoring.on_lead_grown(session, lead, rules)
                changes.updated.append(lead.id)
        scoring.on_leads_opened(session, fresh_leads, rules)
    session.flush()
    return changes


def _load_context(
    session: Session, by_mn: dict[str, list[tuple[Finding, str]]], gap: timedelta
) -> tuple[dict[str, list[LeadRow]], dict[str, list[FindingRow]]]:
    """Leads and stored findings of the batch's outlets near the batch's time span, by MN, and
    their active validity leads of any time (standing conditions)."""
    leads: dict[str, list[LeadRow]] = {mn: [] for mn in by_mn}
    rows: dict[str, list[FindingRow]] = {mn: [] for mn in by_mn}
    if not by_mn:
        return leads, rows
    every = [f for items in by_mn.values() for f, _ in items]
    lo = min(_utc(f.start) for f in every) - gap
    hi = max(_utc(f.end) for f in every) + gap
    for chunk in in_chunks(sorted(by_mn)):
        for lead in session.scalars(
            sa.select(LeadRow)
            .where(LeadRow.mn.in_(chunk), LeadRow.end >= lo, LeadRow.start <= hi)
            .order_by(LeadRow.start, LeadRow.id)
        ):
            leads[lead.mn].append(lead)
        near = {lead.id for mn in chunk for lead in leads[mn]}
        for lead in session.scalars(  # open validity leads at any time: standing conditions
            sa.select(LeadRow)
            .where(
                LeadRow.mn.in_(chunk),
                LeadRow.category == "validity",
                LeadRow.status.in_(sorted(ACTIVE)),
            )
            .order_by(LeadRow.start, LeadRow.id)
        ):
            if lead.id not in near:
                leads[lead.mn].append(lead)
        for row in session.scalars(
            sa.select(FindingRow)
            .where(FindingRow.mn.in_(chunk), FindingRow.end >= lo, FindingRow.start <= hi)
            .order_by(FindingRow.id)
        ):
            rows[row.mn].append(row)
    return leads, rows


def _grow(row: FindingRow, f: Finding, start: datetime, end: datetime) -> None:
    """Widen a stored finding to the union with a newer overlapping one of the same detector; the
    newer summary and evidence win when it reaches later."""
    if end >= row.end:
        row.summary, row.evidence = f.summary, f.to_dict()["evidence"]
    row.start, row.end = min(row.start, start), max(row.end, end)
    if SEVERITY_RANK[f.severity] > SEVERITY_RANK[row.severity]:
        row.severity = f.severity
    if CATEGORY_RANK[f.category] > CATEGORY_RANK[row.category]:
        row.category = f.category
    row.confidence = max(row.confidence, float(f.confidence))


def _restate(session: Session, stored: dict[str, Finding]) -> None:
    """A stored finding reported again (``stored``: by fingerprint), now saying its month is past
    what a month's data may lack (frozen's ``month_over``, a later hold of the month filled it
    up): its wording and evidence become the newer, and its lead's summary where it was the
    finding's (`_restate_month`). One query per 500 such findings."""
    keyed = {k: f for k, f in stored.items() if f.evidence.get("month_over")}
    for chunk in in_chunks(list(keyed)):
        for row in session.scalars(sa.select(FindingRow).where(FindingRow.fingerprint.in_(chunk))):
            _restate_month(row, keyed[row.fingerprint])


def _restate_month(row: FindingRow, f: Finding) -> None:
    """Stored ``row`` restated by ``f``, of its category, where ``f`` newly says its month is
    past what a month's data may lack."""
    if (
        not f.evidence.get("month_over")
        or (row.evidence or {}).get("month_over")
        or row.category != f.category
    ):
        return
    old = row.summary
    row.summary, row.evidence = f.summary, f.to_dict()["evidence"]
    lead = row.lead
    # an open lead that says what this finding said, or holds no other (a live pass's first,
    # part-way sighting wrote its summary: reviewer-T8d2); a decided lead keeps its record
    if (
        lead is not None
        and lead.status in ACTIVE
        and (lead.summary == old or len(lead.findings) == 1)
    ):
        lead.summary = f.summary


def _raise(row: FindingRow, f: Finding) -> None:
    """A stored finding judged again more serious over the same or a narrower span: its category,
    severity, wording and evidence become the newer judgement's (its span stays)."""
    row.category = max(row.category, f.category, key=CATEGORY_RANK.__getitem__)
    row.severity = max(row.severity, f.severity, key=SEVERITY_RANK.__getitem__)
    row.summary, row.evidence = f.summary, f.to_dict()["evidence"]
    row.confidence = max(row.confidence, float(f.confidence))


def _active_match(
    leads: list[LeadRow], start: datetime, end: datetime, gap: timedelta
) -> LeadRow | None:
    for lead in leads:
        if lead.status in ACTIVE and lead.start - gap <= end and start <= lead.end + gap:
            return lead
    return None


def _standing_condition(leads: list[LeadRow], f: Finding) -> LeadRow | None:
    """An active validity lead of the outlet holding a finding of ``f``'s detector and channel."""
    for lead in leads:
        if (
            lead.status in ACTIVE
            and lead.category == "validity"
            and any(r.detector == f.detector and r.pollutant == f.pollutant for r in lead.findings)
        ):
            return lead
    return None


def _decided_container(leads: list[LeadRow], start: datetime, end: datetime) -> LeadRow | None:
    for lead in leads:
        if lead.status in DECIDED and lead.start <= start and end <= lead.end:
            return lead
    return None


def _open(
    session: Session, f: Finding, start: datetime, end: datetime, site: Any, now: datetime
) -> LeadRow:
    lead = LeadRow(
        mn=f.mn,
        enterprise=site.enterprise,
        site_name=getattr(site, "name", "") or "",
        district=getattr(site, "district", "") or "",
        category=f.category,
        severity=f.severity,
        pollutants=[f.pollutant] if f.pollutant else [],
        start=start,
        end=end,
        summary=f.summary,
        status="open",
        opened_at=now,
        updated_at=now,
    )
    session.add(lead)
    return lead


def _extend(lead: LeadRow, f: Finding, start: datetime, end: datetime, now: datetime) -> None:
    lead.start = min(lead.start, start)
    lead.end = max(lead.end, end)
    if f.pollutant and f.pollutant not in lead.pollutants:
        lead.pollutants = [*lead.pollutants, f.pollutant]
    old = rank(lead.category, lead.severity)
    if rank(f.category, f.severity) > old:
        lead.summary = f.summary
    if CATEGORY_RANK[f.category] > CATEGORY_RANK[lead.category]:
        lead.category = f.category
    if SEVERITY_RANK[f.severity] > SEVERITY_RANK[lead.severity]:
        lead.severity = f.severity
    lead.updated_at = now


def _event(
    lead: LeadRow, action: str, frm: str | None, to: str, who: str, at: datetime, note: str
) -> LeadEventRow:
    return LeadEventRow(
        lead_id=lead.id, action=action, from_status=frm, to_status=to, who=who, at=at, note=note
    )


# -- lifecycle --------------------------------------------------------------------------------------


def get_lead(session: Session, lead_id: int) -> LeadRow:
    """The lead ``lead_id`` (:class:`LeadNotFound` otherwise)."""
    lead = session.get(LeadRow, lead_id)
    if lead is None:
        raise LeadNotFound(f"no lead #{lead_id}: see `monitor leads list`")
    return lead


def _transition(
    session: Session,
    lead_id: int,
    action: str,
    who: str,
    note: str,
    now: datetime | None,
) -> LeadRow:
    if not who or not who.strip():
        raise LeadError(f"{action} needs who is acting (--who)")
    lead = get_lead(session, lead_id)
    allowed, target = TRANSITIONS[action]
    if lead.status not in allowed:
        raise LeadError(
            f"lead #{lead_id} is {lead.status}: cannot {action} it "
            f"(allowed from: {', '.join(sorted(allowed))})"
        )
    at = clock.now(now)
    session.add(_event(lead, action, lead.status, target, who.strip(), at, note))
    lead.status = target
    lead.updated_at = at
    return lead


def assign(
    session: Session,
    lead_id: int,
    who: str,
    note: str = "",
    *,
    assignee: str | None = None,
    now: datetime | None = None,
) -> LeadRow:
    """open|assigned -> assigned; ``assignee`` (default ``who``) takes the lead."""
    lead = _transition(session, lead_id, "assign", who, note, now)
    lead.assignee = (assignee or who).strip()
    session.flush()
    return lead


def inspect(
    session: Session, lead_id: int, who: str, note: str = "", *, now: datetime | None = None
) -> LeadRow:
    """assigned -> inspected (the on-site or desk check was done; ``note`` says what was found)."""
    lead = _transition(session, lead_id, "inspect", who, note, now)
    session.flush()
    return lead


def confirm(
    session: Session,
    lead_id: int,
    who: str,
    note: str = "",
    *,
    rules: scoring.ScoringRules | None = None,
    now: datetime | None = None,
) -> LeadRow:
    """inspected -> confirmed; the lead's score deduction becomes final."""
    lead = _transition(session, lead_id, "confirm", who, note, now)
    lead.outcome = "confirmed"
    session.flush()
    scoring.on_lead_confirmed(session, lead, who.strip(), rules)
    session.flush()
    return lead


def dismiss(
    session: Session, lead_id: int, who: str, note: str = "", *, now: datetime | None = None
) -> LeadRow:
    """inspected -> dismissed; the lead's points are restored."""
    lead = _transition(session, lead_id, "dismiss", who, note, now)
    lead.outcome = "dismissed"
    session.flush()
    scoring.on_lead_dismissed(session, lead, who.strip())
    session.flush()
    return lead


def close(
    session: Session, lead_id: int, who: str, note: str = "", *, now: datetime | None = None
) -> LeadRow:
    """confirmed|dismissed -> closed (``outcome`` keeps the decision)."""
    lead = _transition(session, lead_id, "close", who, note, now)
    session.flush()
    return lead


def act(
    session: Session,
    lead_id: int,
    action: str,
    who: str,
    note: str = "",
    *,
    assignee: str | None = None,
    rules: scoring.ScoringRules | None = None,
    now: datetime | None = None,
    source: str = "",
) -> LeadRow:
    """Run one lifecycle ``action`` (a key of :data:`TRANSITIONS`) on a lead as ``who``.

    The one entry point for the command line, the web page and the JSON API: ``assignee`` is used
    by ``assign`` (default ``who``), ``rules`` by ``confirm``; the others take neither. The action
    enters the audit trail (:mod:`monitor.casework.audit`) from ``source`` (default: this
    machine's ``cli LOGIN@HOST``) in the same transaction.
    """
    note = note.strip()
    if action == "assign":
        lead = assign(
            session, lead_id, who, note, assignee=(assignee or "").strip() or None, now=now
        )
    elif action == "confirm":
        lead = confirm(session, lead_id, who, note, rules=rules, now=now)
    else:
        steps = {"inspect": inspect, "dismiss": dismiss, "close": close}
        if action not in steps:
            raise LeadError(f"unknown action {action!r}: one of {', '.join(sorted(TRANSITIONS))}")
        lead = steps[action](session, lead_id, who, note, now=now)
    detail = f"-> {lead.assignee}: {note}" if action == "assign" else note
    audit.record(
        session, f"lead.{action}", who, object=f"lead:{lead_id}", source=source, detail=detail
    )
    return lead


# -- reading ----------------------------------------------------------------------------------------


def list_leads(
    session: Session,
    *,
    status: str | None = None,
    enterprise: str | None = None,
    mn: str | None = None,
) -> list[LeadRow]:
    """Leads, newest first, filtered by ``status`` (or ``active``), ``enterprise`` and ``mn``."""
    q = sa.select(LeadRow)
    if status == "active":
        q = q.where(LeadRow.status.in_(sorted(ACTIVE)))
    elif status is not None:
        q = q.where(LeadRow.status == status)
    if enterprise is not None:
        q = q.where(LeadRow.enterprise == enterprise)
    if mn is not None:
        q = q.where(LeadRow.mn == mn)
    return list(session.scalars(q.order_by(LeadRow.start.desc(), LeadRow.id.desc())))


#: The columns of a list of leads for people (the command line's table, the web page's download).
QUEUE_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "status",
    "enterprise",
    "mn",
    "category",
    "severity",
    "start",
    "end",
    "assignee",
    "summary",
)


def lead_dict(
    lead: LeadRow, *, lang: str = "en", tz: str = DEFAULT_TIMEZONE, detail: bool = False
) -> dict[str, Any]:
    """A lead as plain data (times in ``tz``); with ``detail``, its findings and audit trail."""

    def show(ts: datetime | None) -> str | None:
        return None if ts is None else pd.Timestamp(ts).tz_convert(tz).isoformat(timespec="seconds")

    out: dict[str, Any] = {
        "id": lead.id,
        "status": lead.status,
        "outcome": lead.outcome,
        "enterprise": lead.enterprise,
        "mn": lead.mn,
        "site": lead.site_name,
        "district": lead.district,
        "category": lead.category,
        "severity": lead.severity,
        "pollutants": list(lead.pollutants),
        "start": show(lead.start),
        "end": show(lead.end),
        "assignee": lead.assignee,
        "summary": lead.summary,
        "action": suggested_action(lead.category, lang),
        "opened_at": show(lead.opened_at),
        "updated_at": show(lead.updated_at),
    }
    if detail:
        out["findings"] = [
            {
                "id": f.id,
                "detector": f.detector,
                "category": f.category,
                "pollutant": f.pollutant,
                "start": show(f.start),
                "end": show(f.end),
                "severity": f.severity,
                "confidence": f.confidence,
                "summary": f.summary,
                "evidence": f.evidence,
            }
            for f in lead.findings
        ]
        out["audit"] = [
            {
                "at": show(e.at),
                "action": e.action,
                "from": e.from_status,
                "to": e.to_status,
                "who": e.who,
                "note": e.note,
            }
            for e in lead.events
        ]
    return out
