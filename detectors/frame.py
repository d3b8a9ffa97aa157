"""The readings frame and `OutletData`: one outlet's long readings frame, checked once and
prepared for every detector.

The long readings frame (DESIGN.md section 5) is defined once, here, as :data:`READINGS_SCHEMA`:
its columns, what pandas holds in each, and what an empty cell means. The store's reader and the
readings-file reader produce it and :func:`validate_readings` checks it; `OutletData` takes it.
Detectors never re-parse the frame: they ask an `OutletData` for a pollutant's `Series` (sorted
numpy arrays) or for the outlet-wide hourly grid, each computed once and cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

import numpy as np
import pandas as pd

from detectors.finding import LOCAL_TZ
from detectors.series import HeldRuns, held_runs
from detectors.spec import FLOW, OutletSpec

#: HJ 212-2017's data flags, the ones a readings file may carry (N normal, F stopped, M maintenance,
#: S set by hand, D fault, C calibration, T over the range, B communication lost).
FLAG_CODES: Final[tuple[str, ...]] = ("N", "F", "M", "S", "D", "C", "T", "B")
VALID_FLAG_CODES: Final[tuple[str, ...]] = ("N", "T")
#: Kinds of reading (HJ 212: real time, minute, hour and day data).
KINDS: Final[tuple[str, ...]] = ("rtd", "minute", "hour", "day")
#: What an empty cell means: refused (the row is unusable), unknown (kept as missing) or a default.
REFUSED: Final = "refused"
UNKNOWN: Final = "unknown"


@dataclass(frozen=True, slots=True)
class ReadingsColumn:
    """One column of the readings frame: ``dtype`` is what pandas holds (``text`` is object or
    categorical strings), ``required`` whether the column must be present, ``empty`` what an
    empty cell means (:data:`REFUSED`, :data:`UNKNOWN` or the default value) and ``rule`` the
    rest of the rule, in words."""

    name: str
    dtype: str
    required: bool
    empty: str
    rule: str


@dataclass(frozen=True, slots=True)
class ReadingsSchema:
    """The long readings frame: its columns in order and the key no two readings share."""

    columns: tuple[ReadingsColumn, ...]
    key: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def __getitem__(self, name: str) -> ReadingsColumn:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


#: The long readings frame, one reading a row, as the store's reader, the readings-file reader and
#: `OutletData` know it (DESIGN.md section 5).
READINGS_SCHEMA: Final = ReadingsSchema(
    columns=(
        ReadingsColumn("mn", "text", True, REFUSED, "the outlet's MN"),
        ReadingsColumn("pollutant", "text", True, REFUSED, "the pollutant code, e.g. w01018"),
        ReadingsColumn(
            "ts",
            "datetime64[ns, UTC]",
            True,
            REFUSED,
            "timezone-aware (text: ISO 8601 with offset)",
        ),
        ReadingsColumn("kind", "text", False, "hour", f"one of {', '.join(KINDS)}"),
        ReadingsColumn("value", "float64", True, UNKNOWN, "a finite number"),
        ReadingsColumn("min", "float64", False, UNKNOWN, "a finite number"),
        ReadingsColumn("max", "float64", False, UNKNOWN, "a finite number"),
        ReadingsColumn("cou", "float64", False, UNKNOWN, "a finite number"),
        ReadingsColumn(
            "flag",
            "text",
            True,
            UNKNOWN,
            "an HJ 212 data flag (files: one of N F M S D C T B); an unknown flag is never valid",
        ),
        ReadingsColumn(
            "received_at",
            "datetime64[ns, UTC]",
            False,
            UNKNOWN,
            "when the reading arrived, timezone-aware (text: ISO 8601 with offset)",
        ),
    ),
    key=("mn", "pollutant", "kind", "ts"),
)
REQUIRED_COLUMNS: Final[tuple[str, ...]] = READINGS_SCHEMA.required
#: The optional packets frame of one outlet (`OutletData.packets`), one accepted packet a row in
#: arrival order: ``received_at`` and ``data_time`` (``datetime64[ns, UTC]``; data_time NaT for a
#: heartbeat), ``cn`` and ``kind`` (text), ``fingerprint`` (the habits' key, text, empty for a
#: JSON message), ``habits`` (the habits as a JSON object, text) and ``deviations`` (tags,
#: comma-separated). What the store's ``packets`` table holds (``Store.read_packets``).
PACKETS_SCHEMA: Final[tuple[str, ...]] = (
    "received_at",
    "data_time",
    "cn",
    "kind",
    "fingerprint",
    "habits",
    "deviations",
)
HOUR: Final = pd.Timedelta(hours=1)
#: Hours local time (:data:`detectors.finding.LOCAL_TZ`, Beijing) is ahead of UTC, for local days
#: and months by fixed-offset arithmetic: exact, as the zone keeps no daylight saving time.
LOCAL_OFFSET_HOURS: Final = round(pd.Timestamp("2026-01-01", tz=LOCAL_TZ).utcoffset() / HOUR)


class FrameError(ValueError):
    """The readings frame does not have the shape detectors need (names the column and the fix)."""


@dataclass(frozen=True, slots=True, eq=False)
class Series:
    """One pollutant's readings in time order.

    ``ts`` is an int64 array of UTC nanoseconds (use `times` for a DatetimeIndex); ``valid`` is
    True where the flag is N or T and the value is a number (valid for compliance); ``normal``
    where the flag is N and the value a number (computed from the flags when not given).
    """

    code: str
    ts: np.ndarray
    values: np.ndarray
    flags: np.ndarray
    valid: np.ndarray
    normal_given: np.ndarray | None = field(default=None, repr=False)
    hours_given: np.ndarray | None = field(default=None, repr=False)
    _held: dict[tuple[str, float], HeldRuns] = field(default_factory=dict, repr=False)

    @property
    def normal(self) -> np.ndarray:
        """Readings flagged N with a number."""
        if self.normal_given is not None:
            return self.normal_given
        return self.valid & (self.flags == VALID_FLAG_CODES[0])

    def __len__(self) -> int:
        return len(self.values)

    @property
    def times(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.ts.view("datetime64[ns]")).tz_localize("UTC")

    @property
    def hours(self) -> np.ndarray:
        """Timestamps as float hours since the epoch (for arithmetic on gaps and durations)."""
        if self.hours_given is not None:
            return self.hours_given
        return self.ts / 3.6e12

    def held(self, among: str = "normal", max_gap_hours: float = 1.0) -> HeldRuns:
        """`detectors.series.held_runs` of the ``normal`` (or ``valid``) readings, a run surviving
        gaps of ``max_gap_hours``: computed once per series and reused by every detector that
        asks the same (several judge the analyser cycle from them)."""
        key = (among, float(max_gap_hours))
        runs = self._held.get(key)
        if runs is None:
            mask = self.normal if among == "normal" else self.valid
            runs = held_runs(self.values, self.hours, mask, max_gap_hours=max_gap_hours)
            self._held[key] = runs
        return runs


class OutletData:
    """One outlet's history, validated once; per-pollutant series and hourly grids are cached.

    The readings are kept as numpy arrays sorted by (pollutant, time): pollutant codes as small
    integers (``pollutants[code]``), times as UTC nanoseconds, values as float64 and flags as
    2-character strings, so preparing an outlet costs one sort and a few array conversions.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        spec: OutletSpec | None = None,
        *,
        lang: str = "en",
        checked: bool = False,
        packets: pd.DataFrame | None = None,
    ) -> None:
        """``packets``: the outlet's packet records (:data:`PACKETS_SCHEMA`), when known; the
        detectors that read the wire (``fingerprint_change``) do not run without them."""
        cols = _checked(frame, validate=not checked)
        self.mn: str = cols.mn or (spec.mn if spec else "")
        self.spec: OutletSpec = spec if spec is not None else OutletSpec(self.mn)
        self.lang = lang
        self.pollutants: tuple[str, ...] = cols.pollutants
        self._codes = cols.codes
        self._ts = cols.ts
        self._values = cols.values
        self._flags = cols.flags
        self._flag_valid = cols.flag_valid
        self._flag_normal = cols.flag_normal
        self._received = cols.received
        if packets is not None:
            missing = [c for c in PACKETS_SCHEMA if c not in packets.columns]
            if missing:
                raise FrameError(
                    f"packets frame lacks column(s) {', '.join(missing)}: expected "
                    f"{', '.join(PACKETS_SCHEMA)}"
                )
        self.packets: pd.DataFrame | None = packets

    @property
    def empty(self) -> bool:
        return len(self._ts) == 0

    @property
    def times_ns(self) -> np.ndarray:
        """Every reading's time as UTC nanoseconds (ordered by pollutant, then time)."""
        return self._ts

    @property
    def received_ns(self) -> np.ndarray | None:
        """Each reading's arrival time as UTC nanoseconds (ordered as `times_ns`; the minimum
        int64 where unknown), or None when the readings carry no ``received_at`` at all."""
        return self._received

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The checked readings as a frame (``mn, pollutant, ts, value, flag``), sorted by
        (pollutant, ts), ``ts`` as ``datetime64[ns, UTC]``."""
        names = np.asarray(self.pollutants, dtype=object)
        return pd.DataFrame(
            {
                "mn": np.full(len(self._ts), self.mn, dtype=object),
                "pollutant": names[self._codes] if len(names) else np.array([], dtype=object),
                "ts": pd.DatetimeIndex(self._ts.view("datetime64[ns]")).tz_localize("UTC"),
                "value": self._values,
                "flag": self._flags.astype(object),
            }
        )

    @cached_property
    def _bounds(self) -> np.ndarray:
        return np.searchsorted(self._codes, np.arange(len(self.pollutants) + 1))

    @cached_property
    def _valid(self) -> np.ndarray:
        """Each reading valid for compliance: flag N or T and a number."""
        valid = self._flag_valid & ~np.isnan(self._values)
        valid.flags.writeable = False
        return valid

    @cached_property
    def _by_pollutant(self) -> dict[str, Series]:
        out: dict[str, Series] = {}
        b = self._bounds
        valid = self._valid
        normal = valid & self._flag_normal
        hours = self._ts / 3.6e12
        for shared in (normal, hours):  # shared by every detector: read-only
            shared.flags.writeable = False
        for k, code in enumerate(self.pollutants):
            sl = slice(b[k], b[k + 1])
            out[code] = Series(
                code,
                self._ts[sl],
                self._values[sl],
                self._flags[sl],
                valid[sl],
                normal_given=normal[sl],
                hours_given=hours[sl],
            )
        return out

    def column(self, code: str) -> int:
        """Index of pollutant ``code``'s column in the hourly grids (`wide_values`,
        `wide_flag_codes`); KeyError when the outlet has no readings of it."""
        try:
            return self._columns[code]
        except KeyError:
            raise KeyError(code) from None

    @cached_property
    def _columns(self) -> dict[str, int]:
        return {code: k for k, code in enumerate(self.pollutants)}

    def series(self, code: str) -> Series | None:
        """The readings of pollutant ``code`` in time order, or None when there are none."""
        return self._by_pollutant.get(code)

    @cached_property
    def memo(self) -> dict[str, object]:
        """What the shared helpers of `detectors.checks._common` made for this outlet, by name
        (read-only arrays: every detector asking the same gets the same)."""
        return {}

    @cached_property
    def _hour0(self) -> int:
        return int(self._ts.min() // _HOUR_NS) if len(self._ts) else 0

    @cached_property
    def grid(self) -> pd.DatetimeIndex:
        """Every hour from the outlet's first reading to its last (UTC)."""
        if self.empty:
            return pd.DatetimeIndex([], tz="UTC")
        last = int(self._ts.max() // _HOUR_NS)
        first = pd.Timestamp(self._hour0 * _HOUR_NS, unit="ns", tz="UTC")
        return pd.date_range(first, periods=last - self._hour0 + 1, freq="h", unit="ns")

    @cached_property
    def local_months(self) -> np.ndarray:
        """Local (Beijing, UTC+8) calendar month of every grid hour, as months since 1970-01
        (int64, non-decreasing along the grid)."""
        if self.empty:
            return np.zeros(0, dtype=np.int64)
        local = self.grid.asi8 + LOCAL_OFFSET_HOURS * _HOUR_NS
        first, last = (local[[0, -1]].astype("datetime64[ns]").astype("datetime64[M]")).astype(
            np.int64
        )
        starts = np.arange(first, last + 2).astype("datetime64[M]").astype("datetime64[ns]")
        return first + np.searchsorted(starts.astype(np.int64), local, side="right") - 1

    @cached_property
    def _grid_flat(self) -> np.ndarray:
        """Each reading's cell of the hourly grids flattened row by row (row * columns + column),
        in reverse order so that assigning them leaves the first reading of an hour in place
        (one index array: a (row, column) pair costs a fifth more to assign through)."""
        rows = self._ts // _HOUR_NS - self._hour0
        return (rows * len(self.pollutants) + self._codes)[::-1]

    @cached_property
    def wide_array(self) -> np.ndarray:
        """Values on the hourly grid as one read-only 2-D float array (NaN where nothing was
        received), one column per pollutant in `pollutants` order (see `column`)."""
        grid = np.full((len(self.grid), len(self.pollutants)), np.nan)
        grid.ravel()[self._grid_flat] = self._values[::-1]  # the first reading of an hour stays
        grid.flags.writeable = False  # shared by every detector
        return grid

    def wide_column(self, code: str) -> np.ndarray:
        """Pollutant ``code``'s values on the hourly grid (a read-only view of `wide_array`);
        KeyError when the outlet has no readings of it."""
        return self.wide_array[:, self.column(code)]

    @cached_property
    def wide_values(self) -> pd.DataFrame:
        """Values on the hourly grid, one column per pollutant (NaN where nothing was received).
        Detectors use `wide_array`/`wide_column` (a pandas column access costs ~0.1 ms)."""
        return pd.DataFrame(
            self.wide_array,
            index=self.grid,
            columns=pd.Index(self.pollutants, name="pollutant"),
            copy=False,
        )

    @cached_property
    def wide_flag_codes(self) -> np.ndarray:
        """Flags on the hourly grid as one 2-D array of 2-character strings ("" where nothing was
        received), columns as in `wide_values`."""
        # moved as 8-byte integers (a U2 is 8 bytes; "" is all zeros): copying strings costs more
        grid = np.zeros((len(self.grid), len(self.pollutants)), dtype=np.uint64)
        grid.ravel()[self._grid_flat] = self._flags.view(np.uint64)[::-1]
        return grid.view(_FLAG_DTYPE)

    def flag_column(self, code: str) -> np.ndarray:
        """Pollutant ``code``'s flags on the hourly grid (a read-only view of `wide_flag_codes`);
        KeyError when the outlet has no readings of it."""
        view = self.wide_flag_codes[:, self.column(code)]
        view.flags.writeable = False
        return view

    def days(self, s: Series, offset_hours: float) -> np.ndarray:
        """The day of each reading of ``s``, ``(ts + offset_hours h) // 24 h`` (int64): for the
        outlet's own series at the local offset a read-only slice of one array made for every
        reading of the outlet (exceedance and capping both count local days), else computed."""
        offset = int(offset_hours * _HOUR_NS)
        k = self._columns.get(s.code)
        if offset != LOCAL_OFFSET_HOURS * _HOUR_NS or k is None or self.series(s.code) is not s:
            return (s.ts + offset) // (24 * _HOUR_NS)
        b = self._bounds
        return self._local_days[b[k] : b[k + 1]]

    @cached_property
    def _local_days(self) -> np.ndarray:
        days = (self._ts + LOCAL_OFFSET_HOURS * _HOUR_NS) // (24 * _HOUR_NS)
        days.flags.writeable = False  # shared by every detector
        return days

    def wide_flag_is(self, flag: str) -> np.ndarray:
        """Where the hourly grid's flag is ``flag`` (`wide_flag_codes` == ``flag``), as one
        read-only 2-D bool array, columns as in `wide_values`; made once per flag and outlet,
        the flags compared as 8-byte integers (a string compare of the grid costs ten times
        more)."""
        got = self._wide_flag_is.get(flag)
        if got is None:
            got = flag_is(self.wide_flag_codes, flag)
            got.flags.writeable = False  # shared by every detector
            self._wide_flag_is[flag] = got
        return got

    @cached_property
    def _wide_flag_is(self) -> dict[str, np.ndarray]:
        return {}

    @cached_property
    def wide_valid(self) -> np.ndarray:
        """Valid for compliance (flag N or T and a number) on the hourly grid, as one read-only
        2-D bool array (False where nothing was received), columns as in `wide_array`."""
        grid = np.zeros((len(self.grid), len(self.pollutants)), dtype=bool)
        grid.ravel()[self._grid_flat] = self._valid[::-1]
        grid.flags.writeable = False  # shared by every detector
        return grid

    @cached_property
    def wide_flags(self) -> pd.DataFrame:
        """Flags on the hourly grid, one column per pollutant ("" where nothing was received)."""
        return pd.DataFrame(
            self.wide_flag_codes.astype(object),
            index=self.grid,
            columns=pd.Index(self.pollutants, name="pollutant"),
        )

    @cached_property
    def flow(self) -> np.ndarray:
        """Flow on the hourly grid (NaN where unknown); all NaN when the outlet reports no flow."""
        if FLOW in self.pollutants:
            return self.wide_column(FLOW)
        return np.full(len(self.grid), np.nan)


_HOUR_NS: Final = 3_600_000_000_000
#: A flag as the readings arrays hold it: two characters (8 bytes, so an array of flags can be
#: moved as 8-byte integers).
_FLAG_DTYPE: Final = np.dtype("U2")


def flag_is(flags: np.ndarray, flag: str) -> np.ndarray:
    """``flags == flag`` for an array of flags: a 2-character array (what `Series.flags` and
    `OutletData.wide_flag_codes` hold) compared as 8-byte integers, ten times faster than the
    string compare and the same answer (a shorter string is padded with zeros in both); any
    other array by its own ``==``."""
    if flags.dtype != _FLAG_DTYPE or len(flag) > 2:
        return np.asarray(flags == flag)
    return flags.view(np.uint64) == np.array(flag, dtype=_FLAG_DTYPE).reshape(1).view(np.uint64)[0]


@dataclass(frozen=True, slots=True)
class _Columns:
    mn: str
    pollutants: tuple[str, ...]
    codes: np.ndarray
    ts: np.ndarray
    values: np.ndarray
    flags: np.ndarray
    flag_valid: np.ndarray  # per reading: its flag is N or T
    flag_normal: np.ndarray  # per reading: its flag is N
    received: np.ndarray | None = None


def validate_readings(frame: pd.DataFrame) -> None:
    """Check ``frame`` against :data:`READINGS_SCHEMA`; `FrameError` names the column, the first
    row (by position) that breaks the rule and the fix. Text cells are not checked against
    :data:`FLAG_CODES` (the store keeps the flags of HJ/T 212-2005 too)."""
    missing = [c for c in READINGS_SCHEMA.required if c not in frame.columns]
    if missing:
        raise FrameError(
            f"readings frame lacks column(s) {', '.join(missing)}: expected "
            f"{', '.join(READINGS_SCHEMA.required)} (and optional "
            f"{', '.join(c for c in READINGS_SCHEMA.names if c not in READINGS_SCHEMA.required)})"
        )
    for col in READINGS_SCHEMA.columns:
        if col.name not in frame.columns:
            continue
        column = frame[col.name]
        aware = isinstance(column.dtype, pd.DatetimeTZDtype)
        if col.dtype.startswith("datetime64") and len(column) and not aware:
            raise FrameError(
                f"column {col.name!r} must hold timezone-aware timestamps (ISO 8601 with "
                "offset, e.g. 2026-06-03T04:00:00+08:00)"
            )
        if col.empty == REFUSED:
            _refuse(_missing(column), col, "empty; every reading needs one")
        if col.dtype == "float64":
            numbers = (
                column.to_numpy()
                if column.dtype == np.float64
                else pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64")
            )
            _refuse(
                np.isinf(numbers), col, "not finite; give the measured number or leave it empty"
            )
        if col.name == "kind":
            _refuse(_not_in(column, KINDS), col, col.rule)


def _missing(column: pd.Series) -> np.ndarray:
    """``column.isna()`` as an array; a categorical's or a timestamp column's from its codes or
    integers (what the readers give: the same answer at a fraction of the cost)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.asarray(column.array.codes) < 0
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return column.array.asi8 == np.iinfo(np.int64).min
    return column.isna().to_numpy()


def _not_in(column: pd.Series, allowed: tuple[str, ...]) -> np.ndarray:
    """Rows holding a value (not missing) outside ``allowed``; a categorical column is judged by
    its categories, each row through its code."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        bad = np.array([c not in allowed for c in column.dtype.categories] + [False])
        if not bad.any():
            return np.zeros(len(column), dtype=bool)
        return bad[np.asarray(column.array.codes, dtype=np.intp)]  # code -1 (missing): False
    return ~column.isna().to_numpy() & ~column.isin(allowed).to_numpy()


def _refuse(bad: np.ndarray, col: ReadingsColumn, why: str) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise FrameError(f"readings frame row {row}, column {col.name!r}: {why} ({col.rule})")


def _checked(frame: pd.DataFrame, *, validate: bool = True) -> _Columns:
    """The frame's columns checked (:func:`validate_readings`, unless ``validate`` is False: the
    caller's reader checked the whole frame already) and converted to numpy, sorted by
    (pollutant, ts). Only ``hour`` readings are kept; a missing flag stays unknown (never valid)."""
    if validate:
        validate_readings(frame)
    if "kind" in frame.columns:
        keep = _hourly(frame["kind"])
        if keep is not None:
            frame = frame[keep]
    ts = frame["ts"]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):  # no rows (validate refuses naive times)
        ts = pd.to_datetime(ts, utc=True)
    mn = _one_outlet(frame["mn"])
    codes, names = _codes(frame["pollutant"], sort=True)
    stamps = _utc_ns(ts)
    values = frame["value"]
    if values.dtype != "float64":
        values = pd.to_numeric(values, errors="coerce").astype("float64")
    flag = frame["flag"]
    if isinstance(flag.dtype, pd.CategoricalDtype):
        flag_codes, flag_names = flag.array.codes, flag.dtype.categories
    else:
        flag_codes, flag_names = pd.factorize(flag, use_na_sentinel=True)
    # a missing flag (-1) is unknown: "", which is neither N nor T, so never valid
    flag_table = np.array([str(f) for f in flag_names] + [""], dtype=_FLAG_DTYPE)
    normal_table = flag_table == VALID_FLAG_CODES[0]
    valid_table = normal_table | (flag_table == VALID_FLAG_CODES[1])
    if len(stamps) < 2 or bool((stamps[1:] >= stamps[:-1]).all()):
        # already in time order (files and the store give it so): a stable sort on the small
        # pollutant codes (radix sort) gives the same order as the (pollutant, ts) lexsort
        small = np.int8 if len(names) < 128 else np.int32
        order = np.argsort(codes.astype(small, copy=False), kind="stable")
    else:
        order = np.lexsort((stamps, codes))
    flag_of = np.asarray(flag_codes, dtype=np.intp)[order]  # -1 (missing): the last entry, ""
    received = None
    if "received_at" in frame.columns:
        arrived = frame["received_at"]
        if not isinstance(arrived.dtype, pd.DatetimeTZDtype):
            arrived = pd.to_datetime(arrived, utc=True)
        raw = _utc_ns(arrived)
        if (raw != np.iinfo(np.int64).min).any():  # all unknown: as good as absent
            received = np.ascontiguousarray(raw[order])
    return _Columns(
        mn=mn,
        pollutants=tuple(str(n) for n in names),
        codes=codes[order].astype(np.int64, copy=False),
        ts=np.ascontiguousarray(stamps[order]),
        values=values.to_numpy(dtype="float64")[order],
        # each flag through its code: 8-byte integers (a string copy costs more), then its kind
        flags=flag_table.view(np.uint64)[flag_of].view(_FLAG_DTYPE),
        flag_valid=valid_table[flag_of],
        flag_normal=normal_table[flag_of],
        received=received,
    )


def _one_outlet(column: pd.Series) -> str:
    """The single MN of an outlet's rows ("" when there are none); `FrameError` for several."""
    if not len(column):
        return ""
    if isinstance(column.dtype, pd.CategoricalDtype):
        raw = column.array.codes
        lo, hi = int(raw.min()), int(raw.max())
        used = [lo, hi] if lo != hi else [lo]
        mns = [column.dtype.categories[k] if k >= 0 else None for k in used]
    else:
        mns = list(pd.unique(column))
    if len(mns) > 1:
        shown = ", ".join(map(str, mns[:3]))
        raise FrameError(
            f"readings frame holds {len(mns)} outlets ({shown}, ...): "
            "pass one outlet's rows at a time (group by 'mn')"
        )
    return str(mns[0])


def _codes(column: pd.Series, *, sort: bool) -> tuple[np.ndarray, pd.Index | np.ndarray]:
    """`pd.factorize` of a column: codes (-1 for missing) and the distinct values (in text order
    when ``sort``); a categorical's codes are remapped to its categories in use, without hashing
    (its distinct values as an object array: indexing a pandas Index costs more than the rest)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return pd.factorize(column, sort=sort)
    raw = column.array.codes
    categories = np.array([str(c) for c in column.dtype.categories], dtype=object)
    if raw.dtype == np.int8:  # at most 127 categories: -1 (missing) read as 255 counts past them
        used = np.bincount(raw.view(np.uint8), minlength=256)[: len(categories)]
    else:
        used = np.bincount(raw[raw >= 0], minlength=len(categories))
    present = np.flatnonzero(used)
    if sort:
        present = present[np.argsort(categories[present], kind="stable")]
    # codes as small as the values in use allow (int8 under 128: a cheaper gather and sort)
    small = np.int8 if len(present) < 128 else np.int64
    remap = np.full(len(categories) + 1, -1, dtype=small)  # raw -1 (missing) stays -1
    remap[present] = np.arange(len(present))
    return remap.take(raw), categories[present]


def _utc_ns(times: pd.Series) -> np.ndarray:
    """UTC nanoseconds of a timezone-aware column (int64; NaT as its minimum): the epoch
    integers do not depend on the zone, so none is converted."""
    return times.array.as_unit("ns").asi8


def _hourly(kind: pd.Series) -> np.ndarray | None:
    """Which rows are ``hour`` readings (a missing kind is one), or None when all are; a
    categorical column whose only category is ``hour`` (what the readers give) is not compared
    row by row."""
    if isinstance(kind.dtype, pd.CategoricalDtype) and list(kind.dtype.categories) == ["hour"]:
        return None
    keep = ((kind == "hour") | kind.isna()).to_numpy()
    return None if keep.all() else keep
