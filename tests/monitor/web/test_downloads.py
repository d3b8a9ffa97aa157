"""The web page's lists as spreadsheets: the lead queue with its filters, the scores and an
inspection draw, in the reader's language, only what the person may see."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from openpyxl import load_workbook

from tests.monitor.web.conftest import Client
from tests.monitor.web.support import MN3, Seeded


def _csv(r: object) -> list[dict[str, str]]:
    content: bytes = r.content  # type: ignore[attr-defined]
    assert content.startswith(b"\xef\xbb\xbf")  # Excel on Chinese Windows needs the BOM
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_lead_queue_download_in_chinese(
    seeded_ro: Seeded, client_for: Callable[..., Client]
) -> None:
    admin = client_for(seeded_ro, "admin", lang="zh")
    page = admin.get("/leads?status=")
    assert 'href="/leads.xlsx?status=' in page.text  # the button carries the page's filters
    rows = _csv(admin.get("/leads.csv?status="))
    assert {r["编号"] for r in rows} == {str(seeded_ro.lintong_lead), str(seeded_ro.yanta_lead)}
    assert {r["状态"] for r in rows} <= {"待处理", "已分派", "已核查", "已确认", "已排除", "已办结"}
    assert all("T" not in r["开始"] and "+08" not in r["开始"] for r in rows)  # 2026-06-05 00:00
    book = load_workbook(io.BytesIO(admin.get("/leads.xlsx?status=").content))
    sheet = book.worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert header[:3] == ("编号", "状态", "企业") and sheet.freeze_panes == "A2"
    only = _csv(admin.get("/leads.csv", params={"status": "", "district": "Yanta"}))
    assert [r["编号"] for r in only] == [str(seeded_ro.yanta_lead)]


def test_an_inspector_downloads_their_district_only(
    seeded_ro: Seeded, client_for: Callable[..., Client]
) -> None:
    li = client_for(seeded_ro, "li")  # Yanta
    rows = _csv(li.get("/leads.csv?status="))
    assert [r["id"] for r in rows] == [str(seeded_ro.yanta_lead)] and rows[0]["mn"] == MN3
    scores = _csv(li.get("/scores.csv"))
    assert scores and all("Yanta" in r["districts"] for r in scores)


def test_scores_download_and_refusals(seeded_ro: Seeded, client_for: Callable[..., Client]) -> None:
    admin = client_for(seeded_ro, "admin", lang="zh")
    assert 'href="/scores.xlsx"' in admin.get("/").text
    rows = _csv(admin.get("/scores.csv"))
    e2 = next(r for r in rows if r["企业"] == "E0002")
    assert e2["等级"] == "黄", e2
    assert float(e2["信用分"]) == 80
    assert admin.get("/scores.pdf").status_code == 404
    assert admin.get("/leads.csv?category=nonsense").status_code == 400
    anonymous = client_for(seeded_ro)
    r = anonymous.get("/leads.csv", follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]
    assert _csv(admin.get("/inspections/2026-11.csv"))[0].keys() >= {"抽查期", "企业", "执法人员"}
