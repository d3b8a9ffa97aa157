"""The JSON API under ``/api`` (documented by the OpenAPI document at ``/openapi.json``).

Authentication: the page's session cookie (a write then needs the session's CSRF token in the
``X-CSRF-Token`` header) or HTTP Basic credentials of a ``monitor users`` account. The scope rules
of the pages hold: an inspector reads and acts only on their district's leads; a lead outside it
answers 404 as if it did not exist. Times are ISO 8601 in the configured zone.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field, field_validator

from monitor.casework import audit
from monitor.casework import leads as L
from monitor.casework.scoring import score_at
from monitor.casework.triage import ranked_dict
from monitor.web import queries as Q
from monitor.web.auth import Principal
from monitor.web.context import WebContext
from monitor.web.deps import api_principal, basic_auth, lead_filters, source_of
from monitor.web.limits import MAX_ASSIGNEE, MAX_ID, MAX_NOTE

__all__ = ["ActionIn", "LeadOut", "router"]

router = APIRouter(prefix="/api", tags=["outlet-watch"], dependencies=[Depends(basic_auth)])


class ActionIn(BaseModel):
    """A lifecycle step: the note for the audit trail, and for ``assign`` who takes the lead
    (default: the caller)."""

    note: str = Field("", max_length=MAX_NOTE)
    assignee: str | None = Field(None, max_length=MAX_ASSIGNEE)

    @field_validator("note", "assignee")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


class LeadOut(BaseModel):
    id: int
    status: str
    outcome: str | None
    enterprise: str
    mn: str
    site: str
    district: str
    category: str
    severity: str
    pollutants: list[str]
    start: str
    end: str
    assignee: str | None
    summary: str
    action: str = Field(description="Suggested action in the configured language")
    opened_at: str
    updated_at: str
    probability: float | None = Field(
        None, description="Triage: probability a visit confirms the lead (when ranked)"
    )
    model: int | None = Field(None, description="Triage model version that ranked it (0: prior)")
    why: str | None = Field(None, description="Features that moved it most, in the language")


class LeadDetailOut(LeadOut):
    findings: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    score: dict[str, Any]


class Me(BaseModel):
    username: str
    role: str
    district: str
    csrf: str | None = Field(
        None, description="The session's token for X-CSRF-Token (cookie sessions only)"
    )


def _ctx(request: Request) -> WebContext:
    return request.app.state.ctx


def _iso(ctx: WebContext, ts: Any) -> str | None:
    return None if ts is None else ctx.show(ts, "%Y-%m-%dT%H:%M:%S%z")


def _lead(ctx: WebContext, lead: Any, detail: bool = False) -> dict[str, Any]:
    return L.lead_dict(lead, lang=ctx.lang, tz=ctx.timezone, detail=detail)


def _visible(s: Any, who: Principal, lead_id: int) -> Any:
    try:
        return Q.visible_lead(s, who, lead_id)
    except Q.NotVisible:
        raise HTTPException(404, f"no lead #{lead_id}") from None


@router.get("/me", response_model=Me)
def me(request: Request) -> dict[str, Any]:
    """Who the credentials belong to."""
    ctx = _ctx(request)
    with ctx.session() as s:
        who = api_principal(request, s)
    cookie = not request.headers.get("authorization", "").lower().startswith("basic ")
    return {
        "username": who.username,
        "role": who.role,
        "district": who.district,
        "csrf": request.state.sess.csrf if cookie else None,
    }


@router.get("/leads", response_model=list[LeadOut])
def list_leads(
    request: Request,
    district: str | None = None,
    status: Literal["active", "open", "assigned", "inspected", "confirmed", "dismissed", "closed"]
    | None = None,
    category: Literal["exceedance", "integrity", "validity", "completeness"] | None = None,
    severity: Literal["high", "medium", "low"] | None = None,
    enterprise: str | None = None,
    limit: int = Query(Q.QUEUE_LIMIT, ge=1, le=5000),
    offset: int = Query(0, ge=0),
    sort: Literal["triage", "newest"] | None = None,
) -> list[dict[str, Any]]:
    """Leads the caller may see, filtered; ``offset``/``limit`` page through. Order: ``triage``
    (most likely confirmed first, with ``probability``, ``model`` and ``why``; the default once a
    triage model is trained) or ``newest``."""
    ctx = _ctx(request)
    with ctx.session() as s:
        who = api_principal(request, s)
        if offset > MAX_ID:
            raise HTTPException(400, f"offset must be at most {MAX_ID}")
        f = lead_filters(district, status, category, severity, enterprise)
        rows, ranks = Q.ranked_queue(
            s, who, f, limit=limit, offset=offset, sort=sort, rules=ctx.rules
        )
        return [
            _lead(ctx, x) | (ranked_dict(ranks[x.id], ctx.lang) if x.id in ranks else {})
            for x in rows
        ]


@router.get("/leads/{lead_id}", response_model=LeadDetailOut)
def get_lead(request: Request, lead_id: int) -> dict[str, Any]:
    """One lead with its findings (evidence), audit trail and the enterprise's current score."""
    ctx = _ctx(request)
    with ctx.session() as s:
        who = api_principal(request, s)
        lead = _visible(s, who, lead_id)
        out = _lead(ctx, lead, detail=True)
        sc = score_at(s, lead.enterprise, None, ctx.rules)
        out["score"] = {"score": Q.number(sc.score), "colour": sc.colour}
        return out


@router.get("/leads/{lead_id}/readings")
def lead_readings(request: Request, lead_id: int) -> dict[str, Any]:
    """The stored hourly readings of the lead's outlet around its window (what the chart
    shows), with each row's flag, QN and receive time, and the outlet's limits."""
    ctx = _ctx(request)
    with ctx.session() as s:
        who = api_principal(request, s)
        lead = _visible(s, who, lead_id)
        start, end = Q.chart_window(lead)
        frame = Q.lead_readings(s, ctx, lead, ctx.channels(lead.mn))
        rows = [
            {
                "pollutant": r.pollutant,
                "ts": _iso(ctx, r.ts),
                "value": None if r.value != r.value else r.value,
                "min": None if r.min != r.min else r.min,
                "max": None if r.max != r.max else r.max,
                "cou": None if r.cou != r.cou else r.cou,
                "flag": r.flag,
                "qn": r.qn,
                "received_at": _iso(ctx, r.received_at),
            }
            for r in frame.itertuples(index=False)
        ]
        limits = {p: ctx.limit_of(lead.mn, p) for p in ctx.channels(lead.mn)}
    return {
        "lead": lead_id,
        "mn": lead.mn,
        "start": _iso(ctx, start),
        "end": _iso(ctx, end),
        "limits": {p: {"low": lo, "high": hi} for p, (lo, hi) in limits.items()},
        "readings": rows,
    }


@router.post("/leads/{lead_id}/{action}", response_model=LeadOut)
def act(
    request: Request,
    lead_id: int,
    action: Literal["assign", "inspect", "confirm", "dismiss", "close"],
    body: ActionIn | None = None,
) -> dict[str, Any]:
    """Move a lead through its lifecycle (``open -> assigned -> inspected -> confirmed |
    dismissed -> closed``) as the caller; 409 when the step is not allowed from its status."""

    ctx = _ctx(request)
    body = body or ActionIn()
    with ctx.session() as s:
        who = api_principal(request, s, writes=True)
        _visible(s, who, lead_id)
        try:
            lead = L.act(
                s,
                lead_id,
                action,
                who.username,
                body.note,
                assignee=body.assignee,
                rules=ctx.rules,
                source=f"api {source_of(request)}",
            )
        except L.LeadError as exc:
            raise HTTPException(409, str(exc)) from None
        return _lead(ctx, lead)


@router.get("/audit")
def audit_log(
    request: Request,
    who: str | None = Query(None, max_length=100),
    action: str | None = Query(None, max_length=40),
    limit: int = Query(200, ge=1, le=5000),
) -> list[dict[str, Any]]:
    """The audit trail, newest first (administrators only, else 403): sign-ins, failed and
    refused sign-ins, sign-outs, every action on a lead, a score or an account; ``action`` is a
    name or a prefix ending in ``.`` (``lead.``)."""
    ctx = _ctx(request)
    with ctx.session() as s:
        me = api_principal(request, s)
        if not me.is_admin:
            raise HTTPException(403, "the audit trail is for administrators")
        rows = audit.entries(s, who=who or None, action=action or None, limit=limit)
        return [audit.entry_dict(e) for e in rows]


@router.get("/enterprises")
def enterprises(request: Request) -> list[dict[str, Any]]:
    """Enterprises the caller may see: score, colour, trend over 30 days, active leads."""
    ctx = _ctx(request)
    with ctx.session() as s:
        who = api_principal(request, s)
        return Q.enterprise_list(s, ctx, who)


@router.get("/enterprises/{name:path}")
def enterprise(request: Request, name: str) -> dict[str, Any]:
    """One enterprise: score, deductions, ledger, outlets, recent leads and daily score history."""
    ctx = _ctx(request)
    with ctx.session() as s:
        who = api_principal(request, s)
        try:
            e = Q.enterprise_view(s, ctx, who, name)
        except Q.NotVisible:
            raise HTTPException(404, f"no enterprise {name!r}") from None
        e["leads"] = [_lead(ctx, x) for x in e["leads"]]
    e["ledger"] = [
        {**r, "ts": _iso(ctx, r["ts"]), "recorded_at": _iso(ctx, r["recorded_at"])}
        for r in e["ledger"]
    ]
    e["outlets"] = [{**o, "last": _iso(ctx, o["last"])} for o in e["outlets"]]
    e["history"] = [{"at": _iso(ctx, t), "score": Q.number(v)} for t, v in e["history"]]
    return e


@router.get("/health")
def health(request: Request) -> dict[str, Any]:
    """Ingest health: rows stored, quarantined by reason, last data per outlet, silent outlets."""
    ctx = _ctx(request)
    with ctx.session() as s:
        who = api_principal(request, s)
        h = Q.ingest_health(s, ctx, who)
    h["outlets"] = [{**o, "last": _iso(ctx, o["last"])} for o in h["outlets"]]
    return h


@router.get("/inspections")
def inspections(request: Request) -> list[dict[str, Any]]:
    """Every recorded inspection draw with its assignments (public lists)."""
    ctx = _ctx(request)
    with ctx.session() as s:
        api_principal(request, s)
        return [
            {
                "period": d.period,
                "seed": d.seed,
                "shares": d.shares,
                "created_at": _iso(ctx, d.created_at),
                "assignments": [
                    {
                        "enterprise": a.enterprise,
                        "district": a.district,
                        "colour": a.colour,
                        "score": a.score,
                        "inspectors": [x for x in a.inspectors.split(";") if x],
                    }
                    for a in d.assignments
                ],
            }
            for d in Q.inspection_draws(s)
        ]


@router.get("/quarantine")
def quarantine(
    request: Request,
    reason: str | None = None,
    mn: str | None = None,
    limit: int = Query(200, ge=1, le=5000),
) -> dict[str, Any]:
    """Quarantined messages the caller may see (newest first), counts by reason; each payload as
    base64 and as escaped text."""
    ctx = _ctx(request)
    with ctx.session() as s:
        who = api_principal(request, s)
        counts = Q.quarantine_counts(s, ctx, who)
        rows = Q.quarantine_list(s, ctx, who, reason, mn, limit=limit)
        items = [
            {
                "id": r.id,
                "received_at": _iso(ctx, r.received_at),
                "topic": r.topic,
                "reason": r.reason,
                "detail": r.detail,
                "mn": r.mn,
                "payload_b64": base64.b64encode(r.payload).decode(),
                "payload_text": Q.payload_text(r.payload)[0],
            }
            for r in rows
        ]
    return {"by_reason": counts, "messages": items}
