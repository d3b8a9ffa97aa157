"""The real outlet series (tests/data/cn_enterprise_outlet_hourly): honest analyser holds, gaps and
repeated constant days must not set off dilution, copied_data, physics, the flag detectors or
peer_outlier."""

from __future__ import annotations

import pandas as pd
import pytest

from detectors import OutletData, OutletSpec, PollutantSpec, get
from detectors.spec import NH3N

NAMES = (
    "dilution",
    "copied_data",
    "physics",
    "gap_hiding",
    "flag_masking",
    "manual_values",
    "flow_mismatch",
    "peer_outlier",
)


@pytest.fixture(scope="module")
def real(real_series: pd.DataFrame) -> pd.DataFrame:
    return real_series


@pytest.mark.parametrize("limit", [5.0, 8.0, 15.0])
def test_no_finding_on_the_honest_real_series(real: pd.DataFrame, limit: float) -> None:
    spec = OutletSpec("REAL", {NH3N: PollutantSpec(NH3N, limit=limit)})
    data = OutletData(real, spec)
    for name in NAMES:
        assert get(name)().detect(data) == [], name


def test_constant_days_that_repeat_are_not_copies(real: pd.DataFrame) -> None:
    # the series has 13 whole days repeating another day's exact (constant) profile
    daily = real.assign(day=real["ts"].dt.date).groupby("day")["value"]
    constant = daily.agg(lambda v: v.notna().sum() >= 20 and v.nunique() == 1)
    assert constant.sum() >= 13
    assert get("copied_data")().detect(real) == []
