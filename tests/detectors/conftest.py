"""Helpers to build hand-made readings frames for detector tests (shared by every detector test).

`make_frame` turns ``{pollutant: values}`` into the long readings frame of DESIGN.md section 5:

    frame = make_frame("MN1", {COD: [30, 30, 31], FLOW: 500.0}, "2026-06-01 00:00")

- a scalar value is repeated over the whole length; NaN (or None) means the row is absent (a gap);
- ``flags`` is one flag for everything, or ``{pollutant: flag-or-list}``; a list may hold None
  (meaning "N"); default "N";
- timestamps are local Beijing time (``tz``) at ``freq`` steps from ``start``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from detectors.spec import OutletSpec, PollutantSpec

MN = "61011500000001"
TZ = "Asia/Shanghai"

Values = float | int | None | Sequence[float | int | None] | np.ndarray
Flags = str | Sequence[str | None] | np.ndarray


def ts(text: str, tz: str = TZ) -> pd.Timestamp:
    """A local timestamp, as findings report them (``ts("2026-06-01 05:00")``)."""
    return pd.Timestamp(text, tz=tz)


def make_frame(
    mn: str,
    columns: Mapping[str, Values],
    start: str = "2026-06-01 00:00",
    *,
    freq: str = "h",
    flags: Flags | Mapping[str, Flags] = "N",
    tz: str = TZ,
) -> pd.DataFrame:
    """A long readings frame (mn, pollutant, ts, value, flag) of hand-given series."""
    lengths = [np.size(v) for v in columns.values() if np.ndim(v) > 0]
    n = max(lengths, default=1)
    times = pd.date_range(pd.Timestamp(start, tz=tz), periods=n, freq=freq)
    parts = []
    for code, raw in columns.items():
        values = _expand(raw, n, "float64")
        flag_spec = flags.get(code, "N") if isinstance(flags, Mapping) else flags
        flag = _expand(flag_spec, n, object)
        flag = np.where(pd.isna(flag), "N", flag).astype(object)
        keep = ~np.isnan(values)
        parts.append(
            pd.DataFrame(
                {
                    "mn": mn,
                    "pollutant": code,
                    "ts": times[keep],
                    "value": values[keep],
                    "flag": flag[keep],
                }
            )
        )
    if not parts:
        return empty_frame()
    return pd.concat(parts, ignore_index=True)


def _expand(raw: Any, n: int, dtype: Any) -> np.ndarray:
    if np.ndim(raw) == 0:
        return np.full(n, np.nan if raw is None else raw, dtype=dtype)
    arr = np.array([np.nan if x is None and dtype is not object else x for x in raw], dtype=dtype)
    if len(arr) != n:
        raise ValueError(f"series of length {len(arr)} where {n} expected")
    return arr


def empty_frame() -> pd.DataFrame:
    """A readings frame with the right columns and no rows."""
    return pd.DataFrame(
        {
            "mn": pd.Series([], dtype=object),
            "pollutant": pd.Series([], dtype=object),
            "ts": pd.Series([], dtype="datetime64[ns, UTC]"),
            "value": pd.Series([], dtype="float64"),
            "flag": pd.Series([], dtype=object),
        }
    )


def make_spec(mn: str = MN, **pollutants: Mapping[str, Any]) -> OutletSpec:
    """An `OutletSpec` from keyword pollutant specs: ``make_spec(w01018={"limit": 50})``."""
    return OutletSpec(mn, {code: PollutantSpec(code, **kw) for code, kw in pollutants.items()})


def held(levels: Sequence[float], hold_hours: int) -> np.ndarray:
    """An analyser's hourly output: each level repeated ``hold_hours`` times (an honest cycle)."""
    return np.repeat(np.asarray(levels, dtype="float64"), hold_hours)


def assert_same_arrays(got: Sequence[np.ndarray], want: Sequence[np.ndarray]) -> None:
    """``got`` and ``want`` hold as many arrays, each pair of one dtype and the same bytes (an
    equivalence test of a faster computation: NaNs and signed zeros compared too)."""
    for a, b in zip(got, want, strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def count_calls(
    monkeypatch: pytest.MonkeyPatch, owner: Any, *names: str, into: dict[str, int] | None = None
) -> dict[str, int]:
    """Count the calls of ``owner``'s functions ``names`` (a module's or a class's, static
    methods too) for the rest of the test: the counts, by name, in ``into`` (or a new dict)."""
    calls = {} if into is None else into
    for name in names:
        raw = inspect.getattr_static(owner, name)
        fn = raw.__func__ if isinstance(raw, staticmethod) else raw
        calls[name] = 0

        @functools.wraps(fn)
        def counted(*args: Any, _fn: Any = fn, _name: str = name, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _fn(*args, **kwargs)

        monkeypatch.setattr(owner, name, staticmethod(counted) if fn is not raw else counted)
    return calls


def effluent(
    hours: int,
    *,
    mean: float,
    cv: float = 0.15,
    hold_hours: int = 1,
    step: float = 0.1,
    seed: int = 0,
) -> np.ndarray:
    """An honest-looking series: diurnal cycle plus autocorrelated noise, measured every
    ``hold_hours`` h (value held in between), rounded to the analyser's ``step``."""
    rng = np.random.default_rng(seed)
    n_meas = -(-hours // hold_hours)
    t = np.arange(n_meas) * hold_hours
    noise = np.zeros(n_meas)
    e = rng.normal(0, 1, n_meas)
    for i in range(1, n_meas):
        noise[i] = 0.8 * noise[i - 1] + 0.6 * e[i]
    level = mean * (1 + 0.3 * cv / 0.15 * np.sin(2 * np.pi * t / 24) * 0.5 + cv * noise)
    level = np.maximum(level, step)
    return (np.round(np.repeat(level, hold_hours)[:hours] / step) * step).round(9)


#: The real hourly outlet series (MIT; copied into tests/data with its SOURCE.md and LICENSE).
REAL_SERIES = Path(__file__).resolve().parents[1] / "data/cn_enterprise_outlet_hourly/test.csv"


@pytest.fixture(scope="session")
def real_series() -> pd.DataFrame:
    """The real series as NH3-N readings of outlet ``REAL`` (Beijing time), flag N."""
    raw = pd.read_csv(REAL_SERIES)
    ts = pd.to_datetime(raw["monitorTime"]).dt.tz_localize("Asia/Shanghai")
    return pd.DataFrame(
        {
            "mn": "REAL",
            "pollutant": "w21003",
            "ts": ts,
            "value": raw["monitorAvgValue"],
            "flag": "N",
        }
    )


def calibrated_nh3(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """An honest NH3-N around 2 mg/L (no registered standard) calibrated weekly with an 8 mg/L
    solution: four C hours reading it each week (values, flags)."""
    nh3 = effluent(n, mean=2.0, step=0.01, seed=seed)
    flags = np.array(["N"] * n, dtype=object)
    for week in range(n // 168):
        nh3[week * 168 + 30 : week * 168 + 34] = [8.02, 7.97, 8.05, 7.99]
        flags[week * 168 + 30 : week * 168 + 34] = "C"
    return nh3, flags
