"""peer_outlier: a scripted, too-steady outlet among honest peers; small groups stay silent."""

from __future__ import annotations

import numpy as np
import pytest

from detectors.checks import _common as common
from detectors.checks import peer
from detectors.checks.peer import PeerOutlierDetector, _medians
from detectors.frame import OutletData
from detectors.spec import COD, OutletSpec, PollutantSpec
from tests.detectors.c2_helpers import cycled, frame, hour

N = 744  # March 2026, local hours


def _fleet(n: int, odd: np.ndarray | None = None, district_only: bool = False) -> list[OutletData]:
    """``n`` honest outlets of one industry over three months; outlet 0's first ``len(odd)``
    hours are ``odd`` when given. (The group's tail of scores, which sets the bar, needs a group of realistic size: a
    dozen outlets' scores cannot tell a scripted month from the lowest honest plant.)"""
    outlets = []
    for i in range(n):
        cod = np.concatenate(  # one month at a time, so that no random walk drifts to zero
            [
                cycled(N, level=28 + i % 5, spread=4, hold_hours=1 + i % 2, seed=s, decimals=1)
                for s in (10 + i, 110 + i, 210 + i)
            ]
        )
        if odd is not None and i == 0:
            cod[: len(odd)] = odd
        mn = f"O{i:02d}"
        spec = OutletSpec(mn, industry=None if district_only else "textile", district="D1")
        outlets.append(OutletData(frame({COD: cod}, mn=mn), spec))
    return outlets


def _scripted() -> np.ndarray:
    rng = np.random.default_rng(99)
    return np.round(30 + rng.choice([-0.1, 0.0, 0.1], N), 1)  # "small fluctuations" script


def test_scripted_outlet_found_for_its_month_with_low_severity() -> None:
    found = PeerOutlierDetector().detect_fleet(_fleet(40, _scripted()))
    assert [(f.mn, f.start, f.end, f.severity) for f in found] == [
        ("O00", hour(0), hour(N - 1), "low")
    ]
    f = found[0]
    assert f.evidence["peers"] == 40 and f.evidence["score"] >= f.evidence["threshold"]
    assert f.evidence["cv"] < f.evidence["peer_median_cv"]
    assert f.evidence["false_alarm_rate_per_year"] == 0.005 and f.evidence["window_hours"] == N


def test_peers_by_district_when_no_industry_and_runs_repeat() -> None:
    fleet = _fleet(40, _scripted(), district_only=True)
    first = PeerOutlierDetector().detect_fleet(fleet)
    assert [f.mn for f in first] == ["O00"] and first[0].evidence["group"] == "D1"
    assert PeerOutlierDetector().detect_fleet(fleet) == first


@pytest.mark.parametrize("case", ["honest", "dirty", "too_few", "alone"])
def test_silent_cases(case: str) -> None:
    if case == "honest":
        assert PeerOutlierDetector().detect_fleet(_fleet(40)) == []
    elif case == "dirty":  # far more variable than peers: not a sign of faked data
        rng = np.random.default_rng(3)
        dirty = np.round(np.abs(60 + rng.normal(0, 40, N)), 1)
        assert PeerOutlierDetector().detect_fleet(_fleet(40, dirty)) == []
    elif case == "too_few":
        assert PeerOutlierDetector().detect_fleet(_fleet(7, _scripted())) == []
    else:
        (outlet,) = _fleet(1, _scripted())
        assert PeerOutlierDetector().detect(outlet) == []


def test_a_longer_analyser_cycle_than_the_peers_is_not_an_outlier() -> None:
    slow = cycled(3 * N, level=30, spread=5, hold_hours=6, seed=42, decimals=1)  # every 6 h
    assert PeerOutlierDetector().detect_fleet(_fleet(40, slow)) == []


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
        np.testing.assert_array_equal(_medians(x, first, cnt, kept, n_months), want)


def _medians_by_padded_sort(x, first, cnt, kept, n_months):  # type: ignore[no-untyped-def]
    """The months' medians as they were taken before `_medians`: every kept month one row of a
    matrix padded with +inf to the longest, the matrix sorted row by row."""
    median = np.zeros(n_months)
    if len(kept) == 0:
        return median
    rows = np.full((len(kept), int(cnt[kept].max())), np.inf)
    for r, j in enumerate(kept.tolist()):
        rows[r, : cnt[j]] = x[first[j] : first[j] + cnt[j]]
    rows.sort(axis=1)
    c = cnt[kept]
    at = np.arange(len(kept))
    median[kept] = (rows[at, (c - 1) // 2] + rows[at, c // 2]) / 2.0
    return median


def test_monthly_medians_are_the_padded_sorts_bytes_with_zeros_minus_zeros_and_nan() -> None:
    """Months holding 0.0, -0.0 or NaN (whose order statistics depend on the algorithm) give
    the same bytes as the padded sort did; other months too."""
    rng = np.random.default_rng(2)
    for _ in range(300):
        n_months = int(rng.integers(1, 8))
        cnt = rng.integers(0, 12, n_months)
        m = np.repeat(np.arange(n_months), cnt)
        x = rng.choice([0.0, -0.0, np.nan, 1.0, -1.0, 2.5], len(m))
        first = np.r_[0, np.cumsum(cnt)[:-1]]
        kept = np.flatnonzero(cnt >= 5)
        got = _medians(x, first, cnt, kept, n_months)
        assert got.tobytes() == _medians_by_padded_sort(x, first, cnt, kept, n_months).tobytes()


def _two_held_hours(cycle_minutes: float | None) -> OutletData:
    """Three months of COD held two hours at a time, the registry's cycle given or not."""
    cod = cycled(3 * N, level=30, spread=5, hold_hours=2, seed=7, decimals=1)
    spec = OutletSpec(
        "O1", industry="textile", pollutants={COD: PollutantSpec(COD, cycle_minutes=cycle_minutes)}
    )
    return OutletData(frame({COD: cod}, mn="O1"), spec)


def test_the_held_runs_are_read_only_when_the_registry_does_not_give_the_cycle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cycle in the registry is the cycle (`analyser_cycle_hours`): the held runs it would be
    learned from are not read then; the features are those the runs give the same cycle."""
    learned = peer.monthly_features(_two_held_hours(None), COD, 200)
    calls: list[int] = []
    real = common.held_runs  # made by `grid_held_runs` (shared with flow_mismatch)
    monkeypatch.setattr(common, "held_runs", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert peer.monthly_features(_two_held_hours(120), COD, 200) == learned  # 2 h learned
    assert calls == []
    for unknown in (None, 0, -120):  # no cycle given (`registry_cycle_hours`): runs read
        calls.clear()
        assert peer.monthly_features(_two_held_hours(unknown), COD, 200) == learned
        assert calls == [1]


def test_monthly_features_with_the_grid_months_given_are_the_same() -> None:
    outlet = _fleet(1, _scripted())[0]
    since = outlet.local_months - outlet.local_months[0]
    assert peer.monthly_features(outlet, COD, 200, since) == peer.monthly_features(outlet, COD, 200)


_FOREST_PROBE = """
import gc, json, sys
import numpy, pandas, scipy.special  # what a detecting process has before
gc.freeze()  # a host's freeze
from detectors.checks.peer import _isolation_forest
before = gc.isenabled(), gc.get_freeze_count(), gc.get_threshold()
name = _isolation_forest().__name__
print(json.dumps({
    "same": (gc.isenabled(), gc.get_threshold()) == (before[0], before[2]),
    "frozen": gc.get_freeze_count() <= before[1],  # frozen objects freed since leave it
    "name": name,
}))
"""


def test_scikit_learn_s_import_leaves_the_process_s_collector_alone() -> None:
    """A detector changes no process-global state: the collector stays on, nothing joins the
    host's freeze, the thresholds stay (how the collector runs during the import is the
    host's policy: `monitor.detection.collector`, reviewer-J J11)."""
    from tests.probe import fresh_json

    assert fresh_json(_FOREST_PROBE) == {"same": True, "frozen": True, "name": "IsolationForest"}
