"""Series and spec shared by the tests of frozen, low_variability, zero_floor and
standard_substitution (hourly local timestamps from `START`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detectors.finding import Finding
from tests.detectors.conftest import MN, effluent, make_spec

START = pd.Timestamp("2026-06-01 00:00", tz="Asia/Shanghai")
SPEC = make_spec(
    MN,
    w01018={"limit": 50.0, "standard": 25.0, "analyser_range": (0.0, 500.0)},
    w21011={"limit": 0.5, "analyser_range": (0.0, 10.0)},
    w01001={"limit_range": (6.0, 9.0)},
)


def hour(i: int) -> pd.Timestamp:
    """The ``i``-th hour after `START`."""
    return START + pd.Timedelta(hours=i)


def spans(findings: list[Finding]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """(start, end) of each finding."""
    return [(f.start, f.end) for f in findings]


def flow(hours: int, seed: int = 9) -> np.ndarray:
    """A varying flow of 300-500 m3/h."""
    return np.round(300 + 200 * np.random.default_rng(seed).random(hours), 1)


def honest_cod(hours: int, hold: int = 3, seed: int = 1) -> np.ndarray:
    """An honest COD around 30 mg/L held ``hold`` hours per measurement."""
    return effluent(hours, mean=30.0, hold_hours=hold, seed=seed)
