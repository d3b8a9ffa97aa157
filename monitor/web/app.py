"""The web application: server-rendered pages (Jinja2) and the JSON API (:mod:`monitor.web.api`).

Nothing is loaded from another site: the style sheet is served from ``/static``, readings charts
are drawn by the locally served plotly.js over SVG drawn on the server
(:mod:`monitor.web.outlet_pages`), the OpenAPI document is at ``/openapi.json`` after sign-in (no Swagger UI,
which would load its scripts from a CDN); the Content-Security-Policy allows this site only. Pages need a signed-in person (else a redirect to ``/login``);
every form posts the session's CSRF token (else 403); lead actions go through
:mod:`monitor.casework.leads`, so the audit trail is the one of ``monitor leads``.
"""

from __future__ import annotations

import math
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import anyio
from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from detectors.messages import pollutant_name
from monitor.casework import audit
from monitor.casework import leads as L
from monitor.casework.scoring import score_at
from monitor.casework.staff import authenticate, revoke_session
from monitor.casework.triage import ranked_dict
from monitor.store.casework_models import LEAD_STATUSES
from monitor.store.user_models import UserRow
from monitor.web import queries as Q
from monitor.web.auth import (
    LoginThrottle,
    Principal,
    SessionData,
    SessionSigner,
    Throttled,
    csrf_ok,
    password_fingerprint,
    username_ok,
)
from monitor.web.charts import score_chart
from monitor.web.context import WebContext
from monitor.web.deps import (
    LoginRequired,
    api_principal,
    audit_sign_in,
    basic_auth,
    cookie_signed_in,
    lead_filters,
    page_principal,
    sess_of,
    session_middleware,
    set_session,
    source_of,
)
from monitor.web.limits import (
    MAX_ANONYMOUS_BODY,
    MAX_ASSIGNEE,
    MAX_BODY,
    MAX_NOTE,
    RequestLimits,
    text_problem,
)
from monitor.web.outlet_pages import (
    PLOTLY_CSS_PATH,
    PLOTLY_PATH,
    evidence_rows,
    lead_charts,
    plotly_style_ids,
)

__all__ = ["ACTIONS", "create_app"]

HERE = Path(__file__).parent
#: Lead actions offered on the page, in lifecycle order.
ACTIONS: tuple[str, ...] = ("assign", "inspect", "confirm", "dismiss", "close")


def create_app(
    ctx: WebContext,
    *,
    secret: str | bytes | None = None,
    secure_cookies: bool = False,
    max_body: int = MAX_BODY,
    max_anonymous_body: int = MAX_ANONYMOUS_BODY,
) -> FastAPI:
    """The application for ``ctx``. ``secret`` signs session cookies (at least 16 bytes; a random
    one when None, so sessions end when the process does); ``secure_cookies`` marks cookies
    HTTPS-only (behind a TLS proxy); ``max_body`` is the largest request body in bytes of a
    signed-in session, ``max_anonymous_body`` of any other request (larger ones are refused with
    413 before they are read: :mod:`monitor.web.limits`)."""
    app = FastAPI(
        title="outlet-watch",
        version="0.1.0",
        description="Leads, scores, inspections and ingest health of outlet-watch. Sign in with "
        "the session cookie (writes then need the X-CSRF-Token header) or HTTP Basic.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, only after sign-in
    )
    app.state.ctx = ctx
    app.state.signer = SessionSigner(secret or secrets.token_bytes(32))
    app.state.secure_cookies = secure_cookies
    app.state.throttle = LoginThrottle()
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        t=ctx.t,
        show=ctx.show,
        pname=lambda code: pollutant_name(code, ctx.lang),
        lang=ctx.lang,
        statuses=LEAD_STATUSES,
        categories=Q.CATEGORIES,
        severities=Q.SEVERITIES,
        quote=lambda s: quote(str(s), safe=""),
        plotly_style_ids=plotly_style_ids,
    )
    app.state.env = env
    app.middleware("http")(session_middleware)
    app.add_middleware(  # added last: runs first
        RequestLimits,
        max_body=max_body,
        max_anonymous_body=max_anonymous_body,
        signed_in=cookie_signed_in(app.state.signer),
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?{urlencode({'next': exc.next_path})}", status_code=303)

    from monitor.web.api import router

    app.include_router(router)
    _pages(app)
    from monitor.web.complaint_pages import add_complaint_pages
    from monitor.web.downloads import add_downloads
    from monitor.web.outlet_pages import add_outlet_pages
    from monitor.web.results_pages import add_results_pages

    add_complaint_pages(app, ctx, render, _check_csrf)
    add_results_pages(app, ctx, render, _check_csrf)
    add_outlet_pages(app, ctx, render)
    add_downloads(app, ctx)
    return app


def render(
    request: Request,
    name: str,
    who: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render template ``name`` with the person, the CSRF token and ``context``."""
    env: Environment = request.app.state.env
    body = env.get_template(name).render(
        who=who, csrf=sess_of(request).csrf, path=request.url.path, **context
    )
    return HTMLResponse(body, status_code=status_code)


def _check_csrf(request: Request, token: str) -> None:
    if not csrf_ok(sess_of(request).csrf, token):
        raise HTTPException(403, "CSRF token missing or wrong: reload the page and try again")


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _sign_in(ctx: WebContext, username: str, password: str, source: str) -> SessionData | None:
    """A new signed-in session when ``password`` is ``username``'s, else None; either way the
    attempt enters the audit trail from ``source``."""
    username = username.strip()
    with ctx.session() as s:
        row = authenticate(s, username, password)
        ok = row is not None
        audit.record(
            s,
            "sign_in" if ok else "sign_in_failed",
            username,
            object=f"user:{username}",
            source=source,
            outcome="ok" if ok else "failed",
        )
        if row is None:
            return None
        return SessionData(
            csrf=secrets.token_urlsafe(24),
            uid=row.id,
            pw=password_fingerprint(row.password_hash),
            iat=time.time(),
        )


def _pages(app: FastAPI) -> None:
    ctx: WebContext = app.state.ctx

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str = "/") -> HTMLResponse:
        return render(request, "login.html", None, next=_safe_next(next), error=None)

    @app.post("/login", include_in_schema=False)
    async def login(
        request: Request,
        username: str = Form(""),
        password: str = Form(""),
        csrf: str = Form(""),
        next: str = Form("/"),
    ) -> Response:
        _check_csrf(request, csrf)

        def again(status_code: int, error: str) -> HTMLResponse:
            return render(
                request, "login.html", None, status_code, next=_safe_next(next), error=error
            )

        if not username_ok(username):
            return again(400, ctx.t("web.login.failed"))
        throttle: LoginThrottle = request.app.state.throttle
        source = source_of(request)
        try:
            wait = throttle.attempt(username, source)
        except Throttled as exc:
            await run_in_threadpool(
                audit_sign_in, ctx, "sign_in_throttled", username, f"web {source}", "refused"
            )
            r = again(429, ctx.t("web.login.throttled"))
            r.headers["Retry-After"] = str(math.ceil(exc.retry_after))
            return r
        if wait:
            await anyio.sleep(wait)  # without holding a worker thread
        data = await run_in_threadpool(_sign_in, ctx, username, password, f"web {source}")
        if data is None:
            return again(401, ctx.t("web.login.failed"))
        throttle.succeeded(username, source)
        set_session(request, data)
        return RedirectResponse(_safe_next(next), status_code=303)

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")) -> Response:
        _check_csrf(request, csrf)
        ended = sess_of(request)
        if ended.uid is not None:  # a copied cookie dies too, also after a restart
            until = datetime.fromtimestamp(ended.iat + request.app.state.signer.max_age_s, UTC)
            with ctx.session() as s:
                revoke_session(s, ended.csrf, until)
                user = s.get(UserRow, ended.uid)
                name = user.username if user is not None else f"#{ended.uid}"
                audit.record(
                    s, "sign_out", name, object=f"user:{name}", source=f"web {source_of(request)}"
                )
        set_session(request, SessionData.anonymous())
        return RedirectResponse("/login", status_code=303)

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(basic_auth)])
    def openapi_document(request: Request) -> JSONResponse:
        """The OpenAPI document, for a signed-in person or valid HTTP Basic credentials."""
        with ctx.session() as s:
            api_principal(request, s)
        return JSONResponse(request.app.openapi())

    @app.get("/api-docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        """The API reference, rendered from the OpenAPI document (no external script)."""
        with ctx.session() as s:
            who = page_principal(request, s)
        spec = request.app.openapi()
        ops = [
            (method.upper(), path, op)
            for path, methods in spec["paths"].items()
            for method, op in methods.items()
        ]
        return render(request, "api_docs.html", who, spec=spec, ops=ops)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(request: Request) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            data = Q.overview(s, ctx, who)
        return render(request, "overview.html", who, **data)

    @app.get("/leads", response_class=HTMLResponse, include_in_schema=False)
    def leads_page(
        request: Request,
        district: str | None = None,
        status: str | None = "active",
        category: str | None = None,
        severity: str | None = None,
        enterprise: str | None = None,
        page: int = Query(1, ge=1, le=10_000),
    ) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            f = lead_filters(district, status, category, severity, enterprise)
            size = Q.QUEUE_PAGE
            rows, ranks = Q.ranked_queue(
                s, who, f, limit=size + 1, offset=(page - 1) * size, rules=ctx.rules
            )
            shown = {i: ranked_dict(r, ctx.lang) for i, r in ranks.items()}
            districts = Q.lead_districts(s, who)
        query = {**f.as_dict(), "status": f.status or ""}
        return render(
            request,
            "leads.html",
            who,
            leads=rows[:size],
            ranks=shown,
            f=f,
            districts=districts,
            page=page,
            first=(page - 1) * size + 1,
            newer=f"/leads?{urlencode({**query, 'page': page - 1})}" if page > 1 else None,
            older=f"/leads?{urlencode({**query, 'page': page + 1})}" if len(rows) > size else None,
            download_query=urlencode(query),
        )

    def lead_page(
        request: Request,
        who: Principal,
        s: Any,
        lead_id: int,
        error: str | None = None,
        status_code: int = 409,
    ) -> HTMLResponse:
        try:
            lead = Q.visible_lead(s, who, lead_id)
        except Q.NotVisible:
            return render(request, "notfound.html", who, status_code=404, what=f"#{lead_id}")
        score = score_at(s, lead.enterprise, None, ctx.rules)
        chart, chart_data = lead_charts(ctx, s, lead)
        allowed = [a for a in ACTIONS if lead.status in L.TRANSITIONS[a][0]]
        return render(
            request,
            "lead.html",
            who,
            status_code=status_code if error else 200,
            lead=lead,
            findings=list(lead.findings),
            events=list(lead.events),
            chart=chart,
            chart_data=chart_data,
            plotly=PLOTLY_PATH,
            plotly_css=PLOTLY_CSS_PATH,
            window=Q.chart_window(lead),
            score=score,
            action=L.suggested_action(lead.category, ctx.lang),
            allowed=allowed,
            error=error,
            evidence_rows=lambda e: evidence_rows(ctx, e),
        )

    @app.get("/leads/{lead_id}", response_class=HTMLResponse, include_in_schema=False)
    def lead_detail(request: Request, lead_id: int) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            return lead_page(request, who, s, lead_id)

    @app.post("/leads/{lead_id}/{action}", include_in_schema=False)
    def lead_action(
        request: Request,
        lead_id: int,
        action: str,
        note: str = Form(""),
        assignee: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        if action not in ACTIONS:
            raise HTTPException(404, f"no action {action!r}")
        with ctx.session() as s:
            who = page_principal(request, s)
            _check_csrf(request, csrf)
            try:
                Q.visible_lead(s, who, lead_id)
            except Q.NotVisible:
                return render(request, "notfound.html", who, status_code=404, what=f"#{lead_id}")
            problem = text_problem("the note", note, MAX_NOTE) or text_problem(
                "the assignee", assignee, MAX_ASSIGNEE
            )
            if problem:
                return lead_page(request, who, s, lead_id, error=problem, status_code=400)
            try:
                L.act(
                    s,
                    lead_id,
                    action,
                    who.username,
                    note,
                    assignee=assignee,
                    rules=ctx.rules,
                    source=f"web {source_of(request)}",
                )
            except L.LeadError as exc:  # raised before anything changed
                return lead_page(request, who, s, lead_id, error=str(exc))
        return RedirectResponse(f"/leads/{lead_id}", status_code=303)

    @app.get("/leads/{lead_id}/readings", response_class=HTMLResponse, include_in_schema=False)
    def lead_raw(request: Request, lead_id: int) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            try:
                lead = Q.visible_lead(s, who, lead_id)
            except Q.NotVisible:
                return render(request, "notfound.html", who, status_code=404, what=f"#{lead_id}")
            start, end = Q.chart_window(lead)
            frame = Q.lead_readings(
                s,
                ctx,
                lead,
                ctx.channels(lead.mn),
                window=(lead.start, lead.end),
                limit=Q.RAW_LIMIT,
            )
            quarantined = Q.quarantine_list(
                s, ctx, who, mn=lead.mn, since=start, until=end + timedelta(days=2), limit=100
            )
        return render(
            request,
            "raw.html",
            who,
            lead=lead,
            rows=frame.to_dict("records"),
            limited=len(frame) >= Q.RAW_LIMIT,
            quarantined=quarantined,
            payload_text=Q.payload_text,
        )

    @app.get("/enterprises/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def enterprise_page(request: Request, name: str) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            try:
                data = Q.enterprise_view(s, ctx, who, name)
            except Q.NotVisible:
                return render(request, "notfound.html", who, status_code=404, what=name)
            chart = Markup(
                score_chart(data["history"], tz=ctx.timezone, title=ctx.t("web.enterprise.history"))
            )
        return render(request, "enterprise.html", who, e=data, chart=chart)

    @app.get("/inspections", response_class=HTMLResponse, include_in_schema=False)
    def inspections_page(request: Request) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            draws = Q.inspection_draws(s)
            rows = [(d, list(d.assignments)) for d in draws]
        return render(request, "inspections.html", who, draws=rows)

    @app.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(
        request: Request, who: str | None = None, action: str | None = None
    ) -> HTMLResponse:
        with ctx.session() as s:
            me = page_principal(request, s)
            if not me.is_admin:
                return render(request, "audit.html", me, 403, forbidden=True)
            rows = audit.entries(
                s, who=(who or "").strip()[:100] or None, action=action or None, limit=500
            )
        return render(
            request,
            "audit.html",
            me,
            rows=rows,
            who_filter=who or "",
            action=action or "",
            actions=audit.ACTIONS,
        )

    @app.get("/quarantine", response_class=HTMLResponse, include_in_schema=False)
    def quarantine_page(
        request: Request, reason: str | None = None, mn: str | None = None
    ) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            health_q = Q.quarantine_counts(s, ctx, who)
            rows = Q.quarantine_list(s, ctx, who, reason or None, mn or None)
        return render(
            request,
            "quarantine.html",
            who,
            by_reason=health_q,
            rows=rows,
            reason=reason or "",
            mn=mn or "",
            payload_text=Q.payload_text,
        )

    @app.get("/quarantine/{item_id}", response_class=HTMLResponse, include_in_schema=False)
    def quarantine_detail(request: Request, item_id: int) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            try:
                row = Q.quarantine_item(s, ctx, who, item_id)
            except Q.NotVisible:
                return render(request, "notfound.html", who, status_code=404, what=f"#{item_id}")
        text, utf8 = Q.payload_text(row.payload)
        return render(
            request,
            "quarantine_item.html",
            who,
            row=row,
            text=text,
            utf8=utf8,
            hexdump=row.payload[:4096].hex(" "),
        )
