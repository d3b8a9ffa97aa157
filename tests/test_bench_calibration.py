"""bench/bench_calibration.py's tables (reviewer-J J17: a row per rate parameter and factor;
reviewer-K K6: equal rates counted once for their group, units declared by the detector)."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from detectors.base import rate_units_of
from detectors.registry import catalogue

ROOT = Path(__file__).resolve().parents[1]
YEARS = 180 / 365.25


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "bench_calibration", ROOT / "bench" / "bench_calibration.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lines(bench, monkeypatch, capsys, readings, names, factors, findings=()) -> list[str]:
    """The bench's output on a faked honest fleet whose detectors find ``findings`` at every
    factor."""
    fleet = SimpleNamespace(
        readings=readings,
        specs=dict.fromkeys(readings["mn"].unique()),
        labels=pd.DataFrame({"pattern": pd.Series(dtype=str), "mn": pd.Series(dtype=str)}),
    )
    monkeypatch.setattr(bench, "GENERATORS", {"fake": lambda *_: fleet})
    monkeypatch.setattr(bench, "detect_readings", lambda *_: list(findings))
    args = argparse.Namespace(
        detectors=",".join(names),
        factors=factors,
        seeds="7",
        generators="fake",
        outlets=readings["mn"].nunique(),
        days=180,
    )
    bench.run(args)
    return capsys.readouterr().out.splitlines()


def _run(bench, monkeypatch, capsys, readings, names, factors, findings=()) -> list[list[str]]:
    """The rate-parameter table's rows (split) of `_lines`' output."""
    lines = _lines(bench, monkeypatch, capsys, readings, names, factors, findings)
    table = lines[next(i for i, ln in enumerate(lines) if ln.startswith("rate parameters")) :]
    return [ln.split() for ln in table if ln.split() and ln.split()[0] in names]


def _finding(detector: str, rate: float | None, pollutant: str | None = "COD"):
    return SimpleNamespace(
        category="integrity",
        detector=detector,
        pollutant=pollutant,
        evidence={"rule": "r", "false_alarm_rate_per_year": rate},
    )


def test_every_rate_parameter_has_a_row_at_every_factor_with_its_declared_units_ratio(
    bench, monkeypatch, capsys
) -> None:
    # a rule that never fires at a factor had no row (J17); and a detector that found nothing
    # at any factor had no unit, so no ratio (K6 b: flow_mismatch printed "unit unknown"):
    # the unit is the detector's, so its row has expected = rate x its unit's exposure,
    # ratio 0 and a band, found or not. 2 outlets, 3 series
    readings = pd.DataFrame({"mn": ["A", "A", "B"], "pollutant": ["COD", "NH3N", "COD"]})
    names = ["zero_floor", "standard_substitution", "flow_mismatch"]
    rows = _run(bench, monkeypatch, capsys, readings, names, "1,100")
    exposure = {"series": 3 * YEARS, "outlet": 2 * YEARS}
    for det in names:
        params = bench.rate_params(bench.get(det))
        assert params
        for factor in ("1", "100"):
            at = [r for r in rows if r[0] == det and r[2] == factor]
            named = [bench._short(p) for r in at for p in r[1].split("+")]
            assert sorted(named) == sorted(bench._short(p) for p in params)  # each once
            for r in at:
                group = [p for p in params if bench._short(p) in r[1].split("+")]
                units = {bench.units_of(det)[p] for p in group}
                assert r[6] == "+".join(units)
                expected = sum(
                    params[p] * float(factor) * exposure[bench.units_of(det)[p]] for p in group
                )
                assert int(r[4]) == 0
                assert float(r[5]) == pytest.approx(expected, abs=0.006)
                assert float(r[7]) == 0.0 and "-" in r[8]  # a ratio and its band
    flow = [r for r in rows if r[0] == "flow_mismatch"]
    assert {r[6] for r in flow} == {"outlet"}


def test_every_rate_parameter_of_the_catalogue_declares_its_unit(bench) -> None:
    # the units come from the detectors' declarations (`Detector.rate_units`, as their
    # docstrings state them), not from their findings, nor from a copy kept here
    integrity = {
        name: cls
        for name, cls in catalogue().items()
        if cls.category == "integrity" and bench.rate_params(cls)
    }
    for name, cls in integrity.items():
        assert set(bench.units_of(name)) == set(bench.rate_params(cls)), name
        assert set(bench.units_of(name).values()) <= {"series", "outlet"}
        assert bench.units_of(name) == rate_units_of(cls)  # the detector's own declaration
    assert bench.units_of("copied_data")["scaled_false_alarms_per_year"] == "outlet"
    assert bench.units_of("zero_floor")["false_alarms_per_year"] == "series"
    assert bench.units_of("physics") == {"false_alarms_per_year": "outlet"}  # declared
    assert rate_units_of(bench.get("physics")) == {"false_alarms_per_year": "outlet"}


def test_equal_rates_share_one_row_and_every_finding_is_counted_once(bench) -> None:
    # K6 a: standard_substitution's quiet and hold rates are both 0.001; the hold rule's 3
    # findings were printed as the quiet rule's too (3 found, each against its own expected).
    # Now one row for the two, its allowance both rates' (2 x 0.001 x exposure); findings
    # stating a rate no parameter has (the outlet rule states its outlet's rate times its own)
    # or none have their own rows, and the rows add up to the detector's findings
    found = {
        ("standard_substitution", "hold", 1.0): [3, [0.001] * 3, "series"],
        ("standard_substitution", "noise", 1.0): [1, [0.0001], "series"],
        ("standard_substitution", "jump", 1.0): [1, [0.01], "series"],
        ("standard_substitution", "outlet", 1.0): [2, [0.3996, 0.02], "series"],
        ("standard_substitution", "facts", 1.0): [1, [None], "series"],
    }
    rows = bench.rate_rows(found, ["standard_substitution"], [1.0], 100.0, 10.0)
    by = {r.parameters or r.note: r for r in rows}
    quiet_hold = ("quiet_false_alarms_per_year", "hold_false_alarms_per_year")
    noise_gap = ("noise_false_alarms_per_year", "gap_side_false_alarms_per_year")
    # the first rule's rate is 0.01 too (nineteenth round): it shares the jump rule's row
    jump_first = ("jump_false_alarms_per_year", "first_false_alarms_per_year")
    assert set(by) == {
        jump_first,
        noise_gap,
        quiet_hold,
        ("outlet_false_alarms_per_year",),
        "other rates",
        "no rate",
    }
    assert by[quiet_hold].k == 3 and by[quiet_hold].expected == pytest.approx(2 * 0.001 * 100)
    assert by[noise_gap].k == 1 and by[noise_gap].expected == pytest.approx(2 * 0.0001 * 100)
    assert by[jump_first].k == 1 and by[jump_first].expected == pytest.approx(2 * 0.01 * 100)
    assert by["outlet_false_alarms_per_year",].k == 0
    assert by["outlet_false_alarms_per_year",].expected == pytest.approx(0.1 * 100)
    assert by["other rates"].k == 2 and by["other rates"].stated == (0.02, 0.3996)
    assert by["no rate"].k == 1
    assert sum(r.k for r in rows) == 8


def test_a_rate_stated_clipped_counts_for_its_parameter(bench) -> None:
    # K6 c: standard_substitution states its rates within (1e-6, 0.999): at x100 the jump rate
    # 1 is stated 0.999, and so are the outlet rate 10 and the first rule's 1: the three share
    # a row, counting them;
    # frozen's second look states 10 x its rate (10 at x100): another rate, not frozen's 0.1
    found = {
        ("standard_substitution", "jump", 100.0): [2, [0.999, 0.999], "series"],
        ("frozen", "run", 100.0): [2, [0.1, 10.0], "series"],
    }
    rows = bench.rate_rows(found, ["standard_substitution", "frozen"], [100.0], 100.0, 10.0)
    by = {(r.detector, r.parameters or r.note): r for r in rows}
    jump_outlet = (
        "jump_false_alarms_per_year",
        "outlet_false_alarms_per_year",
        "first_false_alarms_per_year",
    )
    assert by["standard_substitution", jump_outlet].k == 2
    assert by["standard_substitution", jump_outlet].expected == pytest.approx((1 + 10 + 1) * 100)
    assert ("standard_substitution", "other rates") not in by
    assert by["frozen", ("false_alarms_per_year",)].k == 1
    assert by["frozen", "other rates"].k == 1 and by["frozen", "other rates"].stated == (10.0,)


def test_the_table_prints_a_shared_count_once(bench, monkeypatch, capsys) -> None:
    # the printed table: one "quiet+hold" row with the 3 findings, no row for either alone
    readings = pd.DataFrame({"mn": "A", "pollutant": ["COD", "NH3N"]})
    findings = [_finding("standard_substitution", 0.001)] * 3
    rows = _run(bench, monkeypatch, capsys, readings, ["standard_substitution"], "1", findings)
    assert [r[1] for r in rows] == ["jump+first", "noise+gap_side", "quiet+hold", "outlet"]
    shared = rows[2]
    assert shared[4] == "3"
    assert float(shared[5]) == pytest.approx(2 * 0.001 * 2 * YEARS, abs=0.006)
    # the ratio against the pair's allowance, in two significant digits
    assert float(shared[7]) == pytest.approx(3 / (2 * 0.001 * 2 * YEARS), rel=0.05)


def test_a_rate_parameter_row_with_nothing_found_shows_its_bands_upper_end(
    bench, monkeypatch, capsys
) -> None:
    # 0 found where 49 were expected: the band's upper end 3.7 / 49 = 0.075, in two
    # significant digits (two decimals printed "0.00-0.07"; at 985 expected "0.00-0.00")
    readings = pd.DataFrame({"mn": "A", "pollutant": [f"P{i}" for i in range(1000)]})
    rows = _run(
        bench,
        monkeypatch,
        capsys,
        readings,
        ["zero_floor"],
        "1,100",
        [_finding("zero_floor", 0.001, "P0")],
    )
    at = {row[2]: row for row in rows if row[1] == "false_alarms_per_year"}
    assert at["1"][4] == "1" and at["100"][4] == "0"
    # the x1 finding states 0.001 at x100 too: not the parameter's 0.1 there, another rate
    other = [row for row in rows if row[1] == "(other" and row[3] == "100"]
    assert len(other) == 1 and other[0][5] == "1"
    expected = 0.1 * 1000 * YEARS
    assert float(at["100"][5]) == pytest.approx(expected, abs=0.006)
    lo, hi = at["100"][8].split("-")
    assert float(lo) == 0 and float(hi) == pytest.approx(
        bench.poisson_band(0)[1] / expected, rel=0.02
    )


def test_the_rule_table_counts_a_detector_in_its_declared_unit(bench, monkeypatch, capsys) -> None:
    # physics states its rate per outlet, though its findings name a pollutant: the rule
    # table counted them against series-years (6 series an outlet: a ratio 6x too low)
    readings = pd.DataFrame({"mn": "A", "pollutant": ["COD", "NH3N", "TP", "TN", "pH", "Q"]})
    findings = [_finding("physics", 0.01, "NH3N")]
    lines = _lines(bench, monkeypatch, capsys, readings, ["physics"], "1", findings)
    rule = next(ln.split() for ln in lines if ln.startswith("physics ") and ln.split()[1] == "1")
    assert rule[-1] == "outlet"
    assert float(rule[5]) == pytest.approx(0.01 * YEARS, abs=0.006)
