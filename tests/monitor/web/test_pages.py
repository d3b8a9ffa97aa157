"""Every page through the test client (signed in as the administrator), in English and Chinese."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.monitor.web.conftest import Client
from tests.monitor.web.support import EVIL, MN1, MN2, MN3, MN4, Seeded

MakeClient = Callable[..., Client]


@pytest.fixture(scope="module")
def admin(seeded_ro: Seeded) -> Client:
    from monitor.web.app import create_app
    from tests.monitor.web.conftest import SECRET

    c = Client(create_app(seeded_ro.context(), secret=SECRET))
    return c.login("admin")


def test_overview_shows_scores_leads_and_ingest_health(admin: Client) -> None:
    r = admin.get("/")
    assert r.status_code == 200
    html = r.text
    # E0002 has an integrity/high lead: -20 points -> 80, yellow; E0003 untouched -> 100, green
    assert re.search(
        r"E0002</a></td><td>Yanta</td><td class=\"num\">80</td><td><span class=\"badge yellow\"",
        html,
    )
    assert re.search(
        r"E0003</a></td><td>Lintong</td><td class=\"num\">100</td><td><span class=\"badge green\"",
        html,
    )
    assert 'href="/leads?district=Lintong&category=exceedance">1</a>' in html
    assert 'href="/leads?district=Yanta&category=integrity">1</a>' in html
    assert ">crc</a>: 1" in html and ">frame</a>: 1" in html
    # the seeded data is in June 2026: every outlet is silent now, two never sent anything
    assert '<dd data-testid="silent">4 / 4</dd>' in html
    assert html.count("never") == 2 and MN2 in html and MN4 in html


def test_lead_queue_filters(admin: Client, seeded_ro: Seeded) -> None:
    def ids(query: str) -> set[int]:
        r = admin.get("/leads" + query)
        assert r.status_code == 200
        return {int(x) for x in re.findall(r'<a href="/leads/(\d+)">#', r.text)}

    both = {seeded_ro.lintong_lead, seeded_ro.yanta_lead}
    assert ids("") == both
    assert ids("?status=open") == both
    assert ids("?status=closed") == set()
    assert ids("?district=Yanta") == {seeded_ro.yanta_lead}
    assert ids("?category=exceedance") == {seeded_ro.lintong_lead}
    assert ids("?severity=high") == {seeded_ro.yanta_lead}
    assert ids("?severity=high&district=Lintong") == set()
    assert ids("?enterprise=E0001") == {seeded_ro.lintong_lead}
    assert admin.get("/leads?status=bogus").status_code == 400


def test_lead_page_has_summary_evidence_chart_and_actions(admin: Client, seeded_ro: Seeded) -> None:
    r = admin.get(f"/leads/{seeded_ro.lintong_lead}")
    assert r.status_code == 200
    html = r.text
    assert "COD over its limit 50 for 24 h" in html
    assert 'data-testid="readings-chart"' in html
    chart = html[html.index("<svg") : html.index("</svg>")]
    # COD and flow panels, the limit line of COD (50), shaded interval, M and D flags marked
    assert 'data-channel="w01018"' in chart and 'data-channel="w00000"' in chart
    assert chart.count('class="limit-line"') == 1 and "limit 50" in chart
    assert chart.count('class="flagged-interval"') == 2
    assert chart.count('data-flag="M"') == 3 and chart.count('data-flag="D"') == 1
    assert 'class="series"' in chart
    # evidence, audit trail, the action an open lead allows, and the way to the raw data
    assert "<tr><th>value</th><td>61</td></tr>" in html  # the evidence as a table, not JSON
    # the interactive chart's data and library (served here), the outlet's page one click away
    assert '<script type="application/json" id="chart-data">' in html
    assert re.search(r'<script src="/vendor/plotly-[0-9.]+\.min\.js" defer>', html)
    assert f'href="/outlets/{MN1}?from=2026-06-03&amp;to=2026-06-07"' in html
    assert 'data-action="assign"' in html and 'data-action="confirm"' not in html
    assert f'href="/leads/{seeded_ro.lintong_lead}/readings"' in html
    assert re.search(r"<td>open</td><td>(<span[^>]*>)?open", html)


def test_raw_page_shows_stored_rows_and_escapes_quarantine(
    admin: Client, seeded_ro: Seeded
) -> None:
    r = admin.get(f"/leads/{seeded_ro.lintong_lead}/readings")
    assert r.status_code == 200
    # 24 hours of the lead, COD and flow: 48 stored rows with their QN
    assert r.text.count("<tr class=") == 48
    assert "<code>2026060" in r.text
    assert EVIL not in r.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in r.text
    assert MN3 not in r.text.split("quarantine-rows")[1]


def test_enterprise_page(admin: Client, seeded_ro: Seeded) -> None:
    r = admin.get("/enterprises/E0002")
    assert r.status_code == 200
    assert 'data-testid="score-chart"' in r.text
    assert 'data-colour="yellow"' in r.text and ">80<" in r.text
    assert "provisional:integrity.high" in r.text
    assert f'href="/leads/{seeded_ro.yanta_lead}"' in r.text
    assert MN3 in r.text
    assert admin.get("/enterprises/NOPE").status_code == 404


def test_inspections_page_and_csv(admin: Client) -> None:
    r = admin.get("/inspections")
    assert r.status_code == 200 and "2026-11" in r.text and "seed 7" in r.text
    r = admin.get("/inspections/2026-11.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    # E0002 is yellow (drawn with share 0.5 of 1 -> drawn); every row has an inspector
    assert {row["enterprise"] for row in rows} >= {"E0002"}
    assert all(row["inspectors"] for row in rows)
    assert r.content.startswith(b"\xef\xbb\xbf")  # Excel on Chinese Windows needs the BOM
    assert admin.get("/inspections/1999-01.csv").status_code == 404
    r = admin.get("/inspections/2026-11.xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    got = list(sheet.iter_rows(values_only=True))
    assert got[0][:2] == ("period", "enterprise") and sheet.freeze_panes == "A2"
    assert [g[1] for g in got[1:]] == [row["enterprise"] for row in rows]
    assert admin.get("/inspections/2026-11.pdf").status_code == 404


def test_quarantine_pages_show_payload_safely(admin: Client, seeded_ro: Seeded) -> None:
    r = admin.get("/quarantine")
    assert r.status_code == 200
    assert "crc (1)" in r.text and "frame (1)" in r.text
    assert EVIL not in r.text and "&lt;script&gt;" in r.text
    r = admin.get("/quarantine?reason=frame")
    assert MN3 in r.text and MN1 not in r.text.split("quarantine-rows")[1]
    r = admin.get(f"/quarantine?mn={MN1}")
    assert "CRC mismatch" in r.text and "no ## header" not in r.text
    crc_id, frame_id = seeded_ro.quarantine_ids
    r = admin.get(f"/quarantine/{crc_id}")
    assert r.status_code == 200 and EVIL not in r.text and "CRC mismatch" in r.text
    r = admin.get(f"/quarantine/{frame_id}")
    assert "\\xff\\xfe\\x00binary" in r.text and "not valid UTF-8" in r.text
    assert "ff fe 00 62" in r.text
    assert admin.get("/quarantine/999").status_code == 404


def test_pages_in_chinese(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro, "admin", lang="zh")
    assert "企业信用评分" in c.get("/").text
    html = c.get(f"/leads/{seeded_ro.lintong_lead}").text
    assert "化学需氧量" in html and "待处理" in html and "限值 50" in html
    assert "线索队列" in c.get("/leads").text


def test_static_and_openapi_are_local(admin: Client) -> None:
    r = admin.get("/static/style.css")
    assert r.status_code == 200 and "font" in r.text
    spec = admin.get("/openapi.json").json()
    assert "/api/leads/{lead_id}/{action}" in spec["paths"]
    assert admin.get("/docs").status_code == 404
    for path in ("/", "/leads", "/inspections", "/quarantine", "/enterprises/E0001"):
        html = admin.get(path).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path


def test_api_reference_page_is_local(seeded_ro: Seeded, client_for: MakeClient) -> None:
    c = client_for(seeded_ro, "wang")
    html = c.get("/api-docs").text
    assert "<code>/api/leads/{lead_id}/{action}</code>" in html
    assert "Move a lead through its lifecycle" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_lead_queue_pages(seeded: Seeded, client_for: MakeClient) -> None:
    from monitor.casework.leads import record_findings
    from tests.monitor.casework_support import finding

    days = [pd.Timestamp("2026-07-01") + pd.Timedelta(days=2 * k) for k in range(110)]
    extra = [finding(f"{d:%Y-%m-%d} 01:00", f"{d:%Y-%m-%d} 02:00", mn=MN4) for d in days]
    with seeded.context().session() as s:
        n_new = len(record_findings(s, extra, seeded.registry).opened)
    total = n_new + 2
    assert total > 100
    admin = client_for(seeded, "admin")

    def page(q: str) -> tuple[list[int], str]:
        html = admin.get("/leads" + q).text
        return [int(x) for x in re.findall(r'<a href="/leads/(\d+)">#', html)], html

    first, html = page("?status=")
    assert len(first) == 100 and 'rel="next"' in html and 'rel="prev"' not in html
    assert "leads 1 to 100" in html
    second, html = page("?status=&page=2")
    assert len(second) == total - 100 and 'rel="prev"' in html and 'rel="next"' not in html
    assert not set(first) & set(second)
    assert set(first) | set(second) >= {seeded.lintong_lead, seeded.yanta_lead}
    api = admin.get("/api/leads?offset=100&limit=100").json()
    assert [x["id"] for x in api] == second
