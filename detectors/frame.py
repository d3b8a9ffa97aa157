"""`OutletData`: one outlet's long readings frame, checked once and prepared for every detector.

The readings frame (DESIGN.md section 5) has columns ``mn, pollutant, ts, value, flag`` and an
optional ``kind`` (default ``hour``). ``ts`` must be timezone-aware. Detectors never re-parse the
frame: they ask an `OutletData` for a pollutant's `Series` (sorted numpy arrays) or for the
outlet-wide hourly grid, each computed once and cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Final

import numpy as np
import pandas as pd

from detectors.spec import FLOW, OutletSpec

REQUIRED_COLUMNS: Final[tuple[str, ...]] = ("mn", "pollutant", "ts", "value", "flag")
VALID_FLAG_CODES: Final[tuple[str, ...]] = ("N", "T")
HOUR: Final = pd.Timedelta(hours=1)


class FrameError(ValueError):
    """The readings frame does not have the shape detectors need (names the column and the fix)."""


@dataclass(frozen=True, slots=True, eq=False)
class Series:
    """One pollutant's readings in time order.

    ``ts`` is an int64 array of UTC nanoseconds (use `times` for a DatetimeIndex); ``valid`` is
    True where the flag is N or T and the value is a number (valid for compliance).
    """

    code: str
    ts: np.ndarray
    values: np.ndarray
    flags: np.ndarray
    valid: np.ndarray

    def __len__(self) -> int:
        return len(self.values)

    @property
    def times(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.ts.view("datetime64[ns]")).tz_localize("UTC")

    @property
    def hours(self) -> np.ndarray:
        """Timestamps as float hours since the epoch (for arithmetic on gaps and durations)."""
        return self.ts / 3.6e12


class OutletData:
    """One outlet's history, validated once; per-pollutant series and hourly grids are cached."""

    def __init__(self, frame: pd.DataFrame, spec: OutletSpec | None = None, *, lang: str = "en"):
        self.frame = _checked(frame)
        mns = self.frame["mn"].unique()
        if len(mns) > 1:
            raise FrameError(
                f"readings frame holds {len(mns)} outlets ({', '.join(map(str, mns[:3]))}, ...): "
                "pass one outlet's rows at a time (group by 'mn')"
            )
        self.mn: str = str(mns[0]) if len(mns) else (spec.mn if spec else "")
        self.spec: OutletSpec = spec if spec is not None else OutletSpec(self.mn)
        self.lang = lang

    @property
    def empty(self) -> bool:
        return self.frame.empty

    @cached_property
    def pollutants(self) -> tuple[str, ...]:
        return tuple(sorted(self.frame["pollutant"].unique().tolist()))

    @cached_property
    def _by_pollutant(self) -> dict[str, Series]:
        out: dict[str, Series] = {}
        frame = self.frame
        codes = frame["pollutant"].to_numpy()
        ts = frame["ts"].array.asi8
        values = frame["value"].to_numpy(dtype="float64")
        flags = frame["flag"].to_numpy(dtype=object)
        # the frame is sorted by (pollutant, ts): each pollutant is one contiguous slice
        bounds = np.flatnonzero(codes[1:] != codes[:-1]) + 1
        starts = np.r_[0, bounds]
        ends = np.r_[bounds, len(codes)]
        for start, end in zip(starts, ends, strict=True):
            if end <= start:
                continue
            f = flags[start:end].astype("U2")
            v = values[start:end]
            valid = np.isin(f, VALID_FLAG_CODES) & ~np.isnan(v)
            out[str(codes[start])] = Series(str(codes[start]), ts[start:end], v, f, valid)
        return out

    def series(self, code: str) -> Series | None:
        """The readings of pollutant ``code`` in time order, or None when there are none."""
        return self._by_pollutant.get(code)

    @cached_property
    def grid(self) -> pd.DatetimeIndex:
        """Every hour from the outlet's first reading to its last (UTC)."""
        if self.empty:
            return pd.DatetimeIndex([], tz="UTC")
        ts = self.frame["ts"]
        return pd.date_range(ts.min().floor("h"), ts.max().floor("h"), freq="h")

    @cached_property
    def wide_values(self) -> pd.DataFrame:
        """Values on the hourly grid, one column per pollutant (NaN where nothing was received)."""
        return self._wide("value")

    @cached_property
    def wide_flags(self) -> pd.DataFrame:
        """Flags on the hourly grid, one column per pollutant ("" where nothing was received)."""
        return self._wide("flag").fillna("").astype(object)

    @cached_property
    def wide_flag_codes(self) -> np.ndarray:
        """`wide_flags` as one 2-D numpy array of 2-character strings (same columns), converted
        once for every detector (comparing object arrays is slow)."""
        return self.wide_flags.to_numpy().astype("U2")

    def _wide(self, column: str) -> pd.DataFrame:
        frame = self.frame.assign(hour=self.frame["ts"].dt.floor("h"))
        frame = frame.drop_duplicates(["pollutant", "hour"], keep="first")
        wide = frame.pivot(index="hour", columns="pollutant", values=column)
        return wide.reindex(self.grid)

    @cached_property
    def flow(self) -> np.ndarray:
        """Flow on the hourly grid (NaN where unknown); all NaN when the outlet reports no flow."""
        if FLOW in self.wide_values.columns:
            return self.wide_values[FLOW].to_numpy(dtype="float64")
        return np.full(len(self.grid), np.nan)


def _checked(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise FrameError(
            f"readings frame lacks column(s) {', '.join(missing)}: "
            f"expected {', '.join(REQUIRED_COLUMNS)} (and optional kind)"
        )
    if "kind" in frame.columns:
        frame = frame[frame["kind"].fillna("hour") == "hour"]
    ts = frame["ts"]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        if len(ts) == 0:
            ts = pd.to_datetime(ts, utc=True)
        else:
            raise FrameError(
                "column 'ts' must hold timezone-aware timestamps (ISO 8601 with offset, "
                "e.g. 2026-06-03T04:00:00+08:00)"
            )
    out = pd.DataFrame(
        {
            "mn": frame["mn"].astype(str).to_numpy(),
            "pollutant": frame["pollutant"].astype(str).to_numpy(),
            "ts": ts.dt.tz_convert("UTC").dt.as_unit("ns").array,
            "value": pd.to_numeric(frame["value"], errors="coerce").astype("float64").to_numpy(),
            "flag": frame["flag"].fillna("N").astype(str).to_numpy(),
        }
    )
    return out.sort_values(["pollutant", "ts"], kind="stable", ignore_index=True)
