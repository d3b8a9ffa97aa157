"""CSV and Excel for people: BOM, sheets, dates, widths, and reading them back with row numbers."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from monitor.spreadsheets import (
    CSV_ENCODING,
    SpreadsheetError,
    csv_bytes,
    read_rows,
    write_csv,
    xlsx_bytes,
)

ROWS = [
    {
        "id": 7,
        "enterprise": "临潼污水厂",
        "opened": datetime(2026, 6, 5, 0, 0, tzinfo=UTC),
        "x": 1.5,
    },
    {"id": 8, "enterprise": "E0002", "opened": None, "x": [1, 2]},
]
COLUMNS = ["id", "enterprise", "opened", "x"]


def test_csv_starts_with_the_bom_and_reads_back(tmp_path: Path) -> None:
    data = csv_bytes(ROWS, COLUMNS)
    assert data.startswith(b"\xef\xbb\xbf") and CSV_ENCODING == "utf-8-sig"
    path = tmp_path / "leads.csv"
    write_csv(path, ROWS, COLUMNS)
    got = list(read_rows(path, required=["id", "enterprise"]))
    assert [line for line, _ in got] == [2, 3]
    assert got[0][1]["enterprise"] == "临潼污水厂" and got[1][1]["x"] == "[1,2]"
    assert got[1][1]["opened"] == ""


def test_xlsx_has_a_frozen_bold_header_dates_in_the_zone_and_widths() -> None:
    book = load_workbook(
        io.BytesIO(xlsx_bytes({"leads": (COLUMNS, ROWS)}, timezone="Asia/Shanghai"))
    )
    sheet = book["leads"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert [c.value for c in sheet[1]] == COLUMNS
    assert sheet["A2"].value == 7 and sheet["D2"].value == 1.5  # numbers stay numbers
    assert sheet["C2"].value == datetime(2026, 6, 5, 8, 0)  # 00:00 UTC is 08:00 in Shanghai
    assert sheet["C2"].is_date and sheet["C3"].value is None
    assert sheet["D3"].value == "[1,2]"
    # five CJK characters are ten cells wide: the column is wider than its 10-letter header
    assert sheet.column_dimensions["B"].width >= 12


def test_xlsx_reads_back_as_text_rows(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    path.write_bytes(xlsx_bytes({"s": (COLUMNS, ROWS)}, timezone="Asia/Shanghai"))
    got = dict(read_rows(path, required=["id"]))
    assert got[2]["id"] == "7" and got[2]["opened"] == "2026-06-05 08:00"
    assert got[3]["enterprise"] == "E0002"


def test_blank_rows_are_skipped_and_line_numbers_are_what_a_person_sees(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("lead,verdict\n1,confirmed\n\n,\n2,dismissed\n", encoding="utf-8")
    assert [(n, r["lead"]) for n, r in read_rows(path)] == [(2, "1"), (5, "2")]
    book = Workbook()
    sheet = book.active
    for row in (["lead", "verdict"], [1, "confirmed"], [None, None], [2, "dismissed"]):
        sheet.append(row)
    xlsx = tmp_path / "v.xlsx"
    book.save(xlsx)
    assert [(n, r["lead"]) for n, r in read_rows(xlsx)] == [(2, "1"), (4, "2")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"lead\n1\n", "line 1: missing column(s) verdict"),
        ("b.csv", "lead,verdict\n临潼\n".encode("gbk"), "not UTF-8 text; save it as CSV UTF-8"),
        ("c.xlsx", b"not a zip", "not an Excel workbook"),
        ("d.csv", b"", "empty file"),
    ],
)
def test_unreadable_files_are_one_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError) as err:
        list(read_rows(path, required=["lead", "verdict"]))
    assert str(err.value).startswith(str(path)) and message in str(err.value)
    assert "\n" not in str(err.value)


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20).map(
    str.strip
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=8))
def test_csv_round_trip(
    tmp_path_factory: pytest.TempPathFactory, pairs: list[tuple[str, str]]
) -> None:
    rows = [{"a": a, "b": b} for a, b in pairs]
    path = tmp_path_factory.mktemp("rt") / "x.csv"
    write_csv(path, rows, ["a", "b"])
    back = [r for _, r in read_rows(path)]
    assert back == [r for r in rows if r["a"] or r["b"]]
