"""The rate concepts shared by every rate-calibrated detector (`detectors.base`): the clip of a
stated rate and each rate parameter's declared unit."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from detectors import Detector, OutletData, catalogue
from detectors.base import (
    STATED_RATE_RANGE,
    clip_rate,
    rate_names,
    rate_units_of,
    units_per_year,
)
from detectors.finding import Finding


def test_clip_rate_states_a_rate_within_the_range() -> None:
    lo, hi = STATED_RATE_RANGE
    assert (lo, hi) == (1e-6, 0.999)
    assert clip_rate(0.01) == 0.01
    assert clip_rate(1.0) == hi and clip_rate(10.0) == hi  # a second look's, x100's
    assert clip_rate(1e-9) == lo and clip_rate(0.0) == lo
    # the expression standard_substitution writes out (min(max(rate, 1e-6), 0.999)), same bytes
    for rate in (0.0, 3e-7, 1e-6, 0.0004, 0.5, 0.999, 0.9990001, 2.0):
        assert repr(clip_rate(rate)) == repr(min(max(rate, 1e-6), 0.999))


class _Rated(Detector):
    name = "_rated_test_only"
    category = "integrity"
    rate_units = units_per_year(false_alarms_per_year="series")

    def __init__(
        self, *, false_alarms_per_year: float = 0.01, scaled_false_alarms_per_year: float = 0.1
    ) -> None:
        self.false_alarms_per_year = false_alarms_per_year
        self.scaled_false_alarms_per_year = scaled_false_alarms_per_year

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        return []


class _Renamed(_Rated):
    rate_units = units_per_year(old_false_alarms_per_year="outlet")


def test_rate_units_of_gives_the_declared_units_of_rate_parameters_only() -> None:
    assert rate_units_of(_Rated) == {"false_alarms_per_year": "series"}  # the other undeclared
    with pytest.raises(ValueError, match="old_false_alarms_per_year"):
        rate_units_of(_Renamed)  # a renamed parameter must take its unit along
    assert rate_units_of(Detector) == {}


def test_every_declared_unit_names_a_rate_parameter_of_its_detector() -> None:
    declared = 0
    for name, cls in catalogue().items():
        units = rate_units_of(cls)  # raises on a stray name
        assert set(units.values()) <= {"series", "outlet"}, name
        if units:
            declared += 1
            assert set(units) == set(rate_names(cls)), name  # all of them, when any
    assert declared == 13  # every integrity detector with a rate parameter
