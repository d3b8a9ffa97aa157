"""Charts to explore: the interactive charts of the lead page and the outlet page
(``/outlets/{mn}``), the locally served plotly.js they are drawn with, and a finding's evidence
as a table in the reader's language.

The charting library is the ``plotly.min.js`` bundled in the ``plotly`` wheel, served from the
installed package at ``/vendor/plotly-VERSION.min.js`` (gzip when the browser takes it, cached
for a year: the version is in the path), so nothing is loaded from another site and the
Content-Security-Policy stays ``'self'``. The chart's data is embedded in the page as JSON
(:func:`monitor.web.charts.chart_spec`) and drawn by ``static/charts.js``; the server-drawn SVG
stays in the page for browsers without script and for printing.

An outlet page shows every channel of one outlet between two dates (``from``/``to``, dates in the
display zone, at most :data:`MAX_DAYS` days), the leads over that time shaded and listed; an
inspector sees the outlets of their district only (404 otherwise), as on every page.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import metadata, resources
from typing import Any, Final

import numpy as np
import pandas as pd
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from detectors.messages import pollutant_name, pollutant_unit
from monitor.store.casework_models import LeadRow
from monitor.web import queries as Q
from monitor.web.charts import Panel, chart_spec, readings_chart
from monitor.web.context import WebContext
from monitor.web.deps import page_principal
from monitor.web.limits import text_problem

__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "PLOTLY_CSS_PATH",
    "PLOTLY_PATH",
    "add_outlet_pages",
    "evidence_rows",
    "lead_charts",
    "plotly_js",
]

#: Days an outlet page shows when no range is given (ending with the latest data).
DEFAULT_DAYS: Final = 7
#: Most days one outlet page shows (a year of hourly values of every channel).
MAX_DAYS: Final = 366
#: Readings read at most for one outlet page (MAX_DAYS hours of a dozen channels).
MAX_ROWS: Final = 150_000
#: Items of a list shown in an evidence cell before "… and N more".
EVIDENCE_ITEMS: Final = 8
PLOTLY_PATH: Final = f"/vendor/plotly-{metadata.version('plotly')}.min.js"
#: plotly.js's style sheet, which it would otherwise inject inline (refused by the CSP).
PLOTLY_CSS_PATH: Final = f"/vendor/plotly-{metadata.version('plotly')}.css"
_MN = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
_CODE = re.compile(r"^[a-z]\d{5}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_HOUR = timedelta(hours=1)
#: plotly.js's own texts and the catalogue message of each (its locale dictionary).
_PLOTLY_TEXTS: Final[dict[str, str]] = {
    "Autoscale": "chart.plotly.autoscale",
    "Reset axes": "chart.plotly.reset_axes",
    "Zoom": "chart.plotly.zoom",
    "Pan": "chart.plotly.pan",
    "Zoom in": "chart.plotly.zoom_in",
    "Zoom out": "chart.plotly.zoom_out",
    "Download plot as a png": "chart.plotly.download",
    "Double-click to zoom back out": "chart.plotly.double_click",
    "Toggle Spike Lines": "chart.plotly.spikes",
    "Show closest data on hover": "chart.plotly.closest",
    "Compare data on hover": "chart.plotly.compare",
}


@cache
def plotly_js() -> bytes:
    """plotly.min.js of the installed ``plotly`` package (read once)."""
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()


@cache
def plotly_js_gzip() -> bytes:
    """plotly.min.js gzipped (once, at its first request: about 4.8 MB to 1.4 MB)."""
    return gzip.compress(plotly_js(), compresslevel=6, mtime=0)


_RULES = re.compile(r'\{"X,X div":[^{}]*\}')
_STRING = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
_RULE = re.compile(_STRING + r"\s*:\s*" + _STRING)
#: What the chart needs when the bundle's own rules cannot be found (another plotly version), and
#: the mode bar's colours, which plotly.js adds per chart in a style element of its own.
_CSS_BASE = """.js-plotly-plot .plotly .svg-container{position:relative}
.js-plotly-plot .plotly .main-svg{position:absolute;top:0;left:0;pointer-events:none}
.js-plotly-plot .plotly .modebar-btn .icon path{fill:rgba(68,68,68,.35)}
.js-plotly-plot .plotly .modebar-btn:hover .icon path,.js-plotly-plot .plotly .modebar-btn.active .icon path{fill:rgba(68,68,68,.8)}
"""


@cache
def plotly_css() -> bytes:
    """The style rules plotly.js carries in its bundle (selectors with X for
    ``.js-plotly-plot .plotly`` and Y for ``.plotly-notifier``) as a style sheet, so that the
    page can allow style sheets from this site only: the page links it with the id and class
    (``plotly.js-style-global``, ``no-inline-styles``) that tell plotly.js not to inject them."""
    found = _RULES.search(plotly_js().decode("utf-8"))
    rules = []
    for sel, body in _RULE.findall(found.group(0)) if found else []:
        selector = (
            sel[1:-1].replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        )
        rules.append(f"{selector.lstrip(',')}{{{body[1:-1]}}}")
    return (_CSS_BASE + "\n".join(rules) + "\n").encode("utf-8")


@cache
def plotly_style_ids() -> tuple[str, ...]:
    """Ids of the style elements the bundle adds at load unless an element with that id exists
    (its map module's style sheet, of no use here): the chart's template puts empty elements with
    these ids in the page, so nothing inline is refused by the Content-Security-Policy."""
    text = plotly_js().decode("utf-8")
    return tuple(
        dict.fromkeys(
            re.findall(
                r'if\(!document\.getElementById\("([\w-]+)"\)\)\{var \w+=document\.createElement\("style"\)',
                text,
            )
        )
    )


def channel_label(code: str, lang: str) -> str:
    """A channel as a chart names it: its name and unit (化学需氧量 (mg/L))."""
    unit = pollutant_unit(code)
    name = pollutant_name(code, lang)
    return f"{name} ({unit})" if unit else name


def _panels(
    ctx: WebContext,
    mn: str,
    frame: pd.DataFrame,
    channels: Sequence[str],
    findings: Callable[[str], list[tuple[datetime, datetime]]],
    keep: Callable[[str, bool], bool],
) -> list[Panel]:
    """One panel per channel of ``channels`` that ``keep(code, has_data)`` accepts."""
    panels = []
    for code, part in ((c, frame[frame["pollutant"] == c]) for c in channels):
        if not keep(code, not part.empty):
            continue
        low, high = ctx.limit_of(mn, code)
        panels.append(
            Panel(
                code,
                channel_label(code, ctx.lang),
                part["ts"].to_numpy(dtype="datetime64[ns]").astype("int64"),
                part["value"].to_numpy(dtype="float64", na_value=np.nan),
                part["flag"].tolist(),
                low,
                high,
                findings(code),
            )
        )
    return panels


def _texts(ctx: WebContext) -> dict[str, Any]:
    """Labels the browser's chart shows, and plotly's locale for a language other than English."""
    out: dict[str, Any] = {
        "flag": ctx.t("web.chart.flag"),
        "limit": ctx.t("web.chart.limit"),
        "value": ctx.t("chart.value"),
        "no_data": ctx.t("web.chart.no_data"),
        "locale": None,
    }
    if ctx.lang != "en":
        out["locale"] = {
            "name": "zh-CN" if ctx.lang == "zh" else ctx.lang,
            "dictionary": {en: ctx.t(msgid) for en, msgid in _PLOTLY_TEXTS.items()},
            "format": {
                key: ctx.t(f"chart.plotly.{msgid}").split(",")
                for key, msgid in (
                    ("months", "months"),
                    ("shortMonths", "short_months"),
                    ("days", "days"),
                    ("shortDays", "short_days"),
                )
            },
        }
    return out


def _json(data: Any) -> Markup:
    """``data`` as JSON safe inside ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _charts(
    ctx: WebContext,
    panels: list[Panel],
    start: datetime,
    end: datetime,
    shades: Sequence[tuple[datetime, datetime, str, str]],
    title: str,
) -> tuple[Markup, Markup]:
    """The server-drawn SVG (no script, print) and the interactive chart's JSON of ``panels``."""
    svg = readings_chart(
        panels,
        start,
        end,
        (shades[0][0], shades[0][1]) if len(shades) == 1 else None,
        tz=ctx.timezone,
        title=title,
        flag_label=ctx.t("web.chart.flag"),
        limit_label=ctx.t("web.chart.limit"),
        no_data=ctx.t("web.chart.no_data"),
    )
    spec = chart_spec(panels, start, end, shades, tz=ctx.timezone, texts=_texts(ctx))
    return Markup(svg), _json(spec)


def lead_charts(ctx: WebContext, session: Session, lead: LeadRow) -> tuple[Markup, Markup]:
    """The lead page's chart of the lead's outlet around its window: SVG and interactive JSON."""
    frame = Q.lead_readings(session, ctx, lead, columns=Q.CHART_COLUMNS)
    start, end = Q.chart_window(lead)
    own = set(lead.pollutants or [])
    panels = _panels(
        ctx,
        lead.mn,
        frame,
        Q.lead_channels(ctx, lead),
        lambda code: [(f.start, f.end) for f in lead.findings if f.pollutant in (code, None)],
        lambda code, has_data: has_data or code in own,
    )
    shade = (lead.start, lead.end, ctx.t("chart.lead", id=lead.id), f"/leads/{lead.id}")
    title = ctx.t("web.chart.title", id=lead.id, mn=lead.mn)
    return _charts(ctx, panels, start, end, [shade], title)


# -- evidence -------------------------------------------------------------------------------------


def _number(v: float) -> str:
    """A number as people read it: four significant digits, thousands grouped."""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int) or (float(v).is_integer() and abs(v) < 1e15):
        return f"{int(v):,}"
    if not math.isfinite(v):
        return str(v)
    a = abs(v)
    if a >= 1e9 or a < 1e-4:
        return f"{v:.3e}"
    decimals = max(0, 3 - math.floor(math.log10(a)))
    text = f"{v:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _value(ctx: WebContext, v: Any, depth: int = 0) -> str:
    if v is None:
        return ctx.t("evidence.none")
    if isinstance(v, bool):
        return ctx.t("cli.yes" if v else "cli.no")
    if isinstance(v, int | float):
        return _number(v)
    if isinstance(v, str):
        if _CODE.match(v):
            return pollutant_name(v, ctx.lang)
        if _ISO_TIME.match(v):
            try:
                ts = datetime.fromisoformat(v)
            except ValueError:
                return v
            return ctx.show(ts) if ts.tzinfo is not None else ts.strftime("%Y-%m-%d %H:%M")
        return v
    if isinstance(v, dict):
        items = [f"{_key(ctx, k)}: {_value(ctx, x, depth + 1)}" for k, x in v.items()]
        return _listed(ctx, items, "; " if depth else "\n")
    if isinstance(v, list | tuple):
        items = [_value(ctx, x, depth + 1) for x in v]
        nested = any(isinstance(x, dict | list | tuple) for x in v)
        return _listed(ctx, items, "\n" if nested and not depth else ", ")
    return str(v)


def _listed(ctx: WebContext, items: list[str], sep: str) -> str:
    if len(items) > EVIDENCE_ITEMS:
        more = ctx.t("evidence.more", n=len(items) - EVIDENCE_ITEMS)
        items = [*items[:EVIDENCE_ITEMS], more]
    return sep.join(items)


def _key(ctx: WebContext, key: str) -> str:
    try:
        return ctx.t(f"evidence.key.{key}")
    except KeyError:  # a detector's parameter or a key no catalogue names yet: as recorded
        return str(key)


def evidence_rows(ctx: WebContext, evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """A finding's evidence as (label, value) rows in the reader's language: keys through the
    ``evidence.key`` catalogue (a detector's parameters as named in code), numbers to four
    significant digits with thousands grouped, times in the display zone, pollutant codes by
    name, yes/no, long lists cut after :data:`EVIDENCE_ITEMS` items; the parameters last."""
    rows = [(_key(ctx, k), _value(ctx, v)) for k, v in evidence.items() if k != "params"]
    if isinstance(evidence.get("params"), dict):
        params = evidence["params"]
        rows.append(
            (_key(ctx, "params"), "; ".join(f"{k}={_value(ctx, v, 1)}" for k, v in params.items()))
        )
    return rows


# -- the outlet page ------------------------------------------------------------------------------


def _day(ctx: WebContext, field: str, raw: str | None) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise HTTPException(400, ctx.t("outlet.bad_date", field=field, value=raw[:40])) from None


def outlet_range(
    ctx: WebContext, raw_from: str | None, raw_to: str | None, latest: datetime | None
) -> tuple[date, date]:
    """The days (``from``, ``to``, both included) an outlet page shows: as given, else
    :data:`DEFAULT_DAYS` days ending with the other one, or with the day of ``latest`` data
    (today without any); a bad date, a reversed or a too long range is HTTP 400 in one line."""
    first, last = _day(ctx, "from", raw_from), _day(ctx, "to", raw_to)
    span = timedelta(days=DEFAULT_DAYS - 1)
    if last is None:
        if first is not None:
            last = first + span
        else:
            last = (latest or datetime.now(ctx.zone)).astimezone(ctx.zone).date()
    if first is None:
        first = last - span
    if first > last:
        raise HTTPException(400, ctx.t("outlet.bad_order", start=first, end=last))
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise HTTPException(400, ctx.t("outlet.too_long", days=days, max=MAX_DAYS))
    return first, last


def add_outlet_pages(app: FastAPI, ctx: WebContext, render: Callable[..., HTMLResponse]) -> None:
    """Register the outlet page and the charting library on ``app``; ``render`` is the
    application's (:func:`monitor.web.app.render`)."""

    @app.get(PLOTLY_PATH, include_in_schema=False)
    def plotly_script(request: Request) -> Response:
        """The charting library (no sign-in needed: it is public code), cached for a year."""
        headers = {
            "Cache-Control": "public, max-age=31536000, immutable",
            "Vary": "Accept-Encoding",
        }
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(plotly_js_gzip(), media_type="text/javascript", headers=headers)
        return Response(plotly_js(), media_type="text/javascript", headers=headers)

    @app.get(PLOTLY_CSS_PATH, include_in_schema=False)
    def plotly_style() -> Response:
        """plotly.js's style rules as a style sheet (:func:`plotly_css`), cached for a year."""
        headers = {"Cache-Control": "public, max-age=31536000, immutable"}
        return Response(plotly_css(), media_type="text/css", headers=headers)

    @app.get("/outlets/{mn}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(
        request: Request,
        mn: str,
        from_: str | None = Query(None, alias="from"),
        to: str | None = None,
    ) -> HTMLResponse:
        with ctx.session() as s:
            who = page_principal(request, s)
            if not _MN.match(mn) or text_problem("the MN", mn, 64):
                return render(request, "notfound.html", who, status_code=404, what=mn[:64])
            try:
                district = Q.visible_outlet(s, ctx, who, mn)
            except Q.NotVisible:
                return render(request, "notfound.html", who, status_code=404, what=mn)
            latest = Q.last_data(s, ctx, [mn]).get(mn)
            first, last = outlet_range(ctx, from_, to, latest)
            start = datetime.combine(first, time(), ctx.zone)
            end = datetime.combine(last + timedelta(days=1), time(), ctx.zone) - _HOUR
            channels = ctx.channels(mn)
            frame = Q.outlet_readings(
                s, mn, channels, start, end, limit=MAX_ROWS, columns=Q.CHART_COLUMNS
            )
            leads = Q.outlet_leads(s, who, mn, start, end)
        site = ctx.sites.get(mn)
        registered = set(getattr(site, "pollutants", {}) or ()) if site is not None else set()
        panels = _panels(
            ctx,
            mn,
            frame,
            channels,
            lambda code: [
                (lead.start, lead.end) for lead in leads if code in (lead.pollutants or [code])
            ],
            lambda code, has_data: has_data or code in registered,
        )
        shades = [
            (lead.start, lead.end, ctx.t("chart.lead", id=lead.id), f"/leads/{lead.id}")
            for lead in leads
        ]
        name = getattr(site, "name", "") or mn
        svg, spec = _charts(
            ctx, panels, start, end, shades, ctx.t("outlet.title", name=name, mn=mn)
        )
        ranges = [
            (
                ctx.t("outlet.days", n=n),
                (last - timedelta(days=n - 1)).isoformat(),
                last.isoformat(),
            )
            for n in (7, 30, 90, 365)
        ]
        return render(
            request,
            "outlet.html",
            who,
            mn=mn,
            outlet_name=name,
            site=site,
            district=district,
            first=first.isoformat(),
            last=last.isoformat(),
            start=start,
            end=end,
            leads=leads,
            ranges=ranges,
            chart=svg,
            chart_data=spec,
            plotly=PLOTLY_PATH,
            plotly_css=PLOTLY_CSS_PATH,
            max_days=MAX_DAYS,
        )
