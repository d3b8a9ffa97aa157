"""Comparison tests (比对监测): tolerance bands at their edges, bad rows refused whole, failed tests
recorded as validity findings that open a lead."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import Workbook

from monitor.casework import comparison as CMP
from monitor.cli import main
from monitor.store.models import ReadingRow
from tests.monitor.casework_support import MN1, REGISTRY_TOML, engine_for, registry, tx

T = datetime(2026, 11, 3, 2, tzinfo=UTC)


def verdict(pollutant: str, lab: float, analyser: float) -> CMP.Verdict:
    return CMP.judge(
        CMP.Comparison(MN1, pollutant, T, lab, analyser, "Zhou"), CMP.DEFAULT_TOLERANCES
    )


@pytest.mark.parametrize(
    ("pollutant", "lab", "analyser", "passed"),
    [
        ("w01018", 29.9, 34.9, True),  # COD below 30: +-5 mg/L
        ("w01018", 29.9, 35.0, False),
        ("w01018", 29.9, 24.9, True),
        ("w01018", 30.0, 39.0, True),  # 30 to 60: +-30 %
        ("w01018", 30.0, 39.1, False),
        ("w01018", 60.0, 72.0, True),  # 60 to 100: +-20 %
        ("w01018", 60.0, 47.9, False),
        ("w01018", 100.0, 115.0, True),  # from 100: +-15 %
        ("w01018", 100.0, 115.2, False),
        ("w21003", 1.99, 2.29, True),  # NH3-N below 2: +-0.3 mg/L
        ("w21003", 1.99, 2.30, False),
        ("w21003", 2.0, 2.3, True),  # from 2: +-15 %
        ("w21011", 0.39, 0.46, False),  # TP below 0.4: +-0.06 mg/L
        ("w01001", 7.2, 7.7, True),  # pH: +-0.5
        ("w01001", 7.2, 6.6, False),
    ],
)
def test_tolerance_bands_at_their_edges(
    pollutant: str, lab: float, analyser: float, passed: bool
) -> None:
    assert verdict(pollutant, lab, analyser).passed is passed


def test_severity_and_the_finding_of_a_failed_test() -> None:
    small, large = verdict("w01018", 100, 125), verdict("w01018", 100, 140)  # 1.67x, 2.67x
    passed = verdict("w01018", 100, 110)
    found = CMP.findings([small, large, passed])
    assert [(f.category, f.severity, f.detector) for f in found] == [
        ("validity", "medium", "comparison"),
        ("validity", "high", "comparison"),
    ]
    assert found[0].evidence["lab"] == 100 and found[0].evidence["tester"] == "Zhou"
    assert "125" in found[0].summary and "±15%" in found[0].summary


def test_tolerances_are_configurable_and_checked() -> None:
    t = CMP.tolerances_from({"tolerances": {"w01018": [{"relative": 0.10}]}})
    assert (
        t["w01018"] == (CMP.Band(relative=0.10),)
        and t["w21003"] == CMP.DEFAULT_TOLERANCES["w21003"]
    )
    with pytest.raises(CMP.ComparisonError, match="absolute or relative"):
        CMP.tolerances_from({"tolerances": {"w01018": [{"absolute": 1, "relative": 0.1}]}})
    with pytest.raises(CMP.ComparisonError, match="last band must have no 'below'"):
        CMP.tolerances_from({"tolerances": {"w01018": [{"below": 5, "absolute": 1}]}})


def test_a_bad_row_refuses_the_file_naming_it(tmp_path: Path) -> None:
    f = tmp_path / "tests.csv"
    f.write_text(
        "time,mn,pollutant,lab,analyser,tester\n"
        f"2026-11-03 10:00,{MN1},w01018,40,41,Zhou\n"
        f"2026-11-03 11:00,{MN1},w01018,forty,41,Zhou\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CMP.ComparisonError,
        match=r"tests.csv: line 3: column lab: 'forty' is not a number; nothing",
    ):
        CMP.read_file(f, registry=registry())
    f.write_text(f"time,mn,pollutant,lab,analyser,tester\n2026-11-03,{MN1},w99999,1,1,Zhou\n")
    with pytest.raises(CMP.ComparisonError, match=r"line 2: no tolerance for pollutant w99999"):
        CMP.read_file(f)
    f.write_text("time,pollutant,lab,analyser,tester\n2026-11-03,w01018,1,1,\n")
    with pytest.raises(CMP.ComparisonError, match=r"line 2: column tester is empty"):
        CMP.read_file(f, mn=MN1)
    with pytest.raises(CMP.ComparisonError, match=r"missing column\(s\) mn"):
        CMP.read_file(f)


def test_cli_import_records_failed_tests_as_a_validity_lead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for var in ("MONITOR_DB", "MONITOR_CONFIG", "MONITOR_SITES", "MONITOR_LANG"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "sites.toml").write_text(REGISTRY_TOML, encoding="utf-8")
    db = ["--db", f"sqlite:///{tmp_path / 'ow.db'}", "--sites", "sites.toml"]
    book = Workbook()
    sheet = book.active
    sheet.append(["time", "pollutant", "lab", "analyser", "tester"])
    sheet.append([datetime(2026, 11, 3, 10), "w01018", 80, 81, "Zhou"])
    sheet.append([datetime(2026, 11, 3, 10), "w21003", 5.0, 3.1, "Zhou"])  # -38 %
    book.save(tmp_path / "tests.xlsx")
    runner = CliRunner()
    dry = runner.invoke(main, ["comparison", "import", "tests.xlsx", "--mn", MN1, *db, "--dry-run"])
    assert dry.exit_code == 0 and "2 次比对监测中 1 次不合格，0 处" in dry.output  # lang zh
    assert "试运行：未记录" in dry.output
    out = runner.invoke(main, ["comparison", "import", "tests.xlsx", "--mn", MN1, *db])
    assert out.exit_code == 0, out.output
    assert (
        "2 次比对监测中 1 次不合格" in out.output and "记录发现 1 条，新立线索 1 条" in out.output
    )
    again = runner.invoke(main, ["comparison", "import", "tests.xlsx", "--mn", MN1, *db])
    assert "记录发现 0 条，新立线索 0 条" in again.output  # the same tests again
    leads = json.loads(runner.invoke(main, ["leads", "list", *db, "--format", "json"]).output)
    assert [(x["category"], x["severity"], x["mn"]) for x in leads] == [("validity", "high", MN1)]
    bad = runner.invoke(main, ["comparison", "import", "tests.xlsx", "--mn", "MN404", *db])
    assert bad.exit_code == 1 and bad.output.count("\n") == 1
    assert "line 2: outlet MN404 is not in the site registry" in bad.output


def test_an_empty_analyser_cell_takes_the_stored_hourly_value(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = engine_for(sqlite_url)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(ReadingRow.__table__).values(
                mn=MN1, pollutant="w21003", kind="hour", ts=T, value=3.1, flag="N", received_at=T
            )
        )
    f = tmp_path / "tests.csv"
    f.write_text(  # T is 10:00 in Shanghai; 10:40 lies in that hour
        f"time,mn,pollutant,lab,analyser,tester\n2026-11-03 10:40,{MN1},w21003,5.0,,Zhou\n",
        encoding="utf-8",
    )
    with tx(engine) as s:
        (v,) = CMP.read_file(f, session=s)
        assert (v.test.analyser, v.test.analyser_from, v.passed) == (3.1, "stored", False)
        f.write_text(
            f"time,mn,pollutant,lab,analyser,tester\n2026-11-03 11:00,{MN1},w21003,5.0,,Zhou\n",
            encoding="utf-8",
        )
        with pytest.raises(
            CMP.ComparisonError, match=r"line 2: column analyser is empty and no hourly value"
        ):
            CMP.read_file(f, session=s)
    with pytest.raises(CMP.ComparisonError, match=r"column analyser: '' is not a number"):
        CMP.read_file(f)  # no database: the value must be in the file


def _ledger(tmp_path: Path, rows: list[tuple[str, float, float, str]]) -> Path:
    """A year's comparison ledger of MN1's NH3-N: (time, lab, analyser, announced)."""
    f = tmp_path / "ledger.csv"
    lines = ["time,pollutant,lab,analyser,tester,announced"]
    lines += [f"{t},w21003,{lab},{ana},Zhou,{ann}" for t, lab, ana, ann in rows]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def test_passing_only_the_announced_tests_is_an_integrity_sign(tmp_path: Path) -> None:
    told = [(f"2026-{m:02d}-05 10:00", 5.0, 5.1, "yes") for m in (1, 3, 5, 7, 9, 11)]
    untold = [(f"2026-{m:02d}-20 10:00", 5.0, 3.4, "否") for m in (2, 4, 6, 8, 10)]
    verdicts = CMP.read_file(_ledger(tmp_path, told + untold), mn=MN1)
    assert [v.test.announced for v in verdicts[:2]] == [True, True]
    (sign,) = CMP.announcement_signs(verdicts)
    assert (sign.category, sign.mn, sign.pollutant) == ("integrity", MN1, "w21003")
    assert sign.evidence["announced_passed"] == 6 and sign.evidence["unannounced_failed"] == 5
    assert sign.evidence["statistic"] < sign.evidence["threshold"] == 0.01
    assert sign.start.month == 2 and sign.end.month == 10  # the unannounced failures
    # each failed test stays a validity finding of its own
    assert len(CMP.findings(verdicts)) == 5


def test_an_analyser_failing_whatever_the_announcement_is_no_integrity_sign(
    tmp_path: Path,
) -> None:
    """Honest trap: a bad analyser fails announced and unannounced tests alike (validity)."""
    rows = [
        (f"2026-{m:02d}-05 10:00", 5.0, 3.4 if m % 2 else 5.1, "yes" if m < 7 else "no")
        for m in range(1, 13)
    ]
    verdicts = CMP.read_file(_ledger(tmp_path, rows), mn=MN1)
    assert CMP.announcement_signs(verdicts) == []
    assert len(CMP.findings(verdicts)) == 6
    # too few unannounced tests to tell: no sign either
    few = [(f"2026-{m:02d}-05 10:00", 5.0, 5.1, "yes") for m in range(1, 7)]
    few.append(("2026-08-05 10:00", 5.0, 3.4, "no"))
    assert CMP.announcement_signs(CMP.read_file(_ledger(tmp_path, few), mn=MN1)) == []
    # without the column nothing is claimed
    plain = tmp_path / "plain.csv"
    plain.write_text("time,pollutant,lab,analyser,tester\n2026-01-01,w21003,5,3.4,Zhou\n")
    assert CMP.announcement_signs(CMP.read_file(plain, mn=MN1)) == []


def test_a_bad_announced_cell_refuses_the_file(tmp_path: Path) -> None:
    f = _ledger(tmp_path, [("2026-01-05 10:00", 5.0, 5.1, "maybe")])
    with pytest.raises(CMP.ComparisonError, match=r"line 2: column announced: 'maybe' is not yes"):
        CMP.read_file(f, mn=MN1)
