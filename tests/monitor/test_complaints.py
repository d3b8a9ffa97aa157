"""Complaints (信访): deadlines in working days, the lifecycle and its audit trail, leads, score,
monthly figures at the deadline edges, the public list without personal data, overdue alerts."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from monitor.alerts.alerter import Alerter, AlertSettings, render
from monitor.casework import complaints as C
from monitor.casework import leads
from monitor.casework.scoring import score_at
from monitor.cli import main
from monitor.store.casework_models import AlertRow
from tests.monitor.casework_support import (
    cli_world,
    engine_for,
    finding,
    registry,
    tx,
)

TZ = ZoneInfo("Asia/Shanghai")
CONTACT = "13800138000 Zhang San"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def engine(sqlite_url: str):
    return engine_for(sqlite_url)


def _add(s: Any, received: datetime, settings: C.ComplaintSettings | None = None, **kw: Any):
    kw.setdefault("enterprise", "E0001")
    return C.add(
        s,
        channel=kw.pop("channel", "12369"),
        text=kw.pop("text", "black water from the outlet at night"),
        received_at=received,
        contact=CONTACT,
        registry=registry(),
        settings=settings or C.ComplaintSettings(),
        who="clerk",
        now=received,
        **kw,
    )


# -- deadlines --------------------------------------------------------------------------------------


def test_deadlines_count_working_days_after_the_day_of_receipt() -> None:
    s = C.ComplaintSettings(accept_working_days=3, reply_working_days=15)
    friday_night = local(2026, 12, 4, 23, 30)
    assert s.due(friday_night, 3) == local(2026, 12, 10)  # Mon, Tue, Wed; ends with Wednesday
    assert s.due(friday_night, 0) == local(2026, 12, 5)  # the end of the day of receipt
    assert s.due(local(2026, 12, 5, 9), 1) == local(2026, 12, 8)  # Saturday: Monday counts
    assert s.due(friday_night, 15) == local(2026, 12, 26)
    # a holiday is skipped, a weekend day worked in exchange counts
    holiday = C.ComplaintSettings(
        holidays=frozenset({date(2026, 12, 7)}), workdays=frozenset({date(2026, 12, 6)})
    )
    assert holiday.due(friday_night, 2) == local(2026, 12, 9)  # Sun 6 (worked), Tue 8


def test_settings_refuse_bad_values_in_one_line() -> None:
    with pytest.raises(C.ComplaintError, match=r"accept_working_days: 'three'.*write"):
        C.ComplaintSettings.from_dict({"accept_working_days": "three"})
    with pytest.raises(C.ComplaintError, match=r"holidays: 'x' is not a date"):
        C.ComplaintSettings.from_dict({"holidays": ["x"]})
    with pytest.raises(C.ComplaintError, match=r"reply_days: unknown setting"):
        C.ComplaintSettings.from_dict({"reply_days": 3})
    s = C.ComplaintSettings.from_dict(
        {"accept_working_days": 1, "holidays": [date(2026, 10, 1), "2026-10-02"]}
    )
    assert s.accept_working_days == 1 and s.holidays == {date(2026, 10, 1), date(2026, 10, 2)}


# -- lifecycle ---------------------------------------------------------------------------------------


def test_the_loop_with_its_audit_trail_and_illegal_steps_refused(engine) -> None:
    t0 = local(2026, 12, 1, 9)
    with tx(engine) as s:
        c = _add(s, t0)
        assert c.district == "Lintong"  # from the registry
        with pytest.raises(
            C.ComplaintError, match=r"is received: cannot reply it \(allowed from: handled\)"
        ):
            C.act(s, c.id, "reply", "wang", reply="done", now=t0)
        C.act(s, c.id, "accept", "wang", now=t0 + timedelta(hours=1))
        C.act(s, c.id, "assign", "wang", assignee="Li Na", now=t0 + timedelta(hours=2))
        with pytest.raises(C.ComplaintError, match="--substantiated"):
            C.act(s, c.id, "handle", "li", result="x", now=t0 + timedelta(days=1))
        C.act(
            s, c.id, "handle", "li", substantiated=False, result="no discharge seen",
            now=t0 + timedelta(days=1),
        )  # fmt: skip
        C.act(s, c.id, "reply", "li", reply="We found no discharge.", now=t0 + timedelta(days=2))
        C.act(s, c.id, "close", "wang", satisfied=True, now=t0 + timedelta(days=3))
        with pytest.raises(C.ComplaintError, match="is closed: cannot close"):
            C.act(s, c.id, "close", "wang", now=t0 + timedelta(days=3))
        d = C.complaint_dict(c, detail=True)
    assert [(e["action"], e["from"], e["to"]) for e in d["audit"]] == [
        ("receive", None, "received"),
        ("accept", "received", "accepted"),
        ("assign", "accepted", "assigned"),
        ("handle", "assigned", "handled"),
        ("reply", "handled", "replied"),
        ("close", "replied", "closed"),
    ]
    assert d["assignee"] == "Li Na" and d["satisfied"] is True and d["replied_on_time"] is True
    assert "contact" not in d and CONTACT not in str(d)
    with tx(engine) as s:  # unsubstantiated: the score is untouched
        assert score_at(s, "E0001", local(2026, 12, 31)).score == 100


def test_a_substantiated_complaint_moves_the_score_and_opens_or_joins_a_lead(engine) -> None:
    t0 = local(2026, 6, 1, 9)
    with tx(engine) as s:
        first = _add(s, t0)
        lead, opened = C.link_lead(s, first.id, registry(), "wang", now=t0)
        assert opened and lead.enterprise == "E0001" and lead.status == "open"
        second = _add(s, t0 + timedelta(hours=3))
        joined, opened_again = C.link_lead(s, second.id, registry(), "wang", now=t0)
        assert joined.id == lead.id and not opened_again
        assert [e.action for e in lead.events] == ["open", "complaint"]
        with pytest.raises(C.ComplaintError, match="already with lead"):
            C.link_lead(s, second.id, registry(), "wang")
        nowhere = _add(s, t0, enterprise=None, location="river bank at Xinfeng")
        with pytest.raises(C.ComplaintError, match="names no enterprise"):
            C.link_lead(s, nowhere.id, registry(), "wang")
        before = score_at(s, "E0001", local(2026, 6, 30)).score
        for step, kw in (
            ("accept", {}),
            ("assign", {}),
            ("handle", {"substantiated": True, "result": "bypass pipe found"}),
        ):
            C.act(s, first.id, step, "wang", now=t0 + timedelta(days=1), **kw)
        sc = score_at(s, "E0001", local(2026, 6, 30))
    assert sc.score == before - 3  # complaint.substantiated of the default rules
    assert sc.sources["complaint"] == -3
    (d,) = [d for d in sc.deductions if d.source == "complaint"]
    assert d.ref == f"complaint:{first.id}" and d.ts == t0


def test_a_complaint_needs_text_and_a_place_and_a_known_channel(engine) -> None:
    with tx(engine) as s:
        with pytest.raises(C.ComplaintError, match="--enterprise or --location"):
            _add(s, local(2026, 6, 1), enterprise=None)
        with pytest.raises(C.ComplaintError, match="channel 'fax'"):
            _add(s, local(2026, 6, 1), channel="fax")
        with pytest.raises(C.ComplaintError, match="needs its text"):
            _add(s, local(2026, 6, 1), text="  ")


# -- figures at the deadline edges ----------------------------------------------------------------


def test_monthly_figures_at_the_deadline_edges(engine) -> None:
    """Received Friday 2026-12-04: accept by the end of Monday 12-07 (1 working day), reply by
    the end of Tuesday 12-08 (2). One step a microsecond before the deadline is on time, one at it
    is late; a step not done is counted only once its deadline has passed."""
    settings = C.ComplaintSettings(accept_working_days=1, reply_working_days=2)
    received = local(2026, 12, 4, 10)
    accept_due, reply_due = local(2026, 12, 8), local(2026, 12, 9)
    just = timedelta(microseconds=1)
    with tx(engine) as s:
        on_time, late, waiting = (_add(s, received, settings) for _ in range(3))
        C.act(s, on_time.id, "accept", "w", now=accept_due - just)
        C.act(s, late.id, "accept", "w", now=accept_due)
        for c, when in ((on_time, reply_due - just), (late, reply_due)):
            C.act(s, c.id, "assign", "w", now=when - timedelta(hours=1))
            C.act(
                s,
                c.id,
                "handle",
                "w",
                substantiated=True,
                result="r",
                now=when - timedelta(hours=1),
            )
            C.act(s, c.id, "reply", "w", reply="r", now=when)
        C.act(s, on_time.id, "close", "w", satisfied=True, now=reply_due)
        C.act(s, late.id, "close", "w", satisfied=False, now=reply_due)
        rows = C.list_complaints(s)

    def fig(at: datetime) -> dict[str, Any]:
        (row,) = C.monthly(rows, at=at)
        return row

    before = fig(accept_due - just)  # the waiting one is not due yet; 'late' not accepted yet
    assert (before["received"], before["accepted"], before["accepted_rate"]) == (3, 1, 1.0)
    at_due = fig(accept_due)  # 'late' accepted at the deadline (late), 'waiting' now overdue
    assert (at_due["accepted"], at_due["accepted_on_time"], at_due["accepted_rate"]) == (
        2,
        1,
        round(1 / 3, 4),
    )
    assert at_due["on_time_reply_rate"] is None and at_due["satisfied_rate"] is None
    end = fig(reply_due)
    assert (end["replied"], end["replied_on_time"], end["on_time_reply_rate"]) == (
        2,
        1,
        round(1 / 3, 4),
    )
    assert (end["handled"], end["handled_rate"]) == (2, round(2 / 3, 4))
    assert (end["satisfied"], end["satisfied_rate"]) == (1, 0.5)
    assert (end["month"], end["district"]) == ("2026-12", "Lintong")
    with tx(engine) as s:
        late_stages = {c.id: stage for c, stage in C.overdue(s, reply_due)}
        assert late_stages == {waiting.id: "accept"}
        assert C.overdue(s, accept_due - just) == []


# -- the public list ----------------------------------------------------------------------------------


def test_public_list_as_csv_and_xlsx_holds_no_contact(engine, tmp_path: Path) -> None:
    with tx(engine) as s:
        _add(s, local(2026, 11, 2, 8), text="smell of solvent 异味")
        _add(s, local(2026, 11, 3, 8), enterprise=None, location="Xinfeng bridge")
        rows = C.public_rows(C.list_complaints(s))
    csv_path = C.write_public(rows, tmp_path / "list.csv")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet programs read it as UTF-8
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["text"] for r in table} == {
        "smell of solvent 异味",
        "black water from the outlet at night",
    }
    assert {r["location"] for r in table} == {"", "Xinfeng bridge"}
    assert list(table[0]) == list(C.PUBLIC_COLUMNS)
    xlsx = C.write_public(rows, tmp_path / "list.xlsx")
    cells = [c.value for row in load_workbook(xlsx).active.iter_rows() for c in row]
    assert "smell of solvent 异味" in cells
    for blob in (raw.decode("utf-8-sig"), " ".join(str(c) for c in cells)):
        assert "13800138000" not in blob and "Zhang San" not in blob


# -- overdue alerts ------------------------------------------------------------------------------------


def test_overdue_complaints_are_alerted_once_per_stage(engine, http_server) -> None:
    url, hook = http_server
    settings = AlertSettings.from_dict(
        {"window_seconds": 0, "districts": {"Lintong": {"webhook": [f"{url}/hook"]}}}, lang="en"
    )
    alerter = Alerter(settings)
    received = local(2026, 12, 4, 10)
    c_settings = C.ComplaintSettings(accept_working_days=1, reply_working_days=2)
    with tx(engine) as s:
        c = _add(s, received, c_settings)
        assert alerter.dispatch(s, local(2026, 12, 7, 23, 59)).attempts == 0  # not overdue yet
        report = alerter.dispatch(s, local(2026, 12, 8))
        assert len(report.sent) == 1
        assert alerter.dispatch(s, local(2026, 12, 8, 12)).attempts == 0  # alerted once
        C.act(s, c.id, "accept", "w", now=local(2026, 12, 8, 13))
        report = alerter.dispatch(s, local(2026, 12, 9))  # reply overdue now
        assert len(report.sent) == 1
        alerts = s.query(AlertRow).order_by(AlertRow.id).all()
        assert [(a.complaint_id, a.category, a.severity) for a in alerts] == [
            (c.id, "complaint", "medium"),
            (c.id, "complaint", "high"),
        ]
        message = render(s, alerts[0], settings)
    assert "not accepted in time" in message.subject and "2026-12-07" in message.text
    assert [p["enterprise"] for _, _, p in hook.requests] == ["E0001", "E0001"]
    assert CONTACT not in str(hook.requests) and CONTACT not in message.text


# -- the command line ------------------------------------------------------------------------------------


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_cli_loop_attachments_figures_and_public_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli_world(tmp_path, monkeypatch, user="clerk", lang="en")
    photo = tmp_path / "night.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    db = ["--db", f"sqlite:///{tmp_path / 'ow.db'}"]
    with tx(engine_for(db[1])) as s:  # an active lead of E0001 the complaint joins
        leads.record_findings(s, [finding("2026-12-03", "2026-12-03 05:00")], registry())
    out = _run(
        "complaints", "add", *db, "--channel", "wechat", "--received", "2026-12-04 21:10",
        "--enterprise", "E0001", "--contact", CONTACT, "--text", "black water", "--attach",
        str(photo), "--lead",
    )  # fmt: skip
    assert out.startswith("complaint #1: received; accept by 2026-12-09") and "lead #1" in out
    stored = list((tmp_path / "ow-attachments").rglob("*"))
    assert any(p.is_file() and p.read_bytes() == photo.read_bytes() for p in stored)
    err = _run("complaints", "reply", "1", *db, "--reply", "x", code=1)
    assert err.strip() == "Error: complaint #1 is received: cannot reply it (allowed from: handled)"
    err = _run("complaints", "accept", "1", *db, "--at", "2026-12-04 21:00", code=1)
    assert "before the complaint's last step" in err and err.count("\n") == 1
    _run("complaints", "accept", "1", *db, "--at", "2026-12-04 22:00")
    _run("complaints", "assign", "1", *db, "--to", "Li Na")
    _run("complaints", "handle", "1", *db, "--substantiated", "yes", "--result", "bypass sealed")
    _run("complaints", "reply", "1", *db, "--reply", "sealed on 12-05")
    _run("complaints", "close", "1", *db, "--satisfied", "yes")
    listed = _run("complaints", "list", *db, "--format", "csv")
    assert "closed" in listed and CONTACT not in listed
    assert CONTACT in _run("complaints", "show", "1", *db, "--contact")
    assert CONTACT not in _run("complaints", "show", "1", *db, "--format", "json")
    figures = list(
        csv.DictReader(io.StringIO(_run("complaints", "figures", *db, "--format", "csv")))
    )
    assert figures[0]["accepted_rate"] == "1.0" and figures[0]["received"] == "1"
    _run("complaints", "public", *db, "--out", "public.xlsx")
    cells = [
        c.value for row in load_workbook(tmp_path / "public.xlsx").active.iter_rows() for c in row
    ]
    assert "black water" in cells and CONTACT not in cells
    (tmp_path / "monitor.toml").write_text("[complaints]\naccept_working_days = -1\n")
    err = _run("complaints", "add", *db, "--config", "monitor.toml", "--channel", "12369",
               "--location", "x", "--text", "y", code=1)  # fmt: skip
    assert err.count("\n") == 1 and "accept_working_days: -1" in err
