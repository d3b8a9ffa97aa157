"""The SVG charts: lines broken at gaps, limits, flags, shading, escaping, month ticks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from monitor.web import charts
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


def _path(svg: str) -> list[tuple[str, float, float]]:
    d = re.search(r'class="series" d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    return [(seg[0], *map(float, seg[1:].split(","))) for seg in d.split()]  # type: ignore[misc]


def test_a_year_is_drawn_with_the_same_picture_in_fewer_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A year of hourly values keeps, per pixel column, its lowest and highest point (a one-hour
    spike stays visible) and every break of the line, in far fewer points than readings."""
    rng = np.random.default_rng(3)
    hours = [h for h in range(8760) if not 4000 <= h < 4010]  # a 10-hour gap
    values = 30 + rng.normal(0, 3, len(hours))
    values[5000] = 400.0  # a one-hour spike
    values[6000] = float("nan")  # an unknown value
    p = _panel(values.tolist(), hours, high=50.0)
    window = (T0, T0 + timedelta(hours=8760), None)
    reduced = _path(readings_chart([p], *window, tz="Asia/Shanghai"))
    monkeypatch.setattr(charts, "_m4", lambda xs, ys, move: np.arange(len(xs)))
    full = _path(readings_chart([p], *window, tz="Asia/Shanghai"))
    assert len(full) == len(hours) - 1 and len(reduced) <= 4 * 880 + 3 < len(full) / 2
    strokes = [(x, y) for m, x, y in full if m == "M"]
    assert len(strokes) == 3 and [(x, y) for m, x, y in reduced if m == "M"] == strokes

    def columns(path: list[tuple[str, float, float]]) -> dict[tuple[int, int], list[float]]:
        out: dict[tuple[int, int], list[float]] = {}
        stroke = 0
        for m, x, y in path:
            stroke += m == "M"
            out.setdefault((stroke, int(x)), []).append(y)
        return out

    every, kept = columns(full), columns(reduced)
    for (stroke, x), ys in every.items():  # within a pixel (the path's x is rounded to 0.1)
        near = [y for dx in (-1, 0, 1) for y in kept.get((stroke, x + dx), [])]
        assert min(near) <= min(ys) and max(near) >= max(ys), (stroke, x)
    assert min(y for _, _, y in reduced) == min(y for _, _, y in full)  # the spike (y grows down)
