"""Under ``lang = "zh"`` the command line's tables are Chinese from end to end: headers, values and
times, with no English word apart from ids and codes; the workbook and CSV the same."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from monitor.alerts.alerter import Alerter, AlertSettings
from monitor.casework import leads, scoring
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

#: Words a Chinese table may hold: ids and codes (enterprises, outlets, leads, pollutant codes,
#: units) and the registry's own names (this test registry names its districts in pinyin),
#: nothing a person has to read as English.
_ALLOWED = re.compile(r"^(E\d+|mg|L|m3|h|w\d{5}|Lintong|Yanta)$")


def english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z_]+", text) if not _ALLOWED.match(w)]


@pytest.fixture
def db(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    cli_world(tmp_path, monkeypatch, user="chief", lang="zh")
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
                    detector="frozen",
                    summary="化学需氧量在72小时内恒定为23.4mg/L",
                    confidence=1.0,
                ),
                agreeing_sign("化学需氧量贴近限值"),  # a second detector agrees: the full points
                finding(
                    "2026-06-02",
                    "2026-06-02 05:00",
                    mn=MN3,
                    summary="化学需氧量超过排放限值50mg/L共6个有效小时",
                ),
            ],
            registry(),
        )
        scoring.adjust(s, "E0003", -10, "群众投诉属实", "chief")
        Alerter(AlertSettings.from_dict({"window_seconds": 0})).notify(
            s, [x.id for x in leads.list_leads(s)]
        )
    return ["--db", sqlite_url, "--sites", str(tmp_path / "sites.toml")]


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", [["score"], ["leads", "list"], ["alerts", "list"]])
def test_tables_have_no_english_word(db: list[str], command: list[str]) -> None:
    out = run(*command, *db)
    assert re.search(r"[\u4e00-\u9fff]", out.splitlines()[0]), out  # a Chinese header
    assert english_words(out) == [], out
    assert not re.search(r"\d{4}-\d{2}-\d{2}T|[+-]\d{2}:\d{2}\b", out), "ISO time with offset"


def test_values_and_times_are_shown_as_people_read_them(db: list[str]) -> None:
    table = run("leads", "list", *db)
    assert "编号" in table and "待处理" in table and "高" in table
    assert "2026-06-01 00:00" in table  # local midnight in the configured zone, no offset
    scores = run("score", *db)
    assert "预扣 #1 -20" in scores and "人工 群众投诉属实 -10" in scores
    audit = run("users", "audit", *db)
    assert "调整信用分" in audit and "成功" in audit and "score.adjust" not in audit


def test_csv_and_workbook_in_chinese(db: list[str]) -> None:
    text = run("score", *db, "--format", "csv")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert {"企业", "信用分", "等级"} <= set(rows[0])
    assert {r["等级"] for r in rows} <= {"绿", "黄", "红"}
    result = CliRunner().invoke(main, ["leads", "list", *db, "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(io.BytesIO(result.stdout_bytes)).worksheets[0]
    got = list(sheet.iter_rows(values_only=True))
    assert got[0][:3] == ("编号", "状态", "企业")
    starts = [r[got[0].index("开始")] for r in got[1:]]
    assert all(hasattr(v, "year") for v in starts), starts  # Excel dates, not text


def test_json_stays_for_programs(db: list[str]) -> None:
    out = run("leads", "list", *db, "--format", "json")
    assert '"status": "open"' in out and '"severity": "high"' in out


def test_confirmations_are_chinese(db: list[str]) -> None:
    """A command's one-line confirmation comes from the catalogue too, its values translated."""
    assigned = run("leads", "assign", "1", "--to", "王伟", *db)
    assert assigned.strip() == "线索 #1：已分派", assigned
    assert english_words(assigned) == [], assigned
    adjusted = run(
        "score", "adjust", "--enterprise", "E0001", "--points", "-5", "--reason", "信访核实", *db
    )
    assert adjusted.strip() == "E0001：已记录 -5 分（信访核实）", adjusted


def test_every_column_of_a_command_has_a_chinese_header() -> None:
    """A new column without a catalogue entry would show its English key in a zh table."""
    import importlib

    from monitor.casework.inspections import CSV_COLUMNS
    from monitor.cli import COMMANDS
    from monitor.locale import lookup

    columns = {("inspections", c) for c in CSV_COLUMNS}
    for module, _ in COMMANDS.values():
        for name, value in vars(importlib.import_module(module)).items():
            if name.endswith("COLUMNS") and isinstance(value, tuple | list):
                columns |= {(f"{module}.{name}", c) for c in value}
    assert len(columns) > 50
    assert [x for x in sorted(columns) if lookup(f"cli.col.{x[1]}", "zh") is None] == []
