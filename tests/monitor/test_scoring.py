"""Scores: ledger arithmetic, colours at exactly 90 and 70, leniency, confirm/dismiss, window."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.casework import leads, scoring
from monitor.casework.scoring import ScoringError, ScoringRules, adjust, colour_of, score_at, scores
from tests.monitor.casework_support import MN1, MN3, engine_for, finding, registry, tx, utc

AT = utc(2026, 12, 1)


@pytest.fixture
def engine(sqlite_url: str):
    return engine_for(sqlite_url)


@pytest.mark.parametrize(
    ("score", "colour"),
    [(100, "green"), (90, "green"), (89.99, "yellow"), (70.01, "yellow"), (70, "red"), (0, "red")],
)
def test_colour_boundaries(score: float, colour: str) -> None:
    assert colour_of(score) == colour


@pytest.mark.parametrize(
    ("points", "score", "colour"),
    [(-10, 90, "green"), (-11, 89, "yellow"), (-30, 70, "red"), (-29, 71, "yellow")],
)
def test_score_at_exactly_90_and_70(engine, points: int, score: int, colour: str) -> None:
    with tx(engine) as s:
        adjust(s, "E0002", points, "complaint", "chief", at=utc(2026, 6, 1))
        got = score_at(s, "E0002", AT)
    assert (got.score, got.colour) == (score, colour)
    assert got.to_dict()["score"] == score and got.to_dict()["colour"] == colour
    assert [d.kind for d in got.deductions] == ["manual"]


def test_score_floored_at_0_and_capped_at_100(engine) -> None:
    with tx(engine) as s:
        adjust(s, "E0002", -150, "revoked permit", "chief", at=utc(2026, 6, 1))
        adjust(s, "E0003", +20, "model enterprise", "chief", at=utc(2026, 6, 1))
        assert score_at(s, "E0002", AT).score == 0
        assert score_at(s, "E0003", AT).score == 100


def test_rolling_window_of_12_months(engine) -> None:
    with tx(engine) as s:
        adjust(s, "E0002", -5, "old", "chief", at=utc(2025, 12, 1))  # exactly 12 months before: out
        adjust(s, "E0002", -7, "recent", "chief", at=utc(2025, 12, 1, 0, 0, 1))
        adjust(s, "E0002", -3, "future", "chief", at=utc(2026, 12, 2))  # after `at`: out
        assert score_at(s, "E0002", AT).score == 93


def test_lead_provisional_then_final_for_confirmed_falsification(engine) -> None:
    f = finding(  # sustained (73 h) and certain: the full provisional points
        "2026-06-01", "2026-06-04", mn=MN3, category="integrity", severity="high", confidence=1.0
    )
    with tx(engine) as s:
        (lid,) = leads.record_findings(s, [f], registry()).opened
        assert score_at(s, "E0002", AT).score == 80  # provisional integrity.high = -20
        leads.assign(s, lid, "chief")
        leads.inspect(s, lid, "wang")
        leads.confirm(s, lid, "chief", "tampered analyser")
        got = score_at(s, "E0002", AT)
    assert got.score == 60 and got.colour == "red"  # final integrity.high = -40
    assert [(d.kind, d.points, d.lead_id) for d in got.deductions] == [("final", -40, lid)]


def test_dismiss_restores(engine) -> None:
    f = finding(
        "2026-06-01", "2026-06-04", mn=MN3, category="integrity", severity="medium", confidence=1.0
    )
    with tx(engine) as s:
        (lid,) = leads.record_findings(s, [f], registry()).opened
        assert score_at(s, "E0002", AT).score == 85  # provisional integrity.medium = -15
        leads.assign(s, lid, "chief")
        leads.inspect(s, lid, "wang")
        leads.dismiss(s, lid, "chief", "calibration")
        got = score_at(s, "E0002", AT)
    assert got.score == 100 and got.deductions == []


def test_leniency_for_a_first_minor_violation_only(engine) -> None:
    reg = registry()
    minor = finding("2026-03-01", "2026-03-01 02:00", severity="low")
    with tx(engine) as s:
        (first,) = leads.record_findings(s, [minor], reg).opened
        got = score_at(s, "E0001", AT)
        assert got.score == 100
        assert [(d.kind, d.points, d.lead_id) for d in got.deductions] == [("lenient", 0, first)]
        second = finding("2026-05-01", "2026-05-01 02:00", severity="low")
        (lid2,) = leads.record_findings(s, [second], reg).opened
        assert score_at(s, "E0001", AT).score == 98  # exceedance.low = -2, no second leniency
        # confirming the lenient lead keeps it at 0 points
        leads.assign(s, first, "c")
        leads.inspect(s, first, "c")
        leads.confirm(s, first, "c")
        assert score_at(s, "E0001", AT).score == 98
        assert lid2 != first


def test_leniency_after_a_dismissed_lead_and_not_for_medium(engine) -> None:
    reg = registry()
    with tx(engine) as s:
        (a,) = leads.record_findings(
            s, [finding("2026-02-01", "2026-02-01 02:00", severity="medium")], reg
        ).opened
        leads.assign(s, a, "c")
        leads.inspect(s, a, "c")
        leads.dismiss(s, a, "c")
        leads.record_findings(s, [finding("2026-04-01", "2026-04-01 02:00", severity="low")], reg)
        assert score_at(s, "E0001", AT).score == 100  # the dismissed lead was no violation
        # escalating the lenient lead past minor deducts the full provisional points
        leads.record_findings(
            s, [finding("2026-04-01 01:00", "2026-04-01 03:00", severity="high")], reg
        )
        assert score_at(s, "E0001", AT).score == 90


def test_scores_lists_every_registry_enterprise(engine) -> None:
    with tx(engine) as s:
        leads.record_findings(
            s,
            [
                finding(
                    "2026-06-01", "2026-06-04", category="integrity", severity="high", confidence=1
                )
            ],
            registry(),
        )
        adjust(s, "E0009", -1, "not in registry", "chief", at=utc(2026, 6, 1))
        got = {
            x.enterprise: (x.score, x.colour, x.visits_per_year) for x in scores(s, AT, registry())
        }
    assert got == {
        "E0001": (80, "yellow", 2),
        "E0002": (100, "green", 1),
        "E0003": (100, "green", 1),
        "E0009": (99, "green", 1),
    }


def test_rules_from_toml_override_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "monitor.toml"
    p.write_text("[scoring]\nwindow_months = 6\n[scoring.final]\nintegrity = { high = -50 }\n")
    rules = ScoringRules.load(p)
    assert rules.window_months == 6
    assert rules.points("final", "integrity", "high") == -50
    assert rules.points("final", "integrity", "low") == -20  # default kept
    with pytest.raises(
        ScoringError, match=r"\[scoring\].provisional.exceedance.low must be a number"
    ):
        ScoringRules.from_dict({"provisional": {"exceedance": {"low": "x"}}})
    with pytest.raises(ScoringError, match=r"not 'category\.severity'"):
        ScoringRules.from_dict({"leniency": {"minor": ["exceedance"]}})


def test_adjust_needs_a_reason(engine) -> None:
    with tx(engine) as s, pytest.raises(ScoringError, match="--reason"):
        adjust(s, "E0001", -5, "  ", "chief")


def test_months_before_clamps_month_end() -> None:
    assert scoring.months_before(utc(2024, 2, 29), 12) == utc(2023, 2, 28)
    assert scoring.months_before(utc(2026, 3, 31), 1) == utc(2026, 2, 28)
    assert scoring.months_before(utc(2026, 1, 15), 12) == utc(2025, 1, 15)


def test_a_lead_leaves_the_window_with_its_start(engine) -> None:
    with tx(engine) as s:
        leads.record_findings(
            s, [finding("2025-06-01", "2025-06-02", mn=MN1, severity="high")], registry()
        )
        assert score_at(s, "E0001", utc(2026, 5, 30)).score == 90
        assert score_at(s, "E0001", utc(2026, 6, 2)).score == 100


def test_validity_weighs_less_than_a_sign_of_falsification() -> None:
    """Findings about instrument set-up (validity) cost a few points, never a colour on their own."""
    rules = scoring.ScoringRules.from_dict(None)
    for severity in ("low", "medium", "high"):
        validity = rules.points("provisional", "validity", severity)
        assert -5 <= validity < 0
        assert validity > rules.points("provisional", "integrity", severity)
    assert 100 + rules.points("provisional", "validity", "high") >= 90


@pytest.mark.parametrize(
    ("end", "confidence", "score", "colour"),
    [
        ("2026-06-01 23:00", 0.6, 94.6, "green"),  # a day at 0.6: -15 x 0.36
        ("2026-06-01 01:00", 0.5, 96.25, "green"),  # two hours at 0.5: the minimum weight, 0.25
        ("2026-06-01 15:00", 0.95, 88.72, "yellow"),  # 16 h at 0.95: -15 x 0.9025 x 0.8333
    ],
)
def test_provisional_points_weigh_confidence_and_how_sustained(
    engine, end: str, confidence: float, score: float, colour: str
) -> None:
    """One short low-confidence sign leaves a clean enterprise green; a sustained one does not."""
    f = finding(
        "2026-06-01", end, mn=MN3, category="integrity", severity="medium", confidence=confidence
    )
    with tx(engine) as s:
        leads.record_findings(s, [f], registry())
        got = score_at(s, "E0002", AT)
    assert (got.score, got.colour) == (score, colour)


def test_a_lead_deducts_what_its_grown_evidence_weighs_whatever_order_it_was_seen_in(
    engine,
) -> None:
    """Live detection may first see two hours of a sign, then the day it became: the lead's
    deduction follows the grown evidence (as if the day had been seen at once), and a later,
    weaker finding of the same lead never gives points back."""
    short = finding(
        "2026-06-01",
        "2026-06-01 01:00",
        mn=MN3,
        category="integrity",
        severity="medium",
        confidence=0.95,
    )
    day = finding(
        "2026-06-01",
        "2026-06-01 15:00",
        mn=MN3,
        category="integrity",
        severity="medium",
        confidence=0.95,
    )
    weak = finding(
        "2026-06-01 14:00",
        "2026-06-01 16:00",
        mn=MN3,
        category="integrity",
        severity="medium",
        confidence=0.5,
    )
    with tx(engine) as s:
        leads.record_findings(s, [short], registry())
        assert score_at(s, "E0002", AT).colour == "green"
        leads.record_findings(s, [day], registry())
        grown = score_at(s, "E0002", AT)
        leads.record_findings(s, [weak], registry())
        after_weak = score_at(s, "E0002", AT)
    assert (grown.score, grown.colour) == (88.72, "yellow")  # as in the 16 h at 0.95 case above
    assert [d.kind for d in grown.deductions] == ["provisional"]
    assert after_weak.score <= grown.score


def test_repeated_signs_take_an_enterprise_out_of_green(engine) -> None:
    """Each lead deducts its own weighed points: a pattern repeated month after month adds up."""
    days = [f"2026-0{m}-01" for m in range(1, 5)]
    fs = [
        finding(d, f"{d} 23:00", mn=MN3, category="integrity", severity="medium", confidence=0.6)
        for d in days
    ]
    with tx(engine) as s:
        leads.record_findings(s, fs, registry())
        got = score_at(s, "E0002", AT)
    assert got.colour == "yellow" and got.score == pytest.approx(100 - 4 * 5.4, abs=0.01)


def test_confirmed_leads_deduct_their_full_final_points(engine) -> None:
    f = finding("2026-06-01", "2026-06-01 01:00", mn=MN3, category="integrity", severity="high")
    with tx(engine) as s:
        (lid,) = leads.record_findings(s, [f], registry()).opened
        assert score_at(s, "E0002", AT).score == pytest.approx(91.23)  # -20 x 0.81 x 0.5417
        leads.assign(s, lid, "chief")
        leads.inspect(s, lid, "wang")
        leads.confirm(s, lid, "chief", "tampered analyser")
        assert score_at(s, "E0002", AT).score == 60  # final integrity.high = -40


def test_evidence_weighing_can_be_configured_and_is_checked() -> None:
    rules = ScoringRules.from_dict({"evidence": {"categories": []}})
    assert rules.evidence_categories == frozenset()
    with pytest.raises(ScoringError, match="evidence"):
        ScoringRules.from_dict({"evidence": {"min_weight": 0}})
    with pytest.raises(ScoringError, match="evidence"):
        ScoringRules.from_dict({"evidence": {"categories": ["rumour"]}})
