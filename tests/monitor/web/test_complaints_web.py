"""The complaint pages through the application: the loop by forms, roles (contact for admins
only, districts), CSRF, refused steps, the overdue mark and the public list without contact."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from monitor import clock
from tests.monitor.web.conftest import Client
from tests.monitor.web.support import Seeded

CONTACT = "13900001111 Li Si"


def _add(c: Client, **form: str) -> int:
    data = {
        "channel": "12369",
        "received": "",
        "enterprise": "E0001",
        "location": "",
        "contact": CONTACT,
        "text": "black water at night",
        "csrf": c.csrf("/complaints"),
        **form,
    }
    r = c.post("/complaints", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    m = re.fullmatch(r"/complaints/(\d+)", r.headers["location"])
    assert m
    return int(m.group(1))


def _act(c: Client, cid: int, action: str, **form: str) -> int:
    data = {"csrf": c.csrf(f"/complaints/{cid}"), **form}
    return c.post(f"/complaints/{cid}/{action}", data=data, follow_redirects=False).status_code


def test_the_loop_by_forms_with_roles(seeded: Seeded, client_for: Callable[..., Client]) -> None:
    admin = client_for(seeded, "admin")
    old = (clock.now() - timedelta(days=30)).astimezone().strftime("%Y-%m-%dT%H:%M")
    cid = _add(admin, received=old)
    page = admin.get(f"/complaints/{cid}").text
    assert CONTACT in page and 'data-testid="overdue"' in page  # not accepted in 30 days
    assert f"#{cid}" in admin.get("/complaints").text
    wang = client_for(seeded, "wang")  # inspector of Lintong, the district of E0001
    seen = wang.get(f"/complaints/{cid}")
    assert seen.status_code == 200 and "black water" in seen.text and CONTACT not in seen.text
    li = client_for(seeded, "li")  # inspector of Yanta
    assert li.get(f"/complaints/{cid}").status_code == 404
    assert f"/complaints/{cid}" not in li.get("/complaints").text
    assert _act(li, cid, "accept") == 404
    r = wang.post(f"/complaints/{cid}/accept", data={"csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    r = wang.post(
        f"/complaints/{cid}/reply", data={"csrf": wang.csrf(f"/complaints/{cid}"), "reply": "x"}
    )
    assert r.status_code == 409 and "cannot reply it (allowed from: handled)" in r.text
    assert 'data-action="lead"' in page
    assert _act(wang, cid, "lead") == 303  # joins or opens a lead of E0001
    page = wang.get(f"/complaints/{cid}").text
    assert 'data-action="lead"' not in page and 'href="/leads/' in page
    assert _act(wang, cid, "lead") == 409  # already with its lead
    assert _act(wang, cid, "accept") == 303
    assert _act(wang, cid, "assign", assignee="wang") == 303
    r = wang.post(
        f"/complaints/{cid}/handle",
        data={"csrf": wang.csrf(f"/complaints/{cid}"), "result": "found"},
    )
    assert r.status_code == 409 and "--substantiated" in r.text
    assert _act(wang, cid, "handle", substantiated="yes", result="bypass sealed") == 303
    assert _act(wang, cid, "reply", reply="Sealed, thank you.") == 303
    assert _act(wang, cid, "close", satisfied="yes") == 303
    page = wang.get(f"/complaints/{cid}").text
    assert 'data-status="closed"' in page and "Sealed, thank you." in page
    for step in ("accept", "assign", "handle", "reply", "close"):
        assert f"<td>{step}</td>" in page
    ent = admin.get("/enterprises/E0001").text
    assert f"complaint #{cid} substantiated" in ent
    assert '<td class="num" data-source="complaint">-3</td>' in ent  # sources side by side
    csv_text = wang.get("/complaints/public.csv")
    assert csv_text.content.startswith(b"\xef\xbb\xbf") and b"bypass sealed" in csv_text.content
    assert CONTACT.encode() not in csv_text.content
    xlsx = admin.get("/complaints/public.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_bad_complaint_is_refused_with_the_form_kept(
    seeded: Seeded, client_for: Callable[..., Client]
) -> None:
    admin = client_for(seeded, "admin")
    data = {
        "channel": "fax",
        "text": "smell",
        "location": "bridge",
        "csrf": admin.csrf("/complaints"),
    }
    r = admin.post("/complaints", data=data)
    assert r.status_code == 400 and "channel &#39;fax&#39;" in r.text and "bridge" in r.text
    wang = client_for(seeded, "wang")
    data = {
        "channel": "12369",
        "text": "smell",
        "enterprise": "E0002",
        "csrf": wang.csrf("/complaints"),
    }
    r = wang.post("/complaints", data=data)  # E0002 is in Yanta
    assert r.status_code == 400 and "not in your district" in r.text
    assert (
        "E0002" not in wang.get("/complaints?status=").text.split('data-testid="new-complaint"')[0]
    )
