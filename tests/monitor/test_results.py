"""Inspection results and supervision findings in the score: points, leniency, rectification at
the 90 and 70 edges, every source side by side, spreadsheets refused whole on a bad row."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from monitor.casework import complaints as C
from monitor.casework import inspections, leads
from monitor.casework import results as R
from monitor.casework.scoring import ScoringError, ScoringRules, score_at
from monitor.cli import main
from monitor.store.casework_models import ResultRow
from tests.monitor.casework_support import (
    cli_world,
    engine_for,
    finding,
    registry,
    tx,
)

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 6, 1, 10, tzinfo=TZ)
END = datetime(2026, 12, 31, tzinfo=TZ)


@pytest.fixture
def engine(sqlite_url: str):
    return engine_for(sqlite_url)


def problem(category: str = "discharge", days: int = 0, **kw: Any) -> R.ResultInput:
    kw.setdefault("source", "inspection")
    return R.ResultInput(
        enterprise=kw.pop("enterprise", "E0001"),
        at=T0 + timedelta(days=days),
        problem=True,
        category=category,
        **kw,
    )


def score(s: Any, enterprise: str = "E0001") -> Any:
    return score_at(s, enterprise, END)


def test_a_problem_at_the_90_edge_and_its_rectification(engine) -> None:
    with tx(engine) as s:
        row = R.record(s, problem("discharge"), "wang")  # -10, first but not minor
        sc = score(s)
        assert (sc.score, sc.colour) == (90, "green")  # 90 is green
        assert sc.sources["inspection"] == -10
        R.record(s, problem("permit", days=1, source="supervision"), "wang")  # -3 x 1.5
        assert (score(s).score, score(s).colour) == (85.5, "yellow")
        back = R.rectify(s, row.id, "wang", at=T0 + timedelta(days=5))
        assert back == 5  # restore_share 0.5 of 10
        assert score(s).score == 90.5
        with pytest.raises(R.ResultError, match="already rectified"):
            R.rectify(s, row.id, "wang")
        (d,) = [d for d in score(s).deductions if d.ref == f"inspection:{row.id}"]
        assert (d.points, d.kind, d.source) == (-5, "rectified", "inspection")


def test_penalties_and_supervision_at_the_70_edge(engine) -> None:
    with tx(engine) as s:
        R.record(s, problem("discharge", penalty=20000), "wang")  # -10 - 5
        second = R.record(s, problem("discharge", days=30, penalty=5000), "li")  # -15 again
        sc = score(s)
        assert (sc.score, sc.colour) == (70, "red")  # 70 is red
        R.rectify(s, second.id, "li", at=T0 + timedelta(days=40))  # +7.5
        assert (score(s).score, score(s).colour) == (77.5, "yellow")
        R.record(s, problem("monitoring", days=60, source="supervision"), "prov")  # -15 x 1.5
        assert score(s).score == 55 and score(s).sources == {
            "data": 0,
            "inspection": -22.5,
            "supervision": -22.5,
            "complaint": 0,
            "manual": 0,
        }


def test_leniency_first_minor_corrected_unintentional(engine) -> None:
    with tx(engine) as s:
        first = R.record(s, problem("facility", minor=True, corrected=True), "wang")
        sc = score(s)
        assert sc.score == 100 and [d.kind for d in sc.deductions] == ["lenient"]
        assert sc.deductions[0].rule == "inspection:facility x0 (corrected+first+minor)"
        # the second minor one is not first: minor alone halves, corrected alone 0.75
        R.record(s, problem("facility", days=10, minor=True, corrected=True), "wang")
        assert score(s).score == 96  # -8 x 0.5 (the smallest factor that holds)
        R.record(s, problem("discharge", days=20, corrected=True), "wang")
        assert score(s).score == 88.5  # -10 x 0.75: out of green
        R.record(s, problem("monitoring", days=30, unintentional=True), "wang")
        assert score(s).score == 88.5  # no fault shown: no points
        R.record(s, R.ResultInput("inspection", "E0001", T0, problem=False), "wang")
        assert score(s).score == 88.5  # no problem: nothing in the ledger
        # a first minor violation a window (12 months) after the last is first again
        later = problem("facility", days=400, minor=True, corrected=True)
        R.record(s, later, "wang")
        assert score_at(s, "E0001", T0 + timedelta(days=401)).score == 100
        assert s.query(ResultRow).count() == 6 and first.id == 1


def test_every_source_side_by_side(engine) -> None:
    with tx(engine) as s:
        leads.record_findings(
            s, [finding("2026-06-01", "2026-06-01 05:00", severity="medium")], registry()
        )  # exceedance medium: -5
        R.record(s, problem("permit"), "wang")  # -3
        R.record(s, problem("other", days=1, source="supervision"), "prov")  # -5 x 1.5
        c = C.add(
            s, channel="12369", text="smoke", enterprise="E0001", received_at=T0,
            registry=registry(), who="clerk", now=T0,
        )  # fmt: skip
        for step, kw in (
            ("accept", {}),
            ("assign", {}),
            ("handle", {"substantiated": True, "result": "r"}),
        ):
            C.act(s, c.id, step, "w", now=T0 + timedelta(hours=1), **kw)
        sc = score(s)
    assert sc.sources == {
        "data": -5,
        "inspection": -3,
        "supervision": -7.5,
        "complaint": -3,
        "manual": 0,
    }
    assert sc.score == 100 - 18.5 and sc.colour == "yellow"
    assert json.dumps(sc.to_dict())  # plain data


def test_an_inspection_names_a_drawn_period_and_a_known_category(engine) -> None:
    with tx(engine) as s:
        d = inspections.draw(
            [("E0001", "red"), ("E0002", "green")], "2026-06", 7, [inspections.Inspector("w")],
            {"green": 0.0},
        )  # fmt: skip
        inspections.record_draw(s, d)
        R.record(s, problem("discharge", period="2026-06"), "wang")
        with pytest.raises(R.ResultError, match="E0002 was not drawn for 2026-06"):
            R.record(s, problem("discharge", period="2026-06", enterprise="E0002"), "wang")
        with pytest.raises(R.ResultError, match="category 'smell': a problem needs one of"):
            R.record(s, problem("smell"), "wang")
        with pytest.raises(R.ResultError, match="not in the site registry"):
            R.record(s, problem(enterprise="E0404"), "wang", registry=registry())


def test_rules_are_configurable_and_checked() -> None:
    rules = ScoringRules.from_dict({"results": {"categories": {"noise": -2}, "restore_share": 1}})
    assert rules.result_points["noise"] == -2 and rules.result_points["discharge"] == -10
    assert rules.restore_share == 1
    with pytest.raises(ScoringError, match=r"leniency: 'first\+lucky'"):
        ScoringRules.from_dict({"results": {"leniency": {"first+lucky": 0}}})
    with pytest.raises(ScoringError, match="restore_share from 0 to 1"):
        ScoringRules.from_dict({"results": {"restore_share": 2}})


# -- spreadsheets and the command line ------------------------------------------------------------------


def _world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    cli_world(tmp_path, monkeypatch, user="chief", lang="en")
    return ["--db", f"sqlite:///{tmp_path / 'ow.db'}", "--sites", str(tmp_path / "sites.toml")]


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_cli_import_refuses_the_whole_file_on_a_bad_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _world(tmp_path, monkeypatch)
    bad = tmp_path / "visits.csv"
    bad.write_text(
        "enterprise,date,problem,category,penalty,minor,corrected\n"
        "E0001,2026-06-01,yes,discharge,0,no,no\n"
        "E0002,2026-06-02,maybe,,,,\n",
        encoding="utf-8-sig",
    )
    err = _run("results", "import", str(bad), *db, code=1)
    assert err.count("\n") == 1
    assert f"{bad}: line 3: column problem: 'maybe' is not yes or no; nothing was recorded" in err
    assert _run("results", "list", *db).strip() == "(no results)"
    book = Workbook()
    sheet = book.active
    sheet.append(["enterprise", "date", "problem", "category", "penalty", "minor", "corrected"])
    sheet.append(["E0001", datetime(2026, 6, 1, 9), "yes", "discharge", 20000, "no", "no"])
    sheet.append(["E0002", datetime(2026, 6, 2, 9), "否", None, None, None, None])
    sheet.append(["E0003", "2026-06-03", "是", "facility", 0, "是", "是"])
    book.save(tmp_path / "visits.xlsx")
    out = _run("results", "import", str(tmp_path / "visits.xlsx"), *db)
    assert out.strip() == "3 inspection results recorded (2 with a problem, -15 points)"
    rows = json.loads(_run("score", *db, "--at", "2026-12-31", "--format", "json"))
    by = {r["enterprise"]: r for r in rows}
    assert (by["E0001"]["score"], by["E0001"]["sources"]["inspection"]) == (85, -15)
    assert (by["E0003"]["score"], by["E0003"]["deductions"][0]["kind"]) == (100, "lenient")
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("enterprise,date,problem\nE0404,2026-06-01,no\n", encoding="utf-8")
    err = _run("results", "import", str(unknown), *db, code=1)
    assert "line 2: enterprise E0404 is not in the site registry" in err


def test_cli_add_rectify_and_score_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _world(tmp_path, monkeypatch)
    out = _run(
        "results", "add", *db, "--source", "supervision", "--authority", "provincial team",
        "--enterprise", "E0002", "--date", "2026-06-05", "--problem", "--category", "monitoring",
    )  # fmt: skip
    assert out.strip() == "supervision #1 for E0002: -22.5 points"
    err = _run(
        "results", "add", *db, "--enterprise", "E0002", "--date", "2026-06-05", "--problem", code=1
    )
    assert err.count("\n") == 1 and "category None: a problem needs one of" in err
    assert _run("results", "rectify", "1", *db, "--date", "2026-06-20").strip() == (
        "result #1: rectified, +11.25 points back"
    )
    table = _run("score", *db, "--at", "2026-12-31")
    header = table.splitlines()[0].split()
    assert header[:8] == [
        "enterprise", "score", "colour", "data", "inspection", "supervision", "complaint", "manual",
    ]  # fmt: skip
    line = next(x for x in table.splitlines() if x.startswith("E0002"))
    assert line.split()[:8] == ["E0002", "88.75", "yellow", "0", "0", "-11.25", "0", "0"]
