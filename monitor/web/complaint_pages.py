"""The complaint pages: the queue (``/complaints``), one complaint with its actions
(``/complaints/{id}``) and the public list (``/complaints/public.csv`` and ``.xlsx``).

Every step goes through :mod:`monitor.casework.complaints` (the audit trail is the one of
``monitor complaints``). An inspector sees and works the complaints of their district; an admin
sees every district and is the only one shown the complainant's contact. Forms post the session's
CSRF token like every other form of the site.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from monitor import clock
from monitor.casework import complaints as C
from monitor.spreadsheets import csv_bytes, xlsx_bytes
from monitor.store.casework_models import AlertRow, ComplaintRow
from monitor.web.auth import Principal
from monitor.web.context import WebContext
from monitor.web.deps import page_principal
from monitor.web.limits import MAX_ASSIGNEE, MAX_NOTE, text_problem

__all__ = ["add_complaint_pages"]

QUEUE_LIMIT = 200
MAX_CONTACT = 500
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible(session: Session, who: Principal, complaint_id: int) -> ComplaintRow | None:
    c = session.get(ComplaintRow, complaint_id)
    return c if c is not None and who.sees_district(c.district) else None


def _local_time(text: str, tz: str) -> datetime | None:
    """A ``datetime-local`` field (``2026-12-04T21:10``) in ``tz``; empty: None."""
    text = text.strip()
    if not text:
        return None
    try:
        return clock.parse_time(text.replace("T", " "), tz, end=False)
    except clock.TimeFormatError as exc:
        raise C.ComplaintError(f"received time: {exc}") from None


def add_complaint_pages(
    app: FastAPI,
    ctx: WebContext,
    render: Callable[..., HTMLResponse],
    check_csrf: Callable[[Request, str], None],
) -> None:
    """Register the complaint pages on ``app``; ``render`` and ``check_csrf`` are the
    application's (:func:`monitor.web.app.render`, its CSRF check)."""

    def queue(
        request: Request,
        who: Principal,
        s: Session,
        status: str | None,
        district: str | None,
        error: str | None = None,
        form: dict[str, str] | None = None,
    ) -> HTMLResponse:
        if status and status not in ("open", *C.COMPLAINT_STATUSES):
            raise HTTPException(400, f"status {status!r}: open or one of the statuses")
        district = who.district_filter or (district or None)
        rows = C.list_complaints(s, status=status or None, district=district)[:QUEUE_LIMIT]
        now = clock.now()
        districts = sorted(d for d in s.scalars(sa.select(ComplaintRow.district).distinct()) if d)
        if who.district_filter is not None:
            districts = [who.district_filter]
        return render(
            request,
            "complaints.html",
            who,
            status_code=400 if error else 200,
            complaints=[(c, C.overdue_stage(c, now)) for c in rows],
            status=status or "",
            district=district or "",
            districts=districts,
            channels=C.CHANNELS,
            complaint_statuses=C.COMPLAINT_STATUSES,
            error=error,
            form=form or {},
            query=urlencode({"status": status or "", "district": district or ""}),
        )

    @app.get("/complaints", response_class=HTMLResponse, include_in_schema=False)
    def complaints_page(
        request: Request, status: str | None = "open", district: str | None = None
    ) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            return queue(request, who, s, status, district)

    @app.post("/complaints", include_in_schema=False)
    def complaint_add(
        request: Request,
        channel: str = Form(""),
        received: str = Form(""),
        enterprise: str = Form(""),
        location: str = Form(""),
        district: str = Form(""),
        contact: str = Form(""),
        text: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        form = {
            "channel": channel, "received": received, "enterprise": enterprise,
            "location": location, "district": district, "contact": contact, "text": text,
        }  # fmt: skip
        with ctx.session() as s:
            who = page_principal(request, s)
            check_csrf(request, csrf)
            problem = text_problem("the text", text, MAX_NOTE) or text_problem(
                "the contact", contact, MAX_CONTACT
            )
            if problem:
                return queue(request, who, s, "open", None, problem, form)
            place = (district.strip() if who.is_admin else "") or C.district_of(
                enterprise.strip(), ctx.registry
            )
            place = place or who.district_filter or ""
            if not who.sees_district(place):
                problem = f"{enterprise or location} is not in your district ({who.district})"
                return queue(request, who, s, "open", None, problem, form)
            try:
                when = _local_time(received, ctx.timezone)
                c = C.add(
                    s,
                    channel=channel,
                    text=text,
                    received_at=when,
                    contact=contact,
                    enterprise=enterprise,
                    location=location,
                    district=place,
                    registry=ctx.registry,
                    settings=ctx.complaint_settings,
                    who=who.username,
                )
            except C.ComplaintError as exc:  # raised before anything was stored
                return queue(request, who, s, "open", None, str(exc), form)
            target = f"/complaints/{c.id}"
        return RedirectResponse(target, status_code=303)

    @app.get("/complaints/public.{ext}", include_in_schema=False)
    def complaints_public(request: Request, ext: str) -> Response:
        if ext not in ("csv", "xlsx"):
            raise HTTPException(404, "the public list is .csv or .xlsx")
        with ctx.session() as s:
            who = page_principal(request, s)
            items = [c for c in C.list_complaints(s) if who.sees_district(c.district)]
            rows = C.public_rows(reversed(items), tz=ctx.timezone)
        stamp = datetime.now(ZoneInfo(ctx.timezone)).strftime("%Y%m%d")
        name = f"complaints-{stamp}.{ext}"
        if ext == "csv":
            body, media = csv_bytes(rows, C.PUBLIC_COLUMNS), "text/csv; charset=utf-8"
        else:
            body, media = xlsx_bytes({"complaints": (C.PUBLIC_COLUMNS, rows)}), _XLSX
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def complaint_page(
        request: Request,
        who: Principal,
        s: Session,
        complaint_id: int,
        error: str | None = None,
        status_code: int = 409,
    ) -> HTMLResponse:
        c = _visible(s, who, complaint_id)
        if c is None:
            return render(request, "notfound.html", who, status_code=404, what=f"#{complaint_id}")
        d = C.complaint_dict(c, tz=ctx.timezone, contact=who.is_admin, detail=True)
        alerts = s.scalars(
            sa.select(AlertRow).where(AlertRow.complaint_id == c.id).order_by(AlertRow.id)
        ).all()
        allowed = [a for a in C.TRANSITIONS if c.status in C.TRANSITIONS[a][0]]
        linkable = bool(c.enterprise) and c.lead_id is None and c.enterprise in ctx.enterprise_sites
        return render(
            request,
            "complaint.html",
            who,
            status_code=status_code if error else 200,
            c=d,
            alerts=alerts,
            allowed=allowed,
            linkable=linkable,
            error=error,
        )

    @app.get("/complaints/{complaint_id}", response_class=HTMLResponse, include_in_schema=False)
    def complaint_detail(request: Request, complaint_id: int) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            return complaint_page(request, who, s, complaint_id)

    @app.post("/complaints/{complaint_id}/lead", include_in_schema=False)
    def complaint_lead(request: Request, complaint_id: int, csrf: str = Form("")) -> Response:
        with ctx.session() as s:
            who = page_principal(request, s)
            check_csrf(request, csrf)
            if _visible(s, who, complaint_id) is None:
                return render(
                    request, "notfound.html", who, status_code=404, what=f"#{complaint_id}"
                )
            try:
                C.link_lead(s, complaint_id, ctx.registry, who.username, rules=ctx.rules)
            except C.ComplaintError as exc:  # raised before anything changed
                return complaint_page(request, who, s, complaint_id, str(exc))
        return RedirectResponse(f"/complaints/{complaint_id}", status_code=303)

    @app.post("/complaints/{complaint_id}/{action}", include_in_schema=False)
    def complaint_action(
        request: Request,
        complaint_id: int,
        action: str,
        note: str = Form(""),
        assignee: str = Form(""),
        substantiated: str = Form(""),
        result: str = Form(""),
        reply: str = Form(""),
        satisfied: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        if action not in C.TRANSITIONS:
            raise HTTPException(404, f"no action {action!r}")
        with ctx.session() as s:
            who = page_principal(request, s)
            check_csrf(request, csrf)
            if _visible(s, who, complaint_id) is None:
                return render(
                    request, "notfound.html", who, status_code=404, what=f"#{complaint_id}"
                )
            problem = (
                text_problem("the note", note, MAX_NOTE)
                or text_problem("the assignee", assignee, MAX_ASSIGNEE)
                or text_problem("the result", result, MAX_NOTE)
                or text_problem("the reply", reply, MAX_NOTE)
            )
            if problem:
                return complaint_page(request, who, s, complaint_id, problem, 400)
            yes_no = {"yes": True, "no": False}
            try:
                C.act(
                    s,
                    complaint_id,
                    action,
                    who.username,
                    note,
                    assignee=assignee or None,
                    substantiated=yes_no.get(substantiated),
                    result=result,
                    reply=reply,
                    satisfied=yes_no.get(satisfied),
                    rules=ctx.rules,
                )
            except C.ComplaintError as exc:  # raised before anything changed
                return complaint_page(request, who, s, complaint_id, str(exc))
        return RedirectResponse(f"/complaints/{complaint_id}", status_code=303)
