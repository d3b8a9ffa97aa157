"""bench/bench_calibration.py's tables (reviewer-J J17: a row per rate parameter and factor)."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "bench_calibration", ROOT / "bench" / "bench_calibration.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_rate_parameter_has_a_row_at_every_factor_even_when_nothing_fires(
    bench, monkeypatch, capsys
) -> None:
    # a rule that never fires at a factor had no row: "0 found where 5 were expected" (a bar
    # far stricter than stated) was invisible. Nothing fires here, and every rate parameter of
    # both detectors still has its row at both factors, its expected count rate x exposure
    readings = pd.DataFrame({"mn": ["A", "A", "B"], "pollutant": ["COD", "NH3N", "COD"]})
    fleet = SimpleNamespace(
        readings=readings,
        specs={"A": None, "B": None},
        labels=pd.DataFrame({"pattern": pd.Series(dtype=str), "mn": pd.Series(dtype=str)}),
    )
    monkeypatch.setattr(bench, "GENERATORS", {"fake": lambda *_: fleet})
    monkeypatch.setattr(bench, "detect_readings", lambda *_: [])
    names = ["zero_floor", "standard_substitution"]
    args = argparse.Namespace(
        detectors=",".join(names),
        factors="1,100",
        seeds="7",
        generators="fake",
        outlets=2,
        days=180,
    )
    bench.run(args)
    lines = capsys.readouterr().out.splitlines()
    years = 180 / 365.25
    for det in names:
        params = bench.rate_params(bench.get(det))
        assert params
        for name, default in params.items():
            for factor in (1, 100):
                row = [
                    ln.split()
                    for ln in lines
                    if ln.startswith(det) and f" {name}" in ln and ln.split()[2] == f"{factor:g}"
                ]
                assert len(row) == 1, (det, name, factor)
                cells = row[0]
                assert int(cells[4]) == 0
                assert float(cells[5]) == pytest.approx(default * factor * 3 * years, abs=0.006)
                assert float(cells[6]) == pytest.approx(default * factor * 2 * years, abs=0.006)


def test_rate_rows_count_the_findings_stating_each_rate_and_mark_equal_rates_shared(
    bench,
) -> None:
    # standard_substitution's quiet and hold rates are both 0.001: a finding stating it is
    # counted for both, each naming the other; the jump rate's row counts only its own
    params = bench.rate_params(bench.get("standard_substitution"))
    found = {
        ("standard_substitution", "hold", 1.0): [2, [0.001, 0.001], "series"],
        ("standard_substitution", "jump", 1.0): [
            1,
            [params["jump_false_alarms_per_year"]],
            "series",
        ],
        ("standard_substitution", "x", 1.0): [1, [None], "series"],
    }
    rows = bench.rate_rows(found, ["standard_substitution"], [1.0, 10.0], 100.0, 10.0)
    assert len(rows) == 2 * len(params)
    by = {(r[1], r[2]): r for r in rows}
    quiet = by["quiet_false_alarms_per_year", 1.0]
    assert quiet[5] == 2 and "hold_false_alarms_per_year" in quiet[4]
    assert quiet[6] == pytest.approx(0.1) and quiet[7] == pytest.approx(0.01)
    assert quiet[8] == "series"
    assert by["jump_false_alarms_per_year", 1.0][5] == 1
    assert by["jump_false_alarms_per_year", 10.0][5] == 0
    assert np.isclose(
        by["jump_false_alarms_per_year", 10.0][3], 10 * params["jump_false_alarms_per_year"]
    )


def test_a_rate_parameter_row_with_nothing_found_shows_its_bands_upper_end(
    bench, monkeypatch, capsys
) -> None:
    # 0 found where 49 were expected: the band's upper end 3.7 / 49 = 0.075, in two
    # significant digits (two decimals printed "0.00-0.07"; at 985 expected "0.00-0.00")
    readings = pd.DataFrame({"mn": "A", "pollutant": [f"P{i}" for i in range(1000)]})
    fleet = SimpleNamespace(
        readings=readings,
        specs={"A": None},
        labels=pd.DataFrame({"pattern": pd.Series(dtype=str), "mn": pd.Series(dtype=str)}),
    )
    finding = SimpleNamespace(
        category="integrity",
        detector="zero_floor",
        pollutant="P0",
        evidence={"rule": "floor", "false_alarm_rate_per_year": 0.001},
    )
    monkeypatch.setattr(bench, "GENERATORS", {"fake": lambda *_: fleet})
    monkeypatch.setattr(bench, "detect_readings", lambda *_: [finding])
    args = argparse.Namespace(
        detectors="zero_floor", factors="1,100", seeds="7", generators="fake", outlets=1, days=180
    )
    bench.run(args)
    rows = [
        ln.split()
        for ln in capsys.readouterr().out.splitlines()
        if ln.startswith("zero_floor ") and " false_alarms_per_year " in ln
    ]
    at = {row[2]: row for row in rows}
    assert at["1"][4] == "1" and at["100"][4] == "0"
    expected = 0.1 * 1000 * 180 / 365.25
    assert float(at["100"][5]) == pytest.approx(expected, abs=0.006)
    lo, hi = at["100"][8].split("-")
    assert float(lo) == 0 and float(hi) == pytest.approx(
        bench.poisson_band(0)[1] / expected, rel=0.02
    )
