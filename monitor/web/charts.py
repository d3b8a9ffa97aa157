"""Server-side SVG charts (no script, nothing loaded from elsewhere).

:func:`readings_chart`: one panel per channel on a shared time axis: the hourly values as a line
(broken where hours are missing), the limit as a dashed red line (both bounds for a pH band),
readings with a flag other than ``N`` as marked points (letter and time in a tooltip), the lead's
interval shaded and each finding's interval of that channel underlined.

:func:`score_chart`: an enterprise's daily score as a step line over green/yellow/red bands.
Every text drawn is XML-escaped.

:func:`chart_spec`: the same panels as data for the interactive chart the browser draws with the
locally served plotly.js (``static/charts.js``): times as minutes from the window's start in the
display zone's wall clock (plotly's date axes know no zones), values with null where unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any, Final

import numpy as np
import pandas as pd

__all__ = ["Panel", "chart_spec", "readings_chart", "score_chart"]

WIDTH: Final = 960
PANEL_H: Final = 130
LEFT: Final = 64
RIGHT: Final = 16
TOP: Final = 18
GAP: Final = 26
FLAG_COLOURS: Final[dict[str, str]] = {
    "F": "#7f7f7f",
    "M": "#1f77b4",
    "C": "#9467bd",
    "D": "#d62728",
    "S": "#ff7f0e",
    "T": "#8c564b",
    "B": "#e377c2",
}


@dataclass(frozen=True)
class Panel:
    """One channel: its label (name and unit), values, flags and limits."""

    code: str
    label: str
    ts: np.ndarray  # int64 ns since epoch (UTC)
    values: np.ndarray  # float64, NaN = unknown
    flags: Sequence[str]
    low: float | None = None
    high: float | None = None
    findings: Sequence[tuple[datetime, datetime]] = ()


def _ns(t: datetime | pd.Timestamp) -> int:
    return int(pd.Timestamp(t).value)


def _fmt(v: float) -> str:
    if float(v).is_integer():
        return f"{v:.0f}"
    a = abs(v)
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def _ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** np.floor(np.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    first = np.ceil(lo / step) * step
    return [float(x) for x in np.arange(first, hi + step * 1e-9, step)]


def _time_ticks(
    start: int, end: int, show: Callable[[pd.Timestamp], str], tz: str
) -> list[tuple[int, str]]:
    days = (end - start) / 86_400e9
    step_days = next((s for s in (1, 2, 7, 14, 30, 60) if days / s <= 8), 90)
    first = pd.Timestamp(start, tz="UTC").tz_convert(tz).normalize() + pd.Timedelta(days=1)
    out = []
    t = first
    while t.value <= end:
        out.append((t.value, show(t)))
        t = t + pd.Timedelta(days=step_days)
    return out


def _month_ticks(start: int, end: int, tz: str) -> list[tuple[int, str]]:
    """The first day of every second month between ``start`` and ``end`` (ns, local ``tz``)."""
    t = pd.Timestamp(start, tz="UTC").tz_convert(tz)
    t = (t.normalize() - pd.Timedelta(days=t.day - 1)) + pd.DateOffset(months=1)
    out = []
    while t.value <= end:
        if t.month % 2 == 1:
            out.append((t.value, t.strftime("%Y-%m")))
        t = t + pd.DateOffset(months=1)
    return out


def readings_chart(
    panels: Sequence[Panel],
    start: datetime,
    end: datetime,
    shade: tuple[datetime, datetime] | None,
    *,
    tz: str,
    title: str = "",
    flag_label: str = "flag",
    limit_label: str = "limit",
    no_data: str = "no data",
) -> str:
    """The SVG of ``panels`` between ``start`` and ``end`` (rules in the module docstring)."""
    t0, t1 = _ns(start), _ns(end)
    span = max(1, t1 - t0)
    plot_w = WIDTH - LEFT - RIGHT
    height = TOP + len(panels) * (PANEL_H + GAP) + 10

    def x(ns: np.ndarray | int) -> np.ndarray | float:
        return LEFT + (np.asarray(ns, dtype="float64") - t0) / span * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart readings-chart" '
        f'data-testid="readings-chart" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    ticks = _time_ticks(t0, t1, lambda t: t.strftime("%m-%d"), tz)
    for i, p in enumerate(panels):
        y0 = TOP + i * (PANEL_H + GAP)
        y1 = y0 + PANEL_H
        vals = p.values[np.isfinite(p.values)]
        bounds = [b for b in (p.low, p.high) if b is not None]
        seen = [*vals.tolist(), *bounds]
        if p.code == "w01001":  # pH: a band around the values, not from zero
            lo = min(seen, default=6.0) - 0.5
            hi = max(seen, default=9.0) + 0.5
        else:
            lo = min([0.0, *seen])
            hi = max([*seen, 1e-9])
        hi = hi + (hi - lo) * 0.08

        def y(
            v: np.ndarray | float, lo: float = lo, hi: float = hi, y1: int = y1
        ) -> np.ndarray | float:
            return y1 - (np.asarray(v, dtype="float64") - lo) / (hi - lo) * PANEL_H

        g = [f'<g class="panel" data-channel="{escape(p.code)}">']
        g.append(
            f'<rect x="{LEFT}" y="{y0}" width="{plot_w}" height="{PANEL_H}" fill="#fff" '
            'stroke="#ccc"/>'
        )
        if shade is not None:
            a = float(x(max(t0, _ns(shade[0]))))
            b = float(x(min(t1, _ns(shade[1]) + 3_600_000_000_000)))
            g.append(
                f'<rect class="flagged-interval" x="{a:.1f}" y="{y0}" width="{max(1.0, b - a):.1f}" '
                f'height="{PANEL_H}" fill="#f4b400" fill-opacity="0.18"/>'
            )
        for fs, fe in p.findings:
            a = float(x(max(t0, _ns(fs))))
            b = float(x(min(t1, _ns(fe) + 3_600_000_000_000)))
            g.append(
                f'<rect class="finding-interval" x="{a:.1f}" y="{y1 - 4}" '
                f'width="{max(1.0, b - a):.1f}" height="4" fill="#e8710a"/>'
            )
        for tv in _ticks(lo, hi):
            yy = float(y(tv))
            g.append(
                f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{yy:.1f}" y2="{yy:.1f}" '
                'stroke="#eee"/>'
                f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="11" '
                f'fill="#555">{_fmt(tv)}</text>'
            )
        for tx, label in ticks:
            xx = float(x(tx))
            g.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{y0}" y2="{y1}" stroke="#f0f0f0"/>')
            g.append(
                f'<text x="{xx:.1f}" y="{y1 + 13}" text-anchor="middle" font-size="10" '
                f'fill="#777">{escape(label)}</text>'
            )
        for bound in bounds:
            yy = float(y(bound))
            g.append(
                f'<line class="limit-line" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{yy:.1f}" '
                f'y2="{yy:.1f}" stroke="#d93025" stroke-width="1.5" stroke-dasharray="6 4"/>'
                f'<text x="{LEFT + plot_w - 4}" y="{yy - 4:.1f}" text-anchor="end" '
                f'font-size="11" fill="#d93025">{escape(limit_label)} {_fmt(bound)}</text>'
            )
        if len(p.ts):
            xs = x(p.ts)
            ys = y(np.where(np.isfinite(p.values), p.values, lo))
            ok = np.isfinite(p.values)
            gap = np.r_[True, np.diff(p.ts) > 3_600_000_000_000 * 1.5]
            drawn = np.flatnonzero(ok)
            # a pen stroke continues from the previous reading when it is known and an hour away
            move = gap[drawn] | np.r_[True, ~ok[:-1]][drawn]
            keep = _m4(xs[drawn], ys[drawn], move)
            d = [
                f"{'M' if m else 'L'}{a:.1f},{b:.1f}"
                for m, a, b in zip(
                    move[keep].tolist(), xs[drawn][keep].tolist(), ys[drawn][keep].tolist(),
                    strict=True,
                )
            ]  # fmt: skip
            if d:
                g.append(
                    f'<path class="series" d="{" ".join(d)}" fill="none" stroke="#1a73e8" '
                    'stroke-width="1.2"/>'
                )
            for k, flag in enumerate(p.flags):
                if flag and flag != "N":
                    colour = FLAG_COLOURS.get(flag, "#000")
                    when = pd.Timestamp(int(p.ts[k]), tz="UTC").tz_convert(tz)
                    val = "" if not ok[k] else f" = {_fmt(float(p.values[k]))}"
                    tip = f"{flag_label} {flag} {when:%Y-%m-%d %H:%M}{val}"
                    g.append(
                        f'<g class="flag-mark" data-flag="{escape(flag)}"><title>{escape(tip)}</title>'
                        f'<circle cx="{xs[k]:.1f}" cy="{ys[k]:.1f}" r="3.2" fill="{colour}"/>'
                        f'<text x="{xs[k]:.1f}" y="{y0 + 10}" text-anchor="middle" '
                        f'font-size="9" fill="{colour}">{escape(flag)}</text></g>'
                    )
        else:
            g.append(
                f'<text x="{LEFT + plot_w / 2}" y="{y0 + PANEL_H / 2}" text-anchor="middle" '
                f'fill="#999">{escape(no_data)}</text>'
            )
        g.append(
            f'<text x="{LEFT + 4}" y="{y0 - 5}" font-size="12" font-weight="bold" '
            f'fill="#222">{escape(p.label)}</text>'
        )
        g.append("</g>")
        parts.extend(g)
    parts.append("</svg>")
    return "".join(parts)


def _m4(xs: np.ndarray, ys: np.ndarray, move: np.ndarray) -> np.ndarray:
    """Indices of the points of a polyline that draw the same picture at one pixel's width: in
    each pixel column its first, last, lowest and highest points (the M4 reduction), and every
    point where the pen starts a new stroke (so the gaps stay where they are). A year of hourly
    values (8,760 points) on a 880-pixel panel keeps at most about 3,500."""
    n = len(xs)
    if n <= 4 * (WIDTH - LEFT - RIGHT):
        return np.arange(n)
    column = np.floor(xs).astype(np.int64) + np.cumsum(move) * (WIDTH + 1)  # strokes apart
    starts = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
    ends = np.r_[starts[1:], n] - 1
    order = np.lexsort((ys, column))  # by column, then value (columns are ascending already)
    keep = np.zeros(n, dtype=bool)
    keep[starts] = keep[ends] = keep[order[starts]] = keep[order[ends]] = True
    keep |= move
    return np.flatnonzero(keep)


def score_chart(
    history: Sequence[tuple[datetime, float]], *, tz: str, title: str = "", height: int = 180
) -> str:
    """The SVG of a daily score history (0-100) over colour bands (green >= 90, red <= 70)."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = height - TOP - 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart score-chart" '
        f'data-testid="score-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    lowest = min((v for _, v in history), default=100.0)
    lo = float(max(0, min(50, int(lowest // 10) * 10 - 10)))

    def y(v: float) -> float:
        return TOP + (100 - v) / (100 - lo) * plot_h

    for a, b, colour in ((100, 90, "#e6f4ea"), (90, 70, "#fef7e0"), (70, lo, "#fce8e6")):
        parts.append(
            f'<rect x="{LEFT}" y="{y(a):.1f}" width="{plot_w}" height="{y(b) - y(a):.1f}" '
            f'fill="{colour}"/>'
        )
    for v in (lo, 70, 90, 100):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#555">{v:g}</text>'
        )
    if history:
        t0, t1 = _ns(history[0][0]), _ns(history[-1][0])
        span = max(1, t1 - t0)

        def x(t: datetime) -> float:
            return LEFT + (_ns(t) - t0) / span * plot_w

        d = []
        prev: float | None = None
        for t, v in history:
            if prev is None:
                d.append(f"M{x(t):.1f},{y(v):.1f}")
            else:
                d.append(f"L{x(t):.1f},{y(prev):.1f} L{x(t):.1f},{y(v):.1f}")
            prev = v
        parts.append(
            f'<path class="series" d="{" ".join(d)}" fill="none" stroke="#202124" '
            'stroke-width="1.6"/>'
        )
        for tx, label in _month_ticks(t0, t1, tz):
            xx = x(pd.Timestamp(tx, tz="UTC"))
            parts.append(
                f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                'stroke="#fff" stroke-opacity="0.7"/>'
                f'<text x="{xx:.1f}" y="{height - 6}" text-anchor="middle" font-size="10" '
                f'fill="#777">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _wall_ms(ns: np.ndarray, tz: str) -> np.ndarray:
    """UTC ns as ms of the wall clock in ``tz`` (what a plotly date axis shows as is)."""
    idx = pd.DatetimeIndex(np.asarray(ns, dtype="int64"), tz="UTC").tz_convert(tz)
    return np.asarray(idx.tz_localize(None).asi8 // 1_000_000, dtype="int64")


def chart_spec(
    panels: Sequence[Panel],
    start: datetime,
    end: datetime,
    shades: Sequence[tuple[datetime, datetime, str, str]],
    *,
    tz: str,
    texts: dict[str, Any],
) -> dict[str, Any]:
    """The interactive chart of ``panels`` between ``start`` and ``end`` as JSON-ready data:
    ``t0`` (ms, wall clock of ``start``), ``range`` (ms), one entry per panel (``m``: minutes
    from ``t0``; ``y``: values or None; ``flags``: [minute, value, letter] of readings flagged
    other than N; ``low``/``high`` limits; ``findings``: [ms, ms] intervals), ``shades``
    ([ms, ms, label, link] of leads) and ``texts`` (labels and plotly's locale, as given)."""
    hour = 3_600_000_000_000
    t0, t1 = (int(v) for v in _wall_ms(np.array([_ns(start), _ns(end)]), tz))

    def span(a: datetime, b: datetime) -> list[int]:
        ms = _wall_ms(np.array([_ns(a), _ns(b) + hour]), tz)
        return [int(ms[0]), int(ms[1])]

    out = []
    for p in panels:
        minutes = (_wall_ms(p.ts, tz) - t0) // 60_000 if len(p.ts) else np.array([], "int64")
        ok = np.isfinite(p.values)
        ys = [float(v) if k else None for v, k in zip(p.values.tolist(), ok, strict=True)]
        flags = [
            [int(minutes[k]), ys[k], flag] for k, flag in enumerate(p.flags) if flag and flag != "N"
        ]
        out.append(
            {
                "code": p.code,
                "label": p.label,
                "m": minutes.tolist(),
                "y": ys,
                "flags": flags,
                "low": p.low,
                "high": p.high,
                "findings": [span(a, b) for a, b in p.findings],
            }
        )
    return {
        "t0": t0,
        "range": [t0, t1],
        "panels": out,
        "shades": [[*span(a, b), label, link] for a, b, label, link in shades],
        "colours": FLAG_COLOURS,
        "texts": texts,
    }
