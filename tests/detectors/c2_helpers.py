"""Frame-building helpers for the tests of dilution, copied, physics, flags and peer detectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

START = pd.Timestamp("2026-03-01 00:00", tz="Asia/Shanghai")


def hour(i: int, start: pd.Timestamp = START) -> pd.Timestamp:
    """The ``i``-th hour after ``start`` (UTC, as findings carry it)."""
    return (start + pd.Timedelta(hours=i)).tz_convert("UTC")


def frame(
    channels: Mapping[str, Sequence[float] | np.ndarray],
    flags: Mapping[str, Sequence[str] | np.ndarray] | None = None,
    *,
    mn: str = "M1",
    start: pd.Timestamp = START,
) -> pd.DataFrame:
    """A long readings frame: one hourly reading per element; NaN values mean "no row received"."""
    parts = []
    for code, values in channels.items():
        v = np.asarray(values, dtype="float64")
        f = np.asarray(flags[code] if flags and code in flags else ["N"] * len(v), dtype=object)
        ts = pd.date_range(start, periods=len(v), freq="h")
        keep = ~np.isnan(v) | (f != "N")
        parts.append(
            pd.DataFrame(
                {"mn": mn, "pollutant": code, "ts": ts[keep], "value": v[keep], "flag": f[keep]}
            )
        )
    if not parts:
        return pd.DataFrame({c: [] for c in ("mn", "pollutant", "ts", "value", "flag")})
    return pd.concat(parts, ignore_index=True)


def held(values: Sequence[float], hold_hours: int) -> np.ndarray:
    """Each value repeated ``hold_hours`` times (an analyser that measures every few hours)."""
    return np.repeat(np.asarray(values, dtype="float64"), hold_hours)


def cycled(
    n_hours: int, *, level: float, spread: float, hold_hours: int, seed: int, decimals: int = 2
) -> np.ndarray:
    """An honest-looking series: a diurnal, autocorrelated level held for ``hold_hours``."""
    rng = np.random.default_rng(seed)
    n_meas = -(-n_hours // hold_hours)
    t = np.arange(n_meas) * hold_hours
    noise = np.cumsum(rng.normal(0, spread / 4, n_meas)) * 0.3 + rng.normal(0, spread / 3, n_meas)
    base = level + spread * np.sin(2 * np.pi * t / 24) + noise
    return np.round(np.clip(np.repeat(base, hold_hours)[:n_hours], 0.0, None), decimals)
