"""Downloads of the web page's lists as spreadsheets: the lead queue (``/leads.csv``,
``/leads.xlsx``, with the queue's filters), the enterprises' scores (``/scores.csv``,
``/scores.xlsx``) and an inspection draw (``/inspections/{period}.csv`` and ``.xlsx``).

They are the tables a person reads, the same as the command line's ``--format csv|xlsx``: headers
and enumerated values in the reader's language, times in the display zone
(:mod:`monitor.locale.tables`), CSV in UTF-8 with a byte-order mark and workbooks with a frozen
header (:mod:`monitor.spreadsheets`). Each list holds what its page shows the person signed in
(an inspector's district only), every page of it at once (at most :data:`MAX_ROWS` rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response

from monitor.casework import leads as L
from monitor.casework.inspections import CSV_COLUMNS as DRAW_COLUMNS
from monitor.casework.triage import ranked_dict
from monitor.locale.tables import for_people
from monitor.spreadsheets import XLSX_MEDIA, csv_bytes, xlsx_bytes
from monitor.web import queries as Q
from monitor.web.context import WebContext
from monitor.web.deps import lead_filters, page_principal

__all__ = ["MAX_ROWS", "SCORE_COLUMNS", "add_downloads", "spreadsheet"]

#: Most rows of one download (the lead queue's triage ranking reads at most this many anyway).
MAX_ROWS: Final = Q.TRIAGE_LIMIT
#: Columns of the scores download (the overview's enterprise table).
SCORE_COLUMNS: Final = ("enterprise", "districts", "score", "colour", "trend", "active_leads")
_CSV_MEDIA: Final = "text/csv; charset=utf-8"


def spreadsheet(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str, name: str, lang: str
) -> Response:
    """``rows`` as an attachment ``name.fmt`` (``csv`` or ``xlsx``) for people reading ``lang``;
    any other format is a 404 naming the two."""
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404, f"no .{fmt[:16]} download: use .csv or .xlsx")
    headers, shown = for_people(rows, columns, lang, workbook=fmt == "xlsx")
    if fmt == "xlsx":
        body, media = xlsx_bytes({name[:31]: (headers, shown)}), XLSX_MEDIA
    else:
        body, media = csv_bytes(shown, headers), _CSV_MEDIA
    disposition = f'attachment; filename="{name}.{fmt}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


def add_downloads(app: FastAPI, ctx: WebContext) -> None:
    """Register the download routes on ``app``."""

    @app.get("/leads.{fmt}", include_in_schema=False)
    def leads_download(
        request: Request,
        fmt: str,
        district: str | None = None,
        status: str | None = "active",
        category: str | None = None,
        severity: str | None = None,
        enterprise: str | None = None,
    ) -> Response:
        with ctx.session() as s:
            who = page_principal(request, s)
            f = lead_filters(district, status, category, severity, enterprise)
            leads, ranks = Q.ranked_queue(s, who, f, limit=MAX_ROWS, rules=ctx.rules)
            rows = [
                L.lead_dict(x, lang=ctx.lang, tz=ctx.timezone)
                | (ranked_dict(ranks[x.id], ctx.lang) if x.id in ranks else {})
                for x in leads
            ]
        columns = L.QUEUE_COLUMNS
        if ranks:
            columns = (*columns[:6], "probability", "why", *columns[6:])
        return spreadsheet(rows, columns, fmt, "leads", ctx.lang)

    @app.get("/scores.{fmt}", include_in_schema=False)
    def scores_download(request: Request, fmt: str) -> Response:
        with ctx.session() as s:
            who = page_principal(request, s)
            rows = Q.enterprise_list(s, ctx, who)
        return spreadsheet(rows, SCORE_COLUMNS, fmt, "scores", ctx.lang)

    @app.get("/inspections/{period}.{fmt}", include_in_schema=False)
    def inspections_download(request: Request, period: str, fmt: str) -> Response:
        with ctx.session() as s:
            page_principal(request, s)
            try:
                d = Q.inspection_draw(s, period)
            except Q.NotVisible:
                raise HTTPException(404, f"no draw for {period[:16]}") from None
            rows = [
                {
                    "period": d.period,
                    "enterprise": a.enterprise,
                    "district": a.district,
                    "colour": a.colour,
                    "score": a.score,
                    "inspectors": a.inspectors,  # stored ";"-separated
                }
                for a in d.assignments
            ]
        return spreadsheet(rows, DRAW_COLUMNS, fmt, f"inspections-{period}", ctx.lang)
