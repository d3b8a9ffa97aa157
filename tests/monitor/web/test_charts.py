"""The SVG charts: lines broken at gaps, limits, flags, shading, escaping, month ticks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from monitor.web.charts import Panel, readings_chart, score_chart

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def _panel(
    values: list[float], hours: list[int], flags: list[str] | None = None, **kw: object
) -> Panel:
    ts = np.array([pd.Timestamp(T0 + timedelta(hours=h)).value for h in hours], dtype="int64")
    return Panel(
        "w01018",
        kw.pop("label", "COD (mg/L)"),
        ts,
        np.array(values, dtype="float64"),
        flags or ["N"] * len(values),
        **kw,
    )  # type: ignore[arg-type]


def test_line_breaks_at_missing_hours_and_unknown_values() -> None:
    p = _panel([1, 2, 3, float("nan"), 5, 6, 7], [0, 1, 2, 3, 4, 8, 9])
    svg = readings_chart([p], T0, T0 + timedelta(hours=10), None, tz="Asia/Shanghai")
    d = re.search(r'class="series" d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    # runs: hours 0-2, hour 4 (after the NaN), hours 8-9 (after a 4-hour gap)
    assert [seg[0] for seg in d.split()] == ["M", "L", "L", "M", "M", "L"]


def test_limit_band_flags_shading_and_escaping() -> None:
    p = _panel([7.0, 7.2, 9.5], [0, 1, 2], ["N", "C", "D"], low=6.0, high=9.0, label="<pH>")
    p = Panel(
        "w01001", p.label, p.ts, p.values, p.flags, p.low, p.high, [(T0, T0 + timedelta(hours=1))]
    )
    svg = readings_chart(
        [p],
        T0,
        T0 + timedelta(hours=3),
        (T0 + timedelta(hours=1), T0 + timedelta(hours=2)),
        tz="UTC",
        title="a & b",
    )
    assert svg.count('class="limit-line"') == 2 and "limit 6" in svg and "limit 9" in svg
    assert re.findall(r'data-flag="(\w)"', svg) == ["C", "D"]
    assert "flag D 2026-06-01 02:00 = 9.5" in svg
    assert svg.count('class="flagged-interval"') == 1 and svg.count('class="finding-interval"') == 1
    assert "&lt;pH&gt;" in svg and "<pH>" not in svg and "a &amp; b" in svg


def test_empty_panel_says_no_data() -> None:
    p = _panel([], [])
    svg = readings_chart([p], T0, T0 + timedelta(days=1), None, tz="UTC", no_data="nothing")
    assert "nothing" in svg and 'class="series"' not in svg


def test_score_chart_steps_and_month_ticks() -> None:
    days = [T0 + timedelta(days=d) for d in range(120)]
    history = [(t, 100.0 if i < 60 else 60.0) for i, t in enumerate(days)]
    svg = score_chart(history, tz="Asia/Shanghai")
    labels = re.findall(r">(\d{4}-\d{2})<", svg)
    assert labels == ["2026-07", "2026-09"]
    d = re.search(r'class="series" d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    ys = {float(pt.split(",")[1]) for pt in re.findall(r"[ML]([\d.]+,[\d.]+)", d)}
    assert len(ys) == 2  # one level at 100, one at 60
    assert ">50<" in svg  # the axis starts below the lowest score, not at 0
