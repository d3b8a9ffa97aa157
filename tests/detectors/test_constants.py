"""frozen, low_variability, zero_floor, standard_substitution: exact intervals and honest traps."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.checks.constants import (
    FrozenValueDetector,
    LowVariabilityDetector,
    StandardSubstitutionDetector,
    ZeroFloorDetector,
)
from detectors.series import analyser_cycle_hours, held_runs, hours_of
from detectors.spec import COD, FLOW, NH3N, PH, TP
from tests.detectors.conftest import MN, effluent, held, make_frame, make_spec

START = pd.Timestamp("2026-06-01 00:00", tz="Asia/Shanghai")
SPEC = make_spec(
    MN,
    w01018={"limit": 50.0, "standard": 25.0, "analyser_range": (0.0, 500.0)},
    w21011={"limit": 0.5, "analyser_range": (0.0, 10.0)},
    w01001={"limit_range": (6.0, 9.0)},
)


def hour(i: int) -> pd.Timestamp:
    return START + pd.Timedelta(hours=i)


def spans(findings: list) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    return [(f.start, f.end) for f in findings]


def flow(hours: int, seed: int = 9) -> np.ndarray:
    return np.round(300 + 200 * np.random.default_rng(seed).random(hours), 1)


# ---------------------------------------------------------------- frozen


def honest_cod(hours: int, hold: int = 3, seed: int = 1) -> np.ndarray:
    return effluent(hours, mean=30.0, hold_hours=hold, seed=seed)


def test_frozen_run_is_reported_with_its_exact_interval_and_cycles() -> None:
    cod = honest_cod(240)
    cod[120:168] = 23.4  # 48 h
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(240)}), SPEC)
    assert spans(found) == [(hour(120), hour(167))]
    f = found[0]
    assert f.severity == "medium"
    assert f.evidence["cycle_hours"] == 3.0
    assert f.evidence["cycles"] == 16.0
    assert f.evidence["threshold"] == 24.0
    assert "frozen at 23.4 mg/L for 48 h (16 analyser cycles) while flow varied" in f.summary


def test_frozen_three_days_is_high_and_calibration_hour_inside_does_not_break_it() -> None:
    cod = honest_cod(240)
    cod[100:180] = 23.4  # 80 h
    flags = np.array(["N"] * 240, dtype=object)
    flags[140] = "C"
    cod[140] = 25.0
    frame = make_frame(MN, {COD: cod, FLOW: flow(240)}, flags={COD: flags})
    found = FrozenValueDetector().detect(frame, SPEC)
    assert spans(found) == [(hour(100), hour(179))]
    assert found[0].severity == "high"


def test_frozen_honest_traps_cycles_shutdown_holds_and_short_runs() -> None:
    cod = honest_cod(24 * 20, hold=4)
    cod[100:120] = 23.4  # 20 h: under 24 h
    q = flow(24 * 20)
    cod[200:260] = 23.4  # 60 h held while the plant stood still
    q[200:260] = 0.0
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod, FLOW: q}), SPEC)
    assert found == []


def test_frozen_honest_eight_hour_holds_and_low_resolution_ph() -> None:
    rng = np.random.default_rng(3)
    nh3 = held(np.round(rng.uniform(0.2, 3.0, 90), 2), 8)  # every value held 8 h, 30 days
    ph = effluent(720, mean=7.2, cv=0.02, step=0.1, seed=4)
    found = FrozenValueDetector().detect(make_frame(MN, {NH3N: nh3, PH: ph}), SPEC)
    assert found == []


def test_frozen_registry_cycle_counts_cycles_not_hours() -> None:
    cod = honest_cod(24 * 12, hold=6)
    cod[60:90] = 23.4  # 30 h = 5 cycles of 6 h: not enough
    cod[150:192] = 21.7  # 42 h = 7 cycles
    spec = make_spec(MN, w01018={"limit": 50.0, "cycle_minutes": 360})
    found = FrozenValueDetector().detect(make_frame(MN, {COD: cod}), spec)
    assert spans(found) == [(hour(150), hour(191))]
    assert "far longer than this analyser ever holds a value" in found[0].summary


def test_cycle_is_learned_from_held_runs() -> None:
    for hold in (1, 2, 3, 4):
        v = honest_cod(24 * 15, hold=hold, seed=hold)
        ts = START.value + np.arange(len(v), dtype=np.int64) * 3_600_000_000_000
        runs = held_runs(v, hours_of(ts).astype(float), np.ones(len(v), bool))
        assert analyser_cycle_hours(runs) == hold
    assert analyser_cycle_hours(runs, cycle_minutes=150) == 2.5


def test_real_series_analyser_holds_are_not_frozen_findings(real_series: pd.DataFrame) -> None:
    frame = real_series.assign(mn=MN)
    others = [
        f.detector
        for cls in (LowVariabilityDetector, ZeroFloorDetector, StandardSubstitutionDetector)
        for f in cls().detect(frame, make_spec(MN))
    ]
    assert others == []
    found = FrozenValueDetector().detect(frame, make_spec(MN))
    hours = [f.evidence["hours"] for f in found]
    assert hours and min(hours) >= 54  # only multi-day constants, never the 6-8 h holds
    covered = sum(hours)
    assert covered / frame["value"].notna().sum() < 0.12


# ---------------------------------------------------------------- low_variability


def test_scripted_small_wiggle_is_reported_over_the_days_it_covers() -> None:
    n = 24 * 30
    cod = honest_cod(n)
    rng = np.random.default_rng(11)
    cod[240:360] = np.round(rng.uniform(30.0, 30.6, 120), 1)  # days 10-14
    found = LowVariabilityDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(n)}), SPEC)
    assert spans(found) == [(hour(240), hour(359))]
    ev = found[0].evidence
    assert ev["window_cv"] < ev["threshold"]["cv_max"]
    assert ev["window_r1"] < ev["threshold"]["r1_max"]
    assert found[0].summary.startswith("COD wiggled only between 30 and 30.6 mg/L for 5 days")


def test_low_variability_honest_traps_ph_resolution_and_calm_days() -> None:
    n = 24 * 30
    ph = effluent(n, mean=7.2, cv=0.01, step=0.1, seed=2)  # flickers 7.1-7.3
    tp = effluent(n, mean=0.2, hold_hours=2, step=0.01, seed=5)
    cod = honest_cod(n)
    cod[240:360] = effluent(120, mean=30.0, cv=0.05, hold_hours=3, seed=6)  # a calm week
    frame = make_frame(MN, {PH: ph, TP: tp, COD: cod, FLOW: flow(n)})
    assert LowVariabilityDetector().detect(frame, SPEC) == []


# ---------------------------------------------------------------- zero_floor


def test_zeros_while_discharging_exact_interval() -> None:
    cod = honest_cod(48)
    cod[10:13] = 0.0
    cod[30] = 0.0  # a single zero: not reported
    found = ZeroFloorDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(48)}), SPEC)
    assert spans(found) == [(hour(10), hour(12))]
    assert found[0].evidence["readings"] == 3
    assert "exactly 0 for 3 readings" in found[0].summary


def test_zeros_honest_traps_shutdown_and_no_flow_channel() -> None:
    cod = honest_cod(48)
    q = flow(48)
    flags = np.array(["N"] * 48, dtype=object)
    cod[10:16] = 0.0
    flags[10:16] = "F"  # shutdown flagged F
    cod[20:26] = 0.0
    q[20:26] = 0.0  # zeros while the flow is 0 too
    frame = make_frame(MN, {COD: cod, FLOW: q}, flags={COD: flags})
    assert ZeroFloorDetector().detect(frame, SPEC) == []
    cod2 = honest_cod(48)
    cod2[5:13] = 0.0
    assert ZeroFloorDetector().detect(make_frame(MN, {COD: cod2}), SPEC) == []


def test_floor_held_for_many_cycles_while_normally_well_above() -> None:
    n = 24 * 10
    tp = effluent(n, mean=0.3, hold_hours=2, step=0.01, seed=8)
    tp[100:120] = 0.01  # 20 h at the floor (cycle 2 -> 12 h needed)
    tp[180:188] = 0.01  # 8 h: too short
    found = ZeroFloorDetector().detect(make_frame(MN, {TP: tp, FLOW: flow(n)}), SPEC)
    assert spans(found) == [(hour(100), hour(119))]
    assert found[0].evidence["floor"] == 0.01


# ---------------------------------------------------------------- standard_substitution


def test_standard_solution_as_sample_exact_interval() -> None:
    n = 24 * 10
    cod = effluent(n, mean=40.0, hold_hours=2, seed=12)
    cod[100:118] = held([25.0, 25.1, 24.9, 25.0, 25.2, 24.9, 25.0, 25.1, 25.0], 2)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert spans(found) == [(hour(100), hour(117))]
    assert found[0].evidence["standard"] == 25.0
    assert "calibration standard's 25 mg/L" in found[0].summary


def test_standard_honest_traps_calibration_hours_and_plant_at_that_level() -> None:
    n = 24 * 21
    cod = effluent(n, mean=40.0, hold_hours=2, seed=12)
    flags = np.array(["N"] * n, dtype=object)
    for week in range(3):
        cod[week * 168 + 10 : week * 168 + 22] = 25.0  # 12 h of calibration, flagged C
        flags[week * 168 + 10 : week * 168 + 22] = "C"
    frame = make_frame(MN, {COD: cod}, flags={COD: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC) == []
    level = effluent(n, mean=25.0, cv=0.01, hold_hours=2, seed=13)  # honestly runs at 25
    assert StandardSubstitutionDetector().detect(make_frame(MN, {COD: level}), SPEC) == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([20.0, 21.0, 23.4]), st.integers(1, 40)), min_size=1, max_size=25
    )
)
def test_frozen_findings_are_single_value_runs_of_at_least_a_day(blocks) -> None:
    cod = np.concatenate([np.full(n, v) for v, n in blocks])
    frame = make_frame(MN, {COD: cod})
    for f in FrozenValueDetector().detect(frame, SPEC):
        inside = frame[(frame["ts"] >= f.start) & (frame["ts"] <= f.end)]
        assert inside["value"].nunique() == 1
        assert f.evidence["hours"] >= 24
        assert len(inside) == f.evidence["readings"]


def test_low_variability_one_step_flicker_at_low_resolution_is_honest() -> None:
    n = 24 * 30
    ph = effluent(n, mean=7.2, cv=0.03, step=0.1, seed=21)
    ph[240:360] = np.random.default_rng(22).choice([7.2, 7.3], 120)  # 5 calm days
    assert LowVariabilityDetector().detect(make_frame(MN, {PH: ph}), SPEC) == []


def test_stay_quantile_counts_stretches_near_every_level() -> None:
    from detectors.checks.constants import _stay_quantile

    v = np.array([1.0, 1.0, 1.0, 5.0, 5.0, 1.0, 9.0, 9.0, 9.0, 9.0])
    hours = np.arange(10, dtype=float)
    hours[5:] += 3  # a 3-hour gap before index 5 breaks stretches
    normal = np.ones(10, dtype=bool)
    levels = np.array([1.0, 5.0, 9.0])
    # stretches: level 1 -> 3 h and 1 h; level 5 -> 2 h; level 9 -> 4 h
    assert _stay_quantile(v, hours, normal, levels, 0.1, 1.0, 1.0) == 4.0
    assert _stay_quantile(v, hours, normal, levels, 0.1, 1.0, 0.0) == 1.0
    assert _stay_quantile(v, hours, normal, levels, 0.1, 1.0, 0.5) == 2.0


def test_floor_honest_trough_slopes_down_and_is_not_a_floor() -> None:
    n = 24 * 10
    tp = effluent(n, mean=0.3, hold_hours=2, step=0.01, seed=8)
    tp[94:100] = [0.2, 0.2, 0.12, 0.12, 0.08, 0.08]
    tp[100:114] = 0.07  # the series' minimum, held 14 h at the bottom of a trough
    tp[114:120] = [0.08, 0.08, 0.12, 0.12, 0.2, 0.2]
    assert ZeroFloorDetector().detect(make_frame(MN, {TP: tp, FLOW: flow(n)}), SPEC) == []
    tp[94:100] = 0.3  # the same minimum entered and left by a step: a floor
    tp[114:120] = 0.3
    found = ZeroFloorDetector().detect(make_frame(MN, {TP: tp, FLOW: flow(n)}), SPEC)
    assert spans(found) == [(hour(100), hour(113))]


def test_scripted_wiggle_held_by_a_two_hour_analyser_is_found() -> None:
    n = 24 * 30
    cod = honest_cod(n, hold=2)
    rng = np.random.default_rng(12)
    cod[240:360] = np.repeat(np.round(rng.uniform(30.0, 30.6, 60), 1), 2)  # days 10-14
    found = LowVariabilityDetector().detect(make_frame(MN, {COD: cod, FLOW: flow(n)}), SPEC)
    assert spans(found) == [(hour(240), hour(359))]
