"""gap_hiding, flag_masking, manual_values, flow_mismatch: exact intervals and honest traps."""

from __future__ import annotations

import numpy as np

from detectors.checks.flags import (
    FlagMaskingDetector,
    FlowMismatchDetector,
    GapHidingDetector,
    ManualValuesDetector,
)
from detectors.frame import OutletData
from detectors.spec import COD, FLOW, NH3N, OutletSpec, PollutantSpec
from tests.detectors.c2_helpers import cycled, frame, held, hour

N = 720  # March 2026, local hours


def _spec(standard: float | None = None) -> OutletSpec:
    return OutletSpec("M1", {COD: PollutantSpec(COD, limit=50.0, standard=standard)})


def _flags(n: int = N) -> np.ndarray:
    return np.array(["N"] * n, dtype=object)


def _flow(n: int = N) -> np.ndarray:
    h = np.arange(n)
    return np.round(500 + 200 * np.sin(2 * np.pi * (h % 24) / 24), 1)


def _random_gaps(values: np.ndarray, k: int, seed: int) -> np.ndarray:
    out = values.copy()
    out[np.random.default_rng(seed).choice(len(out), k, replace=False)] = np.nan
    return out


# gap_hiding ---------------------------------------------------------------


def test_gap_hiding_gaps_after_high_values_with_each_gap_in_evidence() -> None:
    cod = _random_gaps(cycled(N, level=25, spread=3, hold_hours=2, seed=1), 20, seed=2)
    cod[cod > 38] = 38
    for i in (100, 200, 300, 400):
        cod[i] = 45.0
        cod[i + 1 : i + 4] = np.nan
    (f,) = GapHidingDetector().detect(frame({COD: cod}), _spec())
    assert (f.start, f.end) == (hour(100), hour(403))
    assert f.evidence["events"] == 4 and f.evidence["p_value"] < 0.01
    assert [g["hours"] for g in f.evidence["gaps"]] == [3, 3, 3, 3]
    assert f.evidence["gaps"][0]["gap_start"] == hour(101).tz_convert("Asia/Shanghai").isoformat()


def test_gap_hiding_ignores_random_gaps_near_the_limit_and_needs_a_limit() -> None:
    # a plant running close to its limit: most hours above 0.8 L, gaps at random
    cod = _random_gaps(cycled(N, level=44, spread=2, hold_hours=2, seed=3), 40, seed=4)
    assert GapHidingDetector().detect(frame({COD: cod}), _spec()) == []
    # weekly calibration C (a gap for compliance) after whatever value happens to precede it
    cod = cycled(N, level=38, spread=4, hold_hours=3, seed=5)
    flags = _flags()
    flags[np.arange(10, N, 168)] = "C"
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), _spec()) == []
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[[100, 200, 300]] = 45.0
    cod[[101, 201, 301]] = np.nan
    assert GapHidingDetector().detect(frame({COD: cod})) == []  # no limit known


def test_gap_hiding_shutdown_after_upset_is_not_a_gap() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    flags = _flags()
    for i in (100, 200, 300, 400):  # honest upsets followed by a shutdown flagged F
        cod[i] = 60.0
        cod[i + 1 : i + 6] = 0.0
        flags[i + 1 : i + 6] = "F"
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), _spec()) == []


# flag_masking -------------------------------------------------------------


def test_flag_masking_three_masked_exceedance_episodes_in_a_month() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = _flags()
    for s, e, flag in ((50, 52, "M"), (200, 201, "D"), (400, 400, "C")):
        cod[s : e + 1] = 70.0
        flags[s : e + 1] = flag
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), _spec())
    assert (f.start, f.end) == (hour(50), hour(400))
    assert f.evidence["episodes"] == 3 and f.evidence["hours"] == 6
    assert [e["flags"] for e in f.evidence["episode_list"]] == ["M", "D", "C"]


def test_flag_masking_calibration_standard_and_monthly_maintenance_are_honest() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = _flags()
    weekly = np.arange(10, N, 168)  # weekly calibration reads the 100 mg/L standard, flagged C
    cod[weekly] = 100.0 + np.arange(len(weekly)) * 0.5
    flags[weekly] = "C"
    cod[300:306] = 80.0  # one maintenance window reading high (cleaning), flagged M
    flags[300:306] = "M"
    for spec in (_spec(), _spec(standard=100.0)):
        assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), spec) == []


def test_flag_masking_stopped_flag_while_flow_runs() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = _flow()
    flags = _flags()
    flags[100:106] = "F"  # "stopped" while discharging
    q[300:340] = 0.0  # honest shutdown: flow 0, zeros flagged F, flow running down for 2 h
    cod[298:340] = 0.0
    flags[298:340] = "F"
    found = FlagMaskingDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}), _spec())
    assert [(f.start, f.end, f.pollutant) for f in found] == [(hour(100), hour(105), None)]
    assert found[0].evidence["channels"] == [COD]


# manual_values ------------------------------------------------------------


def test_manual_values_share_of_month() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    flags = _flags()
    flags[300:400] = "S"  # 100 of 720 hours typed in (13.9 %)
    found = ManualValuesDetector().detect(frame({COD: cod}, {COD: flags}), _spec())
    assert [(f.start, f.end) for f in found] == [(hour(300), hour(399))]
    assert found[0].evidence["share"] > 0.13 and "13.9%" in found[0].summary


def test_manual_values_over_high_flow_hours_and_honest_repair_days() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = _flow()
    flags = _flags()
    peak = np.flatnonzero(q >= np.quantile(q, 0.9))[:24:2]  # 12 S hours, all at peak flow
    flags[peak] = "S"
    found = ManualValuesDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}), _spec())
    assert [(f.start, f.end) for f in found] == [(hour(peak[0]), hour(peak[-1]))]
    assert found[0].evidence["high_load_hours"] == 12
    flags = _flags()
    flags[200:248] = "S"  # two days of lab values after a breakdown: 6.7 %, every load
    assert ManualValuesDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}), _spec()) == []


# flow_mismatch ------------------------------------------------------------


def test_flow_mismatch_analyser_measures_while_nothing_flows() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = _flow()
    q[100:112] = 0.0
    cod[100:112] = held([20.1, 21.3, 19.8, 22.0, 20.5, 21.7], 2)
    found = FlowMismatchDetector().detect(frame({COD: cod, FLOW: q}))
    assert [(f.start, f.end) for f in found] == [(hour(100), hour(111))]
    assert found[0].evidence["changes"] == 5


def test_flow_mismatch_honest_shutdowns() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = _flow()
    flags = _flags()
    q[100:130] = 0.0  # shutdown, zeros flagged F
    cod[100:130] = 0.0
    flags[100:130] = "F"
    q[300:330] = 0.0  # shutdown, the analyser holds its last value (flag N)
    cod[300:330] = cod[299]
    q[500:502] = 0.0  # a two-hour flow dip
    found = FlowMismatchDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}))
    assert found == []


def test_flow_mismatch_every_channel_frozen_while_flow_varies() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    nh3 = cycled(N, level=3, spread=0.5, hold_hours=2, seed=7)
    cod[200:230] = 23.45
    nh3[200:230] = 2.345
    found = FlowMismatchDetector().detect(frame({COD: cod, NH3N: nh3, FLOW: _flow()}))
    assert [(f.start, f.end) for f in found] == [(hour(200), hour(229))]
    assert found[0].evidence["cycles_hours"] == {COD: 2.0, NH3N: 2.0}


def test_flow_mismatch_synchronous_long_holds_are_the_analysers_cycle() -> None:
    # both analysers measure every 8 h in step (like the real series): 8 h holds are the norm
    cod = cycled(N, level=25, spread=3, hold_hours=8, seed=1)
    nh3 = cycled(N, level=3, spread=0.5, hold_hours=8, seed=7)
    data = OutletData(frame({COD: cod, NH3N: nh3, FLOW: _flow()}))
    assert FlowMismatchDetector().detect(data) == []
    cod[200:216] = cod[200]  # one missed measurement: a 16 h hold in both, still 2 cycles
    nh3[200:216] = nh3[200]
    assert FlowMismatchDetector().detect(frame({COD: cod, NH3N: nh3, FLOW: _flow()})) == []


def test_gap_hiding_counts_measurements_not_hours() -> None:
    # one high result held for a day with three communication gaps inside it: one event
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    cod[100:124] = 45.0
    cod[[105, 110, 115]] = np.nan
    assert GapHidingDetector().detect(frame({COD: cod}), _spec()) == []


def test_flag_masking_random_service_at_an_outlet_that_often_exceeds() -> None:
    # honest upsets exceed half the time; maintenance/fault flags fall at random over all hours
    rng = np.random.default_rng(8)
    cod = np.round(50 + rng.normal(0, 8, N), 1)
    flags = np.where(rng.random(N) < 0.02, rng.choice(["M", "D"], N), "N").astype(object)
    assert (flags != "N").sum() > 6
    assert FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), _spec()) == []


def test_episodes_and_events_across_a_month_boundary_are_one_window() -> None:
    n = 1200  # 1 March to 20 April (local)
    cod = cycled(n, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    flags = _flags(n)
    for s in (700, 730, 760):  # 30 March, 31 March, 1 April (local)
        cod[s : s + 2] = 70.0
        flags[s : s + 2] = "D"
    (f,) = FlagMaskingDetector().detect(frame({COD: cod}, {COD: flags}), _spec())
    assert (f.start, f.end) == (hour(700), hour(761)) and f.evidence["episodes"] == 3
    cod = cycled(n, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    for i in (690, 712, 735, 760):
        cod[i] = 45.0
        cod[i + 1 : i + 3] = np.nan
    (g,) = GapHidingDetector().detect(frame({COD: cod}), _spec())
    assert (g.start, g.end) == (hour(690), hour(762)) and g.evidence["events"] == 4
    assert g.evidence["window_days"] == 30 and len(g.evidence["gaps"]) == 4


def test_flow_mismatch_frozen_over_two_cycles_of_a_slow_analyser() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=4, seed=1)
    nh3 = cycled(N, level=3, spread=0.5, hold_hours=4, seed=7)
    cod[200:210] = 23.45  # 10 h: more than two 4-h cycles
    nh3[200:210] = 2.345
    cod[400:408] = cod[400]  # 8 h: one missed measurement in both, two cycles, honest
    nh3[400:408] = nh3[400]
    found = FlowMismatchDetector().detect(frame({COD: cod, NH3N: nh3, FLOW: _flow()}))
    assert [(f.start, f.end) for f in found] == [(hour(200), hour(209))]


def test_gap_hiding_calibration_hours_after_high_values_are_not_gaps() -> None:
    # weekly calibration (C, reading the 6.0 standard) falls after high TN-like values
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    cod[cod > 38] = 38
    flags = _flags()
    for i in range(15, N - 3, 168):
        cod[i] = 45.0
        cod[i + 1] = 6.0
        flags[i + 1] = "C"
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), _spec()) == []
    assert GapHidingDetector().detect(frame({COD: cod}, {COD: flags}), _spec(standard=6.0)) == []


def test_manual_values_both_rules_make_one_finding() -> None:
    cod = cycled(N, level=25, spread=3, hold_hours=2, seed=1)
    q = _flow()
    flags = _flags()
    peak = np.flatnonzero(q >= np.quantile(q, 0.75))[:100]  # 100 S hours, all at high flow
    flags[peak] = "S"
    (f,) = ManualValuesDetector().detect(frame({COD: cod, FLOW: q}, {COD: flags}), _spec())
    assert (f.start, f.end) == (hour(peak[0]), hour(peak[-1]))
    assert f.evidence["share"] > 0.1 and f.evidence["high_load_hours"] == 100
    assert ";" in f.evidence["rule"]
