"""peer_outlier: a scripted, too-steady outlet among honest peers; small groups stay silent."""

from __future__ import annotations

import numpy as np
import pytest

from detectors.checks.peer import PeerOutlierDetector, _medians
from detectors.frame import OutletData
from detectors.spec import COD, OutletSpec
from tests.detectors.c2_helpers import cycled, frame, hour

N = 744  # March 2026, local hours


def _fleet(n: int, odd: np.ndarray | None = None, district_only: bool = False) -> list[OutletData]:
    outlets = []
    for i in range(n):
        hold = 1 + i % 3
        cod = cycled(
            N, level=20 + 2 * i, spread=4 + i % 4, hold_hours=hold, seed=10 + i, decimals=1
        )
        if odd is not None and i == 0:
            cod = odd
        mn = f"O{i:02d}"
        spec = OutletSpec(mn, industry=None if district_only else "textile", district="D1")
        outlets.append(OutletData(frame({COD: cod}, mn=mn), spec))
    return outlets


def _scripted() -> np.ndarray:
    rng = np.random.default_rng(99)
    return np.round(30 + rng.choice([-0.1, 0.0, 0.1], N), 1)  # "small fluctuations" script


def test_scripted_outlet_found_for_its_month_with_low_severity() -> None:
    found = PeerOutlierDetector().detect_fleet(_fleet(12, _scripted()))
    assert [(f.mn, f.start, f.end, f.severity) for f in found] == [
        ("O00", hour(0), hour(N - 1), "low")
    ]
    f = found[0]
    assert f.evidence["peers"] == 12 and f.evidence["score"] >= 0.6
    assert f.evidence["cv"] < f.evidence["peer_median_cv"]


def test_peers_by_district_when_no_industry_and_runs_repeat() -> None:
    fleet = _fleet(10, _scripted(), district_only=True)
    first = PeerOutlierDetector().detect_fleet(fleet)
    assert [f.mn for f in first] == ["O00"] and first[0].evidence["group"] == "D1"
    assert PeerOutlierDetector().detect_fleet(fleet) == first


@pytest.mark.parametrize("case", ["honest", "dirty", "too_few", "alone"])
def test_silent_cases(case: str) -> None:
    if case == "honest":
        assert PeerOutlierDetector().detect_fleet(_fleet(14)) == []
    elif case == "dirty":  # far more variable than peers: not a sign of faked data
        rng = np.random.default_rng(3)
        dirty = np.round(np.abs(60 + rng.normal(0, 40, N)), 1)
        assert PeerOutlierDetector().detect_fleet(_fleet(12, dirty)) == []
    elif case == "too_few":
        assert PeerOutlierDetector().detect_fleet(_fleet(7, _scripted())) == []
    else:
        (outlet,) = _fleet(1, _scripted())
        assert PeerOutlierDetector().detect(outlet) == []


def test_a_longer_analyser_cycle_than_the_peers_is_not_an_outlier() -> None:
    slow = cycled(N, level=26, spread=5, hold_hours=6, seed=42, decimals=1)  # measures every 6 h
    assert PeerOutlierDetector().detect_fleet(_fleet(12, slow)) == []


def test_monthly_medians_equal_numpy_median_per_month() -> None:
    rng = np.random.default_rng(1)
    for _ in range(100):
        n_months = int(rng.integers(1, 15))
        cnt = rng.integers(0, 40, n_months)
        m = np.repeat(np.arange(n_months), cnt)
        x = np.round(rng.normal(10, 3, len(m)), int(rng.integers(0, 3)))  # ties too
        first = np.r_[0, np.cumsum(cnt)[:-1]]
        kept = np.flatnonzero(cnt >= 5)
        want = np.zeros(n_months)
        for j in kept:
            want[j] = np.median(x[first[j] : first[j] + cnt[j]])
        np.testing.assert_array_equal(_medians(x, m, first, cnt, kept, n_months), want)
