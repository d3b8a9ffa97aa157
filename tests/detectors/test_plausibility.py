"""RangeDetector: impossible values, with exact intervals, and the honest readings it leaves alone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detectors.checks.plausibility import RangeDetector
from detectors.spec import COD, FLOW, NH3N, PH, TP, OutletSpec
from tests.detectors.conftest import MN, held, make_frame, make_spec, ts

SPEC = make_spec(MN, w01018={"limit": 50.0, "analyser_range": (0.0, 200.0)})


def found_by_rule(frame: pd.DataFrame, spec: OutletSpec = SPEC) -> list[tuple[str, object, object]]:
    return [(f.evidence["rule"], f.start, f.end) for f in RangeDetector().detect(frame, spec)]


def test_negative_beyond_zero_drift_is_flagged_small_drift_is_not() -> None:
    cod = [10.0, -1.0, -5.0, -6.0, None, -3.0, 10.0, 0.0, 0.0, -1.9]
    assert found_by_rule(make_frame(MN, {COD: cod}), SPEC) == [
        ("negative", ts("2026-06-01 02:00"), ts("2026-06-01 05:00")),  # tolerance 2 mg/L
    ]


def test_above_range_with_n_is_flagged_with_t_it_is_honest() -> None:
    cod = [10.0, 250.0, 260.0, 10.0, 230.0, 240.0, 10.0]
    flags = ["N", "N", "N", "N", "T", "T", "N"]
    found = RangeDetector().detect(make_frame(MN, {COD: cod}, flags={COD: flags}), SPEC)
    assert [(f.evidence["rule"], f.start, f.end) for f in found] == [
        ("above_range", ts("2026-06-01 01:00"), ts("2026-06-01 02:00")),
    ]
    assert found[0].evidence["max"] == 260.0
    assert "above the analyser's range of 0-200 mg/L" in found[0].summary


def test_pinned_at_range_max_counts_cycles() -> None:
    # analyser cycle 3 h (learned): one cycle at 200 is a reading, two cycles is pinned
    levels = [20, 30, 25, 200, 22, 26, 200, 200, 24, 21, 27, 23, 28, 20, 22]
    cod = held(levels, 3)
    flags = ["N"] * len(cod)
    assert found_by_rule(make_frame(MN, {COD: cod}, flags={COD: flags})) == [
        ("pinned_max", ts("2026-06-01 18:00"), ts("2026-06-01 23:00")),
    ]


def test_ph_off_scale_and_calibration_flags_are_ignored() -> None:
    ph = [7.1, 7.2, 15.0, 7.2, -0.5, 7.1, 7.1]
    flags = ["N", "N", "N", "N", "N", "N", "N"]
    tp = [0.2, -4.0, 55.0, 0.2, 0.2, 0.2, 0.2]  # odd values during maintenance and calibration
    tp_flags = ["N", "M", "C", "N", "N", "N", "N"]
    frame = make_frame(
        MN,
        {PH: ph, TP: tp, FLOW: [-0.5, 300, 300, 300, 300, 300, 300]},
        flags={PH: flags, TP: tp_flags},
    )
    assert found_by_rule(frame, make_spec(MN)) == [
        ("ph_scale", ts("2026-06-01 02:00"), ts("2026-06-01 02:00")),
        ("ph_scale", ts("2026-06-01 04:00"), ts("2026-06-01 04:00")),
    ]


def test_zh_summary() -> None:
    frame = make_frame(MN, {COD: [10.0, -9.0]})
    found = RangeDetector().detect(frame, SPEC, lang="zh")
    assert found[0].summary.startswith("化学需氧量以正常数据上报了不可能的负值")


def test_typical_range_is_not_a_ceiling_without_a_registered_range() -> None:
    # the real series reads 84.6 mg/L NH3-N once; a typical analyser stops at 50, this one does not
    frame = make_frame(MN, {NH3N: [1.2, 84.6, 62.5, 1.3]})
    assert RangeDetector().detect(frame, make_spec(MN)) == []


def test_range_findings_are_validity_and_a_storm_past_the_flow_meter_is_low() -> None:
    """A mis-set range is an instrument matter, not a sign of falsification: category validity;
    flow past its registered range (storm inflow, flagged N) is low severity."""
    spec = make_spec(
        MN,
        w01018={"limit": 50.0, "analyser_range": (0.0, 200.0)},
        w00000={"analyser_range": (0.0, 500.0)},
    )
    cod = [10.0, 250.0, 260.0, 10.0, 10.0, 10.0, 10.0]
    flow = [300.0, 320.0, 310.0, 650.0, 700.0, 420.0, 300.0]
    found = RangeDetector().detect(make_frame(MN, {COD: cod, FLOW: flow}), spec)
    assert {(f.pollutant, f.category, f.severity) for f in found} == {
        (COD, "validity", "medium"),
        (FLOW, "validity", "low"),
    }


def test_close_matches_numpy_isclose_for_finite_and_infinite_bounds() -> None:
    """`_close` is `np.isclose` without its wrapper: the same answer for finite bounds, and an
    infinite bound (a detectors caller may give one) close to no finite reading."""
    from detectors.checks.plausibility import _close

    v = np.array([0.0, 1.0, 1.0 + 1e-6, 1.1, np.nan, np.inf, -np.inf, 1e9])
    for x in (0.0, 1.0, 1e9, np.inf, -np.inf):
        assert np.array_equal(_close(v, x), np.isclose(v, x)), x
