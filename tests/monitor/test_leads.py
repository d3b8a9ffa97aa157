"""Leads: merging findings per outlet, idempotence, the lifecycle and its audit trail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from detectors.finding import Finding
from monitor.casework import leads, scoring
from monitor.store.casework_models import FindingRow, LeadEventRow, LeadRow, ScoreEventRow
from tests.monitor.casework_support import (
    MN1,
    MN2,
    MN3,
    engine_for,
    finding,
    frozen_hold,
    registry,
    ts,
    tx,
)


@pytest.fixture
def engine(sqlite_url: str):
    return engine_for(sqlite_url)


def test_overlapping_and_following_findings_merge_into_one_lead(engine) -> None:
    fs = [
        finding("2026-06-01 00:00", "2026-06-01 10:00"),
        # overlaps the first
        finding("2026-06-01 08:00", "2026-06-01 20:00", pollutant="w21003", severity="low"),
        # starts 23 h after the previous end: follows within a day
        finding(
            "2026-06-02 19:00",
            "2026-06-02 22:00",
            category="integrity",
            severity="high",
            detector="frozen",
            summary="COD frozen",
        ),
        # starts 25 h after the previous end: a new lead
        finding("2026-06-03 23:00", "2026-06-04 01:00"),
        # another outlet of the same enterprise, same time: its own lead
        finding("2026-06-01 00:00", "2026-06-01 10:00", mn=MN2),
    ]
    with tx(engine) as s:
        changes = leads.record_findings(s, fs, registry())
    assert len(changes.opened) == 3 and changes.stored == 5
    with tx(engine) as s:
        rows = s.scalars(sa.select(LeadRow).order_by(LeadRow.mn, LeadRow.start)).all()
        first = rows[0]
        assert first.mn == MN1 and len(first.findings) == 3
        assert first.category == "integrity" and first.severity == "high"
        assert first.summary == "COD frozen"
        assert sorted(first.pollutants) == ["w01018", "w21003"]
        assert first.start == leads._utc(fs[0].start) and first.end == leads._utc(fs[2].end)
        assert first.enterprise == "E0001" and first.district == "Lintong"
        assert len(rows[1].findings) == 1 and rows[1].mn == MN1
        assert rows[2].mn == MN2
        d = leads.lead_dict(first, lang="zh", detail=True)
        assert "篡改" in d["action"] and d["audit"][0]["action"] == "open"
        assert [f["detector"] for f in d["findings"]] == ["exceedance", "exceedance", "frozen"]


def test_recording_twice_opens_nothing_new(engine) -> None:
    fs = [
        finding("2026-06-01 00:00", "2026-06-01 10:00"),
        finding("2026-06-05 00:00", "2026-06-05 02:00"),
    ]
    with tx(engine) as s:
        assert len(leads.record_findings(s, fs, registry()).opened) == 2
    with tx(engine) as s:
        again = leads.record_findings(s, fs + fs, registry())
    assert again == leads.LeadChanges()
    with tx(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(FindingRow)) == 2
        assert s.scalar(sa.select(sa.func.count()).select_from(LeadRow)) == 2
        assert s.scalar(sa.select(sa.func.count()).select_from(ScoreEventRow)) == 2


def test_later_findings_update_or_escalate_an_open_lead(engine) -> None:
    with tx(engine) as s:
        (lead_id,) = leads.record_findings(
            s, [finding("2026-06-01 00:00", "2026-06-01 10:00", severity="low")], registry()
        ).opened
    with tx(engine) as s:
        ch = leads.record_findings(
            s, [finding("2026-06-01 09:00", "2026-06-01 12:00", severity="low")], registry()
        )
        assert (ch.opened, ch.escalated, ch.updated) == ([], [], [lead_id])
    with tx(engine) as s:
        ch = leads.record_findings(
            s, [finding("2026-06-01 11:00", "2026-06-01 14:00", severity="high")], registry()
        )
        assert (ch.opened, ch.escalated, ch.updated) == ([], [lead_id], [])
        assert ch.alertable == [lead_id]
        actions = [e.action for e in leads.get_lead(s, lead_id).events]
        assert actions == ["open", "escalate"]


def test_finding_inside_a_decided_lead_does_not_reopen_it(engine) -> None:
    reg = registry()
    with tx(engine) as s:
        (lid,) = leads.record_findings(
            s, [finding("2026-06-01 00:00", "2026-06-01 10:00")], reg
        ).opened
        leads.assign(s, lid, "li")
        leads.inspect(s, lid, "li")
        leads.dismiss(s, lid, "li", "analyser fault, repaired")
    with tx(engine) as s:
        inside = finding("2026-06-01 02:00", "2026-06-01 05:00", detector="range")
        ch = leads.record_findings(s, [inside], reg)
        assert ch.opened == [] and ch.stored == 1
        assert len(leads.get_lead(s, lid).findings) == 2
        after = finding("2026-06-01 09:00", "2026-06-01 18:00", detector="range")
        assert len(leads.record_findings(s, [after], reg).opened) == 1


def test_a_condition_going_on_after_dismissal_does_not_reopen_or_score(engine) -> None:
    """Live detection re-reports an ongoing run with a later end: after the inspector dismissed
    the lead, that is more evidence for the same lead, not a new lead with new points."""
    reg = registry()
    frozen = {"rule": "identical value held at least T hours", "value": 23.4}
    run = finding("2026-06-01 00:00", "2026-06-02 00:00", detector="frozen",
                  category="integrity", evidence=frozen)  # fmt: skip
    with tx(engine) as s:
        (lid,) = leads.record_findings(s, [run], reg).opened
        leads.assign(s, lid, "li")
        leads.inspect(s, lid, "li")
        leads.dismiss(s, lid, "li", "plant shut down, F flag missing")
    longer = finding("2026-06-01 00:00", "2026-06-02 06:00", detector="frozen",
                     category="integrity", evidence=frozen)  # fmt: skip
    with tx(engine) as s:
        ch = leads.record_findings(s, [longer], reg)
        assert ch.opened == [] and ch.escalated == []
        lead = leads.get_lead(s, lid)
        assert lead.status == "dismissed" and len(lead.findings) == 1
        assert lead.end == longer.end.to_pydatetime()
        assert scoring.score_at(s, "E0001", ts("2026-06-03")).score == 100


def test_two_rules_of_one_detector_stay_two_findings(engine) -> None:
    """An hourly exceedance run inside a daily-mean exceedance of the same day keeps its own
    evidence and severity (it is not taken for a re-run of the daily finding)."""
    daily = finding("2026-06-01 00:00", "2026-06-01 23:00", severity="medium",
                    evidence={"rule": "daily mean of valid hours above limit", "mean": 55.0})  # fmt: skip
    run = finding("2026-06-01 08:00", "2026-06-01 10:00", severity="high",
                  evidence={"rule": "valid value outside limit", "peak": 130.0})  # fmt: skip
    with tx(engine) as s:
        (lid,) = leads.record_findings(s, [daily, run], registry()).opened
        lead = leads.get_lead(s, lid)
        assert sorted(f.evidence.get("peak", 0) for f in lead.findings) == [0, 130.0]
        assert lead.severity == "high"


def test_unknown_outlet_is_refused_with_the_fix(engine) -> None:
    with tx(engine) as s, pytest.raises(leads.LeadError, match="not in the site registry"):
        leads.record_findings(s, [finding("2026-06-01", "2026-06-02", mn="99999")], registry())


def _open_lead(engine) -> int:
    with tx(engine) as s:
        (lid,) = leads.record_findings(
            s, [finding("2026-06-01", "2026-06-01 05:00", mn=MN3)], registry()
        ).opened
    return lid


@pytest.mark.parametrize("decision", ["confirm", "dismiss"])
def test_every_transition_appends_an_audit_entry(engine, decision: str) -> None:
    lid = _open_lead(engine)
    with tx(engine) as s:
        leads.assign(s, lid, "chief", "to Wang", assignee="wang")
        leads.inspect(s, lid, "wang", "on site 6/3")
        getattr(leads, decision)(s, lid, "chief", "decided")
        leads.close(s, lid, "chief", "filed")
    with tx(engine) as s:
        lead = leads.get_lead(s, lid)
        assert lead.status == "closed" and lead.assignee == "wang"
        assert lead.outcome == ("confirmed" if decision == "confirm" else "dismissed")
        trail = [(e.action, e.from_status, e.to_status, e.who, e.note) for e in lead.events]
        to = "confirmed" if decision == "confirm" else "dismissed"
        assert trail == [
            ("open", None, "open", "system", lead.summary),
            ("assign", "open", "assigned", "chief", "to Wang"),
            ("inspect", "assigned", "inspected", "wang", "on site 6/3"),
            (decision, "inspected", to, "chief", "decided"),
            ("close", to, "closed", "chief", "filed"),
        ]
        assert all(e.at.tzinfo is not None for e in lead.events)


@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        ([], "inspect"),
        ([], "confirm"),
        ([], "dismiss"),
        ([], "close"),
        (["assign"], "confirm"),
        (["assign"], "close"),
        (["assign", "inspect"], "assign"),
        (["assign", "inspect"], "inspect"),
        (["assign", "inspect", "confirm"], "dismiss"),
        (["assign", "inspect", "confirm", "close"], "assign"),
        (["assign", "inspect", "dismiss", "close"], "close"),
    ],
)
def test_illegal_transitions_are_refused_without_audit(
    engine, steps: list[str], illegal: str
) -> None:
    lid = _open_lead(engine)
    with tx(engine) as s:
        for step in steps:
            getattr(leads, step)(s, lid, "chief")
    with tx(engine) as s:
        before = s.scalar(sa.select(sa.func.count()).select_from(LeadEventRow))
        status = leads.get_lead(s, lid).status
        with pytest.raises(
            leads.LeadError, match=rf"lead #{lid} is {status}: cannot {illegal} it \(allowed from"
        ):
            getattr(leads, illegal)(s, lid, "chief")
        assert s.scalar(sa.select(sa.func.count()).select_from(LeadEventRow)) == before


def test_unknown_lead_and_missing_actor(engine) -> None:
    lid = _open_lead(engine)
    with tx(engine) as s:
        with pytest.raises(leads.LeadNotFound, match="no lead #999"):
            leads.assign(s, 999, "chief")
        with pytest.raises(leads.LeadError, match="--who"):
            leads.assign(s, lid, " ")


def test_list_filters(engine) -> None:
    lid = _open_lead(engine)
    with tx(engine) as s:
        leads.record_findings(s, [finding("2026-06-01", "2026-06-01 05:00")], registry())
        assert len(leads.list_leads(s)) == 2
        assert [x.id for x in leads.list_leads(s, enterprise="E0002")] == [lid]
        leads.assign(s, lid, "chief")
        assert [x.id for x in leads.list_leads(s, status="assigned")] == [lid]
        assert len(leads.list_leads(s, status="active")) == 2


def test_sliding_window_reruns_grow_one_finding(engine) -> None:
    """Live detection re-runs a detector on a moving window: a growing run, reported with a moving
    start, stays one finding of one lead, and older reports are no-ops."""
    reg = registry()
    runs = [
        finding("2026-06-01 00:00", "2026-06-01 06:00", detector="frozen", category="integrity"),
        finding("2026-06-01 00:00", "2026-06-01 07:00", detector="frozen", category="integrity"),
        finding(
            "2026-06-01 02:00",
            "2026-06-01 09:00",
            detector="frozen",
            category="integrity",
            severity="high",
            summary="frozen for 9 h",
        ),
    ]
    with tx(engine) as s:
        (lid,) = leads.record_findings(s, runs[:1], reg).opened
    with tx(engine) as s:
        assert leads.record_findings(s, runs[1:2], reg).updated == [lid]
        assert leads.record_findings(s, runs[2:], reg).escalated == [lid]
        assert leads.record_findings(s, runs, reg) == leads.LeadChanges()
    with tx(engine) as s:
        (row,) = s.scalars(sa.select(FindingRow)).all()
        assert (row.start, row.end) == (leads._utc(runs[0].start), leads._utc(runs[2].end))
        assert row.severity == "high" and row.summary == "frozen for 9 h"
        lead = leads.get_lead(s, lid)
        assert lead.end == row.end and [e.action for e in lead.events] == ["open", "escalate"]


@pytest.mark.integration
def test_leads_scores_and_alerts_on_postgresql(fresh_postgres_url: str) -> None:
    from monitor.alerts.alerter import Alerter, AlertSettings
    from monitor.casework.scoring import score_at
    from tests.monitor.casework_support import utc

    engine = engine_for(fresh_postgres_url)
    f = finding(
        "2026-06-01",
        "2026-06-01 05:00",
        category="integrity",
        severity="high",
        evidence={"value": 23.4, "hours": 22},
    )
    with tx(engine) as s:
        (lid,) = leads.record_findings(s, [f], registry()).opened
        assert leads.record_findings(s, [f], registry()) == leads.LeadChanges()
        leads.assign(s, lid, "chief")
        leads.inspect(s, lid, "wang")
        leads.confirm(s, lid, "chief")
        Alerter(AlertSettings.from_dict({"window_seconds": 0})).notify(s, [lid])
    with tx(engine) as s:
        lead = leads.get_lead(s, lid)
        assert lead.findings[0].evidence == {"value": 23.4, "hours": 22}
        assert lead.start == leads._utc(f.start) and lead.start.tzinfo is not None
        assert [e.action for e in lead.events] == ["open", "assign", "inspect", "confirm"]
        assert score_at(s, "E0001", utc(2026, 12, 1)).score == 60


def test_one_rank_orders_leads_and_alerts() -> None:
    from monitor.alerts import alerter
    from monitor.casework.leads import rank

    assert not hasattr(alerter, "_level")  # the alerter ranks with the leads' function
    assert alerter.rank is rank
    assert rank("integrity", "low") > rank("exceedance", "high") > rank("exceedance", "medium")
    assert rank("completeness", "high") < rank("exceedance", "low")


def test_stored_evidence_is_the_findings_json_shape(engine) -> None:
    """A finding's evidence is stored as Finding.to_dict gives it: a NaN (which PostgreSQL's JSON
    refuses) is stored as null, as `monitor detect` prints it."""
    f = finding(
        "2026-06-01 00:00", "2026-06-01 10:00", evidence={"cv": float("nan"), "value": 61.0}
    )
    with tx(engine) as s:
        leads.record_findings(s, [f], registry())
    with tx(engine) as s:
        (row,) = s.scalars(sa.select(FindingRow)).all()
        assert row.evidence == {"cv": None, "value": 61.0}


def test_a_standing_validity_condition_is_one_lead_while_it_is_open(engine) -> None:
    """A flow meter whose range is set too low is met at every storm: the later episodes join
    the open validity lead as evidence (no lead, points or alert of their own, and the lead keeps
    its span, so it swallows nothing else); another channel's, or a later exceedance, opens its
    own lead."""

    def over_range(start: str, end: str, pollutant: str = "w00000"):
        return finding(
            start, end, category="validity", severity="low", detector="range",
            pollutant=pollutant, summary="flow over its registered range",
        )  # fmt: skip

    with tx(engine) as s:
        (first,) = leads.record_findings(
            s, [over_range("2026-06-01 10:00", "2026-06-01 14:00")], registry()
        ).opened
        points = scoring.score_at(s, "E0001", ts("2026-12-01")).score
        again = leads.record_findings(
            s,
            [
                over_range("2026-06-12 08:00", "2026-06-12 11:00"),
                over_range("2026-07-03 02:00", "2026-07-03 05:00"),
            ],
            registry(),
        )
        assert (again.opened, again.stored) == ([], 2)
        lead = s.get(LeadRow, first)
        assert len(lead.findings) == 3 and lead.end == ts("2026-06-01 14:00")
        assert scoring.score_at(s, "E0001", ts("2026-12-01")).score == points
        other = leads.record_findings(
            s,
            [over_range("2026-06-12 08:00", "2026-06-12 11:00", pollutant="w01018"),
             finding("2026-06-20 01:00", "2026-06-20 03:00")],
            registry(),
        )  # fmt: skip
        assert len(other.opened) == 2


def test_a_stored_finding_judged_more_serious_later_raises_its_lead(engine) -> None:
    """A frozen hold recorded as validity, reported again over the same span as integrity
    ("sustained": a later hold of its month passed the share a month may lack): the stored
    finding and its open lead become integrity, with an escalation event and the points that
    lead now costs; the same report once more changes nothing (reviewer-Q's Q3: it was dropped
    as already known and the lead stayed validity)."""

    def hold(category: str):
        return frozen_hold("2026-09-02 00:00", "2026-09-04 10:00", category)

    with tx(engine) as s:
        (first,) = leads.record_findings(s, [hold("validity")], registry()).opened
        before = scoring.score_at(s, "E0001", ts("2026-12-01")).score
        again = leads.record_findings(s, [hold("integrity")], registry())
        assert (again.opened, again.escalated) == ([], [first])
        lead = s.get(LeadRow, first)
        assert lead.category == "integrity"
        (row,) = lead.findings
        assert (row.category, row.summary, row.evidence["escalation"]) == (
            "integrity", "frozen integrity", "sustained",
        )  # fmt: skip
        assert scoring.score_at(s, "E0001", ts("2026-12-01")).score < before
        events = s.scalars(sa.select(LeadEventRow).where(LeadEventRow.lead_id == first)).all()
        assert [e.action for e in events] == ["open", "escalate"]
        once_more = leads.record_findings(s, [hold("integrity")], registry())
        assert (once_more.opened, once_more.escalated) == ([], [])


def test_a_standing_condition_finding_judged_more_serious_opens_a_lead_of_its_own(engine) -> None:
    """A January hold opens a validity lead; the May hold of the channel joins it as a standing
    condition (outside its span). Re-reported as integrity ("sustained": its month filled up),
    the May hold leaves that lead for a lead of its own over May (open event, points) instead of
    stretching the January lead to May, which then swallowed a March exceedance with no lead
    or alert (reviewer Q2's R5)."""

    def hold(day: str, category: str = "validity"):
        return frozen_hold(f"{day} 00:00", f"{day} 23:00", category)

    with tx(engine) as s:
        (jan,) = leads.record_findings(s, [hold("2026-01-11")], registry()).opened
        assert leads.record_findings(s, [hold("2026-05-11")], registry()).opened == []
        before = scoring.score_at(s, "E0001", ts("2026-12-01")).score
        raised = leads.record_findings(s, [hold("2026-05-11", "integrity")], registry())
        (may,) = raised.opened
        assert raised.escalated == []
        lead = s.get(LeadRow, jan)
        assert (lead.category, lead.end) == ("validity", ts("2026-01-11 23:00"))
        own = s.get(LeadRow, may)
        assert (own.category, own.start, own.end) == (
            "integrity", ts("2026-05-11 00:00"), ts("2026-05-11 23:00"),
        )  # fmt: skip
        assert [r.category for r in own.findings] == ["integrity"]
        assert [r.category for r in lead.findings] == ["validity"]
        events = s.scalars(sa.select(LeadEventRow).where(LeadEventRow.lead_id == may)).all()
        assert [e.action for e in events] == ["open"]
        assert scoring.score_at(s, "E0001", ts("2026-12-01")).score < before
        march = leads.record_findings(
            s, [finding("2026-03-10 01:00", "2026-03-10 05:00")], registry()
        )
        assert len(march.opened) == 1


def test_a_finding_inside_its_leads_span_judged_more_serious_raises_that_lead(engine) -> None:
    """The R5 change leaves the ordinary raise alone: a hold inside its lead's span raises it."""
    f = finding("2026-01-11 00:00", "2026-01-11 23:00", category="validity", severity="high",
                detector="frozen", evidence={"rule": "held", "escalation": None})  # fmt: skip
    g = finding("2026-01-11 00:00", "2026-01-11 23:00", category="integrity", severity="high",
                detector="frozen", evidence={"rule": "held", "escalation": "sustained"})  # fmt: skip
    with tx(engine) as s:
        (lid,) = leads.record_findings(s, [f], registry()).opened
        got = leads.record_findings(s, [g], registry())
        assert (got.opened, got.escalated) == ([], [lid])


def _hold(end: str, over: bool, hours: int) -> Finding:
    return finding(
        "2026-09-05 01:00", end, category="validity", severity="high", detector="frozen",
        summary=f"COD held {hours} h, month over {over}",
        evidence={"rule": "identical value held", "escalation": None, "month_over": over},
    )  # fmt: skip


def test_a_stored_hold_whose_month_later_fails_is_restated(db_url: str) -> None:
    """reviewer-T8d: a hold stored as a validity note before its month filled up comes back,
    same category, now saying its month's unflagged hours pass what the month may lack
    (frozen's ``month_over``): the stored finding, and its open lead's summary, take the newer
    wording and evidence; a restatement without it changes nothing. reviewer-T8d2: also where
    a live pass first stored the hold part-way (another fingerprint, the row grown since)."""
    engine = engine_for(db_url)
    with tx(engine) as s:
        leads.record_findings(s, [_hold("2026-09-07 03:00", False, 51)], registry())
    with tx(engine) as s:  # the same hold, worded otherwise and not over its month (T9r: the
        # same text sent again could not show that a restatement without it changes nothing)
        assert (
            leads.record_findings(s, [_hold("2026-09-07 03:00", False, 52)], registry()).stored == 0
        )
    with tx(engine) as s:
        assert s.scalars(sa.select(FindingRow)).one().summary == "COD held 51 h, month over False"
    with tx(engine) as s:
        leads.record_findings(s, [_hold("2026-09-07 03:00", True, 51)], registry())
    with tx(engine) as s:
        row = s.scalars(sa.select(FindingRow)).one()
        assert row.summary == "COD held 51 h, month over True" and row.evidence["month_over"]
        assert s.scalars(sa.select(LeadRow)).one().summary == "COD held 51 h, month over True"


def test_a_hold_first_stored_part_way_is_restated_when_its_month_fails(db_url: str) -> None:
    """reviewer-T8d2: a live pass stores a hold part-way (45 h so far, its own fingerprint),
    the next pass grows that row to the whole hold (51 h), and a later hold fills the month
    up: the row and its lead say so."""
    engine = engine_for(db_url)
    for end, over, hours in (
        ("2026-09-06 21:00", False, 45),
        ("2026-09-07 03:00", False, 51),
        ("2026-09-07 03:00", True, 51),
    ):
        with tx(engine) as s:
            leads.record_findings(s, [_hold(end, over, hours)], registry())
    with tx(engine) as s:
        row = s.scalars(sa.select(FindingRow)).one()
        assert row.evidence["month_over"] is True
        assert s.scalars(sa.select(LeadRow)).one().summary == "COD held 51 h, month over True"
