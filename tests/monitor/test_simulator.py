"""The simulator: reproducible, every pattern present where its label says, honest traps present."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from detectors.spec import COD, FLOW, NH3N, PH, TN
from monitor.registry import load_registry
from monitor.simulation.fleet import Simulation, write_simulation
from monitor.simulation.patterns import DETECTION_LIMIT, PATTERNS
from monitor.simulation.simulator import simulate, stream

CONC = ["w01018", "w21003", "w21011", "w21001"]


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(24, 150, seed=11, falsifying_share=0.5)


def wide(sim: Simulation, mn: str, column: str) -> pd.DataFrame:
    """One outlet's ``column`` on the full hourly grid, one column per pollutant (NaN if absent)."""
    rows = sim.readings[sim.readings["mn"] == mn]
    table = rows.pivot(index="ts", columns="pollutant", values=column)
    grid = pd.date_range(sim.start.tz_convert("UTC"), periods=sim.days * 24, freq="h")
    return table.reindex(grid)


def window(frame: pd.DataFrame, label: pd.Series) -> pd.DataFrame:
    return frame.loc[label["start"] : label["end"]]


def test_same_seed_same_simulation_other_seed_differs() -> None:
    a, b, c = simulate(5, 40, seed=3), simulate(5, 40, seed=3), simulate(5, 40, seed=4)
    pd.testing.assert_frame_equal(a.readings, b.readings)
    pd.testing.assert_frame_equal(a.labels, b.labels)
    assert a.registry_sites == b.registry_sites
    assert not np.array_equal(a.readings["value"].to_numpy(), c.readings["value"].to_numpy())


def test_every_pattern_is_labelled(sim: Simulation) -> None:
    present = set(sim.labels["pattern"])
    assert set(PATTERNS) <= present
    assert "exceedance" in present
    falsifying = set(sim.falsifying)
    patterns = sim.labels[sim.labels["pattern"] != "exceedance"]
    source = patterns["detail"].str.startswith("copied_by=")
    assert set(patterns[~source]["mn"]) <= falsifying
    assert set(patterns[source]["detail"].str.split("=").str[1]) <= falsifying
    assert len(falsifying) == 12


def _labels(sim: Simulation, pattern: str) -> list[pd.Series]:
    rows = sim.labels[sim.labels["pattern"] == pattern]
    assert len(rows), pattern
    return [row for _, row in rows.iterrows()]


def test_frozen_low_variability_zero_floor_values(sim: Simulation) -> None:
    for label in _labels(sim, "frozen"):
        v = window(wide(sim, label["mn"], "value"), label)[label["pollutant"]]
        f = window(wide(sim, label["mn"], "flag"), label)[label["pollutant"]]
        assert v.nunique() == 1 and (f == "N").all()
        assert (window(wide(sim, label["mn"], "value"), label)[FLOW] > 0).all()
    for label in _labels(sim, "low_variability"):
        v = window(wide(sim, label["mn"], "value"), label)[label["pollutant"]]
        hi = sim.specs()[label["mn"]].pollutant(label["pollutant"]).analyser_range[1]
        assert v.nunique() >= 2 and v.max() - v.min() < 0.02 * hi
    for label in _labels(sim, "zero_floor"):
        v = window(wide(sim, label["mn"], "value"), label)[label["pollutant"]].dropna()
        allowed = {0.0} | {round(x, 3) for x in DETECTION_LIMIT.values()} | {0.01, 0.03, 0.02}
        assert v.nunique() == 1 and (round(float(v.iloc[0]), 3) in allowed or v.iloc[0] < 5)


def test_physics_dilution_standard_and_flow_patterns(sim: Simulation) -> None:
    for label in _labels(sim, "physics"):
        w = window(wide(sim, label["mn"], "value"), label)
        assert (w[NH3N] > w[TN]).mean() > 0.8
    for label in _labels(sim, "dilution"):
        values = wide(sim, label["mn"], "value")
        inside = window(values, label)[COD].median()
        before = values.loc[: label["start"] - pd.Timedelta(hours=1)][COD].tail(24 * 14).median()
        assert inside < 0.7 * before
    for label in _labels(sim, "standard_substitution"):
        std = sim.specs()[label["mn"]].pollutant(label["pollutant"]).standard
        v = window(wide(sim, label["mn"], "value"), label)[label["pollutant"]]
        v = v.iloc[4:]  # the analyser shows its last real measurement until the next cycle
        assert ((v - std).abs() <= 0.02 * std + 0.011).all()
    for label in _labels(sim, "flow_mismatch"):
        w = window(wide(sim, label["mn"], "value"), label)
        assert (w[FLOW] == 0).all() or all(w[c].nunique() == 1 for c in CONC)


def test_copy_flags_capping_gaps_manual(sim: Simulation) -> None:
    for label in _labels(sim, "copied_data"):
        if label["detail"].startswith("copied_by="):
            continue
        lag = pd.Timedelta(hours=int(label["detail"].split("lag_h=")[1]))
        source = label["mn"]
        if label["detail"].startswith("source="):
            source = label["detail"].split()[0].split("=")[1]
        mine = window(wide(sim, label["mn"], "value"), label)[CONC]
        src = wide(sim, source, "value").loc[label["start"] - lag : label["end"] - lag][CONC]
        assert (mine.to_numpy() == src.to_numpy()).mean() > 0.9
    for label in _labels(sim, "flag_masking"):
        w = window(wide(sim, label["mn"], "flag"), label)
        if label["pollutant"] is None or pd.isna(label["pollutant"]):
            assert (w[COD] == "F").all()
            assert (window(wide(sim, label["mn"], "value"), label)[FLOW] > 0).all()
        else:
            limit = sim.specs()[label["mn"]].pollutant(label["pollutant"]).limit
            v = window(wide(sim, label["mn"], "value"), label)[label["pollutant"]]
            assert (w[label["pollutant"]].isin(["M", "D"]) & (v > limit)).sum() >= 3
    for label in _labels(sim, "capping"):
        limit = sim.specs()[label["mn"]].pollutant(label["pollutant"]).limit
        v = window(wide(sim, label["mn"], "value"), label)[label["pollutant"]]
        f = window(wide(sim, label["mn"], "flag"), label)[label["pollutant"]]
        valid = v[f == "N"]
        assert (valid <= limit).all() and ((valid >= 0.9 * limit) & (valid < limit)).mean() > 0.3
    for label in _labels(sim, "gap_hiding"):
        v = window(wide(sim, label["mn"], "value"), label)[label["pollutant"]]
        limit = sim.specs()[label["mn"]].pollutant(label["pollutant"]).limit
        before_gap = v.notna() & v.shift(-1).isna()
        assert (before_gap & (v >= 0.8 * limit)).sum() >= 6
    for label in _labels(sim, "manual_values"):
        f = window(wide(sim, label["mn"], "flag"), label)[label["pollutant"]]
        assert (f == "S").mean() > 0.2


def test_honest_traps_present(sim: Simulation) -> None:
    honest = sorted(set(sim.specs()) - set(sim.falsifying))
    events = sim.events[sim.events["mn"].isin(honest)]
    assert {"rain", "shutdown", "maintenance", "gap", "upset", "fault"} <= set(events["event"])
    rows = sim.readings[sim.readings["mn"].isin(honest)]
    # calibration hours read the standard, flagged C
    cal = rows[(rows["flag"] == "C") & (rows["pollutant"] == COD)]
    assert len(cal) >= len(honest) * 20
    specs = sim.specs()
    std = cal["mn"].astype(str).map(lambda mn: specs[mn].pollutant(COD).standard)
    assert ((cal["value"] - std).abs() <= 0.03 * std + 1).all()
    # shutdowns: flow 0 flagged F; maintenance flagged M
    flow = rows[rows["pollutant"] == FLOW]
    assert ((flow["value"] == 0) & (flow["flag"] == "F")).sum() > 0
    assert (rows["flag"] == "M").sum() > 0 and (rows["flag"] == "D").sum() > 0
    # analyser holds: the hourly COD value repeats between measurements
    mn = honest[0]
    cod = wide(sim, mn, "value")[COD].dropna()
    assert (cod.diff() == 0).mean() > 0.2 or specs[mn].pollutant(COD).cycle_minutes in (None, 60)
    # pH is reported in its resolution, never outside 0-14; honest TN >= NH3-N
    ph = rows[(rows["pollutant"] == PH) & (rows["flag"] == "N")]["value"]
    assert ph.between(0, 14).all()
    for mn in honest[:5]:
        w = wide(sim, mn, "value")
        ok = w[[NH3N, TN]].dropna()
        ok = ok[(ok > 0).all(axis=1)]
        assert (ok[NH3N] <= ok[TN] + 0.3).mean() > 0.98
    # honest plants do exceed now and then
    ex = sim.labels[(sim.labels["pattern"] == "exceedance") & sim.labels["mn"].isin(honest)]
    assert len(ex) > 0


def test_exceedance_labels_cover_every_valid_hour_over_the_limit(sim: Simulation) -> None:
    specs = sim.specs()
    rows = sim.readings[sim.readings["flag"].isin(["N", "T"])]
    limit = [
        specs[str(m)].pollutant(str(p)).limit
        for m, p in zip(rows["mn"], rows["pollutant"], strict=True)
    ]
    over = rows[rows["value"].to_numpy() > np.array([np.inf if x is None else x for x in limit])]
    labels = sim.labels[sim.labels["pattern"] == "exceedance"]
    merged = over.merge(labels, on=["mn", "pollutant"], how="left")
    inside = (merged["ts"] >= merged["start"]) & (merged["ts"] <= merged["end"])
    covered = inside.groupby([merged["mn"], merged["pollutant"], merged["ts"]], observed=True).any()
    assert len(covered) == len(over) and covered.all()


def test_registry_round_trip_and_hours(tmp_path, sim: Simulation) -> None:
    small = simulate(4, 3, seed=2)
    paths = write_simulation(small, tmp_path)
    registry = load_registry(paths["sites"])
    assert registry.specs() == small.specs()
    assert all(site.industry for site in registry)
    assert 'industry = "' in paths["sites"].read_text()
    hours = list(small.hours())
    assert 48 < len(hours) <= 72  # hours missing for every outlet at once are absent
    assert sum(len(frame) for _, frame in hours) == len(small.readings)
    stamps = [ts for ts, _ in hours]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all((frame["ts"] == ts).all() for ts, frame in hours)


def test_stream_continues_the_same_fleet_block_by_block() -> None:
    first, second = itertools.islice(stream(4, seed=9, block_days=8), 2)
    pd.testing.assert_frame_equal(first.readings, simulate(4, 8, seed=9).readings)
    assert first.registry_sites == second.registry_sites
    assert first.falsifying == second.falsifying
    assert second.readings["ts"].min() > first.readings["ts"].max()
    assert second.readings["ts"].min() - first.readings["ts"].max() <= pd.Timedelta(hours=6)

    def calibration_hours(block: Simulation) -> set[int]:
        rows = block.readings[
            (block.readings["flag"] == "C") & (block.readings["pollutant"] == COD)
        ]
        local = rows["ts"].dt.tz_convert("Asia/Shanghai")
        return set(local.dt.day_of_week * 24 + local.dt.hour)

    # each outlet calibrates at one hour of the week, the same in every block
    both = calibration_hours(first) | calibration_hours(second)
    assert calibration_hours(first) and calibration_hours(second) and len(both) <= 4


def test_the_zone_comes_from_the_caller_not_a_literal(tmp_path) -> None:
    """The plants keep their hours, and the files show their times, in the zone given (the
    configured one); the default is the configuration's default zone."""
    from monitor.config import DEFAULT_TIMEZONE

    london = simulate(1, 1, seed=3, tz="Europe/London")
    assert london.readings["ts"].min() == pd.Timestamp("2026-01-01T00:00Z")
    shanghai = simulate(1, 1, seed=3)
    assert DEFAULT_TIMEZONE == "Asia/Shanghai"
    assert shanghai.readings["ts"].min() == pd.Timestamp("2025-12-31T16:00Z")
    # the same plants, shifted by the eight hours between the zones
    assert np.allclose(london.readings["value"], shanghai.readings["value"], equal_nan=True)
    paths = write_simulation(london, tmp_path, tz="Europe/London")
    first = paths["readings"].read_text().splitlines()[1].split(",")
    assert first[2] == "2026-01-01T00:00:00+00:00"


def test_monitor_simulate_uses_the_configured_zone(tmp_path) -> None:
    from click.testing import CliRunner

    from monitor.cli import main

    config = tmp_path / "monitor.toml"
    config.write_text('timezone = "UTC"\n', encoding="utf-8")
    out = tmp_path / "sim"
    result = CliRunner().invoke(
        main,
        ["simulate", "--out", str(out), "--outlets", "1", "--days", "1", "--config", str(config)],
    )
    assert result.exit_code == 0, result.output
    assert (out / "readings.csv").read_text().splitlines()[1].split(",")[2] == (
        "2026-01-01T00:00:00+00:00"
    )
