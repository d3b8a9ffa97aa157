"""The results page: a result by form, a spreadsheet refused whole on a bad row, rectification,
districts."""

from __future__ import annotations

from collections.abc import Callable

from tests.monitor.web.conftest import Client
from tests.monitor.web.support import Seeded


def _post(c: Client, path: str, **data: str):
    return c.post(path, data={"csrf": c.csrf("/results"), **data}, follow_redirects=False)


def test_record_import_and_rectify(seeded: Seeded, client_for: Callable[..., Client]) -> None:
    wang = client_for(seeded, "wang")  # inspector of Lintong (E0001, E0003)
    r = _post(
        wang, "/results", source="inspection", enterprise="E0001", date="2026-06-02",
        problem="yes", category="discharge", penalty="20000",
    )  # fmt: skip
    assert r.status_code == 303, r.text
    page = wang.get("/results").text
    assert 'data-testid="points">-15<' in page  # -10 discharge, -5 fined
    r = _post(wang, "/results", enterprise="E0002", date="2026-06-02", problem="no")
    assert r.status_code == 400 and "not in your district" in r.text  # E0002 is in Yanta
    r = _post(wang, "/results", enterprise="E0001", date="2026-06-02", problem="yes")
    assert r.status_code == 400 and "a problem needs one of" in r.text
    bad = (
        b"enterprise,date,problem,category,period\n"
        b"E0003,2026-06-03,yes,facility,\n"
        b"E0001,2026-06-04,yes,permit,2026-06\n"
    )
    r = wang.post(
        "/results/import",
        data={"csrf": wang.csrf("/results"), "source": "inspection"},
        files={"file": ("visits.csv", bad, "text/csv")},
    )
    assert r.status_code == 400 and "visits.csv: line 3: E0001 was not drawn for 2026-06" in r.text
    # refused while recording: the row before it is taken back too
    assert "E0003" not in wang.get("/results").text.split('data-testid="new-result"')[0]
    good = bad.replace(b",2026-06\n", b",\n")
    r = wang.post(
        "/results/import",
        data={"csrf": wang.csrf("/results"), "source": "supervision"},
        files={"file": ("visits.csv", good, "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = wang.get("/results").text
    assert page.count('data-action="rectify"') == 3
    first = page.split('<tr data-id="1">')[1]
    assert "rectify" in first.split("</tr>")[0]
    assert _post(wang, "/results/1/rectify", note="pipe sealed").status_code == 303
    assert 'data-testid="points">-7.5<' in wang.get("/results").text  # half given back
    assert client_for(seeded, "li").get("/results").text.count('data-action="rectify"') == 0
