"""Stored casework tables (DESIGN.md section 8): findings, leads and their audit trail, the score
ledger, inspection draws and alerts with every delivery attempt.

Times are timezone-aware UTC (:class:`monitor.store.models.UTCDateTime`). The audit and ledger tables
(``lead_events``, ``score_events``, ``alert_attempts``) are append-only: code only inserts them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from monitor.store.base import Base
from monitor.store.models import UTCDateTime

__all__ = [
    "COMPLAINT_STATUSES",
    "LEAD_STATUSES",
    "AlertAttemptRow",
    "AlertRow",
    "ComplaintAttachmentRow",
    "ComplaintEventRow",
    "ComplaintRow",
    "FindingRow",
    "InspectionAssignmentRow",
    "InspectionDrawRow",
    "LeadEventRow",
    "LeadRow",
    "ResultRow",
    "ScoreEventRow",
    "TriageModelRow",
    "TriageRankRow",
]

_PK = BigInteger().with_variant(Integer(), "sqlite")

#: Lead statuses in lifecycle order.
LEAD_STATUSES: tuple[str, ...] = (
    "open",
    "assigned",
    "inspected",
    "confirmed",
    "dismissed",
    "closed",
)

#: Complaint statuses in lifecycle order (:mod:`monitor.casework.complaints`).
COMPLAINT_STATUSES: tuple[str, ...] = (
    "received",
    "accepted",
    "assigned",
    "handled",
    "replied",
    "closed",
)


class FindingRow(Base):
    """A stored :class:`detectors.finding.Finding`. ``fingerprint`` (SHA-256 of detector, category,
    mn, pollutant, start, end) is unique, so storing the same finding twice is a no-op."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    detector: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(16))
    mn: Mapped[str] = mapped_column(String(32), index=True)
    pollutant: Mapped[str | None] = mapped_column(String(16))
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    severity: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float(53))
    summary: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)

    lead: Mapped[LeadRow | None] = relationship(back_populates="findings")


class LeadRow(Base):
    """The unit of enforcement work: merged findings of one outlet (see :mod:`monitor.casework.leads`).

    ``status`` is the lifecycle state; ``outcome`` keeps ``confirmed`` or ``dismissed`` after the
    lead is closed. ``category``/``severity`` are the most serious of its findings.
    """

    __tablename__ = "leads"
    __table_args__ = (Index("ix_leads_mn_end", "mn", "end"),)

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    mn: Mapped[str] = mapped_column(String(32))
    enterprise: Mapped[str] = mapped_column(String(64), index=True)
    site_name: Mapped[str] = mapped_column(String(200), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(8))
    pollutants: Mapped[list[str]] = mapped_column(JSON, default=list)
    start: Mapped[datetime] = mapped_column(UTCDateTime())
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    assignee: Mapped[str | None] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    findings: Mapped[list[FindingRow]] = relationship(
        back_populates="lead", order_by="FindingRow.start"
    )
    events: Mapped[list[LeadEventRow]] = relationship(order_by="LeadEventRow.id")


class LeadEventRow(Base):
    """Append-only audit entry: a lead went from ``from_status`` to ``to_status`` (``from_status``
    None when it opened; equal statuses for an update or escalation), by ``who``, at ``at``."""

    __tablename__ = "lead_events"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    who: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")


class ScoreEventRow(Base):
    """Append-only ledger entry of an enterprise's score.

    ``kind``: ``provisional`` (a lead opened or escalated), ``final`` (confirmed: the difference to
    the final points), ``restored`` (dismissed: gives the lead's points back), ``manual`` (with a
    reason), ``lenient`` (a first minor violation, 0 points). ``ts`` is the time the points count
    from in the rolling window: a lead's events all carry the start of the lead when it opened, so
    a restoration cancels its deduction in every window.
    """

    __tablename__ = "score_events"
    __table_args__ = (Index("ix_score_events_enterprise_ts", "enterprise", "ts"),)

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    enterprise: Mapped[str] = mapped_column(String(64))
    ts: Mapped[datetime] = mapped_column(UTCDateTime())
    points: Mapped[float] = mapped_column(Float(53))
    kind: Mapped[str] = mapped_column(String(16))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    #: the record behind an entry that is not a lead's (``complaint:7``, ``inspection:12``,
    #: ``supervision:3``): its entries are netted together like a lead's
    ref: Mapped[str | None] = mapped_column(String(32), index=True)
    rule: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    who: Mapped[str] = mapped_column(String(100), default="system")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InspectionDrawRow(Base):
    """A recorded "double random" draw for one period (``YYYY-MM``), reproducible from ``seed``."""

    __tablename__ = "inspection_draws"
    __table_args__ = (UniqueConstraint("period", name="uq_inspection_draws_period"),)

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(7))
    seed: Mapped[int] = mapped_column(BigInteger)
    shares: Mapped[dict[str, float]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    assignments: Mapped[list[InspectionAssignmentRow]] = relationship(
        order_by="InspectionAssignmentRow.id", cascade="all, delete-orphan"
    )


class InspectionAssignmentRow(Base):
    """One drawn enterprise and its inspectors (``;``-separated names)."""

    __tablename__ = "inspection_assignments"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("inspection_draws.id"), index=True)
    enterprise: Mapped[str] = mapped_column(String(64), index=True)
    district: Mapped[str] = mapped_column(String(100), default="")
    colour: Mapped[str] = mapped_column(String(8))
    score: Mapped[float | None] = mapped_column(Float(53))
    inspectors: Mapped[str] = mapped_column(Text)


class AlertRow(Base):
    """A notification to a district's staff about one enterprise's new or escalated leads.

    ``leads`` lists ``{"id", "category", "severity"}`` of each lead at the level it was alerted.
    ``status``: ``pending`` (collecting leads during the grouping window), ``sending`` (deliveries
    of the current round in progress), ``sent``, ``failed`` (some delivery exhausted its attempts),
    ``inhibited`` (never sent: maintenance/calibration), ``acked``. ``round`` counts sends (a repeat
    starts a new round).
    """

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_enterprise_status", "enterprise", "status"),)

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    enterprise: Mapped[str] = mapped_column(String(64))
    district: Mapped[str] = mapped_column(String(100), default="")
    leads: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    round: Mapped[int] = mapped_column(Integer, default=0)
    round_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: set for an overdue complaint's alert (``leads`` then empty; ``severity`` medium: acceptance
    #: overdue, high: reply overdue)
    complaint_id: Mapped[int | None] = mapped_column(Integer, index=True)
    acked_by: Mapped[str | None] = mapped_column(String(100))
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ack_note: Mapped[str] = mapped_column(Text, default="")

    attempts: Mapped[list[AlertAttemptRow]] = relationship(order_by="AlertAttemptRow.id")


class AlertAttemptRow(Base):
    """One delivery attempt of an alert to one recipient on one channel, with its outcome
    (``ok`` | ``error``) and the error text (secrets redacted)."""

    __tablename__ = "alert_attempts"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(8))
    error: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ComplaintRow(Base):
    """A public complaint (信访) and where it is in its closed loop (:mod:`monitor.casework.
    complaints`). ``contact`` is personal data: shown to admins only, never in a public list.
    Deadlines are computed when it is received (working days of the configuration then)."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    contact: Mapped[str] = mapped_column(Text, default="")
    enterprise: Mapped[str | None] = mapped_column(String(64), index=True)
    location: Mapped[str] = mapped_column(Text, default="")
    district: Mapped[str] = mapped_column(String(100), default="", index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    accept_due: Mapped[datetime] = mapped_column(UTCDateTime())
    reply_due: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assignee: Mapped[str | None] = mapped_column(String(100))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    substantiated: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)

    events: Mapped[list[ComplaintEventRow]] = relationship(order_by="ComplaintEventRow.id")
    attachments: Mapped[list[ComplaintAttachmentRow]] = relationship(
        order_by="ComplaintAttachmentRow.id"
    )


class ComplaintEventRow(Base):
    """Append-only audit entry of a complaint (as :class:`LeadEventRow` for leads)."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    who: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")


class ComplaintAttachmentRow(Base):
    """A file of a complaint (a photo), stored beside the database under its SHA-256."""

    __tablename__ = "complaint_attachments"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ResultRow(Base):
    """The result of a double-random inspection visit (``source`` ``inspection``) or a finding of
    higher-level supervision (``supervision``): no problem, or a problem with its category,
    evidence, penalty and the leniency facts (:mod:`monitor.casework.results`)."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16), index=True)
    enterprise: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    period: Mapped[str | None] = mapped_column(String(7))
    authority: Mapped[str] = mapped_column(String(200), default="")
    problem: Mapped[bool] = mapped_column(Boolean)
    category: Mapped[str | None] = mapped_column(String(32))
    evidence: Mapped[str] = mapped_column(Text, default="")
    penalty: Mapped[float] = mapped_column(Float(53), default=0.0)
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
    unintentional: Mapped[bool] = mapped_column(Boolean, default=False)
    corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    who: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TriageModelRow(Base):
    """A trained triage model (:mod:`monitor.casework.triage`): ``model`` holds its joblib bytes;
    ``version`` counts up; the training window and the ids of the leads whose verdicts it saw are
    kept with it."""

    __tablename__ = "triage_models"

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    trained_by: Mapped[str] = mapped_column(String(100))
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    n_verdicts: Mapped[int] = mapped_column(Integer)
    n_confirmed: Mapped[int] = mapped_column(Integer)
    lead_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    features: Mapped[list[str]] = mapped_column(JSON, default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    model: Mapped[bytes] = mapped_column(LargeBinary)


class TriageRankRow(Base):
    """Append-only audit: model ``model_version`` (0: the prior) ranked lead ``lead_id`` with
    ``probability`` and the features that moved it (``why``), first at ``at``."""

    __tablename__ = "triage_ranks"
    __table_args__ = (UniqueConstraint("lead_id", "model_version", name="uq_triage_ranks_lead"),)

    id: Mapped[int] = mapped_column(_PK, primary_key=True, autoincrement=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    model_version: Mapped[int] = mapped_column(Integer)
    probability: Mapped[float] = mapped_column(Float(53))
    why: Mapped[list[Any]] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
