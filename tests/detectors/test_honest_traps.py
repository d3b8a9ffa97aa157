"""One honest outlet with every trap of DESIGN.md section 11 at once: the integrity detectors of
this family stay silent, completeness stays silent, exceedance reports exactly the real upset."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detectors import build
from detectors.spec import COD, FLOW, NH3N, PH, TP
from tests.detectors.conftest import MN, effluent, make_frame, make_spec

DAYS = 60
N = 24 * DAYS
START = pd.Timestamp("2026-06-01 00:00", tz="Asia/Shanghai")
SPEC = make_spec(
    MN,
    w01018={"limit": 50.0, "standard": 25.0, "analyser_range": (0.0, 500.0)},
    w21003={"limit": 5.0, "standard": 2.5, "analyser_range": (0.0, 50.0)},
    w21011={"limit": 0.5, "standard": 0.2, "analyser_range": (0.0, 10.0)},
    w01001={"limit_range": (6.0, 9.0), "analyser_range": (0.0, 14.0)},
)
INTEGRITY = ["range", "frozen", "low_variability", "zero_floor", "standard_substitution", "capping"]


def honest_outlet(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    hours = np.arange(N)
    flow = np.round(400 + 100 * np.sin(2 * np.pi * (hours % 24) / 24) + rng.normal(0, 20, N), 1)
    cod = np.minimum(effluent(N, mean=30.0, hold_hours=2, step=0.1, seed=seed), 45.0)
    # a plant running close to its NH3-N limit: lognormal around 4, some hours honestly above 5
    nh3 = np.repeat(np.round(4.0 * np.exp(rng.normal(0, 0.15, N // 3)), 2), 3)
    tp = effluent(N, mean=0.3, hold_hours=2, step=0.01, seed=seed + 1)
    ph = effluent(N, mean=7.3, cv=0.02, step=0.1, seed=seed + 2)
    values = {COD: cod, NH3N: nh3, TP: tp, PH: ph}
    flags = {code: np.array(["N"] * N, dtype=object) for code in values}
    # rain (days 45-48): flow doubles, everything diluted to half
    rain = slice(45 * 24, 49 * 24)
    flow[rain] *= 2.0
    for code in (COD, NH3N, TP):
        values[code][rain] = np.round(values[code][rain] * 0.5, 2)
    # weekly calibration: 2 hours reading the standard, flagged C
    for code, standard in ((COD, 25.0), (NH3N, 2.5), (TP, 0.2)):
        for week in range(DAYS // 7):
            at = slice(week * 168 + 30, week * 168 + 32)
            values[code][at] = standard
            flags[code][at] = "C"
    # shutdown (days 20-22): flow 0, zeros flagged F; analysers hold during the restart
    stop = slice(20 * 24, 23 * 24)
    flow[stop] = 0.0
    for code in (COD, NH3N, TP):
        values[code][stop] = 0.0
        flags[code][stop] = "F"
    # maintenance window (day 30): odd values flagged M
    maint = slice(30 * 24 + 9, 30 * 24 + 15)
    for code in values:
        values[code][maint] = 999.0
        flags[code][maint] = "M"
    # short communication gaps
    for at in (100, 700, 1200):
        for arr in (*values.values(), flow):
            arr[at : at + 3] = np.nan
    # an honest upset that really exceeds (day 40, 10:00-14:00)
    upset = slice(40 * 24 + 10, 40 * 24 + 15)
    values[COD][upset] = [62.0, 71.5, 88.0, 75.2, 58.1]
    return make_frame(MN, {**values, FLOW: flow}, flags=flags)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_integrity_detectors_and_completeness_stay_silent(seed: int) -> None:
    frame = honest_outlet(seed)
    for detector in build([*INTEGRITY, "completeness"]):
        found = detector.detect(frame, SPEC)
        assert found == [], (detector.name, [f.summary for f in found])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exceedance_reports_the_upset_and_only_values_over_the_limit(seed: int) -> None:
    frame = honest_outlet(seed)
    found = build(["exceedance"])[0].detect(frame, SPEC)
    cod = [(f.start, f.end) for f in found if f.pollutant == COD]
    assert cod == [(START + pd.Timedelta(hours=970), START + pd.Timedelta(hours=974))]
    valid = frame[frame["flag"].isin(["N", "T"])]
    for f in found:
        if f.evidence["statistic"] != "hourly value":
            continue
        limit = 50.0 if f.pollutant == COD else 5.0
        inside = valid[
            (valid["pollutant"] == f.pollutant) & (valid["ts"] >= f.start) & (valid["ts"] <= f.end)
        ]
        assert (inside["value"] > limit).all()
    assert any(f.pollutant == NH3N for f in found)  # the plant close to its limit does exceed
