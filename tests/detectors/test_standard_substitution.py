"""standard_substitution: the standard solution as the sample, and its baseline stay."""

from __future__ import annotations

import numpy as np
import pytest

from detectors.checks.standard_substitution import (
    MIN_NULL_STRETCHES,
    StandardSubstitutionDetector,
    _stay_quantile,
    null_durations,
)
from detectors.spec import COD, NH3N
from tests.detectors.conftest import MN, effluent, held, make_frame, make_spec
from tests.detectors.value_helpers import SPEC, hour, spans

SPEC_NH3 = make_spec(MN, w21003={"limit": 15.0, "analyser_range": (0.0, 50.0)})


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


def test_stay_quantile_counts_stretches_near_every_level() -> None:
    v = np.array([1.0, 1.0, 1.0, 5.0, 5.0, 1.0, 9.0, 9.0, 9.0, 9.0])
    hours = np.arange(10, dtype=float)
    hours[5:] += 3  # a 3-hour gap before index 5 breaks stretches
    normal = np.ones(10, dtype=bool)
    levels = np.array([1.0, 5.0, 9.0])
    # stretches: level 1 -> 3 h and 1 h; level 5 -> 2 h; level 9 -> 4 h
    assert _stay_quantile(v, hours, normal, levels, 0.1, 1.0, 1.0) == 4.0
    assert _stay_quantile(v, hours, normal, levels, 0.1, 1.0, 0.0) == 1.0
    assert _stay_quantile(v, hours, normal, levels, 0.1, 1.0, 0.5) == 2.0


def _calibrated_nh3(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """An honest NH3-N around 2 mg/L (no registered standard) calibrated weekly with an 8 mg/L
    solution: four C hours reading it each week."""
    nh3 = effluent(n, mean=2.0, step=0.01, seed=seed)
    flags = np.array(["N"] * n, dtype=object)
    for week in range(n // 168):
        nh3[week * 168 + 30 : week * 168 + 34] = [8.02, 7.97, 8.05, 7.99]
        flags[week * 168 + 30 : week * 168 + 34] = "C"
    return nh3, flags


def test_jump_onto_an_unregistered_standard_read_with_noise() -> None:
    """The second rule: the standard the plant calibrates with (its C hours), read with an
    analyser's noise (not held), entered and left by a jump, found with its interval."""
    n = 24 * 42
    nh3, flags = _calibrated_nh3(n, seed=21)
    rng = np.random.default_rng(5)
    nh3[500:530] = np.round(8.0 * (1 + 0.015 * rng.standard_normal(30)), 2)
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    found = StandardSubstitutionDetector().detect(frame, SPEC_NH3)
    assert spans(found) == [(hour(500), hour(529))]
    ev = found[0].evidence
    assert ev["standard"] == pytest.approx(8.0, abs=0.03)
    assert ev["standard_source"] == "nominal or calibration"
    assert 0 < ev["false_alarm_rate_per_year"] < 0.01
    assert ev["level_before"] < 4 and ev["level_after"] < 4


def test_jump_rule_honest_traps() -> None:
    """No finding when the effluent glides up through the standard's level and back (no jump),
    or when a jump-bounded visit is as short as the series' own such visits."""
    n = 24 * 42
    nh3, flags = _calibrated_nh3(n, seed=22)
    ramp = np.r_[np.linspace(2.0, 8.0, 24), np.full(6, 8.0), np.linspace(8.0, 2.0, 24)]
    nh3[500 : 500 + len(ramp)] = np.round(ramp * (1 + 0.01 * np.sin(np.arange(len(ramp)))), 2)
    nh3[700:704] = [8.01, 7.95, 8.04, 8.0]  # four hours: shorter than the rule's floor
    frame = make_frame(MN, {NH3N: nh3}, flags={NH3N: flags})
    assert StandardSubstitutionDetector().detect(frame, SPEC_NH3) == []


def test_null_durations_from_the_tightest_shape_with_enough_stretches() -> None:
    """The jump rule's null durations: its own shape when the series has enough such stretches,
    else the nearest looser shape that has, else every stay."""
    few = np.array([1.0, 2.0, 11.0])
    level = np.r_[few, np.full(MIN_NULL_STRETCHES, 2.0)]
    every = np.r_[level, np.full(200, 40.0)]
    assert null_durations(few, level, every) is level
    assert null_durations(level[:MIN_NULL_STRETCHES], level, every) is not level
    assert null_durations(few, few, every) is every
    assert len(null_durations(few, few, few)) == len(few)


def test_jump_onto_the_standard_from_a_drifting_effluent_judged_by_its_level_bounded_stays() -> (
    None
):
    """A drifting NH3-N (long stays in any 10 % band) with a 3-6 h excursion to 1.6 times its
    level every 100 h, entered and left through a ramp hour (so its steps are not the series'
    largest), fed its registered standard 2.5 mg/L for 30 h from about 4 mg/L: found, the bar
    set by the series' own stays entered from 15 % away (about 10 h), not by every stay (over
    100 h); the same series without the substitution is not flagged."""
    n = 24 * 180
    rng = np.random.default_rng(3)
    walk = np.exp(np.cumsum(0.01 * rng.standard_normal(n)))
    base = 4.0 * walk / np.median(walk)
    excursion = np.ones(n)
    for start in range(20, n - 10, 100):
        k = int(rng.integers(3, 7))
        excursion[start] = excursion[start + k + 1] = 1.3
        excursion[start + 1 : start + k + 1] = 1.6
    nh3 = np.round(base * excursion * (1 + 0.01 * rng.standard_normal(n)), 2)
    spec = make_spec(MN, w21003={"limit": 15.0, "standard": 2.5, "analyser_range": (0.0, 50.0)})
    assert StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: nh3}), spec) == []
    fed = nh3.copy()
    fed[2003:2033] = np.round(2.5 * (1 + 0.015 * rng.standard_normal(30)), 2)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {NH3N: fed}), spec)
    assert spans(found) == [(hour(2003), hour(2032))]
    assert found[0].evidence["threshold"] < 20
