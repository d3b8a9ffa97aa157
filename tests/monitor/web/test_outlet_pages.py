"""The outlet page (``/outlets/{mn}``), the interactive chart's data and library, and a finding's
evidence as a table, through the test client on the seeded database (tests/monitor/web/support.py:
hourly COD and flow of outlets 1 and 3 from 2026-06-01 00:00 to 06-10 23:00 in Asia/Shanghai,
COD flagged M at hours 60-62 and D at hour 150)."""

from __future__ import annotations

import ast
import html as htmllib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from monitor.locale import catalogue
from monitor.web.outlet_pages import MAX_DAYS, PLOTLY_CSS_PATH, PLOTLY_PATH, evidence_rows
from tests.monitor.web.conftest import Client
from tests.monitor.web.support import MN1, MN3, Seeded

MakeClient = Callable[..., Client]
REPO = Path(__file__).resolve().parents[3]


def _spec(page: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S)
    assert m, "no chart data in the page"
    return json.loads(m.group(1))


def _panels(page: str) -> dict[str, dict[str, Any]]:
    return {p["code"]: p for p in _spec(page)["panels"]}


def test_outlet_page_shows_every_channel_over_the_days_asked_for(
    client_for: MakeClient, seeded_ro: Seeded
) -> None:
    admin = client_for(seeded_ro, "admin")
    r = admin.get(f"/outlets/{MN1}?from=2026-06-03&to=2026-06-04")
    assert r.status_code == 200
    panels = _panels(r.text)
    assert set(panels) == {"w01018", "w00000"}  # the registry's channel and flow, both with data
    for p in panels.values():  # 48 hours, minutes from the first local midnight
        assert p["m"] == [60 * h for h in range(48)]
        assert len(p["y"]) == 48 and all(isinstance(v, float) for v in p["y"])
    cod = panels["w01018"]
    assert cod["high"] == 50 and cod["low"] is None
    assert [(f[0], f[2]) for f in cod["flags"]] == [(60 * h, "M") for h in (12, 13, 14)]
    # the SVG for print and no script covers the same days
    assert 'data-testid="readings-chart"' in r.text
    assert "2026-06-03 00:00 – 2026-06-04 23:00" in r.text
    # no lead in these days; over the lead's day it is shaded, listed and linked
    assert _spec(r.text)["shades"] == []
    r = admin.get(f"/outlets/{MN1}?from=2026-06-05&to=2026-06-05")
    spec = _spec(r.text)
    assert len(spec["shades"]) == 1 and spec["shades"][0][3] == f"/leads/{seeded_ro.lintong_lead}"
    assert spec["shades"][0][1] - spec["shades"][0][0] == 24 * 3_600_000
    assert f'<a href="/leads/{seeded_ro.lintong_lead}">' in r.text
    assert min(v for v in _panels(r.text)["w01018"]["y"]) == 61.0  # the stretch over the limit


def test_outlet_page_default_range_ends_with_the_latest_data(
    client_for: MakeClient, seeded_ro: Seeded
) -> None:
    admin = client_for(seeded_ro, "admin")
    r = admin.get(f"/outlets/{MN1}")
    assert r.status_code == 200
    assert 'name="from" value="2026-06-04"' in r.text and 'name="to" value="2026-06-10"' in r.text
    assert len(_panels(r.text)["w01018"]["m"]) == 7 * 24
    # from alone: a week from it; to alone: a week up to it
    assert 'name="to" value="2026-06-07"' in admin.get(f"/outlets/{MN1}?from=2026-06-01").text
    assert 'name="from" value="2026-05-27"' in admin.get(f"/outlets/{MN1}?to=2026-06-02").text


def test_outlet_page_refuses_bad_ranges_in_one_line(
    client_for: MakeClient, seeded_ro: Seeded
) -> None:
    admin = client_for(seeded_ro, "admin")
    base = f"/outlets/{MN1}"
    for query, words in (
        ("?from=2026-02-30", "from: '2026-02-30' is not a date"),
        ("?to=tomorrow", "to: 'tomorrow' is not a date"),
        ("?from=2026-06-01T08:00", "is not a date"),
        ("?from=2026-06-09&to=2026-06-01", "from 2026-06-09 is after to 2026-06-01"),
        ("?from=2025-06-01&to=2026-06-02", f"367 days asked for: at most {MAX_DAYS}"),
    ):
        r = admin.get(base + query)
        assert r.status_code == 400, query
        detail = r.json()["detail"]
        assert words in detail and "\n" not in detail, detail
    assert admin.get(base + "?from=2025-06-02&to=2026-06-02").status_code == 200  # 366 days
    zh = client_for(seeded_ro, "admin", lang="zh")
    assert "不是日期" in zh.get(base + "?from=x").json()["detail"]


def test_outlet_page_follows_the_district_rules(client_for: MakeClient, seeded_ro: Seeded) -> None:
    wang = client_for(seeded_ro, "wang")  # inspector, Lintong (outlets 1, 2, 4)
    li = client_for(seeded_ro, "li")  # inspector, Yanta (outlet 3)
    assert wang.get(f"/outlets/{MN1}").status_code == 200
    assert wang.get(f"/outlets/{MN3}").status_code == 404
    assert li.get(f"/outlets/{MN1}").status_code == 404
    assert li.get(f"/outlets/{MN3}").status_code == 200
    admin = client_for(seeded_ro, "admin")
    for mn in ("99999999999999", "a%2Fb", "x" * 65, "%3Cscript%3E"):
        assert admin.get(f"/outlets/{mn}").status_code == 404, mn
    anonymous = client_for(seeded_ro)
    r = anonymous.get(f"/outlets/{MN1}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # linked from the enterprise page and the lead page
    assert f'href="/outlets/{MN1}"' in admin.get("/enterprises/E0001").text
    assert f'href="/outlets/{MN1}?from=' in admin.get(f"/leads/{seeded_ro.lintong_lead}").text


def test_charting_library_is_served_here_with_long_cache(
    client_for: MakeClient, seeded_ro: Seeded
) -> None:
    anonymous = client_for(seeded_ro)  # public code: the login page needs no chart, but no secret
    r = anonymous.get(PLOTLY_PATH, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert (
        "immutable" in r.headers["cache-control"]
        and "max-age=31536000" in r.headers["cache-control"]
    )
    assert r.headers["content-type"].startswith("text/javascript")
    assert b"plotly.js" in r.content[:200] and len(r.content) > 1_000_000
    css = anonymous.get(PLOTLY_CSS_PATH)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    # the bundle's own rules, spelled out (plotly.js would inject them inline: refused by the CSP)
    assert ".js-plotly-plot .plotly .modebar{" in css.text
    assert ".plotly-notifier .notifier-note{" in css.text
    assert " X" not in css.text and "Y " not in css.text


def test_lead_chart_data_and_texts_in_chinese(client_for: MakeClient, seeded_ro: Seeded) -> None:
    zh = client_for(seeded_ro, "admin", lang="zh")
    page = zh.get(f"/leads/{seeded_ro.lintong_lead}").text
    spec = _spec(page)
    assert [p["label"] for p in spec["panels"]] == ["化学需氧量 (mg/L)", "流量 (m3/h)"]
    assert spec["texts"]["limit"] == "限值" and spec["texts"]["locale"]["name"] == "zh-CN"
    assert spec["texts"]["locale"]["dictionary"]["Zoom"] == "缩放"
    assert spec["texts"]["locale"]["format"]["months"][0] == "一月"
    assert spec["shades"][0][2] == f"线索 #{seeded_ro.lintong_lead}"
    # the lead's window: 2 days either side of 2026-06-05, local wall clock
    assert (spec["range"][1] - spec["range"][0]) == (5 * 24 - 1) * 3_600_000
    assert "<tr><th>数值</th><td>61</td></tr>" in page  # the evidence, in Chinese


def test_evidence_rows_in_the_readers_language(seeded_ro: Seeded) -> None:
    evidence = {
        "rule": "daily mean of valid hours above limit",
        "threshold": 50.0,
        "daily_mean": 61.23456,
        "valid_hours": 1234,
        "ratio": 0.000012,
        "false_alarm_rate_per_year": None,
        "channels": ["w01018", "w00000"],
        "first_hour": "2026-06-05T00:00:00+00:00",
        "flow_known": True,
        "episode_list": [{"start": f"2026-06-0{i}", "hours": i} for i in range(1, 13)],
        "something_new": 3,
        "params": {"min_daily_hours": 20, "limits": None},
    }
    zh = dict(evidence_rows(seeded_ro.context("zh"), evidence))
    assert zh["规则"] == "daily mean of valid hours above limit"  # a detector's rule, as written
    assert zh["阈值"] == "50" and zh["日均值"] == "61.23" and zh["有效小时数"] == "1,234"
    assert zh["比值"] == "1.200e-05" and zh["年误报率"] == "—"
    assert zh["监测因子"] == "化学需氧量, 流量"
    assert zh["首个小时"] == "2026-06-05 08:00"  # in the display zone
    assert zh["流量已知"] == "是"
    assert zh["事件列表"].count("\n") == 8 and zh["事件列表"].endswith("……另有 4 项")
    assert zh["事件列表"].startswith("开始: 2026-06-01; 小时数: 1")
    assert zh["something_new"] == "3"  # a key no catalogue names yet: as recorded
    assert list(zh)[-1] == "检测参数" and zh["检测参数"] == "min_daily_hours=20; limits=—"
    en = dict(evidence_rows(seeded_ro.context("en"), evidence))
    assert en["daily mean"] == "61.23" and en["flow known"] == "yes"
    assert en["channels"] == "COD, flow"


def _evidence_keys() -> set[str]:
    """Every key a detector writes into a finding's evidence as a literal (dict displays passed
    as ``evidence=`` or assigned (``=``, ``|=``) to a name with "evid" in it, or to ``rule``,
    the rule a finding states that is merged into its evidence, and item assignments to
    those)."""
    keys: set[str] = set()
    for path in (REPO / "detectors").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found: ast.Dict | None = None
            if isinstance(node, ast.keyword) and node.arg == "evidence":
                found = node.value if isinstance(node.value, ast.Dict) else None
            elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                name = getattr(target, "id", "")
                if ("evid" in name or name == "rule") and isinstance(node.value, ast.Dict):
                    found = node.value
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and "evid" in getattr(node.value, "id", "")
                and isinstance(node.slice, ast.Constant)
            ):
                keys.add(str(node.slice.value))
            elif isinstance(node, ast.FunctionDef) and node.name.endswith("_evidence"):
                # a helper building a finding's evidence returns its dict (zero_floor's
                # `_dead_evidence`, `_fault_evidence`)
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Dict):
                        keys.update(k.value for k in ret.value.keys if isinstance(k, ast.Constant))
            if found is not None:
                keys.update(k.value for k in found.keys if isinstance(k, ast.Constant))
    return keys


def test_every_evidence_key_has_a_name_in_both_languages() -> None:
    keys = _evidence_keys()
    assert {"daily_mean", "p_value", "window_hours", "params"} <= keys  # the scan finds them
    named = {m.removeprefix("evidence.key.") for m in catalogue() if m.startswith("evidence.key.")}
    assert sorted(keys - named) == [], "add these to [evidence.key] in monitor/locale/charts.toml"


def test_every_evidence_key_the_catalogue_writes_on_a_fleet_has_a_name() -> None:
    """The scan above reads literal dicts only; keys built elsewhere (a rule's dict merged into
    the evidence) are caught here, from the findings of every detector on simulated fleets."""
    from detectors import build
    from detectors.base import FleetDetector
    from detectors.frame import OutletData
    from monitor.simulation.simulator import simulate

    written: set[str] = set()
    for seed in (1, 2):
        sim = simulate(40, 120, seed)
        specs = sim.specs()
        outlets = [OutletData(g, specs[mn]) for mn, g in sim.readings.groupby("mn", observed=True)]
        for detector in build(None):
            if isinstance(detector, FleetDetector):
                found = list(detector.detect_summaries([detector.summarise(o) for o in outlets]))
            else:
                found = [f for o in outlets for f in detector.detect(o)]
            written.update(k for f in found for k in f.evidence)
    assert "window_hours" in written and len(written) > 30  # many detectors made findings
    named = {m.removeprefix("evidence.key.") for m in catalogue() if m.startswith("evidence.key.")}
    assert sorted(written - named) == [], (
        "add these to [evidence.key] in monitor/locale/charts.toml"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lead_page_evidence_is_a_table_not_json(
    client_for: MakeClient, seeded_ro: Seeded, lang: str
) -> None:
    page = client_for(seeded_ro, "admin", lang=lang).get(f"/leads/{seeded_ro.lintong_lead}").text
    cell = page[page.index('data-testid="evidence"') :]
    cell = cell[: cell.index("</table>")]
    assert "{" not in htmllib.unescape(cell) and "&#34;" not in cell
    assert cell.count("<tr>") == 1
