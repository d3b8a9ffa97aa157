"""Double-random draws: shares by colour, reproducibility, inspector rotation, CSV, recording."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

from monitor.casework import inspections as insp
from monitor.casework.inspections import Candidate, InspectionError, Inspector
from tests.monitor.casework_support import engine_for, tx

CANDS = (
    [Candidate(f"R{i}", "red", 60, "Lintong") for i in range(3)]
    + [Candidate(f"Y{i:02d}", "yellow", 80, "Lintong") for i in range(10)]
    + [Candidate(f"G{i:02d}", "green", 95, "Yanta" if i % 2 else "Lintong") for i in range(25)]
)
INSPECTORS = [Inspector(f"L{i}", "Lintong") for i in range(4)] + [
    Inspector(f"Y{i}", "Yanta") for i in range(3)
]


def test_every_red_and_shares_of_yellow_and_green() -> None:
    d = insp.draw(CANDS, "2026-12", 7, INSPECTORS)
    by = {
        c: [a.enterprise for a in d.assignments if a.colour == c]
        for c in ("red", "yellow", "green")
    }
    assert by["red"] == ["R0", "R1", "R2"]
    assert len(by["yellow"]) == 5  # ceil(0.5 * 10)
    assert len(by["green"]) == 3  # ceil(0.1 * 25)
    for a in d.assignments:
        district = (
            "Yanta" if a.enterprise.startswith("G") and int(a.enterprise[1:]) % 2 else "Lintong"
        )
        assert a.district == district and len(a.inspectors) == 1
        assert a.inspectors[0][0] == district[0]  # an inspector of the enterprise's district


def test_configurable_shares() -> None:
    d = insp.draw(CANDS, "2026-12", 7, INSPECTORS, {"yellow": 1.0, "green": 0.0})
    assert {a.colour for a in d.assignments} == {"red", "yellow"} and len(d.assignments) == 13
    with pytest.raises(InspectionError, match="red/yellow/green, 0 to 1"):
        insp.draw(CANDS, "2026-12", 7, INSPECTORS, {"green": 1.5})


def test_same_seed_same_draw_regardless_of_input_order() -> None:
    a = insp.draw(CANDS, "2026-12", 42, INSPECTORS)
    b = insp.draw(list(reversed(CANDS)), "2026-12", 42, list(INSPECTORS))
    assert a == b
    others = {
        tuple(x.enterprise for x in insp.draw(CANDS, "2026-12", s, INSPECTORS).assignments)
        for s in range(10)
    }
    assert len(others) > 1  # the seed matters
    assert insp.draw(CANDS, "2027-01", 42, INSPECTORS) != a  # and so does the period


def test_never_the_same_inspector_twice_in_a_row_when_avoidable() -> None:
    reds = [Candidate(f"R{i}", "red", 50, "Lintong") for i in range(20)]
    prev: dict[str, set[str]] = {}
    for month in range(1, 13):
        d = insp.draw(reds, f"2026-{month:02d}", 3, INSPECTORS, previous=prev)
        for a in d.assignments:
            assert not set(a.inspectors) & prev.get(a.enterprise, set())
        prev = {a.enterprise: set(a.inspectors) for a in d.assignments}
    # unavoidable: a single inspector keeps the job
    solo = insp.draw(
        reds[:1], "2026-12", 3, [Inspector("Only", "Lintong")], previous={"R0": {"Only"}}
    )
    assert solo.assignments[0].inspectors == ("Only",)


def test_teams_and_fallback_to_all_inspectors() -> None:
    d = insp.draw([Candidate("R0", "red", 50, "Nowhere")], "2026-12", 1, INSPECTORS, team_size=2)
    (a,) = d.assignments
    assert len(set(a.inspectors)) == 2


def test_write_csv_and_load_inspectors(tmp_path: Path) -> None:
    d = insp.draw(CANDS, "2026-12", 5, INSPECTORS)
    out = tmp_path / "draw.csv"
    insp.write_csv(d, out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a CSV people open: with BOM
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == len(d.assignments)
    assert list(rows[0]) == ["period", "enterprise", "district", "colour", "score", "inspectors"]
    assert rows[0]["period"] == "2026-12"

    (tmp_path / "i.csv").write_text("name,district\n王伟,Lintong\nLi Na,Yanta\n", encoding="utf-8")
    assert insp.load_inspectors(tmp_path / "i.csv") == [
        Inspector("王伟", "Lintong"),
        Inspector("Li Na", "Yanta"),
    ]
    (tmp_path / "i.toml").write_text('[[inspector]]\nname = "Wang"\ndistrict = "Lintong"\n')
    assert insp.load_inspectors(tmp_path / "i.toml") == [Inspector("Wang", "Lintong")]
    (tmp_path / "bad.csv").write_text("name,district\n,Lintong\n")
    with pytest.raises(InspectionError, match=r"bad.csv: line 2: 'name' is empty"):
        insp.load_inspectors(tmp_path / "bad.csv")
    (tmp_path / "nohead.csv").write_text("Wang,Lintong\n")
    with pytest.raises(InspectionError, match=r"nohead.csv: line 1: missing column\(s\) name"):
        insp.load_inspectors(tmp_path / "nohead.csv")


def test_draw_and_inspectors_as_excel(tmp_path: Path) -> None:
    d = insp.draw(CANDS, "2026-12", 5, INSPECTORS)
    insp.write_csv(d, tmp_path / "draw.xlsx")
    sheet = load_workbook(tmp_path / "draw.xlsx").worksheets[0]
    got = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "2026-12" and got[0][0] == "period" and len(got) == len(d.assignments) + 1
    book = Workbook()
    for row in (["name", "district"], ["王伟", "Lintong"], [None, None], ["Li Na", "Yanta"]):
        book.active.append(row)
    book.save(tmp_path / "i.xlsx")
    assert insp.load_inspectors(tmp_path / "i.xlsx") == [
        Inspector("王伟", "Lintong"),
        Inspector("Li Na", "Yanta"),
    ]
    book.active.append(["", "Yanta"])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(InspectionError, match=r"bad.xlsx: line 5: 'name' is empty"):
        insp.load_inspectors(tmp_path / "bad.xlsx")


def test_bad_period() -> None:
    with pytest.raises(InspectionError, match="not YYYY-MM"):
        insp.draw(CANDS, "2026-13", 1, INSPECTORS)


def test_record_draw_and_previous(sqlite_url: str) -> None:
    engine = engine_for(sqlite_url)
    nov = insp.draw(CANDS, "2026-11", 9, INSPECTORS)
    with tx(engine) as s:
        insp.record_draw(s, nov)
        assert insp.record_draw(s, nov).period == "2026-11"  # same seed: no-op
        with pytest.raises(InspectionError, match="already drawn with seed 9"):
            insp.record_draw(s, insp.draw(CANDS, "2026-11", 10, INSPECTORS))
    with tx(engine) as s:
        prev = insp.previous_inspectors(s, "2026-12")
        assert prev == {a.enterprise: set(a.inspectors) for a in nov.assignments}
        assert insp.previous_inspectors(s, "2026-11") == {}
        row = insp.record_draw(s, insp.draw(CANDS, "2026-11", 10, INSPECTORS), replace=True)
        assert row.seed == 10 and len(row.assignments) == len(nov.assignments)


def test_the_key_share_leaves_the_random_share_alone() -> None:
    weights = {c.enterprise: (0.9 if c.enterprise.endswith(("1", "3")) else 0.05) for c in CANDS}
    for seed in range(20):
        plain = insp.draw(CANDS, "2026-12", seed, INSPECTORS)
        keyed = insp.draw(CANDS, "2026-12", seed, INSPECTORS, key=4, weights=weights)
        random_share = [a for a in keyed.assignments if a.drawn == "random"]
        assert random_share == plain.assignments  # the same enterprises, the same inspectors
        extra = [a for a in keyed.assignments if a.drawn == "key"]
        assert len(extra) == 4 and not {a.enterprise for a in extra} & {
            a.enterprise for a in plain.assignments
        }
        assert keyed == insp.draw(CANDS, "2026-12", seed, INSPECTORS, key=4, weights=weights)
    assert keyed.columns[-2:] == ("drawn", "weight") and plain.columns == insp.CSV_COLUMNS
    with pytest.raises(InspectionError, match="key share"):
        insp.draw(CANDS, "2026-12", 1, INSPECTORS, key=-1)


def test_the_key_share_favours_higher_probabilities() -> None:
    # 40 green enterprises, none drawn at random (share 0): a third likely (0.6), a third
    # middling (0.2), a third without a lead (the floor); 4 drawn by weight in each of 300 draws
    cands = [Candidate(f"E{i:02d}", "green", 95, "Lintong") for i in range(39)]
    tier = {c.enterprise: i % 3 for i, c in enumerate(cands)}
    weights = {e: (0.6, 0.2)[t] for e, t in tier.items() if t < 2}
    counts = np.zeros(3)
    for seed in range(300):
        d = insp.draw(cands, "2026-12", seed, INSPECTORS, {"green": 0.0}, key=4, weights=weights)
        for a in d.assignments:
            assert a.drawn == "key"
            counts[tier[a.enterprise]] += 1
    share = counts / counts.sum()
    # proportional draws (without replacement, which flattens them a little) would give about
    # 0.74 / 0.25 / 0.01; a uniform draw 1/3 each: the test fails on an unweighted draw
    assert share[0] > 0.6 and 0.15 < share[1] < 0.35 and share[2] < 0.05, share
    # equal weights: no tier favoured (within a binomial margin of 1/3)
    flat = np.zeros(3)
    for seed in range(300):
        d = insp.draw(cands, "2026-12", seed, INSPECTORS, {"green": 0.0}, key=4)
        for a in d.assignments:
            flat[tier[a.enterprise]] += 1
    assert np.all(np.abs(flat / flat.sum() - 1 / 3) < 0.05), flat
