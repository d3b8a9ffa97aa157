"""The casework commands end to end on a real SQLite file: leads, score, inspections, alerts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.alerts.alerter import Alerter, AlertSettings
from monitor.casework import leads
from monitor.casework.scoring import SOURCES
from monitor.cli import main
from tests.monitor.casework_support import (
    MN1,
    MN3,
    agreeing_sign,
    cli_world,
    engine_for,
    finding,
    registry,
    tx,
)


@pytest.fixture
def world(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    sites = cli_world(tmp_path, monkeypatch)  # English tables (zh: test_output_zh.py)
    engine = engine_for(sqlite_url)
    with tx(engine) as s:
        leads.record_findings(
            s,
            [
                finding(
                    "2026-06-01",
                    "2026-06-04",
                    mn=MN1,
                    category="integrity",
                    severity="high",
                    summary="COD frozen at 23.4 mg/L",
                    confidence=1.0,
                ),
                agreeing_sign(),  # a second detector agrees: the full points
                finding("2026-06-02", "2026-06-02 05:00", mn=MN3, severity="medium"),
            ],
            registry(),
        )
    return {"db": sqlite_url, "sites": str(sites)}


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def csv_rows(text: str) -> list[dict[str, str]]:
    """Rows of a CSV a person opens: it must start with the UTF-8 byte-order mark."""
    assert text.startswith("\ufeff"), "CSV without BOM: Excel on Chinese Windows garbles it"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(*args: str) -> tuple[str, list[tuple[object, ...]]]:
    """``monitor ARGS --format xlsx`` opened with openpyxl: its sheet's title and rows."""
    from openpyxl import load_workbook

    result = CliRunner().invoke(main, [*args, "--format", "xlsx"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO(result.stdout_bytes))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    return sheet.title, list(sheet.iter_rows(values_only=True))


def fail(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 1, result.output
    return result.output


def test_leads_list_show_and_lifecycle(world: dict[str, str]) -> None:
    db = ["--db", world["db"]]
    rows = json.loads(run("leads", "list", *db, "--format", "json"))
    assert {r["mn"] for r in rows} == {MN1, MN3}
    lid = next(r["id"] for r in rows if r["mn"] == MN1)
    table = run("leads", "list", *db, "--status", "open")
    assert "COD frozen at 23.4 mg/L" in table and table.splitlines()[0].startswith("id")
    got = csv_rows(run("leads", "list", *db, "--format", "csv"))
    assert len(got) == 2 and set(got[0]) >= {"id", "status", "enterprise", "summary"}
    title, sheet = xlsx_rows("leads", "list", *db)
    assert title == "leads list" and len(sheet) == 3
    assert {"id", "status", "enterprise", "summary"} <= set(sheet[0])
    ids = [r[sheet[0].index("id")] for r in sheet[1:]]
    assert all(isinstance(i, int) for i in ids) and sorted(ids) == sorted(int(g["id"]) for g in got)
    out = fail("leads", "confirm", str(lid), *db)
    assert f"lead #{lid} is open: cannot confirm it (allowed from: inspected)" in out
    run("leads", "assign", str(lid), *db, "--to", "wang", "--note", "go")
    run("leads", "inspect", str(lid), *db, "--who", "wang", "--note", "seen")
    run("leads", "confirm", str(lid), *db, "--note", "tampered")
    assert "closed" in run("leads", "close", str(lid), *db)
    shown = json.loads(run("leads", "show", str(lid), *db, "--format", "json"))
    assert shown["status"] == "closed" and shown["outcome"] == "confirmed"
    assert [a["action"] for a in shown["audit"]] == [
        "open",
        "assign",
        "inspect",
        "confirm",
        "close",
    ]
    assert [a["who"] for a in shown["audit"]] == ["system", "chief", "wang", "chief", "chief"]
    assert shown["findings"][0]["summary"] == "COD frozen at 23.4 mg/L"
    text = run("leads", "show", str(lid), *db)
    assert "audit:" in text and "findings:" in text
    assert "no lead #999" in fail("leads", "show", "999", *db)


def test_score_list_adjust_and_formats(world: dict[str, str]) -> None:
    args = ["--db", world["db"], "--sites", world["sites"], "--at", "2026-12-01"]
    rows = json.loads(run("score", *args, "--format", "json"))
    by = {r["enterprise"]: r for r in rows}
    assert set(by) == {"E0001", "E0002", "E0003"}
    assert (by["E0001"]["score"], by["E0001"]["colour"]) == (80, "yellow")
    assert (by["E0003"]["score"], by["E0003"]["colour"]) == (100, "green")
    assert set(by["E0001"]) >= {"enterprise", "score", "colour", "deductions", "frequency"}
    run(
        "score",
        "adjust",
        "--db",
        world["db"],
        "--enterprise",
        "E0003",
        "--points",
        "-10",
        "--reason",
        "complaint",
        "--at",
        "2026-11-01",
    )
    rows = json.loads(run("score", *args, "--format", "json"))
    e3 = next(r for r in rows if r["enterprise"] == "E0003")
    assert (e3["score"], e3["colour"]) == (90, "green")
    assert e3["deductions"][0]["reason"] == "complaint"
    table = run("score", *args)
    assert "E0003" in table and "manual complaint -10" in table
    got = csv_rows(run("score", *args, "--format", "csv"))
    assert list(got[0]) == ["enterprise", "score", "colour", *SOURCES, "frequency", "deductions"]
    assert [got[0][s] for s in SOURCES] == ["-20", "0", "0", "0", "0"]
    assert "--reason" in fail(
        "score",
        "adjust",
        "--db",
        world["db"],
        "--enterprise",
        "E1",
        "--points",
        "-1",
        "--reason",
        " ",
    )


def test_inspections_draw(world: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "inspectors.csv").write_text(
        "name,district\nWang,Lintong\nLi,Lintong\nZhao,Yanta\n"
    )
    args = [
        "inspections",
        "draw",
        "--db",
        world["db"],
        "--sites",
        world["sites"],
        "--period",
        "2026-12",
        "--seed",
        "7",
        "--inspectors",
        "inspectors.csv",
        "--green-share",
        "1",
        "--format",
        "json",
    ]
    rows = json.loads(run(*args))
    assert {r["enterprise"] for r in rows} == {"E0001", "E0002", "E0003"}
    assert Path("inspections-2026-12.csv").read_text("utf-8-sig").splitlines()[0] == (
        "period,enterprise,district,colour,score,inspectors"
    )
    assert json.loads(run(*args)) == rows  # same seed: same draw, recorded once
    assert "already drawn with seed 7" in fail(*[a if a != "7" else "8" for a in args])
    assert "no inspectors" in fail(
        "inspections",
        "draw",
        "--db",
        world["db"],
        "--sites",
        world["sites"],
        "--period",
        "2027-01",
        "--seed",
        "1",
    )


def test_inspections_draw_with_a_triage_key_share(world: dict[str, str], tmp_path: Path) -> None:
    import sqlalchemy as sa

    from monitor.store.casework_models import TriageRankRow
    from monitor.store.store import create_engine

    (tmp_path / "inspectors.csv").write_text("name,district\nWang,Lintong\nZhao,Yanta\n")
    args = [
        *("inspections", "draw", "--db", world["db"], "--sites", world["sites"]),
        *("--period", "2026-12", "--seed", "7", "--inspectors", "inspectors.csv"),
        *("--yellow-share", "0", "--green-share", "0", "--format", "json"),
    ]
    plain = json.loads(run(*args))
    keyed = json.loads(run(*args, "--triage-key", "1", "--replace"))
    assert [r for r in keyed if r["drawn"] == "random"] == [
        r | {"drawn": "random", "weight": None} for r in plain
    ]
    extra = [r for r in keyed if r["drawn"] == "key"]
    assert len(extra) == 1 and extra[0]["weight"] > 0
    with tx(create_engine(world["db"])) as s:  # the leads it weighed are in the ranking audit
        assert s.scalar(sa.select(sa.func.count()).select_from(TriageRankRow)) == 2
    (tmp_path / "monitor.toml").write_text("[inspections]\ntriage_key = -2\n")
    out = fail(*args, "--config", "monitor.toml", "--replace")
    assert "[inspections] triage_key = -2" in out and len(out.strip().splitlines()) == 1


def test_alerts_list_and_ack(world: dict[str, str]) -> None:
    from monitor.store.store import create_engine

    engine = create_engine(world["db"])
    with tx(engine) as s:
        ids = [x.id for x in leads.list_leads(s)]
        Alerter(AlertSettings.from_dict({"window_seconds": 0})).notify(s, ids)
    rows = json.loads(run("alerts", "list", "--db", world["db"], "--format", "json", "--attempts"))
    assert len(rows) == 2 and all(r["status"] == "sent" for r in rows)
    assert rows[0]["attempts"][0]["channel"] == "log"
    aid = rows[0]["id"]
    assert "acknowledged by chief" in run("alerts", "ack", str(aid), "--db", world["db"])
    assert "already acknowledged" in fail("alerts", "ack", str(aid), "--db", world["db"])
    unacked = json.loads(
        run("alerts", "list", "--db", world["db"], "--status", "unacked", "--format", "json")
    )
    assert [r["id"] for r in unacked] == [rows[1]["id"]]
    assert "0 started" in run("alerts", "dispatch", "--db", world["db"])


COMMANDS = [
    ["leads"],
    ["leads", "list"],
    ["leads", "show"],
    ["leads", "assign"],
    ["leads", "inspect"],
    ["leads", "confirm"],
    ["leads", "dismiss"],
    ["leads", "close"],
    ["score"],
    ["score", "adjust"],
    ["inspections"],
    ["inspections", "draw"],
    ["alerts"],
    ["alerts", "list"],
    ["alerts", "ack"],
    ["alerts", "dispatch"],
]


@pytest.mark.parametrize("cmd", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(cmd: list[str]) -> None:
    out = run(*cmd, "--help")
    assert "Example:" in out and "monitor " + cmd[0] in out.split("Example:")[1]


def test_bad_config_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "monitor.toml").write_text("[scoring.final]\nintegrity = { high = 'x' }\n")
    out = fail("score", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert "[scoring].final.integrity.high must be a number" in out
    assert len(out.strip().splitlines()) == 1
