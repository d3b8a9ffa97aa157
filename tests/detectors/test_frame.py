"""`OutletData` prepares the same arrays whatever the frame's dtypes and row order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detectors import FrameError, OutletData
from detectors.spec import COD, FLOW
from tests.detectors.conftest import MN, make_frame


def _arrays(outlet: OutletData) -> tuple:
    return (
        outlet.pollutants,
        outlet._codes.tolist(),
        outlet._ts.tolist(),
        np.nan_to_num(outlet._values, nan=-1.0).tolist(),
        outlet._flags.tolist(),
    )


def _frame() -> pd.DataFrame:
    return make_frame(
        MN,
        {FLOW: [500.0, None, 520.0, 530.0], COD: [30.0, 31.0, None, 33.0]},
        "2026-06-01 00:00",
        flags={COD: ["N", "C", None, "M"]},
    )


def test_categorical_columns_give_the_same_arrays_as_text_columns() -> None:
    text = _frame()
    cat = text.copy()
    # categories in no particular order, with unused ones: the codes must be remapped
    cat["pollutant"] = pd.Categorical(text["pollutant"], categories=[COD, "w99999", FLOW])
    cat["flag"] = pd.Categorical(text["flag"], categories=["T", "M", "C", "N"])
    cat["mn"] = pd.Categorical(text["mn"], categories=["other", MN])
    assert _arrays(OutletData(cat)) == _arrays(OutletData(text))
    assert OutletData(cat).pollutants == tuple(sorted({COD, FLOW}))
    assert OutletData(cat).mn == MN


def test_row_order_does_not_matter() -> None:
    text = _frame()
    shuffled = text.sample(frac=1.0, random_state=3)
    assert _arrays(OutletData(shuffled)) == _arrays(OutletData(text))


def test_column_index_matches_the_grids() -> None:
    outlet = OutletData(_frame())
    for code in outlet.pollutants:
        k = outlet.column(code)
        assert outlet.wide_values.columns[k] == code
        np.testing.assert_array_equal(
            outlet.wide_values[code].to_numpy(), outlet.wide_values.to_numpy()[:, k]
        )
        np.testing.assert_array_equal(outlet.wide_column(code), outlet.wide_values[code])
    with pytest.raises(ValueError, match="read-only"):
        outlet.wide_column(COD)[0] = 1.0  # shared by every detector
    with pytest.raises(KeyError):
        outlet.column("w21011")


def test_two_outlets_in_a_categorical_frame_are_refused() -> None:
    a = _frame()
    b = _frame().assign(mn="61011500000002")
    both = pd.concat([a, b], ignore_index=True)
    both["mn"] = both["mn"].astype("category")
    with pytest.raises(FrameError, match="2 outlets"):
        OutletData(both)


def test_wide_valid_is_n_or_t_with_a_number() -> None:
    outlet = OutletData(_frame())
    flags, values = outlet.wide_flag_codes, outlet.wide_array
    expected = ((flags == "N") | (flags == "T")) & ~np.isnan(values)
    np.testing.assert_array_equal(outlet.wide_valid, expected)
    assert not outlet.wide_valid[:, outlet.column(COD)].all()  # C and M hours are not valid


# -- the one readings frame schema --------------------------------------------------------------


def _one_hour(**changes: object) -> pd.DataFrame:
    row = {
        "mn": MN,
        "pollutant": COD,
        "ts": pd.Timestamp("2026-06-01 00:00", tz="UTC"),
        "value": 30.0,
        "flag": "N",
    }
    frame = pd.DataFrame([row, {**row, "ts": row["ts"] + pd.Timedelta("1h")}])
    for name, value in changes.items():
        frame.loc[1, name] = value
    return frame


def test_schema_names_the_columns_once() -> None:
    from detectors.frame import READINGS_SCHEMA

    assert READINGS_SCHEMA.names == (
        "mn", "pollutant", "ts", "kind", "value", "min", "max", "cou", "flag", "received_at"
    )  # fmt: skip
    assert READINGS_SCHEMA.required == ("mn", "pollutant", "ts", "value", "flag")
    assert READINGS_SCHEMA.key == ("mn", "pollutant", "kind", "ts")
    assert READINGS_SCHEMA["flag"].empty == "unknown"
    assert READINGS_SCHEMA["pollutant"].empty == "refused"


def test_missing_flag_is_unknown_and_never_valid() -> None:
    outlet = OutletData(_one_hour(flag=None))
    series = outlet.series(COD)
    assert series is not None
    assert series.flags.tolist() == ["N", ""]
    assert series.valid.tolist() == [True, False]
    assert series.normal.tolist() == [True, False]
    assert outlet.wide_valid[:, 0].tolist() == [True, False]


def test_missing_flag_in_a_categorical_is_unknown_too() -> None:
    frame = _one_hour(flag=None)
    frame["flag"] = pd.Categorical(frame["flag"], categories=["N", "T"])
    series = OutletData(frame).series(COD)
    assert series is not None and series.valid.tolist() == [True, False]


def test_row_without_pollutant_is_refused() -> None:
    with pytest.raises(FrameError) as err:
        OutletData(_one_hour(pollutant=None))
    assert str(err.value) == (
        "readings frame row 1, column 'pollutant': empty; every reading needs one "
        "(the pollutant code, e.g. w01018)"
    )


@pytest.mark.parametrize("number", [np.inf, -np.inf])
def test_infinite_value_is_refused(number: float) -> None:
    with pytest.raises(FrameError) as err:
        OutletData(_one_hour(value=number))
    assert str(err.value) == (
        "readings frame row 1, column 'value': not finite; give the measured number or leave it "
        "empty (a finite number)"
    )


def test_unknown_kind_is_refused_and_naive_times_too() -> None:
    from detectors.frame import validate_readings

    frame = _one_hour()
    frame["kind"] = ["hour", "hourly"]
    with pytest.raises(FrameError, match=r"row 1, column 'kind': one of rtd, minute, hour, day"):
        validate_readings(frame)
    naive = _one_hour()
    naive["ts"] = naive["ts"].dt.tz_localize(None)
    with pytest.raises(FrameError, match="column 'ts' must hold timezone-aware timestamps"):
        validate_readings(naive)


def test_local_offset_is_the_local_zones_all_year() -> None:
    """Detectors' local days and months use one fixed offset, taken from the one zone constant."""
    from detectors.checks.capping import CappingDetector
    from detectors.checks.completeness import CompletenessDetector
    from detectors.checks.exceedance import ExceedanceDetector
    from detectors.finding import LOCAL_TZ
    from detectors.frame import LOCAL_OFFSET_HOURS

    for day in ("2026-01-15", "2026-07-15"):  # no daylight saving time: the same in summer
        offset = pd.Timestamp(day, tz=LOCAL_TZ).utcoffset()
        assert offset == pd.Timedelta(hours=LOCAL_OFFSET_HOURS)
    assert LOCAL_OFFSET_HOURS == 8
    for detector in (CappingDetector(), CompletenessDetector(), ExceedanceDetector()):
        assert detector.day_offset_hours == 8.0


def test_flag_is_and_wide_flag_is_equal_the_string_compare() -> None:
    """`flag_is` compares 2-character flags as integers: the same answer as ``==`` for every
    flag (a missing one is ""), on a column view and on other dtypes; `wide_flag_is` is the
    grid's, read-only and made once per flag."""
    from detectors.frame import flag_is

    outlet = OutletData(_frame())
    grid = outlet.wide_flag_codes
    for flag in ("N", "C", "M", "F", "", "NN", "NNN"):
        assert np.array_equal(flag_is(grid, flag), grid == flag)
        assert np.array_equal(flag_is(grid[:, 1], flag), grid[:, 1] == flag)
        assert np.array_equal(outlet.wide_flag_is(flag), grid == flag)
        s = outlet.series(COD)
        assert np.array_equal(flag_is(s.flags, flag), s.flags == flag)
        as_objects = s.flags.astype(object)
        assert np.array_equal(flag_is(as_objects, flag), as_objects == flag)
    assert outlet.wide_flag_is("C").sum() == 1
    assert outlet.wide_flag_is("C") is outlet.wide_flag_is("C")
    with pytest.raises(ValueError):
        outlet.wide_flag_is("C")[0, 0] = True


def test_flag_column_and_grid_flow_are_shared_read_only() -> None:
    """`flag_column` is the grid's column of flags, read-only; `grid_flow` is made once per
    outlet and its arrays cannot be changed by one detector under another."""
    from detectors.checks._common import grid_channel, grid_flags, grid_flow

    outlet = OutletData(_frame())
    for code in outlet.pollutants:
        assert np.array_equal(outlet.flag_column(code), grid_flags(outlet, [code])[:, 0])
        assert np.array_equal(grid_channel(outlet, code)[1], outlet.flag_column(code))
        with pytest.raises(ValueError):
            outlet.flag_column(code)[0] = "X"
    first = grid_flow(outlet)
    assert grid_flow(outlet) is first
    assert first[2] == 520.0  # median of the valid positive flow (500, 520, 530; one missing)
    with pytest.raises(ValueError):
        first[0][0] = 1.0
    without = OutletData(_frame().query("pollutant != @FLOW"))
    q, ok, typical = grid_flow(without)
    assert np.isnan(q).all() and not ok.any() and np.isnan(typical)
    with pytest.raises(ValueError):
        ok[0] = True


def test_categorical_codes_equal_factorize_with_missing_and_unused_categories() -> None:
    """`_codes` of a categorical (int8 codes read as uint8 to count the categories in use, -1
    missing past them; int16 codes with over 127 categories) equals `pd.factorize` sorted."""
    from detectors.frame import _codes

    rng = np.random.default_rng(3)
    for k in (1, 6, 200):
        names = [f"w{i:05d}" for i in rng.permutation(1000)[:k]]
        raw = rng.integers(-1, k, 400)
        column = pd.Series(pd.Categorical.from_codes(raw, categories=names))
        codes, present = _codes(column, sort=True)
        want, want_names = pd.factorize(column.astype(object), sort=True)
        assert codes.tolist() == want.tolist()
        assert list(present) == list(want_names)


def test_days_equal_the_formula_for_every_offset_and_series() -> None:
    """`OutletData.days`: the outlet's local days sliced for its own series (read-only), the
    formula for another offset or a series not the outlet's."""
    from detectors.frame import LOCAL_OFFSET_HOURS, Series

    hour = 3_600_000_000_000
    outlet = OutletData(_frame())
    for code in outlet.pollutants:
        s = outlet.series(code)
        for offset in (float(LOCAL_OFFSET_HOURS), 0.0, 5.5):
            want = (s.ts + int(offset * hour)) // (24 * hour)
            got = outlet.days(s, offset)
            assert got.dtype == want.dtype and np.array_equal(got, want)
        assert not outlet.days(s, float(LOCAL_OFFSET_HOURS)).flags.writeable
        other = Series(code, s.ts + 30 * hour, s.values, s.flags, s.valid)
        want = (other.ts + LOCAL_OFFSET_HOURS * hour) // (24 * hour)
        assert np.array_equal(outlet.days(other, float(LOCAL_OFFSET_HOURS)), want)
