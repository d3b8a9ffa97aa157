"""standard_substitution: the standard solution as the sample, and its baseline stay."""

from __future__ import annotations

import numpy as np

from detectors.checks.standard_substitution import StandardSubstitutionDetector, _stays
from detectors.spec import COD
from tests.detectors.conftest import MN, effluent, held, make_frame, make_spec
from tests.detectors.value_helpers import SPEC, hour, spans


def test_standard_solution_as_sample_exact_interval() -> None:
    """30 h at the standard (it was 18 h: the bar is now where the series' own stays near a
    level reach 0.001 false alarms per series-year, and 10 days of a 2-h analyser whose stays
    last 2-4 h put it at about 22 h)."""
    n = 24 * 10
    cod = effluent(n, mean=40.0, hold_hours=2, seed=12)
    cod[100:130] = held([25.0, 25.1, 24.9, 25.0, 25.2, 24.9, 25.0, 25.1, 25.0] + [25.1] * 6, 2)
    found = StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC)
    assert spans(found) == [(hour(100), hour(129))]
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


def test_stays_counts_stretches_near_every_level_in_a_relative_band() -> None:
    """The null model's stays (the 99.5th percentile stay it replaced was a hand-set bar: the
    stays now feed a tail model, so the function returns them all)."""
    v = np.array([1.0, 1.0, 1.05, 5.0, 5.0, 1.0, 9.0, 9.5, 9.0, 9.0])
    hours = np.arange(10, dtype=float)
    hours[5:] += 3  # a 3-hour gap before index 5 breaks stretches
    normal = np.ones(10, dtype=bool)
    levels = np.array([1.0, 5.0, 9.0])
    # band 10 %: level 1 -> 3 h and 1 h; level 5 -> 2 h; level 9 -> 4 h (9.5 is within 10 %)
    assert sorted(_stays(v, hours, normal, levels, 0.1, 1.0).tolist()) == [1.0, 2.0, 3.0, 4.0]
    # band 5 %: 9.5 breaks level 9's stay into 1 h and 2 h
    assert sorted(_stays(v, hours, normal, levels, 0.05, 1.0).tolist()) == [1.0, 1.0, 2.0, 2.0, 3.0]


def test_unregistered_standard_is_learned_from_calibration_hours() -> None:
    """No standard in the registry: the median of the C readings is the standard (the old rule
    never looked at such a series)."""
    n = 24 * 28
    cod = effluent(n, mean=40.0, hold_hours=1, seed=12)
    flags = np.array(["N"] * n, dtype=object)
    for week in range(4):
        cod[week * 168 + 10] = 60.0 + 0.3 * (week - 1.5)  # the weekly calibration hour, C
        flags[week * 168 + 10] = "C"
    rng = np.random.default_rng(4)
    cod[300:330] = np.round(60.0 * (1 + 0.005 * rng.standard_normal(30)), 1)  # 30 h at ~60
    spec = make_spec(MN, w01018={"limit": 80.0, "analyser_range": (0.0, 500.0)})
    found = StandardSubstitutionDetector().detect(
        make_frame(MN, {COD: cod}, flags={COD: flags}), spec
    )
    assert spans(found) == [(hour(300), hour(329))]
    ev = found[0].evidence
    assert ev["standard_source"] == "calibrations" and abs(ev["standard"] - 60.0) < 0.5
    for key in ("rule", "window_hours", "statistic", "threshold", "false_alarm_rate_per_year"):
        assert key in ev
    assert ev["expected_honest_stays"] <= ev["false_alarm_rate_per_year"]


def test_short_visit_to_the_standard_level_is_not_flagged() -> None:
    """An effluent passing through the standard's level for a few hours stays as long near its
    other levels: not flagged."""
    n = 24 * 28
    cod = effluent(n, mean=40.0, hold_hours=1, seed=12)
    cod[300:305] = [25.2, 25.0, 24.8, 25.1, 24.9]  # 5 h near the standard 25
    assert StandardSubstitutionDetector().detect(make_frame(MN, {COD: cod}), SPEC) == []
