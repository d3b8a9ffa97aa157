"""Shared estimators of detectors.series against plain reference implementations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.series import (
    _grid_resolution,
    analyser_cycle_hours,
    binomial_greater,
    block_sums,
    fisher_greater,
    held_runs,
    registry_cycle_hours,
    resolution,
    segments,
    window_sums,
)


def reference_segments(
    mask: np.ndarray, hours: np.ndarray, join_gap_hours: float, considered: np.ndarray
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    last = 0
    for i, (m, h, c) in enumerate(zip(mask, hours, considered, strict=True)):
        if not c:
            continue
        if not m:
            if cur is not None:
                out.append(cur)
            cur = None
            continue
        if cur is not None and h - hours[last] <= 1 + join_gap_hours:
            cur = (cur[0], i)
        else:
            if cur is not None:
                out.append(cur)
            cur = (i, i)
        last = i
    if cur is not None:
        out.append(cur)
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(1, 3)), max_size=60),
    st.sampled_from([0.0, 1.0, 2.0]),
)
def test_segments_match_a_reference(rows: list[tuple[bool, bool, int]], gap: float) -> None:
    mask = np.array([r[0] for r in rows], dtype=bool)
    considered = np.array([r[1] for r in rows], dtype=bool)
    hours = np.cumsum([r[2] for r in rows]).astype(float)
    got = segments(mask, hours, join_gap_hours=gap, considered=considered)
    expected = reference_segments(mask, hours, gap, considered)
    assert list(zip(got.first.tolist(), got.last.tolist(), strict=True)) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1.0, 2.0, 2.5]), st.integers(1, 3)), max_size=60))
def test_held_runs_cover_considered_readings_with_equal_values(
    rows: list[tuple[float, int]],
) -> None:
    values = np.array([r[0] for r in rows])
    hours = np.cumsum([r[1] for r in rows]).astype(float)
    considered = np.ones(len(rows), dtype=bool)
    runs = held_runs(values, hours, considered, max_gap_hours=1.0)
    assert int(runs.count.sum()) == len(rows)
    for a, b, v in zip(runs.first, runs.last, runs.value, strict=True):
        assert (values[a : b + 1] == v).all()
        assert (np.diff(hours[a : b + 1]) <= 2).all()


def test_resolution_and_cycle() -> None:
    assert resolution(np.array([7.1, 7.3, 7.2, 7.2, np.nan])) == 0.1
    assert np.isnan(resolution(np.array([3.0, 3.0])))
    assert resolution(np.array([0.01, 0.02, 0.05])) == 0.01
    hours = np.arange(40, dtype=float)
    values = np.repeat(np.arange(10.0), 4)
    runs = held_runs(values, hours, np.ones(40, dtype=bool))
    assert analyser_cycle_hours(runs) == 4.0
    assert analyser_cycle_hours(runs, cycle_minutes=30) == 1.0


@pytest.mark.parametrize(
    ("cycle_minutes", "hours"), [(None, None), (0, None), (-60, None), (30, 1.0), (150, 2.5)]
)
def test_the_registry_gives_the_cycle_only_when_positive(
    cycle_minutes: float | None, hours: float | None
) -> None:
    """`registry_cycle_hours` is the one rule for whether the registry gives the cycle
    (reviewer-J J10): `analyser_cycle_hours` takes its answer when it gives one, else learns
    the cycle from the held runs (4 h here)."""
    hours_grid = np.arange(40, dtype=float)
    runs = held_runs(np.repeat(np.arange(10.0), 4), hours_grid, np.ones(40, dtype=bool))
    assert registry_cycle_hours(cycle_minutes) == hours
    assert analyser_cycle_hours(runs, cycle_minutes) == (4.0 if hours is None else hours)


def test_block_and_window_sums() -> None:
    x = np.arange(10.0)
    assert block_sums(x, 4).tolist() == [6.0, 22.0, 17.0]
    assert window_sums(np.array([1.0, 2.0, 3.0, 4.0]), 3).tolist() == [6.0, 9.0]
    assert len(window_sums(np.array([1.0]), 3)) == 0


@settings(deadline=None)  # the first example imports scipy.stats (seconds on a busy machine)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))
def test_fisher_greater_equals_scipy(a: int, b: int, c: int, d: int) -> None:
    from scipy.stats import fisher_exact

    expected = fisher_exact([[a, b], [c, d]], alternative="greater").pvalue
    assert fisher_greater(a, b, c, d) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(deadline=None)  # the first example imports scipy.stats (seconds on a busy machine)
@given(st.integers(0, 200), st.integers(1, 200), st.floats(0.001, 0.999))
def test_binomial_greater_equals_scipy(k: int, n: int, p: float) -> None:
    from scipy.stats import binomtest

    k = min(k, n)
    expected = binomtest(k, n, p, alternative="greater").pvalue
    assert binomial_greater(k, n, p) == pytest.approx(expected, rel=1e-8, abs=1e-12)


def _resolution_by_definition(values: np.ndarray) -> float:
    u = np.unique(np.round(values[np.isfinite(values)], 9))
    return float(np.round(np.diff(u).min(), 9)) if len(u) >= 2 else float("nan")


def test_resolution_grid_shortcut_equals_the_definition() -> None:
    """`resolution` skips its sort when every value lies on the first values' grid: the same
    bytes as the sort over every value, on and off the grid (an off-grid value late, a finer
    step only after the sample, values up to the shortcut's magnitude bound)."""
    rng = np.random.default_rng(7)
    shortcut = 0
    for trial in range(600):
        n = int(rng.integers(900, 3000))
        step = float(rng.choice([1e-9, 0.001, 0.01, 0.05, 0.1, 0.25, 1.0, 7e-4]))
        base = float(rng.choice([0.0, 0.3, -5.0, 1e4, 99999.7, 123456.0]))
        v = base + np.round(rng.normal(0, float(rng.choice([1, 10, 100])), n) / step) * step
        if trial % 3 == 1:  # one value off the grid, after the sample
            v[int(rng.integers(600, n))] += float(rng.choice([1e-9, 3e-9, step / 2]))
        if trial % 5 == 2:
            v[rng.integers(0, n, 5)] = np.nan
        got, want = resolution(v), _resolution_by_definition(v)
        assert np.float64(got).tobytes() == np.float64(want).tobytes() or (
            np.isnan(got) and np.isnan(want)
        )
        shortcut += _grid_resolution(v[np.isfinite(v)]) is not None
    assert 100 < shortcut < 600  # both paths taken
