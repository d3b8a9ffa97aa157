"""gap_hiding: gaps after high values, exact intervals and honest traps."""

from __future__ import annotations

import numpy as np

from detectors.checks.gap_hiding import GapHidingDetector
from detectors.spec import COD
from tests.detectors.c2_helpers import cycled, frame, hour
from tests.detectors.flag_helpers import N, cod_spec, normal_flags, random_gaps


def test_gap_hiding_gaps_after_high_values_with_each_gap_in_evidence() -> None:
    cod = random_gaps(cycled(N, level=25, spread=3, hold_hours=2, seed=1), 20, seed=2)
    cod[cod > 38] = 38
    for i in (100, 200, 300, 400):
        cod[i] = 45.0
        cod[i + 1 : i + 4] = np.nan
    (f,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    assert (f.start, f.end) == (hour(100), hour(403))
    assert f.evidence["events"] == 4 and f.evidence["p_value"] < 0.01
    assert [g["hours"] for g in f.evidence["gaps"]] == [3, 3, 3, 3]
    assert f.evidence["gaps"][0]["gap_start"] == hour(101).tz_convert("Asia/Shanghai").isoformat()


def test_gap_hiding_ignores_random_gaps_near_the_limit_and_needs_a_limit() -> None:
    # a plant running close to its limit: most hours above 0.8 L, gaps at random
    cod = random_gaps(cycled(N, level=44, spread=2, hold_hours=2, seed=3), 40, seed=4)
    assert GapHidingDetector().detect(frame({COD: cod}), cod_spec()) == []
    # weekly calibration C (a gap for compliance) after whatever value happens to precede it
    cod = cycled(N, level=38, spread=4, hold_hours=3, seed=5)
    flags = normal_flags()
    flags[np.arange(10, N, 168)] = "C"
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[[100, 200, 300]] = 45.0
    cod[[101, 201, 301]] = np.nan
    assert GapHidingDetector().detect(frame({COD: cod})) == []  # no limit known


def test_gap_hiding_shutdown_after_upset_is_not_a_gap() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    flags = normal_flags()
    for i in (100, 200, 300, 400):  # honest upsets followed by a shutdown flagged F
        cod[i] = 60.0
        cod[i + 1 : i + 6] = 0.0
        flags[i + 1 : i + 6] = "F"
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []


def test_gap_hiding_counts_measurements_not_hours() -> None:
    # one high result held for a day with three communication gaps inside it: one event
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    cod[100:124] = 45.0
    cod[[105, 110, 115]] = np.nan
    assert GapHidingDetector().detect(frame({COD: cod}), cod_spec()) == []


def test_gap_hiding_calibration_hours_after_high_values_are_not_gaps() -> None:
    # weekly calibration (C, reading the 6.0 standard) falls after high TN-like values
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    flags = normal_flags()
    for i in range(15, N - 3, 168):
        cod[i] = 45.0
        cod[i + 1] = 6.0
        flags[i + 1] = "C"
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec()) == []
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), cod_spec(standard=6.0)) == []


def test_gap_hiding_events_across_a_month_boundary_are_one_window() -> None:
    n = 1200  # 1 March to 20 April (local)
    cod = cycled(n, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    for i in (690, 712, 735, 760):  # 29 March to 1 April (local)
        cod[i] = 45.0
        cod[i + 1 : i + 3] = np.nan
    (g,) = GapHidingDetector().detect(frame({COD: cod}), cod_spec())
    assert (g.start, g.end) == (hour(690), hour(762)) and g.evidence["events"] == 4
    assert g.evidence["window_days"] == 30 and len(g.evidence["gaps"]) == 4
