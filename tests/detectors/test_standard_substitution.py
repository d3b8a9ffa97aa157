"""standard_substitution: the standard solution as the sample, and its baseline stay."""

from __future__ import annotations

import numpy as np

from detectors.checks.standard_substitution import StandardSubstitutionDetector, _stay_quantile
from detectors.spec import COD
from tests.detectors.conftest import MN, effluent, held, make_frame
from tests.detectors.value_helpers import SPEC, hour, spans


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
