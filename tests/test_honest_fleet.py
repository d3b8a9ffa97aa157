"""bench/honest_fleet.py: the third, honest-only generator (helper-G, twenty-first session)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from monitor.registry import parse_registry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import honest_fleet as hf  # noqa: E402

OUTLETS, DAYS, SEED = 24, 60, 5


@pytest.fixture(scope="module")
def fleet():
    return hf.generate(OUTLETS, DAYS, SEED, events=True)


def test_deterministic_per_seed(fleet):
    text, readings, events = fleet
    again = hf.generate(OUTLETS, DAYS, SEED, events=True)
    assert again[0] == text
    assert again[1].equals(readings)  # (assert_frame_equal is 10 s slower on categoricals)
    assert again[2].equals(events)
    other_text, other = hf.generate(OUTLETS, DAYS, SEED + 1)
    assert other_text != text
    assert not set(other["mn"].unique()) & set(readings["mn"].unique())


def test_smaller_fleet_is_a_prefix(fleet):
    text, readings, _ = fleet
    small_text, small = hf.generate(3, DAYS, SEED)
    assert text.startswith(small_text)
    mns = list(small["mn"].unique())
    big = readings[readings["mn"].isin(mns)].reset_index(drop=True)
    assert np.array_equal(big["value"].to_numpy(), small["value"].to_numpy(), equal_nan=True)
    assert (big["flag"].astype(str).to_numpy() == small["flag"].astype(str).to_numpy()).all()


def test_registry_parses_and_covers_the_readings(fleet):
    text, readings, _ = fleet
    specs = parse_registry(text, "honest").specs()
    assert set(specs) == set(readings["mn"].astype(str).unique())
    raw = tomllib.loads(text)["site"]
    assert len(raw) == OUTLETS
    for mn, spec in specs.items():
        codes = set(readings.loc[readings["mn"] == mn, "pollutant"].astype(str).unique())
        assert codes == set(spec.pollutants)
        assert {"w01018", "w21003", "w01001", "w00000"} <= codes
        assert spec.pollutants["w01001"].limit_range == (6.0, 9.0)
        for code in ("w01018", "w21003", "w21011", "w21001"):
            if code in spec.pollutants:
                p = spec.pollutants[code]
                assert p.limit > 0 and p.analyser_range[1] > p.limit and p.standard > 0


def test_columns_and_dtypes(fleet):
    _, readings, _ = fleet
    assert list(readings.columns) == ["mn", "pollutant", "ts", "value", "flag", "kind"]
    assert str(readings["ts"].dtype) == "datetime64[ns, UTC]"
    assert readings["value"].dtype == np.float64
    for col in ("mn", "pollutant", "flag", "kind"):
        assert isinstance(readings[col].dtype, pd.CategoricalDtype)
    assert list(readings["flag"].cat.categories) == list("NFMSDCTB")
    assert set(readings["kind"].unique()) == {"hour"}
    assert (readings["ts"].dt.minute == 0).all() and (readings["ts"].dt.second == 0).all()
    assert not readings.duplicated(["mn", "pollutant", "ts"]).any()


def test_every_hour_present_or_a_documented_gap(fleet):
    _, readings, events = fleet
    start = pd.Timestamp("2026-01-01", tz=hf.ZONE).tz_convert("UTC")
    grid = pd.date_range(start, periods=DAYS * 24, freq="h")
    gaps = events[events["event"].str.startswith("gap_")]
    missing_total = 0
    for (mn, code), sub in readings.groupby(["mn", "pollutant"], observed=True):
        assert sub["ts"].between(grid[0], grid[-1]).all()
        missing = grid.difference(pd.DatetimeIndex(sub["ts"]))
        missing_total += len(missing)
        documented = np.zeros(len(grid), dtype=bool)
        for a, b in gaps.loc[gaps["mn"] == mn, ["start", "end"]].itertuples(index=False):
            documented |= (grid >= a) & (grid < b)
        assert documented[grid.get_indexer(missing)].all(), (mn, code)
    assert missing_total > 0  # the fleet has gaps at all (lost transmissions)


def test_values_within_physical_bounds(fleet):
    text, readings, _ = fleet
    specs = parse_registry(text, "honest").specs()
    v = readings["value"]
    assert np.isfinite(v.dropna()).all()
    assert (v.dropna() >= 0).all()
    ph = readings[readings["pollutant"] == "w01001"]["value"].dropna()
    assert ph.between(0, 14).all() and ph.median() > 6 and ph.median() < 9
    normal = readings[readings["flag"] == "N"]
    assert normal["value"].notna().all()
    for (mn, code), sub in normal.groupby(["mn", "pollutant"], observed=True):
        top = specs[str(mn)].pollutants[str(code)].analyser_range[1]
        assert (sub["value"] <= top).all(), (mn, code)
    # flagged stretches exist, but most hours are normal
    share = (readings["flag"] == "N").mean()
    assert 0.8 < share < 0.995


def test_only_hj212_flags(fleet):
    _, readings, _ = fleet
    assert set(readings["flag"].astype(str).unique()) <= set("NFMSDCTB")
    assert readings["flag"].notna().all()


def test_cycle_holds_in_pairs(fleet):
    """A 2-h COD analyser (registered with cycle_minutes = 120, its cycle never changed) repeats
    each normal value in the next hour: its runs of equal values are mostly pairs."""
    text, readings, events = fleet
    changed = set(events.loc[events["event"] == "cycle_change", "mn"])
    checked = 0
    for site in tomllib.loads(text)["site"]:
        cod = site["pollutants"]["w01018"]
        if cod.get("cycle_minutes") != 120 or site["mn"] in changed:
            continue
        sub = readings[(readings["mn"] == site["mn"]) & (readings["pollutant"] == "w01018")]
        sub = sub.set_index("ts")["value"].where(sub.set_index("ts")["flag"] == "N")
        sub = sub.asfreq("h")
        run_id = (sub != sub.shift()).cumsum()
        runs = sub.groupby(run_id).agg(["size", "first"])
        runs = runs[runs["first"].notna()]
        # runs at the detection-limit floor may be longer; look at the others
        floor = sub.min()
        runs = runs[runs["first"] > floor]
        assert (runs["size"] == 2).mean() > 0.6, site["mn"]
        assert (runs["size"] == 1).mean() < 0.35, site["mn"]
        checked += 1
    assert checked >= 1


def test_bench_generator_refuses_a_falsifying_share():
    import bench_detect_accuracy as bench

    with pytest.raises(ValueError, match="honest"):
        bench.GENERATORS["honest"](1, 2, 3, 0.5)
    fleet = bench.GENERATORS["honest"](1, 2, 3, 0.0)
    assert fleet.labels.empty
    assert list(fleet.labels.columns) == ["mn", "pattern", "pollutant", "start", "end", "detail"]
    assert set(fleet.specs) == set(fleet.readings["mn"].astype(str).unique())
    assert fleet.days == 3


def test_received_at_is_optional_and_leaves_the_readings_alone(fleet):
    _, readings, events = fleet
    _, timed = hf.generate(OUTLETS, DAYS, SEED, received_at=True)
    assert str(timed["received_at"].dtype) == "datetime64[ns, UTC]"
    assert timed.drop(columns="received_at").equals(readings)
    lag = timed["received_at"] - timed["ts"]
    assert (lag >= pd.Timedelta(hours=1)).all()
    assert lag.median() < pd.Timedelta(hours=1, minutes=5)
    backfilled = events[events["detail"] == "backfilled"]
    assert len(backfilled)
    for mn, a, b in backfilled[["mn", "start", "end"]].itertuples(index=False):
        rows = timed[(timed["mn"] == mn) & (timed["ts"] >= a) & (timed["ts"] < b)]
        assert (rows["received_at"] >= b).all()
