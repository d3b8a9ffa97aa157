"""The results page (``/results``): inspection results and supervision findings, recorded one by one
or from a spreadsheet, and rectified, through :mod:`monitor.casework.results` (the same rules
and score entries as ``monitor results``).

An inspector sees and records the results of the enterprises of their district; an admin those of
every district. Forms post the session's CSRF token like every other form of the site.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from monitor.casework import results as R
from monitor.web.auth import Principal
from monitor.web.context import WebContext
from monitor.web.deps import page_principal
from monitor.web.limits import MAX_NOTE, text_problem

__all__ = ["add_results_pages"]

LIST_LIMIT = 200


def add_results_pages(
    app: FastAPI,
    ctx: WebContext,
    render: Callable[..., HTMLResponse],
    check_csrf: Callable[[Request, str], None],
) -> None:
    """Register the results page on ``app`` (``render`` and ``check_csrf`` are the application's)."""

    def sees(who: Principal, enterprise: str) -> bool:
        return who.is_admin or who.sees_any(ctx.enterprise_districts(enterprise))

    def page(
        request: Request,
        who: Principal,
        s: Session,
        error: str | None = None,
        form: dict[str, str] | None = None,
    ) -> HTMLResponse:
        rows = [r for r in R.list_results(s) if sees(who, r.enterprise)][:LIST_LIMIT]
        points = R.points_of(s, rows)
        return render(
            request,
            "results.html",
            who,
            status_code=400 if error else 200,
            results=[R.result_dict(r, tz=ctx.timezone, points=points[r.id]) for r in rows],
            sources=R.SOURCES,
            categories=sorted(ctx.rules.result_points),
            error=error,
            form=form or {},
        )

    @app.get("/results", response_class=HTMLResponse, include_in_schema=False)
    def results_page(request: Request) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            return page(request, who, s)

    @app.post("/results", include_in_schema=False)
    def result_add(
        request: Request,
        source: str = Form("inspection"),
        enterprise: str = Form(""),
        date: str = Form(""),
        problem: str = Form(""),
        category: str = Form(""),
        evidence: str = Form(""),
        penalty: str = Form(""),
        minor: str = Form(""),
        unintentional: str = Form(""),
        corrected: str = Form(""),
        period: str = Form(""),
        authority: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        form = {
            "source": source, "enterprise": enterprise, "date": date, "problem": problem,
            "category": category, "evidence": evidence, "penalty": penalty, "minor": minor,
            "unintentional": unintentional, "corrected": corrected, "period": period,
            "authority": authority,
        }  # fmt: skip
        with ctx.session() as s:
            who = page_principal(request, s)
            check_csrf(request, csrf)
            problem_text = text_problem("the evidence", evidence, MAX_NOTE)
            if problem_text:
                return page(request, who, s, problem_text, form)
            if not sees(who, enterprise.strip()):
                return page(request, who, s, f"{enterprise} is not in your district", form)
            try:
                item = R.parse_row(form, source, ctx.timezone)
                R.record(s, item, who.username, rules=ctx.rules, registry=ctx.registry)
            except R.ResultError as exc:  # raised before anything was stored
                return page(request, who, s, str(exc), form)
        return RedirectResponse("/results", status_code=303)

    @app.post("/results/import", include_in_schema=False)
    async def results_import(
        request: Request,
        file: Annotated[UploadFile, File()],
        source: str = Form("inspection"),
        csrf: str = Form(""),
    ) -> Response:
        name = Path(file.filename or "results.csv").name
        data = await file.read()
        with ctx.session() as s:
            who = page_principal(request, s)
            check_csrf(request, csrf)
            suffix = Path(name).suffix.lower() if Path(name).suffix.lower() == ".xlsx" else ".csv"
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"upload{suffix}"
                path.write_bytes(data)
                try:
                    items = R.read_file(
                        path, source, tz=ctx.timezone, rules=ctx.rules, registry=ctx.registry
                    )
                    outside = next((n for n, x in items if not sees(who, x.enterprise)), None)
                    if outside is not None:
                        raise R.ResultError(
                            f"{path}: line {outside}: not in your district; nothing was recorded"
                        )
                    with s.begin_nested():  # a refused row takes the rows before it back
                        R.record_many(
                            s, items, who.username, where=str(path), rules=ctx.rules,
                            registry=ctx.registry,
                        )  # fmt: skip
                except R.ResultError as exc:
                    return page(request, who, s, str(exc).replace(str(path), name))
        return RedirectResponse("/results", status_code=303)

    @app.post("/results/{result_id}/rectify", include_in_schema=False)
    def result_rectify(
        request: Request, result_id: int, note: str = Form(""), csrf: str = Form("")
    ) -> Response:
        with ctx.session() as s:
            who = page_principal(request, s)
            check_csrf(request, csrf)
            problem_text = text_problem("the note", note, MAX_NOTE)
            try:
                row = R.get_result(s, result_id)
                if not sees(who, row.enterprise):
                    raise R.ResultError(f"no result #{result_id}")
                if problem_text:
                    raise R.ResultError(problem_text)
                R.rectify(s, result_id, who.username, note=note, rules=ctx.rules)
            except R.ResultError as exc:  # raised before anything changed
                return page(request, who, s, str(exc))
        return RedirectResponse("/results", status_code=303)
